"""The replay scrubber's words: where it is, and what going back from there does (no js)."""


def position(epoch, now):
    """What the scrubber's readout says: the epoch shown, against the live one."""
    return "now" if epoch >= now else f"epoch {epoch:,} of {now:,}"


def slider_text(epoch, now):
    """The slider's aria-valuetext (a screen reader reads this, not the position number)."""
    return f"epoch {epoch:,}, now" if epoch >= now else f"epoch {epoch:,} of {now:,}"


def went_back(at, was):
    """The message once Play or Step trains on from a past epoch: what became of the later ones."""
    later = f"epoch {was:,} is" if was == at + 1 else f"epochs {at + 1:,} to {was:,} are"
    return (f"Training goes on from epoch {at:,}: {later} replaced by the new ones.",
            "Only the weights were kept at each epoch, so the optimizer's state (its momentum, Adam's averages) "
            f"starts afresh at epoch {at:,}; this run no longer replays its settings exactly.")
