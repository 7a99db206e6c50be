"""Digits mode in the browser: it learns the real digits, reads digits drawn with the mouse as
people draw them, says "not sure" of scribbles, and a drawing added to the training set is trained
on from the next epoch."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from pagekit import state, wait_state

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests import drawn  # noqa: E402
from tests.test_drawn_digits import NOT_DIGITS  # noqa: E402

pytestmark = pytest.mark.browser

TRAINING_TIMEOUT_MS = 600_000  # the default run stops by itself; slow machines take minutes


@pytest.fixture(scope="module")
def trained(new_page, server, wait_ready):
    """Digits mode trained as the page's default run is: Play, until it stops by itself."""
    page = new_page()
    page.goto(server)
    wait_ready(page)
    page.get_by_role("combobox", name="Dataset").select_option("digits")
    page.get_by_role("combobox", name="Speed (epochs per frame)").select_option("10")
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function("() => window.playground.state().stop !== null", timeout=TRAINING_TIMEOUT_MS, polling=250)
    yield page
    page.context.close()


def draw(page, strokes):
    """Draw strokes (points in shares of the pad) with the mouse; the page's reading of them."""
    page.get_by_role("button", name="Clear the drawing").click()
    pad = page.get_by_label("Drawing pad").bounding_box()
    for points in strokes:
        x, y = points[0]
        page.mouse.move(pad["x"] + x * pad["width"], pad["y"] + y * pad["height"])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(pad["x"] + x * pad["width"], pad["y"] + y * pad["height"])
        page.mouse.up()
    return state(page)["drawnPrediction"]


# The pad's own listeners fed pointer events, drawing after drawing, in one call: what the mouse sends,
# without a round trip to the browser for each of its moves (the 100 drawn digits took two minutes
# through the mouse). The points are where draw() moves the mouse to, rounded to single precision as
# the browser rounds a mouse's position, so the pad draws the same pixels (a test below holds this).
FEED = """
(drawings) => {
  const pad = document.getElementById('pad');
  const clear = document.getElementById('pad-clear');
  return drawings.map((strokes) => {
    clear.click();
    const box = pad.getBoundingClientRect();
    const send = (type, [x, y], buttons) => pad.dispatchEvent(new PointerEvent(type, {
      clientX: Math.fround(box.left + x * box.width), clientY: Math.fround(box.top + y * box.height),
      pointerId: 1, pointerType: 'mouse', isPrimary: true, button: type === 'pointermove' ? -1 : 0,
      buttons, bubbles: true, cancelable: true, composed: true}));
    for (const points of strokes) {
      send('pointerdown', points[0], 1);
      for (const point of points.slice(1)) send('pointermove', point, 1);
      send('pointerup', points[points.length - 1], 0);
    }
    return window.playground.state().drawnPrediction;
  });
}
"""


def feed(page, drawings):
    """Each drawing's strokes sent to the pad as the mouse sends them (see FEED); the page's readings."""
    return page.evaluate(FEED, drawings)


def test_learns_the_real_digits_and_stops_by_itself(trained):
    s = state(trained)
    assert s["config"]["dataset"] == "digits" and s["sizes"][0] == 64 and s["sizes"][-1] == 10
    assert s["config"]["augment"] is True
    assert s["stop"]["kind"] == "converged", s["stop"]
    assert s["testAccuracy"] >= 0.97, s["testAccuracy"]
    assert trained.locator("#calibration").inner_text().startswith("Calibration on the test set: ECE 0.0")


