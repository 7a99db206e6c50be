"""Benchmark the built page in headless Chromium: cold load, per-frame work, epochs per second,
the teaching panels' heaviest actions.

    python scripts/bench_page.py [--loads 3] [--frames 320] [--seconds 5] [--parts load,frames,eps,panels,digits,race,replay,boot]

Builds nothing: it serves the dist/ that `python scripts/build.py` made (with vercel.json's
headers, on 127.0.0.1, in a thread) and opens it over http and as a file:// page. Prints one JSON
object. Every time is measured inside the page (performance.now(), the page's frames() timings)
except the CPython peer, which runs here with time.perf_counter on the same config.

(a) cold_load: fresh browser context per load (empty cache), alternating http and file://.
    ready_s = navigation start -> window.playground.ready (boot.js's timings.total);
    first_trained_frame_s = navigation start -> the first frame with epochs >= 1 is seen in
    frames() (checked on every animation frame, so up to one frame late), after pressing Play
    as soon as the button shows, as a learner who came to train does (first-paint.js keeps a
    press made while Python starts; training begins the moment Python is ready). first_paint_with_pictures_s = navigation start -> the first
    contentful paint, when the opening frame (first-paint.js) was painted before it; cls_boot = the
    layout shifts from navigation to ready.
(b) frames: the default spiral at 1 epoch/frame, after a warm-up: median and p95 of each part of
    the frame (train, boundary, network, charts, total) over >= --frames frames.
(c) epochs_per_second: speed 100 for --seconds, Σepochs / Σtrain_ms over those frames (training
    only, painting excluded), for the default spiral and for 2-8-8-1 on 200 points (set with the
    page's own controls); the CPython peer trains nn.Session with the page's state().config.

(d) panels_worst_case: each teaching panel's heaviest action on the largest network the page
    allows (digits, 6 hidden layers of 64, set with the page's own buttons): "Check every
    parameter", "Take one step", the loss landscape's "Recompute", and the audit of a point (the
    digits have no output plane to click, so the script calls the audit panel's select(), as a
    click on a point does). For each: wall_ms from the click to the result shown, and the page's
    main-thread long tasks (PerformanceObserver "longtask", tasks over 50 ms) in that time: the
    longest one (how long the tab froze) and their sum; the panel's own figure where it states one.
    Then the engine's part of each (the nn.explain call the panel makes, no drawing), timed in the
    page's Pyodide and, as the peer, in CPython here, on the same config.

(e) digits: digits mode at speed 100, with its default setting (the training digits varied each
    epoch, nn.data.augment) and with "Vary the training digits" unticked, in turns, --seconds each:
    epochs per second and milliseconds per epoch of each, and the CPython peer of each.

(f) race: the optimizer race at the spiral's default size with four lanes at speed 1 (each lane one epoch
    a round; the lanes in turn, as many a frame as fit in its training budget), for --seconds after a
    warm-up: the race's own per-frame timings (train, pictures, chart, total: median, p95), frames per
    second, frames per round, the training time of a whole round (what one frame would take if every
    lane trained in it), and epochs per second per lane. A race that ends is started again.
(g) replay: scrubbing through the kept epochs with the "Replay epoch" slider's arrow keys, after
    training the default spiral (speed 100, until it converges or --seconds pass) and the digits
    (speed 1, until they converge or 3 x --seconds pass): each key press asks for one frame, which paints
    the past epoch (pictures, metrics, confusion matrix for digits, the charts' mark). Median and
    p95 of that frame's work (the page's frames() timing, the slider's handler included). The peer:
    the training frames of the same page before it (their total, and their painting alone).
(h) boot (only with --parts boot, or all parts): time until Play trains, as in (a), in four
    settings: http cold (fresh context), http repeat visit (a new page in the same context, after
    one load there: HTTP cache and the compiled-code cache warm), file:// cold, and http cold with
    the CPU throttled 4x (DevTools protocol Emulation.setCPUThrottlingRate). Each: the median of
    --boot-loads loads (--throttled-loads for the throttled one), the median of each boot step
    (boot.js's timings) and the first contentful paint.

When training stops (the spiral converges after some hundred epochs) the script presses Reset
and Play and goes on: the output says how often ("restarts").
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # the CPython peer: one thread, as numpy in the browser has

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from headless import LAUNCH_ARGS, find_browser, launch, launch_with_profile  # noqa: E402,F401
from serve import serve_in_thread  # noqa: E402

VIEWPORT = {"width": 1280, "height": 800}
BOOT_TIMEOUT_MS = 90_000
PARTS = ("train", "boundary", "network", "charts", "total")  # and any other part frames() has
TARGETS = {"first_frame_s": 4.0, "boot_http_s": 1.5, "boot_repeat_s": 1.0, "boot_file_over_http": 1.2,
           "boot_throttled_s": 6.0, "median_frame_ms": 8.0, "p95_frame_ms": 16.0,
           "epochs_per_s_2-8-8-1_200": 1000.0, "panel_action_longest_task_ms": 1000.0,
           "race_frames_per_s": 58.0, "race_p95_frame_ms": 16.7,
           "p95_scrub_frame_ms": 16.0}
PARTS_RUN = ("load", "frames", "eps", "panels", "digits", "race", "replay", "boot")  # --parts: (a) to (h)

# Installed before the page's scripts: the time Play was pressed (ms after navigation start), when
# the first trained frame was seen, and the main thread's long tasks ([start, duration] in ms, each
# over 50 ms).
INIT_SCRIPT = """
document.addEventListener("click", (e) => {
  const b = e.target && e.target.closest && e.target.closest("#play");
  if (b && window.__playPressedAt === undefined) window.__playPressedAt = performance.now();
}, true);
// When the first trained frame is in the page's own account, looked for in the page on every
// animation frame (so the benchmark's round trips after ready do not delay what it measures).
// It stops looking 5 s after ready, so that it costs nothing in the parts that measure frames.
(function watch() {
  const pg = window.playground;
  if (pg && pg.ready) {
    window.__readyAt = window.__readyAt || performance.now();
    if (pg.frames().some((f) => f.epochs >= 1)) { window.__firstTrainedAt = performance.now(); return; }
    if (performance.now() - window.__readyAt > 5000) return;
  }
  requestAnimationFrame(watch);
})();
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const t of list.getEntries()) window.__longTasks.push([t.startTime, t.duration]);
}).observe({type: "longtask", buffered: true});
"""
READY = "() => (window.playground && window.playground.ready) || (window.boot && window.boot.error)"
# A compact sample of the page's state (state() also carries the history and the config).
STATE = """() => { const s = window.playground.state();
  return {epoch: s.epoch, running: s.running, stop: s.stop, proxies: s.proxies, sizes: s.sizes}; }"""


def dumps(value, level=0):
    """JSON with one item per line, except lists of plain values, which stay on one line."""
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(value, dict) and value:
        items = [f"{inner}{json.dumps(k)}: {dumps(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[\n" + ",\n".join(inner + dumps(v, level + 1) for v in value) + "\n" + pad + "]"
    return json.dumps(value)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def check_dist():
    if not (DIST / "build-info.js").exists():
        sys.exit("dist/ is not built: run `python scripts/build.py` first (this script builds nothing)")


def open_page(browser):
    """A page in a fresh context (its own empty cache); page errors are collected."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(f"uncaught: {e}"))
    page.on("console", lambda m: m.type == "error" and page.errors.append(f"console.error: {m.text}"))
    return page


