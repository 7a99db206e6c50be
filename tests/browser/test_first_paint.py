"""The real page first: the opening page and its pictures are on screen before Python runs, they
are the very pixels Python's first frame paints, nothing moves when Python takes over, and a
click on Play made meanwhile is kept.

Python is held back in these tests by holding app-image-zstd.bin (the app's code) until the test has looked
at the page as first painted; boot.js then starts as usual.
"""

from __future__ import annotations

import pytest
from pagekit import wait_state

pytestmark = pytest.mark.browser

# Layout shifts since navigation (buffered: those before this observer was made count too).
CLS_WATCH = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    window.__shifts.push({value: e.value, input: e.hadRecentInput, at: e.startTime,
      sources: e.sources.map((s) => s.node ? (s.node.id || s.node.className || s.node.nodeName) : "")});
  }
}).observe({type: "layout-shift", buffered: true});
"""
CLS = "() => window.__shifts.filter((s) => !s.input).reduce((sum, s) => sum + s.value, 0)"
# Both canvases as first painted, kept in the page to compare with Python's frame later.
KEEP = """() => { window.__first = {};
  for (const id of ["network", "boundary"]) {
    const c = document.getElementById(id);
    window.__first[id] = {w: c.width, h: c.height, data: c.getContext("2d").getImageData(0, 0, c.width, c.height).data};
  } return Object.keys(window.__first).map((id) => [id, window.__first[id].w, window.__first[id].h]); }"""
# Pixels (RGBA bytes) where a canvas now differs from how it was first painted; -1: its size differs.
DIFFER = """(id) => { const a = window.__first[id], c = document.getElementById(id);
  if (a.w !== c.width || a.h !== c.height) return -1;
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let k = 0; k < d.length; k++) if (d[k] !== a.data[k]) n++;
  return n; }"""
# How much of a canvas is painted (not transparent): an empty canvas is 0.
INKED = """(id) => { const c = document.getElementById(id);
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let k = 3; k < d.length; k += 4) if (d[k]) n++;
  return n / (d.length / 4); }"""


def _held(page, url):
    """Open url with the app's code held back: the page as first painted stays until release() is called."""
    held = []
    page.route("**/app-image-zstd.bin", lambda route: held.append(route))
    page.context.add_init_script(CLS_WATCH)
    page.goto(url)
    page.wait_for_function("() => window.WILFirstPaint && window.boot && window.boot.step", polling=50)

    def release():
        page.wait_for_function("() => performance.getEntriesByType('resource').length > 0", polling=50)
        while not held:  # (the request is made as the boot starts downloading)
            page.wait_for_timeout(50)
        held[0].continue_()
    return release


@pytest.mark.parametrize("context", [
    {"viewport": {"width": 1280, "height": 800}},
    {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "color_scheme": "dark"},
], ids=["desktop", "phone-dark-dpr2"])
def test_the_first_frame_is_pythons_pixel_for_pixel_and_nothing_moves(context, new_page, server, wait_ready):
    page = new_page(**context)
    release = _held(page, server)
    painted = page.evaluate("window.WILFirstPaint.painted")
    assert painted is not None, "the opening frame was not painted before Python ran"
    assert page.evaluate("window.boot.ready") is False
    assert page.evaluate(INKED, "network") > 0.05 and page.evaluate(INKED, "boundary") > 0.99
    page.evaluate(KEEP)
    # a small status says Python is starting, and covers little of the page
    status = page.locator("#boot")
    assert status.is_visible() and "Python is starting" in status.inner_text()
    box, view = status.bounding_box(), context["viewport"]
    assert box["width"] * box["height"] < 0.15 * view["width"] * view["height"], box
    release()
    wait_ready(page)
    page.wait_for_function("() => window.boot.ready", polling=50)
    state = page.evaluate("window.playground.state()")
    assert state["epoch"] == 0 and not state["running"]
    for id_ in ("network", "boundary"):  # Python's first frame, at epoch 0, as the build painted it
        assert page.evaluate(DIFFER, id_) == 0, f"#{id_}: Python's first frame differs from the build's"
    assert page.locator("#boot").is_hidden()
    page.wait_for_timeout(300)  # (shifts are reported after the frame that made them)
    cls = page.evaluate(CLS)
    assert cls <= 0.01, page.evaluate("window.__shifts")
    page.context.close()


def test_play_clicked_before_python_runs_is_kept(new_page, server, wait_ready):
    page = new_page()
    release = _held(page, server)
    page.click("#play")
    assert page.locator("#boot").inner_text().count("training starts once it runs") == 1
    assert page.locator("#play").get_attribute("aria-label") == "Pause"
    release()
    wait_ready(page)
    page.wait_for_function("() => window.playground.state().epoch > 0", polling=100, timeout=30_000)
    state = page.evaluate("window.playground.state()")
    assert state["running"], state
    assert page.locator("#play").get_attribute("aria-label") == "Pause"
    page.click("#play")  # Python's own Play now: a second click pauses, as it always did
    page.wait_for_function("() => !window.playground.state().running", polling=100)
    page.context.close()


def test_play_clicked_twice_before_python_runs_stays_paused(new_page, server, wait_ready):
    page = new_page()
    release = _held(page, server)
    page.click("#play")
    page.click("#play")
    assert page.locator("#play").get_attribute("aria-label") == "Play"
    release()
    wait_ready(page)
    page.wait_for_function("() => window.boot.ready", polling=50)
    page.wait_for_timeout(300)
    assert page.evaluate("window.playground.state()")["epoch"] == 0
    page.context.close()


