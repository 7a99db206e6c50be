"""The optimizer race in a real browser: lanes chosen with the page's own menus start from equal weights,
each lane's losses equal its solo run (nn.Session run alone in the page's Python, and in CPython to
1e-9), the page names the winner the solo runs name, Stop race stops, and lanes that make no race are
refused in words with the last race left as it was."""
from __future__ import annotations

import json

import numpy as np
import pytest
from pagekit import state
from test_one_clock import CLOCK_WATCH, OWNERS  # the page's animation frames, by owner

from nn import Session

pytestmark = pytest.mark.browser
RACE = "() => window.playground.race()"
PLACES = """() => Array.from(document.querySelectorAll('#panel-race canvas, #panel-race .race-chart'), (e) => {
    const r = e.getBoundingClientRect(); return [r.x, r.y + scrollY, r.width, r.height]; })"""
SOLO_IN_PAGE = """
import json
from nn import Session
def _solo(configs, epochs):
    out = []
    for config, n in zip(configs, epochs):
        s = Session(config)
        start = s.net.flat.tolist()
        s.step(n)
        out.append({"start": start, "history": s.history_table()["train_loss"],
                    "stop": None if s.stop is None else [s.stop.kind, s.stop.epoch]})
    return json.dumps(out)
_solo(json.loads(CONFIGS), json.loads(EPOCHS))
"""


def race(page):
    return page.evaluate(RACE)


def open_race(page):
    """Scroll to the race panel (the panels are built when they come near the view)."""
    page.evaluate("() => document.getElementById('panels').scrollIntoView()")
    page.wait_for_selector("#panel-race .race-lane")
    page.locator("#panel-race").scroll_into_view_if_needed()


def message(page):
    return page.evaluate("() => { const m = document.getElementById('message'); return m.hidden ? '' : m.innerText; }")


