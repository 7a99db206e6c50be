"""Optimizer race: two to four optimizers from the same initial weights on the same data, side by side
(nn.training.race). It trains in the app's one frame loop (request_frame, then tick): in a round every
lane trains the Speed menu's epochs, one lane after another, as many lanes a frame as fit in
TRAIN_BUDGET_MS (all of them when they fit); then each lane's boundary (drawn as the output view draws
the playground's) and one chart of their losses follow. The lane menus are the playground's optimizer
menus (views.controls), made from the optimizers' records."""
from collections import deque

from js import performance

from nn.training.race import MAX_LANES, Race, lane_config, lane_keys

from ..logic import race_words
from ..views.charts import Chart, tick_labels
from ..views.controls import optimizer_menu, optimizer_settings, rate_menu
from ..views.output_view import OutputView
from .common import el, header, on_screen

TRAIN_BUDGET_MS = 9.0   # a frame trains lanes in turn while the next fits in this (one lane at least): a round of
#                         every lane that does not fit in one frame spreads over several, and the page keeps 60 a second
PICTURE = 40            # each lane's boundary grid: the output view's 80 would cost four times as much a lane
CHART_EVERY_MS = 100    # the loss chart redraws at most this often while racing (as the playground's)
SCREEN_EVERY_MS = 250   # a racing panel asks this often whether it is on screen (its pictures wait if not)
FRAMES_KEPT = 600       # the race's per-frame timings kept for window.playground.race()
COLOURS = ("#2f6fde", "#e8590c", "#2b8a3e", "#a23bc4")  # each lane's swatch and line (3:1 and more on both themes)
# lanes 2 to 4 before the learner chooses; lane 1 is the playground's optimizer
OTHER_LANES = ({"optimizer": "sgd", "lr": 0.1, "momentum": 0.9}, {"optimizer": "rmsprop", "lr": 0.003},
               {"optimizer": "adagrad", "lr": 0.1})


