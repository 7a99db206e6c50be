// Make the Python start-up snapshot the page boots from (run by scripts/build.py).
//
//     node scripts/make_snapshot.mjs <pyodide folder> <out file>
//
// Starting CPython inside Pyodide (Py_Initialize, then importing Pyodide's own Python package)
// is most of a cold load: about 1.8 s of one main-thread task on a 2-core machine. Pyodide can
// instead restore its WebAssembly memory as it was right after that start-up (the experimental
// `_makeSnapshot` / `_loadSnapshot` options of the pinned 0.27.7, the mechanism Cloudflare's
// Python Workers use), which takes about 0.2 s. The snapshot holds only the interpreter's memory,
// taken before numpy or any of our code is loaded; Pyodide refuses a snapshot from another build
// of its runtime ("Snapshot build id mismatch").
//
// The start-up here is given the same settings the page's loadPyodide gets, so the restored
// interpreter is the one a browser would have made (same environment variables, same argv).
// The snapshot is then restored once in a fresh runtime and checked before it is written.
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  console.error("usage: node scripts/make_snapshot.mjs <pyodide folder> <out file>");
  process.exit(2);
}
const indexURL = path.resolve(dir) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);

// What a browser's loadPyodide sets by default (pyodide.ts): HOME and nothing from the host, and
// Emscripten's program name (node would otherwise use this script's path as sys.executable).
// One difference stays: LANG is C.UTF-8 here, where a browser derives it from its language.
const settings = { indexURL, env: { HOME: "/home/pyodide" }, args: [], _sysExecutable: "./this.program" };

const made = await loadPyodide({ ...settings, _makeSnapshot: true });
const snapshot = made.makeMemorySnapshot();

const check = await loadPyodide({ ...settings, _loadSnapshot: snapshot });
const answer = check.runPython("import sys, os; f'{sum(range(10))} {sys.version_info[:2]} {os.environ.get(\"HOME\")}'");
if (answer !== "45 (3, 12) /home/pyodide") {
  console.error(`the restored snapshot answered ${JSON.stringify(answer)}`);
  process.exit(1);
}
writeFileSync(out, snapshot);
console.log(JSON.stringify({ bytes: snapshot.length, version: check.version }));
