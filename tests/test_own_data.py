"""Your own data: tables read from text and written back, points added and erased, and the session
taking new data all or nothing.

Independent truths: the values the generator wrote into the text (read back bit for bit), the
row and column where a defect was put (named by the message), scikit-learn's StandardScaler for
the plane's scale, and the session's fields compared before and after a refused change.
"""
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nn import Session, datasets, limits
from nn.data import custom, examples, table

# -- tables as a person or a program writes them ---------------------------------------------------

NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
               min_size=1, max_size=8).filter(lambda s: not table.is_number(s) and not table.is_missing(s)
                                              and s.lower() != "split")
WORDS = st.sampled_from(["cat", "dog", "setosa", "Virginica", "a b", 'say "hi"', "x,y", "ünï"])


def number_text(draw):
    """A number as files write them: whole, decimal, exponent, leading dot, sign."""
    v = draw(st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
    style = draw(st.sampled_from(["repr", "fixed", "exp", "int"]))
    if style == "fixed":
        return f"{v:.3f}"
    if style == "exp":
        return f"{v:.4e}"
    if style == "int":
        return str(int(v))
    return repr(v)


@st.composite
def tables(draw, max_rows=30):
    """(text, cells, header, delimiter): a table with number inputs and a number or word target."""
    n_inputs = draw(st.integers(1, 4))
    n_rows = draw(st.integers(2, max_rows))
    target_kind = draw(st.sampled_from(["words", "few numbers", "many numbers"]))
    cells = []
    labels = draw(st.lists(WORDS, min_size=2, max_size=4, unique=True)) if target_kind == "words" else \
        [str(k) for k in draw(st.lists(st.integers(-3, 9), min_size=2, max_size=4, unique=True))]
    for _ in range(n_rows):
        row = [number_text(draw) for _ in range(n_inputs)]
        row.append(draw(st.sampled_from(labels)) if target_kind != "many numbers" else number_text(draw))
        cells.append(row)
    if target_kind != "many numbers":  # every class present at least once
        for k, label in enumerate(labels):
            cells[k % n_rows][-1] = label
        assume(len({r[-1] for r in cells}) >= 2)
    header = draw(st.booleans()) or target_kind == "words"
    names = draw(st.lists(NAME, min_size=n_inputs + 1, max_size=n_inputs + 1, unique_by=str.lower))
    delimiter = draw(st.sampled_from([",", "\t", ";"]))
    pad = draw(st.sampled_from(["", " "]))
    lines = ([names] if header else []) + cells

    def field(text):
        if any(ch in text for ch in f'{delimiter}"\n') or draw(st.booleans()) and delimiter != ";":
            return '"' + text.replace('"', '""') + '"'
        return pad + text + pad
    if delimiter == ";":  # semicolons are guessed only when the first line has no comma
        assume(not any("," in f for f in lines[0]))
    text = "\n".join(delimiter.join(field(f) for f in row) for row in lines) + draw(st.sampled_from(["", "\n", "\n\n"]))
    return text, cells, header, names


def same_dataset(a, b):
    for f in ("X_train", "X_test", "y_train", "y_test"):
        assert getattr(a, f).dtype == getattr(b, f).dtype and getattr(a, f).tobytes() == getattr(b, f).tobytes(), f
    for f in ("kind", "n_classes", "class_names", "input_names", "target_name", "scale", "target_scale", "extent"):
        assert getattr(a, f) == getattr(b, f), f


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(tables())
def test_a_table_reads_its_own_numbers_and_round_trips_through_download(case):
    text, cells, header, names = case
    t = table.read_table(text)
    assert t.header == header and len(t.rows) == len(cells)
    if header:
        assert t.names == tuple(names)
    inputs, target = table.default_choice(t)
    try:
        ds = table.choose(t, inputs, target)
    except ValueError as e:  # e.g. a number target of one value: refused in words, changing nothing
        assert "one value only" in str(e)
        return
    # the numbers and classes are the ones written, bit for bit; each split keeps the file's order
    written = [(*(float(v).hex() for v in row[:-1]), _target_text(row[-1], ds)) for row in cells]
    X, y, test = custom.points(ds)
    got = [(*(v.hex() for v in x), ds.class_names[k] if ds.kind == "classification" else float(k).hex())
           for x, k in zip(X, y)]
    assert sorted(got) == sorted(written)
    for part in (np.array(got, dtype=object)[~test], np.array(got, dtype=object)[test]):
        it = iter(written)
        assert all(any(tuple(p) == w for w in it) for p in part)  # a subsequence of the file's rows
    # download, then open again: the same data, the same split
    again = table.read_table(table.to_csv(ds))
    assert again.split is not None
    same_dataset(ds, table.choose(again, *table.default_choice(again)))
    assert table.to_csv(table.choose(again, *table.default_choice(again))) == table.to_csv(ds)


def _target_text(text, ds):
    """The target as the data names it: a class name (a number's shortest text), or the number."""
    if ds.kind == "regression":
        return float(text).hex()
    if all(table.is_number(n) for n in ds.class_names):
        return table._number_text(float(text) + 0.0)  # a number class is named by its shortest text; -0 is 0
    return text


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300) | st.lists(st.sampled_from(["1", "2.5", "x", ",", "\t", "\n", '"', " ", "NA", ";"]),
                                        max_size=60).map("".join))
