"""Break it: edited engine code (nn.core.edits) runs everywhere the function is held, a failed edit
names the file's line and changes nothing, and the three guided exercises (logic/code_edit.py)
make the gradient check or the training react as their words say. Each truth is independent of
the edit machinery: the line counted in the file (inspect), a derivative worked out by hand, the
gradient's scale n, Adam's first step computed from its definition."""
import inspect
import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import nn
from nn import Session, activations, explain, optim, saved, to_notebook, to_pytorch
from nn.core import edits
from nn.core.gradcheck import numeric_gradient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "site"))
from playground.logic import code_edit, link, source_map  # noqa: E402

ROOT = Path(nn.__file__).parent


@pytest.fixture(autouse=True)
def _original_code():
    edits.restore()
    yield
    edits.restore()


def written(file, qualname):
    """(the function's text as written, its first line), read with inspect, not with the page's code."""
    fn = edits.function(file, qualname)
    lines, first = inspect.getsourcelines(fn)
    return "".join(lines).rstrip("\n"), first


def apply_exercise(k, session):
    ex = code_edit.EXERCISES[k]
    text, first = code_edit.function_text((ROOT / ex.file).read_text(), ex.qualname)
    code_edit.apply(session, ex.file, ex.qualname, code_edit.exercise_text(ex, text), first)
    return ex


# -- the machinery ------------------------------------------------------------------------------------
def test_an_edit_runs_wherever_the_function_is_held_and_restore_brings_the_original():
    tanh = activations.get("tanh")  # the record, taken before the edit
    z = np.linspace(-2, 2, 7)
    a = np.tanh(z)
    text, first = written("core/activations.py", "_tanh_prime")
    edits.replace("core/activations.py", "_tanh_prime", text.replace("1.0 - a * a", "2.0 * (1.0 - a * a)"), first)
    np.testing.assert_allclose(tanh.df(z, a), 2.0 / np.cosh(z) ** 2)  # by hand: 2·sech²z
    assert edits.edited() and "_tanh_prime" in edits.marks()[0]
    edits.restore()
    np.testing.assert_allclose(tanh.df(z, a), 1.0 / np.cosh(z) ** 2)
    assert edits.edited() == {} and edits.marks() == []


def test_an_optimizers_edited_update_runs_in_the_pages_fast_step():
    """FlatStep (the page's training path) calls the optimizer's own _update, so it runs the edit."""
    s = Session({"dataset": "xor", "optimizer": "sgd", "lr": 0.1, "batch_size": 5000})
    text, first = written("core/optim.py", "SGD._update")
    lines = text.split("\n")
    body = lines[1][:len(lines[1]) - len(lines[1].lstrip())]  # the body's indentation
    doubled = "\n".join([lines[0], body + "g = 2 * g", *lines[1:]])  # every step twice as long
    w0 = s.net.flat.copy()
    _, grads = s.net.loss_and_grads(s.X_train, s.Y_train, s.loss)
    edits.replace("core/optim.py", "SGD._update", doubled, first)
    s.step(1)
    expected = w0 - 2 * 0.1 * np.concatenate([g.ravel() for g in grads])  # θ − lr·2g, by the definition
    np.testing.assert_allclose(s.net.flat, expected, rtol=1e-12, atol=1e-15)


def test_a_syntax_error_names_the_line_in_the_file_and_changes_nothing():
    live = edits.function("core/activations.py", "_tanh_prime")
    code = live.__code__
    text, first = written("core/activations.py", "_tanh_prime")
    broken = text.replace("1.0 - a * a", "1.0 - a * (a")  # line 2 of the function
    with pytest.raises(edits.EditError) as e:
        edits.replace("core/activations.py", "_tanh_prime", broken, first)
    assert e.value.line in (first + 1, first + 2)  # where the parser notices: the line, or the one after
    assert live.__code__ is code and edits.edited() == {}
    with pytest.raises(edits.EditError) as e:  # an indentation slip inside a method
        text, first = written("core/optim.py", "Adam._update")
        edits.replace("core/optim.py", "Adam._update", text.replace("        note(\"g\", g)", "      note(\"g\", g)"), first)
    assert e.value.line == first + text.split("\n").index("        note(\"g\", g)")
    with pytest.raises(edits.EditError, match="def _tanh_prime"):
        edits.replace("core/activations.py", "_tanh_prime", "def other(z, a):\n    return a", first)


