"""Digits mode: draw a digit, see the 8x8 image the network reads and its ten probabilities;
add the drawing to the training set; see the test set's confusion matrix and its mistakes.

The drawing is preprocessed by the dataset's own recipe (nn.digits.bitmap_to_input): crop to
the ink, scale into 32x32 keeping the aspect ratio, count the ink in each 4x4 block.
"""
import numpy as np
from js import document

from nn import digits
from nn.teaching import calibration

from ..logic import colors, digit_logic
from .dom import Bitmap, Canvas, by_id, draw, floats

PEN = 0.085          # pen width as a share of the pad's side (the set's strokes are thick)
READ_EVERY_MS = 100  # while the pen moves, the reading follows it ten times a second: a read is a
                     # crossing of the whole network, and a pointer moves many times between two
GALLERY = 12
GALLERY_CAPTION = 14


class DigitsView:
    def __init__(self, app):
        self.app = app
        self.pad = Canvas(by_id("pad"))
        self.preview = Bitmap(digit_logic.TILE, digit_logic.TILE)
        self.preview_canvas = Canvas(by_id("pad-preview"))
        self.gallery = Canvas(by_id("gallery"))
        self.x = None            # the drawing as the network's input (64,), or None when empty
        self.prediction = None   # its ten probabilities
        self._read_at = -READ_EVERY_MS  # performance.now() of the last read
        self._drawing = False
        self._unread = False     # the pad has ink the probabilities do not show yet
        self._last = None
        self._shown = None       # (version, added) of the confusion matrix and gallery on screen
        self._gallery_atlas = None
        self._weight_atlas = None
        self.weights = Canvas(by_id("weights"))
        listen = app.proxies.listen
        listen(self.pad.el, "pointerdown", self._down)
        listen(self.pad.el, "pointermove", self._move)
        listen(self.pad.el, "pointerup", self._up)
        listen(self.pad.el, "pointercancel", self._up)
        listen(self.pad.el, "keydown", self._key)
        self.pen = by_id("pad-pen")   # the keyboard's pen, shown while the pad has focus
        self._key_at = digit_logic.KEY_START  # its place, as shares of the pad's side
        self._key_down = False
        listen(by_id("pad-clear"), "click", lambda e: self.clear())
        listen(by_id("add-sample"), "click", lambda e: self.add())
        self._bars = self._cells = None  # the bars and the confusion matrix: built when digits mode first shows them

    # -- the pad ----------------------------------------------------------------------------------
    def _point(self, event):
        rect = self.pad.el.getBoundingClientRect()
        return event.clientX - rect.left, event.clientY - rect.top

    def _down(self, event):
        event.preventDefault()
        self.pad.fit()  # sized on first use: the pad was hidden (0x0) when the page was built
        self.pad.el.setPointerCapture(event.pointerId)
        self._drawing = True
        self._last = self._point(event)
        self._stroke(self._last, self._last)

    def _move(self, event):
        if not self._drawing:
            return
        p = self._point(event)
        self._stroke(self._last, p)
        self._last = p
        self._ink_moved()  # live: the probabilities follow the pen (the pen's up reads at once)

    def tick(self, now):
        """The frame loop's call after a move of the pen: read the pad, if not read since and the
        last read is READ_EVERY_MS old; else ask again for a later frame."""
        if not self._unread:
            return
        if now - self._read_at >= READ_EVERY_MS:
            self._read_at = now
            self.read()
        else:
            self.app.request_frame(self)

    def _up(self, event):
        if self._drawing:
            self._drawing = False
            self.read()

    # -- the pad by keyboard: arrows move the pen, Space lowers or lifts it (as the pointer's down, up)
    def _key(self, event):
        key = event.key
        if event.ctrlKey or event.metaKey or event.altKey:
            return
        to = digit_logic.key_move(self._key_at, key, fine=event.shiftKey)
        if key in (" ", "Enter"):
            event.preventDefault()  # (Space would scroll the page)
            self._key_down = not self._key_down
            self.pen.classList.toggle("down", self._key_down)
            if self._key_down:
                self.pad.fit()
                here = self._key_point(self._key_at)
                self._stroke(here, here)
                self._ink_moved()
            else:
                self.read()
        elif to is not None:
            event.preventDefault()  # (the arrows would scroll the page)
            if self._key_down:
                self.pad.fit()
                self._stroke(self._key_point(self._key_at), self._key_point(to))
                self._ink_moved()
            self._key_at = to
            self.pen.style.left = f"{to[0]:.2%}"
            self.pen.style.top = f"{to[1]:.2%}"
        elif key in ("Delete", "Backspace"):
            event.preventDefault()
            self.clear()

    def _key_point(self, at):
        return at[0] * self.pad.width, at[1] * self.pad.height

    def _ink_moved(self):
        """New ink on the pad: the reading follows in the frame loop (as for the pointer's moves)."""
        self._unread = True
        self.app.request_frame(self)

    def _stroke(self, a, b):
        ctx, side = self.pad.ctx, self.pad.width
        ctx.strokeStyle = "#111827"
        ctx.lineWidth = PEN * side
        ctx.lineCap = ctx.lineJoin = "round"
        ctx.shadowColor = "rgba(17, 24, 39, 0.6)"  # a soft edge, as ink on paper
        ctx.shadowBlur = 1.5
        ctx.beginPath()
        ctx.moveTo(*a)
        ctx.lineTo(*b)
        ctx.stroke()

    def clear(self):
        self.pad.fit()
        self.pad.ctx.clearRect(0, 0, self.pad.width, self.pad.height)
        self.read()

    def read(self):
        """The pad's pixels -> the 8x8 input -> the network's probabilities (one crossing)."""
        self._unread = False
        el = self.pad.el
        data = self.pad.ctx.getImageData(0, 0, el.width, el.height).data
        alpha = np.frombuffer(data.to_bytes(), np.uint8)[3::4].reshape(el.height, el.width)
        bitmap = digit_logic.ink(alpha)
        if digits.is_empty(bitmap):
            self.x = self.prediction = None
        else:
            self.x = digits.image_to_features(digits.bitmap_to_input(bitmap))[0]
            self.prediction = self.app.replay.shown().predict(self.x)[0]  # (a scrubbed epoch's, while replaying)
            # "add to training set as" starts at what the network reads (the learner corrects it)
            by_id("add-label").value = str(int(np.argmax(self.prediction)))
        self.show_drawing()
        self.app.render(force=True)

    def _built(self):
        """The probability bars and the confusion matrix, built once, when digits mode first shows
        them: the opening page (the spiral) does not, and its first frame comes sooner without them."""
        if self._bars is None:
            self._build_probabilities()
            self._build_confusion()

    # -- what the network makes of the drawing ----------------------------------------------------
    def _build_probabilities(self):
        box = by_id("probs")
        box.replaceChildren()
        self._bars = []
        for k in range(10):
            row = document.createElement("div")
            row.className = "prob"
            label, bar, value = (document.createElement(t) for t in ("span", "span", "span"))
            label.className, bar.className, value.className = "prob-label", "prob-bar", "prob-value"
            label.textContent = str(k)
            fill = document.createElement("span")
            fill.className = "prob-fill"
            fill.style.background = colors.class_color(k)
            bar.append(fill)
            row.append(label, bar, value)
            box.append(row)
            self._bars.append((row, fill, value))

    def show_drawing(self):
        """Refresh the 8x8 preview and the probability bars (also after training moved on)."""
        self._built()
        if self.x is not None:
            self.prediction = self.app.replay.shown().predict(self.x)[0]
        self.preview_canvas.fit()
        ctx = self.preview_canvas.ctx
        ctx.clearRect(0, 0, self.preview_canvas.width, self.preview_canvas.height)
        if self.x is not None:
            self.preview.put(digit_logic.grey_rgba(self.x))
            ctx.imageSmoothingEnabled = False
            ctx.drawImage(self.preview.el, 0, 0, self.preview_canvas.width, self.preview_canvas.height)
        top = None if self.prediction is None else int(np.argmax(self.prediction))
        for k, (row, fill, value) in enumerate(self._bars):
            p = 0.0 if self.prediction is None else float(self.prediction[k])
            fill.style.width = f"{100 * p:.1f}%"
            value.textContent = "" if self.prediction is None else f"{p:.0%}"
            row.classList.toggle("best", k == top)
        by_id("pad-guess").textContent = digit_logic.guess_text(self.prediction)
        by_id("add-sample").disabled = self.x is None

    def add(self):
        if self.x is None:
            return
        label = int(by_id("add-label").value)
        try:
            self.app.session.add_training_sample(self.x, label)
        except ValueError as e:
            self.app.show_message(f"The drawing was not added: {e}", "", "error")
            return
        s = self.app.session
        self.app.show_message(f"Added your drawing as a {label}: the training set now has {len(s.y_train)} "
                              f"samples ({s.added} of them yours).",
                              "It is used from the next epoch on.", "info")
        self.app.controls.sync(s)

    # -- the test set: confusion matrix and mistakes ------------------------------------------------
    def _build_confusion(self):
        table = by_id("confusion")
        table.replaceChildren()
        head = document.createElement("tr")
        corner = document.createElement("th")
        corner.textContent = "true \\ guess"
        head.append(corner)
        for j in range(10):
            th = document.createElement("th")
            th.textContent = str(j)
            head.append(th)
        table.append(head)
        self._cells = []
        for i in range(10):
            tr = document.createElement("tr")
            th = document.createElement("th")
            th.textContent = str(i)
            tr.append(th)
            row = []
            for j in range(10):
                td = document.createElement("td")
                td.className = "diag" if i == j else "off"
                tr.append(td)
                row.append(td)
            table.append(tr)
            self._cells.append(row)
        self._cell_shown = [[None] * 10 for _ in range(10)]  # (text, share) each cell shows

    def draw(self, session):
        """Confusion matrix and mistakes for the current weights (when they changed)."""
        key = (session.version, session.added)
        if key == self._shown:
            return
        self._shown = key
        self._built()
        P = session.predict(session.X_test_raw)
        guess = np.argmax(P, axis=1)
        m = digit_logic.confusion_matrix(session.y_test, guess)
        per_row = np.maximum(m.sum(axis=1, keepdims=True), 1)
        for i in range(10):
            for j in range(10):
                count = int(m[i, j])
                shown = (str(count) if count else "", f"{count / per_row[i, 0]:.3f}")
                if shown == self._cell_shown[i][j]:
                    continue  # two DOM writes spared (scrubbing or training changes few cells a frame)
                self._cell_shown[i][j] = shown
                cell = self._cells[i][j]
                cell.textContent = shown[0]
                cell.style.setProperty("--share", shown[1])
        self._draw_gallery(session, digit_logic.mistakes(P, session.y_test, GALLERY))
        by_id("calibration").textContent = digit_logic.calibration_text(
            calibration.expected_calibration_error(P, session.y_test))
        if self.x is not None:
            self.show_drawing()

    def draw_weights(self, session):
        """What the network sees: each first-layer neuron's 64 weights as a large 8x8 image."""
        canvas = self.weights
        net = session.net
        if len(net.sizes) < 3:
            canvas.el.hidden = True
            return
        canvas.el.hidden = False
        W1 = net.W[0]
        n = W1.shape[1]
        per_row = 16 if n > 32 else 8 if n > 8 else n
        canvas.fit()
        cell = canvas.width / per_row
        rows = -(-n // per_row)
        want = round(rows * cell)
        if abs(canvas.height - want) > 1:
            canvas.el.style.height = f"{want}px"
            canvas.fit()
        ctx = canvas.ctx
        ctx.clearRect(0, 0, canvas.width, canvas.height)
        atlas = digit_logic.atlas(digit_logic.weight_images(W1))
        if self._weight_atlas is None or self._weight_atlas.width != atlas.shape[1]:
            self._weight_atlas = Bitmap(atlas.shape[1], digit_logic.TILE)
        self._weight_atlas.put(atlas)
        dst = np.array([(k % per_row * cell + 2, k // per_row * cell + 2, cell - 4) for k in range(n)])
        ctx.imageSmoothingEnabled = False
        draw.tiles(ctx, self._weight_atlas.el, digit_logic.TILE, floats(dst), "#c9ced6")

    def _draw_gallery(self, session, wrong):
        self.gallery.fit()
        ctx, w = self.gallery.ctx, self.gallery.width
        ctx.clearRect(0, 0, w, self.gallery.height)
        if not wrong:
            ctx.fillStyle = self.gallery.ink()
            ctx.font = "13px system-ui, sans-serif"
            ctx.fillText("No test digit is misread.", 4, 20)
            return
        cell = w / 6
        side = cell - 14
        atlas = digit_logic.atlas([digit_logic.grey_rgba(session.X_test_raw[i]) for i, _, _ in wrong])
        if self._gallery_atlas is None or self._gallery_atlas.width != atlas.shape[1]:
            self._gallery_atlas = Bitmap(atlas.shape[1], digit_logic.TILE)
        bitmap = self._gallery_atlas
        bitmap.put(atlas)
        dst = [(k % 6 * cell + 7, k // 6 * (cell + GALLERY_CAPTION) + 2, side) for k in range(len(wrong))]
        draw.tiles(ctx, bitmap.el, digit_logic.TILE, floats(np.array(dst)), "#c9ced6")
        ctx.font = "10px system-ui, sans-serif"
        ctx.textAlign = "center"
        for k, (i, g, conf) in enumerate(wrong):
            x, y, _ = dst[k]
            ctx.fillStyle = self.gallery.ink()
            ctx.fillText(f"{session.y_test[i]}→{g} {conf:.0%}", x + side / 2, y + side + 11)