def test_any_text_is_read_or_refused_in_words(text):
    try:
        t = table.read_table(text)
    except ValueError as e:
        assert str(e)[:1].isupper() and len(str(e)) < 400
        return
    try:
        table.choose(t, *table.default_choice(t))
    except ValueError as e:
        assert len(str(e)) < 400


DEFECTS = ["missing", "word in an input", "ragged", "one class"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(st.integers(3, 20), st.integers(1, 4), st.sampled_from(DEFECTS), st.data())
def test_each_bad_table_names_its_row_and_column(n_rows, n_inputs, defect, data):
    rows = [[f"{(r * 7 + c * 3) % 11 - 5}.5" for c in range(n_inputs)] + ["ab"[r % 2]] for r in range(n_rows)]
    r = data.draw(st.integers(0, n_rows - 1))
    c = data.draw(st.integers(0, n_inputs - 1))
    if defect == "missing":
        rows[r][c] = data.draw(st.sampled_from(["", "NA", "n/a", "NaN", "?"]))
    elif defect == "word in an input":
        rows[r][c] = "red"
    elif defect == "ragged":
        rows[r] = rows[r][:-1] if data.draw(st.booleans()) else rows[r] + ["7"]
    else:
        rows = [row[:-1] + ["a"] for row in rows]
    names = [f"in{k}" for k in range(n_inputs)] + ["kind"]
    text = "\n".join(",".join(row) for row in [names] + rows)
    with pytest.raises(ValueError) as refused:
        t = table.read_table(text)
        table.choose(t, *table.default_choice(t))
    message = str(refused.value)
    file_row = r + 2  # the header is row 1
    if defect == "one class":
        assert f'column {n_inputs + 1} ("kind")' in message and "one value" in message, message
    elif defect == "ragged":
        assert f"Row {file_row} has" in message or (r == 0 and "Row 3 has" in message), message
    else:
        assert f"Row {file_row}, column {c + 1} (\"in{c}\")" in message, message


def test_too_big_and_too_many_rows_are_refused_before_anything_else():
    big = "x,label\n" + "1.0,a\n" * (limits.MAX_TABLE_BYTES // 6)
    with pytest.raises(ValueError, match="at most 1,000,000 bytes"):
        table.read_table(big)
    many = "x,label\n" + "".join(f"{i},{'ab'[i % 2]}\n" for i in range(limits.MAX_POINTS + 1))
    with pytest.raises(ValueError, match="at most 5,000"):
        table.read_table(many)
    table.read_table("x,label\n" + "".join(f"{i},{'ab'[i % 2]}\n" for i in range(limits.MAX_POINTS)))
    with pytest.raises(ValueError, match="no numbers"):
        table.read_table("a,b\nc,d\ne,f\n")


def test_the_plane_is_the_standardized_table():
    sklearn = pytest.importorskip("sklearn.preprocessing")
    rng = np.random.default_rng(3)
    values = rng.normal([5, -300, 0.01], [2, 50, 0.001], size=(80, 3))
    text = "a,b,c,t\n" + "\n".join(",".join(repr(float(v)) for v in row) + f",{rng.normal():.6f}" for row in values)
    ds = table.choose(table.read_table(text), [2, 0, 1], 3)
    s = Session()
    s.set_data(ds)
    X, _, _ = custom.points(ds)
    theirs = sklearn.StandardScaler().fit_transform(X)
    ours = np.concatenate([s.X_train_raw, s.X_test_raw])
    np.testing.assert_allclose(ours, theirs, atol=1e-12)
    assert ds.input_names == ("c", "a", "b") and ds.kind == "regression"
    y = np.concatenate([s.y_train, s.y_test])
    assert abs(y.mean()) < 1e-12 and abs(y.std() - 1) < 1e-12  # the target too


# -- the split ------------------------------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(st.integers(2, 400), st.floats(0.1, 0.9), st.integers(0, 2**32 - 1))
def test_the_split_follows_the_share_and_an_added_point_moves_no_other(n, share, seed):
    rng = np.random.default_rng(seed % 1000)
    X, y = rng.uniform(-3, 3, (n, 2)), rng.integers(0, 2, n)
    test = custom.split_mask(custom.draws(X, y, seed), share)
    assert 1 <= test.sum() <= n - 1
    if n >= 400:  # a binomial share: within 4.5 standard deviations
        assert abs((~test).mean() - share) <= 4.5 * np.sqrt(share * (1 - share) / n) + 1 / n
    ds = custom.resplit(custom.starter(seed, share), share, seed)
    before_X, _, before_test = custom.points(ds)
    grown = custom.add(ds, rng.uniform(-3, 3, 2), 1)
    X2, y2, test2 = custom.points(grown)
    old = [tuple(x) for x, t in zip(before_X, before_test)]
    kept = {tuple(x): t for x, t in zip(X2, test2)}
    assert all(kept[x] == t for x, t in zip(old, before_test)) or len(old) < 3


# -- points, edited ---------------------------------------------------------------------------------

def test_adding_erasing_and_clearing_points():
    ds = custom.edit_copy(datasets.load("moons", n=40))
    X, y, test = custom.points(ds)
    assert ds.name == "custom" and ds.class_names == ("0", "1") and len(y) == 40
    assert np.array_equal(ds.X_test, datasets.load("moons", n=40).X_test)  # the same split
    more = custom.add(ds, (1.25, -0.5), 1)
    X2, y2, _ = custom.points(more)
    i = np.flatnonzero((X2 == [1.25, -0.5]).all(axis=1))
    assert len(i) == 1 and y2[i[0]] == 1 and len(y2) == 41
    third = custom.add(more, (0, 0), 2)
    assert third.n_classes == 3 and third.class_names == ("0", "1", "2")
    fewer = custom.remove(third, (np.abs(custom.points(third)[0]) < 1).all(axis=1))
    assert not (np.abs(custom.points(fewer)[0]) < 1).all(axis=1).any()
    assert fewer.n_classes == 3  # the classes stay while drawing
    empty = custom.clear(fewer)
    assert len(empty.y_train) + len(empty.y_test) == 0
    with pytest.raises(ValueError, match="at least 2 points"):
        custom.check(empty)
    with pytest.raises(ValueError, match="class 10"):
        custom.add(ds, (0, 0), 10)
    sine = custom.edit_copy(datasets.load("sine"))
    curve = custom.add(sine, (0.5, -0.75))
    Xs, ys, _ = custom.points(curve)
    i = np.flatnonzero(Xs[:, 0] == 0.5)
    assert len(i) == 1 and ys[i[0]] == -0.75 and curve.kind == "regression"
    with pytest.raises(ValueError, match="no plane"):
        custom.edit_copy(datasets.load("digits", n=50))


def test_a_click_on_a_table_lands_in_its_own_units():
    rows = "\n".join(f"{10 + i},{1000 + 10 * (i % 5)},{i % 3},{'ab'[i % 2]}" for i in range(30))
    ds = table.choose(table.read_table("a,b,c,k\n" + rows), [0, 1, 2], 3)
    more = custom.add(ds, (1.0, -2.0), 0)
    X = custom.points(more)[0]
    x = X[~(X[:, None, :] == custom.points(ds)[0][None]).all(axis=2).any(axis=1)][0]  # the one new point
    (ma, sa), (mb, sb), (mc, _) = ds.scale
    np.testing.assert_allclose(x, [ma + sa, mb - 2 * sb, mc])  # c, not drawn, at its mean


# -- the session takes new data all or nothing ------------------------------------------------------

def fingerprint(s):
    return {"config": json.dumps(s.config, sort_keys=True), "X": s.X_train_raw.tobytes() + s.X_test_raw.tobytes(),
            "y": s.y_train.tobytes() + s.y_test.tobytes(), "sizes": list(s.net.sizes),
            "weights": s.net.flat.tobytes(), "epoch": s.epoch, "version": s.version,
            "metrics": json.dumps(s.metrics()), "custom": None if s.custom is None else table.to_csv(s.custom)}


def test_new_points_keep_the_network_training_and_a_new_shape_makes_a_new_one():
    s = Session({"dataset": "moons", "seed": 4})
    s.step(30, until_stop=False)
    weights = s.net.flat.copy()
    assert s.set_data(custom.edit_copy(s.data)) == "points"
    assert s.epoch == 30 and np.array_equal(s.net.flat, weights) and s.config["dataset"] == "custom"
    before = s.metrics()
    assert s.set_data(custom.add(s.custom, (2.9, 2.9), 0)) == "points"
    assert len(s.y_train) + len(s.y_test) == 201 and s.epoch == 30
    # the metrics are the network's own on the new points (its forward pass, counted here)
    out = s.net.forward(s.X_train)
    assert s.metrics()["train_accuracy"] == np.mean((out[:, 0] > 0.5) == s.y_train)
    assert s.metrics()["train_loss"] != before["train_loss"]
    s.step(5, until_stop=False)
    assert s.epoch == 35
    assert s.set_data(custom.add(s.custom, (0, 0), 2)) == "data"
    assert s.epoch == 0 and s.net.sizes[-1] == 3 and s.net.output == "softmax"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["too few", "no test", "nan", "labels", "names", "not custom", "inputs"]))
