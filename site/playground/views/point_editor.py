"""Drawing your own data on the output plane: a click adds a point of the chosen class where it
lands (one input, a regression: the point (x, y)), a drag paints several, Erase removes the points
under the pointer, Clear removes them all. Shift-click adds a point of the next class; the key c
chooses the next class. "Edit these points" makes the set on screen your own.

Every edit makes a new Dataset (nn.data.custom) and hands it to app.set_data, the one place new
data comes in; the network keeps training on it. While there are too few points to learn from
(after Clear), they are kept here, `pending`, and drawn without a prediction.
"""
import numpy as np
from js import document

from nn import limits
from nn.data import custom

from ..logic import own_data, plane
from .dom import by_id

PAINT_SPACING = 14   # CSS pixels between points painted by a drag
ERASE_RADIUS = 12    # CSS pixels around the pointer that Erase clears


class PointEditor:
    def __init__(self, app):
        self.app = app
        self.canvas = by_id("boundary")
        self.tools = by_id("draw-tools")
        self.hint = by_id("draw-hint")
        self.buttons = by_id("class-buttons")
        self.erase_button = by_id("erase")
        self.edit_button = by_id("edit-points")
        self.chosen = 0          # the class (or value index) a click adds
        self.erasing = False
        self.pending = None      # your points while too few to learn from (a Dataset), else None
        self._down = False
        self._last = None        # canvas position of the last painted point
        self._shown = None       # what the palette was built for
        listen = app.proxies.listen
        listen(self.canvas, "pointerdown", self._pointer_down)
        listen(self.canvas, "pointermove", self._pointer_move)
        listen(self.canvas, "pointerup", self._pointer_up)
        listen(self.canvas, "pointercancel", self._pointer_up)
        listen(self.buttons, "click", self._palette_click)
        listen(self.erase_button, "click", lambda e: self.set_erasing(not self.erasing))
        listen(by_id("clear-points"), "click", lambda e: self.clear())
        listen(self.edit_button, "click", lambda e: self.edit_these())

    # -- what the learner sees ------------------------------------------------------------------
    def active(self):
        return self.app.session.data.name == "custom"

    def data(self):
        """The points being drawn: the pending ones, or the session's own."""
        return self.pending if self.pending is not None else self.app.session.custom

    def sync(self):
        """Show the tools for the data on screen (after any change of data)."""
        s = self.app.session
        self.tools.hidden = not self.active()
        self.edit_button.hidden = self.active() or not own_data.drawable(s.data)
        if not self.active():
            self.pending = None
            self.hint.hidden = True
            return
        data = self.data()
        palette = own_data.palette(data)
        if self._shown != palette:
            self._shown = palette
            self._build_palette(palette)
        self.chosen = min(self.chosen, max(len(palette) - 1, 0))
        for k, button in enumerate(self.buttons.children):
            button.setAttribute("aria-pressed", "true" if k == self.chosen and not self.erasing else "false")
        self.erase_button.setAttribute("aria-pressed", "true" if self.erasing else "false")
        self.hint.textContent = own_data.hint(data, self.erasing, self.pending is not None)
        self.hint.hidden = False

    def _build_palette(self, palette):
        self.buttons.replaceChildren()
        for k, (label, name, colour) in enumerate(palette):
            b = document.createElement("button")
            b.type = "button"
            b.className = "class-button"
            b.dataset.index = str(k)
            b.setAttribute("aria-label", label)
            b.setAttribute("aria-pressed", "false")
            swatch = document.createElement("span")
            swatch.className = "swatch"
            swatch.style.background = colour
            b.append(swatch, document.createTextNode(name))
            self.buttons.append(b)

    def _palette_click(self, event):
        button = event.target.closest("button")
        if button is not None:
            self.chosen, self.erasing = int(button.dataset.index), False
            self.sync()

    def set_erasing(self, on):
        self.erasing = bool(on)
        self.sync()

    def next_class(self):
        """The key c: the next class of the palette."""
        if self.active() and self._shown:
            self.chosen, self.erasing = (self.chosen + 1) % len(self._shown), False
            self.sync()

    # -- edits ------------------------------------------------------------------------------------
    def edit_these(self):
        """The set on screen becomes your own: the same points, the network goes on."""
        self.pending = None
        self.app.set_data(custom.edit_copy(self.app.session.data))

    def clear(self):
        self.pending = custom.clear(self.data())
        self.app.data_pending()

    def _apply(self, data):
        """Hand the edited points to the session when it can learn from them, else keep them."""
        try:
            custom.check(data)
        except ValueError:
            self.pending = data
            self.app.data_pending()
            return
        self.pending = None
        self.app.set_data(data)

    def _position(self, event):
        rect = self.canvas.getBoundingClientRect()
        return event.clientX - rect.left, event.clientY - rect.top, rect.width, rect.height

    def _pointer_down(self, event):
        if not self.active() or event.button != 0:
            return
        event.preventDefault()
        self.canvas.setPointerCapture(event.pointerId)
        self._down = True
        self._edit_at(event, shift=bool(event.shiftKey))

    def _pointer_move(self, event):
        if not self._down:
            return
        px, py, _, _ = self._position(event)
        if self.erasing or self._last is None or np.hypot(px - self._last[0], py - self._last[1]) >= PAINT_SPACING:
            self._edit_at(event, shift=bool(event.shiftKey))

    def _pointer_up(self, event):
        self._down = False
        self._last = None

    def _edit_at(self, event, shift=False):
        px, py, w, h = self._position(event)
        data = self.data()
        curve = own_data.is_curve(data)
        self._last = (px, py)
        if self.erasing:
            X, y, _ = custom.points(data)
            P = own_data.plane_points(data, X, y)
            hit = plane.near(data.extent, w, h, P, px, py, ERASE_RADIUS, curve)
            if hit.any():
                self._apply(custom.remove(data, hit))
            return
        if len(data.y_train) + len(data.y_test) >= limits.MAX_POINTS:
            self.app.show_message(f"Your own data has {limits.MAX_POINTS:,} points, the most allowed.",
                                  "Erase some points to add others.", "error")
            return
        point = plane.from_canvas(data.extent, w, h, px, py, curve)
        choice = self.chosen
        if shift and self._shown:  # shift-click: the class after the chosen one
            choice = (self.chosen + 1) % len(self._shown)
        self._apply(custom.add(data, point, own_data.value_of(data, choice)))
