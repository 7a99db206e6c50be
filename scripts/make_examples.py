"""Write the example tables the page offers (site/data/iris.csv, site/data/penguins.csv) from copies
that Python packages ship: scikit-learn's iris, and the palmerpenguins package's penguins.

    pip install --no-deps palmerpenguins==0.1.6     # its data file only (the package itself needs pandas)
    python scripts/make_examples.py [--out site/data]

Sources and licences: site/data/EXAMPLES-SOURCE.md. The files are plain CSV written byte for byte
the same each run; prints one JSON object with each file's rows, bytes and sha256.
"""
import argparse
import csv
import hashlib
import io
import json
from importlib.metadata import distribution
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IRIS_COLUMNS = ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm", "species"]
PENGUIN_COLUMNS = ["flipper_length_mm", "bill_length_mm", "bill_depth_mm", "body_mass_g"]


def _text(v):
    s = repr(float(v))
    return s[:-2] if s.endswith(".0") else s


def _csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def iris():
    from sklearn.datasets import load_iris
    d = load_iris()
    names = [str(n) for n in d.target_names]  # setosa, versicolor, virginica
    rows = [[*(_text(v) for v in x), names[k]] for x, k in zip(d.data, d.target)]
    if len(rows) != 150:
        raise SystemExit(f"scikit-learn's iris has {len(rows)} rows, not 150")
    return _csv(IRIS_COLUMNS, rows)


def penguins():
    """The measurements of the 342 penguins with all four, in the package's order (2 rows lack them)."""
    path = distribution("palmerpenguins").locate_file("palmerpenguins/data/penguins.csv")
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f)]
    kept = [[r[c] for c in PENGUIN_COLUMNS] for r in rows if all(r[c] != "NA" for c in PENGUIN_COLUMNS)]
    if (len(rows), len(kept)) != (344, 342):
        raise SystemExit(f"palmerpenguins has {len(rows)} penguins, {len(kept)} measured; expected 344 and 342")
    return _csv(PENGUIN_COLUMNS, [[_text(float(v)) for v in r] for r in kept])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site" / "data")
    args = parser.parse_args()
    report = {}
    for name, data in (("iris.csv", iris()), ("penguins.csv", penguins())):
        path = args.out / name
        path.write_bytes(data)
        report[name] = {"rows": data.count(b"\n") - 1, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
