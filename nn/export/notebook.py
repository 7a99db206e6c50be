"""The page's run as a Jupyter notebook (nbformat 4) that reproduces it in plain CPython, with the
very engine the page ran: the `nn` package's sources travel inside the notebook.

    text = to_notebook(session)               # the .ipynb file's text (JSON)

Its cells, each explained for a learner: write the engine's files to a folder and import them;
build `Session(config)` from the page's settings (the same seed gives the same data and initial
weights); train epoch by epoch to the page's epoch, as the page did; print the page's losses beside
these and the largest difference (asserting at most 1e-9); draw the curve, and suggest what to try.

Replaying the config is exact only when nothing was done by hand (`session.by_hand` is empty): an
edited weight, an added point or a setting changed mid-run is not in the config. Then the notebook
says so and starts from the session's saved form instead (nn.training.saved.dumps, carried inside).

Reads the package's files at export time (in Pyodide they are on its virtual file system); imports
neither js nor anything outside the standard library and numpy.
"""
import base64
import json
from pathlib import Path
from string import Template

from ..data import digits
from ..training import config as cfg, saved
from . import text as words

PACKAGE = Path(__file__).resolve().parent.parent  # nn/
FOLDER = "watch_it_learn_engine"                  # where the notebook writes the engine, beside itself
TOLERANCE = 1e-9
NBFORMAT = (4, 5)                                 # nbformat 4.5: every cell has an id


def engine_files():
    """The `nn` package's Python sources, {"nn/core/mlp.py": text}, sorted by path."""
    files = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)
    return {p.relative_to(PACKAGE.parent).as_posix(): p.read_text(encoding="utf-8") for p in files}


def digits_file():
    """The digits data file's bytes (the page's digits dataset reads it), or None if not found."""
    for path in digits.candidate_paths():
        if path.is_file():
            return path.read_bytes()
    return None


def to_notebook(session):
    """The text of an .ipynb notebook (nbformat 4) that reproduces `session`'s run with the engine's
    own sources: by replaying its config, or, when the run was changed by hand (where replaying the
    config would not give the same numbers), by opening its saved form."""
    hand = words.by_hand(session)
    resume = bool(hand)
    cells = [
        _markdown(_title(session)),
        _markdown(ENGINE_WORDS),
        _code(_engine_cell(session), hidden=True),
        _code(IMPORT_CELL),
        _markdown(SETUP_WORDS),
        _code(Template(SETUP_CELL).substitute(config=words.config_literal(session.config))),
    ]
    if hand:
        cells.append(_markdown(_by_hand_words(hand)))
    if resume:
        cells.append(_code(Template(RESUME_CELL).substitute(saved=repr(saved.dumps(session)))))
    else:
        cells += [_markdown(Template(REPLAY_WORDS).substitute(epoch=session.epoch)),
                  _code(Template(REPLAY_CELL).substitute(epoch=session.epoch,
                                                         loss=words.number(session.metrics()["train_loss"])))]
    cells += [
        _markdown(COMPARE_WORDS),
        _code(Template(COMPARE_CELL).substitute(history=_history(session), tolerance=repr(TOLERANCE))),
        _markdown(CURVE_WORDS),
        _code(CURVE_CELL),
        _markdown(NEXT_WORDS),
    ]
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i + 1}"
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": NBFORMAT[0],
        "nbformat_minor": NBFORMAT[1],
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


# -- cells --------------------------------------------------------------------------------------------
def _lines(source):
    """A cell's source as nbformat keeps it: a list of lines, each but the last ending in a newline."""
    return source.strip("\n").splitlines(keepends=True)


def _markdown(source):
    return {"cell_type": "markdown", "metadata": {}, "source": _lines(source)}


def _code(source, hidden=False):
    metadata = {"jupyter": {"source_hidden": True}} if hidden else {}
    return {"cell_type": "code", "execution_count": None, "metadata": metadata, "outputs": [],
            "source": _lines(source)}


def _title(session):
    c = session.config
    setup = "\n".join(f"- `{name}` = {words.setting_text(value)}" for name, value in cfg.changed(c))
    return (f"# A run from *Watch it learn*, reproduced\n\n"
            f"The page trained a network ({words.network_text(session)}) on the **{c['dataset']}** data with "
            f"{session.optimizer.name} to epoch **{session.epoch}**. This notebook does the same in plain Python "
            f"(3.11 or later, with numpy), with the very engine the page ran: its source files travel inside "
            f"this notebook. Run the cells from top to bottom.\n\n"
            f"The page's setup, the settings that differ from the defaults:\n\n{setup}")


