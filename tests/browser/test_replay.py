"""Replay in the browser: the "Replay epoch" slider shows epoch k's weights (the session's own
snapshot, and what a run of the same config in CPython had at k), moves with the keys, returns
with "Back to now", and Play or Step at k trains on from k with the page saying so."""
from __future__ import annotations

import json

import numpy as np
import pytest
from pagekit import click_edge, pause, state, step_epochs, wait_state

from nn import Session

pytestmark = pytest.mark.browser
EPOCHS = 40  # all inside the dense window: every epoch is kept

DRAWN = """
import json, playground
app = playground.app
shown = app.network.session  # the session the network view last drew from
kept = dict(app.session.snapshots.all())
json.dumps({"drawn": shown.net.flat.tolist(), "epoch": shown.epoch,
            "kept": kept[shown.epoch].tolist() if shown.epoch in kept else None,
            "live": app.session.net.flat.tolist()})
"""


@pytest.fixture(scope="module")
def app(open_app):
    page = open_app()
    step_epochs(page, EPOCHS)
    yield page
    page.context.close()


def drawn(page):
    return json.loads(page.evaluate(f"() => window.pyodide.runPython({json.dumps(DRAWN)})"))


def slider(page):
    return page.get_by_role("slider", name="Replay epoch")


def test_the_slider_shows_the_weights_kept_at_each_epoch(app):
    before = state(app)
    assert before["replay"] == {"epoch": None, "positions": EPOCHS + 1, "drawnEpoch": EPOCHS}
    slider(app).focus()
    app.keyboard.press("Home")
    wait_state(app, "s.replay.epoch === 0 && s.replay.drawnEpoch === 0")
    for _ in range(7):
        app.keyboard.press("ArrowRight")
    s = wait_state(app, "s.replay.epoch === 7 && s.replay.drawnEpoch === 7")
    d = drawn(app)
    assert d["drawn"] == d["kept"]  # the pictures are drawn from the session's snapshot of epoch 7
    truth = Session(before["config"])
    truth.step(7)
    np.testing.assert_allclose(d["drawn"], truth.net.flat, rtol=1e-9, atol=1e-12)  # a run stopped at 7
    assert app.inner_text("#epoch") == "7" and app.inner_text("#replay-at") == f"epoch 7 of {EPOCHS}"
    assert float(app.inner_text("#train-loss")) == pytest.approx(truth.metrics()["train_loss"], rel=1e-3)
    assert app.locator("#chart-loss .replay-mark").is_visible()
    assert app.get_by_role("button", name="Back to now").is_enabled()
    # the live session was not touched
    assert (s["epoch"], s["version"], s["trainLoss"]) == (before["epoch"], before["version"], before["trainLoss"])
    assert d["live"] != d["drawn"]
    app.keyboard.press("End")
    wait_state(app, f"s.replay.epoch === null && s.replay.drawnEpoch === {EPOCHS}")
    assert app.inner_text("#replay-at") == "now" and not app.locator("#chart-loss .replay-mark").is_visible()


def test_back_to_now_shows_the_live_weights_again(app):
    slider(app).focus()
    app.keyboard.press("Home")
    app.keyboard.press("ArrowRight")
    wait_state(app, "s.replay.epoch === 1 && s.replay.drawnEpoch === 1")
    app.get_by_role("button", name="Back to now").click()
    wait_state(app, f"s.replay.epoch === null && s.replay.drawnEpoch === {EPOCHS}")
    d = drawn(app)
    assert d["drawn"] == d["live"] and app.inner_text("#epoch") == str(EPOCHS)
    assert app.get_by_role("button", name="Back to now").is_disabled()


def scrub_to(page, k):
    """Move the slider to epoch k with its own keys (Home, then k times the right arrow)."""
    slider(page).focus()
    page.keyboard.press("Home")
    for _ in range(k):
        page.keyboard.press("ArrowRight")
    wait_state(page, f"s.replay.epoch === {k}")


