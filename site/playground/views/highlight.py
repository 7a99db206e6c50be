"""Python code coloured by the vendored highlight.js, which boot.js loads only once the page is up
(build-info.js's "later": the code panels are below the fold, and the first frames do not wait
for it). Until it has come the code is shown as plain text; each view that shows code asks to
be told when it comes, and colours its code then."""
from js import document, window
from pyodide.ffi import to_js

LOADED = "wil-later-loaded"  # the event boot.js sends on document once the later scripts ran


def html(text):
    """`text` as highlighted HTML, or None while highlight.js has not come (or never will)."""
    hljs = getattr(window, "hljs", None)
    if hljs is None:
        return None
    options = to_js({"language": "python", "ignoreIllegals": True}, dict_converter=window.Object.fromEntries)
    return str(hljs.highlight(text, options).value)


def when_loaded(proxies, then):
    """Call then() once highlight.js has come, if it has not yet (its listener owned by `proxies`)."""
    if getattr(window, "hljs", None) is None:
        proxies.listen(document, LOADED, lambda e: then())
