"""The network drawing: each neuron shows its own activation over the input plane, each edge
its weight (width by |w|, blue positive, orange negative). Hover explains, click edits a weight.

All neuron images come from the same grid pass as the output view, sampled down to small tiles
and packed side by side into one atlas: one image crosses to the browser per frame.
"""
import math

import numpy as np

from nn import activations, features as feature_names

from . import colors
from .dom import Bitmap, Canvas, draw, floats, bytes_
from .layout import layout
from .tiles import TILE, edge_style, tile_images

POSITIVE, NEGATIVE = colors.PALETTE[1], colors.PALETTE[0]



class NetworkView:
    def __init__(self, element, tip, editor, editor_input, proxies, on_focus, on_edit):
        self.canvas = Canvas(element)
        self.tip, self.editor, self.editor_input = tip, editor, editor_input
        self.on_focus, self.on_edit = on_focus, on_edit
        self.session = None
        self.layout = None
        self._atlas = None
        self._editing = None
        proxies.listen(element, "mousemove", self._hover)
        proxies.listen(element, "mouseleave", self._leave)
        proxies.listen(element, "click", self._click)
        proxies.listen(editor, "submit", self._submit)
        proxies.listen(editor_input, "keydown", self._editor_key)

    # -- drawing --------------------------------------------------------------------------------
    def draw(self, session, grid):
        self.session = session
        resized = self.canvas.fit()
        sizes = session.net.sizes
        if resized or self.layout is None or self._sizes != sizes:
            self.layout, self._sizes = layout(sizes, self.canvas.width, self.canvas.height), list(sizes)
        lay, ctx = self.layout, self.canvas.ctx
        ctx.clearRect(0, 0, self.canvas.width, self.canvas.height)
        self._draw_edges(ctx, session, lay)
        atlas = tile_images(session, grid)
        if self._atlas is None or self._atlas.width != atlas.shape[1]:
            self._atlas = Bitmap(atlas.shape[1], TILE)
        self._atlas.put(atlas)
        h = lay.node / 2
        dst = np.array([(x - h, y - h, lay.node) for column in lay.nodes for x, y in column])
        draw.tiles(ctx, self._atlas.el, TILE, floats(dst), "#9aa5b4")
        self._draw_labels(ctx, session, lay)

    def _draw_edges(self, ctx, session, lay):
        seg, w_all = [], []
        for l, W in enumerate(session.net.W):
            for i in range(W.shape[0]):
                for j in range(W.shape[1]):
                    seg.append(lay.edge(l, i, j))
            w_all.append(W.reshape(-1))
        w = np.concatenate(w_all)
        widths, alpha = edge_style(w)
        rgb = np.where((w >= 0)[:, None], POSITIVE, NEGATIVE)
        rgba = np.column_stack([rgb, alpha * 255]).round().astype(np.uint8)
        draw.segments(ctx, floats(seg), floats(widths), bytes_(rgba))

    def _draw_labels(self, ctx, session, lay):
        ctx.fillStyle = "#4a5568"
        ctx.font = "12px system-ui, sans-serif"
        ctx.textAlign = "right"
        ctx.textBaseline = "middle"
        names = session.features or []
        for (x, y), name in zip(lay.nodes[0], names):
            ctx.fillText(feature_names.LABELS.get(name, name), x - lay.node / 2 - 6, y)
        ctx.textAlign = "center"
        ctx.textBaseline = "alphabetic"
        ctx.font = "11px system-ui, sans-serif"
        n_hidden = len(lay.nodes) - 2
        for l, x in enumerate(lay.columns):
            if l == 0:
                text = "inputs"
            elif l <= n_hidden:
                text = f"{len(lay.nodes[l])} {session.net.activation[l - 1]}"
            else:
                text = session.net.output
            ctx.fillText(text, x, 13)

    # -- explaining -------------------------------------------------------------------------------
    def describe_node(self, l, i):
        s = self.session
        n_hidden = len(s.net.sizes) - 2
        if l == 0:
            name = (s.features or [f"input {i + 1}"])[i]
            return f"Input {feature_names.LABELS.get(name, name)}\nthe value fed to the network"
        b = s.net.b[l - 1][i]
        if l <= n_hidden:
            act = s.net.activation[l - 1]
            head = f"Hidden layer {l}, neuron {i + 1} · {act}"
            formula = activations.get(act, s.net.negative_slope).formula.split(";")[0].strip()
        else:
            head = f"Output {i + 1} · {s.net.output}"
            formula = {"sigmoid": "ŷ = σ(z)", "softmax": "ŷₖ = e^zₖ / Σⱼ e^zⱼ", "linear": "ŷ = z"}[s.net.output]
        return f"{head}\nz = Σᵢ wᵢ·aᵢ + b,  b = {b:.4g}\n{formula}"

    def describe_edge(self, l, i, j):
        s = self.session
        w = s.net.W[l][i, j]
        src = "input " + feature_names.LABELS.get((s.features or [""] * 99)[i], str(i + 1)) if l == 0 \
            else f"neuron {i + 1} of hidden layer {l}"
        n_hidden = len(s.net.sizes) - 2
        dst = f"neuron {j + 1} of hidden layer {l + 1}" if l < n_hidden else f"output {j + 1}"
        return f"w = {w:.4g}\nfrom {src} to {dst}\nclick to edit"

    def _pos(self, event):
        rect = self.canvas.el.getBoundingClientRect()
        return event.clientX - rect.left, event.clientY - rect.top

    def _hover(self, event):
        if self.layout is None:
            return
        x, y = self._pos(event)
        node = self.layout.node_at(x, y)
        edge = None if node else self.layout.edge_at(x, y)
        if node:
            self._show_tip(self.describe_node(*node), x, y)
        elif edge:
            self._show_tip(self.describe_edge(*edge), x, y)
        else:
            self.tip.hidden = True
        self.canvas.el.style.cursor = "pointer" if edge else "default"
        self.on_focus(node)

    def _show_tip(self, text, x, y):
        self.tip.textContent = text
        self.tip.hidden = False
        self.tip.style.left = f"{min(x + 14, self.canvas.width - 190):.0f}px"
        self.tip.style.top = f"{y + 14:.0f}px"

    def _leave(self, event):
        self.tip.hidden = True
        self.on_focus(None)

    def _click(self, event):
        if self.layout is None:
            return
        x, y = self._pos(event)
        edge = self.layout.edge_at(x, y)
        if edge is None:
            return
        self._editing = edge
        l, i, j = edge
        self.editor_input.value = f"{self.session.net.W[l][i, j]:.6g}"
        self.editor.hidden = False
        self.editor.style.left = f"{min(x, self.canvas.width - 170):.0f}px"
        self.editor.style.top = f"{y:.0f}px"
        self.editor_input.focus()
        self.editor_input.select()

    def _editor_key(self, event):
        if event.key == "Escape":
            self.editor.hidden = True
            self._editing = None

    def _submit(self, event):
        event.preventDefault()
        if self._editing is None:
            return
        try:
            value = float(self.editor_input.value)
        except ValueError:
            value = math.nan
        self.on_edit(*self._editing, value)
        self.editor.hidden = True
        self._editing = None
