"""A short soak: the page trains at top speed for 20 s without growing, and switching datasets
or resetting twenty times leaves no proxy or Python object behind (DESIGN.md §6: "A page that
trains for an hour must not grow its memory"). `python scripts/soak.py` is the long version.

What a steady page does over the 20 s, measured in four runs (12-24 frames after the warm-up on
a busy 2-core machine, ~1 s a frame at speed 100), and what one leak a frame does to it:
- Python objects tracked by the garbage collector grow by one per epoch: the session's history
  and snapshots keep entries until they are full, then thin themselves out (nn/thinning.py).
  Without the objects those bounded records hold, the count did not move after the warm-up
  (at most +1). JS keeping one PyProxy (of a function) per frame made it rise by exactly one a
  frame (21 in 21 frames). Bound: PY_SLACK objects, over at least PY_FRAMES frames.
- The JS heap after a collection grew by 3-9 KB a frame (the charts' copy of the history, which
  thins too). JS keeping one copy of the 80x80 RGBA boundary image per frame (25.6 KB) made it
  ~23 KB a frame. Bound: JS_BYTES_PER_FRAME, between the two.
- The WebAssembly memory never grew after the warm-up. It is a high-water mark that grows in
  large steps, so in 20 s it cannot tell a small leak; its bound is the soak script's target.
"""
from __future__ import annotations

import json
import statistics

import pytest

import soak  # scripts/soak.py (conftest.py puts scripts/ on sys.path)
from headless import LAUNCH_ARGS, find_browser
from pagekit import wait_panels_built

pytestmark = pytest.mark.browser

SOAK_SECONDS = 20
SPEED = 100                   # epochs per frame
PY_SLACK = 3                  # Python objects outside the bounded records, growth after warm-up
PY_FRAMES = 2 * PY_SLACK + 2  # frames needed after the warm-up to tell one leak a frame
JS_BYTES_PER_FRAME = 16_000   # JS heap after a collection, growth per frame after the warm-up
WASM_GROWTH_PCT = soak.TARGET_GROWTH_PCT

# Python's tracked objects, and how many of them the session's bounded records and the page's
# bounded frame timings hold (lists, tuples and dicts reachable from them).
PY_SAMPLE = """
import gc, json, playground
gc.collect()
app = playground.app
records = [app.session.history.entries, app.session.history.latest,
           app.session.snapshots.entries, app.session.snapshots.latest, *app.frames]
seen, held = set(), 0
while records:
    o = records.pop()
    if id(o) in seen or not isinstance(o, (list, tuple, dict)):
        continue
    seen.add(id(o))
    held += gc.is_tracked(o)
    records.extend(o.values() if isinstance(o, dict) else o)
json.dumps([len(gc.get_objects()), held])
"""


def panels_built(page):
    """The teaching panels are built a few idle seconds after the page is ready (or when focus or the
    view comes near them): their listeners are the page's own, not growth, so the count starts after."""
    wait_panels_built(page)


def sample(page):
    return page.evaluate(soak.SAMPLE)


@pytest.fixture
def memory_page(browser):
    """A page in a Chromium that can collect garbage on demand and tells the JS heap exactly
    (soak.MEMORY_ARGS); page.errors lists its uncaught errors and console errors."""
    b = browser.browser_type.launch(executable_path=find_browser() or None, headless=True,
                                    args=[*LAUNCH_ARGS, *soak.MEMORY_ARGS])
    page = b.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(f"uncaught: {e}"))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    yield page
    b.close()


def test_twenty_seconds_at_top_speed_do_not_grow(memory_page, server, wait_ready, monkeypatch):
    page = memory_page
    # No Pause at the end (the page closes): on a busy machine, with ~1 s frames, the click can
    # wait longer than its timeout for the button to hold still.
    monkeypatch.setattr(soak.bp.Trainer, "stop", soak.bp.Trainer.poll_final)
    page.goto(server + "#n=300")  # the spiral as measured above (800 points make frames 2.7 times longer)
    wait_ready(page)
    panels_built(page)

    def measure(s):
        total, held = json.loads(page.evaluate("(code) => window.pyodide.runPython(code)", PY_SAMPLE))
        s["py_unheld"] = total - held

    samples, restarts, epochs = soak.soak(page, SOAK_SECONDS, interval=1.0, speed=SPEED,
                                          on_sample=measure)
    r = soak.analyse(samples, SOAK_SECONDS, restarts, epochs, target_pct=WASM_GROWTH_PCT)
    after = [s for s in samples if (s["t"] - samples[0]["t"]) / 1000 >= r["warmup_s"]]
    frames = sum(max(0, b["epoch"] - a["epoch"]) for a, b in zip(after, after[1:])) / SPEED
    py = after[-1]["py_unheld"] - after[0]["py_unheld"]
    js = (statistics.median(s["js_heap"] for s in after[-3:])   # after a collection (window.gc)
          - statistics.median(s["js_heap"] for s in after[:3]))
    report = (f"{epochs} epochs, {restarts} restarts, {frames:g} frames after the warm-up; "
              f"python objects outside the records {[s['py_unheld'] for s in after]}; "
              f"JS heap {[round(s['js_heap'] / 1000) for s in after]} KB; "
              f"wasm {r['wasm_memory_mb']}; proxies {r['proxies']}")
    print(report)
    assert epochs >= 300, f"it hardly trained: {report}"
    assert frames >= PY_FRAMES, f"too few frames to tell a leak of one object per frame: {report}"
    assert py <= PY_SLACK, f"Python objects grew by {py} in {frames:g} frames: {report}"
    assert js <= JS_BYTES_PER_FRAME * frames, \
        f"the JS heap grew by {js / frames:.0f} bytes a frame: {report}"
    assert r["wasm_memory_mb"]["growth_pct"] < WASM_GROWTH_PCT, report
    assert r["proxies"]["start"] == r["proxies"]["end"] == r["proxies"]["max"], report
    assert page.errors == [], page.errors


def test_resets_and_dataset_switches_leave_nothing_behind(page, server, wait_ready):
    page.goto(server)
    wait_ready(page)
    panels_built(page)
    dataset = page.get_by_role("combobox", name="Dataset")
    names = ["xor", "circle", "spiral"]

    def round_(i):
        dataset.select_option(names[i % 3])
        page.get_by_role("button", name="Reset", exact=True).click()
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_function("() => window.playground.state().epoch >= 2", polling=50)
        page.get_by_role("button", name="Pause", exact=True).click()

    for i in range(3):  # every view has drawn every kind of dataset once
        round_(i)
    before = sample(page)
    for i in range(20):
        round_(i)
    after = sample(page)
    assert after["proxies"] == before["proxies"], (before, after)
    assert after["py_objects"] <= before["py_objects"] * 1.01 + 50, \
        f"Python objects grew from {before['py_objects']} to {after['py_objects']} in 20 switches"
    assert after["wasm"] == before["wasm"], \
        f"wasm memory grew from {before['wasm']} to {after['wasm']} bytes in 20 switches"
    assert page.evaluate("() => window.playground.state().config.dataset") == names[19 % 3]
