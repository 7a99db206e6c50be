"""A whole session as one JSON file, and back: what the page's Save writes and Open reads.

    text = saved.dumps(session)       # format, version, config, data, weights, optimizer and
    again = saved.loads(text)         # schedule state, epoch, steps, history: training on from
                                      # `again` gives the numbers `session` would have given

Reading checks every field before anything is built, so a damaged or foreign file gets one
sentence that says what is wrong and what is allowed, and the caller's session is never touched
(`loads` returns a new one or raises ValueError).

Arrays a learner may want to read (the weights, the data) are JSON lists; the weight snapshots
kept for scrubbing back are base64 float64 (little-endian), thinned to fit SNAPSHOT_BYTES.
"""
import base64
import json
import math
import numbers

import numpy as np

from ..data import custom
from .session import Session

FORMAT = "watch-it-learn session"
VERSION = 1
MAX_BYTES = 20 * 2**20          # a file larger than this is refused before it is read
SNAPSHOT_BYTES = 8 * 2**20      # the snapshots' share of a file, at most (older ones are thinned)


# -- writing ----------------------------------------------------------------------------------------

def _packed(a):
    return {"float64": base64.b64encode(np.ascontiguousarray(a, dtype="<f8").tobytes()).decode("ascii")}


def _thinned(parts, per_entry):
    """Snapshots whose encoded size fits SNAPSHOT_BYTES: every other one dropped (the stride doubled,
    as the record itself thins) until they do."""
    entries, stride = list(parts["entries"]), parts["stride"]
    while len(entries) > 2 and len(entries) * per_entry > SNAPSHOT_BYTES:
        stride *= 2
        entries = [e for e in entries if e[0] % stride == 0]
    return {**parts, "stride": stride, "entries": entries}


def to_dict(session):
    """The session as a JSON-safe dict (see the module's docstring)."""
    st = session.saved_state()
    data = {k: v.tolist() for k, v in st["data"].items()}
    snaps = _thinned(st["snapshots"], per_entry=st["watch"]["best_weights"].size * 8 * 4 / 3)
    watch = {**st["watch"], "best_weights": _packed(st["watch"]["best_weights"])}
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": st["config"],
        "epoch": st["epoch"], "steps": st["steps"], "added": st["added"],
        "seen_last_epoch": st["seen_last_epoch"], "by_hand": st["by_hand"],
        "stop": st["stop"],
        "network": st["network"],
        "optimizer": st["optimizer"],
        "schedule": st["schedule"],
        "shuffle": st["shuffle"],
        "watch": watch,
        "history": st["history"],
        "snapshots": {**snaps, "entries": [[e, _packed(w)] for e, w in snaps["entries"]],
                      "latest": None if snaps["latest"] is None else [snaps["latest"][0], _packed(snaps["latest"][1])]},
        "data": data,
        "custom": None if st["custom"] is None else custom.to_dict(st["custom"]),
    }


def dumps(session):
    """The file's text. Floats are written exactly (Python's shortest repr reads back the same bits)."""
    return json.dumps(to_dict(session), allow_nan=False, separators=(",", ":"))


# -- reading ----------------------------------------------------------------------------------------

class _Damaged(ValueError):
    """A field that is missing or of the wrong kind: `where` names it, `allowed` says what it takes."""

    def __init__(self, where, allowed):
        super().__init__(f"the file's {where} is damaged; allowed: {allowed}")


def _field(d, key, where):
    if not isinstance(d, dict) or key not in d:
        raise ValueError(f"the file lacks {where}{key}")
    return d[key]


def _whole(value, where, lo=0, hi=2**53):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not lo <= value <= hi:
        raise _Damaged(where, f"a whole number from {lo} to {hi}")
    return int(value)


def _real(value, where):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise _Damaged(where, "a finite number")
    return float(value)


