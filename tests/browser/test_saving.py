"""Save and Open on the page: the file restores the run exactly, and a bad file changes nothing.

The truth for "exactly": the same page trained on without stopping. Files are taken from the
page's own download (Playwright catches it) and given back through the "Open a saved network"
input or dropped on the page, over http and from the USB copy (file://).
"""
from __future__ import annotations

import json
import re

import pytest

from pagekit import state, step_epochs, wait_state

pytestmark = pytest.mark.browser


def _save(page, tmp_path):
    with page.expect_download() as info:
        page.get_by_role("button", name="Save", exact=True).click()
    d = info.value
    path = tmp_path / d.suggested_filename
    d.save_as(path)
    return path


def _open(page, path_or_payload):
    page.get_by_label("Open a saved network").set_input_files(path_or_payload)


def _round_trip(page, reopened, tmp_path):
    step_epochs(page, 12)
    path = _save(page, tmp_path)
    assert path.name == "watch-it-learn-moons-epoch-12.json"
    assert page.locator("#carry-status").inner_text().startswith("Saved")
    saved = json.loads(path.read_text())
    assert (saved["format"], saved["version"], saved["epoch"]) == ("watch-it-learn session", 1, 12)
    kept = step_epochs(page, 8)  # the run that never stopped

    _open(reopened, path)
    s = wait_state(reopened, "s.epoch === 12")
    assert s["config"] == saved["config"] and "Opened watch-it-learn-moons-epoch-12.json" in \
        reopened.locator("#message").inner_text()
    assert s["history"]["train_loss"] == kept["history"]["train_loss"][:len(s["history"]["train_loss"])]
    again = step_epochs(reopened, 8)
    assert again["history"] == kept["history"]  # epoch by epoch, to the last bit
    assert (again["trainLoss"], again["testLoss"], again["steps"]) == (kept["trainLoss"], kept["testLoss"], kept["steps"])


def test_save_then_open_trains_on_as_if_never_stopped(new_page, server, wait_ready, tmp_path):
    page, fresh = new_page(), new_page()
    page.goto(server + "#dataset=moons&optimizer=sgd&momentum=0.9&lr=0.1&batch_size=16")
    fresh.goto(server + "#dataset=xor")  # another setup: opening replaces all of it
    wait_ready(page), wait_ready(fresh)
    _round_trip(page, fresh, tmp_path)
    assert "dataset=moons" in fresh.evaluate("location.hash")  # the address follows the opened setup
    page.context.close(), fresh.context.close()


def test_save_and_open_work_from_the_usb_copy(dist, new_page, wait_ready, tmp_path):
    page, fresh = new_page(offline=True), new_page(offline=True)
    page.goto((dist / "index.html").as_uri() + "#dataset=moons")
    fresh.goto((dist / "index.html").as_uri())
    wait_ready(page), wait_ready(fresh)
    _round_trip(page, fresh, tmp_path)
    page.context.close(), fresh.context.close()


def test_a_file_dropped_on_the_page_opens(new_page, server, wait_ready, tmp_path):
    page = new_page()
    page.goto(server + "#dataset=circle")
    wait_ready(page)
    step_epochs(page, 3)
    text = _save(page, tmp_path).read_text()
    page.get_by_role("button", name="Reset").click()
    wait_state(page, "s.epoch === 0")
    page.evaluate("""(text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], "dropped.json", {type: "application/json"}));
        document.querySelector("#network").dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
        document.querySelector("#network").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""", text)
    s = wait_state(page, "s.epoch === 3")
    assert s["config"]["dataset"] == "circle" and "Opened dropped.json" in page.locator("#message").inner_text()
    assert not page.evaluate("document.body.classList.contains('dropping')")
    page.context.close()


def _damaged(good, change):
    d = json.loads(good)
    change(d)
    return json.dumps(d)


BAD = {
    "not JSON": (lambda good: "this is not { JSON", "not JSON"),
    "another format": (lambda good: json.dumps({"format": "keras", "layers": []}), "format is 'keras'"),
    "a newer version": (lambda good: _damaged(good, lambda d: d.update(version=9)), "newer version of the page"),
    "wrong shapes": (lambda good: _damaged(good, lambda d: d["network"]["params"].__setitem__(0, [[1.0]])),
                     "W1 has shape (1, 1)"),
    "NaN weights": (lambda good: re.sub(r'"params":\[\[\[[^,\]]+', '"params":[[[NaN', good, count=1),
                    "in the file, W1 contains NaN"),
    "a refused setting": (lambda good: _damaged(good, lambda d: d["config"].update(hidden=[8, 900])),
                          "hidden = [8, 900] is not allowed"),
}


@pytest.fixture(scope="module")
def xor(new_page, server, wait_ready, tmp_path_factory):
    """One page (xor, 4 epochs) that every bad file below is given in turn: (page, its saved file, its
    state). Each must leave it as it was, so the next one starts from the same page."""
    page = new_page()
    page.goto(server + "#dataset=xor")
    wait_ready(page)
    before = step_epochs(page, 4)
    good = _save(page, tmp_path_factory.mktemp("saving")).read_text()
    yield page, good, before
    page.context.close()


def _refused(page, file):
    """Open `file` (a path, or a name and its bytes), the previous message dismissed first; the
    error it shows."""
    dismiss = page.get_by_role("button", name="Dismiss message")
    if dismiss.is_visible():
        dismiss.click()
    page.wait_for_function("() => document.querySelector('#message').hidden")
    _open(page, file)
    page.wait_for_function("() => document.querySelector('#message:not([hidden]).error')")
    return page.locator("#message").inner_text()


@pytest.mark.parametrize("kind", BAD)
def test_a_bad_file_says_why_and_changes_nothing(kind, xor):
    page, good, before = xor
    make, words = BAD[kind]
    text = _refused(page, {"name": "bad.json", "mimeType": "application/json", "buffer": make(good).encode()})
    assert "bad.json was not opened" in text and words in text and "Your network is as it was" in text
    after = state(page)
    for key in ("epoch", "version", "config", "history", "trainLoss", "steps"):
        assert after[key] == before[key], key


def test_a_file_over_20_mb_is_refused_unread(xor, tmp_path):
    page, _, before = xor
    huge = tmp_path / "huge.json"
    with huge.open("wb") as f:  # given by its path: its 20 MB are not sent to the browser (a minute, as bytes)
        f.truncate(20 * 2**20 + 1)
    text = _refused(page, huge)
    assert "huge.json was not opened: it is 20.0 MB; allowed: at most 20 MB" in text
    assert state(page)["version"] == before["version"]


def test_download_data_is_the_sessions_points_as_csv(new_page, server, wait_ready, tmp_path):
    """x1, x2, label, split: each row one of the page's points, as CPython makes them from the setup."""
    import csv

    from nn import Session
    page = new_page()
    page.goto(server + "#dataset=moons&seed=4")
    wait_ready(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download data", exact=True).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "watch-it-learn-moons-data.csv"
    rows = list(csv.reader(path.read_text().splitlines()))
    assert rows[0] == ["x1", "x2", "label", "split"]
    ref = Session({"dataset": "moons", "seed": 4})
    want = [[*x, y, "train"] for x, y in zip(ref.X_train_raw, ref.y_train)] + \
           [[*x, y, "test"] for x, y in zip(ref.X_test_raw, ref.y_test)]
    got = [[float(a), float(b), int(c), d] for a, b, c, d in rows[1:]]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g[2:] == [int(w[2]), w[3]] and g[:2] == pytest.approx([float(w[0]), float(w[1])], rel=1e-12)
    page.context.close()
