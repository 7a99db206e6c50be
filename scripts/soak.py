"""Soak the page: train at top speed, painting every frame, and watch its memory.

    python scripts/soak.py [--seconds 600] [--interval 2] [--l2 0.003]

Builds nothing: serves dist/ (vercel.json's headers, 127.0.0.1, in a thread), opens the default
spiral in headless Chromium, selects speed 100 (epochs per frame) and plays for --seconds. Every
~--interval seconds it samples, inside the page:
  js_heap   performance.memory.usedJSHeapSize right after a forced garbage collection
            (Chromium runs with --enable-precise-memory-info --js-flags=--expose-gc), i.e. what
            the page keeps alive, not what it has yet to collect;
  wasm      the WebAssembly memory of Pyodide (pyodide._module.HEAPU8.buffer.byteLength). It
            never shrinks, so it is the high-water mark of Python's heap;
  py_objects len(gc.get_objects()) after gc.collect() in the page's Python (objects that leak
            through a proxy stay alive and show up here);
  proxies   state().proxies (the JS callbacks the app owns), and epoch.

Keeping it training: the default spiral converges after ~500 epochs (a few seconds at speed
100) and then stops, and Play does not resume a converged run. So the soak selects L2
regularization (--l2, default 0.003, through the page's own Regularization controls), with which
the spiral keeps learning for tens of thousands of epochs, and the bounded history (2000 points)
and snapshots fill up as in an hour-long session. If training stops anyway, the soak presses
Reset and Play (counted in "restarts"). --l2 0 soaks the plain default demo (resetting on every
convergence).

Growth is measured after the warm-up (the first minute, or the first 20% of a shorter run):
wasm from its value at the end of the warm-up to the last sample; js_heap and py_objects from
the median of the first three samples after the warm-up to the median of the last three.
Prints one JSON object. Target: < 5% growth after the first minute.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_page as bp  # noqa: E402
from serve import serve_in_thread  # noqa: E402

# The replay's record at the end: how many weight snapshots the session keeps, and their bytes.
SNAPSHOTS = """
import json, playground
s = playground.app.session
kept = s.snapshots.entries
json.dumps({"count": len(kept), "dense_window": s.snapshots.dense, "stride": s.snapshots.stride,
            "first": [e for e, _ in kept[:3]], "last": [e for e, _ in kept[-3:]],
            "bytes": sum(w.nbytes for _, w in kept), "bytes_per_snapshot": s.net.flat.nbytes,
            "bound": (s.snapshots.dense + s.snapshots.capacity) * s.net.flat.nbytes})
"""
MEMORY_ARGS = ["--enable-precise-memory-info", "--js-flags=--expose-gc"]
TARGET_GROWTH_PCT = 5.0
MB = 1024 * 1024

# Read the heap right after a collection, before state() makes its own garbage.
SAMPLE = """() => {
  if (window.gc) window.gc();
  const js = performance.memory.usedJSHeapSize, jsTotal = performance.memory.totalJSHeapSize;
  const wasm = window.pyodide._module.HEAPU8.buffer.byteLength;
  const py = window.pyodide.runPython(
    "(__import__('gc').collect(), len(__import__('gc').get_objects()))[1]");
  const s = window.playground.state();
  const snaps = JSON.parse(window.pyodide.runPython(  // (an expression: it leaves no global holding a list)
    "__import__('json').dumps((lambda k: [len(k), sum(w.nbytes for _, w in k)])("
    + "__import__('playground').app.session.snapshots.entries))"));
  return {t: performance.now(), snapshots: snaps[0], snapshot_bytes: snaps[1],
          js_heap: js, js_heap_total: jsTotal, wasm: wasm, py_objects: py,
          proxies: s.proxies, epoch: s.epoch, running: s.running, stop: s.stop};
}"""


def growth(before, after, unit=MB):
    return {"start": round(before / unit, 3), "end": round(after / unit, 3),
            "growth": round((after - before) / unit, 3),
            "growth_pct": round(100.0 * (after - before) / before, 2) if before else None}


def median3(values):
    return statistics.median(values[:3]) if values else None


def analyse(samples, seconds, restarts, epochs, target_pct=TARGET_GROWTH_PCT):
    """The summary of a soak's samples: growth after the warm-up, proxies, epochs."""
    t0 = samples[0]["t"]
    warm_s = min(60.0, 0.2 * seconds)
    after = [s for s in samples if (s["t"] - t0) / 1000 >= warm_s] or samples[-1:]
    wasm = growth(after[0]["wasm"], samples[-1]["wasm"])
    js = growth(median3([s["js_heap"] for s in after]),
                statistics.median([s["js_heap"] for s in samples[-3:]]))
    py = growth(median3([s["py_objects"] for s in after]),
                statistics.median([s["py_objects"] for s in samples[-3:]]), unit=1)
    step = max(1, len(samples) // 20)
    thinned = samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else [])
    intervals = [(b["t"] - a["t"]) / 1000 for a, b in zip(samples, samples[1:])]
    return {
        "samples": len(samples),
        "sample_interval_s": round(statistics.median(intervals), 2) if intervals else None,
        "duration_s": round((samples[-1]["t"] - t0) / 1000, 1),
        "warmup_s": warm_s,
        "epochs_trained": epochs,
        "restarts": restarts,
        "js_heap_after_gc_mb": {**js, "min": round(min(s["js_heap"] for s in samples) / MB, 3),
                                "max": round(max(s["js_heap"] for s in samples) / MB, 3)},
        "wasm_memory_mb": {**wasm, "first_sample": round(samples[0]["wasm"] / MB, 3)},
        "python_objects": {**py, "max": max(s["py_objects"] for s in samples)},
        "proxies": {"start": samples[0]["proxies"], "end": samples[-1]["proxies"],
                    "max": max(s["proxies"] for s in samples)},
        "snapshots_kept": {"max": max(s["snapshots"] for s in samples), "end": samples[-1]["snapshots"],
                           "max_bytes": max(s["snapshot_bytes"] for s in samples)},
        "series": {"columns": ["t_s", "epoch", "js_heap_mb", "wasm_mb", "py_objects", "proxies"],
                   "rows": [[round((s["t"] - t0) / 1000, 1), s["epoch"], round(s["js_heap"] / MB, 2),
                             round(s["wasm"] / MB, 2), s["py_objects"], s["proxies"]]
                            for s in thinned]},
        "targets": [
            {"what": "JS heap growth after the warm-up (%)", "value": js["growth_pct"],
             "target": f"< {target_pct}", "pass": js["growth_pct"] < target_pct},
            {"what": "wasm memory growth after the warm-up (%)", "value": wasm["growth_pct"],
             "target": f"< {target_pct}", "pass": wasm["growth_pct"] < target_pct},
            {"what": "proxies unchanged", "value": f"{samples[0]['proxies']} -> {samples[-1]['proxies']}",
             "target": "equal", "pass": samples[0]["proxies"] == samples[-1]["proxies"]},
        ],
    }


