"""Break it: which engine functions the learner may edit in the page, the guided exercises, and
the words the editor says. Pure (no js): tested in CPython. The edit itself is nn.core.edits'.

Each editable function is one no speed path mirrors (nn/fast/*'s MIRRORS name the forward pass
and Optimizer.step, never these), so the page's quick paths cannot run around an edit:
FlatStep calls the optimizer's own `_update`, and the pictures need no derivative.
"""
import copy
from typing import NamedTuple

import nn  # nn.explain, loaded when an edit is first tried (the page starts without it)
from nn.core import edits

from . import source_map


class Editable(NamedTuple):
    file: str        # in nn/
    qualname: str
    label: str       # in the page's menu


EDITABLE = (
    Editable("core/activations.py", "_tanh_prime", "tanh's derivative"),
    Editable("core/activations.py", "_sigmoid_prime", "sigmoid's derivative"),
    Editable("core/activations.py", "_relu_prime", "relu's derivative"),
    Editable("core/losses.py", "_bce_dz", "the loss gradient: binary cross-entropy"),
    Editable("core/losses.py", "_cross_entropy_dz", "the loss gradient: cross-entropy"),
    Editable("core/losses.py", "_mse_dz", "the loss gradient: mean squared error"),
    Editable("core/optim.py", "SGD._update", "SGD's update"),
    Editable("core/optim.py", "Adam._update", "Adam's update (and AdamW's)"),
    Editable("core/mlp.py", "MLP.backprop", "backpropagation"),
)


class Exercise(NamedTuple):
    title: str
    why: str         # two sentences: what to change, and what the page then shows
    file: str
    qualname: str
    find: str        # the text in the function to change ...
    broken: str      # ... and what the exercise changes it into


EXERCISES = (
    Exercise(
        "Drop the 1/n in the mean",
        "The loss is a mean over the n samples, so its gradient (ŷ − y)/n carries the 1/n too: delete "
        "the \"/ Y.size\". The gradient check turns red (backprop's slope is n times the measured one), "
        "yet Adam trains on as before, because it divides every step by √v, the gradient's own size; "
        "with SGD the steps grow n-fold.",
        "core/losses.py", "_bce_dz", "return (out - Y) / Y.size", "return (out - Y)"),
    Exercise(
        "Break tanh's derivative",
        "tanh′(z) is 1 − tanh²z; write 1 − a instead of 1 − a·a, a slip that looks harmless. The "
        "gradient check turns red, and training slows and stalls, because every hidden layer now "
        "passes back a wrong slope.",
        "core/activations.py", "_tanh_prime", "return 1.0 - a * a", "return 1.0 - a"),
    Exercise(
        "Forget Adam's bias correction",
        "Adam starts m and v at zero, so its early averages are too small, and dividing by 1 − βᵗ "
        "undoes that: set both corrections to 1. The gradient check stays green (the gradient is "
        "right; only the step is wrong), but the first steps are (1 − β₁)/√(1 − β₂) ≈ 3.2 times lr "
        "instead of lr, and on the spiral the loss settles far more slowly.",
        "core/optim.py", "Adam._update",
        "bias_correction1 = 1 - beta1**t\n        bias_correction2 = 1 - beta2**t",
        "bias_correction1 = 1\n        bias_correction2 = 1"),
)


def editable(file, qualname):
    """The Editable record of this function, or None."""
    return next((e for e in EDITABLE if (e.file, e.qualname) == (file, qualname)), None)


def function_text(file_text, qualname):
    """(the definition of `qualname` as written in the file, its first line number)."""
    first, last = source_map.locate(file_text, qualname)
    return "\n".join(file_text.split("\n")[first - 1:last]), first


def running_text(file, file_text, qualname):
    """(the text of the function as it runs now, the edit if there is one; its first line)."""
    written, first = function_text(file_text, qualname)
    return edits.edited().get((file, qualname), written), first


def apply(session, file, qualname, text, first):
    """Run the learner's `text` in place of the function, after trying it on a copy of `session`
    (rebuilt, one epoch, the gradient check). Any error: the last working code runs again, and
    EditError says what went wrong, on which line of the file. `session` itself is left alone
    (the caller rebuilds its network when this returns)."""
    edits.replace(file, qualname, text, first)  # EditError when it does not compile: nothing changed
    try:
        trial = copy.deepcopy(session)
        trial.reset()
        trial.step(1, until_stop=False)
        nn.explain.live_check(trial)
    except Exception as e:  # noqa: BLE001 - whatever the edited code raises, the learner is told
        edits.back(file, qualname)
        raise edits.EditError(f"{type(e).__name__}: {e}", edits.where(e, file)) from None


def exercise_text(exercise, text):
    """The function's text with the exercise's change made; ValueError if the text no longer has
    the line the exercise changes (an edit of the learner's changed it)."""
    if exercise.find not in text:
        raise ValueError(f"this function no longer contains {exercise.find.splitlines()[0]!r}; "
                         "press Restore for the original, then try the exercise")
    return text.replace(exercise.find, exercise.broken, 1)


def changed_line(exercise, text, first):
    """The file line the exercise changes, in the function's text starting on line `first`."""
    return first + text[:text.index(exercise.find)].count("\n")


def running_words():
    """What the badge and the panel say while edited code runs ("" when none does)."""
    found = edits.edited()
    if not found:
        return ""
    names = ", ".join(_label(file, qualname) for file, qualname in found)
    return f"Edited code running: {names}"


def check_note(relative_error):
    """What the gradient check adds when it disagrees while edited code runs ("" otherwise)."""
    words = running_words()
    if not words or not relative_error > 1e-6:
        return ""
    return f"{words}. Backprop runs your code: look there first (the code panel's editor; Restore undoes it)."


def stop_hint(stop):
    """The hint for a stop (stalled, diverged) while edited code runs, pointing at the edit; "" otherwise."""
    words = running_words()
    if not words or stop.kind not in ("stalled", "diverged"):
        return ""
    return (f"{words}: the edit may be why. The gradient check shows whether backprop is still right; "
            "Restore, in the code panel, brings back the original.")


def viewer_note(file, qualname):
    """What the source viewer adds while the function it marks runs edited code."""
    if (file, qualname) not in edits.edited():
        return ""
    return " It runs your edited version now (in the editor above); what is shown here is the code as written."


def _label(file, qualname):
    e = editable(file, qualname)
    return e.label if e else f"{qualname} (nn/{file})"


def applied_words(file, qualname, check):
    """After Apply: what now runs, and where to look. check: nn.explain.live_check's result."""
    said = (f"Applied: {_label(file, qualname)} runs your code, in training, the pictures and the "
            "gradient check; the network started again from its first weights.")
    if check is None or check["too_large"]:
        return said
    rel = check["relative_error"]
    if rel > 1e-6:
        return (f"{said} The gradient check now disagrees: relative error {rel:.3g} (backprop "
                f"{check['analytic']:.4g}, measured slope {check['numeric']:.4g}). Backprop no longer "
                "computes the loss's slope: see Gradient check, and watch the loss.")
    return (f"{said} The gradient check still agrees (relative error {rel:.1g}): backprop is right; "
            "if the edit changed the optimizer, watch the loss instead.")


def error_words(error, file):
    """A failed edit's message, with the line of nn/<file> it points at."""
    line = getattr(error, "line", None)
    message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
    where = f" on line {line} of nn/{file}" if line else ""
    return f"Your edit was not applied: {message}{where}. The last working code stays in use."
