"""The start-up snapshot restores only into a runtime laid out as its plan says (site/snapshot-restore.js).

numpy's WebAssembly modules must sit at the table indexes the snapshot's memory points at; one
module one entry off would send every call through a stale function pointer. placeLibraries
checks each placement before Pyodide writes the memory back, and refuses with the module's name.
Run in node on the built files (no browser): tests/browser/restore_plan.mjs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not shutil.which("node"), reason="node is needed to run Pyodide here")


def _restore(dist: Path, how: str) -> dict:
    r = subprocess.run(["node", str(ROOT / "tests" / "browser" / "restore_plan.mjs"), str(dist), how],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_the_snapshot_restores_with_its_plan(dist):
    assert _restore(dist, "as-built") == {"ok": True, "answer": "45 MLP Session"}


def test_a_plan_that_places_a_module_elsewhere_is_refused_by_name(dist):
    got = _restore(dist, "shifted")
    assert got["ok"] is False
    assert got["shifted"] in got["error"] and "would go to table index" in got["error"], got
