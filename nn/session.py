"""A training session: the data, the network and the optimizer, run epoch by epoch.

    s = Session({"dataset": "spiral"})      # every other setting has a good default
    s.step(100)                              # 100 epochs (fewer if it converges or diverges)
    s.metrics()                              # {"epoch": 100, "train_loss": ..., "test_accuracy": ...}
    s.update({"lr": 0.003})                  # keeps the weights; {"hidden": [4]} rebuilds
    g = s.grid(80)                           # what the page draws: every neuron over the plane

An epoch is one pass over the training split in shuffled mini-batches. The session notices when
training has converged (and why) or diverged (and then restores the last finite weights).
"""
from dataclasses import dataclass

import numpy as np

from . import config as cfg, datasets, features, optim, picture, schedules
import math

from .losses import check_pair, loss_terms
from .mlp import MLP
from .thinning import Thinning

HISTORY_CAPACITY = 2000
MAX_EDITED_WEIGHT = 100.0  # a weight typed by hand: larger ones only saturate every neuron
CONVERGE_LOSS = {"classification": 1e-3, "regression": 1e-5}


@dataclass(frozen=True)
class Stop:
    """Why training stopped: kind "converged" or "diverged", at which epoch, in words."""

    kind: str
    reason: str   # "loss", "confidence" or "non-finite"
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


