"""The page boots over http: Python, numpy and nn run, nothing leaves the origin, CSP holds.

Failures (a missing or damaged file, a Python exception in playground.main()) show a readable
error on the page.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from pagekit import wait_panels_built


pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def booted(new_page, server, wait_ready, boot_times):
    """One page booted over http, shared by the tests of this module (a boot costs seconds)."""
    page = new_page()
    page.goto(server)
    boot_times["http (served by scripts/serve.py)"] = wait_ready(page)
    yield page
    page.context.close()


def test_boots_over_http(booted):
    assert booted.evaluate("window.boot.mode") == "http"
    assert booted.evaluate("window.boot.ready") is True
    assert booted.locator("#boot").is_hidden(), "the boot overlay is still shown"
    steps = booted.evaluate("Object.keys(window.boot.timings)")
    for step in ("files", "runtime", "numpy", "code", "start", "total"):
        assert step in steps, f"boot.timings lacks {step}: {steps}"
    assert booted.evaluate("window.boot.snapshot") is True, "Python was not restored from the snapshot"
    assert booted.locator("#boot-stalled").count() == 0, "index.html's scripts-did-not-run note is left"


INTERPRETER = """
import json, os, sys
json.dumps({"path": sys.path, "executable": sys.executable, "argv": sys.argv, "cwd": os.getcwd(),
            "environ": {k: v for k, v in os.environ.items() if k != "LANG"},  # LANG: the browser's language
            "modules": sorted(sys.modules), "version": sys.version})
"""


def test_numpy_was_imported_from_the_bytecode_the_build_compiled(booted):
    """numpy's .py files are compiled at build time (scripts/make_numpy_image.mjs); every numpy
    module the page imported has its .pyc next to it, from that zip, in the page's file system."""
    code = """
import importlib.util, json, os, sys
py = [m.__file__ for name, m in list(sys.modules.items())
      if name.split('.')[0] == 'numpy' and getattr(m, '__file__', '') and m.__file__.endswith('.py')]
json.dumps({"modules": len(py), "without": [f for f in py if not os.path.exists(importlib.util.cache_from_source(f))]})
"""
    got = json.loads(booted.evaluate("(code) => window.pyodide.runPython(code)", code))
    assert got["modules"] > 50 and got["without"] == []


# build-info.js as a build without the start-up snapshot would write it
WITHOUT_SNAPSHOT = """
Object.defineProperty(window, "WIL_BUILD", { configurable: true, set(build) {
  delete build.assets[build.pyodide.snapshot];
  build.pyodide.snapshot = null;
  Object.defineProperty(window, "WIL_BUILD", { value: build, writable: true, configurable: true });
} });
"""


def test_the_snapshot_gives_the_interpreter_a_plain_start_gives(booted, new_page, server, wait_ready):
    """A build without the snapshot starts Python the long way: same interpreter state, same
    modules, same numbers as the page restored from the snapshot."""
    page = new_page()
    page.add_init_script(WITHOUT_SNAPSHOT)
    page.goto(server)
    wait_ready(page)
    assert page.evaluate("window.boot.snapshot") is False
    assert not any("python-snapshot" in u for u in page.watch.requests), "the snapshot was downloaded anyway"
    for p in (page, booted):  # the teaching panels are built after a few idle seconds: both pages, with them
        wait_panels_built(p)
    plain = json.loads(page.evaluate("(code) => window.pyodide.runPython(code)", INTERPRETER))
    restored = json.loads(booted.evaluate("(code) => window.pyodide.runPython(code)", INTERPRETER))
    assert restored == plain
    assert restored["executable"].endswith("this.program")  # nothing of the build machine
    a, b = page.evaluate("window.playground.state()"), booted.evaluate("window.playground.state()")
    assert (a["trainLoss"], a["testLoss"]) == (b["trainLoss"], b["testLoss"])
    page.context.close()


