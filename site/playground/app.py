"""The controller: owns the session and the animation loop, applies every change in one place,
and repaints what changed. Views draw; the session learns; this ties them together.

The frame loop is the page's one clock: it trains, repaints, tells the panels when the weights
changed, and gives each animating panel its frame (a panel asks with request_frame(panel)). It
runs while training or an animation goes on, and asks for no frame when neither does."""
import asyncio
import json
import sys
from collections import deque

import numpy as np
from js import JSON, IntersectionObserver, Object, document, performance, window
from pyodide.ffi import to_js

import nn
from nn import Session, saved
from nn.data import custom, table
from nn.teaching import calibration

from . import panels as panel_modules
from .logic import code_edit, link, own_data, typed
from .views.charts import Charts
from .views.controls import Controls
from .views.digits_view import DigitsView
from .views.dom import Canvas, Proxies, by_id
from .views.files import Files, download
from .views.network_view import NetworkView
from .views.output_view import OutputView
from .views.share import Share
from .views.point_editor import PointEditor
from .views.replay_bar import ReplayBar
from .views.table_dialog import TableDialog, is_table_file

GRID = 80               # the boundary image is GRID x GRID, one batched forward pass
FRAMES_KEPT = 600       # per-frame timings kept for window.playground.frames()
CHART_INTERVAL_MS = 100  # charts redraw at most this often while running
STOPPED_PRESS_MS = 500  # a Play press this soon after training stopped itself was aimed at Pause
PANELS_AFTER_MS = 4000  # the teaching panels are built by then even if nobody scrolls (keyboard users Tab to them)
PICTURES = ("boundary", "network")  # painted only while one of them is on screen

_prepared = None  # the opening setup's Session, made ahead by prepare_opening() for the first App


def prepare_opening():
    """Make the opening setup's Session (its data and its network) ahead of the page's start, for
    the first App to take. The build runs this before it takes the start-up snapshot
    (site/snapshot-restore.js, PREPARE), so a visit starts with it made: it depends on nothing but
    the default config, whose seed is fixed."""
    global _prepared
    _prepared = Session(None)


def _opening_session(config):
    """Session(config): the one prepare_opening() made, the first time and for the opening config."""
    global _prepared
    made, _prepared = _prepared, None
    return made if made is not None and config is None else Session(config)


def _js(value):
    return to_js(value, dict_converter=Object.fromEntries)


def _number(v):
    """Four significant digits, so a loss of 0.00001234 reads as that, not as 0.0000."""
    return f"{v:.4g}"


