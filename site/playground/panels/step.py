"""One step, explained: forward → loss → backward → update, stage by stage, on a drawing of the
network, for the point picked on the output. The step is a real one (nn.explain.explain_step);
every number shown comes from its record."""
import numpy as np
from js import performance

from nn import explain

from ..logic import colors, explain_text, source_map, teach_draw
from ..views.dom import Canvas, bytes_, draw, floats
from ..logic.tiles import edge_style
from .common import css_var, el, header, set_height, show_blocks, source_panel, strings

STAGES = explain_text.STAGES
PULSE_MS = 1700                 # the signal crossing the network
UPDATE_MS = 1400                # the edges moving from the old weights to the new
AUTO_MS = {"forward": 7000, "loss": 6000, "backward": 7000, "update": 6000}
MAX_LABELLED = teach_draw.LABELLED  # columns with more neurons show no numbers (see the text below)
LEGENDS = {
    "forward": "Neurons: their value a (blue positive, orange negative). Ring: the neuron written out below; "
               "click another neuron to pick it.",
    "loss": "The output neuron shows the prediction ŷ and this point's loss ℓ.",
    "backward": "Neurons: δ (blue positive, orange negative, paler = smaller). Edges glow by |∂L/∂w| (square-root "
                "scale). Dashed: the weight written out below; click an edge to pick another.",
    "update": "Edges: width by |w|, moving from the old to the new weight. Overlay: green = w went up, "
              "red = down, brighter = larger change. Dashed: the weight written out below.",
}
CAPTIONS = {
    "forward": "Forward: the point's inputs flow left to right. Each neuron adds up its weighted inputs "
               "(z = Σ w·a + b) and passes the sum through its activation (a = f(z)).",
    "loss": "Loss: how wrong the output is for this point (ℓ), and the mean over the batch (L): "
            "the one number the step tries to lower.",
    "backward": "Backward: the error flows right to left. A neuron's δ = ∂ℓ/∂z says how the loss changes "
                "with its z; a weight's gradient is the δ where it ends times the a where it starts.",
    "update": "Update: the optimizer moves every weight against its gradient. Edges animate from the old "
              "weights to the new; the bright overlay shows the change (green: up, red: down).",
}
POS, NEG = colors.PALETTE[1], colors.PALETTE[0]
GRAD = np.array([214, 51, 108], dtype=np.float64)    # the glow of |∂L/∂w|
UP, DOWN = np.array([31, 157, 85.0]), np.array([214, 39, 40.0])
GREY = np.array([120, 128, 140.0])


