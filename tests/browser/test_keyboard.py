"""Keyboard only: Tab reaches every control and every teaching panel in reading order, each
panel's main action runs from the keyboard, `?` lists the keys, and Space plays only when focus
is not on a control. The truth is the browser's: document.activeElement, the document order of
the focused elements, and what each action visibly changed."""
from __future__ import annotations

import pytest
from pagekit import state, wait_state

pytestmark = pytest.mark.browser

PANELS = ["panel-step", "panel-audit", "panel-gradcheck", "panel-landscape", "panel-race", "panel-activations", "panel-source"]
FOCUSED = """() => { const a = document.activeElement; const s = a.closest('#panels > section');
  return {panel: s ? s.id : '', tag: a.tagName, name: a.getAttribute('aria-label') || a.textContent.trim().slice(0, 40),
          visible: getComputedStyle(a).outlineStyle !== 'none' || a.matches(':focus-visible')}; }"""
FOLLOWS = """() => { const a = document.activeElement; const r = window.__last ? (window.__last.compareDocumentPosition(a) &
  Node.DOCUMENT_POSITION_FOLLOWING) !== 0 : true; window.__last = a; return r; }"""


def tab_to(page, predicate, limit=400):
    """Press Tab until the focused element matches `predicate(focused)`; return what was passed."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        seen.append(now)
        if predicate(now):
            return seen
    raise AssertionError(f"Tab never reached it; last: {seen[-5:]}")


def panel_text(page, id_):
    return page.evaluate(f"document.getElementById({id_!r}).innerText")


def test_tab_reaches_every_panel_in_reading_order(new_page, server, wait_ready):
    page = new_page(viewport={"width": 1440, "height": 900})
    page.goto(server)
    wait_ready(page)
    page.evaluate("document.activeElement.blur()")
    order, panels = [], []
    for _ in range(500):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now["tag"] == "BODY":
            break
        assert page.evaluate(FOLLOWS), f"focus went back up the page at {now}"
        assert now["visible"], f"no visible focus on {now}"
        order.append(now)
        if now["panel"] and now["panel"] not in panels:
            panels.append(now["panel"])
        if now["panel"] == PANELS[-1] and now["name"] == "Function or class":
            break
    assert panels == PANELS, f"Tab reached the panels {panels}"
    page.context.close()


def test_each_panels_main_action_from_the_keyboard(new_page, server, wait_ready):
    page = new_page(viewport={"width": 1440, "height": 900})
    page.goto(server)
    wait_ready(page)

    page.keyboard.press("?")
    assert page.locator("#help-dialog").is_visible(), "? did not open the list of keys"
    assert "play or pause" in page.locator("#help-dialog").inner_text()
    page.keyboard.press("Escape")
    assert not page.locator("#help-dialog").is_visible()

    epoch = state(page)["epoch"]
    page.keyboard.press("s")  # one epoch
    wait_state(page, f"s.epoch === {epoch + 1}")

    tab_to(page, lambda f: f["name"] == "Take one step")
    before = panel_text(page, "panel-step")
    page.keyboard.press("Enter")
    page.wait_for_function("(before) => document.getElementById('panel-step').innerText !== before", arg=before)

    tab_to(page, lambda f: f["panel"] == "panel-audit" and f["tag"] == "SUMMARY")
    was_open = page.evaluate("document.activeElement.parentElement.open")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.parentElement.open") != was_open, "Enter did not open the audit's row"

    tab_to(page, lambda f: f["name"] == "Check every parameter")
    before = panel_text(page, "panel-gradcheck")
    page.keyboard.press("Enter")
    page.wait_for_function("(before) => document.getElementById('panel-gradcheck').innerText !== before", arg=before, timeout=60_000)

    tab_to(page, lambda f: f["name"] == "Recompute")
    # (the panel may still be computing its first plane, its button disabled; a recompute of the same
    # plane can end with the same words, so what is watched is the panel's own "Computing…" step)
    page.wait_for_function("() => !document.activeElement.disabled", timeout=60_000)
    page.evaluate("""() => { window.__recomputing = false;
        const status = document.querySelector('#panel-landscape [aria-live]');
        new MutationObserver(() => { if (status.textContent.startsWith('Computing')) window.__recomputing = true; })
            .observe(status, {childList: true, characterData: true, subtree: true}); }""")
    page.keyboard.press("Enter")
    page.wait_for_function("""() => window.__recomputing &&
        !document.querySelector('#panel-landscape [aria-live]').textContent.startsWith('Computing')""", timeout=60_000)

    tab_to(page, lambda f: f["panel"] == "panel-activations" and f["tag"] == "INPUT")
    before = panel_text(page, "panel-activations")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(before) => document.getElementById('panel-activations').innerText !== before", arg=before)

    tab_to(page, lambda f: f["name"] == "Source file")
    before = page.evaluate("document.querySelector('#panel-source code').textContent")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("(before) => document.querySelector('#panel-source code').textContent !== before", arg=before)


def test_space_plays_only_outside_controls(new_page, server, wait_ready):
    page = new_page(viewport={"width": 1440, "height": 900})
    page.goto(server)
    wait_ready(page)
    page.get_by_role("combobox", name="Dataset").focus()
    page.keyboard.press(" ")  # opens or leaves the menu; never starts training
    page.keyboard.press("Escape")
    assert state(page)["running"] is False
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press(" ")
    wait_state(page, "s.running === true")
    page.keyboard.press(" ")
    wait_state(page, "s.running === false")
    page.context.close()


def test_a_neuron_and_a_weight_from_the_keyboard(new_page, server, wait_ready):
    page = new_page(viewport={"width": 1440, "height": 900})
    page.goto(server)
    wait_ready(page)
    tab_to(page, lambda f: f["tag"] == "CANVAS" and f["name"].startswith("The network"))
    page.keyboard.press("ArrowDown")  # the first hidden layer's second neuron
    tip = page.locator("#tip")
    assert tip.is_visible() and "neuron 2" in tip.inner_text().lower(), tip.inner_text()
    page.keyboard.press("Enter")      # its incoming weights: w from input 1
    page.keyboard.press("ArrowDown")  # ... from input 2
    said = tip.inner_text()
    page.keyboard.press("Enter")      # edit it
    field = page.get_by_label("Weight value")
    assert field.is_visible() and page.evaluate("document.activeElement.id") == "weight-input"
    version = state(page)["version"]
    field.fill("1.5")
    page.keyboard.press("Enter")
    wait_state(page, f"s.version !== {version}")
    assert page.evaluate("document.activeElement.id") == "network", "focus did not come back to the drawing"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowDown")  # back on the edited weight: the tip shows the value typed
    assert "1.5" in tip.inner_text(), (said, tip.inner_text())
    page.context.close()
