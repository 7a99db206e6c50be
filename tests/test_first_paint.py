"""The opening page made at build time (scripts/first_paint.py, playground/logic/first_frame.py),
tested in CPython: the controls show the opening config, the pictures are the network's own
predictions. (tests/browser/test_first_paint.py holds the painted canvases equal to Python's.)"""
import base64
import re
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))
sys.path.insert(0, str(ROOT / "scripts"))
import first_paint  # noqa: E402
from nn import Session  # noqa: E402
from nn.training import config as cfg  # noqa: E402
from playground.logic import first_frame  # noqa: E402


@pytest.fixture(scope="module")
def opening():
    return first_paint.opening("3.12.7", "2.0.2")


def _select(markup, id_):
    """(the option values of <select id=id_>, the selected one) read back from the markup."""
    body = re.search(rf'<select id="{id_}"[^>]*>(.*?)</select>', markup, re.S).group(1)
    values = re.findall(r'<option value="([^"]*)"', body)
    chosen = re.findall(r'<option value="([^"]*)" selected', body)
    return values, chosen


def test_the_markup_shows_the_opening_config(opening):
    markup, _ = opening
    defaults = Session(None).config
    for id_ in ("optimizer", "schedule", "batch_size", "dataset"):
        values, chosen = _select(markup, id_)
        assert chosen == [str(defaults[id_])], (id_, chosen)
        assert str(defaults[id_]) in values
    values, chosen = _select(markup, "lr")
    assert [float(v) for v in chosen] == [defaults["lr"]] and len(values) > 5
    hidden = defaults["hidden"]
    assert f'<span id="layer-count">{len(hidden)} hidden layers</span>' in markup
    assert markup.count('class="layer-col"') == len(hidden)
    assert '<output id="epoch" aria-live="off">0</output>' in markup
    assert '<span id="py-version">3.12.7</span>' in markup and '<span id="np-version">2.0.2</span>' in markup


def test_every_id_of_page_html_is_kept_once(opening):
    markup, _ = opening
    page = (ROOT / "site" / "playground" / "page.html").read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', page)
    for id_ in ids:
        assert markup.count(f'id="{id_}"') == 1, id_


def test_the_stand_in_browser_is_gone_afterwards(opening):
    assert "js" not in sys.modules and "pyodide" not in sys.modules
    assert not any(name.startswith("playground.views") for name in sys.modules)


def test_baked_index_needs_exactly_one_app():
    with pytest.raises(ValueError, match="exactly one"):
        first_paint.baked_index("<body></body>", "<p>x</p>")
    assert 'data-first-paint>\n<p>x</p></main>' in first_paint.baked_index('<main id="app"></main>', "<p>x</p>")


def _rgba(text, shape):
    return np.frombuffer(base64.b64decode(text), dtype=np.uint8).reshape(shape)


def test_the_output_picture_is_the_networks_prediction(opening):
    """Blue where the network says class 1 is likelier, orange where class 0 is: each of the 80x80
    pixels against Session.predict at that pixel's point of the plane (the forward pass itself)."""
    _, frame = opening
    s = Session(None)
    size = frame["plane"]["size"]
    picture = _rgba(frame["plane"]["rgba"], (size, size, 4)).astype(int)
    (x0, x1), (y0, y1) = s.data.extent
    # the grid's cells: columns along x1, rows from the top (y1) down
    xs = x0 + (np.arange(size) + 0.5) / size * (x1 - x0)
    ys = y1 - (np.arange(size) + 0.5) / size * (y1 - y0)
    X = np.array([(x, y) for y in ys for x in xs])
    p = s.predict(X)[:, 0].reshape(size, size)
    sure = np.abs(p - 0.5) > 0.05  # (near 0.5 the pixel is grey either way)
    blue = picture[..., 2] > picture[..., 0]
    assert sure.sum() > 100
    assert np.array_equal(blue[sure], (p > 0.5)[sure])
    assert np.all(picture[..., 3] == 255)


