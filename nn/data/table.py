"""A data table from a CSV or TSV file, and back: what the page's "Open a data table" reads and its
"Download data" writes.

    t = read_table(text)                  # Table: column names, rows of text, the file's own split
    inputs, target = default_choice(t)    # the last column is the target, the others inputs
    ds = choose(t, inputs, target)        # a Dataset named "custom" (nn.data.custom)
    text = to_csv(ds)                     # inputs, target, split: read_table reads it back the same

Reading: comma, tab or semicolon separated (guessed from the first line), fields may be quoted
(a comma, a line break or a doubled quote inside quotes is part of the field), numbers use "." for
decimals (1, -2.5, .5, 3e-4), surrounding spaces are ignored, blank lines skipped. The first row is
a header when it holds a word over a column of mostly numbers, or names our own split column. A
column named "split" holding only train and test is the file's split, not a column to learn from.
Empty cells and NA, N/A, NaN, null, ? are missing values.

Choosing: inputs are 1 to 8 number columns, the first two drawn on the plane; the target is any
other column. A target of at most 10 distinct values (numbers or words) gives classes, named by
those values, numbers in numeric order and words in alphabetical order; a number target with more
is a regression. Inputs are standardized onto the plane, (value - mean) / std, and so is a
regression target. Each refusal is one ValueError naming the row and column and what is allowed.
Rows are numbered as in the file (a spreadsheet's numbering: the header, if any, is row 1).
"""
import csv
import io
import math
import re
from dataclasses import dataclass

import numpy as np

from .. import limits
from . import custom
from .datasets import Dataset

MAX_BYTES = limits.MAX_TABLE_BYTES
MAX_ROWS = limits.MAX_POINTS
MAX_COLUMNS = limits.MAX_TABLE_COLUMNS
MAX_INPUTS = limits.MAX_TABLE_INPUTS
MAX_CLASSES = limits.MAX_CLASSES
MISSING = {"", "na", "n/a", "nan", "null", "?"}
SPLIT = "split"
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def is_number(text):
    """Whether a (stripped) field is a number as a table writes one: digits, "." decimals, an exponent."""
    return _NUMBER.fullmatch(text) is not None


def is_missing(text):
    return text.lower() in MISSING


@dataclass(frozen=True)
class Table:
    """A table as read: names (one per column), rows (tuples of stripped text), each row's number
    in the file (`lines`), and the file's own split ("train"/"test" per row) or None."""

    names: tuple
    rows: tuple
    lines: tuple
    header: bool
    split: tuple | None = None
    places: tuple = ()  # each column's number in the file, from 1 (a split column is left out)

    def column(self, c):
        return tuple(row[c] for row in self.rows)

    def is_numeric(self, c):
        """Every value of column c is a number (no missing value, no word)."""
        return all(is_number(v) for v in self.column(c))

    def where(self, c):
        """Column c as people name it: 'column 3 ("petal_width")', or 'column 3' without a header."""
        place = self.places[c] if self.places else c + 1
        return f'column {place} ("{self.names[c]}")' if self.header else f"column {place}"


def _delimiter(first_line):
    if "\t" in first_line:
        return "\t"
    if ";" in first_line and "," not in first_line:
        return ";"
    return ","


