"""Reading the page from browser tests: window.playground.state(), and waiting for a state."""


def state(page):
    """The page's read-only state (epoch, losses, config, ...) as a dict."""
    return page.evaluate("() => window.playground.state()")


def wait_state(page, predicate_js, timeout=60_000):
    """Wait until `predicate_js`, an expression over the state `s`, holds; return the state."""
    page.wait_for_function(f"() => {{ const s = window.playground.state(); return {predicate_js}; }}",
                           timeout=timeout, polling=50)
    return state(page)