def test_a_refused_dataset_changes_nothing(bad):
    s = Session({"dataset": "xor"})
    s.step(3, until_stop=False)
    s.set_data(custom.edit_copy(s.data))
    before = fingerprint(s)
    good = s.custom
    broken = {
        "too few": lambda: custom.remove(good, np.arange(len(good.y_train) + len(good.y_test)) > 0),
        "no test": lambda: custom._with_points(good, *custom.points(good)[:2], np.zeros(len(good.y_train) + len(good.y_test), bool)),
        "nan": lambda: custom._with_points(good, np.full_like(custom.points(good)[0], np.nan), *custom.points(good)[1:]),
        "labels": lambda: custom._with_points(good, custom.points(good)[0], custom.points(good)[1] + 5, custom.points(good)[2]),
        "names": lambda: custom._with_points(good, *custom.points(good), class_names=("a",)),
        "not custom": lambda: datasets.load("xor"),
        "inputs": lambda: custom._with_points(good, *custom.points(good), input_names=("x1",)),
    }[bad]()
    with pytest.raises(ValueError):
        s.set_data(broken)
    assert fingerprint(s) == before


def test_the_share_and_the_seed_split_your_points_afresh_and_other_sets_keep_them():
    s = Session({"dataset": "moons"})
    s.set_data(custom.add(custom.edit_copy(s.data), (0.1, 0.1), 1))
    n = len(s.y_train) + len(s.y_test)
    s.update({"train_fraction": 0.5})
    assert len(s.y_train) + len(s.y_test) == n and abs(len(s.y_train) / n - 0.5) < 0.15
    s.update({"dataset": "spiral"})
    assert s.custom is not None and s.data.name == "spiral"
    s.update({"dataset": "custom"})
    assert len(s.y_train) + len(s.y_test) == n
    fresh = Session({"dataset": "custom"})  # no points of one's own yet: the starting points
    assert len(fresh.y_train) + len(fresh.y_test) == len(custom.points(custom.starter())[1])