def _records(text, delimiter):
    """(file row number, stripped fields) of each non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for fields in reader:
            row, start = start, reader.line_num + 1
            fields = [f.strip() for f in fields]
            if any(fields):
                yield row, fields
    except csv.Error as e:
        raise ValueError(f"Row {start} cannot be read as {'CSV' if delimiter != chr(9) else 'TSV'} ({e}): "
                         'a field in quotes must end with a quote, and a quote inside it is written ""') from None


def _has_header(first, rest):
    for c, name in enumerate(first):
        below = [r[c] for r in rest]
        numbers = sum(is_number(v) for v in below)
        if 2 * numbers > len(below) and not is_number(name) and not is_missing(name):
            return True  # (a column of numbers with a gap or a stray word is still one, named by its header)
        if name.lower() == SPLIT and below and all(v.lower() in ("train", "test") for v in below):
            return True
    return False


def _unique(names):
    """Column names, each given one (column k when empty) and made unique ("a", "a (2)")."""
    seen, out = set(), []
    for k, name in enumerate(names):
        name = name or f"column {k + 1}"
        base, i = name, 2
        while name.lower() in seen:
            name, i = f"{base} ({i})", i + 1
        seen.add(name.lower())
        out.append(name)
    return tuple(out)


def read_table(text):
    """Read a CSV or TSV text into a Table; ValueError saying what is wrong, where, and what is allowed."""
    if not isinstance(text, str):
        raise ValueError(f"a table is text, got {type(text).__name__}")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise ValueError(f"The file is {size:,} bytes; a table can have at most {MAX_BYTES:,} bytes (1 MB).")
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise ValueError("The file is not text (it holds zero bytes): open a CSV or TSV table, such as a "
                         "spreadsheet saved as CSV.")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise ValueError("The file is empty: a table needs a row for each point, with its numbers "
                         "separated by commas or tabs.")
    delimiter = _delimiter(first_line)
    records = []
    for row, fields in _records(text, delimiter):
        if records and len(fields) != len(records[0][1]):
            raise ValueError(f"Row {row} has {len(fields)} field{'s' if len(fields) != 1 else ''}, but row "
                             f"{records[0][0]} has {len(records[0][1])}: every row needs the same number of "
                             f"fields, separated by {_name(delimiter)}.")
        if not records and len(fields) > MAX_COLUMNS:
            raise ValueError(f"Row {row} has {len(fields)} columns; a table can have at most {MAX_COLUMNS}.")
        records.append((row, fields))
        if len(records) > MAX_ROWS + 1:
            raise ValueError(f"The table has more than {MAX_ROWS:,} rows of data (row {row} is one too many); "
                             f"at most {MAX_ROWS:,} points are allowed.")
    if not records:
        raise ValueError("The file has no values: a table needs a row for each point, with its numbers "
                         "separated by commas or tabs.")
    header = _has_header(records[0][1], [f for _, f in records[1:]])
    data = records[1:] if header else records
    if len(data) > MAX_ROWS:
        raise ValueError(f"The table has {len(data):,} rows of data; at most {MAX_ROWS:,} are allowed.")
    if not any(is_number(v) for _, fields in data for v in fields):
        raise ValueError("The file has no numbers: a table needs number columns to learn from "
                         "(numbers with \".\" for decimals, such as 5.1 or -0.25).")
    if len(data) < limits.MIN_OWN_POINTS:
        raise ValueError(f"The table has {len(data)} row of data; at least {limits.MIN_OWN_POINTS} are "
                         "needed, one to train on and one to test on.")
    width = len(records[0][1])
    names = _unique(records[0][1] if header else [""] * width)
    rows = tuple(tuple(f) for _, f in data)
    lines = tuple(r for r, _ in data)
    split, places = None, tuple(range(1, width + 1))
    for c, name in enumerate(names):
        values = [row[c].lower() for row in rows]
        if name.lower() == SPLIT and all(v in ("train", "test") for v in values) and width > 1:
            split = tuple(values)
            names, places = names[:c] + names[c + 1:], places[:c] + places[c + 1:]
            rows = tuple(row[:c] + row[c + 1:] for row in rows)
            break
    return Table(names, rows, lines, header, split, places)


def _name(delimiter):
    return {",": "commas", "\t": "tabs", ";": "semicolons"}[delimiter]


def default_choice(table):
    """The last column is the target, the ones before it (the first 8) the inputs."""
    target = len(table.names) - 1
    return list(range(min(target, MAX_INPUTS))), target


def _numbers(table, c):
    """Column c as float64 (n,), or ValueError naming the first row that is not a number."""
    values = np.empty(len(table.rows))
    for i, text in enumerate(table.column(c)):
        where = f"Row {table.lines[i]}, {table.where(c)}"
        if is_missing(text):
            raise ValueError(f"{where}: a missing value{f' ({text!r})' if text else ''}. Every input needs "
                             "a number in every row: fill it in, or leave this column out.")
        if not is_number(text):
            shown = text if len(text) <= 30 else text[:30] + "…"
            raise ValueError(f"{where} holds {shown!r}, which is not a number: an input column holds numbers "
                             "only (with \".\" for decimals). Leave it out of the inputs, or make it the target.")
        values[i] = float(text)
        if not math.isfinite(values[i]):
            raise ValueError(f"{where}: {text} is too large a number; numbers up to about 1e308 are allowed.")
    return values


def _number_text(v):
    """The shortest text that reads back as exactly v (no ".0" on whole numbers)."""
    s = repr(float(v))
    return s[:-2] if s.endswith(".0") else s


def _target(table, c):
    """(kind, values, class names): labels (n,) int64 and names, or a regression's floats."""
    column = table.column(c)
    for i, text in enumerate(column):
        if is_missing(text):
            shown = f" ({text!r})" if text else ""
            raise ValueError(f"Row {table.lines[i]}, {table.where(c)}: a missing value{shown}. "
                             "The target needs a value in every row: fill it in, or pick another target.")
    if all(is_number(v) for v in column):
        values = _numbers(table, c)
        distinct = np.unique(values)
        if len(distinct) > MAX_CLASSES:
            return "regression", values, ()
        labels = np.searchsorted(distinct, values).astype(np.int64)
        names = tuple(_number_text(v + 0.0) for v in distinct)  # + 0.0: the class -0 is the class 0
    else:
        names = tuple(sorted(set(column)))
        if len(names) > MAX_CLASSES:
            raise ValueError(f"The target, {table.where(c)}, holds {len(names)} different values and not all "
                             f"are numbers: a class target has at most {MAX_CLASSES} values (numbers or words), "
                             "and a regression target is numbers only.")
        index = {name: k for k, name in enumerate(names)}
        labels = np.array([index[v] for v in column], np.int64)
    if len(names) < 2:
        raise ValueError(f"The target, {table.where(c)}, has one value only ({names[0]!r}): classes need at "
                         "least 2 different values. Pick another target column.")
    return "classification", labels, names