def _numbers(value, where, dims):
    """A JSON list of lists (dims 2) or list (dims 1) of finite numbers, as float64."""
    def plain(v, depth):
        if depth:
            return isinstance(v, list) and all(plain(x, depth - 1) for x in v)
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if not plain(value, dims):
        raise _Damaged(where, f"a {'table' if dims == 2 else 'list'} of numbers")
    try:
        a = np.array(value, dtype=np.float64)
    except ValueError:
        raise _Damaged(where, "rows of equal length") from None
    if dims == 2 and a.size == 0:
        a = a.reshape(0, 0)
    if a.ndim != dims or not np.all(np.isfinite(a)):
        raise _Damaged(where, f"{'rows of equal length of ' if dims == 2 else ''}finite numbers")
    return a


def _unpacked(value, where):
    text = _field(value, "float64", where + ".")
    try:
        raw = base64.b64decode(text, validate=True) if isinstance(text, str) else b"?"
    except ValueError:
        raw = b"?"
    if len(raw) % 8:
        raise _Damaged(where, "float64 numbers in base64")
    a = np.frombuffer(raw, dtype="<f8").astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise _Damaged(where, "finite numbers")
    return a


def _record(parts, where, value_of):
    """A Thinning's parts, each entry's value read by value_of."""
    if not isinstance(parts, dict):
        raise _Damaged(where, "a record (capacity, stride, entries, latest)")
    capacity = _whole(_field(parts, "capacity", where + "."), where + ".capacity", 2, 10**6)
    stride = _whole(_field(parts, "stride", where + "."), where + ".stride", 1, 2**53)
    dense = _whole(parts.get("dense", 0), where + ".dense", 0, 10**6)  # (files before the dense window: 0)
    entries = _field(parts, "entries", where + ".")
    latest = _field(parts, "latest", where + ".")
    if not isinstance(entries, list) or not all(isinstance(e, list) and len(e) == 2 for e in entries):
        raise _Damaged(where + ".entries", "a list of [epoch, value] pairs")
    read = [(_whole(e, where + ".entries"), value_of(v, f"{where} at epoch {e}")) for e, v in entries]
    if latest is not None:
        if not (isinstance(latest, list) and len(latest) == 2):
            raise _Damaged(where + ".latest", "an [epoch, value] pair")
        latest = (_whole(latest[0], where + ".latest"), value_of(latest[1], f"{where}'s latest"))
    return {"capacity": capacity, "stride": stride, "dense": dense, "entries": read, "latest": latest}


def _metrics_row(value, where):
    if not isinstance(value, dict) or not value:
        raise _Damaged(where, "a row of named metrics")
    return {str(k): (_whole(v, f"{where}: {k}") if k == "epoch" else _real(v, f"{where}: {k}"))
            for k, v in value.items()}


def _stop(value):
    if value is None:
        return None
    keys = {"kind": str, "reason": str, "epoch": int, "message": str, "hint": str}
    if not isinstance(value, dict) or set(value) != set(keys) or value.get("kind") not in ("converged", "diverged", "stalled"):
        raise _Damaged("stop", "none, or why training stopped: kind (converged, diverged or stalled), reason, epoch, message, hint")
    for k, t in keys.items():
        if t is int:
            _whole(value[k], f"stop.{k}")
        elif not isinstance(value[k], str):
            raise _Damaged(f"stop.{k}", "text")
    return dict(value)


def _parsed(text):
    if isinstance(text, (bytes, bytearray, memoryview)):
        if len(text) > MAX_BYTES:
            raise ValueError(f"the file is {len(text) / 2**20:.1f} MB; allowed: at most {MAX_BYTES // 2**20} MB")
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("the file is not text (not UTF-8); a saved network is a JSON file") from None
    if not isinstance(text, str):
        raise ValueError(f"a saved session is text, got {type(text).__name__}")
    if len(text) > MAX_BYTES:
        raise ValueError(f"the file is {len(text) / 2**20:.1f} MB; allowed: at most {MAX_BYTES // 2**20} MB")
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"the file is not JSON (line {e.lineno}, column {e.colno}: {e.msg}); "
                         "a saved network is the JSON file the Save button writes") from None
    except RecursionError:
        raise ValueError("the file is not a saved network: it nests too deep") from None
    if not isinstance(d, dict):
        raise ValueError(f"the file holds a JSON {type(d).__name__}; a saved network is a JSON object")
    if d.get("format") != FORMAT:
        given = d.get("format")
        raise ValueError(f"the file's format is {str(given)[:60]!r}; this page opens {FORMAT!r} files "
                         "(the ones its Save button writes)" if given is not None else
                         f"the file has no format name; this page opens {FORMAT!r} files (the ones its Save button writes)")
    version = d.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _Damaged("version", f"a whole number (this page reads version {VERSION})")
    if version > VERSION:
        raise ValueError(f"the file was saved by a newer version of the page (format version {version}); "
                         f"this page reads version {VERSION} and older: open it on the newer page")
    return d


