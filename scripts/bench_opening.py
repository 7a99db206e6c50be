"""The opening demo, as a learner meets it: the page's spiral played at its default speed until
training stops by itself, for seeds 0-9. Prints one JSON object: per seed the epoch of the stop,
the seconds from pressing Play to the stop (measured in the page, performance.now()), the train
and test accuracy and the kind of stop; and the medians.

    python scripts/bench_opening.py [--seeds 10]

Serves the dist/ that `python scripts/build.py` made, in headless Chromium.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from headless import launch  # noqa: E402
from serve import serve_in_thread  # noqa: E402

PLAY_TO_STOP = """async () => {
    const t0 = performance.now();
    document.getElementById("play").click();
    while (!window.playground.state().stop) await new Promise((r) => setTimeout(r, 20));
    const s = window.playground.state();
    return {seconds: (performance.now() - t0) / 1000, epoch: s.epoch, stop: s.stop.kind,
            train_accuracy: s.trainAccuracy, test_accuracy: s.testAccuracy, dataset: s.config.dataset};
}"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    server, url = serve_in_thread(ROOT / "dist", port=0)
    runs = []
    try:
        with sync_playwright() as p:
            browser = launch(p)
            for seed in range(args.seeds):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.goto(url + (f"#seed={seed}" if seed else ""))
                page.wait_for_function("() => window.playground && window.playground.ready", timeout=90_000)
                runs.append({"seed": seed, **page.evaluate(PLAY_TO_STOP)})
                print(json.dumps(runs[-1]), file=sys.stderr)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    print(json.dumps({
        "runs": runs,
        "median_epochs": statistics.median(r["epoch"] for r in runs),
        "median_seconds": round(statistics.median(r["seconds"] for r in runs), 2),
        "lowest_test_accuracy": min(r["test_accuracy"] for r in runs),
        "all_converged": all(r["stop"] == "converged" for r in runs),
    }, indent=1))


if __name__ == "__main__":
    main()
