"""The network drawing: each neuron shows its own activation over the input plane, each edge
its weight (width by |w|, blue positive, orange negative). Hover explains, click edits a weight.

All neuron images come from the same grid pass as the output view, sampled down to small tiles
and packed side by side into one atlas: one image crosses to the browser per frame.
"""
import numpy as np

from nn import features, losses

from ..logic import colors, digit_logic, explain_text, keynav
from .dom import Bitmap, by_id, Canvas, Float64Array, Layer, Uint8Array, draw, floats
from ..logic.layout import control_tracks, layout
from ..logic.tiles import TILE, TileRanges, edge_style, tile_images

POSITIVE, NEGATIVE = colors.PALETTE[1], colors.PALETTE[0]
POSITIVE_RGBA, NEGATIVE_RGBA = (np.append(c, 0).astype(np.uint8) for c in (POSITIVE, NEGATIVE))
FIRST_LAYER_RGBA = (120, 130, 145, 150)  # digits: the image's edge to each first-layer neuron



class NetworkView:
    def __init__(self, element, tip, editor, editor_input, proxies, on_focus, on_edit):
        self.canvas = Canvas(element)
        self.controls_box = by_id("layer-controls")
        self.tip, self.editor, self.editor_input = tip, editor, editor_input
        self.on_focus, self.on_edit = on_focus, on_edit
        self.session = None
        self.layout = None
        self._segments = None
        self._digit_segments = None  # the digits drawing's edges, kept like _segments
        self._tile_ranges = TileRanges()  # kept while the tiles' colour ranges cannot change
        self._atlas = None
        self._digit_atlas = None
        self._labels = Layer()
        self._layouts_made = 0
        self._editing = None
        self.digits_mode = False
        self._cursor = None        # the neuron or weight chosen with the keyboard (logic/keynav.py)
        self._from_keys = False    # the weight editor was opened from the keyboard: focus goes back after
        proxies.listen(element, "keydown", self._key)
        proxies.listen(element, "focus", self._focused)
        proxies.listen(element, "blur", self._leave)
        proxies.listen(element, "mousemove", self._hover)
        proxies.listen(element, "mouseleave", self._leave)
        proxies.listen(element, "click", self._click)
        proxies.listen(editor, "submit", self._submit)
        proxies.listen(editor_input, "keydown", self._editor_key)

    # -- drawing --------------------------------------------------------------------------------
    def _fit_layout(self, sizes):
        resized = self.canvas.fit()
        if resized or self.layout is None or self._sizes != sizes:
            self.layout, self._sizes = layout(sizes, self.canvas.width, self.canvas.height), list(sizes)
            self._layouts_made += 1
            # the per-layer controls above follow the drawing's columns, at any width and depth
            self.controls_box.style.setProperty("--layer-tracks", control_tracks(self.layout))
            self._segments = self._digit_segments = None  # geometry follows the layout; weights restyle it

    def draw(self, session, grid):
        self.session, self.digits_mode = session, False
        self._fit_layout(session.net.sizes)
        lay, ctx = self.layout, self.canvas.ctx
        ctx.clearRect(0, 0, self.canvas.width, self.canvas.height)
        self._draw_edges(ctx, session, lay)
        atlas = tile_images(session, grid, self._tile_ranges)
        if self._atlas is None or self._atlas.width != atlas.shape[1]:
            self._atlas = Bitmap(atlas.shape[1], TILE)
        self._atlas.put(atlas)
        h = lay.node / 2
        dst = np.array([(x - h, y - h, lay.node) for column in lay.nodes for x, y in column])
        draw.tiles(ctx, self._atlas.el, TILE, floats(dst), "#9aa5b4")
        net, ink = session.net, self.canvas.ink()
        key = (self._layouts_made, tuple(session.features or ()), tuple(net.activation), net.output, ink)
        self._labels.draw_onto(self.canvas, key, lambda c: self._draw_labels(c, session, lay, ink))

    def draw_digits(self, session, x):
        """Digits: the input as one 8x8 image (x, 64 values in [0, 1]), each first-layer neuron
        as its 64 weights (what it looks for), deeper neurons as their value for this input."""
        self.session, self.digits_mode = session, True
        net = session.net
        self._fit_layout([1, *net.sizes[1:]])
        lay, ctx = self.layout, self.canvas.ctx
        ctx.clearRect(0, 0, self.canvas.width, self.canvas.height)
        big = self._input_side()
        (xi, yi) = lay.nodes[0][0]
        # edges: one per first-layer neuron from the image (width by the RMS of its 64 weights),
        # then every weight of the later layers
        W1, h = net.W[0], lay.node / 2
        if self._digit_segments is None:
            first = np.array([(xi + big / 2, yi, x_ - h, y_) for x_, y_ in lay.nodes[1]])
            self._digit_segments = floats(np.concatenate([first] + [lay.edges(l) for l in range(1, len(net.W))]))
            n = len(first) + sum(W.size for W in net.W[1:])
            self._digit_widths, self._digit_rgba = Float64Array.new(n), Uint8Array.new(4 * n)  # filled in place
        rms = np.sqrt((W1 * W1).mean(axis=0))
        w = np.concatenate([np.zeros(0)] + [W.reshape(-1) for W in net.W[1:]])
        wid, alpha = edge_style(w)
        rgba = np.where((w >= 0)[:, None], POSITIVE_RGBA, NEGATIVE_RGBA)
        rgba[:, 3] = np.round(alpha * 255)
        self._digit_widths.assign(np.concatenate([0.4 + 6.0 * np.minimum(rms / (rms.max() or 1.0), 1.0), wid]))
        self._digit_rgba.assign(np.concatenate([np.tile(np.array(FIRST_LAYER_RGBA, dtype=np.uint8), (len(rms), 1)),
                                                rgba]))
        draw.segments(ctx, self._digit_segments, self._digit_widths, self._digit_rgba)
        # tiles: input image, first-layer weight images, deeper activations, output probabilities
        _, A, _ = net.layers(np.asarray(x, dtype=np.float64)[None, :])
        tiles = [digit_logic.grey_rgba(x)[None]]
        if len(net.sizes) > 2:
            tiles.append(digit_logic.weight_images(W1))
            for l in range(2, len(net.sizes) - 1):
                a = A[l][0]
                tiles.append(digit_logic.value_tiles(a, *colors.neuron_range(net.activation[l - 1], a)))
        tiles.append(digit_logic.class_tiles(A[-1][0]))
        atlas = digit_logic.atlas(np.concatenate(tiles))
        if self._digit_atlas is None or self._digit_atlas.width != atlas.shape[1]:
            self._digit_atlas = Bitmap(atlas.shape[1], digit_logic.TILE)
        self._digit_atlas.put(atlas)
        dst = [(xi - big / 2, yi - big / 2, big)] + [(x_ - h, y_ - h, lay.node)
                                                     for column in lay.nodes[1:] for x_, y_ in column]
        ctx.imageSmoothingEnabled = False
        draw.tiles(ctx, self._digit_atlas.el, digit_logic.TILE, floats(np.array(dst)), "#9aa5b4")
        ctx.fillStyle = self.canvas.ink()
        ctx.font = "11px system-ui, sans-serif"
        ctx.textAlign = "left"
        ctx.fillText("8x8 input", xi - big / 2, yi + big / 2 + 14)
        n_hidden = len(net.sizes) - 2
        for l, xc in enumerate(lay.columns[1:], start=1):
            last = l == len(lay.columns) - 1
            ctx.textAlign = "right" if last else "center"
            text = f"{net.sizes[l]} {net.activation[l - 1]}" if l <= n_hidden else net.output
            ctx.fillText(text, xc + (lay.node / 2 if last else 0), 13)

    def _input_side(self):
        lay = self.layout
        gap = lay.columns[1] - lay.columns[0] if len(lay.columns) > 1 else lay.node * 3
        return min(lay.node * 3.2, gap * 0.55, 110)

    def _draw_edges(self, ctx, session, lay):
        net = session.net
        if self._segments is None:  # in the order of the weights: layer by layer, W[l] row-major
            self._segments = floats(np.concatenate([lay.edges(l) for l in range(len(net.W))]))
            # where those weights sit in net.flat (params = [W1, b1, W2, ...], one vector)
            start = np.cumsum([0] + [p.size for p in net.params])[0::2]
            self._weight_at = np.concatenate([np.arange(start[l], start[l] + W.size) for l, W in enumerate(net.W)])
            self._edge_widths = Float64Array.new(len(self._weight_at))  # filled in place each frame
            self._edge_rgba = Uint8Array.new(4 * len(self._weight_at))
        w = net.flat[self._weight_at]
        widths, alpha = edge_style(w)
        rgba = np.where((w >= 0)[:, None], POSITIVE_RGBA, NEGATIVE_RGBA)
        rgba[:, 3] = np.round(alpha * 255)
        self._edge_widths.assign(widths)
        self._edge_rgba.assign(rgba)
        draw.segments(ctx, self._segments, self._edge_widths, self._edge_rgba)

    def _draw_labels(self, ctx, session, lay, ink):
        ctx.fillStyle = ink
        ctx.font = "12px system-ui, sans-serif"
        ctx.textAlign = "right"
        ctx.textBaseline = "middle"
        names = session.features or []
        for (x, y), name in zip(lay.nodes[0], names):
            ctx.fillText(features.LABELS.get(name, name), x - lay.node / 2 - 6, y)
        ctx.textBaseline = "alphabetic"
        ctx.font = "11px system-ui, sans-serif"
        n_hidden = len(lay.nodes) - 2
        pitch = lay.columns[1] - lay.columns[0]
        for l, x in enumerate(lay.columns):
            if l == 0:
                text = "inputs"
            elif l <= n_hidden:
                text = f"{len(lay.nodes[l])} {session.net.activation[l - 1]}"
            else:
                text = session.net.output
            last = l == len(lay.columns) - 1
            ctx.textAlign = "right" if last else "center"
            ctx.fillText(_fitting(ctx, text, pitch - 6), x + (lay.node / 2 if last else 0), 13)

    # -- explaining -------------------------------------------------------------------------------
    def describe_node(self, l, i):
        s = self.session
        n_hidden = len(s.net.sizes) - 2
        if self.digits_mode and l == 0:
            return "Input: the 8x8 image, 64 pixel intensities in [0, 1]\n(your drawing, or a test digit)"
        if self.digits_mode and l == 1 and n_hidden:
            return (f"Hidden layer 1, neuron {i + 1} · {s.net.activation[0]}\nits 64 weights as an 8x8 image: "
                    f"blue pixels excite it, orange inhibit\nb = {s.net.b[0][i]:.4g}")
        if l == 0:
            name = (s.features or [f"input {i + 1}"])[i]
            return f"Input {features.LABELS.get(name, name)}\nthe value fed to the network"
        b = s.net.b[l - 1][i]
        if l <= n_hidden:
            act = s.net.activation[l - 1]
            head = f"Hidden layer {l}, neuron {i + 1} · {act}"
            formula = f"f(z) = {s.net.acts[l - 1].definition}"
        else:
            whose = explain_text.neuron_name(l - 1, i, s.net.sizes) if s.net.sizes[-1] > 1 else "output"
            head = f"{explain_text.cap(whose)} · {s.net.output}"
            out = losses.HEAD[s.net.output]
            formula = f"{out.yhat} = {out.formula}"
        return f"{head}\nz = Σᵢ wᵢ·aᵢ + b,  b = {b:.4g}\n{formula}"

    def describe_edge(self, l, i, j):
        s = self.session
        if self.digits_mode and l == 0:
            w = s.net.W[0][:, j]
            return (f"the 64 weights into {explain_text.neuron_name(0, j, s.net.sizes)}\n"
                    f"RMS {np.sqrt((w * w).mean()):.3g}, largest |w| {np.abs(w).max():.3g}")
        w = s.net.W[l][i, j]
        src = "input " + features.LABELS.get((s.features or [""] * 99)[i], str(i + 1)) if l == 0 \
            else f"neuron {i + 1} of hidden layer {l}"
        dst = explain_text.neuron_name(l, j, s.net.sizes)
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
        if edge is None or (self.digits_mode and edge[0] == 0):
            return
        self._from_keys = False
        self._open_editor(edge, x, y)

    def _open_editor(self, edge, x, y):
        self._editing = edge
        l, i, j = edge
        self.editor_input.value = f"{self.session.net.W[l][i, j]:.6g}"
        self.editor_input.setAttribute("aria-invalid", "false")
        self.editor.hidden = False
        self.editor.style.left = f"{min(x, self.canvas.width - 170):.0f}px"
        self.editor.style.top = f"{y:.0f}px"
        self.editor_input.focus()
        self.editor_input.select()

    # -- the keyboard: arrows choose a neuron, Enter its weights, Enter again edits one ---------------
    def _focused(self, event):
        """Tabbed to (not clicked): show the chosen neuron at once, so the learner sees where the arrows start."""
        if self.layout is not None and self.session is not None and self.canvas.el.matches(":focus-visible"):
            if self._cursor is None or not keynav.valid(self._sizes, self._cursor):
                self._cursor = keynav.start(self._sizes)
            self._show_cursor()

    def _key(self, event):
        if self.layout is None or self.session is None:
            return
        cursor, used = keynav.move(self._sizes, self._cursor, str(event.key))
        if not used:
            return
        event.preventDefault()
        self._cursor = cursor
        if used == "edit":
            l, i, j = cursor[1:4]
            if not (self.digits_mode and l == 0):  # the image's 64 weights are not edited one by one
                x0, y0, x1, y1 = self.layout.edge(l, i, j)
                self._from_keys = True
                self._open_editor((l, i, j), (x0 + x1) / 2, (y0 + y1) / 2)
            return
        self._show_cursor()

    def _show_cursor(self):
        cursor = self._cursor
        if cursor[0] == "node":
            l, i = cursor[1], cursor[2]
            x, y = self.layout.nodes[l][i]
            self._show_tip(self.describe_node(l, i), x, y)
            self.on_focus((l, i))
        else:
            l, i, j = cursor[1:4]
            x0, y0, x1, y1 = self.layout.edge(l, i, j)
            text = self.describe_node(l + 1, j) if self.digits_mode and l == 0 else self.describe_edge(l, i, j)
            self._show_tip(text, (x0 + x1) / 2, (y0 + y1) / 2)
            self.on_focus(None)

    def _back_to_keys(self):
        if self._from_keys:
            self._from_keys = False
            self.canvas.el.focus()

    def _editor_key(self, event):
        if event.key == "Escape":
            self.editor.hidden = True
            self._editing = None
            self._back_to_keys()

    def _submit(self, event):
        """Hand what was typed to on_edit; the editor closes once it is taken, and stays open on a
        refusal (the message names what was typed) for the learner to correct it."""
        event.preventDefault()
        if self._editing is None:
            return
        taken = self.on_edit(*self._editing, str(self.editor_input.value))
        self.editor_input.setAttribute("aria-invalid", "false" if taken else "true")
        if taken:
            self.editor.hidden = True
            self._editing = None
            self._back_to_keys()
        else:
            self.editor_input.focus()
            self.editor_input.select()


def _fitting(ctx, text, room):
    """The caption, or its last word ("tanh" for "8 tanh"), or nothing: captions never run together."""
    for candidate in (text, text.split(" ")[-1]):
        if ctx.measureText(candidate).width <= room:
            return candidate
    return ""
