"""A small Python editor: a textarea laid exactly over the same text highlighted by the vendored
highlight.js, with line numbers counted as in the file the function comes from.

Why not a code-editor library: the ones with Python support ship as ES modules that would need a
bundler in the build to load from file:// as a classic script; highlight.js is already vendored
for the source viewer, and a function of 20-60 lines needs only this. The textarea holds the text
(so undo, selection, copy and the keyboard are the browser's own); the highlighted copy under it is
painted again on every input. Tab indents by 4 spaces; Esc then Tab leaves the editor.
"""
from js import document, window
from pyodide.ffi import to_js

from . import highlight

INDENT = "    "


def _el(tag, parent, cls=None, **attrs):
    e = document.createElement(tag)
    if cls:
        e.className = cls
    for key, value in attrs.items():
        e.setAttribute(key.rstrip("_").replace("_", "-"), str(value))
    parent.append(e)
    return e


class CodeEditor:
    """Bound to a new <div class="code-edit"> in `parent`; its listeners are owned by `proxies`."""

    LINE_PX = 18  # must match .code-edit pre's line-height in code_edit.css
    PAD_PX = 8    # and its padding-top

    def __init__(self, parent, proxies, label):
        self.root = _el("div", parent, "code-edit")
        self.gutter = _el("pre", self.root, "code-edit-gutter", aria_hidden="true")
        stack = _el("div", self.root, "code-edit-stack")
        self.band = _el("div", stack, "code-edit-band")
        self.band.hidden = True
        pre = _el("pre", stack, "code-edit-pre", aria_hidden="true")
        self.code = _el("div", pre, "hljs language-python")  # (no <code>: the viewer's is the panel's one)
        self.area = _el("textarea", stack, "code-edit-area", aria_label=label, spellcheck="false",
                        autocapitalize="off", autocomplete="off", autocorrect="off", wrap="off")
        self.first = 1
        self._escaped = False
        proxies.listen(self.area, "input", lambda e: self._paint())
        proxies.listen(self.area, "keydown", self._key)
        highlight.when_loaded(proxies, self._colour)  # (a band shown meanwhile stays)

    # -- the text ---------------------------------------------------------------------------------
    def set(self, text, first):
        """Show `text`, numbered from line `first` of its file (the undo history starts again)."""
        self.first = first
        self.area.value = text
        self._paint()

    def text(self):
        return str(self.area.value)

    def mark(self, line, kind="error"):
        """Band the file's line `line` (an error's, or the line an exercise changes); None: no band."""
        lines = self.text().count("\n") + 1
        if line is None or not self.first <= line < self.first + lines:
            self.band.hidden = True
            return
        self.band.className = f"code-edit-band {kind}"
        self.band.style.top = f"{self.PAD_PX + (line - self.first) * self.LINE_PX}px"
        self.band.hidden = False
        self.root.scrollTop = max(0, (line - self.first - 2) * self.LINE_PX)

    def focus(self):
        self.area.focus(to_js({"preventScroll": True}, dict_converter=window.Object.fromEntries))

    def _paint(self):
        text = self.text()
        lines = text.count("\n") + 1
        self.gutter.textContent = "\n".join(str(k) for k in range(self.first, self.first + lines))
        self._colour()
        self.band.hidden = True  # a mark belongs to the text it was made for

    def _colour(self):
        """The highlighted copy of the text (plain until highlight.js has come)."""
        text = self.text()
        # a final newline adds a line the pre would not show: a space keeps both the same height
        shown = text + " " if text.endswith("\n") else text
        coloured = highlight.html(shown)
        if coloured is None:
            self.code.textContent = shown
        else:
            self.code.innerHTML = coloured

    # -- keys: Tab indents, Enter keeps the indentation ------------------------------------------------
    def _key(self, event):
        key = str(event.key)
        escaped, self._escaped = self._escaped, key == "Escape"
        if event.ctrlKey or event.metaKey or event.altKey:
            return
        if key == "Tab" and not escaped and not event.shiftKey:
            event.preventDefault()
            self._insert(INDENT)
        elif key == "Enter":
            event.preventDefault()
            text, at = self.text(), int(self.area.selectionStart)
            line = text[:at].rsplit("\n", 1)[-1]
            indent = line[:len(line) - len(line.lstrip(" "))]
            self._insert("\n" + indent + (INDENT if line.rstrip().endswith(":") else ""))

    def _insert(self, s):
        """Type `s` at the caret: through the browser's own editing, so that undo takes it back."""
        if not document.execCommand("insertText", False, s):
            self.area.setRangeText(s, self.area.selectionStart, self.area.selectionEnd, "end")
            self._paint()