def test_an_exception_in_edited_code_names_its_line_and_the_last_working_code_stays():
    s = Session({"dataset": "xor"})
    text, first = written("core/optim.py", "Adam._update")
    good = text.replace("bias_correction1 = 1 - beta1**t", "bias_correction1 = 1 - beta1**t  # fine")
    code_edit.apply(s, "core/optim.py", "Adam._update", good, first)
    lines = good.split("\n")
    k = next(i for i, line in enumerate(lines) if "note(\"g\", g)" in line)
    lines[k] = lines[k].replace("note(\"g\", g)", "note(\"g\", g / undefined_name)")
    with pytest.raises(edits.EditError) as e:
        code_edit.apply(s, "core/optim.py", "Adam._update", "\n".join(lines), first)
    assert e.value.line == first + k and "NameError" in e.value.message
    assert edits.edited() == {("core/optim.py", "Adam._update"): good}  # the last working edit runs again
    assert edits.back("core/optim.py", "Adam._update") is None and edits.edited() == {}


def test_culprit_finds_the_edited_function_an_error_came_through():
    text, first = written("core/activations.py", "_relu_prime")
    edits.replace("core/activations.py", "_relu_prime", text.replace("return", "return z.no_such_thing +"), first)
    net = nn.MLP([2, 3, 1], activation="relu")
    with pytest.raises(AttributeError) as e:
        net.loss_and_grads(np.ones((4, 2)), np.ones(4))
    assert edits.culprit(e.value) == ("core/activations.py", "_relu_prime", first + 1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("def_tanh(z, a):\n return1.0-*+/()[]:=#'\"\t ")), max_size=60))
def test_any_text_either_applies_or_is_refused_whole(text):
    """Bad input, the whole class: whatever is typed, the function runs its old code unless the text
    compiled into a function of that name; a refusal is an EditError with a line inside the text."""
    live = edits.function("core/activations.py", "_tanh_prime")
    code = live.__code__
    try:
        edits.replace("core/activations.py", "_tanh_prime", text, 64)
    except edits.EditError as e:
        assert live.__code__ is code
        assert e.line is None or 1 <= e.line <= 64 + text.count("\n") + 1
    else:
        assert live.__code__ is not code
    edits.restore()
    assert live.__code__ is code


def test_every_editable_function_is_found_compiles_as_written_and_has_no_fast_twin():
    mirrored = set()
    for path in (ROOT / "fast").glob("*.py"):
        mirrored |= set(source_map.mirrors(path.read_text()).values())
    for e in code_edit.EDITABLE:
        assert f"{e.file}:{e.qualname}" not in mirrored, e  # no speed path runs around the edit
        text, first = code_edit.function_text((ROOT / e.file).read_text(), e.qualname)
        assert (text, first) == written(e.file, e.qualname)
        edits.replace(e.file, e.qualname, text, first)  # as written: it compiles, in its own module
    s = Session({"dataset": "xor"})
    assert explain.live_check(s)["relative_error"] < 1e-6


# -- the three exercises ---------------------------------------------------------------------------
def test_dropping_the_1_over_n_makes_backprop_n_times_too_steep_which_adam_hides():
    s = Session({"dataset": "xor", "batch_size": 5000})
    n = len(s.Y_train)
    before = s.net.flat.copy()
    s.step(1)
    honest_step = s.net.flat - before
    apply_exercise(0, s)
    s.reset()
    _, g = s.net.loss_and_grads(s.X_train, s.Y_train, s.loss)
    numeric = numeric_gradient(s.net, s.X_train, s.Y_train, s.loss)
    for a, b in zip(g, numeric):
        np.testing.assert_allclose(a, n * b, rtol=1e-6, atol=1e-9)  # n times the measured slope
    assert explain.live_check(s)["relative_error"] > 0.9  # the gradient check is red
    s.step(1)  # Adam divides by √v: a gradient n times larger moves the weights as much (up to ε)
    np.testing.assert_allclose(s.net.flat - before, honest_step, rtol=1e-5, atol=1e-12)