def test_settings_changed_before_python_runs_are_kept(new_page, server, wait_ready):
    """The page looks ready before Python is: a learner who picks a dataset, a learning rate and
    less noise then finds them in force once Python runs, not the opening ones again."""
    page = new_page()
    release = _held(page, server)
    opening = {k: page.eval_on_selector(f"#{k}", "el => el.value") for k in ("dataset", "lr", "noise")}
    rates = page.eval_on_selector_all("#lr option", "os => os.map((o) => o.value)")
    rate = next(r for r in reversed(rates) if r != opening["lr"])
    page.get_by_role("combobox", name="Dataset", exact=True).select_option("xor")
    page.get_by_role("combobox", name="Learning rate", exact=True).select_option(rate)
    noise = page.get_by_role("slider", name="Noise")
    noise.focus()
    noise.press("Home")  # the least noise the slider allows, as the keyboard sets it
    low = page.eval_on_selector("#noise", "el => el.value")
    assert low != opening["noise"] and opening["dataset"] != "xor"
    release()
    wait_ready(page)
    page.wait_for_function("() => window.boot.ready", polling=50)
    s = wait_state(page, "s.config.dataset === 'xor'", timeout=30_000)
    assert s["config"]["lr"] == float(rate) and s["config"]["noise"] == float(low), s["config"]
    assert s["epoch"] == 0 and not s["running"]
    shown = {k: page.eval_on_selector(f"#{k}", "el => el.value") for k in ("dataset", "lr", "noise")}
    assert shown == {"dataset": "xor", "lr": rate, "noise": low}, shown
    page.context.close()


def test_a_link_shows_the_page_and_python_paints_its_setup(new_page, server, wait_ready):
    """A link's setup is not the opening one: the page's frame is shown at once, without the opening
    pictures (they would be of another network); Python paints the link's own."""
    page = new_page(viewport={"width": 1280, "height": 800})
    release = _held(page, server + "#dataset=circle&hidden=3")
    assert page.evaluate("window.WILFirstPaint.painted") is None
    assert page.evaluate(INKED, "boundary") == 0
    assert page.locator("#play").is_visible() and page.locator("#data-title").is_visible()
    assert page.locator("#dataset").is_hidden(), "the opening dataset is shown for a link's"
    release()
    wait_ready(page)
    page.wait_for_function("() => window.boot.ready", polling=50)
    assert page.locator("#dataset").is_visible() and page.locator("#dataset").input_value() == "circle"
    state = page.evaluate("window.playground.state()")
    assert state["config"]["dataset"] == "circle" and state["sizes"][1:-1] == [3]
    assert page.evaluate(INKED, "boundary") > 0.99
    page.wait_for_timeout(300)
    print("CLS, a link to another setup:", page.evaluate(CLS))
    page.context.close()


def test_the_first_frame_shows_from_a_file_too(dist, new_page):
    """From file:// (a copy on a USB stick) the baked page and its pictures show at once as well:
    they come in classic scripts, no fetch."""
    page = new_page(viewport={"width": 1280, "height": 800})
    page.context.add_init_script(CLS_WATCH)
    page.goto((dist / "index.html").as_uri())
    page.wait_for_function("() => window.WILFirstPaint && window.WILFirstPaint.painted !== null", polling=50)
    assert page.evaluate("window.boot.mode") == "file"
    assert page.evaluate(INKED, "network") > 0.05 and page.evaluate(INKED, "boundary") > 0.99
    assert page.evaluate(CLS) <= 0.01, page.evaluate("window.__shifts")
    page.context.close()


# Everything a learner sees of the controls outside the teaching panels: each control's state (its
# name, value, choices, ticks, whether it can be used or is shown) and every text written beside them.
CONTROLS_SHOWN = """() => {
  const shown = [];
  for (const el of document.querySelectorAll("#app > :not(#panels) :is(select, input, button, label, span, output)")) {
    if (el.closest("#panels")) continue;
    const row = [el.tagName, el.id, el.getAttribute("aria-label"), el.className, el.hidden, el.disabled,
                 JSON.stringify(el.dataset)];
    if (el.tagName === "SELECT") row.push(el.value, [...el.options].map((o) => o.value + "=" + o.textContent));
    else if (el.tagName === "INPUT") row.push(el.type, el.value, el.checked, el.min, el.max, el.step);
    else if (!el.children.length) row.push(el.textContent);
    shown.push(JSON.stringify(row));
  }
  return shown;
}"""


def test_the_adopted_controls_are_what_syncing_them_makes(new_page, server, wait_ready):
    """playground.main adopts the controls the build filled for the opening config (Controls.adopt)
    instead of filling them again: they must be exactly what Controls.sync makes of the session."""
    page = new_page()
    page.goto(server)
    wait_ready(page)
    adopted = page.evaluate(CONTROLS_SHOWN)
    assert len(adopted) > 60
    page.evaluate("() => pyodide.runPython('import playground; playground.app._sync()')")
    synced = page.evaluate(CONTROLS_SHOWN)
    assert adopted == synced, [(a, b) for a, b in zip(adopted, synced) if a != b][:5] or (len(adopted), len(synced))
    page.context.close()