def test_step_at_an_epoch_trains_on_from_it_and_says_the_later_ones_are_replaced(app):
    scrub_to(app, 12)
    app.get_by_role("button", name="Step one epoch").click()
    s = wait_state(app, "s.epoch === 13 && s.replay.epoch === null")
    assert s["history"]["epoch"][-1] == 13 and max(s["history"]["epoch"]) == 13
    text = app.inner_text("#message")
    assert "Training goes on from epoch 12" in text and f"epochs 13 to {EPOCHS} are replaced" in text
    assert "optimizer" in text
    assert any("went back to epoch 12" in line for line in json.loads(app.evaluate(
        "() => window.pyodide.runPython('import json, playground; json.dumps(playground.app.session.by_hand)')")))
    assert s["replay"]["positions"] == 14  # epochs 0..13: the old 14..40 are gone


def test_play_at_an_epoch_trains_on_from_it(app):
    scrub_to(app, 3)
    app.get_by_role("button", name="Play", exact=True).click()
    s = wait_state(app, "s.epoch >= 5 && s.replay.epoch === null")
    assert s["history"]["epoch"][:4] == [0, 1, 2, 3] and s["history"]["epoch"][-1] == s["epoch"]
    assert "Training goes on from epoch 3" in app.inner_text("#message")
    # the slider follows the live run again
    s = pause(app)
    assert s["replay"]["positions"] == s["epoch"] + 1


CONFUSION_AT = """
import json, numpy as np, playground
from nn import MLP
s = playground.app.session
net = MLP.from_dict(s.net.to_dict())
net.flat[...] = dict(s.snapshots.all())[%d]
guess = np.argmax(net.forward(s.X_test), axis=1)
m = np.zeros((10, 10), int)
np.add.at(m, (s.y_test, guess), 1)
json.dumps(m.tolist())
"""
SHOWN_CONFUSION = """() => [...document.querySelectorAll('#confusion tr')].slice(1).map(
    (tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent || 0)))"""


def test_digits_the_confusion_matrix_and_the_weights_are_those_of_the_scrubbed_epoch(new_page, server, wait_ready):
    page = new_page()
    page.goto(server + "#dataset=digits")
    wait_ready(page)
    step_epochs(page, 3)
    now = page.evaluate(SHOWN_CONFUSION)
    slider(page).focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    wait_state(page, "s.replay.epoch === 1 && s.replay.drawnEpoch === 1")
    shown = page.evaluate(SHOWN_CONFUSION)
    want = json.loads(page.evaluate(f"() => window.pyodide.runPython({json.dumps(CONFUSION_AT % 1)})"))
    assert shown == want and shown != now  # the test digits as epoch 1's weights read them
    d = drawn(page)
    assert d["drawn"] == d["kept"]
    page.get_by_role("button", name="Back to now").click()
    wait_state(page, "s.replay.epoch === null && s.replay.drawnEpoch === 3")
    assert page.evaluate(SHOWN_CONFUSION) == now
    page.context.close()


WEIGHTS_AT = """
import json, playground
s = playground.app.session
json.dumps({"epoch": s.epoch, "W": [W.tolist() for W in s.net.W], "by_hand": s.by_hand})
"""


def test_a_weight_edited_at_a_past_epoch_is_edited_there(new_page, server, wait_ready):
    """The weight editor opened on a past epoch shows that epoch's weight; the edit goes back to
    the epoch (later ones replaced, as the page says) and changes that weight alone."""
    page = new_page()
    page.goto(server + "#dataset=xor")
    wait_ready(page)
    step_epochs(page, 10)
    slider(page).focus()
    page.keyboard.press("Home")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    wait_state(page, "s.replay.epoch === 4 && s.replay.drawnEpoch === 4")
    truth = Session(state(page)["config"])
    truth.step(4)
    click_edge(page, 1, 0, 0)
    field = page.locator("#weight-input")
    field.wait_for(state="visible")
    assert float(field.input_value()) == pytest.approx(truth.net.W[1][0, 0], rel=1e-5)  # epoch 4's weight
    field.fill("1.5")
    field.press("Enter")
    s = wait_state(page, "s.epoch === 4 && s.replay.epoch === null")
    got = json.loads(page.evaluate(f"() => window.pyodide.runPython({json.dumps(WEIGHTS_AT)})"))
    want = [W.copy() for W in truth.net.W]
    want[1][0, 0] = 1.5
    for a, b in zip(got["W"], want):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert "Training goes on from epoch 4" in page.inner_text("#message")
    assert got["by_hand"][-2].startswith("went back to epoch 4") and "set by hand" in got["by_hand"][-1]
    assert s["history"]["epoch"][-1] == 4
    page.context.close()
