"""Every screen: the page fits phones, tablets and desktops, Play and the boundary are where a
learner needs them, the per-layer controls sit over their columns, and a swipe scrolls the page.

Truths: the browser's own geometry (scroll width, element boxes, where a touch swipe leaves the
page) and, for the controls, the drawing's geometry computed here in CPython from the canvas's
size (site/playground/logic/layout.py, the function the page draws with)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pagekit import state, wait_state

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "site"))
from playground.logic.layout import layout  # noqa: E402

pytestmark = pytest.mark.browser

PHONE = dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
SMALL_PHONE = dict(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
TABLET = dict(viewport={"width": 820, "height": 1180}, has_touch=True, is_mobile=True)
DESKTOP = dict(viewport={"width": 1440, "height": 900})
SCREENS = {"phone": PHONE, "small phone": SMALL_PHONE, "tablet": TABLET, "desktop": DESKTOP}


def box(page, selector):
    return page.evaluate(f"""() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();
        return {{x: r.x, y: r.y, right: r.right, bottom: r.bottom, width: r.width, height: r.height}}; }}""")


def overflow(page):
    return page.evaluate("() => [document.scrollingElement.scrollWidth, innerWidth]")


def open_on(new_page, server, wait_ready, screen):
    page = new_page(**SCREENS[screen])
    page.goto(server)
    wait_ready(page)
    return page


@pytest.mark.parametrize("screen", list(SCREENS))
def test_no_sideways_scroll(new_page, server, wait_ready, screen):
    page = open_on(new_page, server, wait_ready, screen)
    for hidden in range(1, 7):  # the widest network too, and digits
        while state(page)["config"]["hidden"].__len__() < hidden:
            page.get_by_role("button", name="Add a hidden layer").click()
    width, inner = overflow(page)
    assert width <= inner, f"{screen}: the page is {width} px wide in a {inner} px window"
    page.get_by_role("combobox", name="Dataset").select_option("digits")
    wait_state(page, "s.config.dataset === 'digits'")
    width, inner = overflow(page)
    assert width <= inner, f"{screen}, digits: the page is {width} px wide in a {inner} px window"
    page.context.close()


@pytest.mark.parametrize("screen", ["phone", "tablet"])
def test_play_and_the_boundary_on_the_first_screen(new_page, server, wait_ready, screen):
    page = open_on(new_page, server, wait_ready, screen)
    height = page.evaluate("innerHeight")
    play = box(page, "#play")
    assert 0 <= play["y"] and play["bottom"] <= height, f"Play is at {play} in a {height} px window"
    page.evaluate("scrollTo(0, 2000)")  # Play stays one tap away wherever the learner scrolled
    play = box(page, "#play")
    assert 0 <= play["y"] and play["bottom"] <= height, f"after scrolling, Play is at {play}"
    page.evaluate("scrollTo(0, 0)")
    boundary = box(page, "#boundary")
    visible = min(boundary["bottom"], play["y"]) - boundary["y"]
    if screen == "tablet":  # the whole boundary, above the player, and the network beside it
        assert boundary["bottom"] <= play["y"], f"the boundary {boundary} is not above Play {play}"
        network = box(page, "#network")
        assert network["y"] < height and network["x"] + network["width"] <= boundary["x"], (network, boundary)
    else:  # a phone: most of it, with the network right under its card
        assert visible >= 0.5 * boundary["height"], f"only {visible:.0f} px of the boundary on the first screen"
    page.context.close()


@pytest.mark.parametrize("screen", ["phone", "tablet", "desktop"])
def test_layer_controls_over_their_columns(new_page, server, wait_ready, screen):
    page = open_on(new_page, server, wait_ready, screen)
    while len(state(page)["config"]["hidden"]) > 1:
        page.get_by_role("button", name="Remove a hidden layer").click()
    for hidden in range(1, 7):
        if hidden > 1:
            page.get_by_role("button", name="Add a hidden layer").click()
        s = wait_state(page, f"s.config.hidden.length === {hidden}")
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        canvas = box(page, "#network")
        drawing = layout(s["sizes"], round(canvas["width"]), round(canvas["height"]))
        cols = page.evaluate("""() => [...document.querySelectorAll('#layer-controls .layer-col')].map((c) => {
            const r = c.getBoundingClientRect(); return [r.x, r.right]; })""")
        card = box(page, ".panel.network")
        assert len(cols) == hidden
        for l, (left, right) in enumerate(cols):
            centre, column = (left + right) / 2 - canvas["x"], drawing.columns[l + 1]
            assert abs(centre - column) <= 2, f"{screen}, {hidden} layers: layer {l + 1}'s controls centred at " \
                                              f"{centre:.1f}, its column at {column:.1f}"
            pitch = drawing.columns[1] - drawing.columns[0]
            assert right - left <= pitch, "controls wider than their column's room overlap the next"
            assert card["x"] <= left and right <= card["right"], "controls outside their card"
    page.context.close()


def test_a_swipe_scrolls_past_every_panel(new_page, server, wait_ready):
    page = open_on(new_page, server, wait_ready, "phone")
    page.evaluate("scrollTo(0, document.scrollingElement.scrollHeight)")  # the panels are built near the view
    page.wait_for_function("() => document.querySelectorAll('#panels > section').length >= 6", timeout=60_000)
    cdp = page.context.new_cdp_session(page)
    sections = page.evaluate("() => [...document.querySelectorAll('#panels > section')].map((s) => s.id)")
    for id_ in sections:
        page.evaluate(f"document.getElementById({id_!r}).scrollIntoView({{block: 'center'}})")
        panel = box(page, f"#{id_}")
        start = (max(panel["y"], 0) + min(panel["bottom"], 700)) / 2  # the panel's middle: its curves, its canvases
        assert page.evaluate(f"document.elementFromPoint(195, {start}).closest('#{id_}') !== null")
        before, room = page.evaluate("[scrollY, document.scrollingElement.scrollHeight - innerHeight - scrollY]")
        # a finger drags up 300 px over the panel, again if an inner scroller (code) took it: the page must follow
        for _ in range(8):
            cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": 195, "y": start}]})
            for k in range(1, 16):
                cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": 195, "y": start - 20 * k}]})
            cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
            after = page.evaluate("scrollY")
            if after - before >= min(150, room - 1):
                break
        assert after - before >= min(150, room - 1), f"a swipe over {id_} scrolled {after - before} px"
    page.context.close()
