"""The build's cache of node-made files (the start-up snapshot, numpy's bytecode) is checked on
reuse: a damaged cached file is made again, never shipped (scripts/build.py, node_made).

A stand-in maker script plays node's part, with a temporary cache folder (XDG_CACHE_HOME): the
real cache is shared by every checkout on the machine and is never touched here.
"""
import hashlib
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "scripts"))
import build  # noqa: E402

MADE = b"what node made\n"
# Writes MADE to its last argument and counts its runs in its first.
MAKER = """import { appendFileSync, writeFileSync } from "node:fs";
const args = process.argv.slice(2);
appendFileSync(args[0], "ran\\n");
writeFileSync(args[args.length - 1], "what node made\\n");
"""


@pytest.fixture
def maker(tmp_path, monkeypatch):
    """make() -> what node_made returns; make.runs() -> how often the maker ran; make.cached."""
    if not shutil.which("node"):
        pytest.skip("node is not installed (the build needs it to make these files)")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    script = tmp_path / "make_thing.mjs"
    script.write_text(MAKER)
    runs = tmp_path / "runs"
    runs.write_text("")

    def make():
        return build.node_made("test thing", script, [b"input"], [str(runs)])

    make.runs = lambda: len(runs.read_text().splitlines())
    make.cached = lambda: next(p for p in (tmp_path / "cache").rglob("make_thing-*") if not p.suffix)
    return make


def test_a_cached_file_is_reused_after_its_checksum_is_checked(maker, capsys):
    assert maker() == MADE and maker.runs() == 1
    checksum = maker.cached().with_name(maker.cached().name + ".sha256")
    assert checksum.read_text().strip() == hashlib.sha256(MADE).hexdigest()
    assert maker() == MADE and maker.runs() == 1, "the cached file was not reused"
    assert "sha256 checked" in capsys.readouterr().out


def test_a_damaged_cached_file_is_made_again(maker, capsys):
    maker()
    data = bytearray(maker.cached().read_bytes())
    data[len(data) // 2] ^= 0xFF
    maker.cached().write_bytes(bytes(data))
    capsys.readouterr()
    assert maker() == MADE, "the damaged cached file was used"
    assert maker.runs() == 2
    out = capsys.readouterr().out
    assert "is damaged" in out and "Deleting it and making it again" in out, out
    assert maker.cached().read_bytes() == MADE, "the cache still holds the damaged file"


def test_a_cached_file_without_a_checksum_is_made_again(maker, capsys):
    """A file cached by a build that stored no checksum cannot be told from a damaged one."""
    maker()
    maker.cached().with_name(maker.cached().name + ".sha256").unlink()
    maker.cached().write_bytes(b"left by an older build, cut sho")
    assert maker() == MADE
    assert maker.runs() == 2
    assert "has no sha256 beside it" in capsys.readouterr().out
