// Compile the Python a cold load runs to bytecode (run by scripts/build.py).
//
//     node scripts/compile_python.mjs <pyodide folder> <numpy wheel> <app.zip> <out file>
//
// The page's Python keeps no bytecode between visits, so every cold load compiled our own code
// (nn/, playground/) and the standard-library modules numpy and our code import (pickle,
// platform, ctypes, json, hashlib ...; Pyodide's python_stdlib.zip holds .py files only): about
// 0.5 s of main-thread work on a fast machine, 4x that on a slow one. This compiles them once with
// the page's own CPython 3.12 (the pinned Pyodide, run by node) and writes two files into
// <out file> (uint32 little-endian length of the first, the first, the second):
//
//   app-bytecode.zip     __pycache__/*.cpython-312.pyc for every module of app.zip (under /app,
//                        where boot.js lays our code out), which scripts/build.py adds to the code image;
//   python_stdlib.zip    Pyodide's stdlib zip with a .pyc beside each .py a boot imports (the
//                        layout zipimport reads), compiled as zipimport would compile the .py.
//
// All are "checked hash" files (PEP 552): Python hashes the .py and uses the .pyc only if it was
// made from exactly that text, otherwise it compiles the .py as before; a changed .py never runs
// as its old bytecode. The check, in a fresh runtime started from the new stdlib zip: importing
// nn and playground compiles none of these modules, and a module whose text changed runs its new
// text.
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [dir, wheel, appZip, out] = process.argv.slice(2);
if (!dir || !wheel || !appZip || !out) {
  console.error("usage: node scripts/compile_python.mjs <pyodide folder> <numpy wheel> <app.zip> <out file>");
  process.exit(2);
}
const appBytes = new Uint8Array(readFileSync(appZip));
const wheelBytes = new Uint8Array(readFileSync(wheel));
const APP = "/app"; // where boot.js lays out our code (its image)
const STDLIB = "/lib/python312.zip"; // where Pyodide mounts python_stdlib.zip
// The page's modules name browser objects (document, draw.js's WILDraw, uPlot ...) as they
// import; node has none. Stand-ins that answer every name with another stand-in let them import
// here (nothing is drawn), so that the standard-library modules they import are seen.
const standIn = new Proxy(function () {}, {
  get: (_, key) => (key === "then" || typeof key === "symbol" ? undefined : standIn),
  apply: () => standIn,
  construct: () => standIn,
});
for (const name of ["document", "WILDraw", "uPlot", "IntersectionObserver", "hljs", "matchMedia", "requestAnimationFrame"]) {
  globalThis[name] ??= standIn;
}
globalThis.window ??= globalThis;

async function withApp(folder) {
  const indexURL = path.resolve(folder) + path.sep;
  const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
  const py = await loadPyodide({ indexURL });
  // nn imports numpy: installed as loadPackage installs it. The page installs it otherwise
  // (boot.js, from the numpy image), so what this install imported is forgotten again.
  py.runPython("import sys; START = set(sys.modules)");
  const sitePackages = py.runPython("import site; site.getsitepackages()[0]");
  await py._api.install(wheelBytes, path.basename(wheel), sitePackages, "pyodide.loadPackage", "pyodide");
  py.runPython("for m in set(sys.modules) - START: del sys.modules[m]");
  py.unpackArchive(appBytes, "zip", { extractDir: APP });
  py.runPython(`import sys; sys.path.insert(0, "${APP}")`);
  return py;
}

// Imports nn and every module of playground (as a boot and a session do), after `changed` is
// appended to nn/limits.py and to json/__init__ (if given); the files compile() was called for,
// and whether the changed text ran.
const IMPORT_ALL = (changed) => `
import builtins, importlib, json, os, sys, zipimport
changed = ${JSON.stringify(changed || "")}
if changed:
    with open("${APP}/nn/limits.py", "a") as f:
        f.write(changed)
calls = []
real = builtins.compile
builtins.compile = lambda *a, **k: calls.append(str(a[1]) if len(a) > 1 else "?") or real(*a, **k)
failed = {}
try:
    importlib.invalidate_caches()  # as boot.js does once numpy is in place (it imports importlib.metadata)
    import nn, nn.limits
    for folder, _, files in sorted(os.walk("${APP}/playground")):
        for name in sorted(files):
            if name.endswith(".py"):
                mod = os.path.relpath(os.path.join(folder, name[:-3]), "${APP}").replace("/", ".")
                try:
                    importlib.import_module(mod.removesuffix(".__init__"))
                except Exception as e:  # noqa: BLE001 - a module that needs the browser
                    failed[mod] = repr(e)
finally:
    builtins.compile = real
json.dumps({"compiled": calls, "failed": failed, "mark": getattr(nn.limits, "COMPILE_MARK", None),
            "stdlib": sorted({m.__file__[len("${STDLIB}/"):] for n, m in list(sys.modules.items())
                              if n not in START and (getattr(m, "__file__", None) or "").startswith("${STDLIB}/")})})
`;

