"""The exports made in the page's own Python (Pyodide), from the session the page trained, run
outside it: the notebook in a fresh CPython (its engine read from Pyodide's file system), with the
page's losses to 1e-9; the PyTorch file with torch, with the page's outputs and then the page's own
next epochs. (The buttons that download them are the page's part; this calls the engine directly.)
"""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from pagekit import wait_state

pytestmark = pytest.mark.browser

EXPORT = """() => window.pyodide.runPython(`
import json
import nn
import playground

s = playground.app.session
made = {"py": nn.to_pytorch(s), "ipynb": nn.to_notebook(s), "history": s.history_table(), "epoch": s.epoch}
s.step(3, until_stop=False)  # the page's next epochs, for the PyTorch file to match
made["next"] = [[e, m["train_loss"], m["test_loss"]] for e, m in s.history.all() if e > made["epoch"]]
json.dumps(made)
`)"""


def test_exports_made_in_the_page_run_outside_it(new_page, server, wait_ready, tmp_path):
    page = new_page()
    page.goto(server + "#dataset=moons&n=60&batch_size=8")
    wait_ready(page)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_state(page, "s.epoch >= 12")
    page.get_by_role("button", name="Pause", exact=True).click()
    made = json.loads(page.evaluate(EXPORT))
    page.close()

    # the notebook, in a fresh isolated CPython in an empty folder
    cells = json.loads(made["ipynb"])["cells"]
    (tmp_path / "notebook.py").write_text("\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
                                          + '\nimport json\nprint("HISTORY " + json.dumps(session.history_table()))\n')
    done = subprocess.run([sys.executable, "-I", "notebook.py"], capture_output=True, text=True, cwd=tmp_path,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "the same losses as on the page" in done.stdout
    replayed = json.loads(re.search(r"^HISTORY (.*)$", done.stdout, flags=re.M).group(1))
    assert replayed["epoch"] == made["history"]["epoch"] and replayed["epoch"][-1] == made["epoch"]
    for key in ("train_loss", "test_loss"):
        assert replayed[key] == pytest.approx(made["history"][key], abs=1e-9), f"{key}: CPython vs the page"

    # the PyTorch file, with torch
    pytest.importorskip("torch", reason="running the exported PyTorch file needs torch (pip install -e '.[parity]')")
    (tmp_path / "exported.py").write_text(made["py"], encoding="utf-8")
    done = subprocess.run([sys.executable, "exported.py", "--epochs", "3"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert float(re.search(r"page's outputs: (\S+)", done.stdout).group(1)) <= 1e-10
    theirs = [[int(e), float(a), float(b)]
              for e, a, b in re.findall(r"epoch +(\d+) +train loss (\S+) +test loss (\S+)", done.stdout)]
    assert [r[0] for r in theirs] == [r[0] for r in made["next"]] and len(theirs) == 3
    for ours, page_next in zip(theirs, made["next"]):
        assert ours[1:] == pytest.approx(page_next[1:], abs=1e-9), f"epoch {ours[0]}: torch vs the page"
