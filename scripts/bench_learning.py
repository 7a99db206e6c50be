"""How fast each dataset's defaults learn, against scikit-learn's MLP on the same split.

For each dataset: epochs and seconds until `nn.Session`'s defaults reach the target, and
scikit-learn's MLPClassifier / MLPRegressor (same hidden layers, activation, Adam, learning
rate, batch size and epochs) on the same train/test split. Prints one JSON object.

    python scripts/bench_learning.py [--only spiral,digits]
"""
import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from nn import Session  # noqa: E402

# dataset config -> (metric, target, epoch budget); higher is better except for RMSE
TARGETS = {
    "xor": ({"dataset": "xor"}, "train_accuracy", 1.0, 3000),
    "circle": ({"dataset": "circle"}, "train_accuracy", 1.0, 3000),
    "moons": ({"dataset": "moons"}, "train_accuracy", 1.0, 3000),
    "spiral": ({"dataset": "spiral"}, "train_accuracy", 1.0, 3000),
    "spiral_3arms": ({"dataset": "spiral", "arms": 3}, "train_accuracy", 0.99, 3000),
    "quadrants": ({"dataset": "quadrants"}, "train_accuracy", 0.99, 3000),
    "digits": ({"dataset": "digits"}, "test_accuracy", 0.97, 200),
    "sine": ({"dataset": "sine"}, "train_rmse", 0.01, 5000),
}


def reached(metrics, metric, target):
    return metrics[metric] <= target if metric.endswith("rmse") else metrics[metric] >= target


def train_to_target(config, metric, target, budget):
    """Epochs and seconds for a fresh Session(config) to reach `target` (None if it did not)."""
    s = Session(config)
    t0 = time.perf_counter()
    while s.epoch < budget:
        s.step(1, until_stop=False)
        if s.stop and s.stop.kind == "diverged":
            break
        if reached(s.metrics(), metric, target):
            return s, s.epoch, time.perf_counter() - t0
    return s, None, time.perf_counter() - t0


def sklearn_peer(s, epochs):
    """scikit-learn on the same split and settings, for as many epochs."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    warnings.simplefilter("ignore", ConvergenceWarning)
    c = s.config
    act = {"tanh": "tanh", "relu": "relu", "sigmoid": "logistic", "linear": "identity"}.get(c["activation"], "tanh")
    kw = dict(hidden_layer_sizes=tuple(c["hidden"]) or (1,), activation=act, solver="adam",
              learning_rate_init=c["lr"], batch_size=c["batch_size"], alpha=0.0, max_iter=max(epochs, 1),
              n_iter_no_change=10**6, tol=0.0, random_state=0)
    t0 = time.perf_counter()
    if s.kind == "classification":
        model = MLPClassifier(**kw).fit(s.X_train, s.y_train)
        result = {"train_accuracy": model.score(s.X_train, s.y_train), "test_accuracy": model.score(s.X_test, s.y_test)}
    else:
        model = MLPRegressor(**kw).fit(s.X_train, s.y_train)
        result = {"train_rmse": float(np.sqrt(np.mean((model.predict(s.X_train) - s.y_train) ** 2))),
                  "test_rmse": float(np.sqrt(np.mean((model.predict(s.X_test) - s.y_test) ** 2)))}
    result["epochs"] = epochs
    result["seconds"] = round(time.perf_counter() - t0, 3)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", help="comma-separated names from: " + ", ".join(TARGETS))
    args = ap.parse_args()
    names = args.only.split(",") if args.only else list(TARGETS)
    report = {}
    for name in names:
        config, metric, target, budget = TARGETS[name]
        s, epochs, seconds = train_to_target(config, metric, target, budget)
        m = s.metrics()
        row = {"network": s.net.sizes, "activation": s.config["activation"], "optimizer": s.config["optimizer"],
               "lr": s.config["lr"], "target": f"{metric} {'<=' if metric.endswith('rmse') else '>='} {target}",
               "reached": epochs is not None, "epochs": epochs if epochs is not None else s.epoch,
               "seconds": round(seconds, 3),
               **{k: round(v, 4) for k, v in m.items() if k not in ("epoch", "lr")}}
        try:
            row["sklearn"] = sklearn_peer(s, row["epochs"])
        except ImportError:
            row["sklearn"] = "not installed"
        report[name] = row
    # one JSON object, a dataset a line
    print("{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in report.items()) + "\n}")


if __name__ == "__main__":
    main()
