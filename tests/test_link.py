"""The setup as a link: written from the config table, read back to the same config; a bad link
never fails as a whole, and each key it cannot use is named with what is allowed."""
import sys
from pathlib import Path
from urllib.parse import unquote

from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "site"))

from nn import activations, config, datasets, features, optim  # noqa: E402
from playground.logic import link  # noqa: E402

setting = {
    "dataset": st.sampled_from(datasets.NAMES),
    "lr": st.floats(0, 100, allow_nan=False),
    "hidden": st.lists(st.integers(1, 8), max_size=6),
    "activation": st.sampled_from(activations.NAMES) | st.lists(st.sampled_from(activations.NAMES), max_size=6),
    "features": st.none() | st.lists(st.sampled_from(features.NAMES), max_size=4, unique=True),
    "optimizer": st.sampled_from(optim.NAMES),
    "momentum": st.floats(0, 0.999),
    "nesterov": st.booleans(),
    "seed": st.integers(0, 2**32 - 1),
    "noise": st.none() | st.floats(0, 1),
    "n": st.none() | st.integers(4, 5000),
    "batch_size": st.integers(1, 5000),
    "weight_decay": st.none() | st.floats(0, 1),
    "output": st.none() | st.sampled_from(["sigmoid", "softmax", "linear"]),
}
some = st.dictionaries(st.sampled_from(sorted(setting)), st.none(), max_size=6).flatmap(
    lambda d: st.fixed_dictionaries({k: setting[k] for k in d}))


@settings(max_examples=300, deadline=None)
@given(some)
def test_a_link_reads_back_as_the_same_setup(changes):
    full = config.resolve(changes)
    text = link.to_hash(full)
    again, problems = link.from_hash("#" + text)
    assert problems == []
    acts = full["activation"]
    if isinstance(acts, list) and len(set(acts)) == 1:  # one name for the same activation everywhere
        full = {**full, "activation": acts[0]}
    assert config.resolve(again) == full
    assert len(again) == len(text.split("&")) if text else again == {}


def test_only_what_differs_from_the_defaults_is_written():
    assert link.to_hash(config.resolve({})) == ""
    text = link.to_hash(config.resolve({"dataset": "moons", "hidden": [8, 8], "lr": 0.03, "optimizer": "sgd"}))
    assert text == "dataset=moons&optimizer=sgd&lr=0.03"  # moons' preset network is [8, 8] already
    assert link.to_hash(config.resolve({"dataset": "spiral", "hidden": [8, 3]})) == "hidden=8,3"
    changes, problems = link.from_hash("#dataset=moons&hidden=8,8&lr=0.03&optimizer=sgd")
    assert changes == {"dataset": "moons", "hidden": [8, 8], "lr": 0.03, "optimizer": "sgd"} and problems == []


def test_each_bad_key_is_named_and_the_rest_applies():
    changes, problems = link.from_hash("#lr=abc&hidden=8,999&bogus=1&dataset=xor&seed=1.5&nesterov=maybe")
    assert changes == {"dataset": "xor"}
    text = " | ".join(problems)
    assert "lr = 'abc' is not allowed; allowed: a number from 0 to 100" in text
    assert "hidden = [8, 999] is not allowed" in text
    assert "'bogus' is not a setting" in text
    assert "seed = '1.5' is not allowed; allowed: a whole number from 0 to 4294967295" in text
    assert "nesterov = 'maybe' is not allowed; allowed: true or false" in text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_read_without_failing(text):
    changes, problems = link.from_hash(text)
    assert set(changes) <= set(config.BY_NAME)
    config.resolve({k: v for k, v in changes.items() if k != "dataset"})  # each value alone is valid
    for p in problems:
        assert p.startswith("the link's ") and len(p) < 1000


