"""The USB-stick case: dist/index.html opened as a file, with the network off (DESIGN.md §4)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from pagekit import offline_page

pytestmark = pytest.mark.browser


def test_boots_from_file_with_the_network_blocked(dist, new_page, wait_ready, boot_times):
    page = offline_page(new_page)
    try:
        page.goto((dist / "index.html").as_uri())
        boot_times["file:// (network blocked)"] = wait_ready(page)
        assert page.evaluate("window.boot.mode") == "file"
        assert page.blocked == [], f"the page tried the network: {page.blocked}"
        assert all(u.startswith(("file:", "data:")) for u in page.watch.requests), \
            page.watch.requests
        got = json.loads(page.evaluate("window.pyodide.runPython("
                                       "'import json, numpy as np, nn; json.dumps("
                                       "np.random.default_rng(3).random(3).tolist())')"))
        np.testing.assert_allclose(got, np.random.default_rng(3).random(3), rtol=1e-12)
        assert page.watch.errors == []
    finally:
        page.context.close()


@pytest.mark.allow_page_errors
def test_incomplete_copy_shows_a_readable_error(dist, tmp_path, new_page, wait_error):
    copy = tmp_path / "usb"
    shutil.copytree(dist, copy)
    (copy / "bundle" / "python_stdlib.zip.js").unlink()
    page = offline_page(new_page)
    try:
        page.goto((copy / "index.html").as_uri())
        err = wait_error(page)
        assert err["title"] == "A file of this page is missing"
        assert "bundle/python_stdlib.zip.js" in err["box"]
        assert "Copy the whole folder again" in err["box"]
    finally:
        page.context.close()


def _flip(offset):
    """Damage: one byte turned into its complement (base64 text then holds a non-ASCII byte)."""
    def damage(path):
        data = bytearray(path.read_bytes())
        i = offset(data)
        data[i] ^= 0xFF
        path.write_bytes(bytes(data))
    return damage


def _letter(path):
    """Damage: one base64 letter of the data changed to another one (still valid base64)."""
    data = bytearray(path.read_bytes())
    i = len(data) // 2
    data[i] = ord("A") if data[i] != ord("A") else ord("B")
    path.write_bytes(bytes(data))


def _cut(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.allow_page_errors
@pytest.mark.parametrize("where, damage, title", [
    ("boot.js", "missing", "missing"),
    ("vendor/pyodide-*/pyodide.asm.js", _cut, "damaged"),
    ("bundle/pyodide.asm.wasm.js", _flip(lambda d: len(d) // 2), "damaged"),   # in the data
    ("bundle/app-image-zstd.bin.js", _flip(lambda d: d.rindex(b'"')), "damaged"),  # the data's closing quote
    ("bundle/python_stdlib.zip.js", _letter, "damaged"),
    ("bundle/numpy-image-zstd.bin.js", _cut, "damaged"),
], ids=["boot.js-missing", "pyodide.asm.js-cut", "wasm-bundle-byte", "app-bundle-quote",
        "stdlib-bundle-letter", "numpy-bundle-cut"])
def test_damaged_copy_names_the_file(where, damage, title, dist, tmp_path, new_page, wait_error):
    """A USB copy with one file missing or damaged says which, and to copy the folder again."""
    copy = tmp_path / "usb"
    shutil.copytree(dist, copy)
    target = next(copy.glob(where))
    target.unlink() if damage == "missing" else damage(target)
    page = offline_page(new_page)
    try:
        page.goto((copy / "index.html").as_uri())
        err = wait_error(page, timeout_ms=20_000)
        assert err["title"] == f"A file of this page is {title}", err
        assert target.relative_to(copy).as_posix() in err["message"], err
        assert "Copy the whole folder again" in err["box"]
        page.screenshot(path=str(tmp_path / "damaged-copy.png"))
    finally:
        page.context.close()


def test_trains_the_spiral_from_file_with_the_network_blocked(dist, new_page, wait_ready):
    """The USB case end to end: the page learns the spiral with no network at all."""
    page = offline_page(new_page)
    try:
        page.goto((dist / "index.html").as_uri())
        wait_ready(page)
        assert page.evaluate("window.boot.mode") == "file"
        page.get_by_role("combobox", name="Speed (epochs per frame)").select_option("10")
        page.get_by_role("button", name="Play", exact=True).click()
        page.wait_for_function(
            "() => window.playground.state().stop", timeout=120_000, polling=250)
        s = page.evaluate("() => window.playground.state()")
        assert s["stop"]["kind"] == "converged", s["stop"]
        assert s["trainAccuracy"] >= 0.99 and s["testAccuracy"] >= 0.97, f"stopped at epoch {s['epoch']}: {s['stop']}"
        assert s["config"]["dataset"] == "spiral" and s["sizes"] == [2, 8, 8, 8, 8, 1]
        assert page.blocked == [], f"the page tried the network: {page.blocked}"
        assert all(u.startswith(("file:", "data:", "blob:")) for u in page.watch.requests), \
            page.watch.requests
        assert page.watch.errors == []
    finally:
        page.context.close()