def wait_ready(page):
    """Wait for the playground; returns ms from navigation start to ready (boot.js)."""
    page.wait_for_function(READY, timeout=BOOT_TIMEOUT_MS, polling=50)
    error = page.evaluate("() => window.boot && window.boot.error")
    if error:
        raise RuntimeError(f"the page failed to boot: {error['title']}: {error['message']}")
    return page.evaluate("() => window.boot.timings.total")


def state(page):
    return page.evaluate(STATE)


def button(page, name):
    return page.get_by_role("button", name=name, exact=True)


def set_speed(page, epochs_per_frame):
    page.get_by_label("Speed (epochs per frame)").select_option(str(epochs_per_frame))


def set_range(page, label, value):
    """Set a range input as a user would: its value, then the input and change events."""
    page.get_by_label(label, exact=True).evaluate(
        """(el, v) => { el.value = v; el.dispatchEvent(new Event("input", {bubbles: true}));
                        el.dispatchEvent(new Event("change", {bubbles: true})); }""", str(value))


def frames(page):
    return page.evaluate("() => window.playground.frames()")


class Trainer:
    """Keeps the page training: Play, and on a stop (converged) Reset + Play. Counts the epochs
    trained since start() from state().epoch, so the matching frames can be told apart."""

    def __init__(self, page):
        self.page = page
        self.epochs = 0
        self.restarts = 0
        self._last = 0

    def start(self):
        s = state(self.page)
        self._last = s["epoch"]
        if not s["running"]:
            button(self.page, "Play").click()

    def poll(self):
        s = state(self.page)
        self.epochs += s["epoch"] - self._last
        self._last = s["epoch"]
        if s["stop"] is not None or not s["running"]:
            if s["stop"] is None or s["stop"]["kind"] != "converged":
                message = self.page.evaluate(
                    "() => { const m = document.getElementById('message'); return m && !m.hidden ? m.innerText : ''; }")
                raise RuntimeError(f"training stopped at epoch {s['epoch']} without converging "
                                   f"(stop: {s['stop']}); the page says: {message!r}")
            button(self.page, "Reset").click()
            self._last = state(self.page)["epoch"]  # 0
            self.restarts += 1
            button(self.page, "Play").click()
        return s

    def stop(self):
        if state(self.page)["running"]:
            try:
                button(self.page, "Pause").click(timeout=30_000)  # (a frame at speed 100 on a busy machine: seconds)
            except Exception:  # noqa: BLE001 - it stopped on its own (converged) meanwhile
                if state(self.page)["running"]:
                    raise
        self.poll_final()

    def poll_final(self):
        s = state(self.page)
        self.epochs += s["epoch"] - self._last
        self._last = s["epoch"]


def frames_since(all_frames, epochs):
    """The trailing frames whose epochs add up to `epochs` (the frames of one measurement)."""
    out, total = [], 0
    for f in reversed(all_frames):
        if total >= epochs:
            break
        out.append(f)
        total += f["epochs"]
    if total != epochs:
        raise RuntimeError(f"frames() does not cover the measurement: {total} of {epochs} epochs "
                           f"(frames() keeps the last 600)")
    return out[::-1]