def test_the_page_starts_with_the_opening_session_the_snapshot_holds_made(booted):
    """The snapshot holds the opening setup's Session made ahead (playground.app.prepare_opening);
    the page took it, and it is the Session the page would have made itself: same data, same
    weights, same config."""
    code = """
import json, sys, numpy as np
from nn import Session
module = sys.modules["playground.app"]
live, fresh = sys.modules["playground"].app.session, Session(None)
json.dumps({"taken": module._prepared is None, "config": live.config == fresh.config,
            "data": all(np.array_equal(getattr(live, k), getattr(fresh, k))
                        for k in ("X_train_raw", "y_train", "X_test_raw", "y_test")),
            "weights": all(np.array_equal(a, b) for a, b in zip(live.net.params, fresh.net.params)),
            "epoch": live.epoch})
"""
    got = json.loads(booted.evaluate("(code) => window.pyodide.runPython(code)", code))
    assert got == {"taken": True, "config": True, "data": True, "weights": True, "epoch": 0}, got


def test_numpy_and_nn_run_in_the_page(booted):
    """Values computed by the page's Python equal those computed here in CPython."""
    code = """
import json, numpy as np, nn
a = np.arange(1.0, 7.0).reshape(2, 3)
b = np.linspace(-1.0, 1.0, 6).reshape(3, 2)
json.dumps({"numpy": np.__version__, "dot": np.dot(a, b).tolist(),
            "normal": np.random.default_rng(7).standard_normal(4).tolist(),
            "nn_doc": nn.__doc__})
"""
    got = json.loads(booted.evaluate("(code) => window.pyodide.runPython(code)", code))
    assert got["numpy"] == "2.0.2"
    a = np.arange(1.0, 7.0).reshape(2, 3)
    b = np.linspace(-1.0, 1.0, 6).reshape(3, 2)
    np.testing.assert_allclose(got["dot"], np.dot(a, b), rtol=1e-12)
    # Same seed, same numbers: numpy 2.0.2 in the browser and this CPython's numpy.
    np.testing.assert_allclose(got["normal"], np.random.default_rng(7).standard_normal(4),
                               rtol=1e-12)
    import nn

    assert got["nn_doc"] == nn.__doc__


def test_the_playground_shows_the_engines_numbers(booted):
    """The real UI (it replaced the boot placeholder): the versions it runs on, and the untrained
    spiral's loss and accuracy, which equal CPython's for the same config (same seed, same engine)."""
    from nn import Session

    s = booted.evaluate("() => window.playground.state()")
    assert booted.evaluate("() => window.playground.ready") is True
    assert s["epoch"] == 0 and s["config"]["dataset"] == "spiral"
    ref = Session(s["config"]).metrics()
    np.testing.assert_allclose([s["trainLoss"], s["testLoss"]],
                               [ref["train_loss"], ref["test_loss"]], rtol=1e-12)
    assert s["trainAccuracy"] == ref["train_accuracy"]
    assert s["testAccuracy"] == ref["test_accuracy"]
    shown = float(booted.locator("#train-loss").inner_text())
    assert shown == pytest.approx(ref["train_loss"], rel=1e-3), "the page shows another loss"
    assert booted.locator("#np-version").inner_text() == "2.0.2"
    assert booted.locator("#py-version").inner_text().startswith("3.12.")


def test_no_request_leaves_the_origin(booted, server):
    origin = urlsplit(server).netloc
    foreign = [u for u in booted.watch.requests
               if not u.startswith("data:") and urlsplit(u).netloc != origin]
    assert not foreign, f"requests to other origins: {foreign}"
    assert not any("/bundle/" in u for u in booted.watch.requests), \
        "over http the file:// bundle must not be downloaded"


def test_no_csp_violation(booted):
    assert booted.watch.csp_violations() == []


# ---- failures are shown on the page ------------------------------------------------------------


def _copy_dist(dist: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy)
    return copy


def _pyodide_dir(folder: Path) -> Path:
    return next((folder / "vendor").glob("pyodide-*"))


@pytest.mark.allow_page_errors
def test_missing_file_shows_a_readable_error(dist, tmp_path, page, serve_copy, wait_error):
    copy = _copy_dist(dist, tmp_path)
    wasm = _pyodide_dir(copy) / "pyodide.asm.wasm"
    wasm.unlink()
    page.goto(serve_copy(copy))
    err = wait_error(page)
    assert err["title"] == "A file of this page is missing"
    assert "pyodide.asm.wasm" in err["box"] and "404" in err["box"]
    assert "Reload the page" in err["box"]
    assert page.locator("#boot-steps li.failed").inner_text() == "Loading Python runtime"
    page.screenshot(path=str(tmp_path / "missing-file.png"))


