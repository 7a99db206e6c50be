// Restore the built start-up snapshot in node, with its plan as built or altered, and say what
// happened (tests/browser/test_snapshot_restore.py).
//
//     node tests/browser/restore_plan.mjs <dist folder> <as-built | shifted>
//
// Prints {ok: true, answer} (Python's answer to a question about numpy and nn) or {ok: false, error,
// shifted: the module moved}.
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import vm from "node:vm";

const [dist, how] = process.argv.slice(2);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
vm.runInThisContext(readFileSync(path.join(dist, "snapshot-restore.js"), "utf8"));
const kit = globalThis.WILSnapshot;
const info = readFileSync(path.join(dist, "build-info.js"), "utf8");
const BUILD = JSON.parse(info.slice(info.indexOf("{"), info.lastIndexOf("}") + 1));
// unpacked by the page's own decoder (vendor/zstddec-*/zstddec.js, a classic script for `self`)
globalThis.self = globalThis;
vm.runInThisContext(readFileSync(path.join(dist, BUILD.unpacker), "utf8"));
const decoder = new (globalThis.WILZstd())();
await decoder.init();
const read = (key) => decoder.decode(new Uint8Array(readFileSync(path.join(dist, key))), BUILD.assets[key].unpackedSize);
const { plan, memory } = kit.split(read(BUILD.pyodide.snapshot));
const numpy = kit.readImage(read(BUILD.pyodide.numpyImage));
if (how === "shifted") plan.libs[3].tableBase += 1; // one module one table entry further on
const indexURL = path.join(root, "node_modules", "pyodide") + path.sep;
const { loadPyodide } = await import(pathToFileURL(indexURL + "pyodide.mjs").href);
const bytes = new Map(numpy.files.map((f) => [f.path, f.bytes]));
kit.beforeMemoryRestored(async (Module) => {
  await kit.placeLibraries(Module, plan, (name) => bytes.get(name));
  kit.standInPageGlobals(); // the browser objects Python holds are looked up again by path
});
try {
  const py = await loadPyodide({ indexURL, env: { HOME: "/home/pyodide" }, args: [], _loadSnapshot: memory });
  kit.layOut(py.FS, numpy);
  // (and the opening Session the build made ahead, waiting for the page's start to take it)
  const answer = py.runPython("import numpy, nn, sys; f'{int(numpy.arange(10).sum())} {nn.MLP.__name__} " +
                              "{type(sys.modules[\"playground.app\"]._prepared).__name__}'");
  console.log(JSON.stringify({ ok: true, answer }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.message || e), shifted: plan.libs[3].name }));
}
