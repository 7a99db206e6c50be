"""An image laid out in Python's file system by the page's layOut (site/snapshot-restore.js), which
makes each file's node in its folder itself, is what writing each file with Emscripten's
FS.writeFile makes: the same folders and files, modes, sizes and bytes, as Python sees them; and a
file there already is written over. Run in node on the pinned Pyodide (tests/lay_out.mjs)."""
import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import file_image  # noqa: E402

pytestmark = pytest.mark.skipif(not shutil.which("node") or not (ROOT / "node_modules" / "pyodide").exists(),
                                reason="node and node_modules/pyodide (npm ci) are needed")

name = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,10}", fullmatch=True).filter(lambda n: n not in (".", ".."))
paths = st.lists(name, min_size=1, max_size=4).map("/".join)
content = st.binary(max_size=300) | st.sampled_from([b"", b"\x00" * 4096, "print('é')\n".encode()])


def consistent(files):
    """No path is both a file and a folder of another file."""
    names = set(files)
    return not any(str(p) in names for n in names for p in Path(n).parents)


images = st.dictionaries(paths, content, min_size=1, max_size=12).filter(consistent)


def lay_out(cases, tmp_path):
    given_ = tmp_path / "images.json"
    given_.write_text(json.dumps([{"image": base64.b64encode(file_image.make("/lib/site", files)).decode(),
                                   "existing": {p: base64.b64encode(b).decode() for p, b in existing.items()}}
                                  for files, existing in cases]))
    r = subprocess.run(["node", str(ROOT / "tests" / "lay_out.mjs"), str(given_)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


# One example of twelve images, laid out in one node run: each run starts Pyodide (~3 s).
@settings(max_examples=1, deadline=None)
@given(many=st.lists(st.tuples(images, st.data()), min_size=12, max_size=12))
def test_layout_makes_what_writefile_makes(many, tmp_path_factory):
    cases = []
    for files, data in many:  # some of the image's files are there already, with other bytes
        existing = data.draw(st.lists(st.sampled_from(sorted(files)), unique=True, max_size=2))
        cases.append((files, {p: b"old " + files[p] for p in existing}))
    for (files, _), (by_layout, by_writefile) in zip(cases, lay_out(cases, tmp_path_factory.mktemp("lay"))):
        assert by_layout == by_writefile
        assert sorted(e[0] for e in by_layout if len(e) == 4) == sorted("/lib/site/" + p for p in files)