def _derived_seeds(seed):
    """Three independent seeds from one: data, initial weights, shuffling."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(3)]


class Session:
    def __init__(self, config=None):
        self.config = cfg.resolve(config)
        self.version = 0  # a generation counter: up by one whenever the weights, the network or the
        #                   data change; never restarts, so `version` alone says what a picture shows
        self._build_data()
        self._build_model()

    # -- building -------------------------------------------------------------------------------
    def _build_data(self):
        c = self.config
        self._seeds = _derived_seeds(c["seed"])
        extras = {k: c[k] for k in datasets.PARAM_RANGES if c[k] is not None}
        if c["dataset"] == "digits" and c["n"] is not None and c["n"] < 20:
            raise ValueError("n = {} is not allowed for digits; allowed: 20 to 1797".format(c["n"]))
        self.data = datasets.load(c["dataset"], n=c["n"], noise=c["noise"], seed=self._seeds[0],
                                  train_fraction=c["train_fraction"], **extras)
        self.kind = self.data.kind
        self.n_classes = self.data.n_classes
        self._raw_inputs = self.data.X_train.shape[1]
        self.X_train_raw, self.y_train = self.data.X_train, self.data.y_train
        self.X_test_raw, self.y_test = self.data.X_test, self.data.y_test

    def _build_model(self):
        c = self.config
        if self.data.name == "digits":
            if c["features"] is not None:
                raise ValueError("features apply to 2-D data; digits use their 64 pixels as inputs")
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
        self._grads = self.net.views(np.empty_like(self.net.flat))  # gradients land here, one vector
        self._build_optimizer()
        self.epoch = 0
        self.steps = 0
        self.added = 0              # samples added by hand (the drawing pad) since the data was made
        self.seen_last_epoch = 0    # training samples the last epoch went through
        self.version += 1
        self.stop = None
        self._confident_epochs = 0
        self.history = Thinning(HISTORY_CAPACITY)
        self.snapshots = Thinning(c["max_snapshots"], c["snapshot_every"])
        self._evaluate()

    def _optimizer_settings(self):
        """The optimizer's name and the hyperparameters it takes, from the config."""
        c = self.config
        hyper = {"lr": c["lr"]}
        accepted = optim._lookup(c["optimizer"]).HYPERPARAMETERS
        for key in ("momentum", "dampening", "nesterov", "alpha", "centered", "amsgrad", "lr_decay",
                    "eps", "weight_decay"):
            if key in accepted and c[key] is not None:
                hyper[key] = c[key]
        if "betas" in accepted:
            hyper["betas"] = (c["beta1"], c["beta2"])
        return c["optimizer"], hyper

    def _build_optimizer(self):
        name, hyper = self._optimizer_settings()
        self.optimizer = optim.make(name, self.net.params, **hyper)
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

    def predict(self, X_raw):
        """The network's output (probabilities, or values) for raw inputs.  (n, d) -> (n, outputs)"""
        return self.net.forward(self._inputs(np.atleast_2d(np.asarray(X_raw, dtype=np.float64))))

    # -- changing settings ------------------------------------------------------------------------
    def update(self, changes):
        """Apply setting changes; returns what it took: None, "train" (weights kept), "model"
        (new network, same data) or "data" (new data and network)."""
        given = self._given()
        if changes.get("dataset", self.config["dataset"]) != self.config["dataset"]:
            # a new dataset brings its recommended network and rate; other settings carry over
            given = {k: v for k, v in given.items() if k not in cfg.PRESETS[changes["dataset"]]}
        new = cfg.resolve({**given, **changes})
        scope = cfg.scope_of_change(self.config, new)
        old, self.config = self.config, new
        try:
            if scope == "data":
                self._build_data()
                self._build_model()
            elif scope == "model":
                self._build_model()
            elif scope == "train":
                self._apply_training_settings(old)
        except ValueError:
            self.config = old
            raise
        return scope

    def _given(self):
        """The config without preset values, so a new dataset brings its own preset."""
        preset = cfg.PRESETS[self.config["dataset"]]
        return {k: v for k, v in self.config.items() if not (k in preset and preset[k] == v)}

    def _apply_training_settings(self, old):
        c = self.config
        name, hyper = self._optimizer_settings()
        # check the new settings on a throwaway optimizer and schedule first (torch's rules, e.g.
        # nesterov needs momentum), so a refused change leaves the live ones untouched
        probe = optim.make(name, [np.zeros(1)], **hyper)
        self._make_schedule(probe)
        self.net.dropout = c["dropout"]
        if name != old["optimizer"]:
            self._build_optimizer()  # a new optimizer starts with fresh state; weights stay
            return
        opt = self.optimizer
        for key, value in hyper.items():
            if key != "lr" or c["lr"] != old["lr"]:  # else a schedule's decayed rate would be undone
                setattr(opt, key, value)
        sched_keys = ("schedule", "step_size", "gamma", "T_max", "eta_min", "start_factor",
                      "end_factor", "total_iters")
        if any(c[k] != old[k] for k in sched_keys) or c["lr"] != old["lr"]:
            self.schedule = self._make_schedule(opt)
        self.stop = None if self.stop and self.stop.kind == "converged" else self.stop

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
        c, net, opt, grads = self.config, self.net, self.optimizer, self._grads
        loss, l1, l2 = self.loss, c["l1"], c["l2"]
        X, Y = self.X_train, self.Y_train
        n = X.shape[0]
        bs = min(c["batch_size"], n)
        saved = net.flat.copy()
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
            opt.step(grads)  # the same list each step: the optimizer takes its vector as it is
            self.steps += 1
        self.seen_last_epoch = n
        self.schedule.step()
        self.epoch += 1
        self.version += 1
        if not self._evaluate():
            return self._diverged(saved)
        self._check_convergence()

    def _diverged(self, saved):
        self.net.flat[...] = saved
        self._build_optimizer()  # its state holds the runaway values; start it afresh
        self.version += 1
        lr = self.config["lr"]
        self.stop = Stop("diverged", "non-finite", self.epoch,
                         f"Training diverged at epoch {self.epoch + 1}: the loss became infinite or NaN. "
                         f"The weights are back to where they were before that epoch.",
                         f"The learning rate ({lr:g}) is too high for this setting: try {lr / 10:g}.")
        return False

    # -- what the page and the teaching panels do to a session, through its own methods ------------
    def clear_stop(self):
        """Forget why training stopped (the learner pressed play again); returns that Stop or None."""
        stop, self.stop = self.stop, None
        return stop

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
        self.version += 1
        self.refresh_metrics()

    def apply_step(self, grads):
        """One optimizer step with the given gradients outside an epoch (the explained step):
        the step count and the version go up, the epoch does not, and the metrics follow."""
        self.optimizer.step(grads)
        self.steps += 1
        self.version += 1
        self.refresh_metrics()

    def refresh_metrics(self):
        """Measure the current weights again (after a change between epochs, such as an edited
        weight or one explained step), without adding a row to the history."""
        with np.errstate(over="ignore", invalid="ignore"):  # extreme weights may overflow: measured, not warned
            self._evaluate(record=False)
        return self.metrics()

    def _evaluate(self, record=True):
        """Metrics on the whole train and test splits (no dropout); False if non-finite."""
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
        if not (math.isfinite(m["train_loss"]) and np.isfinite(self.net.flat).all()):
            return False
        self._metrics = m
        if not record:
            return True
        self.history.add(self.epoch, m)
        if self.snapshots.keeps(self.epoch):
            self.snapshots.add(self.epoch, self.net.flat.copy())
        return True

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
            self.stop = Stop("converged", "loss", self.epoch,
                             f"Converged at epoch {self.epoch}: the training loss is below {limit:g}.",
                             "Press play again to keep training, or try a smaller network.")
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
            self.stop = Stop("converged", "confidence", self.epoch,
                             f"Converged at epoch {self.epoch}: every training point has been classified "
                             f"with more than {conf:.0%} confidence for {c['converge_patience']} epochs.",
                             "Press play again to keep training. Does it generalise? Compare the test "
                             "accuracy, and try more noise or fewer neurons.")

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
        if not 2 <= res <= 512:
            raise ValueError(f"res = {res} is not allowed; allowed: 2 to 512")
        net = net or self.net
        x1, x2, F, inputs, shape, columns = self._grid_inputs(res)
        A = picture.activations(net, inputs, columns)  # = net.layers(F)[1], the quick way, neuron-major
        # (inputs is the same array every frame until the plane or the features change)
        return Grid(x1, x2, inputs, [a.reshape(-1, *shape) for a in A[1:-1]], A[-1].reshape(*shape, -1))
