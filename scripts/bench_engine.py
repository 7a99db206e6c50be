"""Time one training step of `nn` against PyTorch and scikit-learn on the same network and data.

One step = forward, loss, backward, and a plain SGD update, full batch, float64, one thread
(numpy in the browser has one thread too). Prints one JSON object; medians of repeated runs.

    python scripts/bench_engine.py [--repeats 7]
"""
import os

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"  # before numpy loads its BLAS

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from nn import MLP, optim  # noqa: E402
from nn.fast.flat_step import FlatStep  # noqa: E402

CASES = {
    "small_2-8-8-8-1_tanh_500pts": dict(sizes=[2, 8, 8, 8, 1], activation="tanh", n=500, classes=2),
    "digits_64-32-10_relu_1500pts": dict(sizes=[64, 32, 10], activation="relu", n=1500, classes=10),
}
LR = 0.1


def per_step(step, seconds=0.4, repeats=7):
    """Median seconds per call of step(), over `repeats` timed batches of ~`seconds` each."""
    step()
    t0, calls = time.perf_counter(), 0
    while time.perf_counter() - t0 < 0.05:
        step()
        calls += 1
    batch = max(1, int(calls * seconds / 0.05))
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(batch):
            step()
        times.append((time.perf_counter() - t0) / batch)
    return statistics.median(times)


def data(case, rng):
    X = rng.normal(size=(case["n"], case["sizes"][0]))
    y = rng.integers(0, case["classes"], case["n"])
    return X, y


def ours(case, X, y):
    output = "sigmoid" if case["classes"] == 2 else "softmax"
    net = MLP(case["sizes"], activation=case["activation"], output=output, seed=0)
    opt = optim.SGD(net.params, lr=LR)
    Y = y.astype(float)[:, None] if output == "sigmoid" else y
    loss = "bce" if output == "sigmoid" else "cross_entropy"
    vector = np.empty_like(net.flat)
    grads = net.views(vector)            # as a Session trains: gradients into one vector,
    fast_step = FlatStep(opt, net.flat, vector)  # and the rule run once on it

    def step():
        net.backprop(X, Y, loss, 0.0, 0.0, train=True, out=grads)
        fast_step()
    return step


def pytorch(case, X, y):
    import torch
    torch.set_num_threads(1)
    layers = []
    for fan_in, fan_out in zip(case["sizes"][:-1], case["sizes"][1:]):
        layers += [torch.nn.Linear(fan_in, fan_out, dtype=torch.float64),
                   torch.nn.Tanh() if case["activation"] == "tanh" else torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    Xt = torch.tensor(X)
    if case["classes"] == 2:
        loss_fn, Yt = torch.nn.BCEWithLogitsLoss(), torch.tensor(y, dtype=torch.float64)[:, None]
    else:
        loss_fn, Yt = torch.nn.CrossEntropyLoss(), torch.tensor(y)

    def step():
        opt.zero_grad()
        loss_fn(model(Xt), Yt).backward()
        opt.step()
    return step, torch.__version__


def sklearn(case, X, y):
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    warnings.simplefilter("ignore", ConvergenceWarning)
    clf = MLPClassifier(hidden_layer_sizes=tuple(case["sizes"][1:-1]), activation=case["activation"],
                        solver="sgd", learning_rate_init=LR, momentum=0.0, batch_size=case["n"],
                        alpha=0.0, shuffle=False, random_state=0)
    classes = np.arange(case["classes"])
    return (lambda: clf.partial_fit(X, y, classes=classes)), sklearn.__version__


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    report = {"unit": "microseconds per training step (median)", "threads": 1, "numpy": np.__version__}
    for name, case in CASES.items():
        X, y = data(case, rng)
        row = {"nn": per_step(ours(case, X, y), repeats=args.repeats) * 1e6}
        try:
            step, report["torch"] = pytorch(case, X, y)
            row["torch"] = per_step(step, repeats=args.repeats) * 1e6
            row["speedup_vs_torch"] = row["torch"] / row["nn"]
        except ImportError:
            row["torch"] = "not installed (pip install -e '.[parity]')"
        try:
            step, report["sklearn"] = sklearn(case, X, y)
            row["sklearn_partial_fit"] = per_step(step, repeats=args.repeats) * 1e6
            row["speedup_vs_sklearn"] = row["sklearn_partial_fit"] / row["nn"]
        except ImportError:
            row["sklearn_partial_fit"] = "not installed"
        report[name] = {k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