def keep_training_settings(page, l2):
    """L2 regularization through the page's controls (0: leave the default demo as it is)."""
    if l2:
        page.get_by_label("Regularization", exact=True).select_option("l2")
        page.get_by_label("Regularization rate", exact=True).select_option(f"{l2:g}")
        got = page.evaluate("() => window.playground.state().config.l2")
        if got != l2:
            raise RuntimeError(f"L2 = {l2} was not applied (config has {got})")


def soak(page, seconds, interval=2.0, l2=0.003, speed=100, on_sample=None):
    """Train for `seconds` at `speed` with painting; returns (samples, restarts, epochs)."""
    keep_training_settings(page, l2)
    bp.set_speed(page, speed)
    trainer = bp.Trainer(page)
    trainer.start()
    samples = []
    t_start = time.monotonic()
    t_end = t_start + seconds
    while True:
        sample = page.evaluate(SAMPLE)  # waits for the frame in progress (up to ~1 s at speed 100)
        samples.append(sample)
        if on_sample:
            on_sample(sample)
        if time.monotonic() >= t_end:
            break
        trainer.poll()
        due = t_start + len(samples) * interval  # keep to the schedule, whatever a sample took
        time.sleep(max(0.0, min(due, t_end) - time.monotonic()))
    # Pause with the page's own button, clicked in the page: on a busy machine a frame at speed 100
    # takes seconds, and a pointer click waits for the button to hold still between two frames
    page.evaluate("() => { if (window.playground.state().running) document.getElementById('play').click(); }")
    trainer.poll_final()
    return samples, trainer.restarts, trainer.epochs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=600, help="how long to train (default 600)")
    ap.add_argument("--interval", type=float, default=2.0, help="seconds between samples (default 2)")
    ap.add_argument("--l2", type=float, default=0.003,
                    help="L2 rate that keeps the spiral from converging (default 0.003; 0: none)")
    args = ap.parse_args(argv)
    bp.check_dist()

    from playwright.sync_api import sync_playwright

    server, url = serve_in_thread(bp.DIST, port=0)
    result = {"what": "soak: the default spiral at speed 100 with painting, memory sampled in the page",
              "seconds": args.seconds, "speed": 100, "l2": args.l2,
              "load_avg_before": [round(x, 2) for x in os.getloadavg()]}
    try:
        with sync_playwright() as pw:
            browser = bp.launch(pw, MEMORY_ARGS)
            try:
                page = bp.open_page(browser)
                page.goto(url)
                bp.wait_ready(page)
                result["sizes"] = page.evaluate("() => window.playground.state().sizes")
                t_start = time.monotonic()

                def progress(s):
                    bp.log(f"{time.monotonic() - t_start:6.0f} s  epoch {s['epoch']:>7}  "
                           f"js {s['js_heap'] / MB:7.2f} MB  wasm {s['wasm'] / MB:7.1f} MB  "
                           f"py {s['py_objects']:>7}  proxies {s['proxies']}  snapshots {s['snapshots']} "
                           f"({s['snapshot_bytes'] / 1024:.0f} KB)")

                samples, restarts, epochs = soak(page, args.seconds, args.interval, args.l2,
                                                 on_sample=progress)
                result.update(analyse(samples, args.seconds, restarts, epochs))
                final = page.evaluate("() => window.playground.state()")
                result["final_state"] = {k: final[k] for k in ("epoch", "trainLoss", "trainAccuracy",
                                                                "testAccuracy", "stop")}
                result["snapshots"] = json.loads(
                    page.evaluate(f"() => window.pyodide.runPython({json.dumps(SNAPSHOTS)})"))
                got = bp.frames(page)
                result["last_frames_ms"] = bp.parts_summary(got)
                result["page_errors"] = page.errors
                page.context.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    result["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(bp.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
