"""Digits in the page: how fast the network in the browser reaches 97% test accuracy.

Serves dist/ (build it first), opens it in headless Chromium, switches to the digits, plays at
each speed setting and times, from pressing Play, until window.playground reports test accuracy
≥ 97%. The peer: the same config in CPython in the same run. Prints one JSON object.

    python scripts/bench_digits.py
"""
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from playwright.sync_api import sync_playwright  # noqa: E402

from nn import Session  # noqa: E402
from headless import launch  # noqa: E402
from serve import serve_in_thread  # noqa: E402

TARGET = 0.97
SPEEDS = ("1", "3", "10")


def in_page(browser, url, speed):
    page = browser.new_context().new_page()
    page.goto(url)
    page.wait_for_function("() => window.playground && window.playground.ready", timeout=90_000)
    page.get_by_role("combobox", name="Dataset").select_option("digits")
    page.get_by_role("combobox", name="Speed (epochs per frame)").select_option(speed)
    t0 = time.perf_counter()
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(f"() => window.playground.state().testAccuracy >= {TARGET}", timeout=120_000, polling="raf")
    seconds = time.perf_counter() - t0
    s = page.evaluate("() => window.playground.state()")
    frames = page.evaluate("() => window.playground.frames()")
    train_ms = sum(f["train"] for f in frames)
    epochs = sum(f["epochs"] for f in frames)
    page.context.close()
    return {"seconds_to_target": round(seconds, 2), "epoch": s["epoch"], "test_accuracy": round(s["testAccuracy"], 4),
            "epochs_per_second_training_only": round(1000 * epochs / train_ms, 1) if train_ms else None}, s["config"]


def in_cpython(config):
    s = Session(config)
    t0 = time.perf_counter()
    while s.metrics()["test_accuracy"] < TARGET and s.epoch < 500:
        s.step(1, until_stop=False)
    return {"seconds_to_target": round(time.perf_counter() - t0, 2), "epoch": s.epoch,
            "test_accuracy": round(s.metrics()["test_accuracy"], 4)}


def main():
    dist = ROOT / "dist"
    if not (dist / "index.html").exists():
        sys.exit("dist/ is not built: run python scripts/build.py first")
    server, url = serve_in_thread(dist, port=0)
    report = {"target_test_accuracy": TARGET, "page": {}}
    try:
        with sync_playwright() as p:
            browser = launch(p)
            for speed in SPEEDS:
                report["page"][f"{speed}_epochs_per_frame"], config = in_page(browser, url, speed)
            browser.close()
    finally:
        server.shutdown()
    report["network"] = [64, *config["hidden"], 10]
    report["cpython_same_config"] = in_cpython(config)
    best = min(v["seconds_to_target"] for v in report["page"].values())
    report["page_best_seconds"] = best
    report["page_target_seconds"] = 30
    print(json.dumps(report))


if __name__ == "__main__":
    main()
