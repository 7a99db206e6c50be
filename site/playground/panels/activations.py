"""Activation explorer: drag along the input axis and see f(x) and f′(x) for every activation in
nn.activations, with where each saturates (shaded: |f′| < 0.01)."""
import numpy as np

from nn import activations

from ..logic import explain_text, teach_draw
from ..views.dom import Canvas, draw, floats
from .common import el, header

X_RANGE = teach_draw.ACTIVATION_Z
SAMPLES = 241
F_COLOUR, DF_COLOUR = "#0877bd", "#f59322"


class Panel:
    name = "activations"

    def __init__(self, app, section):
        self.app, self.section = app, section
        self.x, self.dragging = 1.0, False
        header(app, section, "act",
               lambda: ("core/activations.py", "ACTIVATIONS", "every activation beside its derivative"),
               "Drag across any plot (or the slider) to move x: every activation shows f(x) and its slope f′(x) "
           "there. Shaded: where it saturates (|f′| < 0.01), so almost no gradient flows back through a neuron "
           "whose z lands there.")
        legend = el("div", section, "teach-legend")
        for cls, text in (("f", "f(x)"), ("df", "f′(x)")):
            item = el("span", legend)
            el("i", item, f"teach-key {cls}")
            item.append(text)
        label = el("label", section, "teach-slider")
        label.append("x =")
        self.out = el("output", label)
        self.slider = el("input", label, None, type="range", min=-X_RANGE, max=X_RANGE, step="0.01",
                         aria_label="x, the input of every activation")
        self.slider.value = str(self.x)
        self.grid = el("div", section, "teach-acts")
        self.cards = {}
        z = np.linspace(-X_RANGE, X_RANGE, SAMPLES)
        self.z = z
        for name in activations.NAMES:
            card = el("div", self.grid, "teach-act", data_name=name)
            title = el("h4", card, None, name)
            badge = el("span", title)
            canvas = Canvas(el("canvas", card, None, aria_label=f"{name} and its derivative"))
            vals = el("div", card, "teach-vals")
            el("p", card, None, activations.get(name).formula)
            el("p", card, None, explain_text.saturation(name))
            self.cards[name] = {"card": card, "badge": badge, "canvas": canvas, "vals": vals}
        self._curves()
        listen = app.proxies.listen
        listen(self.slider, "input", lambda e: self._move(float(self.slider.value)))
        listen(self.grid, "pointerdown", self._down)
        listen(self.grid, "pointermove", self._drag)
        listen(self.grid, "pointerup", self._up)
        listen(self.grid, "pointercancel", self._up)
        self._used = None
        self._mark_used()
        self._draw()

    # -- the panel protocol ------------------------------------------------------------------------
    def render(self, session, grid):
        self._mark_used()

    def reset(self, session):
        self._curves()
        self._mark_used()
        self._draw()

    # -- values ------------------------------------------------------------------------------------
    def _act(self, name):
        return activations.get(name, self.app.session.net.negative_slope)

    def _curves(self):
        self.curves = {}
        for name in activations.NAMES:
            act = self._act(name)
            f = act.f(self.z)
            df = act.df(self.z, f)
            flat = teach_draw.runs(np.abs(df) < explain_text.SATURATION_SLOPE)
            self.curves[name] = (f, df, teach_draw.plot_range(f, df), flat)

    def _mark_used(self):
        used = tuple(self.app.session.net.activation)
        if used == self._used:
            return
        self._used = used
        for name, c in self.cards.items():
            on = name in used
            c["card"].classList.toggle("used", on)
            c["badge"].textContent = "in your network" if on else ""

    # -- dragging ----------------------------------------------------------------------------------
    def _x_of(self, event):
        rect = event.target.getBoundingClientRect()
        t = (event.clientX - rect.left) / max(rect.width, 1.0)
        return float(np.clip(-X_RANGE + t * 2 * X_RANGE, -X_RANGE, X_RANGE))

    def _down(self, event):
        if event.target.tagName != "CANVAS":
            return
        self.dragging = True
        event.target.setPointerCapture(event.pointerId)
        self._move(self._x_of(event))

    def _drag(self, event):
        if self.dragging and event.target.tagName == "CANVAS":
            self._move(self._x_of(event))

    def _up(self, event):
        self.dragging = False

    def _move(self, x):
        self.x = round(x, 2)
        self.slider.value = str(self.x)
        self.app.request_frame(self)   # drawn once per frame, however many moves came in between

    def tick(self, now):
        self._draw()

    # -- drawing -----------------------------------------------------------------------------------
    def _draw(self):
        x = self.x
        self.out.textContent = f"{x:+.2f}".replace("-", "−")
        for name, c in self.cards.items():
            f, df, (lo, hi), flat = self.curves[name]
            act = self._act(name)
            fx = float(act.f(np.array([x]))[0])
            dfx = float(act.df(np.array([x]), np.array([fx]))[0])
            at, num = explain_text.num(x, 3), explain_text.num
            c["vals"].textContent = f"f({at}) = {num(fx)} · f′({at}) = {num(dfx)}"
            self._plot(c["canvas"], f, df, lo, hi, flat, x, fx, dfx)

    def _plot(self, canvas, f, df, lo, hi, flat, x, fx, dfx):
        canvas.fit()
        ctx, w, h = canvas.ctx, canvas.width, canvas.height
        ctx.clearRect(0, 0, w, h)
        sx = lambda v: (np.asarray(v) + X_RANGE) / (2 * X_RANGE) * w  # noqa: E731
        sy = lambda v: (hi - np.clip(np.asarray(v), lo, hi)) / (hi - lo) * h  # noqa: E731
        ctx.fillStyle = "rgba(214, 39, 40, 0.08)"
        for a, b in flat:
            ctx.fillRect(float(sx(self.z[a])), 0, float(sx(self.z[b]) - sx(self.z[a])), h)
        ctx.strokeStyle = "#d5dae1"
        ctx.lineWidth = 1
        ctx.beginPath()
        ctx.moveTo(0, float(sy(0)))
        ctx.lineTo(w, float(sy(0)))
        ctx.moveTo(float(sx(0)), 0)
        ctx.lineTo(float(sx(0)), h)
        ctx.stroke()
        draw.polyline(ctx, floats(np.column_stack([sx(self.z), sy(f)])), F_COLOUR, 2.0)
        ctx.setLineDash(floats([4, 3]))
        draw.polyline(ctx, floats(np.column_stack([sx(self.z), sy(df)])), DF_COLOUR, 1.7)
        ctx.setLineDash(floats([]))
        ctx.strokeStyle = "rgba(29, 35, 48, 0.55)"
        ctx.beginPath()
        ctx.moveTo(float(sx(x)), 0)
        ctx.lineTo(float(sx(x)), h)
        ctx.stroke()
        for v, colour in ((fx, F_COLOUR), (dfx, DF_COLOUR)):
            if lo <= v <= hi:
                ctx.beginPath()
                ctx.arc(float(sx(x)), float(sy(v)), 3.6, 0, 6.283185307179586)
                ctx.fillStyle = colour
                ctx.fill()
                ctx.strokeStyle = "#ffffff"
                ctx.lineWidth = 1.2
                ctx.stroke()
