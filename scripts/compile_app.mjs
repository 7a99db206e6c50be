// Compile the page's own Python (app.zip) to bytecode (run by scripts/build.py).
//
//     node scripts/compile_app.mjs <pyodide folder> <numpy wheel> <app.zip> <out zip>
//
// The page's Python keeps no bytecode between visits, so every cold load compiled nn/ and
// playground/ again (about 0.3 s of one main-thread task on a fast machine, 4x that on a slow
// one). This compiles them once with the page's own CPython 3.12 (the pinned Pyodide, run by
// node), where boot.js unpacks them (/app), into __pycache__/*.cpython-312.pyc files that
// scripts/build.py adds to app.zip.
//
// "Checked hash" files (PEP 552): Python hashes the .py it finds and uses the .pyc only if it was
// made from exactly that text, otherwise compiles the .py as before. So a changed or damaged .py
// can never run as its old bytecode. The check: a fresh runtime with these files imports nn
// without compiling any of our modules, and one with a module's text changed runs the new text.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [dir, wheel, appZip, out] = process.argv.slice(2);
if (!dir || !wheel || !appZip || !out) {
  console.error("usage: node scripts/compile_app.mjs <pyodide folder> <numpy wheel> <app.zip> <out zip>");
  process.exit(2);
}
const indexURL = path.resolve(dir) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const appBytes = new Uint8Array(readFileSync(appZip));
const wheelBytes = new Uint8Array(readFileSync(wheel));
const APP = "/app"; // where boot.js unpacks app.zip

async function withApp() {
  const py = await loadPyodide({ indexURL });
  // nn imports numpy (the check below): installed as loadPackage installs it
  const sitePackages = py.runPython("import site; site.getsitepackages()[0]");
  await py._api.install(wheelBytes, path.basename(wheel), sitePackages, "pyodide.loadPackage", "pyodide");
  py.unpackArchive(appBytes, "zip", { extractDir: APP });
  py.runPython(`import sys; sys.path.insert(0, "${APP}")`);
  return py;
}

const py = await withApp();
const zip = py.runPython(`
import compileall, io, os, py_compile, zipfile

ok = compileall.compile_dir("${APP}", quiet=1, workers=1,
                            invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
if not ok:
    raise SystemExit("compileall could not compile every module of app.zip")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, _, files in sorted(os.walk("${APP}")):
        for name in sorted(files):
            if name.endswith(".pyc"):
                full = os.path.join(folder, name)
                info = zipfile.ZipInfo(os.path.relpath(full, "${APP}"), (1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, open(full, "rb").read())
buf.getvalue()
`).toJs();

// Imports nn with these files; the names of our modules it compiled, and nn.limits' value of one
// constant after its text has been changed to `changed` (if given).
async function check(changed) {
  const fresh = await withApp();
  fresh.unpackArchive(zip, "zip", { extractDir: APP });
  return fresh.runPython(`
import builtins, json
changed = ${JSON.stringify(changed || "")}
if changed:
    with open("${APP}/nn/limits.py", "a") as f:
        f.write(changed)
calls = []
real = builtins.compile
builtins.compile = lambda *a, **k: calls.append(str(a[1]) if len(a) > 1 else "?") or real(*a, **k)
try:
    import nn, nn.limits
finally:
    builtins.compile = real
json.dumps({"ours": [c for c in calls if c.startswith("${APP}/")], "mark": getattr(nn.limits, "COMPILE_APP_MARK", None)})
`);
}
const plain = JSON.parse(await check());
const edited = JSON.parse(await check("\nCOMPILE_APP_MARK = 7\n"));
if (plain.ours.length || edited.mark !== 7 || edited.ours.join() !== `${APP}/nn/limits.py`) {
  console.error(`with the bytecode: compiled ${JSON.stringify(plain.ours)}; after an edit: ${JSON.stringify(edited)}`);
  process.exit(1);
}
writeFileSync(out, zip);
console.log(JSON.stringify({ bytes: zip.length }));
