"""Headless Chromium for the tests, benchmarks and screenshots: which browser, which flags.
Also where the Firefox tests find Firefox (they drive it from node: tests/firefox/drive.mjs).

DESIGN.md §7: a system Chromium (or $CHROMIUM, or Playwright's own download), launched with
flags that keep it from calling out (this machine's network is closed) and a fresh profile
(Playwright gives each launch one).
"""
import os
import shutil
from pathlib import Path

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
HOW_TO_GET_A_BROWSER = ("install Chromium (Debian: apt-get install chromium), or "
                        "`python -m playwright install chromium`, or set CHROMIUM=/path/to/it")


def find_browser():
    """$CHROMIUM, else a system Chromium, else "" (Playwright's own download); None if
    $CHROMIUM names a file that does not exist."""
    env = os.environ.get("CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(name).exists():
            return name
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return ""


def launch(playwright, extra_args=()):
    """A headless Chromium from a started Playwright."""
    path = find_browser()
    if path is None:
        raise SystemExit(f"CHROMIUM={os.environ['CHROMIUM']} does not exist; {HOW_TO_GET_A_BROWSER}")
    return playwright.chromium.launch(executable_path=path or None, headless=True,
                                      args=[*LAUNCH_ARGS, *extra_args])


def launch_with_profile(browser_type, profile_dir, **context_args):
    """A headless Chromium with a profile on disk (a browser context; close it when done). A
    repeat visit needs one: a fresh context keeps its caches in memory, and there Chromium keeps
    no compiled WebAssembly from one visit to the next, as it does for a visitor's own profile."""
    path = find_browser()
    if path is None:
        raise SystemExit(f"CHROMIUM={os.environ['CHROMIUM']} does not exist; {HOW_TO_GET_A_BROWSER}")
    return browser_type.launch_persistent_context(
        str(profile_dir), executable_path=path or None, headless=True, args=LAUNCH_ARGS, **context_args)


SYSTEM_FIREFOX = ("/usr/bin/firefox-esr", "/usr/bin/firefox")
HOW_TO_GET_FIREFOX = ("install Firefox ESR (on Debian `apt-get install firefox-esr`, which "
                      "`python scripts/test.py` runs when it is root), or set FIREFOX=/path/to/firefox")


def find_firefox():
    """$FIREFOX, else Debian's firefox-esr, else a firefox on the PATH; None if there is none
    (or $FIREFOX names a file that does not exist)."""
    env = os.environ.get("FIREFOX")
    if env:
        return env if Path(env).exists() else None
    for name in SYSTEM_FIREFOX:
        if Path(name).exists():
            return name
    return shutil.which("firefox-esr") or shutil.which("firefox")