@pytest.mark.allow_page_errors
@pytest.mark.parametrize("where", ["vendor/pyodide-*/python_stdlib.zip", "runtime/python-snapshot-zstd.bin",
                                   "runtime/numpy-image-zstd.bin", "app-image-zstd.bin"])
def test_damaged_file_shows_a_readable_error(where, dist, tmp_path, page, serve_copy, wait_error):
    copy = _copy_dist(dist, tmp_path)
    damaged = next(copy.glob(where))
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    page.goto(serve_copy(copy))
    err = wait_error(page)
    assert err["title"] == "A file of this page is damaged"
    assert damaged.name in err["box"]


@pytest.mark.allow_page_errors
def test_python_exception_in_main_shows_a_readable_error(dist, tmp_path, page, serve_copy,
                                                         wait_error):
    """playground.main() raises (here: the page lacks an element the app wires up, as an edited
    index.html might): the page says the Python code stopped, with the exception, and the
    traceback under "Technical details". (The code itself cannot be broken in the image: the
    app's modules are in the start-up snapshot, imported as built.)"""
    copy = _copy_dist(dist, tmp_path)
    index = copy / "index.html"
    index.write_text(index.read_text().replace('id="message-close"', 'id="message-close-gone"'))
    page.goto(serve_copy(copy))
    err = wait_error(page)
    assert err["title"] == "The Python code stopped with an error"
    assert "AttributeError" in err["box"] and "addEventListener" in err["box"], err
    page.locator("#boot-error summary").click()
    details = page.locator("#boot-error pre").inner_text()
    assert "Traceback" in details and 'by_id("message-close")' in details, details
    page.screenshot(path=str(tmp_path / "python-error.png"))


MISSING, DAMAGED = "A file of this page is missing", "A file of this page is damaged"


