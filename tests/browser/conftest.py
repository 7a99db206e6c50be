"""Browser tests: headless Chromium (driven by Playwright) against the built dist/.

Fixtures:
    browser        one headless Chromium for the session (skips with a reason when none is found)
    dist           the built dist/ folder (skips when it was not built)
    server         base URL of dist/ served on 127.0.0.1 with vercel.json's headers
    page           a fresh page (own context, own profile) whose console goes to the test log;
                   any page error or console.error fails the test, unless the test is marked
                   @pytest.mark.allow_page_errors. page.watch holds what was seen.
    new_page       factory: new_page() -> a watched page in a fresh context (you close it)
    serve_copy     factory: serve_copy(folder) -> base URL of a (modified) copy of dist/
    wait_ready     wait_ready(page) -> seconds from navigation start to playground ready
    wait_error     wait_error(page) -> the error boot.js showed on the page
    boot_times     {label: seconds}, printed at the end of the run

Tests use fixtures rather than importing this module (several conftest.py may exist).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
sys.path.insert(0, str(ROOT / "scripts"))

from headless import HOW_TO_GET_A_BROWSER, LAUNCH_ARGS, find_browser  # noqa: E402
from serve import serve_in_thread  # noqa: E402

BOOT_TIMEOUT_MS = 60_000
# Collected by init script: Content-Security-Policy violations the page saw.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push({directive: e.violatedDirective, blocked: e.blockedURI,
                               source: e.sourceFile + ":" + e.lineNumber, sample: e.sample});
});
"""
BOOT_TIMES: dict[str, float] = {}  # label -> seconds; printed at the end of the run (tests/conftest.py)
_REPORTED: set[str] = set()        # the labels sent with a report

log = logging.getLogger("browser")


def pytest_configure(config):
    config.addinivalue_line("markers", "allow_page_errors: the test expects page errors "
                                       "(console.error / uncaught exceptions)")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def dist() -> Path:
    if not (DIST / "build-info.js").exists():
        pytest.skip("dist/ is not built: run `python scripts/build.py`")
    return DIST


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: "
                                   "pip install -e '.[test]'")
    path = find_browser()
    if path is None:
        pytest.skip(f"CHROMIUM={os.environ['CHROMIUM']} does not exist; " + HOW_TO_GET_A_BROWSER)
    pw = sync_api.sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=path or None, headless=True, args=LAUNCH_ARGS)
    except Exception as e:  # noqa: BLE001 - any launch failure means: no usable browser
        pw.stop()
        pytest.skip(f"{HOW_TO_GET_A_BROWSER} ({str(e).splitlines()[0]})")
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="session")
def server(dist):
    srv, url = serve_in_thread(dist, port=0)
    yield url
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def serve_copy():
    """serve_copy(folder) -> base URL: serves a modified copy of dist/ with the same headers."""
    servers = []

    def serve(folder):
        srv, url = serve_in_thread(Path(folder), port=0)
        servers.append(srv)
        return url

    yield serve
    for srv in servers:
        srv.shutdown()
        srv.server_close()


class PageWatch:
    """What a page did: console lines, errors, requests."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda e: self._error(f"uncaught: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("crash", lambda _: self._error("the page crashed"))

    def _on_console(self, msg):
        line = f"[{msg.type}] {msg.text}"
        self.console.append(line)
        log.info("console %s", line)
        if msg.type == "error":
            self._error(f"console.error: {msg.text}")

    def _error(self, text):
        log.warning("page error: %s", text)
        self.errors.append(text)

    def csp_violations(self) -> list[dict]:
        return self.page.evaluate("window.__cspViolations || []")


def open_page(browser, **context_args):
    """A page in a fresh context (fresh profile) with a PageWatch at page.watch."""
    context = browser.new_context(**context_args)
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    page.watch = PageWatch(page)
    return page


@pytest.fixture
def page(browser):
    p = open_page(browser)
    yield p
    p.context.close()


@pytest.fixture(scope="session")
def new_page(browser):
    """new_page(**context_args) -> a watched page in a fresh context; close its context."""
    return lambda **kw: open_page(browser, **kw)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if item.get_closest_marker("allow_page_errors"):
        return result
    for value in getattr(item, "funcargs", {}).values():
        watch = getattr(value, "watch", None)
        if isinstance(watch, PageWatch) and watch.errors:
            pytest.fail("the page reported errors:\n  " + "\n  ".join(watch.errors))
    return result


def _wait_ready(page, timeout_ms: int = BOOT_TIMEOUT_MS) -> float:
    """Wait for window.playground.ready; fail with the on-page error if boot failed instead.

    Returns seconds from navigation start to ready (measured in the page by boot.js).
    """
    page.wait_for_function(
        "() => (window.playground && window.playground.ready) || (window.boot && window.boot.error)",
        timeout=timeout_ms, polling=100)
    error = page.evaluate("window.boot && window.boot.error")
    if error:
        pytest.fail(f"boot failed on the page: {error['title']}: {error['message']}")
    return page.evaluate("window.boot.timings.total") / 1000


def _wait_error(page, timeout_ms: int = BOOT_TIMEOUT_MS) -> dict:
    """Wait for boot.js to report a failure; return {title, message, advice, box (its text)}."""
    page.wait_for_function("() => window.boot && (window.boot.error || window.boot.ready)",
                           timeout=timeout_ms, polling=100)
    error = page.evaluate("window.boot.error")
    assert error, "the page booted although it should have failed"
    box = page.locator("#boot-error")
    assert box.is_visible(), "the error box is not visible"
    return {**error, "box": box.inner_text()}


@pytest.fixture(scope="session")
def wait_ready():
    return _wait_ready


@pytest.fixture(scope="session")
def wait_error():
    return _wait_error


@pytest.fixture(scope="session")
def open_app(new_page, server):
    """open_app(hash="", **context_args) -> a new page on the served playground, booted."""
    def open_(hash="", **context):
        page = new_page(**context)
        page.goto(server + hash)
        _wait_ready(page)
        return page
    return open_


@pytest.fixture(scope="module")
def app(open_app):
    """One booted playground per test file, shared by its tests (a file that needs its page set up
    otherwise defines its own `app`)."""
    page = open_app()
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def boot_times():
    return BOOT_TIMES


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Each boot time goes out once, with the report of the test that measured it: tests/conftest.py
    prints them at the end, from the reports, also when the files run in several processes."""
    report = yield
    for label in BOOT_TIMES.keys() - _REPORTED:
        report.user_properties.append(("boot time", (label, BOOT_TIMES[label])))
        _REPORTED.add(label)
    return report
