"""A training session: the data, the network and the optimizer, run epoch by epoch.

    s = Session({"dataset": "spiral"})      # every other setting has a good default
    s.step(100)                              # 100 epochs (fewer if it converges or diverges)
    s.metrics()                              # {"epoch": 100, "train_loss": ..., "test_accuracy": ...}
    s.update({"lr": 0.003})                  # keeps the weights; {"hidden": [4]} rebuilds
    g = s.grid(80)                           # what the page draws: every neuron over the plane

An epoch is one pass over the training split in shuffled mini-batches. The session notices when
training has converged (and why) or diverged (and then goes back to the epoch of its lowest loss).
"""
import copy
import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from . import config as cfg
from .. import limits
from ..data import augment, custom as custom_data, datasets, features, scribbles
from ..core import edits, optim, schedules
from ..fast import picture
from ..core.losses import check_pair, loss_terms
from ..core.mlp import MLP
from ..fast.flat_step import FlatStep
from .thinning import Thinning

HISTORY_CAPACITY = 2000
DENSE_SNAPSHOTS = 100      # the weights of each of the first epochs are kept (a scrubber moves through them one
#                            by one: most of the learning happens there), besides the thinned ones after them
GRID_VALUES = 2**24        # a picture grid evaluates at most this many neuron values (128 MB of float64)
RUNAWAY = 100.0            # diverged: the training loss is this many times its best so far ...
RUNAWAY_FROM_START = 10.0  # ... and this many times its value at the start (so noise near 0 is not)
UNHEALTHY = 3.0            # or its mean over the last epochs is above this many times its start ...
UNHEALTHY_EPOCHS = 20      # ... over this many epochs (an adaptive rate bouncing around, not learning)
HINT_TRIES = 3             # the hint tries lr/10, lr/100, lr/1000 ...
HINT_EPOCHS = 5            # ... each for this many epochs from the restored weights, on a copy
MAX_EDITED_WEIGHT = limits.MAX_EDITED_WEIGHT
CONVERGE_LOSS = {"classification": 1e-3, "regression": 1e-5}
OVERFIT_GAP = 0.05         # converged, but test accuracy this far below training accuracy: overfitting
STALL_EPOCHS = 200         # stalled: the training loss has not fallen by STALL_GAIN of itself ...
STALL_GAIN = 0.01          # ... in this many epochs ...
STALL_LEVEL = 0.5          # ... while above this share of its start (a low plateau is nearly done, not stuck)
JUMPY = 1.5                # the last epochs' highest loss over their lowest: jumping about, not creeping
# settings that decide when training stops or what it keeps, never the numbers it computes: a
# change to them mid-run leaves the run reproducible from the final config
BOOKKEEPING = {"converge_loss", "converge_confidence", "converge_patience", "snapshot_every", "max_snapshots"}


@dataclass(frozen=True)
class Stop:
    """Why training stopped: kind "converged" or "diverged", at which epoch, in words."""

    kind: str     # "converged", "diverged" or "stalled" (not making progress)
    reason: str   # "loss", "confidence", "non-finite", "jumped", "stayed", "no progress"
    epoch: int
    message: str
    hint: str = ""


@dataclass
class Grid:
    """The network evaluated on a res x res grid over the input plane (top row = highest x2).

    x1, x2: (res,) cell centres; inputs: (features, res, res); hidden: per layer (width, res, res);
    output: (res, res, outputs). For 1-D data each grid is (res,) along x1 instead of (res, res).
    """

    x1: np.ndarray
    x2: np.ndarray
    inputs: np.ndarray
    hidden: list
    output: np.ndarray


def _own_text(session):
    """The output head, loss and inputs a session chose, in words for a notice."""
    if session.features is None:
        inputs = "64 pixels" if session.data.name == "digits" else f"its {session._raw_inputs} columns"
    else:
        inputs = ", ".join(session.features)
    return f"{session.net.output} · {session.loss}; inputs {inputs}"