def test_a_value_is_never_echoed_whole():
    _, problems = link.from_hash("#lr=" + "9" * 5000)
    assert len(problems) == 1 and len(problems[0]) < 300
    _, problems = link.from_hash("#hidden=" + ",".join(["8"] * 100000))
    assert len(problems) == 1 and len(problems[0]) < 300 and "..." in problems[0]


def test_names_and_numbers_stay_readable_in_the_link():
    text = link.to_hash(config.resolve({"activation": ["relu", "tanh"], "hidden": [4, 4], "lr": 0.003}))
    assert text == unquote(text) and "activation=relu,tanh" in text and "lr=0.003" in text


# -- class links: hide= and note= -------------------------------------------------------------------
from playground.panels import PANELS  # noqa: E402  (a plain table: importing it needs no browser)

HIDEABLE = link.hideable(PANELS)
hide_sets = st.sets(st.sampled_from(HIDEABLE)).map(lambda names: tuple(n for n in HIDEABLE if n in names))


@settings(max_examples=300, deadline=None)
@given(some, hide_sets, st.text(max_size=400))
def test_a_class_link_reads_back_as_the_same_hide_set_and_note(changes, hide, note):
    full = config.resolve(changes)
    text = "#" + link.to_hash(full, hide, note)
    again, problems = link.from_hash(text)
    assert problems == []
    assert config.resolve(again) == config.resolve(link.from_hash("#" + link.to_hash(full))[0])  # the setup is untouched
    got_hide, got_note, class_problems = link.classroom(text, PANELS)
    assert got_hide == hide
    expected = note.strip()
    if len(expected) <= link.NOTE_MAX:
        assert got_note == expected and class_problems == []
    else:  # cut, and said so once
        assert got_note == expected[:link.NOTE_MAX].rstrip() and len(class_problems) == 1
        assert f"{len(expected)} characters long" in class_problems[0]


def test_a_class_link_by_hand():
    text = "#dataset=xor&hide=step,lr,optimizer&note=Try%20a%20learning%20rate%20of%203.%0AWhat%20happens%3F"
    hide, note, problems = link.classroom(text, PANELS)
    assert hide == ("optimizer", "lr", "step") and problems == []  # the page's order, not the link's
    assert note == "Try a learning rate of 3.\nWhat happens?"
    assert link.from_hash(text) == ({"dataset": "xor"}, [])  # the classroom keys are not settings
    assert link.classroom("#note=1+1%3D2%2B0", PANELS)[1] == "1 1=2+0"  # "+" is a space in a link, %2B a plus
    assert link.to_hash(config.resolve({}), (), "1+1") == "note=1%2B1"
    assert link.to_hash(config.resolve({"lr": 0.1}), ("lr", "features"), "") == "lr=0.1&hide=lr,features"
    assert link.classroom("#hide=&hide=lr,,lr&note=", PANELS) == (("lr",), "", [])  # empty items, twice: once


def test_markup_in_a_note_is_kept_as_the_text_it_is():
    note = '<img src=x onerror="alert(1)"><b>bold</b> &amp; <script>x</script>'
    hide, got, problems = link.classroom("#" + link.to_hash(config.resolve({}), (), note), PANELS)
    assert got == note and problems == []  # escaping is the page's job: it shows text as text


def test_bad_hide_names_are_named_once_and_the_good_ones_apply():
    hide, note, problems = link.classroom("#hide=lr,optimiser,LR,<b>&note=hi", PANELS)
    assert hide == ("lr",) and note == "hi" and len(problems) == 1
    p = problems[0]
    assert p.startswith("the link's hide= names '<b>', 'LR', 'optimiser', which the page does not have to hide")
    assert "it can hide: dataset, noise" in p and "step, audit" in p
    _, _, problems = link.classroom("#hide=" + ",".join(f"x{i}" for i in range(1000)), PANELS)
    assert len(problems) == 1 and "and 992 more" in problems[0] and len(problems[0]) < 1000