def _standardize(values):
    """(mean, std) of each column; a constant column keeps std 1 (it is then 0 on the plane).
    Exactly rounded sums (math.fsum), so the rows' order does not matter: a downloaded table,
    written train rows first, reads back onto the same plane."""
    scale = []
    for column in values.T:
        mean = math.fsum(column) / len(column)
        std = math.sqrt(math.fsum((column - mean) ** 2) / len(column))
        scale.append((mean, std if std > 0 and math.isfinite(std) else 1.0))
    return tuple(scale)


def _half_width(plane, least):
    """The plane's half-width: `least`, or more to show every point (by halves)."""
    top = float(np.abs(plane).max()) if plane.size else 0.0
    return max(least, math.ceil(2 * top * 1.02) / 2)


def choose(table, inputs, target, seed=0, train_fraction=0.8):
    """The table as your own data: `inputs` (column numbers from 0, the first two drawn on the
    plane) and the `target` column. ValueError names the row and column of the first problem."""
    inputs = list(inputs)
    n_cols = len(table.names)
    if not all(isinstance(c, int) and 0 <= c < n_cols for c in [*inputs, target]):
        raise ValueError(f"columns are numbered 0 to {n_cols - 1}; got inputs {inputs} and target {target!r}")
    if not 1 <= len(inputs) <= MAX_INPUTS or len(set(inputs)) != len(inputs):
        raise ValueError(f"Pick 1 to {MAX_INPUTS} different input columns; {len(inputs)} were picked.")
    if target in inputs:
        raise ValueError(f"The target, {table.where(target)}, cannot be an input too.")
    X = np.column_stack([_numbers(table, c) for c in inputs])
    kind, y, class_names = _target(table, target)
    scale = _standardize(X)
    mean, std = np.array(scale).T
    plane = (X - mean) / std
    target_scale = ()
    if kind == "regression":
        target_scale = _standardize(y[:, None])[0]
        t = (y - target_scale[0]) / target_scale[1]
    w = _half_width(plane[:, :2], 3.0)
    if len(inputs) == 2:
        extent = ((-w, w), (-w, w))
    elif kind == "regression":  # one input: a curve of the target over x
        h = _half_width(t, 1.0)
        extent = ((-w, w), (-h, h))
    else:  # one input: each class at its own height, the curve the predicted class
        extent = ((-w, w), (0.0, float(max(1, len(class_names) - 1))))
    if len(inputs) > 2:
        extent = ((-w, w), (-w, w))
    test = np.array([s == "test" for s in table.split]) if table.split else None
    if test is None or test.all() or not test.any():
        test = custom.split_mask(custom.draws(X, y, seed), train_fraction)
    ds = Dataset("custom", kind, X[~test], y[~test], X[test], y[test],
                 len(class_names), extent, tuple(table.names[c] for c in inputs),
                 {"n": len(y), "noise": 0.0, "seed": int(seed), "train_fraction": float(train_fraction)},
                 class_names=class_names, target_name=table.names[target], scale=scale,
                 target_scale=target_scale)
    return custom.check(ds)


def to_csv(ds):
    """Your own data (or any 1-2 input set) as CSV text: its inputs in its own units, the target
    (class names, or numbers), and each point's split. read_table and choose read it back the same."""
    X, y, test = custom.points(ds)
    names = list(ds.input_names) or [f"x{k + 1}" for k in range(X.shape[1])]
    target = ds.target_name or ("label" if ds.kind == "classification" else "y")
    class_names = ds.class_names or tuple(str(k) for k in range(ds.n_classes))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*names, target, SPLIT])
    for x, label, held_out in zip(X, y, test):
        value = class_names[label] if ds.kind == "classification" else _number_text(label)
        writer.writerow([*(_number_text(v) for v in x), value, "test" if held_out else "train"])
    return out.getvalue()
