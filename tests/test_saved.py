"""A saved session opens to the very same run, and a bad file says what is wrong and builds nothing.

Independent truths: the session that never stopped (training on from an opened file must give
its numbers, bit for bit, epoch by epoch), Session(config) trained from scratch (a run nobody
changed by hand replays from its config alone), and a hand-made list of damaged files.
"""
import copy
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nn import Session
from nn.training import saved

RUNS = [
    {"dataset": "moons"},
    {"dataset": "spiral", "optimizer": "sgd", "momentum": 0.9, "nesterov": True, "schedule": "cosine", "T_max": 20},
    {"dataset": "circle", "optimizer": "rmsprop", "dropout": 0.3, "l2": 0.001, "batch_size": 8},
    {"dataset": "sine", "optimizer": "adagrad", "schedule": "step", "step_size": 7},
    {"dataset": "clusters", "classes": 4, "optimizer": "nadam", "activation": ["relu"], "hidden": [6]},
    {"dataset": "xor", "optimizer": "adamw", "loss": "mse", "output": "softmax"},
]


def _same_run(a, b):
    assert a.history_table() == b.history_table()
    assert a.metrics() == b.metrics()
    assert np.array_equal(a.net.flat, b.net.flat)
    assert json.dumps(a.optimizer.to_dict()) == json.dumps(b.optimizer.to_dict())
    assert (a.epoch, a.steps, a.stop) == (b.epoch, b.steps, b.stop)


@pytest.mark.parametrize("config", RUNS, ids=[c["dataset"] for c in RUNS])
def test_training_on_from_an_opened_file_is_never_stopping(config):
    kept = Session(config)
    kept.step(25, until_stop=False)
    opened = saved.loads(saved.dumps(kept))
    _same_run(kept, opened)
    for _ in range(3):  # epoch by epoch, not only at the end
        kept.step(10, until_stop=False)
        opened.step(10, until_stop=False)
        _same_run(kept, opened)
    assert [e for e, _ in kept.snapshots.all()] == [e for e, _ in opened.snapshots.all()]


def test_a_divergence_after_opening_goes_back_to_the_same_epoch():
    """The restore point (the best epoch's weights) travels in the file: a run that diverges after
    being opened lands where the run that never stopped lands."""
    config = {"dataset": "spiral", "optimizer": "sgd", "lr": 3.0, "momentum": 0.9}
    kept = Session(config)
    kept.step(3)
    opened = saved.loads(saved.dumps(kept))
    kept.step(200)
    opened.step(200)
    assert kept.stop is not None and kept.stop.kind == "diverged"
    _same_run(kept, opened)


def test_a_changed_by_hand_run_says_so_and_a_plain_one_replays_from_its_config():
    plain = Session({"dataset": "moons", "converge_patience": 5})
    plain.step(12, until_stop=False)
    plain.update({"converge_patience": 80, "snapshot_every": 3})  # bookkeeping: the numbers are unchanged
    plain.step(8, until_stop=False)
    assert plain.by_hand == []
    replay = Session(plain.config)
    replay.step(20, until_stop=False)
    assert replay.history_table()["train_loss"] == plain.history_table()["train_loss"]

    changed = Session({"dataset": "moons"})
    changed.step(12, until_stop=False)
    changed.update({"lr": 0.05})
    changed.step(8, until_stop=False)
    changed.set_weight(0, 0, 0, 0.5)
    assert changed.by_hand == ["lr changed at epoch 12", "weight W1[0, 0] set by hand to 0.5 at epoch 20"]
    replay = Session(changed.config)
    replay.step(20, until_stop=False)
    assert replay.history_table()["train_loss"] != changed.history_table()["train_loss"]  # why it must say so
    assert saved.loads(saved.dumps(changed)).by_hand == changed.by_hand


def test_added_samples_travel_with_the_data():
    s = Session({"dataset": "moons"})
    s.step(5)
    s.add_training_sample([0.25, -0.5], 1)
    opened = saved.loads(saved.dumps(s))
    assert np.array_equal(opened.X_train_raw, s.X_train_raw) and np.array_equal(opened.y_train, s.y_train)
    s.step(5, until_stop=False)
    opened.step(5, until_stop=False)
    _same_run(s, opened)


def test_digits_open_the_same():
    s = Session({"dataset": "digits", "n": 200})
    s.step(3)
    opened = saved.loads(saved.dumps(s))
    s.step(2)
    opened.step(2)
    _same_run(s, opened)


def test_snapshots_of_a_large_run_are_thinned_to_fit():
    s = Session({"dataset": "digits", "n": 100, "hidden": [64, 64, 64], "snapshot_every": 1, "max_snapshots": 400})
    s.step(150, until_stop=False)
    d = saved.to_dict(s)
    per = s.net.flat.size * 8
    assert len(d["snapshots"]["entries"]) * per <= saved.SNAPSHOT_BYTES < len(s.snapshots.entries) * per
    epochs = [e for e, _ in d["snapshots"]["entries"]]
    assert all(e % d["snapshots"]["stride"] == 0 for e in epochs)
    opened = saved.loads(json.dumps(d))
    at, net = opened.network_at(epochs[3])
    assert at == epochs[3] and np.array_equal(net.flat, dict(s.snapshots.entries)[at])


