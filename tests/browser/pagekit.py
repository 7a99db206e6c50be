"""Reading the page from browser tests: window.playground.state(), and waiting for a state."""
import sys
from pathlib import Path


def state(page):
    """The page's read-only state (epoch, losses, config, ...) as a dict."""
    return page.evaluate("() => window.playground.state()")


def wait_state(page, predicate_js, timeout=60_000):
    """Wait until `predicate_js`, an expression over the state `s`, holds; return the state."""
    page.wait_for_function(f"() => {{ const s = window.playground.state(); return {predicate_js}; }}",
                           timeout=timeout, polling=50)
    return state(page)


def pause(page):
    """Pause, if it trains, and wait until it has stopped. The press goes to the Play/Pause button
    by its place, not by its label: training may stop itself (converged) just before the press,
    and the button then says Play; the page takes such a press as the Pause it was aimed at."""
    if state(page)["running"]:
        page.locator("#play").click()
    return wait_state(page, "!s.running")


def step_epochs(page, n):
    """n epochs with the page's own Step key, one at a time, as a learner would (exact, unlike Play)."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # keys go to the page
    start = state(page)["epoch"]
    for _ in range(n):
        page.keyboard.press("s")
    return wait_state(page, f"s.epoch === {start + n}")


def offline_page(new_page, **context_args):
    """A page (from the new_page fixture) whose every request that is not file:// is aborted and
    recorded in page.blocked: the USB stick with no network."""
    page = new_page(offline=True, **context_args)
    page.blocked = []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            page.blocked.append(r.request.url)
            r.abort()

    page.context.route("**/*", route)
    return page


def _site_on_path():
    """The page's own Python (site/playground), importable here: its lists and geometry are the truth."""
    site = str(Path(__file__).resolve().parents[2] / "site")
    if site not in sys.path:
        sys.path.insert(0, site)


def wait_panels_built(page, timeout=60_000):
    """Wait until every teaching panel (playground.panels.PANELS, their one list) is built: they are
    built a few idle seconds after the page is ready, or when focus or the view comes near them."""
    _site_on_path()
    from playground.panels import PANELS

    page.wait_for_function(f"() => document.querySelectorAll('#panels > section.teach').length === {len(PANELS)}",
                           timeout=timeout)


def click_edge(page, layer, i, j):
    """Click the middle of the edge (layer, i -> j) of the network drawing, where the drawing's own
    layout (playground.logic.layout) places it: what a learner does to edit that weight."""
    _site_on_path()
    from playground.logic.layout import layout

    canvas = page.locator("#network")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    lay = layout(state(page)["sizes"], max(1, round(box["width"])), max(1, round(box["height"])))
    x0, y0, x1, y1 = lay.edge(layer, i, j)
    page.mouse.click(box["x"] + (x0 + x1) / 2, box["y"] + (y0 + y1) / 2)