def test_a_race_starts_level_matches_solo_runs_and_names_the_winner(page, server, wait_ready):
    page.add_init_script(CLOCK_WATCH)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the words wrap the most there
    page.goto(server)
    wait_ready(page)
    page.get_by_role("combobox", name="Dataset").select_option("xor")
    page.get_by_label("Speed (epochs per frame)").select_option("10")
    open_race(page)
    assert race(page)["lanes"] is None
    # lane 1 is the playground's Adam; lane 3 becomes NAdam at 0.03 through its own menus
    page.get_by_label("Lane 3 optimizer").select_option("nadam")
    page.get_by_label("Lane 3 learning rate").select_option("0.03")
    page.get_by_role("button", name="Start race", exact=True).click()
    page.wait_for_timeout(600)  # (the cards and the chart are the click's answer)
    where = page.evaluate(PLACES)
    page.wait_for_function(f"() => ({RACE})().winner !== null", timeout=60_000, polling=100)
    got = race(page)
    # the page held still while the race ran and its winner was named: every picture and the chart where it was
    assert page.evaluate(PLACES) == where
    lanes = got["lanes"]
    assert [lane["label"] for lane in lanes] == ["Adam, lr 0.01", "SGD, lr 0.1, Momentum 0.9", "NAdam, lr 0.03"]
    config = state(page)["config"]
    for lane in lanes:  # the lanes differ from the playground's config in optimizer keys only
        differs = {k for k in config if lane["config"][k] != config[k]}
        assert differs <= {"optimizer", "lr", "momentum"}, differs

    # the same start: every lane's weights at epoch 0, and the playground's own config in CPython
    starts = np.array([lane["start_weights"] for lane in lanes])
    assert (starts == starts[0]).all()
    np.testing.assert_allclose(starts[0], Session(config).net.flat, rtol=0, atol=1e-12)

    # each lane is its solo run: in the page's Python exactly, in CPython to 1e-9
    epochs = [len(lane["history"]) - 1 for lane in lanes]
    code = SOLO_IN_PAGE.replace("CONFIGS", repr(json.dumps([lane["config"] for lane in lanes]))).replace(
        "EPOCHS", repr(json.dumps(epochs)))
    solos = json.loads(page.evaluate("(code) => window.pyodide.runPython(code)", code))
    for lane, alone, n in zip(lanes, solos, epochs):
        assert alone["start"] == lane["start_weights"]
        assert lane["history"] == alone["history"], lane["label"]
        here = Session(lane["config"])
        here.step(n)
        np.testing.assert_allclose(lane["history"], here.history_table()["train_loss"], rtol=1e-9, atol=0)

    # the winner: the lane whose solo run converged at the earliest epoch
    converged = {i: s["stop"][1] for i, s in enumerate(solos) if s["stop"] and s["stop"][0] == "converged"}
    first = min(converged.values())
    assert got["winner"] == {"lanes": [i for i, e in converged.items() if e == first], "epoch": first}
    winner = got["winner"]["lanes"][0]
    said = page.locator("#panel-race .race-status").inner_text()
    assert said.startswith(f"Lane {winner + 1} ({lanes[winner]['label']}) met the convergence rule first, "
                           f"at epoch {first}."), said
    card = page.locator("#panel-race .race-card").nth(winner)
    assert card.locator(".race-stop").inner_text() == f"Winner: converged at epoch {first}"
    assert card.locator("canvas").bounding_box()["width"] > 100

    # the race trained in the app's one loop: no frame of its own, no timer
    owners = page.evaluate(OWNERS)
    assert owners and all(o.startswith("<bound method App._frame") for o in owners), owners
    assert page.evaluate("() => window.__clock.intervals") == 0

    # Stop race stops every lane where it is. Pressed in the page, in one go with the look at
    # whether it may be pressed: the lanes can all stop on their own (and the button go disabled)
    # between a look from here and a click from here, which then waits for it in vain.
    page.evaluate("""() => {
      const stop = [...document.querySelectorAll("#panel-race button")].find((b) => b.textContent === "Stop race");
      if (!stop.disabled) stop.click();
    }""")
    stopped = race(page)
    assert not stopped["racing"] and page.get_by_role("button", name="Stop race", exact=True).is_disabled()
    at = [lane["epoch"] for lane in stopped["lanes"]]
    page.wait_for_timeout(300)
    assert [lane["epoch"] for lane in race(page)["lanes"]] == at
    assert "met the convergence rule first" in page.locator("#panel-race .race-status").inner_text()


def test_lanes_that_make_no_race_are_refused_in_words(page, server, wait_ready):
    page.goto(server)
    wait_ready(page)
    page.get_by_role("combobox", name="Dataset").select_option("xor")
    open_race(page)
    page.get_by_role("button", name="Start race", exact=True).click()
    page.wait_for_function(f"() => ({RACE})().lanes !== null")
    page.get_by_role("button", name="Stop race", exact=True).click()
    before = race(page)

    # one lane ticked
    page.get_by_label("Lane 2 races").uncheck()
    page.get_by_label("Lane 3 races").uncheck()
    page.get_by_role("button", name="Start race", exact=True).click()
    assert "The race did not start: a race of 1 lane is not allowed; allowed: 2 to 4 lanes." in message(page)
    # two lanes alike: lane 3 made the same as lane 1 (the playground's Adam at 0.01)
    page.get_by_label("Lane 3 races").check()
    page.get_by_label("Lane 3 optimizer").select_option("adam")
    page.get_by_label("Lane 3 learning rate").select_option("0.01")
    page.get_by_role("button", name="Start race", exact=True).click()
    assert "lanes 1 and 2 are the same (Adam, lr 0.01)" in message(page)
    after = race(page)
    assert after["lanes"] == before["lanes"] and not after["racing"]  # the last race is as it was
    # a change that makes a race clears the refusal
    page.get_by_label("Lane 3 learning rate").select_option("0.03")
    page.get_by_role("button", name="Start race", exact=True).click()
    assert message(page) == ""
    assert [lane["label"] for lane in race(page)["lanes"]] == ["Adam, lr 0.01", "Adam, lr 0.03"]