def parts_summary(got):
    """Median, p95, mean, max of every timed part of these frames (ms)."""
    keys = [*PARTS, *sorted({k for f in got for k in f} - {*PARTS, "epochs"})]
    return {k: summary([f.get(k, 0.0) for f in got]) for k in keys}


def summary(values):
    v = np.asarray(values, dtype=float)
    return {"median": round(float(np.median(v)), 2), "p95": round(float(np.percentile(v, 95)), 2),
            "mean": round(float(v.mean()), 2), "max": round(float(v.max()), 2)}


# -- (a) cold load -----------------------------------------------------------------------------
FIRST_PAINT = """() => new Promise((resolve) => {
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  const painted = window.WILFirstPaint ? window.WILFirstPaint.painted : null;
  let cls = 0;  // layout shifts since navigation (buffered), without recent input
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) cls += e.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve({painted: painted, fcp: fcp ? fcp.startTime : null, cls: cls}), 200);
})"""


def _median_or_none(values):
    return None if None in values else round(statistics.median(values), 3)


def first_paint(page):
    """After boot: when the page was first shown with its pictures (the opening frame, painted by
    first-paint.js before the first render; the first contentful paint then shows it), and the
    layout shifts (CLS) since navigation. None for the picture time if the page showed none."""
    got = page.evaluate(FIRST_PAINT)
    with_pictures = got["painted"] is not None and got["fcp"] is not None and got["painted"] <= got["fcp"]
    return {"first_paint_with_pictures_s": round(got["fcp"] / 1000, 3) if with_pictures else None,
            "cls_boot": round(got["cls"], 4)}


