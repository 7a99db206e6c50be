"""Run every test, from a fresh clone on a fresh machine: the one command.

    python scripts/test.py [pytest args]

1. installs the project with its test extras (`pip install -e ".[test]"`; set
   TEST_EXTRAS=test,parity to add the PyTorch parity tests' extra);
2. makes sure there is a Chromium for the browser tests (system one; on Debian as root it is
   installed with apt-get; otherwise says how to get one, and the browser tests skip);
3. the same for Firefox ESR (Debian's firefox-esr), which the Firefox tests drive through
   puppeteer-core, a pinned devDependency (`npm ci`; it never downloads a browser). Without
   either, the Firefox tests skip and say why;
4. builds dist/ (`python scripts/build.py`);
5. runs `python -m pytest` with the given arguments and exits with pytest's exit code. The tests run
   in TEST_WORKERS processes (default 1), a test file to a process, so a file's tests still share
   its page; give -n yourself to choose otherwise.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# One process unless TEST_WORKERS says more: two (pytest-xdist) took the whole suite from 46 to 17-18
# minutes on a busy 2-core machine, but in each of two full runs one timing-sensitive browser test
# failed (a different one each time), and a flaky suite is worse than a slow one.
DEFAULT_WORKERS = 1


def _say(msg: str) -> None:
    print(f"[test.py] {msg}", flush=True)


def _run(cmd: list[str], **kw) -> int:
    return subprocess.run(cmd, cwd=ROOT, **kw).returncode


def _apt_install(*packages: str) -> bool:
    """apt-get install on Debian as root (apt-get update first when the lists are missing)."""
    if not (Path("/etc/debian_version").exists() and shutil.which("apt-get")
            and hasattr(os, "geteuid") and os.geteuid() == 0):
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": subprocess.DEVNULL, "env": env}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]
    _say(f"installing {' '.join(packages)} with apt-get ...")
    if _run(install, **quiet) == 0:
        return True
    _say("apt-get update ...")
    _run(["apt-get", "update", "-q"], **quiet)
    return _run(install, **quiet) == 0


def install_python_packages() -> int:
    extras = os.environ.get("TEST_EXTRAS", "test")
    _say(f'pip install -e ".[{extras}]"')
    return _run([sys.executable, "-m", "pip", "install", "-q", "--root-user-action=ignore",
                 "-e", f".[{extras}]"])


def ensure_node() -> None:
    if shutil.which("npm"):
        return
    if not _apt_install("nodejs", "npm"):
        _say("npm was not found: install Node.js 18+ with npm; the build needs it.")


def ensure_browser() -> None:
    env = os.environ.get("CHROMIUM")
    if env:
        _say(f"browser: CHROMIUM={env}" + ("" if Path(env).exists() else " (does not exist!)"))
        return
    for path in SYSTEM_CHROMIUM:
        if Path(path).exists():
            _say(f"browser: {path}")
            return
    if _apt_install("chromium") and Path(SYSTEM_CHROMIUM[0]).exists():
        _say(f"browser: {SYSTEM_CHROMIUM[0]} (just installed)")
        return
    probe = ("from playwright.sync_api import sync_playwright\n"
             "with sync_playwright() as p: print(p.chromium.executable_path)")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    if r.returncode == 0 and r.stdout.strip() and Path(r.stdout.strip()).exists():
        _say(f"browser: Playwright's own, {r.stdout.strip()}")
        return
    _say("NO BROWSER: the browser tests will be skipped. To run them, get a Chromium: "
         "on Debian `apt-get install chromium`, elsewhere `python -m playwright install "
         "chromium` (or set CHROMIUM=/path/to/chromium).")


def ensure_firefox() -> None:
    """Firefox ESR and its driver for tests/firefox (optional: without them those tests skip)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import build
    from headless import HOW_TO_GET_FIREFOX, find_firefox

    try:
        build.ensure_node_modules(dev=True)  # puppeteer-core, the driver
    except build.BuildError as e:
        _say(f"the Firefox tests will be skipped: {e}")
    if os.environ.get("FIREFOX"):
        found = find_firefox()
        _say(f"firefox: FIREFOX={os.environ['FIREFOX']}" + ("" if found else " (does not exist!)"))
        return
    found = find_firefox()
    if found:
        _say(f"firefox: {found}")
    elif _apt_install("firefox-esr") and find_firefox():
        _say(f"firefox: {find_firefox()} (just installed)")
    else:
        _say(f"NO FIREFOX: the Firefox tests will be skipped. To run them, {HOW_TO_GET_FIREFOX}.")


def pytest_args(argv: list[str]) -> list[str]:
    """The arguments given, and the suite spread over TEST_WORKERS processes a file at a time
    (module fixtures, such as a file's one booted page, hold), unless they choose -n themselves."""
    workers = int(os.environ.get("TEST_WORKERS", DEFAULT_WORKERS))
    if workers <= 1 or "no:xdist" in argv or any(a.startswith(("-n", "--numprocesses")) for a in argv):
        return argv
    importlib.invalidate_caches()  # (pip has just installed it, in this process's site-packages)
    if importlib.util.find_spec("xdist") is None:
        _say("pytest-xdist is not installed (the test extra has it): the tests run in one process")
        return argv
    return ["-n", str(workers), "--dist", "loadfile", *argv]


def main(argv: list[str]) -> int:
    t0 = time.monotonic()
    rc = install_python_packages()
    if rc != 0:
        _say(f"pip install failed (exit {rc})")
        return rc
    ensure_node()
    ensure_browser()
    ensure_firefox()
    _say("python scripts/build.py")
    rc = _run([sys.executable, str(ROOT / "scripts" / "build.py")])
    if rc != 0:
        _say(f"the build failed (exit {rc}); not running the tests")
        return rc
    args = pytest_args(argv)
    _say(f"ready in {time.monotonic() - t0:.0f} s; python -m pytest {' '.join(args)}")
    return _run([sys.executable, "-m", "pytest", *args])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