class Panel:
    name = "step"

    def __init__(self, app, section):
        self.app, self.section = app, section
        self.rec = self.sample = self.detail = None
        self.stage, self.focus, self.weight = 0, None, None
        self.auto, self.t0, self._stale = False, 0.0, False
        self.lay = self._lay_key = None
        self._build()
        self._show_intro()

    # -- the page ---------------------------------------------------------------------------------
    def _build(self):
        s, listen = self.section, self.app.proxies.listen
        self.intro = header(self.app, s, "step", self._code_target)
        bar = el("div", s, "teach-controls", role="toolbar", aria_label="Explained step")
        self.take_btn = el("button", bar, "teach-primary", "Take one step", type="button")
        self.prev_btn = el("button", bar, "teach-btn", "‹", type="button", aria_label="Previous stage")
        self.stage_list = el("ol", bar, "teach-stages")
        self.stage_btns = []
        for k, stage in enumerate(STAGES):
            li = el("li", self.stage_list)
            self.stage_btns.append(el("button", li, "teach-stage", f"{k + 1} {explain_text.STAGE_TITLES[stage]}",
                                      type="button", data_stage=k))
        self.next_btn = el("button", bar, "teach-btn", "›", type="button", aria_label="Next stage")
        self.auto_btn = el("button", bar, "teach-btn teach-auto", "Run through", type="button", aria_pressed="false",
                           title="Show the four stages one after another")
        # the point to follow, chosen here too: the output's points may be far above, and digits have none to click
        box = el("label", bar, "teach-point", "Training point #")
        self.point_input = el("input", box, None, type="number", min="1", step="1", value="1",
                              aria_label="Training point to follow")
        self.caption = el("p", s, "teach-caption")
        stage = el("div", s, "teach-net-stage")
        self.canvas_el = el("canvas", stage, "teach-net", aria_label="The network during the explained step")
        self.canvas = Canvas(self.canvas_el)
        self.legend = el("p", s, "teach-small")
        self.note = el("p", s, "teach-note")
        self.note.hidden = True
        split = el("div", s, "teach-split")
        self.body = el("div", split, "teach-body", aria_live="polite")
        self.aside = el("figure", split, "teach-aside")
        self.curve = Canvas(el("canvas", self.aside, "teach-curve", aria_label="This point's loss over its prediction"))
        el("figcaption", self.aside, "teach-small", "This point's loss for every prediction it could have made; "
                                                    "the dot: the one it made.")
        self.aside.hidden = True
        listen(self.take_btn, "click", lambda e: self.take())
        listen(self.prev_btn, "click", lambda e: self.go(self.stage - 1, auto=False))
        listen(self.next_btn, "click", lambda e: self.go(self.stage + 1, auto=False))
        listen(self.stage_list, "click", self._stage_click)
        listen(self.auto_btn, "click", lambda e: self._toggle_auto())
        listen(self.canvas_el, "click", self._canvas_click)
        listen(self.point_input, "change", lambda e: self._point_chosen())
        self.fg = css_var("--fg", "#1d2330")
        self.muted = css_var("--muted", "#5d6675")
        self.halo = css_var("--card", "#ffffff")

    def _show_intro(self):
        n = self.app.session.X_train.shape[0]
        self.intro.textContent = (
            f"Take one real training step and follow it stage by stage, for one point: choose its number here, or "
            f"click a point on the output (until then, training point #1). This step's batch is the whole training split "
            f"(n = {n}), so its loss is the training loss itself; play takes the same kind of step on shuffled "
            f"mini-batches.")
        has = self.rec is not None
        for b in [self.prev_btn, self.next_btn, self.auto_btn, *self.stage_btns]:
            b.disabled = not has
        if not has:
            self.section.dataset.stage = ""
            self.caption.textContent = "Press “Take one step”: the network takes one step, then shows how."
            self.legend.textContent = ""
            self.aside.hidden = True
            self.body.replaceChildren()
            self.canvas.fit()
            self.canvas.ctx.clearRect(0, 0, self.canvas.width, self.canvas.height)

    # -- the panel protocol ---------------------------------------------------------------------------
    def render(self, session, grid):
        if self.rec is not None and not self._stale and session.version != self.rec.version:
            self._stale = True
            self.note.textContent = ("The weights have changed since this step (training went on, or a weight "
                                     "was edited): this shows the step as it was. Take a new step to explain "
                                     "the current weights.")
            self.note.hidden = False

    def reset(self, session):
        self.rec = self.sample = self.detail = None
        self.auto, self._stale = False, False
        self.note.hidden = True
        self._show_intro()

    def _point_chosen(self):
        """The picker's number, 1 to n, as the training point to follow; other text is put back."""
        n = self.app.session.X_train.shape[0]
        try:
            k = int(float(str(self.point_input.value)))
        except ValueError:
            k = 0
        if not 1 <= k <= n:
            current = self.app.selected
            self.point_input.value = str(current[1] + 1 if current and current[0] == "train" else 1)
            self.note.textContent = f"Training points are numbered 1 to {n}."
            self.note.hidden = False
            return
        self.note.hidden = not self._stale
        self.app.select_point(("train", k - 1))

    def select(self, point):
        self.point_input.max = str(self.app.session.X_train.shape[0])
        if point is not None and point[0] == "train":
            self.point_input.value = str(point[1] + 1)
        if self.rec is not None:
            self.sample = explain.sample_trace(self.rec, point or ("train", 0))
            self._show_stage()

    # -- taking and walking a step -----------------------------------------------------------------------
    def take(self):
        app = self.app
        if app.running:
            app.pause()
        try:
            rec = explain.explain_step(app.session)
        except ValueError as e:
            self.note.textContent = f"No step was taken: {e}."
            self.note.hidden = False
            return
        self.rec, self._stale = rec, False
        self.note.hidden = True
        self.sample = explain.sample_trace(rec, app.selected or ("train", 0))
        self.focus = (0, 0)
        self.weight = explain.largest_weight_gradient(rec.grads)
        self.detail = explain.update_detail(rec, *self.weight)
        self._show_intro()
        app.render(force=True)   # the playground shows the new weights
        self.go(0, auto=True)

    def go(self, k, auto=None):
        if self.rec is None:
            return
        self.stage = max(0, min(len(STAGES) - 1, k))
        if auto is not None:
            self.auto = auto
        self.t0 = performance.now()
        self._show_stage()
        src = source_panel(self.app)
        if src is not None:
            src.show(*self._code_target(), scroll=False)
        self.app.request_frame(self)

    def _show_stage(self):
        stage = STAGES[self.stage]
        self.section.dataset.stage = stage
        for k, b in enumerate(self.stage_btns):
            b.classList.toggle("current", k == self.stage)
            b.setAttribute("aria-current", "step" if k == self.stage else "false")
        self.prev_btn.disabled = self.stage == 0
        self.next_btn.disabled = self.stage == len(STAGES) - 1
        self.auto_btn.textContent = "Stop" if self.auto else "Run through"
        self.auto_btn.setAttribute("aria-pressed", "true" if self.auto else "false")
        self.caption.textContent = CAPTIONS[stage]
        self.legend.textContent = LEGENDS[stage]
        self.aside.hidden = stage != "loss"
        if stage == "loss":
            self._draw_loss_curve()
        s = self.app.session
        show_blocks(self.body, explain_text.stage_blocks(stage, self.rec, self.sample, self.focus, self.weight,
                                                         self.detail, kind=s.kind, n_classes=s.n_classes,
                                                         feats=s.features))
        self._draw(performance.now() - self.t0)

    def _toggle_auto(self):
        if self.rec is None:
            return
        if self.auto:
            self.auto = False
            self._show_stage()
        else:
            self.go(0 if self.stage == len(STAGES) - 1 else self.stage, auto=True)

    def _stage_click(self, event):
        button = event.target.closest("button")
        if button is not None and button.dataset.stage:
            self.go(int(button.dataset.stage), auto=False)

    def _code_target(self):
        stage = STAGES[self.stage] if self.rec is not None else "forward"
        opt = self.rec.optimizer if self.rec is not None else self.app.session.optimizer.name
        loss = self.rec.loss_name if self.rec is not None else self.app.session.loss
        file, name = source_map.code_for_stage(stage, opt, loss)
        return file, name, f"the {explain_text.STAGE_TITLES[stage].lower()} stage of the explained step"

    def _canvas_click(self, event):
        if self.rec is None or self.lay is None:
            return
        rect = self.canvas_el.getBoundingClientRect()
        x, y = event.clientX - rect.left, event.clientY - rect.top
        node = self.lay.node_at(x, y)
        if node is not None and node[0] > 0:
            self.focus = (node[0] - 1, node[1])
        else:
            edge = self.lay.edge_at(x, y, tolerance=5.0)
            if edge is None:
                return
            l, i, j = edge
            self.weight = (2 * l, (i, j))
            self.detail = explain.update_detail(self.rec, *self.weight)
        self._show_stage()

    # -- animation: a frame of the app's loop, asked for while the pulse or the run-through goes on ----------
    def tick(self, now):
        if self.rec is None:
            return
        stage = STAGES[self.stage]
        t = now - self.t0
        if self.auto and t >= AUTO_MS[stage]:
            if self.stage < len(STAGES) - 1:
                self.go(self.stage + 1)
                return
            self.auto = False
            self._show_stage()
        self._draw(t)
        moving = (stage in ("forward", "backward") and t < PULSE_MS) or (stage == "update" and t < UPDATE_MS)
        if moving or self.auto:
            self.app.request_frame(self)

    def _draw(self, t):
        rec, s = self.rec, self.sample
        c = self.canvas
        height = teach_draw.step_height(rec.sizes)
        if c.height != height:
            set_height(c, height)
        resized = c.fit()
        key = (tuple(rec.sizes), c.width, c.height)
        if resized or key != self._lay_key:
            self.lay, self._lay_key = teach_draw.step_layout(rec.sizes, c.width, c.height), key
            self.seg, self.edge_layer = teach_draw.edge_segments(self.lay), teach_draw.edge_layers(self.lay)
        lay, ctx, stage = self.lay, c.ctx, STAGES[self.stage]
        ctx.clearRect(0, 0, c.width, c.height)
        n_cols = len(lay.columns)
        p = min(1.0, t / PULSE_MS)
        if stage == "forward":
            dots, reached = teach_draw.pulse(lay, self.seg, self.edge_layer, p)
        elif stage == "backward":
            dots, reached = teach_draw.pulse(lay, self.seg, self.edge_layer, p, backward=True)
        else:
            dots, reached = np.zeros((0, 2)), np.ones(n_cols, bool)
        self._draw_edges(ctx, stage, t, reached)
        if p < 1.0 and len(dots):
            draw.dots(ctx, floats(dots), bytes_(np.tile([255, 214, 10, 255], (len(dots), 1))), 3.4, "#3b2f00", 1.0)
        self._draw_nodes(ctx, stage, reached)
        self._draw_captions(ctx)

    def _draw_edges(self, ctx, stage, t, reached):
        rec = self.rec
        before = np.concatenate([W.reshape(-1) for W in rec.params_before[0::2]])
        if stage == "update":
            f = min(1.0, t / UPDATE_MS)
            f = f * f * (3 - 2 * f)
            after = np.concatenate([W.reshape(-1) for W in rec.params_after[0::2]])
            w = before + f * (after - before)
        else:
            w = before
        widths, alpha = edge_style(w)
        rgb = np.where((w >= 0)[:, None], POS, NEG)
        lit = reached[self.edge_layer] & reached[self.edge_layer + 1]
        if stage == "backward":
            g = teach_draw.glow(np.concatenate([G.reshape(-1) for G in rec.grads[0::2]]))
            rgb = np.where(lit[:, None], GRAD, rgb)
            alpha = np.where(lit, 0.12 + 0.88 * g, alpha * 0.35)
            widths = np.where(lit, 0.5 + 4.0 * g, widths)
        elif stage == "forward":
            alpha = np.where(lit, alpha, alpha * 0.3)
        elif stage == "update":  # grey by |w|, so that the change (green, red) stands out
            rgb = np.broadcast_to(GREY, rgb.shape)
            alpha = 0.15 + 0.35 * alpha
        rgba = np.column_stack([rgb, alpha * 255]).round().astype(np.uint8)
        draw.segments(ctx, floats(self.seg), floats(widths), bytes_(rgba))
        if stage == "update":
            after = np.concatenate([W.reshape(-1) for W in rec.params_after[0::2]])
            dw = after - before
            g = 0.85 * teach_draw.glow(dw) * min(1.0, t / UPDATE_MS)
            rgba = np.column_stack([np.where((dw >= 0)[:, None], UP, DOWN), 255 * g]).round().astype(np.uint8)
            draw.segments(ctx, floats(self.seg), floats(0.8 + 2.2 * teach_draw.glow(dw)), bytes_(rgba))
        if stage in ("backward", "update") and self.weight is not None:
            pl, (i, j) = self.weight
            k = sum(W.size for W in rec.params_before[0:pl:2]) + i * rec.sizes[pl // 2 + 1] + j
            ctx.setLineDash(floats([4, 3]))
            draw.segments(ctx, floats(self.seg[k:k + 1]), floats([1.5]), bytes_([17, 24, 39, 255]))
            ctx.setLineDash(floats([]))
            if stage == "update":
                x0, y0, x1, y1 = self.seg[k]
                dw = rec.params_after[pl][i, j] - rec.params_before[pl][i, j]
                draw.texts(ctx, floats([(x0 + x1) / 2, (y0 + y1) / 2 - 9]), strings([f"Δw {explain_text.num(dw, 3)}"]),
                           "bold 11px ui-monospace, SFMono-Regular, Menlo, monospace", self.fg, "center", "middle",
                           self.halo)

    def _node_values(self, stage):
        """Per column: the values that colour the neurons, and the text above and below each; the
        outputs of several classes start their text with their class (digits: 0 to 9)."""
        vals, top, bottom = self._node_texts(stage)
        sizes = self.rec.sizes
        if stage != "update" and explain_text.is_class_output(len(sizes) - 2, sizes):
            top[-1] = [f"{k}: {text}".rstrip() for k, text in enumerate(top[-1])]  # a line of its own if need be
        return vals, top, bottom

    def _node_texts(self, stage):
        s = self.sample
        blank = [[""] * len(a) for a in s.a]
        if stage == "backward":
            vals = [np.zeros(len(s.a[0]))] + [np.sign(d) * teach_draw.glow(d) for d in s.delta]
            return vals, [[""] * len(s.a[0])] + [[f"δ {explain_text.num(v, 3)}" for v in d] for d in s.delta], blank
        vals = [np.tanh(np.asarray(a, dtype=np.float64)) for a in s.a]
        if stage == "update":
            return vals, blank, blank
        top = [[explain_text.num(v, 3) for v in s.a[0]]] + [[f"z {explain_text.num(v, 3)}" for v in z] for z in s.z]
        bottom = [[""] * len(s.a[0])] + [[f"a {explain_text.num(v, 3)}" for v in a] for a in s.a[1:]]
        if stage == "loss":
            bottom[-1] = [f"ŷ {explain_text.num(v, 3)}" for v in np.ravel(s.a[-1])]
            sizes = self.rec.sizes  # ℓ = −log ŷ of the point's class: written by that class's output
            at = int(np.argmax(s.target) if np.ndim(s.target) else s.target) \
                if explain_text.is_class_output(len(sizes) - 2, sizes) else 0
            top[-1] = [f"ℓ {explain_text.num(s.loss, 3)}" if k == at else "" for k in range(len(top[-1]))]
        return vals, top, bottom

    def _draw_nodes(self, ctx, stage, reached):
        lay = self.lay
        vals, top, bottom = self._node_values(stage)
        xy, rgba, txt_xy, txt, left_xy, left = [], [], [], [], [], []
        r = lay.node / 2
        for l, column in enumerate(lay.nodes):
            on = reached[l]
            colour = colors.diverging(vals[l]) if on else np.tile([226, 230, 236, 255], (len(column), 1))
            for i, (x, y) in enumerate(column):
                xy.append((x, y))
                rgba.append(colour[i])
                if not on or len(column) > MAX_LABELLED:
                    continue
                if l == 0:  # inputs: name and value on the left
                    names = explain_text.input_names(0, self.rec.sizes, self.app.session.features)
                    left_xy.append((x - r - 6, y))
                    left.append(f"{names[i]} {top[0][i]}" if top[0][i] else names[i])
                    continue
                pair = [t for t in (top[l][i], bottom[l][i]) if t]
                for k, text in enumerate(pair):
                    txt_xy.append((x + r + 6, y + (0 if len(pair) == 1 else (-6.5 if k == 0 else 6.5))))
                    txt.append(text)
        draw.dots(ctx, floats(xy), bytes_(np.array(rgba)), r, "#5d6675", 1.0)
        if self.focus is not None and stage in ("forward", "backward"):
            l, j = self.focus
            x, y = lay.nodes[l + 1][j]
            ctx.beginPath()
            ctx.arc(x, y, r + 3.5, 0, 6.283185307179586)
            ctx.lineWidth = 2.2
            ctx.strokeStyle = self.fg
            ctx.stroke()
        mono = "11px ui-monospace, SFMono-Regular, Menlo, monospace"
        if txt:
            draw.texts(ctx, floats(txt_xy), strings(txt), mono, self.fg, "left", "middle", self.halo)
        if left:
            draw.texts(ctx, floats(left_xy), strings(left), mono, self.fg, "right", "middle", self.halo)

    def _draw_captions(self, ctx):
        rec, lay = self.rec, self.lay
        n = len(lay.columns)
        names = ["inputs"] + [f"{rec.activation[l]}" for l in range(n - 2)] + [f"output · {rec.output}"]
        draw.texts(ctx, floats([(x, 12) for x in lay.columns]), strings(names),
                   "11px system-ui, sans-serif", self.muted, "center", "middle")

    def _draw_loss_curve(self):
        """Beside the loss formulas: this point's loss over every prediction it could make."""
        rec, smp, c = self.rec, self.sample, self.curve
        curve = teach_draw.loss_curve(rec.loss_name, rec.output, smp.target, smp.a[-1])
        self.aside.hidden = curve is None
        if curve is None:
            return
        c.fit()
        ctx, W, H = c.ctx, c.width, c.height
        ctx.clearRect(0, 0, W, H)
        x, y, at, label = curve
        left, top, w, h = 38.0, 22.0, W - 50.0, H - 48.0
        top_y = float(min(y.max(), 6.0))
        sx = lambda v: left + (np.asarray(v) - x[0]) / (x[-1] - x[0]) * w  # noqa: E731
        sy = lambda v: top + h - np.minimum(np.asarray(v), top_y) / top_y * h  # noqa: E731
        ctx.strokeStyle = "#c9ced6"
        ctx.lineWidth = 1
        ctx.strokeRect(left, top, w, h)
        draw.polyline(ctx, floats(np.column_stack([sx(x), sy(y)])), "#c2255c", 2.2)
        draw.dots(ctx, floats([sx(at), sy(smp.loss)]), bytes_([17, 24, 39, 255]), 5.0, "#ffffff", 1.5)
        small = "11px system-ui, sans-serif"
        num = explain_text.num
        draw.texts(ctx, floats([left + w / 2, top + h + 14, left + w / 2, 10]),
                   strings([label, f"ℓ = {num(smp.loss, 3)} at {num(at, 3)}"]), small, self.muted, "center",
                   "middle")
        draw.texts(ctx, floats([left - 5, top + 5, left - 5, top + h - 4, left, top + h + 14, left + w, top + h + 14]),
                   strings([num(top_y, 2), "0", num(x[0], 2), num(x[-1], 2)]), small, self.muted,
                   "right", "middle")
