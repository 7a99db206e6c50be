// bench_epoch_pyodide.mjs: milliseconds per training epoch inside Pyodide (in node, no browser).
//
// The page's small case: spiral, n=200, hidden [8, 8] (2-8-8-1, tanh, sigmoid + bce, Adam, batch
// 32), one `Session.step(1, until_stop=False)` per epoch. Each `nn/` directory given is copied
// into Pyodide's file system and timed in turn, round after round (so the machine's noise falls
// on all of them alike); the median ms/epoch of each is printed, with its ratio to the first,
// and whether the weights and metrics after the same epochs agree with the first's.
// --per-call k runs k epochs per `step` call (the page at speed k runs k per frame).
//
//   node scripts/bench_epoch_pyodide.mjs [--rounds 15] [--epochs 400] [--per-call 1] [--profile] [nn-dir ...]
//
// nn-dir defaults to this worktree's nn/. Compare with a commit's engine, e.g.
//   git archive main nn | tar -x -C /tmp/base && node scripts/bench_epoch_pyodide.mjs /tmp/base/nn nn
// --profile prints a cProfile of 2000 epochs of the last directory instead.
// Pyodide comes from node_modules/pyodide; the runtime and numpy wheel from dist/vendor (build
// the page first) or PYODIDE_INDEX.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return Number(v);
};
const flag = (name) => {
  const i = args.indexOf(name);
  if (i >= 0) args.splice(i, 1);
  return i >= 0;
};
const rounds = opt("--rounds", 15);
const epochs = opt("--epochs", 400);
const perCall = opt("--per-call", 1);
const profile = flag("--profile");
const dirs = (args.length ? args : [path.join(root, "nn")]).map((d) => path.resolve(d));

function firstExisting(paths) {
  return paths.find((p) => p && fs.existsSync(p));
}
const pyodideDir = firstExisting([
  process.env.PYODIDE_DIR,
  path.join(root, "node_modules/pyodide"),
  "/work/main/node_modules/pyodide",
]);
const indexURL = firstExisting([
  process.env.PYODIDE_INDEX,
  path.join(root, "dist/vendor/pyodide-0.27.7"),
  "/work/main/dist/vendor/pyodide-0.27.7",
]);
if (!pyodideDir || !indexURL) throw new Error("no Pyodide found (set PYODIDE_DIR and PYODIDE_INDEX)");

const { loadPyodide } = await import(path.join(pyodideDir, "pyodide.mjs"));
const pyodide = await loadPyodide({ indexURL: indexURL + "/" });
await pyodide.loadPackage("numpy", { messageCallback: () => {} });

function copyTree(dir, dst) {  // the package's .py files, its folders included
  pyodide.FS.mkdirTree(dst);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== "__pycache__") copyTree(path.join(dir, entry.name), `${dst}/${entry.name}`);
    else if (entry.name.endsWith(".py")) pyodide.FS.writeFile(`${dst}/${entry.name}`, fs.readFileSync(path.join(dir, entry.name)));
  }
}
dirs.forEach((dir, k) => copyTree(dir, `/app/v${k}/nn`));

let out;
try {
  out = pyodide.runPython(`
import sys, time, statistics, json, importlib
import numpy as np

CONFIG = {"dataset": "spiral", "n": 200, "hidden": [8, 8]}
sessions = []
for k in range(${dirs.length}):
    for name in [m for m in sys.modules if m == "nn" or m.startswith("nn.")]:
        del sys.modules[name]
    sys.path.insert(0, f"/app/v{k}")
    nn = importlib.import_module("nn")
    sys.path.pop(0)
    sessions.append(nn.Session(CONFIG))
s0 = sessions[0]
head = {"sizes": s0.net.sizes, "train": int(s0.X_train.shape[0]), "test": int(s0.X_test.shape[0]),
        "batch_size": s0.config["batch_size"], "optimizer": s0.config["optimizer"], "lr": s0.config["lr"]}

def run(s, n, k=${perCall}):
    t = time.perf_counter()
    for _ in range(n // k):
        s.step(k, until_stop=False)
    return (time.perf_counter() - t) * 1000 / (n // k * k)

result = {"head": head}
if ${profile ? "True" : "False"}:
    import cProfile, pstats, io
    s = sessions[-1]
    run(s, 200)
    pr = cProfile.Profile()
    pr.enable(); run(s, 2000); pr.disable()
    buf = io.StringIO()
    pstats.Stats(pr, stream=buf).sort_stats("tottime").print_stats(30)
    result["profile"] = buf.getvalue()
else:
    for s in sessions:
        run(s, max(50, ${perCall}))  # warm up
    times = [[] for _ in sessions]
    for r in range(${rounds}):
        for k, s in enumerate(sessions):
            times[k].append(run(s, ${epochs}))
    base = sessions[0]
    rows = []
    for k, s in enumerate(sessions):
        med = statistics.median(times[k])
        same_w = float(np.max(np.abs(s.net.flat - base.net.flat)))
        m, mb = s.metrics(), base.metrics()
        same_m = max(abs(m[key] - mb[key]) / max(abs(mb[key]), 1e-300) for key in mb if key != "epoch")
        rows.append({"median_ms": round(med, 4), "min_ms": round(min(times[k]), 4),
                     "epochs_per_s": round(1000 / med, 1),
                     "ratio_to_first": round(med / statistics.median(times[0]), 3),
                     "epoch": s.epoch, "max_weight_diff": same_w, "max_metric_rel_diff": same_m})
    result["rows"] = rows
json.dumps(result)
`);
} catch (e) {
  console.error(String(e.message || e));
  process.exit(1);
}
const res = JSON.parse(out);
console.log(`Pyodide ${pyodide.version}, numpy ${pyodide.runPython("import numpy; numpy.__version__")}; `
  + `net ${res.head.sizes.join("-")}, ${res.head.train} train + ${res.head.test} test points, `
  + `batch ${res.head.batch_size}, ${res.head.optimizer} lr ${res.head.lr}`);
if (res.profile) {
  console.log(res.profile);
} else {
  console.log(`${rounds} rounds of ${epochs} epochs each, ${perCall} per step() call; ms per epoch:`);
  res.rows.forEach((r, k) => {
    console.log(`  ${dirs[k]}\n    median ${r.median_ms} ms (min ${r.min_ms}), ${r.epochs_per_s} epochs/s, `
      + `x${r.ratio_to_first} of the first; after epoch ${r.epoch}: weights differ by ${r.max_weight_diff}, `
      + `metrics by ${r.max_metric_rel_diff.toExponential(2)} (relative)`);
  });
}