# -- the example tables ---------------------------------------------------------------------------------

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def test_the_example_files_are_the_ones_their_source_note_names_and_ship_in_the_app():
    import hashlib
    import re
    import sys
    note = (ROOT / "site" / "data" / "EXAMPLES-SOURCE.md").read_text()
    for name in ("iris.csv", "penguins.csv"):
        data = (ROOT / "site" / "data" / name).read_bytes()
        section = note[note.index(f"## {name}"):]
        assert hashlib.sha256(data).hexdigest() == re.search(r"sha256 `([0-9a-f]{64})`", section).group(1)
        assert f"{len(data):,} bytes" in section
    app = ROOT / "dist" / "app-image-zstd.bin"
    if app.exists():  # the build puts them where Pyodide reads them (and examples.read finds them)
        sys.path.insert(0, str(ROOT / "scripts"))
        import file_image
        zstandard = pytest.importorskip("zstandard")  # (the test extra has it)
        head, files = file_image.read(zstandard.ZstdDecompressor().decompress(app.read_bytes()))
        assert head["root"] == "/app" and {"data/iris.csv", "data/penguins.csv"} <= set(files)


def test_iris_is_scikit_learns_iris():
    sk = pytest.importorskip("sklearn.datasets")
    iris = sk.load_iris()
    t = table.read_table(examples.read("iris"))
    ds = table.choose(t, *table.default_choice(t))
    X = np.array([[float(v) for v in row[:4]] for row in t.rows])
    assert np.array_equal(X, iris.data)
    assert [row[4] for row in t.rows] == [str(iris.target_names[k]) for k in iris.target]
    assert ds.class_names == ("setosa", "versicolor", "virginica")