const py = await withApp(dir);
const seen = JSON.parse(py.runPython(IMPORT_ALL()));
// (not what start-up imported: those are in the snapshot already)
const stdlibFiles = seen.stdlib.filter((f) => f.endsWith(".py"));

const made = py.runPython(`
import compileall, importlib.util, io, json, os, py_compile, shutil, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

ok = compileall.compile_dir("${APP}", quiet=1, workers=1,
                            invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
if not ok:
    raise SystemExit("compileall could not compile every module of app.zip")
DATE = (1980, 1, 1, 0, 0, 0)  # same bytes every build


def add(z, name, data):
    info = zipfile.ZipInfo(name, DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    z.writestr(info, data)


buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, _, files in sorted(os.walk("${APP}")):
        for name in sorted(files):
            if name.endswith(".pyc"):
                full = os.path.join(folder, name)
                add(z, os.path.relpath(full, "${APP}"), open(full, "rb").read())
app_zip = buf.getvalue()

# zipimport compiles a .py with compile(source, "<zip>/<name>.py", "exec", dont_inherit=True):
# the same call here, its code written as a checked-hash .pyc beside the .py
stdlib = io.BytesIO(open("${STDLIB}", "rb").read())
with zipfile.ZipFile(stdlib, "a", zipfile.ZIP_DEFLATED) as z:
    have = set(z.namelist())
    for name in ${JSON.stringify(stdlibFiles)}:
        source = z.read(name)
        code = compile(source, "${STDLIB}/" + name, "exec", dont_inherit=True)
        if name[:-3] + ".pyc" not in have:
            add(z, name[:-3] + ".pyc", _code_to_hash_pyc(code, importlib.util.source_hash(source), True))
[app_zip, stdlib.getvalue()]
`).toJs();
const [appPyc, stdlibZip] = made;

// The check, in a runtime started from a copy of the Pyodide folder with the new stdlib zip.
const fresh = mkdtempSync(path.join(tmpdir(), "wil-pyodide-"));
for (const name of ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "pyodide-lock.json"]) {
  symlinkSync(path.resolve(dir, name), path.join(fresh, name));
}
writeFileSync(path.join(fresh, "python_stdlib.zip"), stdlibZip);
async function check(changed) {
  const p = await withApp(fresh);
  p.unpackArchive(appPyc, "zip", { extractDir: APP });
  return JSON.parse(p.runPython(IMPORT_ALL(changed)));
}
const plain = await check();
const ours = (c) => c.startsWith(`${APP}/`) || c.startsWith(`${STDLIB}/`);
const edited = await check("\nCOMPILE_MARK = 7\n");
const problems = [];
if (plain.compiled.filter(ours).length) problems.push(`compiled ${JSON.stringify(plain.compiled.filter(ours))}`);
if (edited.mark !== 7 || edited.compiled.filter(ours).join() !== `${APP}/nn/limits.py`) {
  problems.push(`after an edit of nn/limits.py: ${JSON.stringify(edited)}`);
}
if (JSON.stringify(plain.failed) !== JSON.stringify(seen.failed)) problems.push(`imports differ: ${JSON.stringify([seen.failed, plain.failed])}`);
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
const both = new Uint8Array(4 + appPyc.length + stdlibZip.length);
new DataView(both.buffer).setUint32(0, appPyc.length, true);
both.set(appPyc, 4);
both.set(stdlibZip, 4 + appPyc.length);
writeFileSync(out, both);
console.log(JSON.stringify({ app: appPyc.length, stdlib: stdlibFiles.length, notImported: seen.failed }));