def test_a_long_note_is_cut_with_one_message():
    _, note, problems = link.classroom("#note=" + "a" * 301, PANELS)
    assert note == "a" * 300
    assert problems == ["the link's note is 301 characters long; a note holds at most 300, so only its first 300 "
                        "are shown"]
    assert link.classroom("#note=" + "a" * 300, PANELS) == ((), "a" * 300, [])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120) | st.lists(st.sampled_from(["hide=", "note=", "&", ",", "%", "lr", "step", "+",
                                                        "%ZZ", "%E2%82", "#"]), max_size=20).map("".join))
def test_any_text_is_read_as_a_class_link_without_failing(text):
    hide, note, problems = link.classroom(text, PANELS)
    assert set(hide) <= set(HIDEABLE) and len(note) <= link.NOTE_MAX and len(problems) <= 2
    for p in problems:
        assert p.startswith("the link's ") and len(p) < 1000


def test_what_a_class_link_can_hide_comes_from_the_records():
    assert len(set(HIDEABLE)) == len(HIDEABLE)  # no control has a panel's name
    settings_shown = {s.key for o in optim.OPTIMIZERS.values() for s in o.SETTINGS if s.shown}
    assert settings_shown and settings_shown <= set(HIDEABLE)
    no_key = {c.name for c in link.CONTROLS} - set(config.BY_NAME)
    assert no_key == {"penalty", "speed", "carry"}  # the controls that set no key of that name (l1/l2; none)


# -- your own points in the link -------------------------------------------------------------------

from nn.data import custom  # noqa: E402
import numpy as np  # noqa: E402

drawn_sets = st.tuples(st.integers(2, 200), st.integers(2, 10), st.sampled_from(["classes", "curve", "values"]),
                       st.integers(0, 10**6))


@settings(max_examples=150, deadline=None)
@given(drawn_sets)
def test_own_points_read_back_from_the_link_to_a_hundredth_with_their_split(case):
    n, k, kind, seed = case
    rng = np.random.default_rng(seed)
    d = 1 if kind == "curve" else 2
    X = rng.uniform(-3, 3, (n, d))
    y = rng.integers(0, k, n) if kind == "classes" else rng.uniform(-1, 1, n)
    test = np.arange(n) % 4 == 1
    data = custom.drawn(X, y, test, "classification" if kind == "classes" else "regression", k)
    part = link.points_part(data)
    assert part.startswith("points=")
    changes, problems = link.from_hash("#dataset=custom&" + part)
    assert changes == {"dataset": "custom"} and problems == []  # the config reader leaves the points alone
    again, problem = link.points_from_hash("#dataset=custom&" + part)
    assert problem is None
    X2, y2, t2 = custom.points(again)
    X1, y1, t1 = custom.points(data)
    assert np.array_equal(t1, t2) and again.kind == data.kind and again.n_classes == data.n_classes
    assert np.abs(X2 - X1).max() <= 0.005 + 1e-12
    if kind == "classes":
        assert np.array_equal(y1, y2)
    else:
        assert np.abs(y2 - y1).max() <= 0.005 + 1e-12


def test_what_the_link_does_not_carry():
    from nn.data import table
    many = custom.drawn(np.zeros((201, 2)), np.zeros(201, int), np.arange(201) % 2 == 0)
    assert link.points_part(many) == ""  # over 200 points: the saved file carries them
    t = table.read_table("a,b,k\n1,2,x\n2,1,y\n3,3,x\n")
    assert link.points_part(table.choose(t, [0, 1], 2)) == ""  # a table: its names and scale need the file


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80) | st.lists(st.sampled_from(["c2:", "c3:", "r:", "1", "-0.5", ",", "_", "t", "9", "nan", "1e999"]),
                                        max_size=30).map("".join))
def test_any_points_text_is_read_or_named_as_not_allowed(text):
    data, problem = link.points_from_text(text)
    assert (data is None) != (problem is None)
    if problem:
        assert "points" in problem and "allowed" in problem
    else:
        custom.check(data)
