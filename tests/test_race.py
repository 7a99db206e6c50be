"""The optimizer race: lanes start equal, each lane is its solo run, the winner is the first to converge,
and bad lane choices are refused with what is allowed. The truth each time: Sessions run alone."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn import Session, config, optim
from nn.training import race
from nn.training.race import Race

BASE = {"dataset": "circle", "n": 200, "seed": 5}
LANES = [{"optimizer": "sgd", "lr": 0.3, "momentum": 0.9}, {"optimizer": "adam", "lr": 0.03},
         {"optimizer": "rmsprop", "lr": 0.01, "centered": True}]


def solo(lane, base=BASE):
    """The lane's run alone: the base config with only the lane's optimizer keys changed (written out
    here, not through race.lane_config: every optimizer setting the lane leaves out is its own default)."""
    own = {k: v for k, v in config.resolve(base).items()
           if k not in {"optimizer", "lr"} and k not in {s.key for c in optim.OPTIMIZERS.values() for s in c.SETTINGS}}
    return Session({**own, **lane})


def test_lanes_start_from_the_same_weights_data_and_shuffling():
    r = Race(BASE, LANES)
    first = r.lanes[0]
    alone = Session(BASE)  # the base config's own run: the same start whatever its optimizer
    for s in r.lanes:
        assert np.array_equal(s.net.flat, alone.net.flat)
        assert np.array_equal(s.X_train, first.X_train) and np.array_equal(s.y_test, first.y_test)
        assert s._shuffle.bit_generator.state == first._shuffle.bit_generator.state
        assert {**s.metrics(), "lr": None} == {**alone.metrics(), "lr": None}  # (each shows its own rate)
    assert [s.optimizer.name for s in r.lanes] == ["SGD", "Adam", "RMSprop"]
    assert r.lanes[0].optimizer.momentum == 0.9 and r.lanes[2].optimizer.centered is True


def test_each_lane_is_its_solo_run_epoch_by_epoch():
    r = Race(BASE, LANES)
    while not r.over and r.lanes[0].epoch < 60:
        r.step(7)  # several epochs per frame, as the page at speed 7
    for lane, s in zip(LANES, r.lanes):
        alone = solo(lane)
        alone.step(s.epoch)
        assert s.history_table() == alone.history_table()  # exact: the same numbers, epoch by epoch
        assert np.array_equal(s.net.flat, alone.net.flat)
        assert (s.stop is None) == (alone.stop is None)


def test_the_winner_is_the_lane_that_converged_first():
    base = {"dataset": "xor", "seed": 1}
    lanes = [{"optimizer": "sgd", "lr": 0.1}, {"optimizer": "adam", "lr": 0.03}, {"optimizer": "nadam", "lr": 0.03}]
    r = Race(base, lanes)
    assert r.winner() is None
    while not r.over:
        r.step(10)
    stops = []
    for lane in lanes:
        alone = solo(lane, base)
        alone.step(race.MAX_EPOCHS)
        stops.append(alone.stop)
    converged = {i: s.epoch for i, s in enumerate(stops) if s is not None and s.kind == "converged"}
    assert converged, "no lane converged: pick faster lanes for this test"
    first = min(converged.values())
    assert r.winner() == ([i for i, e in converged.items() if e == first], first)
    assert [s.stop for s in r.lanes] == stops


def test_no_winner_while_a_lane_behind_could_still_win():
    base = {"dataset": "xor", "seed": 1}
    r = Race(base, [{"optimizer": "adam", "lr": 0.03}, {"optimizer": "nadam", "lr": 0.03}])
    alone = solo({"optimizer": "adam", "lr": 0.03}, base)
    alone.step(race.MAX_EPOCHS)
    assert alone.stop.kind == "converged"
    r.step_lane(0, race.MAX_EPOCHS)  # lane 1 alone, to its stop: lane 2 is still at epoch 0
    assert r.lanes[0].stop == alone.stop and r.lanes[1].epoch == 0
    assert r.winner() is None
    r.step_lane(1, alone.stop.epoch)  # level now: lane 2 has had as many epochs
    assert r.winner() is not None and r.winner()[1] <= alone.stop.epoch


def test_a_lane_stops_at_the_cap(monkeypatch):
    monkeypatch.setattr(race, "MAX_EPOCHS", 12)
    r = Race(BASE, [{"optimizer": "sgd", "lr": 0.00001}, {"optimizer": "sgd", "lr": 0.0001}])
    assert r.step(10) == [10, 10] and r.step(10) == [2, 2] and r.over and r.winner() is None


def test_labels_name_what_differs():
    r = Race(BASE, LANES)
    assert r.labels == ["SGD, lr 0.3, Momentum 0.9", "Adam, lr 0.03", "RMSprop, lr 0.01, Centered"]


@pytest.mark.parametrize("lanes, said", [
    ([{"optimizer": "adam"}], "a race of 1 lane is not allowed; allowed: 2 to 4 lanes"),
    ([], "a race of 0 lanes is not allowed; allowed: 2 to 4 lanes"),
    ([{"optimizer": "sgd", "lr": lr} for lr in (0.1, 0.2, 0.3, 0.4, 0.5)], "a race of 5 lanes is not allowed; allowed: 2 to 4 lanes"),
    ("adam,sgd", "a race of a str is not allowed; allowed: 2 to 4 lanes"),
    ([{"optimizer": "adam"}, {"optimizer": "adam", "lr": 0.01}], "lanes 1 and 2 are the same (Adam, lr 0.01)"),
    # AdamW's own weight decay is 0.01: written out or not, the same rule
    ([{"optimizer": "sgd"}, {"optimizer": "adamw"}, {"optimizer": "adamw", "weight_decay": 0.01}],
     "lanes 2 and 3 are the same"),
    ([{"optimizer": "adam"}, {"optimizer": "adam", "momentum": 0.9}], "lane 2: Adam has no setting 'momentum'"),
    ([{"optimizer": "adam"}, {"optimizer": "lbfgs"}], "lane 2: optimizer = 'lbfgs' is not allowed; allowed: sgd"),
    ([{"optimizer": "adam", "lr": -1}, {"optimizer": "sgd"}], "lane 1: lr = -1 is not allowed; allowed: a number from 0"),
    ([{"optimizer": "sgd", "nesterov": True}, {"optimizer": "adam"}], "lane 1: SGD: nesterov=True requires momentum > 0"),
    ([{"optimizer": "sgd"}, ["adam"]], "lane 2: a lane is a dict of optimizer settings, got list"),
])
def test_bad_lanes_are_refused_saying_what_is_allowed(lanes, said):
    with pytest.raises(ValueError) as e:
        Race(BASE, lanes)
    assert said in str(e.value)


# -- every lane choice: built when it is a race, else refused in words ----------------------------------
NAMES = list(optim.NAMES)
_junk = st.one_of(st.floats(-1, 2), st.sampled_from([1.5, -0.1, math.inf, math.nan]), st.booleans(),
                  st.text(max_size=2), st.none())


def _setting_value(s):
    """Mostly a value the setting allows (so that many draws make a race), sometimes anything."""
    good = st.booleans() if s.kind == "bool" else st.one_of(st.sampled_from([v for v in s.offered if v is not None]
                                                                            or [s.default]), st.floats(s.lo, s.hi))
    return st.one_of(*[good] * 7, _junk)


@st.composite
def lanes_strategy(draw):
    lanes = []
    for _ in range(draw(st.sampled_from([0, 1, 2, 2, 3, 3, 4, 4, 5, 6]))):
        name = draw(st.sampled_from(NAMES * 4 + ["lbfgs"]))
        lr = draw(st.sampled_from([0.001, 0.01, 0.03, 0.1, 1.0] * 3 + [-0.5, 200.0, "0.1", True]))
        lane = {"optimizer": name, "lr": lr}
        own = optim.lookup(name).SETTINGS if name in NAMES else ()
        for s in draw(st.lists(st.sampled_from(own), max_size=2, unique=True)) if own else ():
            lane[s.key] = draw(_setting_value(s))
        if draw(st.integers(0, 9)) == 0:
            lane[draw(st.sampled_from(["momentum", "betas", "beta3"]))] = 0.5  # maybe not this optimizer's
        lanes.append(lane)
    return lanes


def _allowed(lanes):
    """Whether these lanes make a race, worked out from the optimizers' records directly."""
    if not 2 <= len(lanes) <= 4:
        return False
    rules = []
    for lane in lanes:
        if lane["optimizer"] not in NAMES:
            return False
        cls = optim.lookup(lane["optimizer"])
        own = {s.key: s for s in cls.SETTINGS}
        lr = lane["lr"]
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0 <= lr <= 100:
            return False
        values = {k: s.default for k, s in own.items()}
        for key, value in lane.items():
            if key in ("optimizer", "lr"):
                continue
            s = own.get(key)
            if s is None:
                return False
            if value is None and len({c.SETTINGS[[x.key for x in c.SETTINGS].index(key)].default
                                      for c in optim.OPTIMIZERS.values() if key in [x.key for x in c.SETTINGS]}) > 1:
                continue  # None: "the optimizer's own", where optimizers differ on the default
            if s.kind == "bool":
                if not isinstance(value, bool):
                    return False
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or not s.lo <= value <= s.hi:
                return False
            values[key] = value
        if values.get("nesterov") and (values.get("momentum", 0) <= 0 or values.get("dampening", 0) != 0):
            return False
        rules.append((cls.name, lr, tuple(sorted(values.items()))))
    return len(set(rules)) == len(rules)


@settings(max_examples=150, deadline=None)
@given(lanes_strategy())
def test_any_lanes_make_a_race_or_are_refused_in_words(lanes):
    try:
        r = Race({"dataset": "xor", "n": 40}, lanes)
    except ValueError as e:
        text = str(e)
        assert not _allowed(lanes), f"refused lanes that make a race: {text}"
        assert "allowed" in text or "requires" in text, text  # says what is allowed
        assert len(text) < 400
        return
    assert _allowed(lanes), f"took lanes that make no race: {lanes}"
    assert len(r.lanes) == len(lanes)
    assert all(np.array_equal(s.net.flat, r.lanes[0].net.flat) for s in r.lanes)
