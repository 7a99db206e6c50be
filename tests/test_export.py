"""The exports against independent truths.

The PyTorch file is run by torch itself, in a subprocess: its outputs against the page's, and its
training on against the engine's own next epochs (torch's autograd and optimizers doing the work).
The notebook's code is run by a fresh Python in an empty folder, with nothing of this repository on
its path: its losses against the session's.
"""
import json
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from nn import Session, activations, datasets, features, optim, schedules
from nn.core import losses
from nn.export import notebook, pytorch, to_notebook, to_pytorch

FOLLOW_EPOCHS = 3  # epochs the torch file trains on, compared with the engine's next ones
TRAIN_SLACK = 1e-9  # rounding (BLAS, autograd's order of sums) may differ, compounding a little
PRINTED = 5e-13     # the files print losses with 12 decimals

# Sessions to export: (config, epochs trained first, a change made after them or None)
CASES = {
    "two classes, sigmoid, adam, mini-batches, cosine": (
        {"dataset": "moons", "n": 80, "batch_size": 16, "schedule": "cosine", "T_max": 20}, 10, None),
    "three classes, softmax, sgd nesterov, l2": (
        {"dataset": "spiral", "arms": 3, "n": 90, "hidden": [8, 8], "activation": "relu", "optimizer": "sgd",
         "lr": 0.1, "momentum": 0.9, "nesterov": True, "l2": 0.001}, 8, None),
    "regression, rmsprop centered, step schedule": (
        {"dataset": "sine", "n": 60, "hidden": [8], "optimizer": "rmsprop", "lr": 0.01, "centered": True,
         "momentum": 0.5, "batch_size": 16, "schedule": "step", "step_size": 3, "gamma": 0.5}, 7, None),
    "per-layer activations, adamw amsgrad, l1, full batch": (
        {"dataset": "circle", "n": 60, "hidden": [6, 6, 6, 6, 6, 6],
         "activation": ["leaky_relu", "elu", "softplus", "silu", "gelu", "sine"], "leaky_slope": 0.2,
         "optimizer": "adamw", "weight_decay": 0.1, "amsgrad": True, "l1": 0.001, "batch_size": 1000}, 6, None),
    "per-layer activations, adagrad, sigmoid with mse, exponential": (
        {"dataset": "xor", "n": 40, "hidden": [5, 4, 3, 3], "activation": ["linear", "sigmoid", "tanh", "relu"],
         "output": "sigmoid", "loss": "mse", "optimizer": "adagrad", "lr": 0.1, "lr_decay": 0.01,
         "weight_decay": 0.001, "batch_size": 8, "schedule": "exponential", "gamma": 0.9}, 5, None),
    "softmax with mse, nadam decoupled, features, linear schedule": (
        {"dataset": "clusters", "classes": 3, "n": 60, "hidden": [8], "output": "softmax", "loss": "mse",
         "optimizer": "nadam", "decoupled_weight_decay": True, "weight_decay": 0.01, "momentum_decay": 0.01,
         "features": ["x1", "x2", "x1^2", "x1*x2", "sin(x2)"], "batch_size": 20, "schedule": "linear"}, 4, None),
    "before the first epoch": ({"dataset": "moons", "n": 40}, 0, None),
    "amsgrad turned on mid-run": ({"dataset": "moons", "n": 40, "batch_size": 8}, 5, {"amsgrad": True}),
    "centered and momentum turned on mid-run": (
        {"dataset": "moons", "n": 40, "optimizer": "rmsprop", "batch_size": 8}, 4, {"centered": True, "momentum": 0.9}),
    "digits": ({"dataset": "digits", "n": 100, "hidden": [16], "batch_size": 32, "augment": False}, 2, None),
    "dropout": ({"dataset": "moons", "n": 40, "dropout": 0.2}, 3, None),
}


def make_session(config, epochs, change=None):
    """A session as the page would have it: trained `epochs` epochs (past convergence), then changed."""
    s = Session(config)
    s.step(epochs, until_stop=False)
    if change:
        s.update(change)
    return s