def test_breaking_tanhs_derivative_turns_the_check_red_and_stalls_training():
    s = Session()  # the spiral, tanh
    s.step(100)
    honest = s.metrics()["train_loss"]
    s.reset()
    assert explain.live_check(s)["relative_error"] < 1e-6
    apply_exercise(1, s)
    s.reset()
    assert explain.live_check(s)["relative_error"] > 0.1
    s.step(100)
    assert s.metrics()["train_loss"] > 10 * honest
    s.step(900)  # it stalls, and the page's hint points at the edit
    assert s.stop is not None and s.stop.kind == "stalled"
    assert "tanh's derivative" in code_edit.stop_hint(s.stop) and "gradient check" in code_edit.stop_hint(s.stop)
    assert "tanh's derivative" in code_edit.check_note(explain.live_check(s)["relative_error"])
    edits.restore()
    assert code_edit.stop_hint(s.stop) == "" and code_edit.check_note(1.0) == ""


def test_forgetting_adams_bias_correction_keeps_the_check_green_but_the_first_step_is_3_times_lr():
    s = Session({"dataset": "xor", "batch_size": 5000, "lr": 0.01})
    apply_exercise(2, s)
    s.reset()
    assert explain.live_check(s)["relative_error"] < 1e-6  # the gradient is right
    _, g = s.net.loss_and_grads(s.X_train, s.Y_train, s.loss)
    g = np.concatenate([a.ravel() for a in g])
    before = s.net.flat.copy()
    s.step(1)
    b1, b2 = optim.Adam([np.zeros(1)]).betas
    # m = (1 − β₁)g, v = (1 − β₂)g², uncorrected: the step is lr·(1 − β₁)/√(1 − β₂)·sign(g)
    big = np.abs(g) > 1e-4
    expected = 0.01 * (1 - b1) / math.sqrt(1 - b2) * np.sign(g[big])
    np.testing.assert_allclose(before[big] - s.net.flat[big], expected, rtol=1e-3)


def test_each_exercise_changes_exactly_one_line_of_the_code_as_written():
    for ex in code_edit.EXERCISES:
        text, first = code_edit.function_text((ROOT / ex.file).read_text(), ex.qualname)
        broken = code_edit.exercise_text(ex, text)
        assert broken != text and broken.count("\n") == text.count("\n")
        k = code_edit.changed_line(ex, text, first)
        assert (ROOT / ex.file).read_text().split("\n")[k - 1].strip().startswith(ex.find.split("\n")[0].strip())
        assert len(ex.why.split(". ")) <= 3, ex.title  # explained in two sentences (or nearly)


# -- edited code stays in the tab -------------------------------------------------------------------
def test_edited_code_is_marked_by_hand_and_kept_out_of_links_and_saved_files():
    plain = Session({"dataset": "xor"})
    assert plain.by_hand == []
    text, first = written("core/activations.py", "_tanh_prime")
    edited = text.replace("1.0 - a * a", "1.0 - a * a  # MY-EDIT-7731")
    code_edit.apply(plain, "core/activations.py", "_tanh_prime", edited, first)
    s = Session({"dataset": "xor"})
    s.step(3)
    assert s.by_hand == edits.marks() and "_tanh_prime" in s.by_hand[0]
    s.reset()
    assert s.by_hand == edits.marks()  # a reset while the edit runs is still not a replay
    s.step(2)
    file = saved.dumps(s)
    assert "MY-EDIT-7731" not in file and "_tanh_prime" in json.loads(file)["by_hand"][0]
    notebook = to_notebook(s)
    assert "MY-EDIT-7731" not in notebook and "changed by hand" in notebook  # it does not claim a replay
    torch_file = to_pytorch(s)
    assert "MY-EDIT-7731" not in torch_file and "edited code running: _tanh_prime" in torch_file
    assert link.to_hash(s.config) == link.to_hash(Session({"dataset": "xor"}).config)
    edits.restore()
    opened = saved.loads(file)  # opened after Restore: the file still says the run was edited
    assert opened.by_hand and "_tanh_prime" in opened.by_hand[0]
    assert Session({"dataset": "xor"}).by_hand == []


def test_a_link_carrying_code_runs_none_of_it():
    """The page never runs code from a URL: the link's reader knows no key for code, and says so."""
    changes, problems = link.from_hash("#code=def%20_tanh_prime(z,%20a):%20return%20a&lr=0.1")
    assert changes == {"lr": 0.1} and "'code' is not a setting" in problems[0]
    assert edits.edited() == {}
