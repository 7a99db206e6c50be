"""Break it: edit the engine in the page. Part of the source panel: pick a function (an activation's
derivative, a loss gradient, an optimizer's update, backprop), "Edit code", "Apply" (the page's
Python runs your version from then on: training, pictures, the gradient check; the network starts
again), "Restore" (the code as written). Three guided exercises. A badge says while edited code runs.

The edit lives in this tab only: nn.core.edits swaps the function's code in memory; nothing goes
into the link or a saved file, and a session built meanwhile lists it in by_hand.
"""
from js import document

from nn import explain
from nn.core import edits

from ..logic import code_edit
from ..views.code_editor import CodeEditor
from .common import el, js_obj


class Editing:
    """The editor, its buttons, the exercises and the badge, inside the source panel `panel`."""

    def __init__(self, panel, before):
        self.panel, self.app = panel, panel.app
        listen = self.app.proxies.listen
        box = el("div", None, "code-edit-panel")
        panel.section.insertBefore(box, before)
        el("h3", box, "teach-h", "Break it: edit the engine")
        el("p", box, "teach-p", "Change one of these functions and press Apply: from then on this page's Python runs "
           "your version, in training, the pictures and the gradient check, and the network starts again from its "
           "first weights. A wrong derivative shows in the gradient check; Restore brings back the original. "
           "The edit stays in this tab: it is never put in a link or a saved file.")
        bar = el("div", box, "teach-controls")
        label = el("label", bar, None, "Function ")
        self.picker = el("select", label, "teach-btn", aria_label="Function to edit")
        for e in code_edit.EDITABLE:
            el("option", self.picker, None, f"{e.label} ({e.qualname})", value=f"{e.file}:{e.qualname}")
        self.edit_button = el("button", bar, "teach-btn", "Edit code", type="button")
        self.apply_button = el("button", bar, "teach-primary", "Apply", type="button")
        self.restore_button = el("button", bar, "teach-btn", "Restore", type="button")
        self.editor = CodeEditor(box, self.app.proxies, "Python code of the function")
        self.editor.root.hidden = True
        el("p", box, "teach-small code-edit-keys", "Tab indents by four spaces; Esc, then Tab, leaves the editor.")
        self.status = el("p", box, "code-edit-status", role="status", aria_live="polite")
        el("h4", box, "teach-h", "Three ways to break it")
        ol = el("ol", box, "code-edit-exercises")
        for k, ex in enumerate(code_edit.EXERCISES):
            li = el("li", ol)
            words = el("p", li)
            el("b", words, None, f"{k + 1}. {ex.title}. ")
            words.append(ex.why)
            button = el("button", li, "teach-btn", "Try it", type="button", aria_label=f"Try it: {ex.title}")
            listen(button, "click", lambda e, k=k: self.exercise(k))
        listen(self.edit_button, "click", lambda e: self._edit())
        listen(self.apply_button, "click", lambda e: self.apply())
        listen(self.restore_button, "click", lambda e: self.restore())
        listen(self.picker, "change", lambda e: self.open(*self._picked()) if self.file else None)
        self.badge = _badge(self.app)
        self.file = self.qualname = None
        self._drafts = {}  # (file, qualname) -> text typed and not applied, while another function is open
        self._show_buttons()

    # -- opening a function in the editor --------------------------------------------------------
    def _picked(self):
        file, qualname = str(self.picker.value).split(":")
        return file, qualname

    def _edit(self):
        """"Edit code": open the chosen function; if it is open already, go to it (what was typed stays)."""
        if self.editor.root.hidden or self._picked() != (self.file, self.qualname):
            self.open(*self._picked())
        self.editor.focus()

    def open(self, file, qualname):
        """The editor, on the function as it runs now (your edit, if there is one), or on what you
        typed into it and did not apply before going to another function (kept, not lost)."""
        if self.file is not None and (self.file, self.qualname) != (file, qualname):
            running, _ = code_edit.running_text(self.file, self._file_text(self.file), self.qualname)
            if self.editor.text() != running:
                self._drafts[(self.file, self.qualname)] = self.editor.text()
        self.file, self.qualname = file, qualname
        self.picker.value = f"{file}:{qualname}"
        text, first = code_edit.running_text(file, self._file_text(file), qualname)
        self.editor.set(self._drafts.pop((file, qualname), text), first)
        self.editor.root.hidden = False
        self.panel.show(file, qualname, "the function in the editor above", scroll=False)
        self._show_buttons()
        self.status.textContent = ""

    def _file_text(self, file):
        return (self.panel.root / file).read_text(encoding="utf-8")

    def exercise(self, k):
        """Open the exercise's function and make its change in the editor (not applied yet)."""
        ex = code_edit.EXERCISES[k]
        self.open(ex.file, ex.qualname)
        text = self.editor.text()
        try:
            broken = code_edit.exercise_text(ex, text)
        except ValueError as e:
            self._say(f"{str(e)[:1].upper()}{str(e)[1:]}.", "bad")
            return
        self.editor.set(broken, self.editor.first)
        self.editor.mark(code_edit.changed_line(ex, text, self.editor.first), "hint")
        self.editor.root.scrollIntoView(js_obj({"behavior": "smooth", "block": "nearest"}))
        self._say(f"{ex.title}: the change is made in the editor (the marked line), not run yet. Press Apply.", "")

    # -- Apply, Restore ----------------------------------------------------------------------------
    def apply(self):
        if self.file is None:
            return
        file, qualname, first = self.file, self.qualname, self.editor.first
        try:
            code_edit.apply(self.app.session, file, qualname, self.editor.text(), first)
        except edits.EditError as e:
            self._say(code_edit.error_words(e, file), "bad")
            self.editor.mark(e.line)
            return
        self.app.reset()  # a new network, built while the edit runs (by_hand says so)
        self._after_change()
        self.editor.mark(None)
        self.panel.show(file, qualname, "the function in the editor above", scroll=False)
        check = explain.live_check(self.app.session)
        self._say(code_edit.applied_words(file, qualname, check),
                  "bad" if not check["too_large"] and check["relative_error"] > 1e-6 else "ok")

    def restore(self):
        edits.restore()
        self._drafts.clear()
        self.app.reset()
        self._after_change()
        if self.file is not None:
            self.open(self.file, self.qualname)
        self._say("Restored: the engine runs its code as written again, and the network started again.", "ok")

    def failed(self, error):
        """Edited code raised while the page trained: put back the last working code, and say where.
        True if the error came from edited code (else the app handles it as any other)."""
        found = edits.culprit(error)
        if found is None:
            return False
        file, qualname, line = found
        edits.back(file, qualname)
        self.app.reset()
        self._after_change()
        self._say(code_edit.error_words(edits.EditError(f"{type(error).__name__}: {error}", line), file), "bad")
        if (self.file, self.qualname) == (file, qualname):
            self.editor.mark(line)
        return True

    def _after_change(self):
        words = code_edit.running_words()
        self.badge.hidden = not words
        self.badge.textContent = f"✎ {words}" if words else ""
        self.panel.section.dataset.edited = "yes" if words else ""
        self._show_buttons()

    def _show_buttons(self):
        self.apply_button.disabled = self.file is None
        self.restore_button.disabled = not edits.edited()

    def _say(self, text, kind):
        self.status.className = f"code-edit-status {kind}".strip()
        self.status.textContent = text


def _badge(app):
    """The page-wide "Edited code running" badge: fixed in a corner, so it is seen wherever the
    learner is on the page, and out of the layout (nothing moves when it shows). A click goes to
    the editor."""
    badge = document.getElementById("edited-code-badge")
    if badge is None:
        badge = el("button", document.body, "edited-code-badge", type="button", id="edited-code-badge",
                   title="The page runs code you edited: go to the editor")
        badge.hidden = True
        app.proxies.listen(badge, "click", lambda e: document.getElementById("panel-source").scrollIntoView(
            js_obj({"behavior": "smooth", "block": "start"})))
    return badge
