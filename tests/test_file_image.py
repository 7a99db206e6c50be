"""The file image (scripts/file_image.py): what boot.js lays out is exactly the files given."""
import sys
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import file_image  # noqa: E402

NAME = st.text("abcxyz_.", min_size=1, max_size=6).filter(lambda s: s not in (".", ".."))
PATHS = st.lists(NAME, min_size=1, max_size=4).map("/".join)


@given(st.dictionaries(PATHS, st.binary(max_size=40), max_size=12))
def test_an_image_reads_back_as_the_files_it_was_made_of(files):
    # a path that is also another path's folder cannot be both a file and a folder
    files = {p: b for p, b in files.items() if not any(q.startswith(p + "/") for q in files)}
    head, got = file_image.read(file_image.make("/app", files))
    assert got == files and head["root"] == "/app"
    # every folder a file sits in is made, each after its parent (FS.mkdirTree is then one call each)
    parents = {str(d) for p in files for d in PurePosixPath(p).parents if str(d) != "."}
    assert set(head["dirs"]) == parents
    for d in head["dirs"]:
        if "/" in d:
            assert head["dirs"].index(d.rsplit("/", 1)[0]) < head["dirs"].index(d)


def test_an_image_that_does_not_add_up_is_refused():
    image = file_image.make("/app", {"nn/__init__.py": b"x = 1\n", "data/a.csv": b"1,2\n"})
    for damaged in (image[:-1], image + b"\0"):
        with pytest.raises(ValueError, match="add up"):
            file_image.read(damaged)
