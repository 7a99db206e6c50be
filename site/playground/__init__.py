"""playground: the page's UI, running in Pyodide on top of the engine `nn`.

boot.js lays our code out under /app (on sys.path) and calls `playground.main()`. Pure logic
(colors, layout) imports no browser module and is tested in CPython; the views and the
controller (app) drive the DOM through `js` and `pyodide.ffi`.
"""
from pathlib import Path

PAGE = Path(__file__).with_name("page.html")
app = None  # the running App, kept referenced for the life of the page


def main(config=None):
    """Put the page's markup into #app (unless the build put it there already) and start the playground."""
    global app
    from js import document

    from .app import App

    root = document.getElementById("app")
    baked = root.hasAttribute("data-first-paint")  # the build baked this markup in (scripts/first_paint.py): adopted as it is
    if not baked:
        root.innerHTML = PAGE.read_text(encoding="utf-8")
    app = App(config, baked=baked)