@pytest.mark.parametrize("name", ["iris", "penguins"])
def test_each_example_learns_with_its_own_settings(name):
    """Iris: at least 95% test accuracy over ten splits (seeds 0-9), at least 90% on each (a split's
    ~30 flowers may hold two of the few that overlap). Penguins: R² at least 0.7 on each."""
    t = table.read_table(examples.read(name))
    scores = []
    for seed in range(10):
        s = Session({"seed": seed, **examples.EXAMPLES[name].settings})
        s.set_data(table.choose(t, *table.default_choice(t), seed=s.data.params["seed"]), keep_network=False)
        s.step(300)
        scores.append(s.metrics()["test_accuracy" if name == "iris" else "r2"])
    if name == "iris":
        assert np.mean(scores) >= 0.95 and min(scores) >= 0.9, scores
    else:
        assert min(scores) >= 0.7, scores


def test_each_example_names_the_same_settings():
    """So that one example opened after another brings all of its own (no L2 left from the last)."""
    keys = [set(e.settings) for e in examples.EXAMPLES.values()]
    assert all(k == keys[0] for k in keys)
    from nn import config
    for e in examples.EXAMPLES.values():
        config.resolve({"dataset": "custom", **e.settings})


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(tables())
def test_your_own_data_reads_back_from_a_file_bit_for_bit(case):
    t = table.read_table(case[0])
    try:
        ds = table.choose(t, *table.default_choice(t))
    except ValueError:
        return
    for data in (ds, custom.add(ds, (0.5, -0.25), 0 if ds.kind == "classification" else 0.5)):
        again = custom.from_dict(json.loads(json.dumps(custom.to_dict(data))))
        same_dataset(data, again)
        assert again.params == data.params
        s = Session()
        s.set_data(again)  # a session takes it as it takes the original
        assert np.array_equal(s.X_train_raw, data.plane_inputs(data.X_train))


def test_a_damaged_own_data_dict_is_named():
    good = custom.to_dict(custom.starter())
    for damage in ({"kind": "bogus"}, {"y_train": [0.5] * len(good["y_train"])}, {"X_train": "x"},
                   {"scale": [[0, 0], [0, 1]]}, {"n_classes": 1}):
        with pytest.raises(ValueError):
            custom.from_dict({**good, **damage})
    with pytest.raises(ValueError, match="fields"):
        custom.from_dict({"kind": "classification"})