class App:
    def __init__(self, config=None, baked=False):
        """baked: the page's markup is the build's (scripts/first_paint.py), its controls filled for
        the opening config."""
        self.proxies = Proxies()
        self.session = _opening_session(config)
        opening = self.session.config
        self.running = False
        self.speed = 1
        self.focus = None           # (layer, neuron) hovered in the network drawing
        self.visible = True         # the tab is shown
        self.on_screen = {}         # canvas id -> whether it is (partly) on screen
        self.frames = deque(maxlen=FRAMES_KEPT)
        self._drawn = None          # (version, focus, options) last painted
        self._grid = None
        self._grid_version = -1
        self._last_chart = -1e9
        self._frame_pending = False
        self._ticking = {}          # panels (an ordered set) whose tick(now) the next frame calls
        self._told = None           # the weights' version the panels were last told of
        self._message_for = None
        self._message_kind = None
        self.selected = None        # ("train" | "test", index): the data point picked for a closer look
        self.past_convergence = False  # the learner chose to train on after it converged
        self._stopped_itself_at = -1e9  # performance.now() when training last stopped on its own
        self.hide, self.note = (), ""  # what a class link hides (link.hideable's names) and its note

        self.output = OutputView(by_id("boundary"), GRID)
        self.network = NetworkView(by_id("network"), by_id("tip"), by_id("weight-editor"), by_id("weight-input"),
                                   self.proxies, self.set_focus, self.edit_weight)
        self.charts = Charts(by_id("chart-loss"), by_id("chart-metric"), self.proxies)
        self.controls = Controls(self.proxies, self.apply, self.reset, self.toggle, self.step_once, self.set_speed)
        self.replay = ReplayBar(self)  # the scrubber: render() draws what replay.shown() returns
        listen = self.proxies.listen
        listen(by_id("show-test"), "change", lambda e: self.render())
        listen(by_id("discretize"), "change", lambda e: self.render())
        listen(by_id("message-close"), "click", lambda e: self.hide_message())
        listen(document, "keydown", self._key)
        listen(document, "visibilitychange", self._visibility)
        listen(window, "resize", self._resize)
        listen(by_id("boundary"), "click", self._pick_point)
        listen(by_id("save"), "click", lambda e: self.save())
        listen(by_id("download-data"), "click", lambda e: self.download_data())
        listen(by_id("export-torch"), "click", lambda e: self.export("py", "to_pytorch", "text/x-python", "PyTorch file"))
        listen(by_id("export-notebook"), "click",
               lambda e: self.export("ipynb", "to_notebook", "application/x-ipynb+json", "notebook"))
        self.files = Files(self.proxies, "open", "open-file", self._file_given)
        self._status_timer = None
        self._clear_status = self.proxies.hold(lambda: setattr(by_id("carry-status"), "textContent", ""))
        self.digits = DigitsView(self)
        self.share = Share(self)
        self.editor = PointEditor(self)
        self.tables = TableDialog(self)
        self._texts, self._text_els = {}, {}  # what _show_text last wrote, and where
        self._caption_for = ()  # the (focus, sizes) the focus caption was written for
        self._discretize, self._show_test = by_id("discretize"), by_id("show-test")  # read every frame
        self._digits_mode_shown = False  # body.digits-mode, as last set
        # The panels sit below the fold: they are built when the learner scrolls near them, so
        # that they cost nothing before (the first seconds belong to Play and the first frames).
        self.panels = []
        self._waiting = []  # panel modules not built yet
        self._on_next_panel = self.proxies.hold(lambda *args: self._start_next_panel())
        self._panels_observer = IntersectionObserver.new(self.proxies.hold(self._near_panels),
                                                         _js({"rootMargin": "100px 0px"}))
        self._panels_observer.observe(by_id("panels"))
        # ... or when keyboard focus reaches the output card (Tab goes on into the panels), or after a
        # few idle seconds: Tab never falls off the end of the playground
        listen(by_id("output-title").parentElement, "focusin", lambda e: self._build_panels_now())
        window.setTimeout(self.proxies.hold(lambda *args: self._near_panels([])), PANELS_AFTER_MS)
        # pictures scrolled out of view are not painted (training goes on), and a panel that comes
        # into view is told so (it may have waited to be seen): one observer, made once
        self._observer = IntersectionObserver.new(self.proxies.hold(self._seen))
        for id_ in PICTURES:
            self._observer.observe(by_id(id_))
        self._on_frame = self.proxies.hold(self._frame)
        by_id("py-version").textContent = sys.version.split()[0]
        by_id("np-version").textContent = np.__version__
        link_problems = self._open_link()
        self._sync(adopted=baked and config is None and self.session.config == opening and not self.hide)
        self.charts.reset(self.session)
        self.render(force=True)
        self._publish()
        if link_problems:  # the rest of the link applies; each problem is named
            self.show_message("Part of the link was not used: " + "; ".join(link_problems) + ".",
                              "The rest of the link applies, and defaults fill the gaps.", "error")
        self._follow_link()

    # -- the link: the setup in the address --------------------------------------------------------
    def _open_link(self):
        """Apply the setup in the address's hash: all of it, or, where its keys do not go
        together, as many as do; and a class link's hidden controls and note. Returns what could
        not be used, in words."""
        text = str(window.location.hash)
        self.hide, self.note, problems = link.classroom(text, panel_modules.PANELS)
        self.controls.hide(self.hide)
        self.share.show_note(self.note)
        changes, more = link.from_hash(text)
        problems[:0] = more
        if changes:
            try:
                self.session.update(changes)
            except ValueError:
                for name, value in changes.items():  # the dataset first, as links write it
                    try:
                        self.session.update({name: value})
                    except ValueError as e:
                        problems.append(f"the link's {e}")
        points, problem = link.points_from_hash(str(window.location.hash))  # your own points, if any
        if problem:
            problems.append(problem)
        elif points is not None:
            self.session.set_data(points)  # (checked by points_from_hash already)
        return problems

    def _follow_link(self):
        """The address shows the setup as it now is (replaced, not pushed: Back leaves the page)."""
        text = link.to_hash(self.session.config, self.hide, self.note)
        if self.session.data.name == "custom" and self.editor.pending is None:
            points = link.points_part(self.session.custom)
            text = f"{text}&{points}" if text and points else text or points
        now = str(window.location.href)
        here = now.split("#")[0]
        address = f"{here}#{text}" if text else here
        if address != now:  # (the history call costs the page's thread some milliseconds)
            window.history.replaceState(None, "", address)

    # -- carrying the work out, and back in -----------------------------------------------------------
    def _file_stem(self):
        s = self.session
        return f"watch-it-learn-{s.config['dataset']}-epoch-{s.epoch}"

    def save(self):
        """Download the whole session as one JSON file (nn.training.saved): Open restores it exactly."""
        try:
            text = saved.dumps(self.session)
        except ValueError as e:  # a number JSON cannot hold; the session checks its numbers, so a bug
            self.show_message(f"The network could not be saved: {e}.", "", "error")
            return
        download(f"{self._file_stem()}.json", text, "application/json")
        self.show_status(f"Saved ({len(text) / 1024:,.0f} KB)")

    def export(self, extension, maker, mime, what):
        """Download the session as a file another tool runs (nn.export), made here in the page.
        `maker` names nn's function (nn.to_pytorch, nn.to_notebook): nn loads the exports on first use."""
        t0 = performance.now()
        try:
            text = getattr(nn, maker)(self.session)
        except (ValueError, NotImplementedError) as e:
            self.show_message(f"The {what} could not be made: {e}.", "", "error")
            return
        download(f"{self._file_stem()}.{extension}", text, mime)
        self.show_status(f"Exported ({len(text) / 1024:,.0f} KB, {(performance.now() - t0) / 1000:.1f} s)")

    def download_data(self):
        """The data as CSV (its inputs, its label or target, and the split), as the table reader reads it."""
        s = self.session
        text = table.to_csv(s.custom if s.data.name == "custom" else s.data)
        download(f"watch-it-learn-{s.config['dataset']}-data.csv", text, "text/csv")
        self.show_status(f"Downloaded ({len(s.y_train) + len(s.y_test):,} points)")

    def show_status(self, text):
        """A short confirmation beside the toolbar, in its reserved place (nothing moves), gone after 3 s."""
        out = by_id("carry-status")
        out.textContent = text
        if self._status_timer is not None:
            window.clearTimeout(self._status_timer)
        self._status_timer = window.setTimeout(self._clear_status, 3000)

    def _file_given(self, name, size, read):
        """A file chosen with Open or dropped on the page: a table by its name, else a saved network."""
        if is_table_file(name):
            if not self.tables.too_large(name, size):
                asyncio.ensure_future(self._open_table(name, read))
            return
        if size > saved.MAX_BYTES:
            self.show_message(f"{name} was not opened: it is {size / 2**20:.1f} MB; allowed: at most "
                              f"{saved.MAX_BYTES // 2**20} MB.", "Your network is as it was.", "error")
            return
        asyncio.ensure_future(self._open_saved(name, read))

    async def _open_table(self, name, read):
        try:
            text = await read()
        except Exception as e:  # noqa: BLE001 - the browser could not read it
            self.show_message(f"{name} could not be read: {e}.", "The data and the network are as they were.", "error")
            return
        self.tables.open_text(text, name)

    async def _open_saved(self, name, read):
        try:
            text = await read()
        except Exception as e:  # noqa: BLE001 - the browser could not read it (moved, no permission)
            self.show_message(f"{name} could not be read: {e}.", "Your network is as it was.", "error")
            return
        try:
            opened = saved.loads(text)
        except ValueError as e:
            said = str(e)
            self.show_message(f"{name} was not opened: {said}{'' if said.endswith('.') else '.'}",
                              "Your network is as it was.", "error")
            return
        self.pause()
        opened.follows(self.session)
        self.session = opened
        self._rebuilt()
        self.controls.sync(opened)
        self._follow_link()
        self.render(force=True)
        by_hand = f" Changed by hand along the way: {'; '.join(opened.by_hand[-3:])}." if opened.by_hand else ""
        self.show_message(f"Opened {name}: {opened.config['dataset']} at epoch {opened.epoch}.{by_hand}",
                          "Press play to train on from where it was saved.", "info")

    # -- the one place that changes settings -------------------------------------------------------
    def apply(self, changes):
        s = self.session
        if changes == {"dataset": "custom"} and s.custom is None and own_data.drawable(s.data):
            self.set_data(custom.edit_copy(s.data))  # your own data starts from the points on screen
            return
        try:
            scope = self.session.update(changes)
        except ValueError as e:
            self.show_message(f"That setting was not applied: {e}", "Everything else is as it was.", "error")
            self._sync()
            return
        if scope in ("model", "data"):
            self._rebuilt()
        elif self._message_kind == "error":
            self.hide_message()  # the refused change is history once a good one went through
        if self.session.notice:  # applied, but not quite as asked: say how
            self.show_message(self.session.notice, "", "info")
        self._follow_link()
        self._sync()
        self.render(force=True)

    def set_data(self, dataset, fresh=False, refused_hint="The data and the network are as they were."):
        """The one place new data comes in (your own points, a table): True if it was taken. Points
        that still fit the network keep it training; other data (or fresh: a table opened) gets a
        new network."""
        was_own = self.session.data.name == "custom"
        try:
            scope = self.session.set_data(dataset, keep_network=not fresh)
        except ValueError as e:
            self.show_message(f"{str(e)[:1].upper()}{str(e)[1:]}", refused_hint, "error")
            return False
        if scope == "data":
            self._rebuilt()
        elif self._message_kind == "error":
            self.hide_message()
        if self.session.notice:
            self.show_message(self.session.notice, "", "info")
        self.editor.pending = None
        self._follow_link()
        self._sync(light=scope == "points" and was_own)
        self.render(force=True)
        return True

    def data_pending(self):
        """Your own points are too few to learn from: shown without a prediction; training waits."""
        if self.running:
            self.pause()
        self._sync(light=True)
        self.render(force=True)

    def _sync(self, light=False, adopted=False):
        """Every control shows the session as it is (light: only what new points change; adopted:
        the controls already show it, as the build filled them for this config)."""
        if light:
            self.controls.sync_count(self.session)
        elif adopted:
            self.controls.adopt(self.session)
        else:
            self.controls.sync(self.session)
        self.editor.sync()
        self._show_own_data()

    def _show_own_data(self):
        """The legend of your own classes and the scale a table was put on the plane with."""
        s = self.session
        data = self.editor.data() if s.data.name == "custom" else None
        entries = own_data.legend(data) if data is not None else []
        key = tuple(entries)
        if getattr(self, "_legend_for", None) != key:
            self._legend_for = key
            box = by_id("legend")
            box.replaceChildren()
            for name, colour in entries:
                item = document.createElement("span")
                item.className = "legend-item"
                swatch = document.createElement("span")
                swatch.className = "swatch"
                swatch.style.background = colour
                item.append(swatch, document.createTextNode(name))
                box.append(item)
        self._show_text("data-scale", own_data.scale_text(data) if data is not None else "")
        by_id("data-scale").hidden = data is None or not data.scale

    def reset(self):
        """New initial weights from the same seed: epoch 0, the same start as before."""
        self.session.reset()
        self._rebuilt()
        self.render(force=True)

    def _rebuilt(self):
        """The network (and maybe the data) is new: charts, messages and panels start over."""
        self.past_convergence = False
        self.charts.reset(self.session)
        self.digits.prediction = None if self.digits.x is None else self.session.predict(self.digits.x)[0]
        self.hide_message()
        if self.selected is not None and self.selected[1] >= len(self._points(self.selected[0])[1]):
            self.selected = None
        for panel in self.panels:
            panel.reset(self.session)

    def _points(self, split):
        s = self.session
        return (s.X_train_raw, s.y_train) if split == "train" else (s.X_test_raw, s.y_test)

    def _pick_point(self, event):
        """Select the data point nearest to the click (within 10 px), for the panels to explain."""
        s = self.session
        if s.data.extent is None or s.X_train_raw.shape[1] < 2 or s.data.name == "custom":
            return  # (on your own data a click adds a point)
        rect = event.target.getBoundingClientRect()
        (x0, x1), (y0, y1) = s.data.extent
        px = x0 + (event.clientX - rect.left) / rect.width * (x1 - x0)
        py = y1 - (event.clientY - rect.top) / rect.height * (y1 - y0)
        best, best_d = None, 10.0 / rect.width * (x1 - x0)
        for split in ("train", "test"):
            X, _ = self._points(split)
            d = np.hypot(X[:, 0] - px, X[:, 1] - py)
            i = int(np.argmin(d))
            if d[i] <= best_d:
                best, best_d = (split, i), d[i]
        self.select_point(best)

    def select_point(self, point):
        """Pick a data point, ("train" | "test", index) or None, for the panels to explain (a click on
        the output, or a panel's own picker)."""
        self.selected = point
        for panel in self.panels:
            if hasattr(panel, "select"):
                panel.select(point)
        self.render(force=True)

    def edit_weight(self, l, i, j, text):
        """Set W[l][i, j] to the number `text` writes; True if it was taken. A refusal says what
        was typed and what is allowed; a taken value clears a refusal still shown."""
        try:
            value = typed.weight(text)
            self.replay.go_back()  # a weight edited at a past epoch: training goes on from there, edited
            self.session.set_weight(l, i, j, value)  # the metrics shown follow the edited network
        except ValueError as e:
            self.show_message(f"{str(e)[:1].upper()}{str(e)[1:]}.", "The weight was not changed.", "error")
            return False
        if self._message_kind == "error":
            self.hide_message()
        self.render()
        return True

    def set_focus(self, focus):
        if focus != self.focus:
            self.focus = focus
            self.render()

    def set_speed(self, epochs_per_frame):
        self.speed = max(1, int(epochs_per_frame))

    # -- playing --------------------------------------------------------------------------------------
    def toggle(self):
        """Play or Pause, as the button says. A press that comes just after training stopped on its
        own (converged, diverged) was aimed at the Pause the learner saw, not at a Play that went
        on to train past the stop: it leaves training stopped."""
        if self.running:
            self.pause()
        elif performance.now() - self._stopped_itself_at >= STOPPED_PRESS_MS:
            self.play()

    def play(self):
        if self.replay.go_back():  # Play at a past epoch trains on from it
            self.past_convergence = False
        s = self.session
        if self.editor.pending is not None and s.data.name == "custom":
            self.show_message(own_data.hint(self.editor.pending, False, True), "", "info")
            return
        if s.stop is not None:
            if s.stop.kind == "converged":
                self.past_convergence = True  # "press play again to keep training": it does
            s.clear_stop()  # (after divergence: go on from the restored weights, as the hint said)
            self.hide_message()
        self.running = True
        self._show_running()
        self.request_frame()

    def pause(self):
        self.running = False
        self._show_running()
        self.render(force=True)

    def step_once(self):
        self.pause()
        self.replay.go_back()
        s = self.session
        if s.stop is not None and s.stop.kind == "diverged":
            s.clear_stop()
        s.step(1, until_stop=False)
        self._after_training()
        self.render(force=True)

    def request_frame(self, panel=None):
        """Ask for the next animation frame; in it, `panel` (if given) has its tick(now) called,
        once: a panel that goes on animating asks again from its tick."""
        if panel is not None:
            self._ticking[panel] = None
        if not self._frame_pending:
            self._frame_pending = True
            window.requestAnimationFrame(self._on_frame)

    def _frame(self, timestamp):
        self._frame_pending = False
        if not self.visible:
            return  # _visibility asks again when the tab is shown
        if self.running:
            try:
                self._train_and_paint()
            except Exception as e:
                editing = next((p.editing for p in self.panels if hasattr(p, "editing")), None)
                if editing is not None and editing.failed(e):  # the learner's edited code: the last working code is back
                    self.request_frame()
                    return
                self.running = False  # stop the loop cleanly, say so on the page, and re-raise for the console
                self._show_running()
                self.show_message(f"Something went wrong while training: {type(e).__name__}: {e}",
                                  "Training is paused. Reset, or change a setting, and try again.", "error")
                raise
        elif self.replay.pending:  # the scrubber moved: this frame paints the epoch it asks for
            self.frames.append(self.replay.paint())
        elif self._ticking:
            self._tick_panels()
        if self.running or self._ticking:
            self.request_frame()

    def _train_and_paint(self):
        t0 = performance.now()
        ran = self.session.step(self.speed, until_stop=not self.past_convergence)
        t1 = performance.now()
        timing = self.render(trained_ms=t1 - t0)
        if self._ticking:  # an animation that runs while training: its time is the panels' too
            t2 = performance.now()
            self._tick_panels()
            ticked = performance.now() - t2
            timing["panels"] += ticked
            timing["total"] += ticked
        timing["epochs"] = ran
        self.frames.append(timing)
        if self._after_training():
            self._tell_panels(force=True)  # stopped: the panels, throttled while it ran, catch up

    def _tick_panels(self):
        ticking, self._ticking = self._ticking, {}
        now = performance.now()
        for panel in ticking:
            panel.tick(now)

    def _after_training(self):
        """Show a stop, if training stopped; True if it did."""
        stop = self.session.stop
        if stop is None or (stop.kind == "converged" and self.past_convergence):
            return False
        if self.running:  # (a Step that reaches the stop was pressed on purpose)
            self._stopped_itself_at = performance.now()
        self.running = False
        self._show_running()
        if self._message_for != stop:
            self.show_message(stop.message, code_edit.stop_hint(stop) or stop.hint, stop.kind)  # (edited code: say so)
            self._message_for = stop
        return True

    # -- painting -------------------------------------------------------------------------------------
    def render(self, force=False, trained_ms=0.0):
        """Repaint what changed; returns the time each part took (ms)."""
        s = self.replay.shown()  # the live session, or a past epoch's read-only twin while scrubbing
        t0 = performance.now()
        timing = {"train": trained_ms, "boundary": 0.0, "network": 0.0, "charts": 0.0, "panels": 0.0}
        options = (bool(self._discretize.checked), bool(self._show_test.checked))
        key = (s.version, self.focus, options)
        digits_mode = s.data.name == "digits"
        if digits_mode != self._digits_mode_shown:
            self._digits_mode_shown = digits_mode
            document.body.classList.toggle("digits-mode", digits_mode)
            by_id("digits-mode").hidden = not digits_mode
            Canvas.changed()  # the layout changed: canvases are measured again
        # (a scrubbed epoch is painted even with the pictures scrolled away: the learner asked for it)
        paint = (self.visible and (self.replay.must_paint() or self.pictures_on_screen())
                 and (force or key != self._drawn))
        if paint and digits_mode:
            x = self.digits.x if self.digits.x is not None else s.X_test_raw[0]
            if force or not self.running or t0 - self._last_chart >= CHART_INTERVAL_MS:
                self.digits.draw(s)   # test-set confusion matrix and mistakes: throttled while training
                self.digits.draw_weights(s)
            t1 = performance.now()
            self.network.draw_digits(s, x)
            t2 = performance.now()
            timing["boundary"], timing["network"] = t1 - t0, t2 - t1
            self._drawn = key
        elif paint and self.editor.pending is not None and s.data.name == "custom":
            self.output.draw_pending(self.editor.pending)
            self._drawn = None
        elif paint and s.data.extent is not None:
            self.output.draw(s, self._current_grid(s), discretize=options[0], show_test=options[1], focus=self.focus,
                             selected=None if self.selected is None else self._points(self.selected[0])[0][self.selected[1]])
            t1 = performance.now()
            self.network.draw(s, self._grid)
            t2 = performance.now()
            timing["boundary"], timing["network"] = t1 - t0, t2 - t1
            self._drawn = key
        if self.panels:
            t2 = performance.now()
            self._tell_panels(force)
            timing["panels"] = performance.now() - t2
        t3 = performance.now()
        if force or not self.running or t3 - self._last_chart >= CHART_INTERVAL_MS:
            if self.charts.update(self.session):
                self._last_chart = t3
            self.replay.sync(self.session)
        timing["charts"] = performance.now() - t3
        self._show_metrics(s)
        timing["total"] = timing["train"] + performance.now() - t0
        return timing

    def _tell_panels(self, force=False):
        """Panels follow the weights also while the playground's pictures are scrolled away (and
        not painted); each panel throttles its own work (panels.common.Refresh)."""
        s = self.session
        if not force and s.version == self._told:
            return
        self._told = s.version
        grid = self._panel_grid()
        for panel in self.panels:
            panel.render(s, grid)

    def _panel_grid(self):
        """The grid of the current weights if it was computed (the pictures were painted), else None."""
        s = self.session
        return self._grid if s.data.extent is not None and self._grid_version == s.version else None

    def _show_text(self, id_, text):
        """Set an element's text if it changed (each write costs a bridge call and a relayout)."""
        if self._texts.get(id_) != text:
            if id_ not in self._text_els:
                self._text_els[id_] = by_id(id_)
            self._text_els[id_].textContent = text
            self._texts[id_] = text

    def _show_metrics(self, s):
        m = s.metrics()
        self._show_text("epoch", f"{m['epoch']:,}")
        self._show_text("train-loss", _number(m["train_loss"]))
        self._show_text("test-loss", _number(m["test_loss"]))
        if self.session.kind == "classification":
            names, values = ("Train accuracy", "Test accuracy"), (m["train_accuracy"], m["test_accuracy"])
            texts = [f"{v:.1%}" for v in values]
        else:
            names, values = ("Train RMSE", "Test RMSE"), (m["train_rmse"], m["test_rmse"])
            texts = [_number(v) for v in values]
        for id_, text in zip(("train-metric-label", "test-metric-label", "train-metric", "test-metric"),
                             (*names, *texts)):
            self._show_text(id_, text)
        key = (self.focus, tuple(self.session.net.sizes))
        if self._caption_for == key:
            return
        self._caption_for = key
        caption = by_id("focus-caption")
        if self.focus is None:
            caption.hidden = True
        else:
            l, i = self.focus
            last = len(self.session.net.sizes) - 1
            what = "input" if l == 0 else ("output" if l == last else f"hidden layer {l}")
            caption.textContent = f"Showing {what}, neuron {i + 1}, over the input plane"
            caption.hidden = False

    def _show_running(self):
        button = by_id("play")
        button.textContent = "❚❚" if self.running else "▶"
        button.setAttribute("aria-label", "Pause" if self.running else "Play")
        document.body.classList.toggle("running", self.running)

    # -- messages -----------------------------------------------------------------------------------------
    def show_message(self, text, hint="", kind="info"):
        box = by_id("message")
        box.className = f"message {kind}"
        self._message_kind = kind
        by_id("message-text").textContent = text
        by_id("message-hint").textContent = hint
        box.hidden = False

    def hide_message(self):
        by_id("message").hidden = True
        self._message_for = None
        self._message_kind = None

    # -- the page around us -------------------------------------------------------------------------------
    def _key(self, event):
        tag = event.target.tagName if event.target else ""
        if document.querySelector("dialog[open]"):
            return  # a dialog is open (and modal): its keys are its own, the page behind waits
        if tag in ("INPUT", "SELECT", "TEXTAREA") or event.target.isContentEditable \
                or event.ctrlKey or event.metaKey or event.altKey:
            return  # typing goes to the control
        if tag == "BUTTON" and event.key in (" ", "Enter"):
            return  # a focused button is pressed by these keys already
        if event.key == " " and _space_is_theirs(event.target):
            return  # a link, a summary, a canvas or a scrolling box: Space is theirs (or scrolls)
        if event.key == "?":
            event.preventDefault()
            by_id("help-dialog").showModal()
        elif event.key == " ":
            event.preventDefault()
            self.toggle()
        elif event.key == "s":
            self.step_once()
        elif event.key == "r":
            self.reset()
        elif event.key == "c":
            self.editor.next_class()

    def _visibility(self, event):
        self.visible = document.visibilityState == "visible"
        if self.visible and (self.running or self._ticking):
            self.request_frame()

    def _near_panels(self, entries, observer=None):
        if self._waiting or self.panels:
            return  # started already
        if not entries or any(entry.isIntersecting for entry in entries):
            self._panels_observer.disconnect()
            self._start_panels()

    def _build_panels_now(self):
        """Keyboard focus is about to go on into the panels: build the ones still waiting, now."""
        if not self._waiting and not self.panels:
            self._waiting = [name for name in panel_modules.PANELS if name not in self.hide]
            self._panels_observer.disconnect()
        while self._waiting:
            self._start_next_panel(chain=False)

    def _start_panels(self):
        self._waiting = [name for name in panel_modules.PANELS if name not in self.hide]
        self._start_next_panel()

    def _start_next_panel(self, chain=True):
        """Create the next panel, paint it, and leave the rest for a later task: one at a time, so
        that a click on Play right after the page is ready is answered at once."""
        if not self._waiting:
            return
        panel = panel_modules.create(self, by_id("panels"), self._waiting.pop(0))
        self.panels.append(panel)
        panel.render(self.session, self._current_grid())
        self._observer.observe(panel.section)
        if self._waiting and chain:
            window.setTimeout(self._on_next_panel, 0)

    def _current_grid(self, s=None):
        """Every neuron over the input plane for the current weights, or a past epoch's (None for digits)."""
        s = self.session if s is None else s
        if s.data.extent is None:
            return None
        if self._grid_version != s.version:
            self._grid = s.grid(GRID)
            self._grid_version = s.version
        return self._grid

    def _seen(self, entries, observer=None):
        pictures, shown = False, set()
        for entry in entries:
            id_, on = str(entry.target.id), bool(entry.isIntersecting)
            if id_ in PICTURES:
                self.on_screen[id_] = on
                pictures = True
            elif on:
                shown.add(id_)
        if pictures and self.pictures_on_screen():
            self.render(force=True)
        if shown:  # a panel that waited to be seen (e.g. to compute) is told it is
            grid = self._panel_grid()
            for panel in self.panels:
                if panel.section.id in shown:
                    panel.render(self.session, grid)

    def pictures_on_screen(self):
        return not self.on_screen or any(self.on_screen.values())

    def _resize(self, event):
        Canvas.changed()
        self.charts.resize()
        self.render(force=True)

    # -- the read-only hook for tests and benchmarks ------------------------------------------------------
    def state(self):
        s, m, h = self.session, self.session.metrics(), self.session.history_table()
        stop = None if s.stop is None else {"kind": s.stop.kind, "reason": s.stop.reason, "epoch": s.stop.epoch,
                                            "message": s.stop.message, "hint": s.stop.hint}
        # through JSON: a plain, detached object whose empty values are null (to_js gives undefined)
        return JSON.parse(json.dumps({
            "epoch": s.epoch, "steps": s.steps, "running": self.running, "version": s.version,
            "trainLoss": m["train_loss"], "testLoss": m["test_loss"],
            "trainAccuracy": m.get("train_accuracy"), "testAccuracy": m.get("test_accuracy"),
            "trainRmse": m.get("train_rmse"), "testRmse": m.get("test_rmse"),
            "sizes": s.net.sizes, "config": s.config, "stop": stop, "proxies": len(self.proxies),
            "selected": self.selected,
            "replay": {"epoch": self.replay.looking_back(), "positions": len(self.replay._epochs),
                       "drawnEpoch": None if self.network.session is None else self.network.session.epoch},
            "trainCount": int(len(s.y_train)), "added": s.added, "seenLastEpoch": s.seen_last_epoch,
            "drawnPrediction": None if self.digits.prediction is None else {
                "class": int(np.argmax(self.digits.prediction)),
                "sure": calibration.reading(self.digits.prediction)[2],
                "probabilities": [float(p) for p in self.digits.prediction],
                "input": [float(v) for v in self.digits.x]},
            "history": {k: h[k] for k in ("epoch", "train_loss", "test_loss")},
        }))

    def own_data_state(self):
        """Your own points for tests: all of them in the data's units (train first), their labels or
        targets, which are test points, the class names, and whether they wait to be learned."""
        data = self.editor.data() if self.session.data.name == "custom" else None
        if data is None:
            return None
        X, y, test = custom.points(data)
        return JSON.parse(json.dumps({
            "X": X.tolist(), "y": y.tolist(), "test": test.tolist(), "kind": data.kind,
            "classNames": list(data.class_names), "inputNames": list(data.input_names),
            "targetName": data.target_name, "pending": self.editor.pending is not None,
            "extent": data.extent}))

    def frame_timings(self):
        return JSON.parse(json.dumps(list(self.frames)))

    def _publish(self):
        hook = _js({"ready": True})
        hook.state = self.proxies.hold(self.state)
        hook.frames = self.proxies.hold(self.frame_timings)
        hook.ownData = self.proxies.hold(self.own_data_state)
        hook.race = self.proxies.hold(lambda: JSON.parse(json.dumps(next(  # the optimizer race, once its panel is built
            (p.state() for p in self.panels if p.name == "race"), None))))
        window.playground = Object.freeze(hook)


def _space_is_theirs(target):
    """True when Space belongs to the focused thing: a control, a focusable surface, or a box that scrolls."""
    if target is None or not hasattr(target, "closest"):
        return False
    if target.closest("a, summary, select, input, textarea, canvas, [tabindex], [contenteditable]") is not None:
        return True
    el = target
    while el is not None and el != document.body and el != document.documentElement:
        style = window.getComputedStyle(el)
        if str(style.overflowY) in ("auto", "scroll") and el.scrollHeight > el.clientHeight:
            return True
        el = el.parentElement
    return False
