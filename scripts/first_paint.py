"""The page as it opens, made at build time: its markup with every control filled, and its pictures.

    python scripts/first_paint.py       prints what the build would bake, in short

The page's Python (site/playground) fills the controls and paints the pictures once it has started
in the browser, seconds after the page arrives. The same code runs here, in CPython + numpy, for
the opening setup (the default config, no link): the controls are filled by playground.views.controls
itself, driving a small stand-in for the browser's DOM (`MiniDom`, only what those views use), and
the pictures come from playground.logic.first_frame. scripts/build.py bakes the markup into
dist/index.html and the pictures into first-frame.js; site/first-paint.js paints them before Python
starts, and playground.main() adopts that markup instead of writing its own.
"""

from __future__ import annotations

import contextlib
import html
import json
import sys
import types
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# DOM properties that are attributes in the markup; the boolean ones are there or not
BOOLEAN = {"hidden", "disabled", "checked", "selected", "readonly", "open"}
REFLECTED = {"type", "min", "max", "step", "id", "name"}


# -- a small DOM: elements, text, and the properties the views set -----------------------------------------
class _Text:
    def __init__(self, text):
        self.text, self.parent = text, None

    def html(self):
        return html.escape(self.text, quote=False)

    def text_content(self):
        return self.text


class _ClassList:
    def __init__(self, el):
        self._el = el

    def _names(self):
        return self._el.attrs.get("class", "").split()

    def toggle(self, name, force=None):
        names = self._names()
        on = (name not in names) if force is None else bool(force)
        if on and name not in names:
            names.append(name)
        elif not on and name in names:
            names.remove(name)
        if names or "class" in self._el.attrs:
            self._el.attrs["class"] = " ".join(names)
        return on

    def add(self, name):
        self.toggle(name, True)

    def remove(self, name):
        self.toggle(name, False)

    def contains(self, name):
        return name in self._names()


class _Dataset:
    def __init__(self, el):
        object.__setattr__(self, "_el", el)

    def __setattr__(self, key, value):
        self._el.attrs["data-" + key.replace("_", "-")] = str(value)

    def __getattr__(self, key):
        return self._el.attrs.get("data-" + key)


class _Style:
    def __init__(self, el):
        object.__setattr__(self, "_el", el)

    def setProperty(self, name, value):  # noqa: N802 - the DOM's name
        rules = [r for r in self._el.attrs.get("style", "").split(";") if r.strip()
                 and r.split(":")[0].strip() != name]
        self._el.attrs["style"] = "; ".join([*(r.strip() for r in rules), f"{name}: {value}"])

    def __setattr__(self, key, value):
        name = "".join("-" + c.lower() if c.isupper() else c for c in key)
        self.setProperty(name, value)


class _Element:
    def __init__(self, tag, attrs=()):
        self.__dict__.update(tag=tag.lower(), attrs=dict(attrs), children=[], parent=None)
        self.__dict__.update(classList=_ClassList(self), dataset=_Dataset(self), style=_Style(self))

    # properties -> attributes
    def __getattr__(self, key):
        if key in BOOLEAN:
            return key in self.attrs
        if key == "className":
            return self.attrs.get("class", "")
        if key == "textContent":
            return "".join(c.text_content() for c in self.children)
        if key == "value":
            if self.tag == "select":
                chosen = [o for o in self._options() if "selected" in o.attrs] or self._options()[:1]
                return chosen[0].value if chosen else ""
            if self.tag == "option":
                return self.attrs.get("value", self.textContent)
            return self.attrs.get("value", "")
        if key in REFLECTED:
            return self.attrs.get(key, "")
        if key == "tagName":
            return self.tag.upper()
        raise AttributeError(f"MiniDom: <{self.tag}> has no {key!r} here (add it if the views need it)")

    def __setattr__(self, key, value):
        if key in ("parent", "children"):
            self.__dict__[key] = value
        elif key in BOOLEAN:
            if value:
                self.attrs[key] = ""
            else:
                self.attrs.pop(key, None)
        elif key == "className":
            self.attrs["class"] = value
        elif key == "textContent":
            self.replaceChildren(_Text(str(value)))
        elif key == "value" and self.tag == "select":
            for o in self._options():
                o.selected = o.value == str(value)
        elif key == "value" or key in REFLECTED:
            self.attrs[key] = str(value)
        else:
            raise AttributeError(f"MiniDom: <{self.tag}>.{key} is not set here (add it if the views need it)")

    def _options(self):
        return [c for c in self.walk() if isinstance(c, _Element) and c.tag == "option"]

    def text_content(self):
        return self.textContent

    # tree
    def walk(self):
        for c in self.children:
            yield c
            if isinstance(c, _Element):
                yield from c.walk()

    def append(self, *nodes):
        for n in nodes:
            n = _Text(n) if isinstance(n, str) else n
            if n.parent is not None:
                n.parent.children.remove(n)
            n.parent = self
            self.children.append(n)

    def replaceChildren(self, *nodes):  # noqa: N802
        for c in self.children:
            c.parent = None
        self.children = []
        self.append(*nodes)

    def setAttribute(self, name, value):  # noqa: N802
        self.attrs[name] = str(value)

    def getAttribute(self, name):  # noqa: N802
        return self.attrs.get(name)

    def closest(self, tag):
        el = self
        while el is not None and not (isinstance(el, _Element) and el.tag == tag):
            el = el.parent
        return el

    def addEventListener(self, *args):  # noqa: N802 - markup carries no listeners
        pass

    def html(self):
        attrs = "".join(f" {k}" if v == "" and k in BOOLEAN else f' {k}="{html.escape(v)}"'
                        for k, v in self.attrs.items())
        if self.tag in VOID:
            return f"<{self.tag}{attrs}>"
        return f"<{self.tag}{attrs}>{''.join(c.html() for c in self.children)}</{self.tag}>"


