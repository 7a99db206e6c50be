"""The race's words (playground/logic/race_words.py) against a race run here: each sentence names the
lanes, epochs and numbers the race itself holds."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "site"))
from playground.logic import race_words  # noqa: E402

from nn.training import race  # noqa: E402
from nn.training.race import Race  # noqa: E402

LANES = [{"optimizer": "sgd", "lr": 0.1}, {"optimizer": "sgd", "lr": 0.1, "momentum": 0.9}, {"optimizer": "adam"}]


def test_the_words_follow_a_race_from_start_to_winner():
    assert race_words.status(None, False, 1) == race_words.READY
    r = Race({"dataset": "xor", "seed": 0}, LANES)
    assert race_words.status(r, True, 3) == ("Racing: the lanes train in turn, 3 epochs each a round. "
                                             "No lane has met the convergence rule yet.")
    while r.winner() is None:
        r.step(5)
    lanes, epoch = r.winner()
    (i,) = lanes
    assert r.lanes[i].stop.kind == "converged" and r.lanes[i].stop.epoch == epoch
    head = f"Lane {i + 1} ({r.labels[i]}) met the convergence rule first, at epoch {epoch}."
    assert race_words.status(r, True, 5) == head + " The others train on until they stop too; Stop race ends it."
    latest = max(s.epoch for s in r.lanes)
    assert race_words.status(r, False, 5) == f"{head} The race was stopped at epoch {latest}."
    assert race_words.lane_stop(r.lanes[i], True) == f"Winner: converged at epoch {epoch}"
    m = r.lanes[0].metrics()
    assert race_words.lane_numbers(r.lanes[0]) == (f"epoch {m['epoch']} · loss {m['train_loss']:.3g} · "
                                                   f"accuracy {100 * m['train_accuracy']:.1f}%")


def test_ties_and_lanes_that_never_converge_are_said_so(monkeypatch):
    assert race_words.winner_text(([0, 2], 40), ["A", "B", "C"]) == \
        "Lanes 1 and 3 (A; C) met the convergence rule together, at epoch 40."
    monkeypatch.setattr(race, "MAX_EPOCHS", 4)
    r = Race({"dataset": "spiral", "n": 100}, [{"optimizer": "sgd", "lr": 1e-5}, {"optimizer": "sgd", "lr": 1e-4}])
    r.step(10)
    assert r.over and r.winner() is None
    assert race_words.status(r, False, 1) == ("Every lane stopped without meeting the convergence rule: "
                                              "see why on each lane.")
    assert race_words.lane_stop(r.lanes[0], False) == "stopped at the race's 4 epochs"