def test_reads_digits_as_people_draw_them(trained):
    """The 100 drawn test digits, drawn on the pad: at least 90 read right, and sure. Three of
    them (a 0, a 4 and an 8) are drawn with the mouse too, and read exactly as when fed to the pad."""
    trained.get_by_role("button", name="Clear the drawing").click()
    assert state(trained)["drawnPrediction"] is None  # an empty pad predicts nothing
    drawings = drawn.load()
    by_mouse = {i: draw(trained, drawings[i]["strokes"]) for i in range(5, len(drawings), 40)}
    readings = feed(trained, [d["strokes"] for d in drawings])
    assert len({drawings[i]["label"] for i in by_mouse}) == len(by_mouse) == 3
    for i, reading in by_mouse.items():
        assert reading == readings[i], (i, drawings[i]["label"])
    for r in readings:
        assert len(r["probabilities"]) == 10 and abs(sum(r["probabilities"]) - 1) < 1e-9
    right = [r["sure"] and r["class"] == d["label"] for d, r in zip(drawings, readings)]
    wrong = [(d["label"], d["style"], r["class"], round(max(r["probabilities"]), 2))
             for d, r, ok in zip(drawings, readings, right) if not ok]
    assert sum(right) >= 90, wrong
    # the pad makes the 8x8 images the CPython rasterizer (tests/drawn.py) makes of the same strokes,
    # but for ink moved across a block's edge by the pointer's whole pixels: the CPython test reads
    # what the page reads
    X, _ = drawn.inputs(drawings)
    apart = np.abs(np.array([r["input"] for r in readings]) - X).sum(axis=1) / X.sum(axis=1)
    assert np.median(apart) < 0.03 and apart.max() < 0.2, np.round(np.sort(apart)[-5:], 3)


def test_scribbles_are_not_read_as_digits(trained):
    """Blobs, lines and scribbles fed to the pad: none read sure. The star, drawn with the mouse too,
    is read exactly as when fed (the blobs' hundreds of mouse moves took a minute and a half)."""
    readings = feed(trained, list(NOT_DIGITS.values()))
    sure = {name: (r["class"], f"{max(r['probabilities']):.0%}")
            for name, r in zip(NOT_DIGITS, readings) if r["sure"]}
    assert not sure, f"read as digits: {sure}"
    assert draw(trained, NOT_DIGITS["star"]) == readings[list(NOT_DIGITS).index("star")]
    assert trained.locator("#pad-guess").inner_text().startswith("Not sure")


def test_add_as_starts_at_the_networks_reading(trained):
    seven = next(d for d in drawn.load() if d["label"] == 7)
    reading = draw(trained, seven["strokes"])
    assert trained.get_by_role("combobox", name="Label for your drawing").input_value() == str(reading["class"])
    assert trained.locator("#pad-guess").inner_text().startswith(f"The network reads: {reading['class']}")


def test_the_augment_setting_is_shown_in_digits_mode_only(new_page, server, wait_ready):
    page = new_page()
    page.goto(server)
    wait_ready(page)
    box = page.get_by_role("checkbox", name="Vary the training digits")
    assert not box.is_visible()
    page.get_by_role("combobox", name="Dataset").select_option("digits")
    assert box.is_visible() and box.is_checked()
    assert "slanted, turned" in page.locator("#augment-help").inner_text()
    box.uncheck()
    assert state(page)["config"]["augment"] is False
    box.check()
    assert state(page)["config"]["augment"] is True
    page.context.close()


def test_a_drawing_added_to_the_training_set_is_trained_on(trained):
    seven = next(d for d in drawn.load() if d["label"] == 7)
    draw(trained, seven["strokes"])
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


def test_the_reading_follows_the_pen_before_it_lifts(trained):
    """While the pen is still down, the page reads what is drawn so far (ten times a second), and
    lifting it reads the whole drawing at once (the 8x8 input CPython's rasterizer makes of it)."""
    one = next(d for d in drawn.load() if d["label"] == 1)
    trained.get_by_role("button", name="Clear the drawing").click()
    pad = trained.get_by_label("Drawing pad").bounding_box()
    (points, *_) = one["strokes"]
    trained.mouse.move(pad["x"] + points[0][0] * pad["width"], pad["y"] + points[0][1] * pad["height"])
    trained.mouse.down()
    for x, y in points[1:]:
        trained.mouse.move(pad["x"] + x * pad["width"], pad["y"] + y * pad["height"])
    during = wait_state(trained, "s.drawnPrediction !== null", timeout=5_000)["drawnPrediction"]
    assert sum(during["input"]) > 0  # a reading of ink, taken with the pen still down
    trained.mouse.up()
    X, _ = drawn.inputs([{**one, "strokes": [points]}])  # what CPython's rasterizer makes of the stroke drawn
    lifted = np.array(state(trained)["drawnPrediction"]["input"])
    assert np.abs(lifted - X[0]).sum() / X[0].sum() < 0.2  # the whole stroke, read at once (as tolerant as above)