# -- bad files ----------------------------------------------------------------------------------------

def _good():
    s = Session({"dataset": "xor"})
    s.step(5)
    return saved.to_dict(s)


def _with(path, value):
    d = copy.deepcopy(_good())
    *outer, last = path
    target = d
    for k in outer:
        target = target[k]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return json.dumps(d)


BAD = {
    "not JSON": ("{\"format\": \"watch", "not JSON (line 1"),
    "a list": ("[1, 2]", "JSON list; a saved network is a JSON object"),
    "another format": (json.dumps({"format": "nn.MLP/1", "sizes": [2, 1]}), "format is 'nn.MLP/1'"),
    "no format": (json.dumps({"weights": []}), "has no format name"),
    "newer version": (lambda: _with(["version"], 2), "newer version of the page (format version 2)"),
    "version as text": (lambda: _with(["version"], "1"), "version is damaged"),
    "wrong shapes": (lambda: _with(["network", "params", 0], [[1.0, 2.0, 3.0]]), "W1 has shape (1, 3)"),
    "NaN weights": (lambda: _with(["network", "params", 1], [float("nan")] * 4), "b1 contains NaN"),
    "a key the config refuses": (lambda: _with(["config", "lr"], -1), "config: lr = -1 is not allowed"),
    "an unknown key": (lambda: _with(["config", "wings"], 2), "unknown setting(s) 'wings'"),
    "a missing part": (lambda: _with(["optimizer"], KeyError), "lacks optimizer"),
    "a label outside the classes": (lambda: _with(["data", "y_train", 0], 7), "labels must be classes 0 to 1"),
    "ragged data": (lambda: _with(["data", "X_train", 0], [1.0]), "data.X_train is damaged"),
    "another optimizer's state": (lambda: _with(["config", "optimizer"], "sgd"), "the config says sgd"),
    "text for a number": (lambda: _with(["epoch"], "5"), "epoch is damaged; allowed: a whole number"),
    "a broken stop": (lambda: _with(["stop"], {"kind": "exploded"}), "stop is damaged"),
    "not text": (b"\xff\xfe\x00binary", "not text (not UTF-8)"),
    "too large": (b" " * (saved.MAX_BYTES + 1), "allowed: at most 20 MB"),
}


@pytest.mark.parametrize("kind", BAD)
def test_each_kind_of_bad_file_says_what_is_wrong(kind):
    text, words = BAD[kind]
    text = text() if callable(text) else text
    with pytest.raises(ValueError) as e:
        saved.loads(text)
    assert words in str(e.value)


def _paths(d, prefix=()):
    """Every path into a JSON value (dict keys and list indices), the short lists whole."""
    yield prefix
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(d, list) and len(d) <= 8:
        for i, v in enumerate(d):
            yield from _paths(v, prefix + (i,))


GOOD = _good()
PATHS = [p for p in _paths(GOOD) if p]
json_values = st.recursive(st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=3))
def test_any_damage_is_refused_in_words_or_opens_a_session_that_trains(damage):
    d = copy.deepcopy(GOOD)
    for path, value in damage:
        target = d
        try:
            for k in path[:-1]:
                target = target[k]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this path
    try:
        text = json.dumps(d)
    except ValueError:
        return
    try:
        s = saved.loads(text)
    except ValueError as e:
        assert str(e).startswith(("the file", "in the file, "))
        return
    s.step(2)  # what opens, trains
    assert np.all(np.isfinite(s.net.flat))


def test_your_own_data_travels_in_the_file():
    """Drawn points are not in the config: the file carries them (and the set kept while another is
    shown), and the run goes on as if never stopped."""
    from nn.data import custom
    s = Session({"dataset": "custom"})
    ds = custom.add(custom.add(s.custom, (0.5, 0.5), 1), (-0.25, 0.75), 0)
    s.set_data(ds)
    s.step(15, until_stop=False)
    opened = saved.loads(saved.dumps(s))
    assert opened.config["dataset"] == "custom" and opened.by_hand == s.by_hand
    assert np.array_equal(custom.points(opened.custom)[0], custom.points(s.custom)[0])
    s.step(10, until_stop=False)
    opened.step(10, until_stop=False)
    _same_run(s, opened)
    s.update({"dataset": "moons"})  # own data kept while the moons are shown
    again = saved.loads(saved.dumps(s))
    assert again.config["dataset"] == "moons" and again.custom is not None
    assert np.array_equal(custom.points(again.custom)[0], custom.points(s.custom)[0])


def test_damaged_own_data_is_named():
    from nn.data import custom
    s = Session({"dataset": "custom"})
    d = saved.to_dict(s)
    d["custom"]["kind"] = "poetry"
    with pytest.raises(ValueError, match="own data is damaged"):
        saved.loads(json.dumps(d))
