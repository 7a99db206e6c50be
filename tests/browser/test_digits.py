"""Digits mode in the browser: it learns the real digits, reads digits drawn with the mouse,
and a drawing added to the training set is trained on from the next epoch."""
from __future__ import annotations

import math

import pytest
from pagekit import state

pytestmark = pytest.mark.browser

# strokes in pad coordinates (0..1), drawn with the mouse as a learner would
STROKES = {
    0: [[(0.5 + 0.22 * math.sin(t / 20 * 2 * math.pi), 0.5 - 0.33 * math.cos(t / 20 * 2 * math.pi)) for t in range(21)]],
    1: [[(0.52, 0.15), (0.5, 0.85)]],
    4: [[(0.55, 0.15), (0.25, 0.6), (0.78, 0.6)], [(0.6, 0.35), (0.6, 0.88)]],
    7: [[(0.25, 0.18), (0.75, 0.18), (0.45, 0.85)]],
}


@pytest.fixture(scope="module")
def trained(new_page, server, wait_ready):
    page = new_page()
    page.goto(server)
    wait_ready(page)
    page.get_by_role("combobox", name="Dataset").select_option("digits")
    page.get_by_role("combobox", name="Speed (epochs per frame)").select_option("3")
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function("() => { const s = window.playground.state(); return s.epoch >= 40 || s.stop !== null; }",
                           timeout=120_000, polling=100)
    if page.get_by_role("button", name="Pause", exact=True).is_visible():
        page.get_by_role("button", name="Pause", exact=True).click()
    yield page
    page.context.close()



def draw(page, strokes):
    page.get_by_role("button", name="Clear the drawing").click()
    pad = page.get_by_label("Drawing pad").bounding_box()
    for points in strokes:
        x, y = points[0]
        page.mouse.move(pad["x"] + x * pad["width"], pad["y"] + y * pad["height"])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(pad["x"] + x * pad["width"], pad["y"] + y * pad["height"], steps=5)
        page.mouse.up()
    return state(page)["drawnPrediction"]


def test_learns_the_real_digits(trained):
    s = state(trained)
    assert s["config"]["dataset"] == "digits" and s["sizes"][0] == 64 and s["sizes"][-1] == 10
    assert s["testAccuracy"] >= 0.97, s["testAccuracy"]


def test_reads_digits_drawn_with_the_mouse(trained):
    trained.get_by_role("button", name="Clear the drawing").click()
    assert state(trained)["drawnPrediction"] is None  # an empty pad predicts nothing
    read = {digit: draw(trained, strokes) for digit, strokes in STROKES.items()}
    for digit, prediction in read.items():
        assert len(prediction["probabilities"]) == 10
        assert abs(sum(prediction["probabilities"]) - 1) < 1e-9
    right = [d for d, p in read.items() if p["class"] == d]
    assert len(right) >= 3, {d: p["class"] for d, p in read.items()}


def test_a_drawing_added_to_the_training_set_is_trained_on(trained):
    draw(trained, STROKES[7])
    before = state(trained)
    trained.get_by_role("combobox", name="Label for your drawing").select_option("7")
    trained.get_by_role("button", name="Add to training set").click()
    after = state(trained)
    assert after["trainCount"] == before["trainCount"] + 1 and after["added"] == before["added"] + 1
    assert "training set now has" in trained.locator("#message").inner_text()
    trained.get_by_role("button", name="Step one epoch").click()
    stepped = state(trained)
    assert stepped["epoch"] == after["epoch"] + 1
    assert stepped["seenLastEpoch"] == after["trainCount"]  # every sample, the new one included
