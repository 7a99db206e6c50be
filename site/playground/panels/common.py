"""Shared by the teaching panels: small DOM builders, Blocks onto the page, links to the code,
and the throttle that paces a panel's work while training runs.

Not a panel itself (not in panels.PANELS); the panels import it.
"""
from js import Object, document, performance, window
from pyodide.ffi import to_js


def el(tag, parent=None, cls=None, text=None, **attrs):
    """A new element (appended to parent): el("button", row, "teach-btn", "Next", type="button")."""
    e = document.createElement(tag)
    if cls:
        e.className = cls
    if text is not None:
        e.textContent = text
    for key, value in attrs.items():
        e.setAttribute(key.rstrip("_").replace("_", "-"), str(value))
    if parent is not None:
        parent.append(e)
    return e


def show_blocks(container, blocks):
    """Replace container's content with explain_text Blocks: headings, sentences, equations, chips."""
    container.replaceChildren()
    for b in blocks:
        if b.kind == "h":
            el("h4", container, "teach-h", b.text)
        elif b.kind == "p":
            el("p", container, "teach-p", b.text)
        elif b.kind == "eq":
            el("div", container, "teach-eq", b.text)
        elif b.kind == "chips":
            row = el("div", container, "teach-chips")
            for label, text in b.items:
                chip = el("span", row, "teach-chip")
                el("b", chip, None, label)
                chip.append(" " + text)


def header(app, section, key, code=None, lead=""):
    """A panel's top: its title (from PANELS, which names the section), the button to the code that
    computed what it shows (code: a callable giving (file, function, why)), and its lead paragraph."""
    from . import PANELS
    section.setAttribute("aria-labelledby", f"teach-{key}-title")
    head = el("div", section, "teach-head")
    el("h2", head, None, PANELS[str(section.id).removeprefix("panel-")], id=f"teach-{key}-title")
    if code is not None:
        code_button(app, head, code)
    return el("p", section, "teach-lead", lead or None)


class Refresh:
    """When a panel should recompute: its key (weights, point, ...) changed, and either training
    is paused, or the panel is on screen and `every_ms` have passed since the last time. (The app
    calls render on every frame whose weights changed, also with its own pictures off screen.)"""

    def __init__(self, every_ms):
        self.every_ms, self.key, self.last = every_ms, None, -1e9

    def due(self, app, section, key):
        if key == self.key:
            return False
        return not app.running or (performance.now() - self.last >= self.every_ms and on_screen(section))

    def done(self, key):
        self.key, self.last = key, performance.now()


def on_screen(element):
    """True if any of element is inside the window (cheap: one layout read)."""
    r = element.getBoundingClientRect()
    return r.height > 0 and r.bottom > 0 and r.top < window.innerHeight


def css_var(name, fallback):
    value = str(window.getComputedStyle(document.documentElement).getPropertyValue(name)).strip()
    return value or fallback


def js_obj(d):
    return to_js(d, dict_converter=Object.fromEntries)


def strings(items):
    """A Python list of str as one JS array (one crossing)."""
    return to_js([str(s) for s in items])


def source_panel(app):
    return next((p for p in getattr(app, "panels", []) if getattr(p, "name", "") == "source"), None)


def code_button(app, parent, target):
    """A "the code that computed this" button: shows target() = (file, qualname, why) in the
    source viewer and scrolls to it. Its listener is owned by app.proxies."""
    button = el("button", parent, "teach-code", "‹/› The code that computed this", type="button",
                title="Show the Python that computed this, as loaded in this page")

    def show(event):
        src = source_panel(app)
        if src is not None:
            src.show(*target(), scroll=True)
    app.proxies.listen(button, "click", show)
    return button


def set_height(canvas, height):
    """Give a dom.Canvas a new CSS height and have it measured again."""
    canvas.el.style.height = f"{height}px"
    changed = getattr(type(canvas), "changed", None)  # canvases measure themselves only when told
    if changed is not None:
        changed()
