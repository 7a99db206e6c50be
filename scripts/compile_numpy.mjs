// Compile numpy's Python files to bytecode for the page (run by scripts/build.py).
//
//     node scripts/compile_numpy.mjs <pyodide folder> <numpy wheel> <out zip>
//
// Pyodide's numpy wheel carries its 174 modules as .py only, and the page's Python cannot keep
// bytecode between visits, so every cold load compiled them again: `import numpy` spent about
// 0.45 s of its 0.6 s in compile(). This compiles them once, with the page's own CPython 3.12 (the
// pinned Pyodide, run by node), into __pycache__/*.cpython-312.pyc files zipped under their path
// from the root of Pyodide's file system. boot.js unpacks that zip next to the installed wheel.
//
// The .pyc files are "unchecked hash" ones (PEP 552): Python uses them without comparing them
// with the .py, which is right here because both come from the same verified wheel (the build
// caches this zip under that wheel's sha256), and would be wrong for files that change.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [dir, wheel, out] = process.argv.slice(2);
if (!dir || !wheel || !out) {
  console.error("usage: node scripts/compile_numpy.mjs <pyodide folder> <numpy wheel> <out zip>");
  process.exit(2);
}
const indexURL = path.resolve(dir) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const wheelBytes = new Uint8Array(readFileSync(wheel)); // a plain typed array, not a node Buffer

// Where the page's pyodide.loadPackage installs a wheel.
async function withNumpy() {
  const py = await loadPyodide({ indexURL });
  const sitePackages = py.runPython("import site; site.getsitepackages()[0]");
  py.unpackArchive(wheelBytes, "wheel", { extractDir: sitePackages });
  return py;
}

const pyodide = await withNumpy();

const zip = pyodide.runPython(`
import compileall, io, os, py_compile, site, zipfile

root = os.path.join(site.getsitepackages()[0], "numpy")
ok = compileall.compile_dir(root, quiet=1, workers=1,
                            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
if not ok:
    raise SystemExit("compileall could not compile every numpy module")
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if name.endswith(".pyc"):
                full = os.path.join(folder, name)
                info = zipfile.ZipInfo(full.lstrip("/"), (1980, 1, 1, 0, 0, 0))  # same bytes every build
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, open(full, "rb").read())
buf.getvalue()
`).toJs();

// Check: a fresh runtime with the wheel and these files imports numpy without compiling it.
const check = await withNumpy();
check.unpackArchive(zip, "zip", { extractDir: "/" });
const compiled = check.runPython(`
import builtins
calls = []
real = builtins.compile
builtins.compile = lambda *a, **k: calls.append(str(a[1]) if len(a) > 1 else "?") or real(*a, **k)
try:
    import numpy
finally:
    builtins.compile = real
# (a few standard-library modules numpy imports come from Pyodide's stdlib zip as .py: not ours)
f"{numpy.__version__} {int(numpy.arange(10).sum())} {sum('/numpy/' in c for c in calls)}"
`);
const [version, sum, calls] = compiled.split(" ");
if (sum !== "45" || calls !== "0") {
  console.error(`numpy with the compiled files: version ${version}, sum ${sum}, numpy modules compiled ${calls}`);
  process.exit(1);
}
writeFileSync(out, zip);
console.log(JSON.stringify({ bytes: zip.length, numpy: version }));
