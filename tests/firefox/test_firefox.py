"""The page in Firefox ESR: it boots over http and from file://, trains the spiral to convergence,
learns the digits and reads a drawing made with the mouse, and takes an explained step in the first
teaching panel, with no page error and no content-security-policy violation. The numbers it shows
are compared with the same config and seed run here in CPython.

Firefox is driven over WebDriver BiDi by tests/firefox/drive.mjs (puppeteer-core, no geckodriver):
one node run per page, acting as a learner would, reports what the page showed as JSON; the
assertions are all here. Skipped, with the reason, without Firefox, node or node_modules/puppeteer-core
(`python scripts/test.py` installs both). Deselect with `-m "not firefox"`.
"""
from __future__ import annotations

import base64
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nn import Session
from nn.data import digits

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
DRIVER = Path(__file__).with_name("drive.mjs")
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "site"))

from headless import HOW_TO_GET_FIREFOX, find_firefox  # noqa: E402
from serve import serve_in_thread  # noqa: E402

from playground.panels import PANELS  # noqa: E402

pytestmark = [pytest.mark.firefox, pytest.mark.browser]

RUN_TIMEOUT_S = 240    # one node run: Firefox's start, the page's boot and every check on it
SPIRAL_SPEED = 10      # epochs per frame while the spiral plays
DIGITS_EPOCHS = 5
# pen strokes in pad coordinates (0..1): a one and a zero, drawn with the mouse
STROKES = [
    [[(0.52, 0.15), (0.5, 0.85)]],
    [[(0.5 + 0.22 * math.sin(t / 12 * 2 * math.pi), 0.5 - 0.33 * math.cos(t / 12 * 2 * math.pi)) for t in range(13)]],
]


@pytest.fixture(scope="module")
def firefox() -> str:
    """The Firefox to drive, once everything needed to drive it is here; else skip, saying what is missing."""
    if not (DIST / "build-info.js").exists():
        pytest.skip("dist/ is not built: run `python scripts/build.py`")
    if not shutil.which("node"):
        pytest.skip("node was not found: the Firefox tests drive Firefox from node (install Node.js 18+)")
    if not (ROOT / "node_modules" / "puppeteer-core" / "package.json").exists():
        pytest.skip("node_modules/puppeteer-core is missing (the Firefox driver, a devDependency): run `npm ci`")
    path = find_firefox()
    if path is None:
        where = f"FIREFOX={os.environ['FIREFOX']} does not exist; " if os.environ.get("FIREFOX") else "no Firefox: "
        pytest.skip(where + HOW_TO_GET_FIREFOX)
    return path