def _state(d):
    """The file's parts, each checked for its type, as Session.restored takes them."""
    from . import config as cfg
    try:
        config = cfg.resolve(_field(d, "config", ""))
    except ValueError as e:
        raise ValueError(f"the file's config: {e}") from None
    data = _field(d, "data", "")
    data = {"X_train": _numbers(_field(data, "X_train", "data."), "data.X_train", 2),
            "y_train": _numbers(_field(data, "y_train", "data."), "data.y_train", 1),
            "X_test": _numbers(_field(data, "X_test", "data."), "data.X_test", 2),
            "y_test": _numbers(_field(data, "y_test", "data."), "data.y_test", 1)}
    watch = _field(d, "watch", "")
    recent = _field(watch, "recent", "watch.")
    if not isinstance(recent, list):
        raise _Damaged("watch.recent", "a list of numbers")
    return {
        "config": config,
        "data": data,
        "network": _field(d, "network", ""),      # MLP.from_dict checks it field by field
        "optimizer": _field(d, "optimizer", ""),  # so does optim.from_dict
        "schedule": _field(d, "schedule", ""),    # and schedules.from_dict
        "shuffle": _field(d, "shuffle", ""),
        "epoch": _whole(_field(d, "epoch", ""), "epoch"),
        "steps": _whole(_field(d, "steps", ""), "steps"),
        "added": _whole(_field(d, "added", ""), "added"),
        "seen_last_epoch": _whole(_field(d, "seen_last_epoch", ""), "seen_last_epoch"),
        "by_hand": _texts(_field(d, "by_hand", "")),
        "history": _record(_field(d, "history", ""), "history", _metrics_row),
        "snapshots": _record(_field(d, "snapshots", ""), "snapshots", _unpacked),
        "watch": {"start_loss": _real(_field(watch, "start_loss", "watch."), "watch.start_loss"),
                  "best_loss": _real(_field(watch, "best_loss", "watch."), "watch.best_loss"),
                  "best_epoch": _whole(_field(watch, "best_epoch", "watch."), "watch.best_epoch"),
                  "best_weights": _unpacked(_field(watch, "best_weights", "watch."), "watch.best_weights"),
                  "best_steps": _whole(_field(watch, "best_steps", "watch."), "watch.best_steps"),
                  "recent": [_real(v, "watch.recent") for v in recent],
                  "confident_epochs": _whole(_field(watch, "confident_epochs", "watch."), "watch.confident_epochs"),
                  "progress_loss": _real(_field(watch, "progress_loss", "watch."), "watch.progress_loss"),
                  "progress_epoch": _whole(_field(watch, "progress_epoch", "watch."), "watch.progress_epoch")},
        "stop": _stop(_field(d, "stop", "")),
        "custom": _own_data(d.get("custom")),
    }


def _own_data(value):
    """Your own data (nn.data.custom), or None (a file from before it, or of a built-in set)."""
    if value is None:
        return None
    try:
        return custom.from_dict(value)
    except ValueError as e:
        raise ValueError(f"the file's own data is damaged: {e}") from None


def _texts(value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Damaged("by_hand", "a list of texts")
    return value


def loads(text):
    """A new Session from a saved file's text (or bytes); ValueError with one sentence if the file
    is not one this page can open. Nothing else is touched."""
    state = _state(_parsed(text))
    try:
        return Session.restored(state)
    except ValueError as e:
        message = str(e)
        raise ValueError(message if message.startswith("the file") else f"in the file, {message}") from None
    except (TypeError, KeyError, IndexError, OverflowError, AttributeError) as e:
        raise ValueError(f"the file is damaged ({type(e).__name__}: {str(e)[:80]})") from None
