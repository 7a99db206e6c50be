"""Break it, in a real browser: an edit that breaks tanh's derivative is caught by the gradient check
(the numbers CPython gets with the same edit), a syntax error names its line in the file and
leaves training on the last working code, and Restore brings back the original."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
from pagekit import pause, state, step_epochs, wait_state

from nn import Session, explain
from nn.core import edits

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))

from playground.logic import code_edit, explain_text as et  # noqa: E402

pytestmark = pytest.mark.browser
LIVE = "#panel-gradcheck .teach-body:not(.teach-full) .teach-eq"


@pytest.fixture(scope="module")
def app(open_app):
    page = open_app(viewport={"width": 1280, "height": 900})
    page.evaluate("() => document.getElementById('panel-source') || document.getElementById('panels').scrollIntoView()")
    page.wait_for_function("() => document.querySelector('#panel-source .code-edit-panel')")
    yield page
    page.context.close()


@pytest.fixture(autouse=True)
def _original_code():
    yield
    edits.restore()  # the CPython references below apply edits too


def reference(config, exercise=None):
    """CPython's session for the page's config, fresh, with an exercise's edit running (or none)."""
    edits.restore()
    s = Session(config)
    if exercise is not None:
        ex = code_edit.EXERCISES[exercise]
        text, first = code_edit.function_text((ROOT / "nn" / ex.file).read_text(), ex.qualname)
        code_edit.apply(s, ex.file, ex.qualname, code_edit.exercise_text(ex, text), first)
    return s


def live_lines(page, verdict):
    page.wait_for_function(f"() => document.querySelector('#panel-gradcheck .teach-verdict.{verdict}')")
    return page.evaluate(f"() => Array.from(document.querySelectorAll('{LIVE}'), e => e.textContent)")


def test_a_broken_derivative_is_caught_by_the_gradient_check_and_restore_mends_it(app):
    app.get_by_role("button", name="Try it: Break tanh's derivative").click()
    app.get_by_role("button", name="Apply", exact=True).click()
    badge = app.locator("#edited-code-badge")
    assert badge.is_visible() and "tanh's derivative" in badge.text_content()
    # fixed in a corner, it covers what passes under it; scrolled to the end, nothing is left under it
    clear = app.evaluate("""() => { window.scrollTo(0, document.documentElement.scrollHeight);
        const last = Math.max(...[...document.querySelectorAll('#app > *')].map((e) => e.getBoundingClientRect().bottom));
        return document.getElementById('edited-code-badge').getBoundingClientRect().top - last; }""")
    assert clear >= 0, f"the page's last card ends {-clear:.0f} px under the badge"
    app.locator("#panel-gradcheck").scroll_into_view_if_needed()
    shown = live_lines(app, "bad")
    ref = reference(state(app)["config"], exercise=1)
    c = explain.live_check(ref)
    want = et.live_check_lines(c, ref.net.sizes, ref.features)
    assert c["relative_error"] > 0.1 and shown[0] == want[0] and shown[-1] == want[-1]  # red, and CPython's
    np.testing.assert_allclose(float(shown[4].split(" = ")[-1].replace("−", "-")), c["analytic"], rtol=1e-9)
    assert "disagrees" in app.locator("#panel-source .code-edit-status").text_content()

    app.get_by_role("button", name="Restore").click()
    assert badge.is_hidden()
    shown = live_lines(app, "ok")
    ref = reference(state(app)["config"])
    assert shown[-1] == et.live_check_lines(explain.live_check(ref), ref.net.sizes, ref.features)[-1]


def test_a_syntax_error_names_its_line_and_training_goes_on_with_the_last_working_code(app):
    app.get_by_role("button", name="Try it: Forget Adam's bias correction").click()
    app.get_by_role("button", name="Apply", exact=True).click()   # the last working code: Adam, uncorrected
    editor = app.get_by_role("textbox", name="Python code of the function")
    text = editor.input_value()
    editor.fill(text.replace("bias_correction1 = 1\n", "bias_correction1 = = 1\n"))
    app.get_by_role("button", name="Apply", exact=True).click()
    written = (ROOT / "nn" / "core" / "optim.py").read_text().split("\n")
    line = next(k for k, t in enumerate(written, 1) if t.strip() == "bias_correction1 = 1 - beta1**t")
    said = app.locator("#panel-source .code-edit-status").text_content()
    assert "SyntaxError" in said and f"on line {line} of nn/core/optim.py" in said, said
    assert app.locator("#panel-source .code-edit-band.error").is_visible()
    assert "Adam's update" in app.locator("#edited-code-badge").text_content()

    s = step_epochs(app, 3)  # trained by the last working code: the uncorrected Adam, as in CPython
    ref = reference(s["config"], exercise=2)
    ref.step(3)
    assert s["trainLoss"] == pytest.approx(ref.metrics()["train_loss"], rel=1e-9)
    honest = reference(s["config"])  # (the edit is the process's: one reference at a time)
    honest.step(3)
    assert s["trainLoss"] != pytest.approx(honest.metrics()["train_loss"], rel=1e-3)
    app.get_by_role("button", name="Play", exact=True).click()
    wait_state(app, f"s.epoch >= {s['epoch'] + 10}")   # training runs on
    pause(app)
    app.get_by_role("button", name="Restore").click()
    assert app.locator("#edited-code-badge").is_hidden() and state(app)["epoch"] == 0
    assert re.search(r"Restored", app.locator("#panel-source .code-edit-status").text_content())


def test_an_exception_while_training_brings_back_the_last_working_code(app):
    """An edit that passes Apply's one-epoch trial but raises later, mid-training: the page says
    where, runs the last working code (here the original) and trains on."""
    app.get_by_role("combobox", name="Function to edit").select_option("core/optim.py:Adam._update")
    app.get_by_role("button", name="Edit code").click()
    editor = app.get_by_role("textbox", name="Python code of the function")
    lines = editor.input_value().split("\n")
    first = int(app.locator("#panel-source .code-edit-gutter").text_content().split("\n")[0])
    lines.insert(1, '        if state["step"] > 60:\n            raise ValueError("too far")')  # epoch 4 of 20 steps each
    editor.fill("\n".join(lines))
    app.get_by_role("button", name="Apply", exact=True).click()
    assert "Adam's update" in app.locator("#edited-code-badge").text_content()
    app.get_by_role("button", name="Play", exact=True).click()
    app.wait_for_function("() => document.querySelector('#edited-code-badge').hidden", timeout=30_000)
    said = app.locator("#panel-source .code-edit-status").text_content()
    assert "ValueError: too far" in said and f"on line {first + 2} of nn/core/optim.py" in said, said
    s = wait_state(app, "s.running && s.epoch >= 10")  # on, with the original Adam
    pause(app)
    assert s["stop"] is None
