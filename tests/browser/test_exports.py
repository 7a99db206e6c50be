"""The export buttons: the files the page downloads, run outside it. The notebook runs in a fresh
CPython (its engine the one the page ran, carried inside) with the page's losses to 1e-9; the
PyTorch file runs with torch, with the page's outputs and then the page's own next epochs. Over
http and from the USB copy (file://).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from pagekit import pause, wait_state

pytestmark = pytest.mark.browser


def _download(page, button, tmp_path):
    with page.expect_download() as info:
        page.get_by_role("button", name=button, exact=True).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return path


@pytest.mark.parametrize("origin", ["http", "file"])
def test_the_exported_files_run_outside_the_page(origin, new_page, server, dist, wait_ready, tmp_path):
    page = new_page(offline=origin == "file")
    page.goto((server if origin == "http" else (dist / "index.html").as_uri()) + "#dataset=moons&n=60&batch_size=8")
    wait_ready(page)
    page.get_by_role("button", name="Play", exact=True).click()
    wait_state(page, "s.epoch >= 12")
    at = pause(page)
    notebook = _download(page, "Export notebook", tmp_path)
    torch_file = _download(page, "Export to PyTorch", tmp_path)
    assert (notebook.name, torch_file.name) == (f"watch-it-learn-moons-epoch-{at['epoch']}.ipynb",
                                                f"watch-it-learn-moons-epoch-{at['epoch']}.py")
    assert page.locator("#carry-status").inner_text().startswith("Exported")
    page.locator("body").focus()
    for _ in range(3):
        page.keyboard.press("s")  # the page's own next epochs, for the PyTorch file to match
    after = wait_state(page, f"s.epoch === {at['epoch'] + 3}")
    h = after["history"]
    made = {"epoch": at["epoch"], "ipynb": notebook.read_text(encoding="utf-8"), "py": torch_file.read_text(encoding="utf-8"),
            "history": at["history"],
            "next": [[e, a, b] for e, a, b in zip(h["epoch"], h["train_loss"], h["test_loss"]) if e > at["epoch"]]}
    page.context.close()

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
