"""Looking back at a recorded epoch without touching the session: a read-only twin per epoch.

    r = Replay(session)
    r.epochs()                 # [0, 1, ..., 99, 110, ..., 430, 437]: the kept epochs, then now
    past = r.at(50)            # a Session-like twin: net, metrics(), grid(), predict() of epoch 50
    past.step(1)               # ValueError: a past epoch is read-only (Session.go_back trains from it)

The twin is a shallow copy of the session sharing its data, with its own network (one copy, made
once per Replay, refilled with each snapshot's weights) and its own metrics: the history's row of
that epoch (what was measured then, as the charts show it), or measured again where the history
was thinned. Its `version` is a
tuple no live session ever has, so a cache keyed on `version` alone keeps the live picture and
the past one apart, and the live one is found again unchanged after "Back to now".
"""
import copy

import numpy as np

from ..core.mlp import MLP
from .session import Session


def kept_epochs(session):
    """The epochs one can look at, oldest first: every kept snapshot before now, then now."""
    return [e for e, _ in session.snapshots.all() if e < session.epoch] + [session.epoch]


class PastEpoch(Session):
    """A session as it was at a recorded epoch: everything reads, nothing writes."""

    def _read_only(self, *args, **kwargs):
        raise ValueError(f"epoch {self.epoch} is a past epoch, shown read-only; to train on from it, "
                         "the session goes back to it (Session.go_back)")

    step = update = reset = set_weight = apply_step = add_training_sample = set_data = go_back = _read_only
    clear_stop = refresh_metrics = _read_only


class Replay:
    """The epochs a session recorded, each shown as a read-only twin; `session` is never changed."""

    def __init__(self, session):
        self.session = session
        self.version = session.version  # the live state this replay looks back from
        self._net = MLP.from_dict(session.net.to_dict())  # refilled with each epoch's weights
        self._shown = None  # (epoch, twin) last made

    def current(self):
        """Whether the session is still where this replay started (it neither trained nor changed)."""
        return self.session.version == self.version

    def epochs(self):
        """The epochs one can look at, oldest first: every kept snapshot before now, then now."""
        return kept_epochs(self.session)

    def at(self, epoch):
        """The session as it was at the kept epoch nearest at or before `epoch` (the session itself
        for the current epoch). The twin is made once per epoch asked in a row."""
        s = self.session
        if epoch >= s.epoch:
            return s
        at, flat = s.snapshots.at(epoch)
        if self._shown is not None and self._shown[0] == at:
            return self._shown[1]
        twin = copy.copy(s)
        twin.__class__ = PastEpoch
        self._net.flat[...] = flat  # (the twin of the previous epoch is let go: it shared this net)
        twin.net = self._net
        twin.epoch, twin.stop = at, None
        twin.version = ("epoch", at, s.version)  # never equal to a live version (an int)
        twin._train_out = None
        row_at, row = s.history.at(at)
        if row_at == at:  # the metrics measured at that epoch, as the charts show them (no forward pass)
            twin._metrics = dict(row)
        else:  # (thinned out of the history after 2000 epochs): measured again, at today's rate
            with np.errstate(over="ignore", invalid="ignore"):
                Session._evaluate(twin, record=False)  # its own metrics; the session's are untouched
        self._shown = (at, twin)
        return twin
