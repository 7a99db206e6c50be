"""The example tables shipped with the page (site/data/*.csv; sources and licences in
site/data/EXAMPLES-SOURCE.md), each with the setup it learns well with.

    text = examples.read("iris")              # the CSV text, for nn.data.table.read_table
    examples.EXAMPLES["iris"].settings       # {"hidden": [4], "l2": 0.01}: applied with it
"""
from pathlib import Path
from typing import NamedTuple


class Example(NamedTuple):
    file: str
    label: str       # what the page's link says
    settings: dict   # config settings it is opened with (as a built-in set's preset; each example
    #                  names the same keys, so that one opened after another brings all of its own)
    about: str       # one line for the page's message


EXAMPLES = {
    # 150 flowers, 4 measurements, 3 species. A small network with an L2 penalty: a large one
    # learns the training flowers by heart, and the few versicolor/virginica that overlap cost it.
    "iris": Example("iris.csv", "iris flowers", {"hidden": [4], "l2": 0.01, "l1": 0.0},
                    "Fisher's iris flowers: 4 measurements in cm, 3 species."),
    # 342 penguins: body mass (g) from flipper length and bill length and depth (mm).
    "penguins": Example("penguins.csv", "penguin weights", {"hidden": [8, 8], "l2": 0.0, "l1": 0.0},
                        "Palmer penguins: body mass in g from flipper and bill sizes in mm."),
}


def candidate_paths(file):
    """Where an example is looked for: the repository (<root>/site/data/), then data/ beside nn/
    (the browser's file system, as for the digits)."""
    package = Path(__file__).resolve().parent.parent  # nn/
    return [package.parent / "site" / "data" / file, package.parent / "data" / file]


def read(name):
    """The example's CSV text."""
    if name not in EXAMPLES:
        raise ValueError(f"unknown example {name!r}; allowed: {', '.join(EXAMPLES)}")
    file = EXAMPLES[name].file
    for path in candidate_paths(file):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"example table {file!r} not found; tried: "
                            + ", ".join(str(p) for p in candidate_paths(file)))