# -- running the PyTorch files ----------------------------------------------------------------------
# Each file runs as __main__ (argv: --epochs N) in one Python process with torch, so torch is
# imported once for all of them; its exit code and what it printed are reported as JSON.
DRIVER = textwrap.dedent('''
    import contextlib, io, json, runpy, sys
    epochs, paths, results = sys.argv[1], sys.argv[2:], []
    for path in paths:
        out, err, code = io.StringIO(), io.StringIO(), 0
        sys.argv = [path, "--epochs", epochs]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                runpy.run_path(path, run_name="__main__")
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 1
            except Exception as e:
                code = 1
                print(type(e).__name__, e, file=err)
        results.append({"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
    print(json.dumps(results))
''')


def needs_torch():
    pytest.importorskip("torch", reason="running the exported PyTorch files needs torch (pip install -e '.[parity]')")


def run_torch_files(texts, tmp_path, epochs=FOLLOW_EPOCHS):
    """Write each text to a .py file and run them all: [{code, stdout, stderr}]."""
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"exported_{i}.py"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    done = subprocess.run([sys.executable, "-c", DRIVER, str(epochs), *paths], capture_output=True, text=True,
                          cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def largest_difference(stdout):
    return float(re.search(r"largest difference from the page's outputs: (\S+)", stdout).group(1))


def printed_losses(stdout):
    """[(epoch, train loss, test loss)] as the file printed them."""
    return [(int(e), float(a), float(b))
            for e, a, b in re.findall(r"epoch +(\d+) +train loss (\S+) +test loss (\S+)", stdout)]


def broken_files():
    """Files that must stop with an error: the page's outputs a little off, and an activation
    this export does not know (as if tanh were new to the engine)."""
    s = make_session({"dataset": "moons", "n": 40}, 2)
    forward = s.net.forward
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(s.net, "forward", lambda X: forward(X) + 1e-6)
        off = to_pytorch(s)
    with pytest.MonkeyPatch.context() as patch:
        patch.delitem(pytorch.TORCH_ACTIVATIONS, "tanh")
        unmapped = to_pytorch(make_session({"dataset": "moons", "n": 40}, 1))
    return {"outputs off": off, "tanh unmapped": unmapped}


@pytest.fixture(scope="module")
def torch_runs(tmp_path_factory):
    """Every case exported, its file run by torch (with the broken files, in the same process),
    and the engine's own next epochs."""
    needs_torch()
    sessions = {name: make_session(*case) for name, case in CASES.items()}
    texts = {**{name: to_pytorch(s) for name, s in sessions.items()}, **broken_files()}
    results = run_torch_files(list(texts.values()), tmp_path_factory.mktemp("torch"))
    engine_next = {}
    for name, s in sessions.items():  # the page training on, after the export
        start = s.epoch
        s.step(FOLLOW_EPOCHS, until_stop=False)
        assert s.stop is None or s.stop.kind != "diverged", f"{name}: pick a case that trains healthily"
        engine_next[name] = [(e, m["train_loss"], m["test_loss"]) for e, m in s.history.all() if e > start]
    return {name: (result, engine_next.get(name)) for name, result in zip(texts, results)}


@pytest.mark.parametrize("name", CASES)
def test_the_pytorch_file_runs_and_has_the_pages_outputs(torch_runs, name):
    result, _ = torch_runs[name]
    assert result["code"] == 0, result["stderr"] + result["stdout"]
    assert largest_difference(result["stdout"]) <= pytorch.TOLERANCE


@pytest.mark.parametrize("name", [n for n, (c, _, _) in CASES.items() if not c.get("dropout")])
def test_training_on_in_torch_gives_the_engines_next_epochs(torch_runs, name):
    result, engine = torch_runs[name]
    theirs = printed_losses(result["stdout"])
    assert [e for e, _, _ in theirs] == [e for e, _, _ in engine] and len(engine) == FOLLOW_EPOCHS
    for (e, a, b), (_, a_ref, b_ref) in zip(theirs, engine):
        if abs(a - a_ref) > TRAIN_SLACK + PRINTED or abs(b - b_ref) > TRAIN_SLACK + PRINTED:
            print(f"epoch {e}: torch vs engine: train {a} vs {a_ref}, test {b} vs {b_ref}")
        assert a == pytest.approx(a_ref, abs=TRAIN_SLACK + PRINTED), f"epoch {e} train loss: torch vs engine"
        assert b == pytest.approx(b_ref, abs=TRAIN_SLACK + PRINTED), f"epoch {e} test loss: torch vs engine"


def test_the_dropout_file_trains_in_torch_all_the_same(torch_runs):
    result, _ = torch_runs["dropout"]
    assert len(printed_losses(result["stdout"])) == FOLLOW_EPOCHS


def test_the_file_runs_from_the_command_line(tmp_path):
    needs_torch()
    path = tmp_path / "moons.py"
    path.write_text(to_pytorch(make_session({"dataset": "moons", "n": 40}, 3)), encoding="utf-8")
    done = subprocess.run([sys.executable, str(path), "--epochs", "2"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert largest_difference(done.stdout) <= pytorch.TOLERANCE
    assert [e for e, _, _ in printed_losses(done.stdout)] == [4, 5]


def test_a_file_whose_outputs_are_not_the_pages_stops_with_an_error(torch_runs):
    result, _ = torch_runs["outputs off"]
    assert result["code"] == 1
    assert 9e-7 < largest_difference(result["stdout"]) < 1.1e-6
    assert "differ from the page's" in result["stderr"] and not printed_losses(result["stdout"])


def test_an_activation_without_a_torch_module_stops_with_why(torch_runs):
    result, _ = torch_runs["tanh unmapped"]
    assert result["code"] == 1
    assert "NotImplementedError" in result["stderr"] and "'tanh'" in result["stderr"]
    assert "tanh z" in result["stderr"]  # its formula, to write the module from


def test_every_engine_record_has_its_torch_counterpart():
    assert set(activations.ACTIVATIONS) == set(pytorch.TORCH_ACTIVATIONS)
    assert {cls.name for cls in optim.OPTIMIZERS.values()} == pytorch.TORCH_OPTIMIZERS
    assert set(schedules.NAMES) - {"constant"} == set(pytorch.TORCH_SCHEDULES)
    assert set(losses.HEADS) == set(pytorch.TORCH_HEADS)
    assert all(losses.LOSS[name].torch.startswith("torch.nn.") for name in losses.LOSSES)


def test_the_file_tells_the_learner_what_made_it():
    s = make_session({"dataset": "spiral", "hidden": [8, 4], "lr": 0.03, "optimizer": "sgd"}, 2)
    s.by_hand = ['set W[0][1, 2] to 0.5 by hand', 'a "quoted" note with a \\ backslash """']
    text = to_pytorch(s)
    header = text.split('"""')[1]
    settings_shown = dict(re.findall(r"^    (\w+) += (.*)$", header, flags=re.M))
    assert settings_shown == {"dataset": "spiral", "hidden": "8, 4", "lr": "0.03", "optimizer": "sgd"}
    assert "epoch 2" in header and "set W[0][1, 2] to 0.5 by hand" in header
    compile(text, "exported.py", "exec")  # a note with quotes or backslashes cannot break the file


# -- the property: any small network, exported, has the engine's outputs in torch -----------------
@pytest.fixture
def torch_in_float32_again():
    """The exported file sets torch's default dtype to float64; other tests keep torch's own."""
    needs_torch()
    import torch
    before = torch.get_default_dtype()
    yield torch
    torch.set_default_dtype(before)


def _run_in_process(text):
    namespace = {"__name__": "exported"}
    exec(compile(text, "exported.py", "exec"), namespace)
    model = namespace["build_model"]()
    namespace["load_weights"](model)
    return namespace["check_outputs"](model)


CLASS_SETS = ("xor", "circle", "moons", "spiral", "clusters", "quadrants", "checkerboard")


@st.composite
def small_configs(draw):
    dataset = draw(st.sampled_from(CLASS_SETS + datasets.REGRESSION))
    hidden = draw(st.lists(st.integers(1, 8), min_size=0, max_size=4))
    names = st.sampled_from(activations.NAMES)
    activation = draw(names | st.lists(names, min_size=len(hidden), max_size=len(hidden)))
    config = {"dataset": dataset, "n": draw(st.integers(20, 60)), "hidden": hidden, "activation": activation,
              "leaky_slope": draw(st.sampled_from([0.0, 0.01, 0.3])), "optimizer": draw(st.sampled_from(optim.NAMES)),
              "seed": draw(st.integers(0, 2**32 - 1)), "batch_size": draw(st.sampled_from([4, 16, 5000]))}
    if dataset not in datasets.REGRESSION:
        config["output"], config["loss"] = draw(st.sampled_from(
            [(None, None), ("softmax", "mse"), ("sigmoid", "mse"), ("sigmoid", None)]))
        config["features"] = draw(st.none() | st.lists(st.sampled_from(features.NAMES), min_size=1, max_size=4,
                                                       unique=True))
    return config, draw(st.integers(0, 4))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=small_configs())
def test_any_small_network_exported_has_the_engines_outputs_in_torch(torch_in_float32_again, case):
    config, epochs = case
    try:
        s = Session(config)
    except ValueError:  # e.g. a sigmoid output for three classes: the config refuses it
        assume(False)
    s.step(epochs, until_stop=False)
    assert _run_in_process(to_pytorch(s)) <= pytorch.TOLERANCE


# -- the notebook --------------------------------------------------------------------------------------
def notebook_code(text):
    """The notebook's code cells, one after another, as plain Python."""
    cells = json.loads(text)["cells"]
    return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


# appended to the notebook's code: the replayed history, in full, for the test to compare
DUMP_HISTORY = '\nimport json\nprint("HISTORY " + json.dumps(session.history_table()))\n'


def run_notebook(text, tmp_path, dump=True):
    """Run the notebook's code in a fresh Python (-I: no paths from the environment or the
    current folder, so `nn` can only come from the files the notebook writes) in an empty folder."""
    script = tmp_path / "notebook.py"
    script.write_text(notebook_code(text) + (DUMP_HISTORY if dump else ""), encoding="utf-8")
    return subprocess.run([sys.executable, "-I", str(script)], capture_output=True, text=True, cwd=tmp_path,
                          timeout=600, env={**os.environ, "MPLBACKEND": "Agg"})


def printed_rows(stdout):
    """The comparison table's rows: (epoch, page train, train here, page test, test here)."""
    return [(int(e), *map(float, rest)) for e, *rest in
            re.findall(r"^ *(\d+) +(\S+) +(\S+) +(\S+) +(\S+)$", stdout, flags=re.M)]


def assert_same_history(stdout, session):
    ours = session.history_table()
    theirs = json.loads(re.search(r"^HISTORY (.*)$", stdout, flags=re.M).group(1))
    assert theirs["epoch"] == ours["epoch"]
    for key in ("train_loss", "test_loss"):
        np.testing.assert_allclose(theirs[key], ours[key], rtol=0, atol=notebook.TOLERANCE,
                                   err_msg=f"{key}: notebook vs session")


def page_session(config, *runs, stops=None):
    """A session trained as a learner on the page would: each run is a number of epochs played
    (stopping by itself at convergence or divergence), then play pressed again. `stops` (a list)
    receives the kind of each stop."""
    s = Session(config)
    for epochs in runs:
        s.clear_stop()
        s.step(epochs)
        if stops is not None and s.stop is not None:
            stops.append(s.stop.kind)
    return s


NOTEBOOK_CASES = {
    "moons, mini-batches": ({"dataset": "moons", "n": 60, "batch_size": 8}, (30,)),
    "converged, then played on": ({"dataset": "xor", "n": 40, "hidden": [4], "lr": 0.05}, (400, 40)),
    "digits": ({"dataset": "digits", "n": 60, "hidden": [8]}, (3,)),
}


@pytest.mark.parametrize("name", NOTEBOOK_CASES)
def test_the_notebook_reproduces_the_run_with_its_own_engine(tmp_path, name):
    config, runs = NOTEBOOK_CASES[name]
    stops = []
    s = page_session(config, *runs, stops=stops)
    if name.startswith("converged"):
        assert "converged" in stops and s.epoch < sum(runs), "the case should converge, then play on"
    done = run_notebook(to_notebook(s), tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{tmp_path / notebook.FOLDER / 'nn'}" in done.stdout  # its own engine, not this repository's
    rows = printed_rows(done.stdout)
    history = {e: m for e, m in s.history.all()}
    assert rows and rows[-1][0] == s.epoch
    for e, page_train, train, page_test, test in rows:  # what it printed: the session's losses
        for value in (page_train, train):
            assert value == pytest.approx(history[e]["train_loss"], abs=notebook.TOLERANCE + PRINTED)
        for value in (page_test, test):
            assert value == pytest.approx(history[e]["test_loss"], abs=notebook.TOLERANCE + PRINTED)
    assert "the same losses as on the page" in done.stdout
    assert_same_history(done.stdout, s)


def test_a_run_that_diverged_on_the_page_is_replayed_through_its_divergence(tmp_path):
    # On the page: training diverges (and goes back to its healthiest epoch b), play is pressed
    # again, and it stops at an epoch between b and where it diverged: the replay passes that epoch
    # once before the divergence, with other weights, and must go on to the page's pass.
    stops = []
    s = page_session({"dataset": "moons", "n": 60, "optimizer": "rmsprop", "lr": 1.0}, 100, 5, stops=stops)
    assert stops[0] == "diverged" and len(stops) == 1, "the case should diverge once on the page"
    first_pass = Session(s.config)
    first_pass.step(s.epoch, until_stop=False)
    assert first_pass.epoch == s.epoch and first_pass.metrics()["train_loss"] != s.metrics()["train_loss"]
    done = run_notebook(to_notebook(s), tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Training diverged" in done.stdout
    assert_same_history(done.stdout, s)


def test_a_session_that_keeps_converging_matches_too(tmp_path):
    s = page_session({"dataset": "and", "n": 20, "hidden": [2], "lr": 0.1}, 300)
    done = run_notebook(to_notebook(s), tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert_same_history(done.stdout, s)


def test_a_run_changed_by_hand_says_so_and_opens_its_saved_form(tmp_path):
    """An edited weight is not in the config: the notebook says what was done by hand and opens the
    saved run (nn.training.saved), whose next epochs are the session's own next epochs."""
    s = page_session({"dataset": "moons", "n": 40}, 5)
    s.set_weight(0, 0, 0, 2.0)
    s.step(5)
    assert s.by_hand == ["weight W1[0, 0] set by hand to 2 at epoch 5"]
    text = to_notebook(s)
    words = "".join("".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown")
    assert "changed by hand" in words and "weight W1[0, 0] set by hand to 2 at epoch 5" in words
    done = run_notebook(text, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "opened the page's network at epoch 10" in done.stdout and "the same losses as on the page" in done.stdout
    assert_same_history(done.stdout, s)
    replay = Session(s.config)  # the truth that it had to open, not replay: the config alone parts from the run
    replay.step(10, until_stop=False)
    assert replay.history_table()["train_loss"] != s.history_table()["train_loss"]


def test_the_notebook_is_valid_nbformat_4():
    nbformat = pytest.importorskip("nbformat", reason="validating the notebook needs nbformat (the test extra)")
    for edited in (False, True):
        s = page_session({"dataset": "circle", "n": 40}, 3)
        if edited:
            s.set_weight(0, 0, 0, 0.5)
        nb = nbformat.reads(to_notebook(s), as_version=4)
        nbformat.validate(nb)
        assert nb.nbformat == 4 and [c.cell_type for c in nb.cells][:2] == ["markdown", "markdown"]


def test_the_notebook_carries_every_source_file_of_the_engine():
    sources = notebook.engine_files()
    package = notebook.PACKAGE
    on_disk = {p.relative_to(package.parent).as_posix() for p in package.rglob("*.py") if "__pycache__" not in p.parts}
    assert set(sources) == on_disk and "nn/training/session.py" in sources
    assert all(sources[name] == (package.parent / name).read_text(encoding="utf-8") for name in sources)


def test_exports_import_neither_torch_nor_js():
    done = subprocess.run([sys.executable, "-c", "import sys, nn.export; print(sorted({'torch', 'js'} & set(sys.modules)))"],
                          capture_output=True, text=True, cwd=notebook.PACKAGE.parent)
    assert done.stdout.strip() == "[]", done.stderr