class _Builder(HTMLParser):
    def __init__(self, root):
        super().__init__(convert_charrefs=True)
        self.stack = [root]

    def handle_starttag(self, tag, attrs):
        el = _Element(tag, ((k, "" if v is None else v) for k, v in attrs))
        self.stack[-1].append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].append(_Element(tag, ((k, "" if v is None else v) for k, v in attrs)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].append(_Text(data))


class MiniDom:
    """The page's markup as a tree with the few DOM calls the controls make, and back to markup."""

    def __init__(self, markup):
        self.root = _Element("main")
        _Builder(self.root).feed(markup)

    def getElementById(self, id_):  # noqa: N802
        for el in self.root.walk():
            if isinstance(el, _Element) and el.attrs.get("id") == id_:
                return el
        return None

    def createElement(self, tag):  # noqa: N802
        return _Element(tag)

    def createTextNode(self, text):  # noqa: N802
        return _Text(text)

    def markup(self):
        return "".join(c.html() for c in self.root.children)


class _Listeners:
    """Stands in for views.dom.Proxies: at build time nothing listens."""

    def listen(self, *args, **kwargs):
        return None

    def hold(self, fn):
        return fn


@contextlib.contextmanager
def _browser_stand_in(dom):
    """`js` and `pyodide.ffi` as the page's views import them, backed by `dom`, for this block only."""
    absent = type("Absent", (), {"__getattr__": lambda self, name: self})()  # never called at build time
    js = types.ModuleType("js")
    js.document = dom
    js.__getattr__ = lambda name: absent  # window, Blob, uPlot, ...: imported, never used here
    pyodide, ffi = types.ModuleType("pyodide"), types.ModuleType("pyodide.ffi")
    ffi.__getattr__ = lambda name: (lambda v, *args, **kw: v)  # create_proxy, to_js, ...: values as they are
    pyodide.ffi = ffi
    saved = {k: sys.modules.get(k) for k in ("js", "pyodide", "pyodide.ffi")}
    playground = {k: m for k, m in sys.modules.items() if k == "playground" or k.startswith("playground.")}
    sys.modules.update({"js": js, "pyodide": pyodide, "pyodide.ffi": ffi})
    try:
        yield
    finally:
        for k, m in saved.items():
            if m is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = m
        for k in [k for k in sys.modules if k == "playground" or k.startswith("playground.")]:
            if k not in playground:  # views imported against the stand-in are not kept
                del sys.modules[k]


def opening(python_version: str, numpy_version: str) -> tuple[str, dict | None]:
    """(the #app markup of the opening page, the opening frame's pictures) made by the page's own
    code; python_version and numpy_version are the page's (Pyodide's), shown in the footer."""
    for path in (str(ROOT), str(SITE)):
        if path not in sys.path:
            sys.path.insert(0, path)
    from nn import Session

    dom = MiniDom((SITE / "playground" / "page.html").read_text(encoding="utf-8"))
    with _browser_stand_in(dom):
        from playground.app import App
        from playground.logic import first_frame
        from playground.views.controls import Controls

        app = App.__new__(App)  # only the parts that write the opening page's words
        app.session, app.focus, app._texts, app._text_els, app._caption_for = Session(None), None, {}, {}, ()
        controls = Controls(_Listeners(), *[None] * 5)
        controls.sync(app.session)
        app._show_metrics(app.session)
        dom.getElementById("py-version").textContent = python_version
        dom.getElementById("np-version").textContent = numpy_version
        frame = first_frame.opening_frame(app.session)
    return dom.markup(), frame


def first_frame_script(frame: dict | None) -> str:
    """first-frame.js: the opening frame for site/first-paint.js (null: nothing to paint ahead)."""
    return ("/* Generated by scripts/build.py (scripts/first_paint.py): the opening frame's pictures,\n"
            "   made by the page's own Python at build time; site/first-paint.js paints them. */\n"
            "self.WIL_FIRST = " + json.dumps(frame, separators=(",", ":")) + ";\n")


APP_TAG = '<main id="app"></main>'


def baked_index(index_html: str, markup: str) -> str:
    """index.html with the opening page inside <main id="app" data-first-paint> (playground.main
    adopts it)."""
    if index_html.count(APP_TAG) != 1:
        raise ValueError(f"site/index.html must hold exactly one {APP_TAG}")
    return index_html.replace(APP_TAG, f'<main id="app" data-first-paint>\n{markup}</main>')


if __name__ == "__main__":
    markup, frame = opening("3.12", "2.0")
    size = "none" if frame is None else f"{len(first_frame_script(frame)):,} characters, sizes {frame['sizes']}"
    print(f"markup: {len(markup):,} characters; frame: {size}")