def test_edges_follow_the_weights(opening):
    """Width 0.35 + 1.7·min(|w|, 3) px, blue for w ≥ 0, orange below, one edge per weight in order."""
    _, frame = opening
    net = Session(None).net
    w = np.concatenate([W.reshape(-1) for W in net.W])
    np.testing.assert_allclose(frame["edges"]["widths"], 0.35 + 1.7 * np.minimum(np.abs(w), 3.0))
    rgba = _rgba(frame["edges"]["rgba"], (len(w), 4))
    assert np.array_equal(rgba[:, 2] > rgba[:, 0], w >= 0)
    assert frame["sizes"] == net.sizes


def test_the_atlas_has_one_tile_per_neuron(opening):
    _, frame = opening
    a = frame["atlas"]
    atlas = _rgba(a["rgba"], (a["tile"], a["width"], 4))
    n = sum(frame["sizes"])  # one sigmoid output: its own tile
    assert a["width"] == n * a["tile"]
    x1_tile = atlas[:, :a["tile"]].astype(int)  # the input x1: orange on the left, blue on the right
    assert x1_tile[:, 0, 0].min() > x1_tile[:, 0, 2].max() and x1_tile[:, -1, 2].min() > x1_tile[:, -1, 0].max()


def test_points_are_the_sessions(opening):
    _, frame = opening
    s = Session(None)
    np.testing.assert_array_equal(np.array(frame["train"]["x"]).reshape(-1, 2), s.X_train_raw[:, :2])
    np.testing.assert_array_equal(np.array(frame["test"]["x"]).reshape(-1, 2), s.X_test_raw[:, :2])


def test_digits_have_no_frame_made_ahead():
    """The digits' first frame depends on a drawing: the page waits for Python there."""
    assert first_frame.opening_frame(Session({"dataset": "digits"})) is None


def test_the_opening_setup_is_the_config_default():
    assert Session(None).config["dataset"] == cfg.DEFAULTS["dataset"]


def test_a_build_without_numpy_keeps_the_loading_card(monkeypatch):
    """Without numpy at build time the page is built as before (its loading card until Python
    runs), and says so; first-frame.js then holds no frame."""
    import build

    def no_numpy(*args):
        raise ImportError("No module named 'numpy'")
    monkeypatch.setattr(first_paint, "opening", no_numpy)
    out = build.Output(Path("/nonexistent"))
    index = (ROOT / "site" / "index.html").read_bytes()
    out.add("index.html", index)
    build.opening_page(out, {"info": {"python": "3.12.7"}, "packages": {"numpy": {"version": "2.0.2"}}})
    assert out.files["index.html"] == index
    assert b"self.WIL_FIRST = null;" in out.files["first-frame.js"]


def test_the_build_bakes_the_opening_page_into_index_html(opening):
    import build
    out = build.Output(Path("/nonexistent"))
    out.add("index.html", (ROOT / "site" / "index.html").read_bytes())
    build.opening_page(out, {"info": {"python": "3.12.7"}, "packages": {"numpy": {"version": "2.0.2"}}})
    html = out.files["index.html"].decode()
    assert html.count("data-first-paint") == 1 and opening[0] in html
    assert out.files["first-frame.js"].startswith(b"/*") and b'"sizes":[2,' in out.files["first-frame.js"]


def test_the_hosted_build_installs_the_numpy_the_build_extra_pins():
    """Vercel runs vercel.json's installCommand, then scripts/build.py: without numpy there the hosted
    page would open on its loading card. The pin is the build extra's (pyproject.toml)."""
    import json
    import tomllib

    (pin,) = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["build"]
    install = json.loads((ROOT / "vercel.json").read_text())["installCommand"]
    assert re.search(rf"pip install\b.*\s{re.escape(pin)}(\s|$)", install), (pin, install)
