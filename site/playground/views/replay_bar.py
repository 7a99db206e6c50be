"""The replay scrubber under the charts: a slider through the epochs the session kept, a
readout, and "Back to now".

Moving the slider pauses training and asks the frame loop for a frame; that frame paints the
past epoch (App.render draws whatever `shown()` returns: a read-only twin, nn.training.replay),
so scrubbing and training share the one clock. The live session is never touched until Play or
Step trains on from the past epoch (`go_back`). Any change to the live session (a setting, Reset,
an edited weight) ends the replay: the twin belongs to the state it was made from.
"""
from nn.training.replay import Replay, kept_epochs

from ..logic import replay_words
from .dom import by_id, document, window


class ReplayBar:
    def __init__(self, app):
        self.app = app
        self.slider, self.readout, self.now_button = by_id("replay-epoch"), by_id("replay-at"), by_id("replay-now")
        self.marks = by_id("chart-loss"), by_id("chart-metric")
        self.replay = None    # an nn Replay while looking back, else None
        self.wanted = None    # the epoch the slider asks for
        self.pending = False  # the next frame paints it
        self._epochs = []     # the slider's positions: the kept epochs, then now
        self._synced = None   # (version, epochs kept) the slider was last fitted to
        self._marked = None   # the epoch the charts mark (None: no mark)
        self._input_ms = 0.0  # time spent in the slider's handler since the last painted frame
        self._left = False    # the replay just ended: the next render paints now, seen or not
        listen = app.proxies.listen
        listen(self.slider, "input", lambda e: self._moved())
        listen(self.now_button, "click", lambda e: self.back_to_now())

    # -- what the pictures show -------------------------------------------------------------------
    def shown(self):
        """The session the pictures and the metrics show: a past epoch while replaying, else the live one."""
        r = self.replay
        if r is None:
            return self.app.session
        if r.session is not self.app.session or not r.current():
            self._end()  # the live session moved on (trained, changed, was replaced): back to now
            return self.app.session
        return r.at(self.wanted)

    def must_paint(self):
        """Whether render paints even with the pictures scrolled away: while scrubbing (the learner
        asked for that epoch; the confusion matrix may be on screen when the network is not), and
        once after, so that nothing still shows a past epoch."""
        left, self._left = self._left, False
        return left or self.replay is not None

    def looking_back(self):
        """The past epoch shown, or None when the pictures show now."""
        shown = self.shown()
        return None if shown is self.app.session else shown.epoch

    # -- the slider --------------------------------------------------------------------------------------
    def _moved(self):
        t0 = window.performance.now()
        app = self.app
        if app.running:  # scrubbing pauses training (the frame loop then paints the scrubbed epoch)
            app.running = False
            app._show_running()
        if self.replay is None or not self.replay.current() or self.replay.session is not app.session:
            if app._message_kind in ("converged", "info"):
                app.hide_message()  # (it floats over the page, maybe over this slider; errors and advice stay)
            self.replay = Replay(app.session)
            self._epochs = self.replay.epochs()
        i = min(max(int(float(self.slider.value)), 0), len(self._epochs) - 1)
        self.wanted = self._epochs[i]
        if self.wanted >= app.session.epoch:
            self._end()
        self._show_position()
        self.pending = True
        app.request_frame()
        self._input_ms += window.performance.now() - t0

    def paint(self):
        """The frame's work while scrubbing: the pictures, the metrics and the charts' mark, and
        the slider's own handling since the last frame ("input"). -> timing (ms)"""
        self.pending = False
        timing = self.app.render()
        timing["input"], self._input_ms = self._input_ms, 0.0
        timing["total"] += timing["input"]
        timing["epochs"] = 0
        timing["replay"] = self.wanted if self.replay is not None else -1  # -1: now
        return timing

    def back_to_now(self):
        self._end()
        self.sync(self.app.session)
        self.pending = True
        self.app.request_frame()
        self.slider.focus()

    def _end(self):
        self._left = self._left or self.replay is not None
        self.replay, self.wanted = None, None
        self._synced = None  # fit the slider to now again
        self._show_position()

    def sync(self, session):
        """Fit the slider to the live session (its kept epochs; the thumb at now) when it moved on;
        and put the charts' mark where the shown epoch is."""
        if self.replay is None:
            key = (session.version, len(session.snapshots.entries))
            if key != self._synced:
                self._synced = key
                self._epochs = kept_epochs(session)
                last = len(self._epochs) - 1
                self.slider.max = last
                self.slider.value = last
                self.slider.disabled = last == 0
                self.slider.setAttribute("aria-valuetext", replay_words.slider_text(session.epoch, session.epoch))
        self._mark()

    def _show_position(self):
        now = self.app.session.epoch
        epoch = now if self.wanted is None else self.wanted
        self.readout.textContent = replay_words.position(epoch, now)
        self.slider.setAttribute("aria-valuetext", replay_words.slider_text(epoch, now))
        self.now_button.disabled = self.replay is None
        document.body.classList.toggle("replaying", self.replay is not None)

    def _mark(self):
        """A vertical line on both charts at the shown epoch (uPlot's overlay; no redraw of the chart)."""
        epoch = self.wanted if self.replay is not None else None
        charts = self.app.charts
        plots = [c.plot for c in (charts.loss, charts.metric) if c is not None and c.plot is not None]
        key = (epoch, tuple((id(p), p.width) for p in plots), charts.shown)
        if key == self._marked:
            return
        self._marked = key
        for plot in plots:
            mark = plot.over.querySelector(".replay-mark")
            if mark is None:
                mark = plot.over.ownerDocument.createElement("div")
                mark.className = "replay-mark"
                plot.over.append(mark)
            mark.hidden = epoch is None
            if epoch is not None:
                mark.style.left = f"{float(plot.valToPos(epoch, 'x')):.1f}px"

    # -- training on from a past epoch ------------------------------------------------------------------
    def go_back(self):
        """Play or Step pressed while a past epoch is shown: the session goes back to it (the later
        epochs are replaced) and the page says so. True if it went back."""
        epoch = self.looking_back()
        if epoch is None:
            return False
        s = self.app.session
        was = s.epoch
        at = s.go_back(epoch)
        self._end()
        self.app.show_message(*replay_words.went_back(at, was), "info")
        return True