def cold_load(browser, url, page=None):
    """Navigate and press Play as soon as it shows, as a learner who came to train does (the page
    keeps a press made while Python starts); time the first trained frame. In a fresh context
    unless `page` is given; the page's context is closed afterwards."""
    page = page or open_page(browser)
    try:
        page.goto(url, wait_until="commit")
        button(page, "Play").click()
        ready_ms = wait_ready(page)
        painted = first_paint(page)
        timings = page.evaluate("() => window.boot.timings")
        mode = page.evaluate("() => window.boot.mode")
        seen_ms = page.wait_for_function("() => window.__firstTrainedAt", timeout=60_000, polling=50).json_value()
        pressed_ms = page.evaluate("() => window.__playPressedAt")
        first = page.evaluate("() => window.playground.frames().find((f) => f.epochs >= 1)")
        paint = page.evaluate("() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
        return {"mode": mode, "first_paint_s": paint and round(paint / 1000, 3), "ready_s": round(ready_ms / 1000, 3),
                "play_pressed_s": round(pressed_ms / 1000, 3),
                "first_trained_frame_s": round(seen_ms / 1000, 3),
                "play_to_frame_ms": round(seen_ms - pressed_ms, 1),
                "first_frame_total_ms": round(first["total"], 1),
                "boot_timings_ms": timings, **painted, "page_errors": page.errors}
    finally:
        page.context.close()


# -- (f) boot: until Play trains, four ways -----------------------------------------------------------
def throttled_page(browser, rate):
    page = open_page(browser)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    return page


def repeat_visit(browser, url):
    """A first visit that trains, then the measured one: a new page in the same context (warm caches). The
    context has a profile on disk, as a visitor's browser does: only there does Chromium keep
    compiled WebAssembly for the next visit."""
    with tempfile.TemporaryDirectory(prefix="bench-profile-", ignore_cleanup_errors=True) as profile:
        context = launch_with_profile(browser.browser_type, profile, viewport=VIEWPORT)
        context.add_init_script(INIT_SCRIPT)
        page = context.new_page()
        try:
            page.goto(url)
            wait_ready(page)
            # A learner's first visit trains. Chromium writes its compiled-code cache once enough
            # of the runtime was optimized and ~2 s passed without more: Python restored from the
            # snapshot runs too little of it by itself to get there.
            button(page, "Play").click()
            page.wait_for_timeout(3000)
            button(page, "Pause").click()
            page.wait_for_timeout(4000)
        except Exception:
            context.close()
            raise
        second = context.new_page()
        second.errors = []
        second.on("pageerror", lambda e: second.errors.append(f"uncaught: {e}"))
        page.close()
        settle()
        return cold_load(browser, url, page=second)


def boot_summary(rs):
    steps = sorted({k for r in rs for k in r["boot_timings_ms"]})
    paints = [r["first_paint_s"] for r in rs if r["first_paint_s"]]
    return {"median_play_trains_s": round(statistics.median(r["first_trained_frame_s"] for r in rs), 3),
            "median_ready_s": round(statistics.median(r["ready_s"] for r in rs), 3),
            "median_first_paint_s": round(statistics.median(paints), 3) if paints else None,
            "median_first_paint_with_pictures_s": _median_or_none([r["first_paint_with_pictures_s"] for r in rs]),
            "max_cls_boot": max(r["cls_boot"] for r in rs),
            "median_steps_ms": {k: statistics.median(r["boot_timings_ms"].get(k, 0) for r in rs) for k in steps},
            "play_trains_s": [r["first_trained_frame_s"] for r in rs],
            "page_errors": [e for r in rs for e in r["page_errors"]]}


def _cpu_times() -> tuple[int, int] | None:
    """(all, idle) jiffies of the machine so far, or None where /proc/stat is not."""
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(values), values[3] + values[4]  # idle + iowait


def settle(quiet=0.15, window_s=0.2, most_s=5.0):
    """Wait until the machine is quiet: its CPUs busy less than `quiet` of a `window_s` window, for
    at most `most_s`. A closed browser context goes on tearing down for a moment (a third of the
    CPUs busy, measured), and a learner's visit does not start inside another page's teardown;
    without /proc/stat, a second's pause."""
    end = time.monotonic() + most_s
    before = _cpu_times()
    if before is None:
        time.sleep(1.0)
        return
    while time.monotonic() < end:
        time.sleep(window_s)
        after = _cpu_times()
        total = after[0] - before[0]
        if total > 0 and 1 - (after[1] - before[1]) / total < quiet:
            return
        before = after


def boot_block(browser, url, file_url, loads, throttled_loads):
    runs = {"http_cold": [], "http_repeat": [], "file": [], "throttled_4x": []}
    for i in range(loads):  # interleaved, so that a busy moment of the machine spreads over all
        log(f"boot {i + 1}/{loads}: http cold, http repeat, file://…")
        settle()
        runs["http_cold"].append(cold_load(browser, url))
        settle()
        runs["http_repeat"].append(repeat_visit(browser, url))  # (it settles before the second visit)
        settle()
        runs["file"].append(cold_load(browser, file_url))
    for i in range(throttled_loads):
        log(f"boot throttled 4x {i + 1}/{throttled_loads}…")
        settle()
        runs["throttled_4x"].append(cold_load(browser, url, page=throttled_page(browser, 4)))
    out = {name: boot_summary(rs) for name, rs in runs.items() if rs}
    http = out["http_cold"]["median_play_trains_s"]
    out["file_over_http"] = round(out["file"]["median_play_trains_s"] / http, 3)
    return out


# -- (b) frame parts -----------------------------------------------------------------------------
def frame_parts(browser, url, n_frames, warmup_s):
    page = open_page(browser)
    try:
        page.goto(url)
        wait_ready(page)
        s0 = state(page)
        set_speed(page, 1)
        trainer = Trainer(page)
        trainer.start()
        t_end = time.monotonic() + warmup_s
        while time.monotonic() < t_end:
            trainer.poll()
            time.sleep(0.25)
        trainer.poll()
        trainer.epochs, trainer.restarts = 0, 0  # measure from here
        t0 = page.evaluate("() => performance.now()")
        while trainer.epochs < n_frames:
            trainer.poll()
            time.sleep(0.25)
        trainer.stop()
        t1 = page.evaluate("() => performance.now()")
        got = frames_since(frames(page), trainer.epochs)
        assert all(f["epochs"] == 1 for f in got), "a frame at speed 1 trained more than one epoch"
        config = page.evaluate("() => window.playground.state().config")
        return {"sizes": s0["sizes"], "train_points": train_points(config), "n": config["n"], "speed": 1,
                "warmup_s": warmup_s, "frames": len(got),
                "frames_per_s": round(len(got) / ((t1 - t0) / 1000), 1),
                "restarts": trainer.restarts,
                "parts_ms": parts_summary(got),
                "page_errors": page.errors}
    finally:
        page.context.close()


# -- (c) epochs per second -------------------------------------------------------------------------
def epochs_per_second(page, seconds):
    """Speed 100 for `seconds`: Σepochs / Σtrain_ms over the frames of that time."""
    set_speed(page, 100)
    trainer = Trainer(page)
    trainer.start()
    t_end = time.monotonic() + seconds
    while time.monotonic() < t_end:
        trainer.poll()
        time.sleep(0.2)
    trainer.stop()
    got = frames_since(frames(page), trainer.epochs)
    full = page.evaluate("() => window.playground.state()")
    train_ms = sum(f["train"] for f in got)
    return {"sizes": full["sizes"], "train_points": train_points(full["config"]),
            "n": full["config"]["n"], "speed": 100, "frames": len(got), "epochs": trainer.epochs,
            "train_ms": round(train_ms, 1), "restarts": trainer.restarts,
            "epochs_per_s": round(1000 * trainer.epochs / train_ms, 1),
            "per_frame_ms": parts_summary(got)}, full["config"]


def train_points(config):
    from nn import Session
    return int(Session(config).X_train.shape[0])


def cpython_epochs_per_second(config, seconds=2.0):
    """The same config in CPython: epochs per second of Session.step (trains past convergence)."""
    from nn import Session

    s = Session(config)
    s.step(5, until_stop=False)
    epochs, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        s.step(20, until_stop=False)
        epochs += 20
    dt = time.perf_counter() - t0
    return {"sizes": s.net.sizes, "train_points": int(s.X_train.shape[0]), "epochs": epochs,
            "seconds": round(dt, 3), "epochs_per_s": round(epochs / dt, 1)}


def eps_block(browser, url, seconds):
    page = open_page(browser)
    try:
        page.goto(url)
        wait_ready(page)
        spiral, spiral_cfg = epochs_per_second(page, seconds)
        # 2-8-8-1 on 200 points, with the page's controls
        button(page, "Reset").click()
        for _ in range(2):
            page.get_by_role("button", name="Remove a hidden layer", exact=True).click()
        set_range(page, "Number of points", 200)
        small, small_cfg = epochs_per_second(page, seconds)
        errors = page.errors
    finally:
        page.context.close()
    out = {}
    for name, browser_side, config in (("spiral_default", spiral, spiral_cfg),
                                       ("small_2-8-8-1_200pts", small, small_cfg)):
        peer = cpython_epochs_per_second(config)
        out[name] = {"browser": browser_side, "cpython": peer,
                     "browser_vs_cpython": round(browser_side["epochs_per_s"] / peer["epochs_per_s"], 3)}
    out["page_errors"] = errors
    return out


# -- (e) digits, varied and not ----------------------------------------------------------------------
def digits_block(browser, url, seconds, rounds=2):
    """Epochs per second of digits mode with and without the varied training digits, in turns."""
    page = open_page(browser)
    runs = {"varied": [], "as_drawn": []}
    try:
        page.goto(url)
        wait_ready(page)
        page.get_by_role("combobox", name="Dataset").select_option("digits")
        box = page.get_by_role("checkbox", name="Vary the training digits")
        box.set_checked(True)
        button(page, "Step one epoch").click()  # the first varied epoch works out the shapes, once
        page.wait_for_function("() => window.playground.state().epoch === 1", timeout=60_000)
        for _ in range(rounds):
            for name, on in (("varied", True), ("as_drawn", False)):
                box.set_checked(on)
                button(page, "Reset").click()
                got, config = epochs_per_second(page, seconds)
                assert config["augment"] is on
                runs[name].append(got)
        errors = page.errors
    finally:
        page.context.close()
    out = {}
    for name, rs in runs.items():
        eps = statistics.median(r["epochs_per_s"] for r in rs)
        config = {"dataset": "digits", "augment": name == "varied"}
        peer = cpython_epochs_per_second(config, seconds=4.0)
        out[name] = {"browser_epochs_per_s": eps, "browser_ms_per_epoch": round(1000 / eps, 2),
                     "cpython_epochs_per_s": peer["epochs_per_s"],
                     "cpython_ms_per_epoch": round(1000 / peer["epochs_per_s"], 2), "runs": rs}
    out["varied_over_as_drawn"] = {"browser": round(out["varied"]["browser_ms_per_epoch"]
                                                    / out["as_drawn"]["browser_ms_per_epoch"], 3),
                                   "cpython": round(out["varied"]["cpython_ms_per_epoch"]
                                                    / out["as_drawn"]["cpython_ms_per_epoch"], 3)}
    out["page_errors"] = errors
    return out


# -- (d) the panels' worst case -----------------------------------------------------------------
# -- (f) replay: scrubbing ------------------------------------------------------------------------
def train_for(page, seconds, speed):
    """Play at `speed` until training stops by itself or `seconds` pass; then pause."""
    set_speed(page, speed)
    button(page, "Play").click()
    t_end = time.monotonic() + seconds
    while time.monotonic() < t_end and state(page)["running"]:
        time.sleep(0.2)
    if state(page)["running"]:
        button(page, "Pause").click()
    return state(page)


def scrub(page):
    """Home, then the right arrow through every kept epoch, one painted frame per press. -> frames"""
    slider = page.get_by_role("slider", name="Replay epoch")
    slider.focus()
    positions = page.evaluate("() => window.playground.state().replay.positions")
    page.keyboard.press("Home")
    page.wait_for_function("() => window.playground.state().replay.epoch === 0", timeout=30_000)
    for shown in range(1, positions):  # (the kept epochs rise: each press shows a later one)
        page.keyboard.press("ArrowRight")
        page.wait_for_function("""(i) => { const s = window.playground.state().replay;
                                           return s.drawnEpoch >= i; }""", arg=shown,
                               timeout=30_000, polling="raf")
    got = [f for f in frames(page) if "replay" in f]
    return got[-(positions - 1):], positions


def replay_block(browser, url, seconds):
    out = {}
    page = open_page(browser)
    try:
        page.goto(url)
        wait_ready(page)
        for name, train_s, speed in (("spiral", seconds, 100), ("digits", 3 * seconds, 1)):
            if name == "digits":
                page.get_by_label("Dataset", exact=True).select_option("digits")
            n0 = len(frames(page))
            s = train_for(page, train_s, speed)
            trained = [f for f in frames(page)[n0:] if f["epochs"] >= 1]
            got, positions = scrub(page)
            out[name] = {"sizes": s["sizes"], "epoch": s["epoch"], "positions": positions, "frames": len(got),
                         "parts_ms": parts_summary(got),
                         # the peer: the frames that trained it, in the same page (at `speed` epochs a frame)
                         "training_frames": {"speed": speed, "frames": len(trained),
                                             "total_ms": summary([f["total"] for f in trained]) if trained else None,
                                             "paint_ms": summary([f["total"] - f["train"] for f in trained])
                                             if trained else None}}
            page.keyboard.press("End")  # (the last press showed now already)
        out["page_errors"] = page.errors
        return out
    finally:
        page.context.close()


def largest_network(page):
    """Digits with MAX_HIDDEN_LAYERS layers of MAX_WIDTH_DIGITS, set with the page's buttons: the
    first layer widened neuron by neuron, then layers added (each copies the last one's width)."""
    from nn import limits

    page.get_by_role("combobox", name="Dataset", exact=True).select_option("digits")
    page.wait_for_function("() => window.playground.state().config.dataset === 'digits'")
    while len(state(page)["sizes"]) > 3:
        button(page, "Remove a hidden layer").click()
    if len(state(page)["sizes"]) == 2:
        button(page, "Add a hidden layer").click()
    while state(page)["sizes"][1] < limits.MAX_WIDTH_DIGITS:
        button(page, "Add a neuron in layer 1").click()
    while len(state(page)["sizes"]) - 2 < limits.MAX_HIDDEN_LAYERS:
        button(page, "Add a hidden layer").click()
    sizes = state(page)["sizes"]
    want = [64, *[limits.MAX_WIDTH_DIGITS] * limits.MAX_HIDDEN_LAYERS, 10]
    if sizes != want:
        raise RuntimeError(f"the page built {sizes}, not {want}")
    return sizes


def timed(page, start, done_js, timeout=120_000):
    """Run `start` (returns the page's performance.now() just before the action), wait until the
    expression `done_js` holds; the wall time and the main thread's long tasks in between (ms)."""
    t0 = start()
    t1 = page.wait_for_function(f"() => ({done_js}) && performance.now()", timeout=timeout,
                                polling="raf").json_value()
    page.wait_for_timeout(300)  # a task still running when the result showed is reported after it ends
    tasks = [d for t, d in page.evaluate("() => window.__longTasks") if t0 - 1 <= t <= t1]
    return {"wall_ms": round(t1 - t0, 1), "longest_task_ms": round(max(tasks, default=0.0), 1),
            "long_tasks_ms": round(sum(tasks), 1), "long_tasks": len(tasks)}


def click_at(locator):
    """Click `locator` in the page; the page's clock just before the click."""
    return lambda: locator.evaluate("(b) => { const t = performance.now(); b.click(); return t; }")


def panels_worst_case(browser, url):
    page = open_page(browser)
    try:
        page.goto(url)
        wait_ready(page)
        sizes = largest_network(page)
        page.evaluate("() => document.getElementById('panels').scrollIntoView()")
        page.wait_for_function("() => document.querySelectorAll('#panels > section.teach').length === 6",
                               timeout=60_000)
        land = "#panel-landscape"
        first_plane = f"document.querySelector('{land} .teach-small').textContent.includes('losses on')"
        page.locator(land).scroll_into_view_if_needed()  # it computes its first plane once it is seen
        page.wait_for_function(f"() => {first_plane}", timeout=120_000)
        out = {"sizes": sizes, "n_params": sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))}

        check = page.locator("#panel-gradcheck .teach-primary")
        check.scroll_into_view_if_needed()
        log("  check every parameter…")
        r = timed(page, click_at(check), "document.querySelector('#panel-gradcheck .teach-full .teach-verdict')")
        r["panel_says"] = page.locator("#panel-gradcheck .teach-controls .teach-small").text_content()
        out["check_every_parameter"] = r

        take = page.locator("#panel-step .teach-primary")
        take.scroll_into_view_if_needed()
        steps = page.evaluate("() => window.playground.state().steps")
        log("  take one step…")
        out["take_one_step"] = timed(page, click_at(take), f"window.playground.state().steps === {steps + 1} && "
                                     "document.querySelector('#panel-step').dataset.stage === 'forward'")

        recompute = page.locator(f"{land} .teach-primary")
        recompute.scroll_into_view_if_needed()
        log("  loss landscape…")
        page.evaluate(f"() => document.querySelector('{land} .teach-small').textContent = ''")
        r = timed(page, click_at(recompute), f"!document.querySelector('{land} .teach-primary').disabled && "
                  + first_plane)
        r["panel_says"] = page.locator(f"{land} .teach-small").text_content()
        out["landscape_recompute"] = r

        page.locator("#panel-audit").scroll_into_view_if_needed()
        log("  audit a point…")
        audit_of = "document.querySelector('.teach-audit-intro').textContent"
        page.evaluate(f"() => window.__auditBefore = {audit_of}")
        select = "import playground; [p.select(('train', 5)) for p in playground.app.panels if p.name == 'audit']"
        out["audit_a_point"] = timed(page, lambda: page.evaluate(
            "(code) => { const t = performance.now(); pyodide.runPython(code); return t; }", select),
            f"{audit_of} !== window.__auditBefore")
        config = page.evaluate("() => window.playground.state().config")
        log("  the engine's part, in the page…")
        out["engine_in_page_ms"] = engine_in_page(page, config)
        out["page_errors"] = page.errors
    finally:
        page.context.close()
    out["engine_in_cpython_ms"] = cpython_panels(config)
    return out


