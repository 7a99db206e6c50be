"""One clock (STYLE.md): the app's frame loop is the only requestAnimationFrame owner and nothing
polls with setInterval. The panels follow training while the playground's pictures are scrolled
away, the explained step's pulse and the activation explorer draw from the same loop, and once
training is paused and nothing animates, the loop asks for no more frames."""
from __future__ import annotations

import pytest
from pagekit import state, wait_panels_built, wait_state

pytestmark = pytest.mark.browser

# Installed before boot: counts every setInterval, and every requestAnimationFrame per distinct
# callback, to name the owners of the Python ones (PyProxy objects) afterwards. (Playwright's own
# waiting uses requestAnimationFrame too: those callbacks are plain JS functions, left out.)
CLOCK_WATCH = """
window.__clock = {callbacks: new Map(), intervals: 0};
const rAF = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (callback) => {
  const c = window.__clock.callbacks;
  c.set(callback, (c.get(callback) || 0) + 1);
  return rAF(callback);
};
const setInterval_ = window.setInterval.bind(window);
window.setInterval = (...args) => { window.__clock.intervals++; return setInterval_(...args); };
"""
PYTHON = "Array.from(window.__clock.callbacks).filter(([callback]) => callback instanceof pyodide.ffi.PyProxy)"
# String() of a PyProxy is Python's str(): "<bound method App._frame of <playground.app.App ...>>"
OWNERS = f"""() => {PYTHON}.map(([callback]) => {{
    try {{ return String(callback); }} catch (e) {{ return 'a destroyed proxy'; }} }})"""
FRAMES = f"() => {PYTHON}.reduce((n, [, count]) => n + count, 0)"
GRAD_LINES = "() => Array.from(document.querySelectorAll('#panel-gradcheck .teach-eq'), e => e.textContent).join('|')"


def test_the_app_loop_is_the_only_clock(new_page, server, wait_ready):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.add_init_script(CLOCK_WATCH)
    page.goto(server)
    wait_ready(page)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_state(page, "s.running && s.epoch >= 3")

    # the panels, built while training runs, follow it with the pictures scrolled out of view
    page.evaluate("() => document.getElementById('panels').scrollIntoView()")
    wait_panels_built(page)
    page.locator("#panel-gradcheck").scroll_into_view_if_needed()
    page.wait_for_function("() => document.getElementById('boundary').getBoundingClientRect().bottom < 0")
    page.wait_for_function("() => document.querySelector('#panel-gradcheck .teach-eq')")
    before = page.evaluate(GRAD_LINES)
    page.wait_for_function(f"() => ({GRAD_LINES})() !== {before!r}", timeout=10_000)

    # the activation explorer redraws from the loop (while training, and after)
    page.locator("#panel-activations").scroll_into_view_if_needed()
    page.get_by_label("x, the input of every activation").fill("-2")
    page.wait_for_function("() => document.querySelector('.teach-act[data-name=relu] .teach-vals')"
                           ".textContent.startsWith('f(−2) = 0')")

    # the explained step pauses training and runs its pulse from the loop
    page.locator("#panel-step").scroll_into_view_if_needed()
    page.get_by_role("button", name="Take one step").click()
    wait_state(page, "!s.running && document.querySelector('#panel-step').dataset.stage === 'forward'")
    page.get_by_role("button", name="Stop", exact=True).click()  # the run-through stops; the pulse plays out
    page.wait_for_timeout(300)
    page.locator("#panel-step .teach-stage[data-stage='2']").click()  # backward: another pulse
    page.wait_for_timeout(400)
    page.get_by_label("x, the input of every activation").fill("1.5")
    page.wait_for_function("() => document.querySelector('.teach-act[data-name=relu] .teach-vals')"
                           ".textContent.startsWith('f(1.5) = 1.5')")

    owners = page.evaluate(OWNERS)
    assert len(owners) == 1 and "App._frame" in owners[0], f"requestAnimationFrame callbacks: {owners}"
    assert page.evaluate("() => window.__clock.intervals") == 0, "something polls with setInterval"

    # paused, the pulse over (1.7 s), nothing animating: no more frames are requested
    assert not state(page)["running"]
    page.wait_for_timeout(2000)
    frames = page.evaluate(FRAMES)
    page.wait_for_timeout(1000)
    assert page.evaluate(FRAMES) == frames, "the loop kept running while idle"

    # and it starts again for training
    page.keyboard.press("Escape")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.evaluate("() => document.getElementById('play').click()")
    wait_state(page, "s.running")
    page.wait_for_function(f"() => ({FRAMES})() > {frames + 5}")
    page.evaluate("() => document.getElementById('play').click()")
    page.context.close()
