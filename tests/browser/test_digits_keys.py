"""The digits pad by keyboard alone: the arrows move a pen, Space puts it down and lifts it, Delete
clears. A digit drawn with the keys is the digit the mouse draws along the same path: the network
reads the same 8x8 input from both."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from pagekit import wait_state

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))
from playground.logic import digit_logic  # noqa: E402

pytestmark = pytest.mark.browser

DOWN = 12  # arrow presses down: a "1" from the pen's start


@pytest.fixture(scope="module")
def digits_page(open_app):
    page = open_app("#dataset=digits", viewport={"width": 1280, "height": 900})
    wait_state(page, "s.config.dataset === 'digits'")
    yield page
    page.context.close()


def test_a_digit_drawn_with_the_keys_is_the_one_the_mouse_draws_on_the_same_path(digits_page):
    page = digits_page
    page.get_by_role("button", name="Clear the drawing").focus()
    page.keyboard.press("Shift+Tab")  # the keyboard's way to the pad, from its Clear button
    assert page.evaluate("() => document.activeElement.id") == "pad"
    pen = page.locator("#pad-pen")
    assert pen.is_visible()  # the keyboard's pen shows where it will draw

    page.keyboard.press("Space")
    for _ in range(DOWN):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    by_keys = wait_state(page, "s.drawnPrediction !== null")["drawnPrediction"]
    assert "The network reads" in page.inner_text("#pad-guess") or "Not sure" in page.inner_text("#pad-guess")
    x0, y0 = digit_logic.KEY_START
    end = y0 + DOWN * digit_logic.KEY_STEP
    pad, ring = page.locator("#pad").bounding_box(), pen.bounding_box()
    centre = (ring["x"] + ring["width"] / 2 - pad["x"], ring["y"] + ring["height"] / 2 - pad["y"])
    assert centre == pytest.approx((x0 * pad["width"], end * pad["height"]), abs=1.5), centre

    page.keyboard.press("Delete")
    wait_state(page, "s.drawnPrediction === null")
    assert page.inner_text("#pad-guess") == digit_logic.guess_text(None)

    # the same path with the mouse, point by point
    page.mouse.move(pad["x"] + x0 * pad["width"], pad["y"] + y0 * pad["height"])
    page.mouse.down()
    for k in range(1, DOWN + 1):
        page.mouse.move(pad["x"] + x0 * pad["width"], pad["y"] + (y0 + k * digit_logic.KEY_STEP) * pad["height"])
    page.mouse.up()
    by_mouse = wait_state(page, "s.drawnPrediction !== null")["drawnPrediction"]
    np.testing.assert_allclose(by_keys["input"], by_mouse["input"], atol=0.05)
    assert by_keys["class"] == by_mouse["class"]
    np.testing.assert_allclose(by_keys["probabilities"], by_mouse["probabilities"], atol=1e-3)
