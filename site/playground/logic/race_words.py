"""The optimizer race's words (panels/race.py shows them): pure, so a CPython test reads them against a
race run here."""
from nn.training import race as race_rules

LEAD = ("Race two to four optimizers. Every lane starts from the same initial weights (the seed's), learns the "
        "same points in the same shuffled order, and trains as many epochs a round as the Speed menu says, the "
        "lanes in turn. The first lane to meet the convergence rule, the one that stops the playground, wins.")
READY = "Tick the lanes to race (two to four), choose their optimizers, then press Start race."
PICTURE_NONE = "This data has no plane to draw: follow the losses below."


def _plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def lanes_named(indices, labels):
    """"lane 2 (Adam, lr 0.01)", or "lanes 1 and 3 (SGD, lr 0.1; Adam, lr 0.01)"."""
    nums = [str(i + 1) for i in indices]
    said = "; ".join(labels[i] for i in indices)
    if len(nums) == 1:
        return f"lane {nums[0]} ({said})"
    return f"lanes {', '.join(nums[:-1])} and {nums[-1]} ({said})"


def winner_text(winner, labels):
    indices, epoch = winner
    who = lanes_named(indices, labels)
    together = " together" if len(indices) > 1 else " first"
    return f"{who[:1].upper()}{who[1:]} met the convergence rule{together}, at epoch {epoch:,}."


def status(race, racing, speed):
    """What the race is doing, in one or two sentences."""
    if race is None:
        return READY
    won = race.winner()
    head = winner_text(won, race.labels) if won else ""
    if racing:
        if won:
            return f"{head} The others train on until they stop too; Stop race ends it."
        return (f"Racing: the lanes train in turn, {_plural(speed, 'epoch')} each a round. "
                f"No lane has met the convergence rule yet.")
    epoch = max(s.epoch for s in race.lanes)
    if won:
        return f"{head} {'Every lane has stopped.' if race.over else f'The race was stopped at epoch {epoch:,}.'}"
    if race.over:
        return "Every lane stopped without meeting the convergence rule: see why on each lane."
    return f"The race was stopped at epoch {epoch:,}, before any lane met the convergence rule."


def lane_numbers(session):
    """A lane's epoch and scores: "epoch 120 · loss 0.0213 · accuracy 97.5%"."""
    m = session.metrics()
    score = (f"accuracy {m['train_accuracy']:.1%}" if session.kind == "classification"
             else f"RMSE {m['train_rmse']:.3g}")
    return f"epoch {m['epoch']:,} · loss {m['train_loss']:.3g} · {score}"


def lane_stop(session, first):
    """Why a lane stopped, in a few words ("" while it trains); `first`: it won."""
    stop = session.stop
    if stop is None:
        return f"stopped at the race's {race_rules.MAX_EPOCHS:,} epochs" if session.epoch >= race_rules.MAX_EPOCHS else ""
    if stop.kind == "diverged":
        return f"diverged: back to epoch {stop.epoch:,}"
    return f"{'Winner: ' if first else ''}{stop.kind} at epoch {stop.epoch:,}"