def _derived_seeds(seed):
    """Three independent seeds from one: data, initial weights, shuffling."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(3)]


class Session:
    _probe = False  # a copy that tries a learning rate for a hint (it gives no hints itself)

    def __init__(self, config=None, custom=None):
        """`custom`: your own data (a Dataset named "custom", nn.data.custom), learned from when the
        config's dataset is "custom" (else its starter points are), and kept for later otherwise."""
        self.config = cfg.resolve(config)
        self.notice = None  # what the last update changed otherwise than asked, in words
        self.version = 0  # a generation counter: up by one whenever the weights, the network or the
        #                   data change; never restarts, so `version` alone says what a picture shows
        if custom is not None:
            custom_data.check(custom)
        self.custom = custom  # your own data, kept while other sets are shown
        self._build_data()
        self._build_model()

    # -- building -------------------------------------------------------------------------------
    def _build_data(self):
        c = self.config
        self._seeds = _derived_seeds(c["seed"])
        extras = {k: c[k] for k in datasets.PARAM_RANGES if c[k] is not None}
        if c["dataset"] == "digits" and c["n"] is not None and c["n"] < 20:
            raise ValueError("n = {} is not allowed for digits; allowed: 20 to 1797".format(c["n"]))
        if c["dataset"] == "custom":  # your own points, split afresh (the share or the seed changed)
            own = self.custom if self.custom is not None else custom_data.starter()
            self.custom = custom_data.resplit(own, c["train_fraction"], self._seeds[0])
            self._use_data(self.custom)
            return
        self._use_data(datasets.load(c["dataset"], n=c["n"], noise=c["noise"], seed=self._seeds[0],
                                     train_fraction=c["train_fraction"], **extras))

    def _use_data(self, data):
        """Take `data`; the session's arrays are in plane units (what the network is given):
        X_*_raw are the inputs before features, y_* the labels or (standardized) targets."""
        self.data = data
        self.kind = data.kind
        self.n_classes = data.n_classes
        self._raw_inputs = data.X_train.shape[1]
        self.X_train_raw, self.y_train = data.plane_inputs(data.X_train), data.plane_targets(data.y_train)
        self.X_test_raw, self.y_test = data.plane_inputs(data.X_test), data.plane_targets(data.y_test)

    def _build_model(self):
        c = self.config
        if self.data.name == "digits":
            if c["features"] is not None:
                raise ValueError("features apply to 2-D data; digits use their 64 pixels as inputs")
            self.features = None
        elif self._raw_inputs > 2:
            if c["features"] is not None:
                raise ValueError(f"features apply to data of 1 or 2 inputs; this data's {self._raw_inputs} "
                                 "inputs go to the network as they are")
            self.features = None
        else:
            wanted = c["features"] if c["features"] is not None else ("x1", "x2")[:self._raw_inputs]
            self.features = list(features.check(wanted, self._raw_inputs))
        self.X_train = self._inputs(self.X_train_raw)
        self.X_test = self._inputs(self.X_test_raw)

        if self.kind == "regression":
            output, n_out = c["output"] or "linear", 1
        else:
            output = c["output"] or ("sigmoid" if self.n_classes == 2 else "softmax")
            if output == "sigmoid" and self.n_classes > 2:
                raise ValueError(f"output 'sigmoid' is for 2 classes; this data has {self.n_classes}: use 'softmax'")
            if output == "linear":
                raise ValueError("output 'linear' is for regression; for classes use 'sigmoid' or 'softmax'")
            n_out = 1 if output == "sigmoid" else self.n_classes
        if self.kind == "regression" and output != "linear":
            raise ValueError(f"output {output!r} is for classes; regression uses 'linear'")
        self.loss = check_pair(output, c["loss"])
        self.net = MLP([self.X_train.shape[1], *c["hidden"], n_out], activation=c["activation"],
                       output=output, init=c["init"], seed=self._seeds[1],
                       dropout=c["dropout"], negative_slope=c["leaky_slope"])
        self.Y_train, self.Y_test = self._targets(self.y_train), self._targets(self.y_test)
        self._shuffle = np.random.default_rng(self._seeds[2])
        self._grad_vector = np.empty_like(self.net.flat)
        self._grads = self.net.views(self._grad_vector)  # backprop writes the gradients here, one vector
        self._build_optimizer()
        self.epoch = 0
        self.steps = 0
        self.added = 0              # samples added by hand (the drawing pad) since the data was made
        self.by_hand = edits.marks()  # what changed this run otherwise than its config, in words: while
        #                             empty, Session(config) trained epoch by epoch gives the same numbers
        #                             (edited engine code, running as it is built, is such a change)
        if c["dataset"] == "custom":  # (the config holds no points: a saved file does)
            self.by_hand.append(f"your own data: {len(self.y_train) + len(self.y_test)} points")
        self.seen_last_epoch = 0    # training samples the last epoch went through
        self.version += 1
        self.stop = None
        self._confident_epochs = 0
        self.history = Thinning(HISTORY_CAPACITY)
        self.snapshots = Thinning(c["max_snapshots"], c["snapshot_every"], DENSE_SNAPSHOTS)
        self._steps_at = {}  # the step count at each snapshot's epoch (going back restores it)
        self._evaluate()

    def _optimizer_settings(self):
        """The optimizer's name and the hyperparameters it takes, from the config."""
        c = self.config
        return c["optimizer"], {"lr": c["lr"], **optim.lookup(c["optimizer"]).hyperparameters_from(c)}

    def _build_optimizer(self):
        name, hyper = self._optimizer_settings()
        self.optimizer = optim.make(name, self.net.params, **hyper)
        self._fast_step = FlatStep(self.optimizer, self.net.flat, self._grad_vector)  # = optimizer.step(self._grads)
        self.schedule = self._make_schedule(self.optimizer)

    def _make_schedule(self, opt):
        name = self.config["schedule"]
        args = {k: self.config[k] for k in schedules._lookup(name).ARGUMENTS}
        return schedules.make(name, opt, **args)

    def _inputs(self, X_raw):
        return X_raw if self.features is None else features.transform(X_raw, self.features)

    def _targets(self, y):
        if self.net.output == "sigmoid":
            return y.astype(np.float64)[:, None]
        if self.net.output == "softmax" and self.loss == "mse":
            return np.eye(self.n_classes)[y]
        return y if self.kind == "classification" else y[:, None]

    def reset(self):
        """Back to epoch 0 with the initial weights (the same seed gives the same start)."""
        self._build_model()

    def add_training_sample(self, x, label):
        """Add one example (raw inputs x, a class label) to the training split; it is used from
        the next epoch on. For digits, x is the 64 pixel intensities in [0, 1] (count / 16)."""
        x = np.asarray(x, dtype=np.float64).reshape(-1)
        if x.shape != (self._raw_inputs,) or not np.all(np.isfinite(x)):
            raise ValueError(f"a sample has {self._raw_inputs} finite inputs; got shape {x.shape}")
        if self.kind != "classification":
            raise ValueError("samples with a class label can be added to classification data only")
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label < self.n_classes:
            raise ValueError(f"label {label!r} is not allowed; allowed: a class from 0 to {self.n_classes - 1}")
        self.X_train_raw = np.vstack([self.X_train_raw, x[None, :]])
        self.y_train = np.append(self.y_train, np.int64(label))
        self.X_train = self._inputs(self.X_train_raw)
        self.Y_train = self._targets(self.y_train)
        self.added += 1
        self.by_hand.append(f"a sample of class {label} added by hand at epoch {self.epoch}")

    def set_data(self, dataset, keep_network=True):
        """Learn from `dataset` from now on: your own data, a Dataset named "custom" (nn.data.custom,
        nn.data.table), all or nothing. Returns "points" when the network stays (keep_network, and
        the same inputs and outputs fit the new data: its weights, the optimizer and the epoch go
        on, and the metrics follow the new points at once), or "data" when a new network is made for
        it (with the data's own head and inputs where the learner's do not fit, said in `notice`).
        The dataset becomes `self.custom`; the config's dataset becomes "custom". A refusal
        (ValueError) changes nothing."""
        custom_data.check(dataset)
        unused = {k: None for k in ("n", "noise", *datasets.PARAM_RANGES)}  # the makers' settings
        config = cfg.resolve({**self.config, "dataset": "custom", **unused})
        trial = copy.copy(self)
        trial.config = config
        trial._seeds = _derived_seeds(config["seed"])
        trial.custom = dataset
        trial._use_data(dataset)
        notes = []
        if keep_network and self._fits(trial):
            trial._new_points()
            trial.by_hand = [*self.by_hand, f"your own data changed at epoch {self.epoch}: "
                                            f"{len(trial.y_train) + len(trial.y_test)} points"]
            scope = "points"
        else:
            try:
                trial._build_model()
            except ValueError:
                own = [k for k in ("output", "loss", "features") if config[k] is not None]
                if not own:
                    raise
                trial.config = cfg.resolve({**config, **{k: None for k in own}})
                trial._build_model()
                notes.append(f"{', '.join(own)} set to the new data's own ({_own_text(trial)})")
            scope = "data"
        self._swap_in(trial)
        self.notice = f"Changed as asked, except: {'; '.join(notes)}." if notes else None
        return scope

    def _fits(self, other):
        """Whether this session's network fits `other`'s data: the same inputs and outputs."""
        return (self.data.extent is not None and self.kind == other.kind and self._raw_inputs == other._raw_inputs
                and self.n_classes == other.n_classes)

    def _new_points(self):
        """The network goes on with new points (set_data): the inputs and targets are made again,
        and the metrics measured on them; a stop said about the old points no longer holds."""
        self.X_train, self.X_test = self._inputs(self.X_train_raw), self._inputs(self.X_test_raw)
        self.Y_train, self.Y_test = self._targets(self.y_train), self._targets(self.y_test)
        self.version += 1
        self.stop = None
        self._confident_epochs = 0
        self.refresh_metrics()

    def predict(self, X_raw):
        """The network's output (probabilities, or values) for raw inputs.  (n, d) -> (n, outputs)"""
        try:
            X = np.atleast_2d(np.asarray(X_raw, dtype=np.float64))
        except (TypeError, ValueError):
            raise ValueError("inputs must be numbers, one row per sample") from None
        with np.errstate(over="ignore", invalid="ignore"):  # judged below instead of warned about
            out = self.net.forward(self._inputs(X))
        if not np.all(np.isfinite(out)):
            raise ValueError("these inputs are too large for the network: its output is not finite; "
                             "give inputs of the size the data has")
        return out

    # -- changing settings ------------------------------------------------------------------------
    def update(self, changes):
        """Apply setting changes, all or nothing; returns what it took: None, "train" (weights
        kept), "model" (new network, same data) or "data" (new data and network).

        The new state (config, data, network, optimizer, schedule) is built and checked aside and
        swapped in whole: a refused change raises ValueError and leaves every field as it was.
        Where a change cannot apply as asked but has a sensible reading, it takes that reading and
        says so in `self.notice` (else None): a new dataset brings its own output head, loss and
        inputs when the learner's do not fit it, and a per-layer activation list follows a new
        number of layers."""
        if not isinstance(changes, dict):
            raise ValueError(f"changes are a dict of settings, got {type(changes).__name__}")
        dataset = cfg.check_value(cfg.BY_NAME["dataset"], changes.get("dataset", self.config["dataset"]))
        switching = dataset != self.config["dataset"]
        given = self._given()
        if switching:  # a new dataset brings its recommended network and rate; other settings carry over
            given = {k: v for k, v in given.items() if k not in cfg.PRESETS[dataset]}
        wanted = {**given, **changes}
        notes = []
        new = cfg.resolve(wanted)
        acts, hidden = new["activation"], new["hidden"]
        if isinstance(acts, list) and len(acts) != len(hidden):
            if "activation" in changes:
                raise ValueError(f"activation lists {len(acts)} names for {len(hidden)} hidden layers; "
                                 "give one name, or one per hidden layer")
            fitted = (acts + acts[-1:] * len(hidden))[:len(hidden)] if acts else []
            new["activation"] = fitted[0] if len(set(fitted)) == 1 else fitted
            notes.append(f"the activation list now fits the {len(hidden)} hidden layer{'s' if len(hidden) != 1 else ''}")
        scope = cfg.scope_of_change(self.config, new)
        if scope is None:
            self.notice = None
            return None
        try:
            trial = self._built_aside(new, scope)
        except ValueError:
            own = [k for k in ("output", "loss", "features") if new[k] is not None]
            if not (switching and own):
                raise
            # the learner's head or inputs do not fit the new data: the data's own do
            trial = self._built_aside(cfg.resolve({**new, **{k: None for k in own}}), scope)
            notes.append(f"{', '.join(own)} set to the new data's own ({_own_text(trial)})")
        if scope == "train" and (self.steps or self.epoch):
            changed = [k for k in cfg.BY_NAME if new[k] != self.config[k] and k not in BOOKKEEPING]
            if changed:
                trial.by_hand = [*self.by_hand, f"{', '.join(changed)} changed at epoch {self.epoch}"]
        self._swap_in(trial)
        self.notice = f"Changed as asked, except: {'; '.join(notes)}." if notes else None
        return scope

    def _built_aside(self, config, scope):
        """A copy of this session with `config` applied, built without touching this one."""
        trial = copy.copy(self)  # shallow: a rebuild replaces the arrays and objects it changes
        trial.config = config
        if scope == "data":
            trial._build_data()
            trial._build_model()
        elif scope == "model":
            trial._build_model()
        elif scope == "train":
            trial._apply_training_settings(self.config)
        return trial

    def _swap_in(self, trial):
        vars(self).clear()
        vars(self).update(vars(trial))

    def _given(self):
        """The config without preset values, so a new dataset brings its own preset."""
        preset = cfg.PRESETS[self.config["dataset"]]
        return {k: v for k, v in self.config.items() if not (k in preset and preset[k] == v)}

    def _apply_training_settings(self, old):
        """Apply a "train" change to this session's own copies of what it changes (called on a
        session built aside: the live optimizer, schedule and network are not touched)."""
        c = self.config
        name, hyper = self._optimizer_settings()
        self.net = copy.copy(self.net)  # the same weights (shared arrays), its own dropout setting
        self.net.dropout = c["dropout"]
        if name != old["optimizer"]:
            self._build_optimizer()  # a new optimizer starts with fresh state; weights stay
        else:
            opt = optim.from_dict(self.optimizer.to_dict(), self.net.params)  # its state, continued
            for key, value in hyper.items():
                if key == "lr" and c["lr"] == old["lr"]:
                    value = self.optimizer.lr  # a schedule's decayed rate is not undone
                setattr(opt, key, value)
            opt._validate()  # torch's rules (e.g. nesterov needs momentum), before anything is swapped in
            sched_keys = {"schedule", *(k for cls in schedules._SCHEDULES.values() for k in cls.ARGUMENTS)}
            if any(c[k] != old[k] for k in sched_keys) or c["lr"] != old["lr"]:
                schedule = self._make_schedule(opt)
            else:
                schedule = schedules.from_dict(self.schedule.to_dict(), opt)
            self.optimizer, self.schedule = opt, schedule
            self._fast_step = FlatStep(opt, self.net.flat, self._grad_vector)
        self.stop = None if self.stop and self.stop.kind in ("converged", "stalled") else self.stop
        self._progress = (self._progress[0], self.epoch)  # new settings get STALL_EPOCHS to make progress

    # -- training ---------------------------------------------------------------------------------
    def step(self, n=1, *, until_stop=True):
        """Run up to n epochs; stops early on convergence or divergence (unless until_stop is
        False, which trains past convergence). Returns the number of epochs run."""
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"n must be a whole number of epochs ≥ 0, got {n!r}")
        ran = 0
        # a diverging run overflows on its way to inf/NaN; each epoch's evaluation detects that,
        # so it is not warned about. One errstate for all n epochs: it costs ~30 µs in the browser
        with np.errstate(over="ignore", invalid="ignore"):
            while ran < n:
                if self.stop and (self.stop.kind == "diverged" or until_stop):
                    break
                self._epoch_unguarded()
                ran += 1
        return ran

    def _epoch_unguarded(self):
        c, net, grads, fast_step = self.config, self.net, self._grads, self._fast_step
        loss, l1, l2 = self.loss, c["l1"], c["l2"]
        X, Y = self._varied() if c["augment"] else (self.X_train, self.Y_train)
        n = X.shape[0]
        bs = min(c["batch_size"], n)
        if bs < n:
            # shuffle the split once; each mini-batch is then a slice of it (a view, not a copy),
            # the same rows as taking the permutation's part for each batch
            order = self._shuffle.permutation(n)
            X, Y = X.take(order, axis=0), Y.take(order, axis=0)  # X[order], 3x quicker in the browser
        for start in range(0, n, bs):
            # no loss value per mini-batch: divergence shows in the epoch's evaluation below,
            # which then restores the weights from the start of the epoch
            net.backprop(X[start:start + bs], Y[start:start + bs], loss, l1, l2, train=True,
                         with_loss=False, out=grads)
            fast_step()  # opt.step(grads), on the one vector the gradients were written into
            self.steps += 1
        self.seen_last_epoch = len(self.Y_train)
        self.schedule.step()
        self.epoch += 1
        self.version += 1
        ran_away = self._evaluate(judge=True)
        if ran_away:
            return self._diverged(ran_away)
        self._check_convergence()
        if self.stop is None:
            self._check_progress()

    def _varied(self):
        """This epoch's training set, varied as drawings vary (nn.data.augment): every image, some
        of them slanted, turned, thicker or thinner, and drawings that are no digit with random
        labels, so that the network learns to spread its bets on them (nn.data.scribbles). The
        random numbers are the shuffling's, so a saved session goes on as it would have; what the
        varying needs of the images is worked out once per training set.  -> X, Y"""
        X, rng = self.X_train, self._shuffle
        shapes, others = getattr(self, "_shapes", None), getattr(self, "_not_digits", None)
        self._shapes = augment.Shapes(X) if shapes is None else shapes.of(X)
        if others is None:
            made = scribbles.make(np.random.default_rng(augment.NOT_DIGITS_SEED), augment.NOT_DIGITS_MADE)
            self._not_digits = others = augment.Shapes(made)
        k = round(augment.NOT_DIGITS * len(X))
        picked = rng.integers(0, len(others.source), k)
        labels = rng.integers(0, self.n_classes, k)
        X = np.vstack([augment.vary(self._shapes, rng), augment.vary(others, rng, picked)])
        return X, self._targets(np.concatenate([self.y_train, labels]))

    def _diverged(self, why):
        """Back to the healthiest epoch, the one of the lowest training loss so far: its weights, epoch
        and step count (and no history after it), a fresh optimizer (its state holds the runaway
        values), and a hint checked to train."""
        _, self.epoch, flat, self.steps = self._best
        self.net.flat[...] = flat
        self._recent.clear()
        self._progress = (self._best[0], self.epoch)
        self.history.drop_after(self.epoch)
        self.snapshots.drop_after(self.epoch)
        lr = float(self.optimizer.lr)
        self._build_optimizer()
        self.version += 1
        self._evaluate(record=False)  # the restored weights' metrics (the history has that epoch already)
        if self._probe:
            self.stop = Stop("diverged", "probe", self.epoch, "")
            return False
        e, (kind, loss) = self.epoch, why
        what = {"non-finite": f"the training loss became infinite or NaN in epoch {e + 1}",
                "jumped": f"the training loss jumped to {loss:.3g} in epoch {e + 1}",
                "stayed": f"over the last {UNHEALTHY_EPOCHS} epochs the training loss averaged {loss:.3g}, more than "
                          f"{UNHEALTHY:g} times its starting value ({self._start_loss:.3g})"}[kind]
        self.stop = Stop("diverged", kind, e,
                         f"Training diverged: {what}. The weights are back to where they were at epoch {e}, "
                         f"where its training loss was lowest.", self._rate_hint(lr))
        return False

    def _rate_hint(self, lr):
        """Advice on the learning rate, with a rate that was tried: a few epochs from the restored
        weights on a copy of this session, each ten times lower until one stays healthy."""
        for k in range(1, HINT_TRIES + 1):
            rate = lr / 10**k
            if self._trains_at(rate):
                return f"The learning rate ({lr:g}) is too high for this setting: try {rate:g}."
        return (f"The learning rate ({lr:g}) is too high for this setting, and even {lr / 10**HINT_TRIES:g} "
                "runs away from these weights: press Reset, then try a much lower rate or a smaller network.")

    def _trains_at(self, rate, epochs=HINT_EPOCHS):
        """Whether `epochs` epochs at `rate` from the current weights stay healthy (on a copy)."""
        twin = copy.copy(self)
        twin.net = MLP.from_dict(self.net.to_dict())
        twin._grad_vector = np.empty_like(twin.net.flat)
        twin._grads = twin.net.views(twin._grad_vector)
        twin._shuffle = copy.deepcopy(self._shuffle)
        twin.config = {**self.config, "lr": rate, "schedule": "constant"}
        twin.history, twin.snapshots, twin._steps_at = Thinning(epochs + 1), Thinning(2, epochs + 1), {}
        twin.stop, twin._probe, twin._recent = None, True, deque(maxlen=UNHEALTHY_EPOCHS)
        twin._build_optimizer()
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(epochs):
                twin._epoch_unguarded()
                if twin.stop is not None and twin.stop.kind == "diverged":
                    return False
        return True

    # -- what the page and the teaching panels do to a session, through its own methods ------------
    def clear_stop(self):
        """Forget why training stopped (the learner pressed play again); returns that Stop or None."""
        stop, self.stop = self.stop, None
        if stop is not None and stop.kind == "stalled":
            self._progress = (self._progress[0], self.epoch)  # another STALL_EPOCHS before saying it again
        return stop

    def go_back(self, epoch):
        """Train on from a recorded epoch: the weights kept nearest at or before `epoch`, that epoch
        and its step count, the history and snapshots up to it (the later ones are replaced as
        training goes on). Snapshots keep only the weights (the optimizer's buffers would triple
        their memory), so the optimizer starts afresh there: momentum and Adam's averages at zero,
        the schedule's rate as the config gives it at that epoch. The shuffling goes on from where
        it is. The run is then no longer a replay of its config: by_hand says so. Returns the epoch
        gone back to (the current one, and nothing changes, when `epoch` is not before it)."""
        if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 0:
            raise ValueError(f"epoch must be a whole number ≥ 0, got {epoch!r}")
        if epoch >= self.epoch:
            return self.epoch
        at, flat = self.snapshots.at(epoch)
        steps = self._steps_at.get(at)
        guessed = steps is None  # (a session opened from a file does not know them)
        if guessed:
            steps = round(self.steps * at / self.epoch) if self.epoch else 0
        self.net.flat[...] = flat
        self.epoch, self.steps = at, steps
        self.history.drop_after(at)
        self.snapshots.drop_after(at)
        self._steps_at = {e: n for e, n in self._steps_at.items() if e <= at}
        self._build_optimizer()  # fresh state on the same weights vector
        for _ in range(at):
            self.schedule.step()  # the rate the config's schedule gives at this epoch
        self.stop, self._confident_epochs = None, 0
        self._recent.clear()
        self.version += 1
        self._evaluate(record=False)
        loss = self._metrics["train_loss"]
        self._progress = (loss, at)
        if self._best[1] > at:  # the restore point must not be in the replaced future
            self._best = (loss, at, self.net.flat.copy(), steps)
        self.by_hand.append(f"went back to epoch {at}: the later epochs are replaced, and the optimizer's "
                            f"state started afresh there{' (its step count estimated)' if guessed else ''}")
        return at

    def set_weight(self, layer, i, j, value):
        """Set one weight W[layer][i, j] by hand (the page's weight editor); the metrics follow."""
        sizes = self.net.sizes
        if not (isinstance(layer, (int, np.integer)) and 0 <= layer < len(sizes) - 1):
            raise ValueError(f"layer must be 0 to {len(sizes) - 2}, got {layer!r}")
        W = self.net.W[layer]
        if not (isinstance(i, (int, np.integer)) and isinstance(j, (int, np.integer))
                and 0 <= i < W.shape[0] and 0 <= j < W.shape[1]):
            raise ValueError(f"weight index must be within {W.shape}, got ({i!r}, {j!r})")
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
                or not math.isfinite(value) or abs(value) > MAX_EDITED_WEIGHT:
            raise ValueError(f"a weight must be a number from −{MAX_EDITED_WEIGHT:g} to {MAX_EDITED_WEIGHT:g}; "
                             f"got {value!r}")
        W[i, j] = float(value)
        self.by_hand.append(f"weight W{layer + 1}[{i}, {j}] set by hand to {float(value):g} at epoch {self.epoch}")
        self.version += 1
        self.refresh_metrics()

    def apply_step(self, grads, trace=None):
        """One optimizer step with the given gradients outside an epoch (the explained step):
        the step count and the version go up, the epoch does not, and the metrics follow.
        trace: a list that receives the quantities the rule noted, per parameter."""
        self.optimizer.step(grads, trace)  # the readable step; it may make buffers, so
        self._fast_step.adopt()            # the fast one gathers the state again
        self.by_hand.append(f"one explained step taken by hand at epoch {self.epoch}")
        self.steps += 1
        self.version += 1
        self.refresh_metrics()

    def refresh_metrics(self):
        """Measure the current weights again (after a change between epochs, such as an edited
        weight or one explained step), without adding a row to the history."""
        with np.errstate(over="ignore", invalid="ignore"):  # extreme weights may overflow: measured, not warned
            self._evaluate(record=False)
        return self.metrics()

    def _evaluate(self, record=True, judge=False):
        """Metrics on the whole train and test splits (no dropout), kept unless unhealthy.

        Returns why they are unhealthy, else None: ("non-finite", loss), or, judging an epoch's
        result, ("jumped", loss) when the training loss is above RUNAWAY times its best so far
        and RUNAWAY_FROM_START times its value at the start, or ("stayed", loss) when it has been
        above UNHEALTHY times its value at the start on average over the last UNHEALTHY_EPOCHS."""
        m = {"epoch": self.epoch, "lr": float(self.optimizer.lr)}
        # one forward pass over train and test stacked; each numpy call then serves both splits,
        # and a split's numbers are read from its rows (the same numbers as for the split alone)
        n_train = len(self.y_train)
        X, Y, y = self._both()
        Z, A, _ = self.net.layers(X)
        z, out = Z[-1], A[-1]
        terms = loss_terms(self.loss, z, out, Y)       # each sample's share of the loss
        if self.kind == "classification":
            right = self._predicted_class(out) == y
        else:
            err = out[:, 0] - y
            squared = err * err
        for split, rows in (("train", slice(0, n_train)), ("test", slice(n_train, None))):
            t = terms[rows]
            m[f"{split}_loss"] = float(t.sum() / t.size)
            if self.kind == "classification":
                r = right[rows]
                m[f"{split}_accuracy"] = float(np.count_nonzero(r) / len(r))
            else:
                e2 = squared[rows]
                m[f"{split}_rmse"] = float(np.sqrt(e2.sum() / len(e2)))
                if split == "test":
                    spread = np.sum((self.y_test - self.y_test.mean()) ** 2)
                    m["r2"] = float(1.0 - np.sum(e2) / spread) if spread > 0 else 0.0
        self._train_out = out[:n_train]
        loss = m["train_loss"]
        if not (math.isfinite(loss) and np.isfinite(self.net.flat).all()):
            return "non-finite", loss
        if judge:
            if loss > max(RUNAWAY * self._best[0], RUNAWAY_FROM_START * self._start_loss):
                return "jumped", loss
            self._recent.append(loss)
            mean = sum(self._recent) / len(self._recent)
            if len(self._recent) == UNHEALTHY_EPOCHS and mean > UNHEALTHY * self._start_loss:
                return "stayed", mean
        self._metrics = m
        if record:
            if self.epoch == 0:
                self._start_loss, self._best = loss, None
                self._recent = deque(maxlen=UNHEALTHY_EPOCHS)
                self._progress = (loss, 0)  # the lowest loss that was real progress, and its epoch
            elif loss < self._progress[0] * (1 - STALL_GAIN):
                self._progress = (loss, self.epoch)
            if self._best is None or loss <= self._best[0]:  # the restore point, should training run away
                self._best = (loss, self.epoch, self.net.flat.copy(), self.steps)
            self.history.add(self.epoch, m)
            if self.snapshots.keeps(self.epoch):
                self.snapshots.add(self.epoch, self.net.flat.copy())
                self._steps_at[self.epoch] = self.steps
                if len(self._steps_at) > 2 * len(self.snapshots.entries) + 2:  # forget the thinned ones
                    self._steps_at = {e: self._steps_at[e] for e, _ in self.snapshots.entries if e in self._steps_at}
        return None

    def _both(self):
        """Train and test inputs, targets and labels, each stacked (train rows first); made again
        only when the data changes (the arrays are replaced then, never changed in place)."""
        parts = (self.X_train, self.X_test, self.Y_train, self.Y_test, self.y_train, self.y_test)
        kept = getattr(self, "_both_parts", None)
        if kept is None or any(a is not b for a, b in zip(parts, kept)):
            X, Xt, Y, Yt, y, yt = parts
            self._both_parts = parts  # the arrays themselves, so that none is mistaken for a new one
            self._both_stacked = (np.vstack([X, Xt]), np.concatenate([Y, Yt]), np.concatenate([y, yt]))
        return self._both_stacked

    def _predicted_class(self, out):
        if self.net.output == "sigmoid":
            return out[:, 0] > 0.5  # class 1 or 0 as True or False: compares equal to the label
        return np.argmax(out, axis=1)

    def _check_convergence(self):
        c, m = self.config, self._metrics
        limit = c["converge_loss"] if c["converge_loss"] is not None else CONVERGE_LOSS[self.kind]
        if m["train_loss"] < limit:
            self._converged("loss", f"the training loss is below {limit:g}")
            return
        if self.kind != "classification":
            return
        out, y, conf = self._train_out, self.y_train, c["converge_confidence"]
        if self.net.output == "sigmoid":
            p_right = np.where(y == 1, out[:, 0], 1.0 - out[:, 0])
        else:
            p_right = out[np.arange(len(y)), y]
        # every point above conf when the least one is (a NaN fails both ways)
        self._confident_epochs = self._confident_epochs + 1 if p_right.min() > conf else 0
        if self._confident_epochs >= c["converge_patience"]:
            self._converged("confidence", f"every training point has been classified with more than {conf:.0%} "
                                          f"confidence for {c['converge_patience']} epochs")

    def _converged(self, reason, why):
        """Stop as converged, saying how well it does on the points it never trained on."""
        m = self._metrics
        if self.kind == "classification":
            train, test = m["train_accuracy"], m["test_accuracy"]
            scores = f"Train accuracy {train:.1%}, test accuracy {test:.1%}."
            overfit = train - test > OVERFIT_GAP
        else:
            train, test = m["train_rmse"], m["test_rmse"]
            scores = f"Train RMSE {train:.3g}, test RMSE {test:.3g}."
            overfit = test > 2 * train + 1e-3
        if overfit:
            hint = ("The test score is well below the training score: the network is overfitting, learning these "
                    "points rather than the pattern. Try more points, fewer neurons, L2 regularization or dropout.")
        else:
            hint = "It generalizes: the test score is close to the training score. Press play again to keep training."
        self.stop = Stop("converged", reason, self.epoch, f"Converged at epoch {self.epoch}: {why}. {scores}", hint)

    def _check_progress(self):
        """Stop as stalled when the loss has not really fallen for STALL_EPOCHS epochs while still high."""
        best, since = self._progress
        if self.epoch - since < STALL_EPOCHS or best <= STALL_LEVEL * self._start_loss:
            return
        recent = list(self._recent)
        lr, name = float(self.optimizer.lr), self.config["optimizer"]
        if max(recent) > JUMPY * min(recent):
            hint = (f"The loss jumps up and down from epoch to epoch: the learning rate ({lr:g}) is probably too high "
                    f"for {name}. Try {lr / 10:g}.")
        else:
            hint = ("The network may be too small for this data, or the learning rate too low: add neurons or a "
                    "layer, or raise the rate. Press play to keep training.")
        self.stop = Stop("stalled", "no progress", self.epoch,
                         f"Training is not making progress: the training loss has not fallen by {STALL_GAIN:.0%} in "
                         f"{self.epoch - since} epochs (lowest {best:.3g}; it started at {self._start_loss:.3g}).", hint)

    # -- saving and restoring (nn.training.saved writes and reads the file) ----------------------------
    def saved_state(self):
        """Everything that decides what training does next, as plain values and numpy arrays.
        `Session.restored(state)` rebuilds it: training on then gives the same numbers, epoch by
        epoch, as never stopping. The data is always included: a built-in set made again on another
        machine's numpy could differ in its last bits (sin and cos are not the same everywhere)."""
        best_loss, best_epoch, best_weights, best_steps = self._best
        return {
            "config": dict(self.config),
            "data": {"X_train": self.X_train_raw, "y_train": self.y_train,
                     "X_test": self.X_test_raw, "y_test": self.y_test},
            "network": self.net.to_dict(),
            "optimizer": self.optimizer.to_dict(),
            "schedule": self.schedule.to_dict(),
            "shuffle": self._shuffle.bit_generator.state,
            "epoch": self.epoch, "steps": self.steps, "added": self.added,
            "seen_last_epoch": self.seen_last_epoch, "by_hand": list(self.by_hand),
            "history": self.history.to_parts(),
            "snapshots": self.snapshots.to_parts(),
            "watch": {"start_loss": self._start_loss, "best_loss": best_loss, "best_epoch": best_epoch,
                      "best_weights": best_weights, "best_steps": best_steps, "recent": list(self._recent),
                      "confident_epochs": self._confident_epochs,
                      "progress_loss": self._progress[0], "progress_epoch": self._progress[1]},
            "stop": None if self.stop is None else vars(self.stop).copy(),
            "custom": self.custom,  # your own data (a Dataset), also while another set is shown
        }

    @classmethod
    def restored(cls, state):
        """A session from `saved_state()` output whose values have the right types (nn.training.saved
        checks them); ValueError when its parts do not fit together (a network of other sizes than
        its config makes, labels outside the classes, ...)."""
        s = cls(state["config"], custom=state["custom"])  # its data and network: replaced by the saved ones
        s._use_saved_data(**state["data"])
        net = MLP.from_dict(state["network"])
        made = s.net
        for what in ("sizes", "activation", "output", "negative_slope"):
            if getattr(net, what) != getattr(made, what):
                raise ValueError(f"the network's {what} ({getattr(net, what)}) is not what its config makes "
                                 f"({getattr(made, what)})")
        net.dropout = made.dropout
        s.net = net
        s._grad_vector = np.empty_like(net.flat)
        s._grads = net.views(s._grad_vector)
        s.optimizer = optim.from_dict(state["optimizer"], net.params)
        if s.optimizer.name != optim.lookup(s.config["optimizer"]).name:
            raise ValueError(f"the optimizer's state is {s.optimizer.name}'s, but the config says {s.config['optimizer']}")
        s.schedule = schedules.from_dict(state["schedule"], s.optimizer)
        if s.schedule.name != schedules._lookup(s.config["schedule"]).name:
            raise ValueError(f"the schedule's state is {s.schedule.name}'s, but the config says {s.config['schedule']}")
        s._fast_step = FlatStep(s.optimizer, net.flat, s._grad_vector)
        try:
            s._shuffle.bit_generator.state = state["shuffle"]
        except (TypeError, ValueError, KeyError, OverflowError) as e:
            raise ValueError(f"the shuffling's random state is damaged ({type(e).__name__})") from None
        s.epoch, s.steps, s.added = state["epoch"], state["steps"], state["added"]
        s.seen_last_epoch, s.by_hand = state["seen_last_epoch"], list(state["by_hand"])
        s.by_hand += [m for m in edits.marks() if m not in s.by_hand]  # it trains on with edited code
        s.history = Thinning.from_parts(state["history"])
        s.snapshots = Thinning.from_parts(state["snapshots"])
        w = state["watch"]
        if w["best_weights"].shape != net.flat.shape:
            raise ValueError(f"the best epoch's weights have {w['best_weights'].size} numbers; the network has {net.flat.size}")
        for epoch, weights in s.snapshots.all():
            if weights.shape != net.flat.shape:
                raise ValueError(f"the snapshot of epoch {epoch} has {weights.size} numbers; the network has {net.flat.size}")
        s._start_loss = w["start_loss"]
        s._best = (w["best_loss"], w["best_epoch"], w["best_weights"], w["best_steps"])
        s._recent = deque(w["recent"], maxlen=UNHEALTHY_EPOCHS)
        s._confident_epochs = w["confident_epochs"]
        s._progress = (w["progress_loss"], w["progress_epoch"])
        s.stop = None if state["stop"] is None else Stop(**state["stop"])
        s.version += 1
        s.refresh_metrics()
        return s

    def follows(self, other):
        """This session takes another's place (an opened file): its version goes on from the other's,
        so a cache keyed on `version` alone never mistakes one's picture for the other's."""
        self.version = max(self.version, other.version) + 1

    def _use_saved_data(self, X_train, y_train, X_test, y_test):
        """Take saved data in place of the data the config made (same kind, inputs and classes)."""
        for split, X, y in (("training", X_train, y_train), ("test", X_test, y_test)):
            if X.ndim != 2 or X.shape[1] != self._raw_inputs or y.shape != (X.shape[0],) or not len(y):
                raise ValueError(f"the {split} data has inputs of shape {X.shape} and {y.shape} targets; "
                                 f"allowed: one or more rows of {self._raw_inputs} inputs and one target each")
            if self.kind == "classification":
                if not np.all((y == np.round(y)) & (y >= 0) & (y < self.n_classes)):
                    raise ValueError(f"the {split} labels must be classes 0 to {self.n_classes - 1}")
        if self.kind == "classification":
            y_train, y_test = y_train.astype(np.int64), y_test.astype(np.int64)
        self.X_train_raw, self.y_train, self.X_test_raw, self.y_test = X_train, y_train, X_test, y_test
        self.X_train, self.X_test = self._inputs(X_train), self._inputs(X_test)
        self.Y_train, self.Y_test = self._targets(y_train), self._targets(y_test)

    # -- reading ----------------------------------------------------------------------------------
    def metrics(self):
        """The latest metrics: epoch, train/test loss, and accuracy or RMSE and R²."""
        return dict(self._metrics)

    def history_table(self):
        """The kept history as columns, for charts: {"epoch": [...], "train_loss": [...], ...}."""
        rows = [m for _, m in self.history.all()]
        return {k: [r[k] for r in rows] for k in rows[0]}

    def network_at(self, epoch):
        """A copy of the network with the weights kept nearest before `epoch` (for scrubbing)."""
        net = MLP.from_dict(self.net.to_dict())
        if epoch >= self.epoch:
            return self.epoch, net  # the live weights, copied
        at, flat = self.snapshots.at(epoch)
        net.flat[...] = flat
        return at, net

    def _grid_inputs(self, res):
        """The grid's cell centres and their input features, made again only when the plane or
        the features change (the picture is redrawn every frame while training)."""
        key = (res, self.data.extent, tuple(self.features or ()), self._raw_inputs)
        if getattr(self, "_grid_key", None) != key:
            (a, b), (lo, hi) = self.data.extent
            x1 = a + (np.arange(res) + 0.5) * (b - a) / res
            if self._raw_inputs == 1:
                P, x2, shape = x1[:, None], np.array([]), (res,)
            else:
                x2 = hi - (np.arange(res) + 0.5) * (hi - lo) / res  # top row first, as an image
                P = np.stack(np.meshgrid(x1, x2), axis=-1).reshape(-1, 2)
                shape = (res, res)
            if self._raw_inputs > P.shape[1]:  # inputs the plane does not draw: at their mean, 0
                P = np.column_stack([P, np.zeros((len(P), self._raw_inputs - P.shape[1]))])
            F = self._inputs(P)
            for a in (x1, x2, F):
                a.flags.writeable = False  # shared by every Grid until the key changes
            inputs = np.ascontiguousarray(F.T).reshape(-1, *shape)  # each feature's image
            inputs.flags.writeable = False
            self._grid_cache = (x1, x2, F, inputs, shape, picture.separable_columns(inputs))
            self._grid_key = key
        return self._grid_cache

    def grid(self, res=80, net=None):
        """Every neuron of `net` (default: the live one) over a res x res grid of the plane."""
        if self.data.extent is None:
            raise ValueError("digits have no input plane to draw")
        net = net or self.net
        if isinstance(res, bool) or not isinstance(res, (int, np.integer)) or not 2 <= res <= 512:
            raise ValueError(f"res = {res!r} is not allowed; allowed: a whole number from 2 to 512")
        neurons = sum(net.sizes)
        if res * res * neurons > GRID_VALUES:
            top = int((GRID_VALUES / neurons) ** 0.5)
            raise ValueError(f"res = {res} would evaluate {res * res:,} points x {neurons} neurons; allowed: at most "
                             f"{GRID_VALUES:,} values, so res up to {top} for this network")
        x1, x2, F, inputs, shape, columns = self._grid_inputs(res)
        A = picture.activations(net, inputs, columns)  # = net.layers(F)[1], the quick way, neuron-major
        # (inputs is the same array every frame until the plane or the features change)
        return Grid(x1, x2, inputs, [a.reshape(-1, *shape) for a in A[1:-1]], A[-1].reshape(*shape, -1))
