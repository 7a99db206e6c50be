"""The code: the engine's Python exactly as this page loaded it, read from Pyodide's own file
system (the package is unpacked at /app/nn/), highlighted by the vendored highlight.js, with the
function that computed what you were looking at marked. Every panel links here."""
import hashlib
from pathlib import Path

import nn

from ..logic import code_edit, source_map
from ..views import highlight
from .common import el, header, js_obj
from .source_edit import Editing

LINE_PX = 18      # must match .teach-src-box pre's line-height in teach.css
PAD_PX = 8        # and its padding-top


class Panel:
    name = "source"

    def __init__(self, app, section):
        self.app, self.section = app, section
        self.root = Path(nn.__file__).parent
        self.files = sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*.py"))
        self.file = self.text = None
        self._html = {}
        header(app, section, "src", None,
               "The engine's Python, exactly as this page loaded it: read from the page's own Python file system, "
           f"where the package was unpacked ({self.root}/), not fetched again. The marked lines are the ones that "
           "computed what you were looking at.")
        bar = el("div", section, "teach-src-bar")
        box = el("label", bar, None, "File ")
        self.picker = el("select", box, "teach-btn", aria_label="Source file")
        for name in self.files:
            el("option", self.picker, None, f"nn/{name}", value=name)
        box = el("label", bar, None, "Jump to ")
        self.outline = el("select", box, "teach-btn", aria_label="Function or class")
        self.where = el("span", bar, "teach-src-where")
        self.focus = el("p", section, "teach-p teach-src-focus")
        self.box = el("div", section, "teach-src-box", tabindex="0", aria_label="Source code")
        self.gutter = el("pre", self.box, "teach-src-gutter", aria_hidden="true")
        pre = el("pre", self.box, "teach-src-code")
        self.band = el("div", pre, "teach-src-band")
        self.code = el("code", pre, "hljs language-python")
        listen = app.proxies.listen
        listen(self.picker, "change", lambda e: self.show(str(self.picker.value), None, "", scroll=False))
        listen(self.outline, "change", lambda e: self._jump())
        self.show("core/mlp.py", "MLP.backprop", "the forward and backward pass", scroll=False)
        highlight.when_loaded(app.proxies, self._paint_code)
        self.editing = Editing(self, bar)  # Break it: edit a function, above the viewer

    # -- the panel protocol (nothing here changes with training) ---------------------------------------
    def render(self, session, grid):
        pass

    def reset(self, session):
        pass

    # -- showing code ------------------------------------------------------------------------------------
    def show(self, file, qualname, why="", scroll=True):
        """Show nn/<file> with `qualname` marked (None: no mark); scroll the page to it if asked."""
        if file != self.file:
            self._load(file)
        if qualname:
            first, last = source_map.locate(self.text, qualname)
            self.band.hidden = False
            self.band.style.top = f"{PAD_PX + (first - 1) * LINE_PX}px"
            self.band.style.height = f"{(last - first + 1) * LINE_PX}px"
            self.box.scrollTop = max(0, (first - 1) * LINE_PX - 2 * LINE_PX)
            self.focus.textContent = (f"Marked: {qualname} (lines {first}–{last} of nn/{file})"
                                      + (f", {why}." if why else ".") + source_map.mirror_note(self.text, qualname)
                                      + code_edit.viewer_note(file, qualname))
            self.outline.value = qualname
        else:
            self.band.hidden = True
            self.box.scrollTop = 0
            self.focus.textContent = f"nn/{file}." + source_map.mirror_note(self.text)
        self.section.dataset.file, self.section.dataset.mark = file, qualname or ""
        if scroll:
            self.section.scrollIntoView(js_obj({"behavior": "smooth", "block": "start"}))

    def _load(self, file):
        path = self.root / file
        text = path.read_text(encoding="utf-8")
        self.file, self.text = file, text
        self.picker.value = file
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        self.where.textContent = f"{path} · {lines} lines · sha256 {digest[:16]}…"
        self.where.title = f"sha256 {digest}"
        self.section.dataset.sha256 = digest
        self.gutter.textContent = "\n".join(str(k) for k in range(1, lines + 1))
        self._paint_code()
        self.outline.replaceChildren()
        el("option", self.outline, None, "—", value="")
        for name, first, _ in source_map.outline(text):
            el("option", self.outline, None, f"{name}  (line {first})", value=name)

    def _paint_code(self):
        """The shown file's text, coloured once highlight.js has come (views/highlight.py)."""
        if self.file not in self._html:
            coloured = highlight.html(self.text)
            if coloured is None:
                self.code.textContent = self.text
                return
            self._html[self.file] = coloured
        self.code.innerHTML = self._html[self.file]

    def _jump(self):
        name = str(self.outline.value)
        if name:
            self.show(self.file, name, "", scroll=False)
