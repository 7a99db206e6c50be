"""The output view: what the network predicts over the plane, with the data on top.

The picture is the real forward pass on an 80x80 grid (Session.grid), turned into RGBA by
numpy in a buffer reused every frame, handed to the browser once, and drawn scaled.
"""
import numpy as np

from ..logic import colors, plane
from .dom import Bitmap, Canvas, Layer, bytes_, draw, floats

POINT_RADIUS = 3.6
AXIS = "#8a94a3"


class OutputView:
    def __init__(self, element, res):
        self.canvas = Canvas(element)
        self.res = res
        self.bitmap = Bitmap(res, res)
        self.rgba = np.zeros((res, res, 4), np.uint8)
        self._points = Layer()

    def draw(self, session, grid, *, discretize=False, show_test=True, focus=None, selected=None):
        """Paint the prediction (or the `focus` neuron's activation), the points, and a ring
        around the `selected` point (its raw inputs), if any."""
        self.canvas.fit()
        ctx, w, h = self.canvas.ctx, self.canvas.width, self.canvas.height
        ctx.clearRect(0, 0, w, h)
        if grid.output.ndim == 2:  # one input: a curve, not a map
            return self._draw_curve(session, grid, focus)
        if focus is not None:
            values, activation = focus_values(session, grid, focus)
            colors.diverging(values, *colors.neuron_range(activation, values), out=self.rgba)
        elif session.kind == "regression":
            colors.diverging(grid.output[..., 0], -1.0, 1.0, out=self.rgba)
        else:
            colors.probabilities_rgba(grid.output, discretize, out=self.rgba)
        self.bitmap.put(self.rgba)
        ctx.imageSmoothingEnabled = True
        ctx.drawImage(self.bitmap.el, 0, 0, w, h)
        self._draw_point_layer(session, show_test)
        if selected is not None:
            px, py = self._to_canvas(session, np.asarray(selected)[None, :])
            ctx.beginPath()
            ctx.arc(float(px[0]), float(py[0]), POINT_RADIUS + 4, 0, 6.283185307179586)
            ctx.lineWidth = 2.5
            ctx.strokeStyle = "#111827"
            ctx.stroke()

    def _to_canvas(self, session, X):
        return plane.to_canvas(session.data.extent, self.canvas.width, self.canvas.height, X[:, :2])

    def draw_pending(self, data):
        """Your own points while there are too few to learn from (`data`, a Dataset with 0 or 1
        point): the plane without a prediction, and the points."""
        self.canvas.fit()
        ctx, w, h = self.canvas.ctx, self.canvas.width, self.canvas.height
        ctx.clearRect(0, 0, w, h)
        ctx.fillStyle = "#f7f8fa"
        ctx.fillRect(0, 0, w, h)
        curve = data.X_train.shape[1] == 1
        for X, y in ((data.X_train, data.y_train), (data.X_test, data.y_test)):
            if not len(y):
                continue
            P = np.column_stack([data.plane_inputs(X)[:, 0], data.plane_targets(y)]) if curve \
                else data.plane_inputs(X)[:, :2]
            px, py = plane.to_canvas(data.extent, w, h, P, curve)
            rgba = colors.class_rgba(y) if data.kind == "classification" else colors.diverging(data.plane_targets(y))
            draw.dots(ctx, floats(np.column_stack([px, py])), bytes_(rgba), POINT_RADIUS + 1, "#ffffff", 1.0)

    def _draw_point_layer(self, session, show_test):
        """The points on their own layer, painted again only when the data or the size changes."""
        key = (id(session.X_train_raw), id(session.X_test_raw), show_test)
        self._points.draw_onto(self.canvas, key, lambda ctx: self._draw_points(session, show_test, ctx))

    def _draw_points(self, session, show_test, ctx):
        sets = [(session.X_train_raw, session.y_train, False)]
        if show_test:
            sets.append((session.X_test_raw, session.y_test, True))
        for X, y, is_test in sets:
            px, py = self._to_canvas(session, X)
            xy = np.column_stack([px, py])
            # test points: a dark ring, so they stand apart from the (white-ringed) training points
            draw.dots(ctx, floats(xy), bytes_(_point_rgba(session, y)), POINT_RADIUS,
                      "#1d2733" if is_test else "#ffffff", 1.6 if is_test else 1.0)

    def _draw_curve(self, session, grid, focus):
        """1-D regression: the data as dots and the network's function as a line."""
        ctx, w, h = self.canvas.ctx, self.canvas.width, self.canvas.height
        extent = session.data.extent
        y0, y1 = plane.y_range(extent, True)
        sx = lambda x: plane.to_canvas(extent, w, h, np.column_stack([x, np.zeros(len(x))]), True)[0]  # noqa: E731
        sy = lambda y: plane.to_canvas(extent, w, h, np.column_stack([np.zeros(len(y)), y]), True)[1]  # noqa: E731
        ctx.fillStyle = "#f7f8fa"
        ctx.fillRect(0, 0, w, h)
        ctx.strokeStyle = "#d5dae1"
        ctx.lineWidth = 1
        ctx.beginPath()
        ctx.moveTo(0, float(sy([0.0])[0]))
        ctx.lineTo(w, float(sy([0.0])[0]))
        ctx.stroke()
        classes = session.kind == "classification"  # one input, classes: each class at its own height
        for X, y, colour, ring in ((session.X_train_raw, session.y_train, colors.PALETTE[1], "#ffffff"),
                                   (session.X_test_raw, session.y_test, colors.PALETTE[0], "#1d2733")):
            if classes:
                rgba = colors.class_rgba(y)
            else:
                rgba = np.tile(np.append(colour, 255).astype(np.uint8), (len(y), 1))
                ring = "#ffffff"
            draw.dots(ctx, floats(np.column_stack([sx(X[:, 0]), sy(y)])), bytes_(rgba), 2.6, ring, 0.8)
        if focus is not None:
            values, _ = focus_values(session, grid, focus)
            curve, colour = values, "#7a5cc2"
        elif classes and grid.output.shape[1] > 1:  # softmax: the expected class, from 0 to k - 1
            curve, colour = grid.output @ np.arange(grid.output.shape[1]), "#1d2733"
        else:  # sigmoid: P(class 1), between the heights of class 0 and class 1; or the fitted value
            curve, colour = grid.output[:, 0], "#1d2733"
        xy = np.column_stack([sx(grid.x1), sy(np.clip(curve, y0 - 10, y1 + 10))])
        draw.polyline(ctx, floats(xy), colour, 2.2)


def focus_values(session, grid, focus):
    """The grid of one neuron: layer 0 = the input features, then the hidden layers."""
    layer, i = focus
    if layer == 0:
        return grid.inputs[i], "linear"
    if layer <= len(grid.hidden):
        return grid.hidden[layer - 1][i], session.net.activation[layer - 1]
    return grid.output[..., i], session.net.output


def _point_rgba(session, y):
    """RGBA per point: its class colour, or for regression its value on the diverging map."""
    if session.kind == "classification":
        return colors.class_rgba(y)
    return colors.diverging(y)