# The engine's part of each action (what the panel calls, without drawing), run as one piece of
# code both here (CPython) and in the page (Pyodide), each on a fresh Session of the same config.
ENGINE_CALLS = """
import time
from nn import Session, explain


def engine_times(config):
    s = Session(config)
    m = explain.surface_points(s)  # the landscape panel's plane: its first points, two weights

    def plane():
        X, Y, net = s.X_train[:m], s.Y_train[:m], s.net
        _, grads = explain._clone(net).backprop(X, Y, s.loss, s.config["l1"], s.config["l2"], train=False)
        a = explain.largest_weight_gradient(grads)
        grads[a[0]][a[1]] = 0.0
        b = explain.largest_weight_gradient(grads)
        explain.loss_surface(net, X, Y, s.loss, explain.weight_direction(net, *a),
                             explain.weight_direction(net, *b), 1.0, 41, l1=s.config["l1"], l2=s.config["l2"])

    calls = {"check_every_parameter": lambda: explain.full_check(s), "landscape_recompute": plane,
             "audit_a_point": lambda: explain.audit(s, ("train", 5)),
             "take_one_step": lambda: explain.explain_step(s)}  # last: it changes the weights
    out = {}
    for name, call in calls.items():
        t0 = time.perf_counter()
        call()
        out[name] = round(1000 * (time.perf_counter() - t0), 1)
    return out
"""


