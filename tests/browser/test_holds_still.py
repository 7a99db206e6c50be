"""The page holds still: messages float over it, so nothing moves that the learner did not move.

The truth is the browser's own layout-shift entries (the figure behind Cumulative Layout Shift),
summed over a session: load, train the spiral until it stops, dismiss the message, switch
datasets, digits, draw and add a drawing. A shift is the learner's doing only when it lands
between the start of one of their actions and the second frame after the page handled it (a
dataset switch rebuilds the page's lower half on purpose); anything else counts.
"""
from __future__ import annotations

import pytest
from pagekit import wait_state

pytestmark = pytest.mark.browser

SHIFTS = """
window.__shifts = [];
window.__acts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__shifts.push({value: e.value, at: e.startTime,
    what: (e.sources || []).map((s) => s.node ? (s.node.id || s.node.className || s.node.nodeName) : "?")});
}).observe({type: "layout-shift", buffered: true});
"""
SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now()))))"


def act(page, action):
    """Run one learner action and note when it began and when the page had shown its answer."""
    start = page.evaluate("() => performance.now()")
    action()
    end = page.evaluate(SETTLED)
    page.evaluate("([a, b]) => window.__acts.push([a, b])", [start, end])


def rect(page, selector):
    return page.evaluate(f"""() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();
        return [Math.round(r.x), Math.round(r.y + scrollY), Math.round(r.width), Math.round(r.height)]; }}""")


def unasked_shift(page):
    """Sum of the layout shifts outside the learner's actions, and what moved."""
    shifts, acts = page.evaluate("() => [window.__shifts, window.__acts]")
    unasked = [s for s in shifts if not any(a <= s["at"] <= b for a, b in acts)]
    return sum(s["value"] for s in unasked), unasked


def test_a_session_holds_still(new_page, server, wait_ready):
    page = new_page(viewport={"width": 1440, "height": 900})
    page.context.add_init_script(SHIFTS)
    page.goto(server)
    wait_ready(page)
    page.evaluate(SETTLED)
    play, boundary = rect(page, "#play"), rect(page, "#boundary")

    act(page, lambda: page.get_by_role("combobox", name="Speed (epochs per frame)").select_option("10"))
    act(page, lambda: page.get_by_role("button", name="Play", exact=True).click())
    wait_state(page, "s.stop !== null", timeout=120_000)  # the spiral converged (or stalled): a message
    message = page.locator("#message")
    message.wait_for(state="visible")
    page.evaluate(SETTLED)
    assert rect(page, "#play") == play, "Play moved when the message showed"
    assert rect(page, "#boundary") == boundary, "the boundary moved when the message showed"

    act(page, lambda: page.get_by_role("button", name="Dismiss message").click())
    assert message.is_hidden()
    assert rect(page, "#play") == play and rect(page, "#boundary") == boundary

    act(page, lambda: page.get_by_role("combobox", name="Dataset").select_option("xor"))
    act(page, lambda: page.get_by_role("combobox", name="Dataset").select_option("digits"))
    wait_state(page, "s.config.dataset === 'digits'")
    page.evaluate(SETTLED)
    pad = page.get_by_label("Drawing pad")
    box = pad.bounding_box()

    def draw():
        page.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.15 * box["height"])
        page.mouse.down()
        page.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.85 * box["height"], steps=8)
        page.mouse.up()

    act(page, draw)
    before = rect(page, "#pad")
    act(page, lambda: page.get_by_role("button", name="Add to training set").click())
    message.wait_for(state="visible")  # "Added your drawing as a …"
    page.evaluate(SETTLED)
    assert rect(page, "#pad") == before, "the drawing pad moved under the pen when the drawing was added"

    total, unasked = unasked_shift(page)
    assert total <= 0.01, f"layout shift {total:.4f} outside the learner's actions: {unasked}"
