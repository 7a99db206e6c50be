"""An optimizer race: two to four Sessions that differ only in their optimizer, trained side by side.

    race = Race({"dataset": "spiral"}, [{"optimizer": "sgd", "lr": 0.1, "momentum": 0.9},
                                        {"optimizer": "adam", "lr": 0.01}])
    race.step(1)         # every lane one epoch (the same number of optimizer steps each)
    race.winner()        # ([lane], epoch) of the first to meet the convergence rule, or None

A lane is Session(config) for the race's config with its own optimizer keys (the optimizer, its
learning rate and its settings; the optimizers' SETTINGS say which). The seed makes the data, the
initial weights and the shuffling, and no optimizer key touches them: every lane starts from the
same weights, on the same points, shuffled in the same order, and its numbers are those of a solo
run of its config, epoch by epoch. Each lane stops by the session's own rules (converged, stalled,
diverged), or at MAX_EPOCHS.
"""
from ..core import optim
from . import config as cfg
from .session import Session

MIN_LANES, MAX_LANES = 2, 4
MAX_EPOCHS = 3000  # a lane that neither converges nor stops otherwise stops here
# every key a lane may set: the optimizer, its rate, and every optimizer's settings (nn.optim SETTINGS)
OPTIMIZER_KEYS = ("optimizer", "lr", *dict.fromkeys(s.key for cls in optim.OPTIMIZERS.values() for s in cls.SETTINGS))


def lane_keys(name):
    """The keys a lane of optimizer `name` may set: optimizer, lr and that optimizer's own settings."""
    return ("optimizer", "lr", *(s.key for s in optim.lookup(name).SETTINGS))


def lane_config(base, lane):
    """The config of one lane: `base` (a config) with the lane's optimizer keys in place of its own;
    an optimizer key the lane leaves out takes the table's default. Checked by the config table."""
    if not isinstance(lane, dict):
        raise ValueError(f"a lane is a dict of optimizer settings, got {type(lane).__name__}")
    name = cfg.check_value(cfg.BY_NAME["optimizer"], lane.get("optimizer", cfg.DEFAULTS["optimizer"]))
    allowed = lane_keys(name)
    unknown = sorted(set(lane) - set(allowed), key=str)
    if unknown:
        raise ValueError(f"{optim.lookup(name).name} has no setting {', '.join(map(repr, unknown))}; "
                         f"allowed: {', '.join(allowed)}")
    kept = {k: v for k, v in cfg.resolve(base).items() if k not in OPTIMIZER_KEYS}
    return cfg.resolve({**kept, **lane})


def label(config):
    """A lane in words: its optimizer, rate, and each setting that is not the optimizer's own default
    ("SGD, lr 0.1, Momentum 0.9")."""
    cls = optim.lookup(config["optimizer"])
    parts = [cls.name, f"lr {config['lr']:g}"]
    for s in cls.SETTINGS:
        value = config[s.key]
        if value is None or value == s.default:
            continue
        parts.append(s.label if value is True else f"{s.label} {value:g}" if s.kind == "float" else f"no {s.label}")
    return ", ".join(parts)


class Race:
    """The lanes (Sessions) of one race; `custom`: your own data, as Session takes it."""

    def __init__(self, base, lanes, custom=None):
        if not isinstance(lanes, (list, tuple)) or not MIN_LANES <= len(lanes) <= MAX_LANES:
            got = (f"{len(lanes)} lane{'' if len(lanes) == 1 else 's'}" if isinstance(lanes, (list, tuple))
                   else f"a {type(lanes).__name__}")
            raise ValueError(f"a race of {got} is not allowed; allowed: {MIN_LANES} to {MAX_LANES} lanes")
        base = cfg.resolve(base)
        sessions = []
        for i, lane in enumerate(lanes):
            try:
                sessions.append(Session(lane_config(base, lane), custom=custom))
            except ValueError as e:
                raise ValueError(f"lane {i + 1}: {e}") from None
        seen = {}
        for i, s in enumerate(sessions):  # the same rule with the same numbers: nothing to compare
            rule = (s.optimizer.name, repr(sorted(s.optimizer.hyperparameters().items())))
            if rule in seen:
                raise ValueError(f"lanes {seen[rule] + 1} and {i + 1} are the same ({label(s.config)}); "
                                 "allowed: lanes that differ in the optimizer, its rate or a setting")
            seen[rule] = i
        self.base = base
        self.lanes = sessions
        self.labels = [label(s.config) for s in sessions]

    def stopped(self, i):
        """Whether lane i has stopped: by the session's rules, or at MAX_EPOCHS."""
        s = self.lanes[i]
        return s.stop is not None or s.epoch >= MAX_EPOCHS

    @property
    def over(self):
        return all(self.stopped(i) for i in range(len(self.lanes)))

    def step(self, n=1):
        """Every lane still running trains up to n epochs (fewer where it stops); returns the epochs each ran."""
        return [self.step_lane(i, n) for i in range(len(self.lanes))]

    def step_lane(self, i, n=1):
        """Lane i alone trains up to n epochs, if it still runs (the page spreads a round of the lanes over
        frames when it does not fit in one); returns the epochs it ran."""
        s = self.lanes[i]
        return 0 if self.stopped(i) else s.step(min(n, MAX_EPOCHS - s.epoch))

    def winner(self):
        """([lanes], epoch): the lanes that met the convergence rule at the earliest epoch (more than one
        on a tie), or None while none has, or while a lane still running has not reached that epoch (it
        could still meet the rule sooner: lanes trained one after another are not yet level)."""
        done = [(s.stop.epoch, i) for i, s in enumerate(self.lanes) if s.stop is not None and s.stop.kind == "converged"]
        if not done:
            return None
        epoch = min(e for e, _ in done)
        if any(not self.stopped(i) and s.epoch < epoch for i, s in enumerate(self.lanes)):
            return None
        return [i for e, i in done if e == epoch], epoch
