"""playground: the page's UI, running in Pyodide on top of the engine `nn`.

boot.js unpacks app.zip into /app (on sys.path) and calls `playground.main()`. Pure logic
(colors, layout) imports no browser module and is tested in CPython; the views and the
controller (app) drive the DOM through `js` and `pyodide.ffi`.
"""
from pathlib import Path

PAGE = Path(__file__).with_name("page.html")
app = None  # the running App, kept referenced for the life of the page


def main(config=None):
    """Put the page's markup into #app and start the playground."""
    global app
    from js import document

    from .app import App

    document.getElementById("app").innerHTML = PAGE.read_text(encoding="utf-8")
    app = App(config)
