"""Your own data in a real browser: points clicked, painted and erased on the plane land where the
pointer was, with the chosen class (read back from the session), the network trains on through
edits; tables open through the file input, each bad file says what is wrong and changes nothing;
the example tables train (iris to at least 95% test accuracy), also from file://.

Independent truths: where the test put the pointer (turned into plane units here, from the
canvas's box and the plane's extent), the classes it chose, and the session's own state before
and after a refused file."""
from __future__ import annotations

import pytest
from pagekit import state, wait_state

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(new_page, server, wait_ready):
    page = new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server)
    wait_ready(page)
    yield page
    page.context.close()


def own(page):
    return page.evaluate("() => window.playground.ownData()")


def pause(page):
    if state(page)["running"]:
        page.get_by_role("button", name="Pause", exact=True).click()
    wait_state(page, "!s.running")


def canvas_box(page):
    return page.get_by_label("Decision boundary and data").bounding_box()


def click_at(page, fx, fy, shift=False):
    """Click the plane at a share (fx, fy) of its box; return where that is on the plane."""
    box = canvas_box(page)
    if shift:
        page.keyboard.down("Shift")
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    if shift:
        page.keyboard.up("Shift")
    return plane_point(page, fx, fy)


def plane_point(page, fx, fy):
    (x0, x1), (y0, y1) = own(page)["extent"]
    if len(own(page)["inputNames"]) == 1:  # a curve: the canvas shows 15% more than the y range
        pad = 0.15 * (y1 - y0)
        y0, y1 = y0 - pad, y1 + pad
    return x0 + fx * (x1 - x0), y1 - fy * (y1 - y0)


def pixel(page):
    """One CSS pixel in plane units (x and y)."""
    box = canvas_box(page)
    (x0, x1), (y0, y1) = own(page)["extent"]
    return (x1 - x0) / box["width"], (y1 - y0) / box["height"]


def start_empty(page, dataset="moons"):
    pause(page)
    page.get_by_role("combobox", name="Dataset").select_option(dataset)
    page.get_by_role("button", name="Edit these points").click()
    wait_state(page, "s.config.dataset === 'custom'")
    page.get_by_role("button", name="Clear", exact=True).click()
    page.wait_for_function("() => window.playground.ownData().pending && window.playground.ownData().y.length === 0")


