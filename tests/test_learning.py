"""Each dataset's defaults learn what they promise, in CPython (the targets of bench_learning.py)."""
import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("bench_learning", Path(__file__).parent.parent / "scripts/bench_learning.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.mark.parametrize("name", list(bench.TARGETS))
def test_defaults_reach_their_target(name):
    config, metric, target, budget = bench.TARGETS[name]
    s, epochs, _ = bench.train_to_target(config, metric, target, budget)
    assert epochs is not None, f"{name}: {metric} = {s.metrics()[metric]} after {s.epoch} epochs; wanted {target}"