def cpython_panels(config):
    """ENGINE_CALLS in CPython on the page's config (ms): the peer of (d)."""
    scope = {}
    exec(ENGINE_CALLS, scope)  # noqa: S102 - this script's own code
    return scope["engine_times"](config)


def engine_in_page(page, config):
    """ENGINE_CALLS in the page's Pyodide on the same config (ms), in a scope of its own."""
    code = ENGINE_CALLS + f"\nimport json\njson.dumps(engine_times(json.loads({json.dumps(json.dumps(config))})))"
    return json.loads(page.evaluate(
        "(code) => { const scope = pyodide.globals.get('dict')(); try { return pyodide.runPython(code, "
        "{globals: scope}); } finally { scope.destroy(); } }", code))


# -- (f) the optimizer race ------------------------------------------------------------------------
RACE = "() => window.playground.race()"


def race_block(browser, url, seconds, warmup_s):
    """Four lanes on the default spiral at speed 1, chosen with the race panel's own controls."""
    page = open_page(browser)
    try:
        page.goto(url)
        wait_ready(page)
        set_speed(page, 1)
        page.evaluate("() => document.getElementById('panels').scrollIntoView()")
        page.wait_for_selector("#panel-race .race-lane", timeout=60_000)
        page.locator("#panel-race").scroll_into_view_if_needed()
        page.get_by_label("Lane 4 races").check()
        start = page.get_by_role("button", name="Start race", exact=True)
        start.click()
        restarts, got, wall_ms = 0, [], 0.0
        time.sleep(warmup_s)
        while wall_ms < seconds * 1000:
            if page.evaluate(RACE)["over"]:
                start.click()
                restarts += 1
            before = len(page.evaluate(RACE)["frames"])
            t0 = page.evaluate("() => performance.now()")
            time.sleep(min(1.0, seconds - wall_ms / 1000 + 0.05))
            r = page.evaluate(RACE)
            t1 = page.evaluate("() => performance.now()")
            if len(r["frames"]) < before or len(r["frames"]) >= 600:
                continue  # a new race started meanwhile, or the kept frames ran out: measure again
            got += r["frames"][before:]
            wall_ms += t1 - t0
        page.get_by_role("button", name="Stop race", exact=True).click()
        config = page.evaluate("() => window.playground.state().config")
        rounds, round_ms, in_round = [], [], 0.0
        count = 0
        for f in got:
            in_round += f["train"]
            count += 1
            if f["round_done"]:
                rounds.append(count)
                round_ms.append(in_round)
                in_round, count = 0.0, 0
        epochs = sum(f["epochs"] for f in got)
        return {"lanes": 4, "sizes": page.evaluate("() => window.playground.state().sizes"),
                "train_points": train_points(config), "n": config["n"], "speed": 1,
                "frames": len(got), "seconds": round(wall_ms / 1000, 2),
                "frames_per_s": round(len(got) / (wall_ms / 1000), 1),
                "frame_ms": {k: summary([f[k] for f in got]) for k in ("train", "pictures", "chart", "total")},
                "frames_per_round": round(float(np.mean(rounds)), 2) if rounds else None,
                "round_train_ms": summary(round_ms) if round_ms else None,
                "epochs_per_lane_per_s": round(epochs / 4 / (wall_ms / 1000), 1),
                "restarts": restarts, "page_errors": page.errors}
    finally:
        page.context.close()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--loads", type=int, default=3, help="cold loads per mode (default 3)")
    ap.add_argument("--frames", type=int, default=320, help="frames to time at 1 epoch/frame (≥ 300)")
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up before timing frames")
    ap.add_argument("--seconds", type=float, default=5.0, help="seconds at speed 100 per network")
    ap.add_argument("--boot-loads", type=int, default=5, help="loads per setting in (f) (default 5)")
    ap.add_argument("--throttled-loads", type=int, default=3, help="throttled 4x loads in (f) (default 3)")
    ap.add_argument("--parts", default=",".join(PARTS_RUN),
                    help=f"which measurements, comma-separated (default: all of {','.join(PARTS_RUN)})")
    args = ap.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    if not parts or set(parts) - set(PARTS_RUN):
        ap.error(f"--parts: choose from {', '.join(PARTS_RUN)}")
    check_dist()

    from playwright.sync_api import sync_playwright

    import nn  # noqa: F401  (fail early if the engine is not importable)

    server, url = serve_in_thread(DIST, port=0)
    file_url = (DIST / "index.html").as_uri()
    result = {"what": "bench_page: the built page in headless Chromium (times measured in the page)",
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "numpy_cpython": np.__version__, "viewport": VIEWPORT,
                          "device_scale_factor": 1,
                          "load_avg_before": [round(x, 2) for x in os.getloadavg()]}}
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            result["machine"]["browser"] = f"{browser.browser_type.name} {browser.version}"
            try:
                if "load" in parts:
                    runs = {"http": [], "file": []}
                    for i in range(args.loads):
                        for mode, target in (("http", url), ("file", file_url)):
                            log(f"cold load {i + 1}/{args.loads} over {mode}…")
                            runs[mode].append(cold_load(browser, target))
                    cold = {}
                    for mode, rs in runs.items():
                        cold[mode] = {
                            "median_ready_s": round(statistics.median(r["ready_s"] for r in rs), 3),
                            "median_first_trained_frame_s":
                                round(statistics.median(r["first_trained_frame_s"] for r in rs), 3),
                            "median_first_paint_with_pictures_s": _median_or_none(
                                [r["first_paint_with_pictures_s"] for r in rs]),
                            "max_cls_boot": max(r["cls_boot"] for r in rs),
                            "runs": rs}
                    result["cold_load"] = cold
                if "boot" in parts:
                    result["boot"] = boot_block(browser, url, file_url, args.boot_loads, args.throttled_loads)
                if "frames" in parts:
                    log("frame parts at 1 epoch/frame…")
                    result["frames"] = frame_parts(browser, url, args.frames, args.warmup)
                if "eps" in parts:
                    log("epochs per second at speed 100…")
                    result["epochs_per_second"] = eps_block(browser, url, args.seconds)
                if "panels" in parts:
                    log("the panels' worst case (digits, the largest network)…")
                    result["panels_worst_case"] = panels_worst_case(browser, url)
                if "digits" in parts:
                    log("digits mode at speed 100, varied and not…")
                    result["digits"] = digits_block(browser, url, args.seconds)
                if "race" in parts:
                    log("the optimizer race, four lanes on the spiral…")
                    result["race"] = race_block(browser, url, args.seconds, args.warmup)
                if "replay" in parts:
                    log("scrubbing through the kept epochs, spiral and digits…")
                    result["replay"] = replay_block(browser, url, args.seconds)
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()

    result["machine"]["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    checks = []
    if "load" in parts:
        for mode, name in (("http", "http"), ("file", "file://")):
            checks.append((f"first trained frame over {name} (median, s)",
                           result["cold_load"][mode]["median_first_trained_frame_s"], "<=", TARGETS["first_frame_s"]))
    if "boot" in parts:
        b = result["boot"]
        checks += [("Play trains, http cold (median, s)", b["http_cold"]["median_play_trains_s"], "<=", TARGETS["boot_http_s"]),
                   ("Play trains, http repeat visit (median, s)", b["http_repeat"]["median_play_trains_s"], "<=",
                    TARGETS["boot_repeat_s"]),
                   ("Play trains, file:// over http (ratio of medians)", b["file_over_http"], "<=",
                    TARGETS["boot_file_over_http"])]
        if "throttled_4x" in b:
            checks.append(("Play trains, CPU throttled 4x (median, s)", b["throttled_4x"]["median_play_trains_s"],
                           "<=", TARGETS["boot_throttled_s"]))
    if "frames" in parts:
        total = result["frames"]["parts_ms"]["total"]
        checks += [("median frame work at 1 epoch/frame (ms)", total["median"], "<=", TARGETS["median_frame_ms"]),
                   ("p95 frame work at 1 epoch/frame (ms)", total["p95"], "<=", TARGETS["p95_frame_ms"])]
    if "eps" in parts:
        small = result["epochs_per_second"]["small_2-8-8-1_200pts"]
        checks.append((f"epochs/s in the page, {'-'.join(map(str, small['browser']['sizes']))} on "
                       f"{small['browser']['n']} points", small["browser"]["epochs_per_s"], ">=",
                       TARGETS["epochs_per_s_2-8-8-1_200"]))
    if "panels" in parts:
        worst = result["panels_worst_case"]
        for action in ("check_every_parameter", "take_one_step", "landscape_recompute", "audit_a_point"):
            checks.append((f"longest main-thread task of {action.replace('_', ' ')}, "
                           f"{'-'.join(map(str, worst['sizes']))} (ms)", worst[action]["longest_task_ms"], "<=",
                           TARGETS["panel_action_longest_task_ms"]))
    if "race" in parts:
        race = result["race"]
        checks += [("race: frames per second, 4 lanes on the spiral", race["frames_per_s"], ">=",
                    TARGETS["race_frames_per_s"]),
                   ("race: p95 frame work, 4 lanes on the spiral (ms)", race["frame_ms"]["total"]["p95"], "<=",
                    TARGETS["race_p95_frame_ms"])]
    if "replay" in parts:
        for name in ("spiral", "digits"):
            checks.append((f"p95 scrub frame work, {name} (ms)", result["replay"][name]["parts_ms"]["total"]["p95"],
                           "<=", TARGETS["p95_scrub_frame_ms"]))
    result["targets"] = [
        {"what": what, "value": value, "target": f"{op} {limit}",
         "pass": bool(value <= limit if op == "<=" else value >= limit)}
        for what, value, op, limit in checks]
    print(dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
