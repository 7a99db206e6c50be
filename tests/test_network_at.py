"""Session.network_at hands out a network of its own: using it never touches the live one."""
import numpy as np
import pytest

from nn import Session


@pytest.mark.parametrize("when", ["now", "later", "earlier"])
def test_network_at_shares_nothing_with_the_live_network(when):
    s = Session({"dataset": "spiral", "dropout": 0.2, "snapshot_every": 1})
    s.step(5, until_stop=False)
    epoch = {"now": s.epoch, "later": s.epoch + 10, "earlier": 2}[when]
    at, net = s.network_at(epoch)
    assert at == min(epoch, s.epoch) and net is not s.net and net.rng is not s.net.rng
    assert not any(np.shares_memory(p, q) for p in net.params for q in s.net.params)
    weights, state = s.net.flat.copy(), s.net.rng.bit_generator.state
    kept = [f.copy() for _, f in s.snapshots.all()]
    net.flat[...] = 7.0
    net.loss_and_grads(s.X_train, s.Y_train)  # draws dropout masks from its own generator
    assert np.array_equal(s.net.flat, weights) and s.net.rng.bit_generator.state == state
    assert all(np.array_equal(f, k) for (_, f), k in zip(s.snapshots.all(), kept))
