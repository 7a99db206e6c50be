"""Teaching panels below the playground. Each module here that defines `Panel` is found and
started in name order (prefix modules with numbers to order them); none is listed by hand.

A panel is a class bound to one <section> it fills itself:

    class Panel:
        def __init__(self, app, section): ...   # app.session, app.proxies, app.running, app.selected
        def render(self, session, grid): ...    # after a repaint whose weights changed (grid may be None for digits)
        def reset(self, session): ...           # the network or data was rebuilt
        def select(self, point): ...            # optional: a data point was clicked: ("train"|"test", index) or None
"""
import importlib
import pkgutil

from js import document


def names():
    """The panel modules, in the order they are shown."""
    return [info.name for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)]


def create(app, container, name):
    """Import panel module `name` and create its panel in a new <section class="panel teach">
    inside `container`; None if the module defines no `Panel`."""
    cls = getattr(importlib.import_module(f"{__name__}.{name}"), "Panel", None)
    if cls is None:
        return None
    section = document.createElement("section")
    section.className = "panel teach"
    section.id = f"panel-{name.lstrip('0123456789_')}"
    container.append(section)
    return cls(app, section)