def _engine_cell(session):
    entries = "\n".join(f"    {path!r}: {text!r}," for path, text in engine_files().items())
    cell = ("# The engine's source files, exactly as the page ran them: {path: text}\n"
            f"ENGINE_FILES = {{\n{entries}\n}}\n")
    data = digits_file() if session.config["dataset"] == "digits" else None
    if data is not None:
        cell += ("# the handwritten digits the page learnt from (nn/data/digits.py reads this file)\n"
                 f"DIGITS_NPZ_BASE64 = {base64.b64encode(data).decode('ascii')!r}\n")
    else:
        cell += "DIGITS_NPZ_BASE64 = None  # (this run does not use the digits data file)\n"
    return cell


def _by_hand_words(hand):
    done = "\n".join(f"- {h}" for h in hand)
    then = ("So this notebook does not replay: it opens the network the page saved, with its weights, its "
            "optimizer's state and its history, and training on from it gives the numbers the page would.")
    return f"## The run was changed by hand\n\nOn the page, things were done that the settings do not record:\n\n{done}\n\n{then}"


def _history(session):
    """The page's history (every kept epoch): epochs, training and test losses, as Python literals."""
    h = session.history_table()
    return "\n".join(f"    {key!r}: {words.literal(h[key], ' ' * (len(key) + 8))},"
                     for key in ("epoch", "train_loss", "test_loss"))


# -- the notebook's text and code -------------------------------------------------------------------
ENGINE_WORDS = f"""
## 1. The engine

The page's network is the `nn` package: a few small Python files that need nothing but numpy. The next
cell holds their text exactly as the page ran them (its code is folded away; unfold it, or read the
files it writes into the folder `{FOLDER}/` beside this notebook). The cell after it writes them and
imports them, so everything below runs the page's own code.
"""

IMPORT_CELL = f'''
import base64
import importlib
import shutil
import sys
from pathlib import Path

import numpy as np

ENGINE = Path("{FOLDER}").resolve()
shutil.rmtree(ENGINE, ignore_errors=True)  # (a second run writes the files afresh)
for name, text in ENGINE_FILES.items():
    path = ENGINE / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
if DIGITS_NPZ_BASE64 is not None:
    (ENGINE / "data").mkdir(exist_ok=True)
    (ENGINE / "data" / "digits.npz").write_bytes(base64.b64decode(DIGITS_NPZ_BASE64))

# import nn from that folder, even if another nn was imported before
sys.path.insert(0, str(ENGINE))
for module in [m for m in sys.modules if m == "nn" or m.startswith("nn.")]:
    del sys.modules[module]
importlib.invalidate_caches()
import nn

if Path(nn.__file__).resolve().parent != ENGINE / "nn":
    raise ImportError(f"imported another nn package ({{nn.__file__}}), not the page's in {{ENGINE}}")
print(f"the page's engine: {{len(ENGINE_FILES)}} files in {{ENGINE / 'nn'}}; numpy {{np.__version__}}")
'''

SETUP_WORDS = """
## 2. The setup

A `Session` is what the page trains: the data, the network and the optimizer. It is built from a
config, a dict of settings (their table, with every default, is `nn/training/config.py`). The config
below holds the page's settings that differ from the defaults. The seed in it makes the same data,
the same initial weights and the same shuffling as on the page.
"""

SETUP_CELL = """
from nn import Session

config = $config
session = Session(config)
print(session.net)
print("at epoch 0:", session.metrics())
"""

RESUME_CELL = """
# The page's saved network (nn.training.saved.dumps): its weights, its optimizer's state, its history
SAVED = $saved

from nn.training import saved

session = saved.loads(SAVED)
print(f"opened the page's network at epoch {session.epoch}:", session.metrics())
"""

REPLAY_WORDS = """
## 3. Training, epoch by epoch

Each epoch goes once through the training points in shuffled mini-batches, as on the page. The page
stops by itself when training has converged, and the learner pressed play again to go on; here
`step(1, until_stop=False)` goes on past convergence at once. If training diverged on the page, the
page went back to the epoch of its lowest loss, said why, and training went on from there when play
was pressed again: the same happens here. So the page may have passed its epoch $epoch more than
once; training here goes on until it is at that epoch with the page's training loss.
"""