def choose(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    assert page.get_by_role("button", name=name, exact=True).get_attribute("aria-pressed") == "true"


def test_a_click_adds_the_chosen_class_where_it_lands(app):
    start_empty(app)
    assert app.get_by_role("button", name="Class 2", exact=True).is_visible()  # a drawn set offers a new class
    wanted = []
    for name, label, (fx, fy) in (("Class 1", 1, (0.2, 0.3)), ("Class 0", 0, (0.7, 0.8)), ("Class 2", 2, (0.5, 0.15))):
        choose(app, name)
        wanted.append((label, click_at(app, fx, fy)))
    d = own(app)
    assert not d["pending"] and len(d["y"]) == 3 and state(app)["config"]["dataset"] == "custom"
    px, py = pixel(app)
    for (label, (x, y)) in wanted:
        i = min(range(3), key=lambda k: abs(d["X"][k][0] - x) + abs(d["X"][k][1] - y))
        assert d["y"][i] == label
        assert abs(d["X"][i][0] - x) <= px and abs(d["X"][i][1] - y) <= py, (d["X"][i], x, y)
    assert d["classNames"] == ["0", "1", "2"] and state(app)["sizes"][-1] == 3  # softmax over three classes
    assert app.get_by_role("button", name="Class 3", exact=True).is_visible()
    # shift-click adds the class after the chosen one; the key c chooses the next class
    choose(app, "Class 0")
    click_at(app, 0.9, 0.9, shift=True)
    assert own(app)["y"].count(1) == 2
    app.evaluate("() => document.activeElement && document.activeElement.blur()")
    app.keyboard.press("c")
    assert app.get_by_role("button", name="Class 1", exact=True).get_attribute("aria-pressed") == "true"
    assert app.get_by_role("button", name="Class 0", exact=True).get_attribute("aria-pressed") == "false"


def test_dragging_paints_points_along_the_path_and_erase_removes_them(app):
    start_empty(app)
    choose(app, "Class 1")
    box = canvas_box(app)
    x0, y, x1 = box["x"] + 0.2 * box["width"], box["y"] + 0.5 * box["height"], box["x"] + 0.8 * box["width"]
    app.mouse.move(x0, y)
    app.mouse.down()
    app.mouse.move(x1, y, steps=40)
    app.mouse.up()
    d = own(app)
    n = len(d["y"])
    span = 0.6 * box["width"]
    assert span / 14 - 2 <= n <= span / 14 + 2, n  # one point every 14 pixels of the drag
    px, py = pixel(app)
    left, mid = plane_point(app, 0.2, 0.5), plane_point(app, 0.8, 0.5)
    assert all(label == 1 for label in d["y"])
    assert all(left[0] - px <= x <= mid[0] + px and abs(yv - left[1]) <= py for x, yv in d["X"])
    # erase the left half of the stroke with a drag, then one point with a click
    app.get_by_role("button", name="Erase").click()
    assert app.get_by_role("button", name="Erase").get_attribute("aria-pressed") == "true"
    app.mouse.move(x0 - 20, y)
    app.mouse.down()
    app.mouse.move(box["x"] + 0.5 * box["width"], y, steps=30)
    app.mouse.up()
    d = own(app)
    middle = plane_point(app, 0.5, 0.5)[0]
    assert d["X"] and all(x > middle - 13 * px for x, _ in d["X"]) and len(d["y"]) < n
    right = max(range(len(d["X"])), key=lambda k: d["X"][k][0])
    before = len(d["y"])
    (x, _), (ex, _) = d["X"][right], plane_point(app, 0, 0)
    click_at(app, (x - ex) / (px * box["width"]), 0.5)
    assert len(own(app)["y"]) == before - 1


def test_the_network_trains_on_through_edits(app):
    start_empty(app)
    for name, points in (("Class 0", [(0.2, 0.2), (0.25, 0.3), (0.3, 0.2), (0.2, 0.35)]),
                         ("Class 1", [(0.75, 0.8), (0.8, 0.7), (0.7, 0.75), (0.8, 0.85)])):
        choose(app, name)
        for fx, fy in points:
            click_at(app, fx, fy)
    wait_state(app, "s.config.dataset === 'custom' && s.epoch === 0")
    app.get_by_role("combobox", name="Speed (epochs per frame)").select_option("3")
    app.get_by_role("button", name="Play", exact=True).click()
    wait_state(app, "s.epoch >= 30")
    before = state(app)
    choose(app, "Class 1")
    click_at(app, 0.5, 0.5)  # while it trains
    after = wait_state(app, f"s.epoch > {before['epoch'] + 10}")
    assert after["running"] and len(own(app)["y"]) == 9
    kept = before["history"]["epoch"]
    assert after["history"]["epoch"][:len(kept)] == kept  # the same run went on: no restart at epoch 0
    pause(app)


def test_a_curve_takes_points_x_y(app):
    pause(app)
    app.get_by_role("combobox", name="Dataset").select_option("sine")
    app.get_by_role("button", name="Edit these points").click()
    wait_state(app, "s.config.dataset === 'custom'")
    n = len(own(app)["y"])
    x, y = click_at(app, 0.3, 0.2)
    d = own(app)
    px, py = pixel(app)
    k = min(range(len(d["X"])), key=lambda i: abs(d["X"][i][0] - x) + abs(d["y"][i] - y))
    assert len(d["y"]) == n + 1 and d["kind"] == "regression"
    assert abs(d["X"][k][0] - x) <= px and abs(d["y"][k] - y) <= 1.3 * py