class Panel:
    name = "race"

    def __init__(self, app, section):
        self.app, self.section = app, section
        header(app, section, "race", lambda: ("training/race.py", "Race", "the lanes: Sessions that differ only "
                                                                          "in their optimizer"), race_words.LEAD)
        c = app.session.config
        self.choices = [{k: c[k] for k in lane_keys(c["optimizer"])}, *(dict(lane) for lane in OTHER_LANES)]
        self.chosen = [True, True, True, False]
        self.box = el("div", section, "race-choices", role="group", aria_label="The lanes")
        self.rows = [self._row(i) for i in range(MAX_LANES)]
        bar = el("div", section, "teach-controls race-bar")
        self.start_button = el("button", bar, "teach-primary", "Start race", type="button")
        self.stop_button = el("button", bar, "teach-btn", "Stop race", type="button")
        self.stop_button.disabled = True
        self.status = el("p", section, "race-status", race_words.READY, aria_live="polite")
        self.cards = el("div", section, "race-cards")
        self.chart_el = el("div", section, "chart race-chart", aria_label="Training loss of each lane over epochs")
        self.race, self.racing, self.frames = None, False, deque(maxlen=FRAMES_KEPT)
        self._refused = False      # the page's message says why the last Start race was refused
        self._lanes_shown = []     # per lane in the race: (OutputView or None, numbers element, stop element)
        self._chart, self._chart_at, self._drawn, self._texts = None, -1e9, [], {}
        self._turn = 0             # the lane whose turn it is in the current round
        self._seen, self._seen_at = True, -1e9
        self._ticks = app.proxies.hold(tick_labels("{:.3g}"))
        listen = app.proxies.listen
        listen(self.box, "change", self._changed)
        listen(self.start_button, "click", lambda e: self.start())
        listen(self.stop_button, "click", lambda e: self.stop())
        for i in range(MAX_LANES):
            self._show_row(i)

    # -- the panel protocol ------------------------------------------------------------------------
    def render(self, session, grid):
        """The playground's weights changed: a race runs on its own lanes, made when it started."""

    def reset(self, session):
        """The playground's network or data was rebuilt: the lane menus follow its config (a race
        that runs goes on with the data and network it started with)."""
        for i in range(MAX_LANES):
            self._show_row(i)

    # -- choosing the lanes ------------------------------------------------------------------------
    def _row(self, i):
        row = el("div", self.box, "race-lane", data_lane=i)
        pick = el("label", row, "check race-pick")
        box = el("input", pick, None, type="checkbox", aria_label=f"Lane {i + 1} races")
        box.dataset.role = "pick"
        box.checked = self.chosen[i]
        swatch = el("span", pick, "race-swatch", aria_hidden="true")
        swatch.style.background = COLOURS[i]
        pick.append(f"Lane {i + 1}")
        menus = []
        for role, text in (("optimizer", "Optimizer"), ("lr", "Learning rate")):
            field = el("label", row, "field", text)
            select = el("select", field, None, aria_label=f"Lane {i + 1} {text.lower()}")
            select.dataset.role = role
            menus.append(select)
        settings = el("span", row, "race-settings")
        return {"row": row, "pick": box, "optimizer": menus[0], "lr": menus[1], "settings": settings}

    def _show_row(self, i):
        r, lane = self.rows[i], self.choices[i]
        values = lane_config(self.app.session.config, lane)  # every setting: the lane's, else its default
        optimizer_menu(r["optimizer"], values["optimizer"])
        rate_menu(r["lr"], values["lr"])
        optimizer_settings(r["settings"], values["optimizer"], values, prefix=f"Lane {i + 1} ")
        r["row"].classList.toggle("off", not self.chosen[i])

    def _changed(self, event):
        target = event.target
        row = target.closest(".race-lane")
        if row is None:
            return
        i = int(row.dataset.lane)
        role, key = getattr(target.dataset, "role", None), getattr(target.dataset, "key", None)  # (absent: undefined)
        if role == "pick":
            self.chosen[i] = bool(target.checked)
        elif role == "optimizer":  # another optimizer: its own settings, at their defaults; the rate stays
            self.choices[i] = {"optimizer": str(target.value), "lr": self.choices[i]["lr"]}
        elif role == "lr":
            self.choices[i]["lr"] = float(target.value)
        elif key:
            self.choices[i][str(key)] = bool(target.checked) if target.type == "checkbox" else (
                None if target.value == "" else float(target.value))
        self._show_row(i)

    def lanes(self):
        """The lanes ticked to race, as nn.training.race takes them."""
        return [dict(lane) for lane, on in zip(self.choices, self.chosen) if on]

    # -- racing ------------------------------------------------------------------------------------
    def start(self):
        """A new race of the ticked lanes from the playground's config (its seed: the same start for
        every lane); refused, with what is allowed, when the lanes make no race."""
        app, s = self.app, self.app.session
        try:
            race = Race(s.config, self.lanes(), custom=s.custom if s.config["dataset"] == "custom" else None)
        except ValueError as e:
            app.show_message(f"The race did not start: {e}.", "Tick two to four lanes that differ in their "
                             "optimizer, its rate or a setting.", "error")
            self._refused = True
            return
        if self._refused:
            app.hide_message()  # the refusal shown before is history
            self._refused = False
        if app.running:
            app.pause()  # the race has the frames to itself (Play trains the playground alongside)
        self.race, self.frames = race, deque(maxlen=FRAMES_KEPT)
        self._numbers = [n for n, on in enumerate(self.chosen) if on]  # each racing lane's row, 0-based
        self._turn = 0
        self._build_cards()
        self._set_racing(True)
        self._draw(force=True)
        app.request_frame(self)

    def stop(self):
        self._set_racing(False)
        self._draw(force=True)

    def _set_racing(self, on):
        self.racing = on
        self.stop_button.disabled = not on
        self._text(self.status, race_words.status(self.race, on, self.app.speed))

    def tick(self, now):
        """One frame of the race, in the app's loop: every lane trains, then what is on screen is drawn."""
        if not self.racing:
            return
        t0 = performance.now()
        race, trained = self.race, 0
        while True:  # the lanes in turn, each the same epochs; a round ends a frame even with time to spare
            t = performance.now()
            trained += race.step_lane(self._turn, self.app.speed)
            took = performance.now() - t  # the next lane likely takes as long
            self._turn = (self._turn + 1) % len(race.lanes)
            if self._turn == 0 or performance.now() - t0 + took > TRAIN_BUDGET_MS:
                break
        t1 = performance.now()
        timing = self._draw()
        timing.update(train=t1 - t0, epochs=trained, round_done=self._turn == 0, total=performance.now() - t0)
        self.frames.append(timing)
        if self.race.over:
            self._set_racing(False)
            self._draw(force=True)
        else:
            self.app.request_frame(self)

    # -- drawing -------------------------------------------------------------------------------------
    def _build_cards(self):
        self.cards.replaceChildren()
        self._lanes_shown = []
        plane = self.race.lanes[0].data.extent is not None
        for i, (lane, label) in enumerate(zip(self.race.lanes, self.race.labels)):
            n = self.chosen_index(i)
            card = el("figure", self.cards, "race-card")
            title = el("figcaption", card, "race-card-title")
            swatch = el("span", title, "race-swatch", aria_hidden="true")
            swatch.style.background = COLOURS[n]
            title.append(f"Lane {n + 1}: {label}")
            view = None
            if plane:
                canvas = el("canvas", card, "race-picture", aria_label=f"Lane {n + 1}'s decision boundary")
                view = OutputView(canvas, PICTURE)
            else:
                el("p", card, "teach-small race-picture none", race_words.PICTURE_NONE)
            numbers = el("p", card, "race-numbers")
            stopped = el("p", card, "race-stop")
            self._lanes_shown.append((view, numbers, stopped))
        if self._chart is not None:
            self._chart.destroy()
        series = [{"label": f"lane {self.chosen_index(i) + 1}: {s.optimizer.name}", "stroke": COLOURS[self.chosen_index(i)],
                   "width": 2, "spanGaps": True, "points": {"show": False}} for i, s in enumerate(self.race.lanes)]
        self._chart = Chart(self.chart_el, "Training loss", log_scale=True, percent=False, ticks=self._ticks,
                            series=series)
        self._drawn, self._texts = [], {}

    def chosen_index(self, i):
        """The row (0-based, of the four) of the race's i-th lane, as ticked when it started."""
        return self._numbers[i]

    def _draw(self, force=False):
        """Draw what changed and is on screen; returns the time each part took (ms)."""
        timing = {"pictures": 0.0, "chart": 0.0}
        race, now = self.race, performance.now()
        if race is None:
            return timing
        if force or now - self._seen_at >= SCREEN_EVERY_MS:
            self._seen, self._seen_at = on_screen(self.section), now
        if not (force or self._seen):
            return timing
        versions = [s.version for s in race.lanes]
        if force or versions != self._drawn:
            won = race.winner()
            first = set(won[0]) if won else set()
            for i, (s, (view, numbers, stopped)) in enumerate(zip(race.lanes, self._lanes_shown)):
                if view is not None and (force or not self._drawn or versions[i] != self._drawn[i]):
                    view.draw(s, s.grid(PICTURE), show_test=False)  # (only a lane that trained since)
                self._text(numbers, race_words.lane_numbers(s))
                self._text(stopped, race_words.lane_stop(s, i in first))
                stopped.classList.toggle("won", i in first)
            self._drawn = versions
            self._text(self.status, race_words.status(race, self.racing, self.app.speed))
        t1 = performance.now()
        timing["pictures"] = t1 - now
        if force or t1 - self._chart_at >= CHART_EVERY_MS:
            self._draw_chart()
            self._chart_at = performance.now()
            timing["chart"] = self._chart_at - t1
        return timing

    def _text(self, element, text):
        """Write an element's text only when it changed (each write costs a relayout)."""
        if self._texts.get(id(element)) != text:
            element.textContent = text
            self._texts[id(element)] = text

    def _draw_chart(self):
        tables = [s.history_table() for s in self.race.lanes]
        epochs = sorted({e for t in tables for e in t["epoch"]})
        columns = []
        for t in tables:
            loss = dict(zip(t["epoch"], t["train_loss"]))
            columns.append([loss.get(e) for e in epochs])
        self._chart.set(epochs, *columns)

    # -- for tests and benchmarks (window.playground.race()) -------------------------------------------
    def state(self):
        race = self.race
        if race is None:
            return {"racing": False, "lanes": None, "status": str(self.status.textContent)}
        won = race.winner()
        lanes = []
        for s, label in zip(race.lanes, race.labels):
            at, start = s.snapshots.at(0)
            lanes.append({"label": label, "config": s.config, "epoch": s.epoch,
                          "history": s.history_table()["train_loss"],
                          "start_weights": start.tolist() if at == 0 else None,
                          "stop": None if s.stop is None else {"kind": s.stop.kind, "epoch": s.stop.epoch}})
        return {"racing": self.racing, "over": race.over, "lanes": lanes,
                "winner": None if won is None else {"lanes": won[0], "epoch": won[1]},
                "status": str(self.status.textContent), "frames": list(self.frames)}