REPLAY_CELL = """
TARGET_EPOCH = $epoch
PAGE_LOSS = $loss  # the page's training loss at that epoch


def at_the_pages_epoch():
    if session.epoch != TARGET_EPOCH:
        return False
    # (another pass through this epoch, before or after a divergence, has another loss by far)
    return abs(session.metrics()["train_loss"] - PAGE_LOSS) <= 1e-6 * PAGE_LOSS + 1e-12


runs, most = 0, 3 * TARGET_EPOCH + 100
while not at_the_pages_epoch() and runs < most:
    runs += session.step(1, until_stop=False)  # one epoch (past convergence, as play pressed again)
    if session.stop is not None and session.stop.kind == "diverged":
        print(session.stop.message)  # the page said the same, and went back to its healthiest epoch
        session.clear_stop()         # then play was pressed again
    if session.epoch % max(1, TARGET_EPOCH // 5) == 0:
        print(f"epoch {session.epoch:6d}   train loss {session.metrics()['train_loss']:.6f}")
if not at_the_pages_epoch():
    print(f"after {runs} epochs the replay has not come to the page's epoch {TARGET_EPOCH} with its loss")
print(f"at epoch {session.epoch}:", session.metrics())
"""

COMPARE_WORDS = """
## 4. The same losses as on the page

The page kept its losses epoch by epoch (every epoch for short runs, evenly spread ones for long
ones). Here they are beside this notebook's, with the largest difference between the two. Only
rounding may differ (the page runs numpy 2.0.2 in the browser), so the check allows 1e-9.
"""

COMPARE_CELL = """
# the page's history: the epochs it kept, with their training and test losses
PAGE = {
$history
}

ours = session.history_table()
here = {e: (a, b) for e, a, b in zip(ours["epoch"], ours["train_loss"], ours["test_loss"])}
rows = [(e, a, b, *here[e]) for e, a, b in zip(PAGE["epoch"], PAGE["train_loss"], PAGE["test_loss"]) if e in here]
missing = [e for e in PAGE["epoch"] if e not in here]
print(f"{'epoch':>6}  {'train loss: page':>20}  {'here':>16}  {'test loss: page':>20}  {'here':>16}")
shown = rows if len(rows) <= 6 else rows[:3] + rows[-3:]  # the first and the last epochs
for i, (e, page_train, page_test, train, test) in enumerate(shown):
    if i == 3 and len(rows) > 6:
        print(f"{'...':>6}")
    print(f"{e:6d}  {page_train:20.12f}  {train:16.12f}  {page_test:20.12f}  {test:16.12f}")
largest = max((max(abs(r[1] - r[3]), abs(r[2] - r[4])) for r in rows), default=float("inf"))
print(f"largest difference over {len(rows)} epochs: {largest:.3g}" + (f"; epochs not here: {missing}" if missing else ""))
assert not missing and largest <= $tolerance, "the losses differ from the page's"
print("the same losses as on the page")
"""

CURVE_WORDS = """
## 5. The curve

The training and test losses over the epochs, the page's chart drawn again (if matplotlib is
installed: `pip install matplotlib`).
"""

CURVE_CELL = """
try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
    print("pip install matplotlib to see the curve")
if plt is not None:
    h = session.history_table()
    plt.plot(h["epoch"], h["train_loss"], label="training loss")
    plt.plot(h["epoch"], h["test_loss"], label="test loss")
    plt.xlabel("epoch")
    plt.yscale("log")
    plt.legend()
    plt.show()
"""

NEXT_WORDS = """
## 6. Your turn

The session is yours now. Some things to try, each in a new cell:

- `session.step(100)`: train on (it stops by itself at convergence, as the page does)
- `session.update({"lr": 0.003})`: change a setting; the weights stay, training goes on
- `session.net.W[0]`: the first layer's weights, `session.net.forward(session.X_test)` its outputs
- `nn.gradcheck(session.net, session.X_train, session.Y_train, session.loss)`: backpropagation against
  finite differences
- read how an epoch works in `watch_it_learn_engine/nn/training/session.py` (`_epoch_unguarded`)
"""
