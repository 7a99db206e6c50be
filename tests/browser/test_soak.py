"""A short soak: the page trains at top speed for 20 s without growing, and switching datasets
or resetting twenty times leaves no proxy or Python object behind (DESIGN.md §6: "A page that
trains for an hour must not grow its memory"). `python scripts/soak.py` is the long version.

The bounds here are loose (a 20 s run is mostly warm-up); the soak script reports the real
figures. Memory is read inside the page: the WebAssembly memory (Python's heap, which never
shrinks), len(gc.get_objects()) after a collection, and state().proxies.
"""
from __future__ import annotations

import pytest

import soak  # scripts/soak.py (conftest.py puts scripts/ on sys.path)

pytestmark = pytest.mark.browser

SOAK_SECONDS = 20
LOOSE_GROWTH_PCT = 25.0


def sample(page):
    return page.evaluate(soak.SAMPLE)


def test_twenty_seconds_at_top_speed_do_not_grow(page, server, wait_ready):
    page.goto(server)
    wait_ready(page)
    samples, restarts, epochs = soak.soak(page, SOAK_SECONDS, interval=1.0)
    r = soak.analyse(samples, SOAK_SECONDS, restarts, epochs, target_pct=LOOSE_GROWTH_PCT)
    report = (f"{epochs} epochs, {restarts} restarts; wasm {r['wasm_memory_mb']}; "
              f"python objects {r['python_objects']}; proxies {r['proxies']}")
    print(report)
    assert epochs >= 300, f"it hardly trained: {report}"
    assert r["wasm_memory_mb"]["growth_pct"] < LOOSE_GROWTH_PCT, report
    assert r["python_objects"]["growth_pct"] < LOOSE_GROWTH_PCT, report
    assert r["proxies"]["start"] == r["proxies"]["end"] == r["proxies"]["max"], report


def test_resets_and_dataset_switches_leave_nothing_behind(page, server, wait_ready):
    page.goto(server)
    wait_ready(page)
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
