"""Loss landscape: the training loss over a plane through the current weights, along two chosen
weights or two random directions (nn.explain.loss_surface: a 41 x 41 grid, one batched forward
pass per row, on as many training points as explain.surface_points allows), as a contour heatmap
with the optimizer's recent path on it."""
from collections import deque

import numpy as np
from js import performance, window

from nn import explain

from ..logic import explain_text, teach_draw
from ..views.dom import Bitmap, Canvas, bytes_, draw, floats
from .common import el, header, on_screen, strings

RES = explain.SURFACE_RES
PATH = 150                # weight vectors kept for the path
MODES = (("largest", "2 weights: largest |∂L/∂w|"), ("random", "2 random directions"),
         ("pick", "2 weights I choose"))
SPANS = ("0.5", "1", "2", "4")
RATES = ("0.1", "0.3", "1", "3", "10")  # offered only when no rate on the ladder shows the lesson
DESCENT_STEPS = 15
MAX_PICK = 600            # the weight lists offer at most this many weights
RUNNING_EVERY_MS = 150    # while training, look at most this often whether the path needs drawing


class Panel:
    name = "landscape"

    def __init__(self, app, section):
        self.app, self.section = app, section
        self.surface = None       # dict: center, d1, d2, ts, L, span, label, key
        self.path = deque(maxlen=PATH)
        self._path_version = None
        self._drawn = None
        self._seed = 0
        self._pending = False
        self._looked = -1e9       # when render last looked (whether on screen, what to draw)
        header(app, section, "land",
               lambda: ("teaching/explain.py", "loss_surface", "the loss over a plane of weights"),
               "The training loss over a plane through the current weights: two weights (or two random directions) "
           "move, every other weight stays put. + marks where the network is; the white trail, where it has "
           "been recently.")
        bar = el("div", section, "teach-controls")
        self.mode = self._select(bar, "Plane", MODES, "largest")
        self.pick_a = self._select(bar, "Weight A", (), "")
        self.pick_b = self._select(bar, "Weight B", (), "")
        self.span = self._select(bar, "Range ±", [(s, s) for s in SPANS], "1")
        self.button = el("button", bar, "teach-primary", "Recompute", type="button")
        self.canvas = Canvas(el("canvas", section, "teach-land", aria_label="The loss over a plane of two weights"))
        self.bitmap = None
        scale = el("div", section, "teach-scale")
        self.lo_text = el("span", scale)
        el("i", scale)
        self.hi_text = el("span", scale)
        self.status = el("p", section, "teach-small", aria_live="polite")
        el("p", section, "teach-p",
           "Why a big learning rate overshoots: each step moves against the gradient by the learning rate times "
           "its size. In a narrow valley the gradient points across the valley more than along it, so a step that "
           "is too big lands high on the far wall, and the next one throws it back: the path zig-zags, or climbs "
           "out. See it on this very surface: take 15 steps of plain gradient descent on the plane alone (the "
           "network itself is not changed).")
        bar = el("div", section, "teach-controls")
        self.rate = self._select(bar, "Descent rate", [(r, r) for r in RATES], "1")
        self.descend = el("button", bar, "teach-btn", f"Take {DESCENT_STEPS} steps", type="button")
        self.descent_text = el("p", section, "teach-p teach-descent", aria_live="polite")
        self.descent = None
        listen = app.proxies.listen
        for sel in (self.mode, self.pick_a, self.pick_b, self.span):
            listen(sel, "change", lambda e: self._start())
        listen(self.button, "click", lambda e: self._start(new_directions=True))
        listen(self.descend, "click", lambda e: self._descend())
        self._run = app.proxies.hold(lambda *args: self._compute())
        self._fill_picks()
        self.pick_a.parentElement.hidden = self.pick_b.parentElement.hidden = True

    def _select(self, parent, label, items, value):
        box = el("label", parent, None, label)
        sel = el("select", box, None, aria_label=f"Loss landscape: {label.strip(' ±').lower()}")
        self._options(sel, items, value)
        return sel

    @staticmethod
    def _options(sel, items, value):
        sel.replaceChildren()
        for v, text in items:
            el("option", sel, None, text, value=v)
        if value != "":
            sel.value = value

    # -- the panel protocol ------------------------------------------------------------------------
    def render(self, session, grid):
        self._record()
        now = performance.now()
        if not self.app.running or now - self._looked >= RUNNING_EVERY_MS:
            self._looked = now
            self._look()

    def reset(self, session):
        self.surface, self._path_version = None, None
        self.path.clear()
        self._fill_picks()
        self.status.textContent = ""
        self.canvas.fit()
        self.canvas.ctx.clearRect(0, 0, self.canvas.width, self.canvas.height)

    def _look(self):
        """On screen: the first plane once training is paused, else the path if it moved (the
        layout is read only when there is something to do)."""
        if self._pending:
            return
        if self.surface is None or (self.surface["version"] != self.app.session.version and not self.app.running):
            # (a plane through weights that have since changed, e.g. by "Take one step", would tell
            # of losses the network no longer has: paused, it is made again through the new weights)
            if not self.app.running and on_screen(self.section):
                self._start()
        elif self._drawn != (len(self.path), self._path_version) and on_screen(self.section):
            self._draw()

    def _record(self):
        """Keep the weights of each new version (cheap: one copy; drawing is throttled)."""
        s = self.app.session
        if s.version != self._path_version:
            self._path_version = s.version
            self.path.append(np.concatenate([p.reshape(-1) for p in s.net.params]))

    # -- the weights to choose from ------------------------------------------------------------------
    def _weights(self):
        """(flat index, label) of every weight (biases left out), as many as the lists offer."""
        net, out, k = self.app.session.net, [], 0
        for i, p in enumerate(net.params):
            if i % 2 == 0:
                for idx in np.ndindex(p.shape):
                    if len(out) < MAX_PICK:
                        out.append((k + int(np.ravel_multi_index(idx, p.shape)), self._short(i, idx)))
            k += p.size
        return out

    def _short(self, i, idx):
        sizes, feats = self.app.session.net.sizes, self.app.session.features
        src = explain_text.input_names(i // 2, sizes, feats)[idx[0]]
        return f"W{explain_text.sub(i // 2 + 1)}: {src} → {explain_text.neuron_number(i // 2, idx[1], sizes)}"

    def _fill_picks(self):
        items = [(str(k), text) for k, text in self._weights()]
        self._options(self.pick_a, items, items[0][0])
        self._options(self.pick_b, items, items[min(1, len(items) - 1)][0])

    def _locate(self, flat_index):
        """(parameter index, index inside it) of a flat index."""
        k = flat_index
        for i, p in enumerate(self.app.session.net.params):
            if k < p.size:
                return i, tuple(int(v) for v in np.unravel_index(k, p.shape))
            k -= p.size
        raise ValueError(f"no parameter {flat_index}")

    def _flat_index(self, i, idx):
        params = self.app.session.net.params
        return sum(p.size for p in params[:i]) + int(np.ravel_multi_index(idx, params[i].shape))

    # -- computing ----------------------------------------------------------------------------------
    def _start(self, new_directions=False):
        mode = str(self.mode.value)
        self.pick_a.parentElement.hidden = self.pick_b.parentElement.hidden = mode != "pick"
        if new_directions and mode == "random":
            self._seed += 1
        self._pending = True
        self.button.disabled = True
        self.status.textContent = f"Computing {RES} × {RES} = {RES * RES:,} losses…"
        window.setTimeout(self._run, 30)   # let the message show first

    def _compute(self):
        self._pending = False
        self.button.disabled = False
        s, net = self.app.session, self.app.session.net
        mode, span = str(self.mode.value), float(self.span.value)
        m = explain.surface_points(s, RES)
        X, Y = s.X_train[:m], s.Y_train[:m]
        if mode == "random":
            d1, d2 = explain.random_directions(net, np.random.default_rng([s.config["seed"], self._seed]))
            axes = ("direction 1", "direction 2")
            weights = None
        else:
            if mode == "largest":
                _, grads = explain._clone(net).backprop(X, Y, s.loss, s.config["l1"], s.config["l2"], train=False)
                a = explain.largest_weight_gradient(grads)
                grads[a[0]][a[1]] = 0.0
                b = explain.largest_weight_gradient(grads)
            else:
                a, b = self._locate(int(self.pick_a.value)), self._locate(int(self.pick_b.value))
                if a == b:
                    self.status.textContent = "Pick two different weights."
                    return
            d1, d2 = explain.weight_direction(net, *a), explain.weight_direction(net, *b)
            weights = (self._flat_index(*a), self._flat_index(*b))
            axes = (self._short(*a), self._short(*b))
        t0 = performance.now()
        ts, L = explain.loss_surface(net, X, Y, s.loss, d1, d2, span, RES, l1=s.config["l1"], l2=s.config["l2"])
        ms = performance.now() - t0
        center = np.concatenate([p.reshape(-1) for p in net.params])
        img, (lo, hi) = teach_draw.landscape_rgba(L)
        if self.bitmap is None or self.bitmap.width != img.shape[1]:
            self.bitmap = Bitmap(img.shape[1], img.shape[0])
        self.bitmap.put(img)
        self.descent = None
        self.descent_text.textContent = ""
        self._offer_rates(explain.teaching_rates(net, X, Y, s.loss, d1, d2, span, DESCENT_STEPS,
                                                 l1=s.config["l1"], l2=s.config["l2"]))
        self.surface = {"center": center, "X": X, "Y": Y, "d1": d1, "d2": d2, "weights": weights, "span": span, "axes": axes,
                        "version": s.version, "epoch": s.epoch, "L": L}
        self.lo_text.textContent = f"low {explain_text.num(lo, 3)}"
        self.hi_text.textContent = f"{explain_text.num(hi, 3)} high (log scale)"
        n = s.X_train.shape[0]
        pts = f"all {m}" if m == n else f"the first {m} of the {n}"
        self.status.textContent = (f"{RES} × {RES} = {RES * RES:,} losses on {pts} training points in "
                                   f"{ms / 1000:.2f} s (one batched forward pass per row), at epoch {s.epoch}. "
                                   + (f"Fewer points for a bigger network: each costs {RES * RES:,} forward passes. "
                                      if m < min(n, explain.SURFACE_POINTS) else "") +
                                   f"Recompute to centre the plane on the weights as they are now.")
        self._draw()

    def _offer_rates(self, found):
        """The descent's rates, found on this plane: one too small, one good, one that overshoots."""
        if "good" in found:
            items = [(found["good"] / 10, "small: slow"), (found["good"], "good")]
            if "overshoot" in found:
                items.append((found["overshoot"], "too big: overshoots"))
            self._options(self.rate, [(f"{lr:.3g}", f"{lr:.3g} ({words})") for lr, words in items],
                          f"{found['good']:.3g}")
        else:
            self._options(self.rate, [(r, r) for r in RATES], "1")

    # -- drawing -----------------------------------------------------------------------------------
    def _coords(self, points):
        sf = self.surface
        P = np.asarray(points)
        if sf["weights"] is not None:
            i, j = sf["weights"]
            return np.column_stack([P[:, i] - sf["center"][i], P[:, j] - sf["center"][j]])
        return explain.project(P, [sf["center"]], [explain._flat(sf["d1"])], [explain._flat(sf["d2"])])

    def _draw(self):
        sf, c = self.surface, self.canvas
        self._drawn = (len(self.path), self._path_version)
        c.fit()
        ctx, w, h = c.ctx, c.width, c.height
        ctx.clearRect(0, 0, w, h)
        ctx.imageSmoothingEnabled = True
        ctx.drawImage(self.bitmap.el, 0, 0, w, h)
        span = sf["span"]
        if len(self.path):
            xy = teach_draw.plane_to_canvas(self._coords(list(self.path)), span, w)
            if len(xy) > 1:
                draw.polyline(ctx, floats(xy), "rgba(17, 24, 39, 0.55)", 3.2)
                draw.polyline(ctx, floats(xy), "#ffffff", 1.6)
            n = len(xy)
            alpha = np.linspace(90, 255, n)
            rgba = np.column_stack([np.full((n, 3), 255), alpha]).round().astype(np.uint8)
            draw.dots(ctx, floats(xy), bytes_(rgba), 2.2, "rgba(17,24,39,0.6)", 0.8)
            x, y = xy[-1]
            ctx.strokeStyle = "#111827"
            ctx.lineWidth = 2.5
            ctx.beginPath()
            ctx.moveTo(x - 8, y)
            ctx.lineTo(x + 8, y)
            ctx.moveTo(x, y - 8)
            ctx.lineTo(x, y + 8)
            ctx.stroke()
        if self.descent is not None:
            xy = teach_draw.plane_to_canvas(teach_draw.clip_path(self.descent, span), span, w)
            draw.polyline(ctx, floats(xy), "rgba(17, 24, 39, 0.7)", 3.6)
            draw.polyline(ctx, floats(xy), "#ffd60a", 2.0)
            rgba = np.tile([255, 214, 10, 255], (len(xy), 1)).astype(np.uint8)
            draw.dots(ctx, floats(xy), bytes_(rgba), 3.4, "#111827", 1.0)
        a, b = sf["axes"]
        ctx.font = "12px system-ui, sans-serif"
        labels = [f"→ {a}  (±{span:g})", f"↑ {b}  (±{span:g})"]
        for text, y in zip(labels, (h - 14, 14)):
            ctx.fillStyle = "rgba(255, 255, 255, 0.85)"
            ctx.fillRect(4, y - 10, ctx.measureText(text).width + 10, 20)
        draw.texts(ctx, floats([9, h - 14, 9, 14]), strings(labels), "12px system-ui, sans-serif",
                   "#111827", "left", "middle")

    def _descend(self):
        """Plain gradient descent on the plane shown (nn.explain.plane_descent), drawn on it."""
        sf, s = self.surface, self.app.session
        if sf is None:
            return
        lr = float(self.rate.value)
        net = s.net if sf["version"] == s.version else self._at_center()  # from the plane's centre
        path, values = explain.plane_descent(net, sf["X"], sf["Y"], s.loss, sf["d1"], sf["d2"], lr, DESCENT_STEPS,
                                             l1=s.config["l1"], l2=s.config["l2"], bound=sf["span"])
        self.descent = path
        self.descent_text.textContent = explain_text.descent_sentence(path, values, lr, sf["span"])
        self._draw()

    def _at_center(self):
        twin = explain._clone(self.app.session.net)
        k = 0
        for p in twin.params:
            p[...] = self.surface["center"][k:k + p.size].reshape(p.shape)
            k += p.size
        return twin
