"""What varying the training digits costs, in CPython: milliseconds per epoch of the default digits
run with and without it (in turns, so the machine's noise falls on both alike), and its parts.

    python scripts/bench_augment.py [--rounds 7] [--epochs 10]

Prints one JSON object. The page's own figures: python scripts/bench_page.py --parts digits.
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one thread, as numpy in the browser has

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nn import Session  # noqa: E402
from nn.data import augment, scribbles  # noqa: E402


def ms(f, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 2)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--epochs", type=int, default=10, help="epochs per timing")
    args = ap.parse_args(argv)
    sessions = {"varied": Session({"dataset": "digits"}), "as_drawn": Session({"dataset": "digits", "augment": False})}
    t = time.perf_counter()
    sessions["varied"].step(1, until_stop=False)  # the first varied epoch works out the shapes
    first = (time.perf_counter() - t) * 1000
    times = {name: [] for name in sessions}
    for _ in range(args.rounds):
        for name, s in sessions.items():
            t = time.perf_counter()
            s.step(args.epochs, until_stop=False)
            times[name].append((time.perf_counter() - t) * 1000 / args.epochs)
    s = sessions["varied"]
    shapes = augment.Shapes(s.X_train)
    rng = np.random.default_rng(0)
    out = {"network": s.net.sizes, "train_images": len(s.y_train),
           "ms_per_epoch": {name: round(statistics.median(v), 2) for name, v in times.items()},
           "parts_ms": {"vary_the_training_digits": ms(lambda: augment.vary(shapes, rng), args.rounds),
                        "shapes_of_the_training_digits_once": ms(lambda: augment.Shapes(s.X_train), 3),
                        "scribbles_made_once": ms(lambda: augment.Shapes(
                            scribbles.make(np.random.default_rng(0), augment.NOT_DIGITS_MADE)), 3),
                        "first_varied_epoch": round(first, 1)}}
    out["varied_over_as_drawn"] = round(out["ms_per_epoch"]["varied"] / out["ms_per_epoch"]["as_drawn"], 3)
    out["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
