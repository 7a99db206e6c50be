"""Sharing the setup: the Copy link button, the "Make a class link" dialog, and a class link's note
at the top of the page. What a link says is made and read in logic/link.py; this draws and copies.

Copying works where the browser lets a page copy, and says so where it does not: the clipboard API
first; where it is missing or refused (some browsers on file://), a selected text field and the
older copy command; where both fail, the link is shown selected, to copy with Ctrl+C."""
from js import document, window

from .. import panels as panel_modules
from ..logic import link
from .dom import by_id

STATUS_MS = 2500  # how long "Copied" stays


class Share:
    def __init__(self, app):
        self.app = app
        self._built = False         # the dialog's ticks are made when it is first opened
        self._asked_from = None     # the status <output> of the copy under way
        self._return_to = None      # where focus goes when the copy dialog closes
        proxies = app.proxies
        self._on_copied = proxies.hold(lambda *args: self._say_copied())
        self._on_refused = proxies.hold(lambda *args: self._copy_the_old_way(self._copying))
        self._on_clear = proxies.hold(lambda *args: self._clear_status())
        self._timer = None
        self._copying = ""
        self.dialog = by_id("class-dialog")
        self._note_input, self._preview = by_id("class-note-input"), by_id("class-link-preview")
        self._note_input.maxLength = link.NOTE_MAX
        by_id("class-note-max").textContent = str(link.NOTE_MAX)
        listen = proxies.listen
        listen(by_id("copy-link"), "click", lambda e: self.copy(str(window.location.href), by_id("carry-status")))
        listen(by_id("class-link"), "click", lambda e: self.open_dialog())
        listen(by_id("class-copy"), "click", lambda e: self.copy(self._preview.value, by_id("class-status")))
        listen(by_id("class-groups"), "change", lambda e: self._show_link())
        listen(self._note_input, "input", lambda e: self._show_link())
        listen(self.dialog, "close", lambda e: by_id("class-link").focus())  # (Escape closes it too)
        listen(by_id("copy-dialog"), "close", lambda e: self._return_to and self._return_to.focus())

    # -- the note a class link brings ----------------------------------------------------------------
    def show_note(self, note):
        """Show a class link's note at the top of the page, as text (markup in it shows as written)."""
        by_id("class-note-text").textContent = note
        by_id("class-note").hidden = not note

    # -- the class link dialog -----------------------------------------------------------------------
    def open_dialog(self):
        if not self._built:
            self._build_ticks()
            self._built = True
        for box in by_id("class-groups").querySelectorAll("input[type=checkbox]"):
            box.checked = box.value not in self.app.hide
        self._note_input.value = self.app.note
        self._show_link()
        by_id("class-status").textContent = ""
        self.dialog.showModal()

    def _build_ticks(self):
        """One fieldset per group of the page (Data, Network, ...), then the panels, each control
        a tick box named as on the page; its name in a link is its tooltip."""
        groups = {}
        for control in link.CONTROLS:
            groups.setdefault(control.group, []).append((control.name, control.label))
        groups["Panels below"] = list(panel_modules.PANELS.items())
        box = by_id("class-groups")
        for group, items in groups.items():
            fieldset = document.createElement("fieldset")
            legend = document.createElement("legend")
            legend.textContent = group
            fieldset.append(legend)
            for name, label in items:
                wrap = document.createElement("label")
                wrap.className = "check"
                wrap.title = f"hide={name}"
                tick = document.createElement("input")
                tick.type, tick.value = "checkbox", name
                wrap.append(tick, document.createTextNode(" " + label))
                fieldset.append(wrap)
            box.append(fieldset)

    def _ticked_hidden(self):
        """The names left unticked, in the page's order (as a link writes them)."""
        unticked = {str(b.value) for b in by_id("class-groups").querySelectorAll("input[type=checkbox]:not(:checked)")}
        return tuple(n for n in link.hideable(panel_modules.PANELS) if n in unticked)

    def _show_link(self):
        note, _ = link.clean_note(str(self._note_input.value))
        here = str(window.location.href).split("#")[0]
        self._preview.value = f"{here}#{link.to_hash(self.app.session.config, self._ticked_hidden(), note)}"

    # -- copying -----------------------------------------------------------------------------------------
    def copy(self, text, status):
        """Copy `text` and say "Copied" in `status` (an <output> with room reserved for it)."""
        self._copying, self._asked_from = text, status
        clipboard = getattr(window.navigator, "clipboard", None)
        if clipboard is None or not hasattr(clipboard, "writeText"):
            self._copy_the_old_way(text)
            return
        try:
            clipboard.writeText(text).then(self._on_copied, self._on_refused)
        except Exception:  # noqa: BLE001 - a browser that throws instead of refusing: the same fallback
            self._copy_the_old_way(text)

    def _copy_the_old_way(self, text):
        """A selected read-only field and the copy command; failing that, the link shown selected."""
        active = document.activeElement
        field = document.createElement("textarea")
        field.value, field.readOnly = text, True
        field.className = "copy-buffer"  # fixed, invisible: the page does not move
        # inside an open modal dialog, or the field could not take the selection
        (document.querySelector("dialog[open]") or document.body).append(field)
        field.select()
        try:
            copied = bool(document.execCommand("copy"))
        except Exception:  # noqa: BLE001 - refused by the browser
            copied = False
        field.remove()
        if active:
            active.focus()
        if copied:
            self._say_copied()
        else:
            self._show_to_copy(text, active)

    def _show_to_copy(self, text, active):
        self._return_to = active
        field = by_id("copy-dialog-link")
        field.value = text
        by_id("copy-dialog").showModal()
        field.focus()
        field.select()

    def _say_copied(self):
        status = self._asked_from
        if status is None:
            return
        status.textContent = "Copied"
        if self._timer is not None:
            window.clearTimeout(self._timer)
        self._timer = window.setTimeout(self._on_clear, STATUS_MS)

    def _clear_status(self):
        self._timer = None
        for id_ in ("carry-status", "class-status"):
            by_id(id_).textContent = ""