def drive(firefox: str, url: str, checks: list[str]) -> dict:
    """Run drive.mjs on `url` with these checks, in this order, on one page; its report."""
    job = {"firefox": firefox, "url": url, "checks": checks, "bootTimeoutMs": 90_000,
           "keys": {"dataset": "spiral", "steps": 3},
           "spiral": {"speed": SPIRAL_SPEED, "timeoutMs": 120_000},
           "panel": {"dataset": "spiral", "sections": len(PANELS)},
           "digits": {"epochs": DIGITS_EPOCHS, "strokes": STROKES}}
    run = subprocess.Popen(["node", str(DRIVER), json.dumps(job)], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = run.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        run.terminate()  # SIGTERM: puppeteer then stops the Firefox it started (a kill would leave it)
        try:
            stdout, stderr = run.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            run.kill()
            stdout, stderr = run.communicate()
        pytest.fail(f"driving Firefox on {url} took over {RUN_TIMEOUT_S} s; its stderr:\n{stderr[-4000:]}")
    try:
        report = json.loads(stdout)
    except ValueError:
        pytest.fail(f"drive.mjs exited {run.returncode} without a report:\n{stdout[-2000:]}\n{stderr[-4000:]}")
    assert "error" not in report, f"driving Firefox on {url} failed: {report['error']}"
    print(f"{report['browser']} on {url}:",
          {name: c.get("seconds_taken") for name, c in report["checks"].items()}, "seconds")
    return report


@pytest.fixture(scope="module")
def over_http(firefox):
    """The built page served as it is hosted (the headers of vercel.json, its content-security-policy
    among them), in Firefox; last, errors and a violation made on purpose."""
    srv, url = serve_in_thread(DIST, port=0)
    try:
        yield drive(firefox, url, ["boot", "spiral", "panel", "digits", "provoke"])
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture(scope="module")
def from_file(firefox):
    """dist/index.html opened as a file (the USB-stick copy), in Firefox."""
    return drive(firefox, (DIST / "index.html").as_uri(), ["boot", "keys"])


def check(report: dict, name: str) -> dict:
    result = report["checks"].get(name)
    assert result is not None, f"the {name} check did not run (boot: {report['checks'].get('boot')})"
    assert "error" not in result, f"the {name} check failed in Firefox:\n{result['error']}"
    return result


def relative_difference(ours, theirs):
    ours, theirs = np.asarray(ours, dtype=np.float64), np.asarray(theirs, dtype=np.float64)
    return np.abs(ours - theirs) / np.abs(theirs)


def cpython_losses(config: dict, epochs: int) -> np.ndarray:
    ref = Session(config)
    ref.step(epochs, until_stop=False)
    return np.array(ref.history_table()["train_loss"][:epochs + 1])


def shown_number(text: str) -> tuple[float, float]:
    """A number as the page prints it ('−0.1548', '1.2e-05') and half a unit of its last digit."""
    text = text.replace("−", "-")
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    return float(text), 0.5 * 10.0 ** (int(exponent or 0) - decimals)


@pytest.mark.parametrize("run", ["over_http", "from_file"])
def test_boots_on_the_spiral(run, request):
    boot = check(request.getfixturevalue(run), "boot")
    assert boot["mode"] == {"over_http": "http", "from_file": "file"}[run], boot
    assert boot["config"]["dataset"] == "spiral" and boot["epoch"] == 0, boot
    assert boot["sizes"][0] == 2 and boot["sizes"][-1] == 1 and boot["config"] == Session({"dataset": "spiral"}).config


@pytest.mark.parametrize("run", ["over_http", "from_file"])
def test_no_page_errors_and_no_policy_violations(run, request):
    report = request.getfixturevalue(run)
    errors = [f"{e['check']}: {e['text']} {e.get('stack', '')}" for e in report["pageErrors"] if e["check"] != "provoke"]
    assert errors == [], "the page reported errors in Firefox:\n  " + "\n  ".join(errors)
    csp = [f"{v['check']}: {v['text']}" for v in report["csp"] if v["check"] != "provoke"]
    assert csp == [], "content-security-policy violations in Firefox:\n  " + "\n  ".join(csp)


def test_the_watches_see_errors_and_violations(over_http):
    """The test above can fail: an error, a console.error and an inline script made on purpose
    in the page all reach the report (and the policy stopped the script)."""
    provoked = check(over_http, "provoke")
    assert any("provoked: uncaught" in e for e in provoked["seen"]), provoked
    assert any("provoked: console.error" in e for e in provoked["seen"]), provoked
    blocked = [v["text"] for v in over_http["csp"] if v["check"] == "provoke"]
    assert blocked and all(v.startswith("script-src") for v in blocked), over_http["csp"]
    assert provoked["inlineScriptRan"] is False


def test_the_step_key_trains_from_file_with_the_engines_numbers(from_file):
    keys = check(from_file, "keys")
    h = keys["history"]
    assert keys["epoch"] == 3 and h["epoch"] == [0, 1, 2, 3], h["epoch"]
    rel = relative_difference(h["train_loss"], cpython_losses(keys["config"], 3))
    assert rel.max() <= 1e-9, f"Firefox (file://) vs CPython, losses by epoch: relative differences {rel}"


def test_plays_the_spiral_to_convergence_with_the_engines_numbers(over_http):
    spiral = check(over_http, "spiral")
    assert spiral["stop"]["kind"] == "converged" and not spiral["running"], spiral["stop"]
    assert spiral["trainAccuracy"] >= 0.99 and spiral["testAccuracy"] >= 0.97, (spiral["epoch"], spiral["stop"])
    assert f"test accuracy {100 * spiral['testAccuracy']:.1f}%" in spiral["message"], spiral["message"]
    h = spiral["history"]
    epochs = min(50, spiral["epoch"])
    assert h["epoch"][:epochs + 1] == list(range(epochs + 1))
    rel = relative_difference(h["train_loss"][:epochs + 1], cpython_losses(spiral["config"], epochs))
    assert rel.max() <= 1e-9, f"Firefox vs CPython, worst at epoch {rel.argmax()}: relative difference {rel.max():.2e}"


def test_the_first_panel_explains_a_real_step(over_http):
    """Scrolled to, the panels are built; "Take one step" takes one step and shows its forward
    stage: for training point #1, each first-layer neuron's z and a, as worked out here by hand."""
    panel = check(over_http, "panel")
    assert panel["titles"] == list(PANELS.values()), panel["titles"]
    assert panel["steps"] == panel["stepsBefore"] + 1 and panel["epoch"] == 0, panel
    assert panel["stage"] == "forward", panel["stage"]
    ref = Session(panel["config"])
    assert ref.config["activation"] == "tanh", "the hand computation below is for tanh"
    z = ref.X_train[0] @ ref.net.params[0] + ref.net.params[1]
    lines = panel["lines"]
    first = lines[lines.index(next(line for line in lines if line.startswith("Hidden layer 1"))) + 1:][:len(z)]
    for j, line in enumerate(first):
        m = re.fullmatch(r"(\d+): z (\S+) → a (\S+)", line)
        assert m and int(m[1]) == j + 1, f"neuron {j + 1} of hidden layer 1 shows {line!r}"
        for name, text, truth in (("z", m[2], z[j]), ("a", m[3], np.tanh(z[j]))):
            shown, half_unit = shown_number(text)
            assert abs(shown - truth) <= half_unit * (1 + 1e-9), \
                f"neuron {j + 1}: the page shows {name} = {text}, by hand it is {truth!r}"
    assert len(first) == len(z), lines


def test_digits_train_and_read_a_drawing_made_with_the_mouse(over_http):
    d = check(over_http, "digits")
    assert d["config"]["dataset"] == "digits" and d["epoch"] == DIGITS_EPOCHS, d["epoch"]
    assert d["sizes"][0] == digits.SIDE ** 2 and d["sizes"][-1] == 10, d["sizes"]
    ref = Session(d["config"])
    ref.step(DIGITS_EPOCHS, until_stop=False)
    rel = relative_difference(d["history"]["train_loss"], ref.history_table()["train_loss"])
    assert rel.max() <= 1e-9, f"Firefox vs CPython, digits losses by epoch: relative differences {rel}"
    assert len(d["drawings"]) == len(STROKES)
    for k, drawing in enumerate(d["drawings"]):
        assert drawing["cleared"] is None, f"drawing {k + 1}: the cleared pad still predicts {drawing['cleared']}"
        pad = drawing["pad"]
        alpha = np.frombuffer(base64.b64decode(pad["alpha"]), np.uint8).reshape(pad["height"], pad["width"])
        assert not digits.is_empty(alpha / 255.0), f"drawing {k + 1}: no ink on the pad"
        # the pad's pixels, read from the canvas, through the data set's own preprocessing, in CPython
        x = digits.image_to_features(digits.bitmap_to_input(alpha / 255.0))[0]
        expected = ref.predict(x)[0]
        shown = np.array(drawing["prediction"]["probabilities"])
        assert shown.shape == (10,) and drawing["prediction"]["class"] == int(np.argmax(shown))
        np.testing.assert_allclose(shown, expected, rtol=1e-9, atol=1e-12,
                                   err_msg=f"drawing {k + 1}: what Firefox reads vs CPython on the same pixels")