def _cut(path: Path) -> None:
    """Keep the first half of the file, as an interrupted copy or download does."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.allow_page_errors
@pytest.mark.parametrize("where, damage, title", [
    ("boot.js", "missing", MISSING),  # no script of the page would say so: boot-check.js does
    ("boot.js", "cut", DAMAGED),
    ("draw.js", "missing", MISSING),  # it ran before boot.js; playground imports it only later
    ("draw.js", "cut", DAMAGED),
    ("build-info.js", "cut", DAMAGED),
    ("vendor/pyodide-*/pyodide.asm.js", "cut", DAMAGED),
    ("vendor/pyodide-*/pyodide.js", "cut", DAMAGED),
])
def test_a_missing_or_damaged_script_is_named(where, damage, title, dist, tmp_path, page,
                                              serve_copy, wait_error):
    copy = _copy_dist(dist, tmp_path)
    target = next(copy.glob(where))
    target.unlink() if damage == "missing" else _cut(target)
    page.goto(serve_copy(copy))
    err = wait_error(page, timeout_ms=20_000)  # at once, in fact: no waiting for a timeout
    assert err["title"] == title, err
    assert target.relative_to(copy).as_posix() in err["message"], err
    assert "Reload the page" in err["box"]
    assert page.locator("#boot-stalled").count() == 0, "two messages on the page"
    page.screenshot(path=str(tmp_path / f"{target.name}-{damage}.png"))


@pytest.mark.allow_page_errors
def test_a_script_that_does_not_arrive_is_named_and_takes_over_when_it_does(page, server,
                                                                            wait_ready):
    """A server that hangs on boot.js: after boot-check.js's bounded wait (15 s, run here on
    Playwright's clock) the page names the file it is waiting for; boot.js, arriving late,
    clears the message and starts the page."""
    held = []
    page.route("**/boot.js", lambda route: held.append(route))  # answered only below
    page.clock.install()
    page.goto(server, wait_until="commit")
    # (polling by interval: the installed clock also drives requestAnimationFrame)
    page.wait_for_function("() => document.getElementById('boot-error') !== null", polling=100)
    assert page.evaluate("window.boot.nodeType") == 1, "boot.js ran although it was held back"
    # the other scripts arrive and run (on a busy machine they may take a moment): only boot.js is
    # held. What ran is boot-check.js's own record (the page's resource timings, waited for before,
    # stayed empty here: the wait always ran its whole 30 s). Checked from here, in real time: the
    # page's own timers are on the installed clock.
    others_ran = "() => Array.from(document.querySelectorAll('script[src]'), s => s.getAttribute('src'))" \
                 ".every(src => src === 'boot.js' || self.WIL_PAGE_SCRIPTS[src])"
    deadline = time.monotonic() + 30
    while not page.evaluate(others_ran) and time.monotonic() < deadline:
        time.sleep(0.05)
    page.clock.run_for(16_000)
    page.wait_for_function("() => window.boot && window.boot.error", timeout=5_000, polling=100)
    error = page.evaluate("window.boot.error")
    assert error["title"] == "The page is taking too long to load"
    assert error["message"].endswith("still waiting for boot.js."), error  # the others arrived
    assert page.locator("#boot-error").is_visible()
    held[0].continue_()
    page.wait_for_function("() => window.boot && window.boot.error === null", timeout=10_000,
                           polling=100)
    wait_ready(page)
    assert page.locator("#boot-error").is_hidden()


@pytest.mark.allow_page_errors
def test_a_page_none_of_whose_scripts_run_says_so(dist, tmp_path, page, serve_copy):
    """boot-check.js and boot.js both missing: no script is left to tell; style.css reveals
    index.html's own note after 20 s (here the page's animations run 1000 times faster)."""
    copy = _copy_dist(dist, tmp_path)
    (copy / "boot-check.js").unlink()
    (copy / "boot.js").unlink()
    note = page.locator("#boot-stalled")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Animation.enable")
    cdp.send("Animation.setPlaybackRate", {"playbackRate": 1000})
    page.goto(serve_copy(copy))
    note.wait_for(state="visible", timeout=10_000)
    assert "copy the whole folder again" in note.inner_text()
    assert page.locator("#boot-status").inner_text() == "Loading the page…"


@pytest.mark.allow_page_errors
def test_the_page_starts_without_boot_check_js(dist, tmp_path, page, serve_copy, wait_ready):
    """boot-check.js only reports; the page does not depend on it."""
    copy = _copy_dist(dist, tmp_path)
    (copy / "boot-check.js").unlink()
    page.goto(serve_copy(copy))
    wait_ready(page)
    # the browser's own reports of the missing file (a 404, refused as text/html), nothing else
    assert [e for e in page.watch.errors if "404" not in e and "boot-check.js" not in e] == []


def test_served_with_the_headers_of_vercel_json(server, dist):
    """scripts/serve.py applies vercel.json, so these tests run under the hosted page's CSP."""
    import urllib.request

    def head(path):
        with urllib.request.urlopen(urllib.request.Request(server + path, method="HEAD")) as r:
            return r.headers

    wasm = next(dist.glob("vendor/pyodide-*/pyodide.asm.wasm")).relative_to(dist).as_posix()
    h = head(wasm)
    assert h["Content-Type"] == "application/wasm"
    assert h["Cache-Control"] == "public, max-age=31536000, immutable"
    h = head("")
    assert h["Cache-Control"] == "no-cache"
    csp = h["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "'wasm-unsafe-eval'" in csp
    assert "'unsafe-eval'" not in csp.replace("'wasm-unsafe-eval'", "")
    assert "'unsafe-inline'" not in csp


@pytest.mark.allow_page_errors
def test_no_webassembly_shows_a_readable_error(page, server, wait_error):
    page.context.add_init_script("delete window.WebAssembly;")
    page.goto(server)
    err = wait_error(page)
    assert err["title"] == "This browser cannot run WebAssembly"
    assert "Use a current Firefox, Chrome, Edge or Safari" in err["box"]


@pytest.mark.allow_page_errors
def test_unbuilt_page_says_how_to_build(dist, tmp_path, page, serve_copy, wait_error):
    copy = _copy_dist(dist, tmp_path)
    (copy / "build-info.js").unlink()
    page.goto(serve_copy(copy))
    err = wait_error(page)
    assert err["title"] == "This page has not been built"
    assert "python scripts/build.py" in err["box"]
