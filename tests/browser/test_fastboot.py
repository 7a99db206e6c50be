"""The fast boot installs the same numpy, and compiles none of the Python a boot imports.

boot.js installs numpy from the image the build made (scripts/make_numpy_image.mjs) instead of
pyodide.loadPackage unpacking the wheel, and finds bytecode for our code (its code image) and for the
standard-library modules a boot imports (scripts/compile_python.mjs). Here the page's result is
compared with Pyodide's own unpacker run on the verified wheel in the same page, and each .pyc
with the source Python would otherwise compile.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser


# Pyodide's own install code (what loadPackage calls) unpacks the wheel into a folder of its own;
# every file and folder there, and in site-packages, with its bytes' sha256.
REFERENCE = """
import hashlib, json, os, site
from pyodide._package_loader import unpack_buffer

def tree(root, names):
    out = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(folder, name)
            rel = os.path.relpath(p, root)
            if rel.split("/")[0] in names:
                out[rel] = "dir" if os.path.isdir(p) else hashlib.sha256(open(p, "rb").read()).hexdigest()
    return out

libs = unpack_buffer(WHEEL, filename=WHEEL_NAME, extract_dir="/tmp/reference", installer="pyodide.loadPackage",
                     source="pyodide", calculate_dynlibs=True).to_py()
names = set(os.listdir("/tmp/reference"))
site_packages = site.getsitepackages()[0]
json.dumps({"reference": tree("/tmp/reference", names), "page": tree(site_packages, names), "names": sorted(names),
            "dynlibs": [os.path.relpath(p, "/tmp/reference") for p in libs], "site": site_packages})
"""


def test_numpy_is_installed_as_loadpackage_installs_it(app):
    got = app.evaluate("""async (code) => {
      const file = window.boot.build.pyodide.packages.numpy;
      const wheel = new Uint8Array(await (await fetch(file)).arrayBuffer());
      const scope = pyodide.globals.get("dict")();
      scope.set("WHEEL", wheel);
      scope.set("WHEEL_NAME", file.split("/").pop());
      try {
        const r = JSON.parse(pyodide.runPython(code, {globals: scope}));
        r.loaded = Object.keys(pyodide._module.LDSO.loadedLibsByName);
        r.channel = pyodide.loadedPackages.numpy;
        return r;
      } finally { scope.destroy(); }
    }""", REFERENCE)
    assert got["names"] == ["numpy", "numpy-2.0.2.dist-info"]
    page, reference = got["page"], got["reference"]
    assert len(reference) > 300
    # every file and folder of the wheel as Pyodide unpacks it, with the same bytes ...
    assert {k: page.get(k) for k in reference} == reference
    # ... and, besides, only numpy's bytecode
    extra = sorted(set(page) - set(reference))
    assert extra and all("__pycache__" in p.split("/") for p in extra), extra[:5]
    # the same WebAssembly modules loaded (19, the test modules too, as loadPackage does)
    assert len(got["dynlibs"]) == 19
    for rel in got["dynlibs"]:
        assert f"{got['site']}/{rel}" in got["loaded"], rel
    assert got["channel"] == "default channel"


# Each module loaded from our code or the stdlib zip: a .pyc that Python takes for this source
# (checked-hash, PEP 552: flags 3 and the source's hash), or, for the stdlib, start-up's modules.
BYTECODE = """
import importlib.util, json, sys, zipfile

stdlib = "/lib/python312.zip/"
zipped = zipfile.ZipFile(stdlib[:-1])
out = {"app": [], "app_bad": [], "stdlib_pyc": [], "stdlib_bad": []}
for name, m in sorted(sys.modules.items()):
    f = getattr(m, "__file__", None) or ""
    if f.startswith("/app/") and f.endswith(".py"):
        pyc = open(importlib.util.cache_from_source(f), "rb").read()
        ok = pyc[4:8] == b"\\x03\\0\\0\\0" and pyc[8:16] == importlib.util.source_hash(open(f, "rb").read())
        out["app" if ok else "app_bad"].append(name)
    elif f.startswith(stdlib) and f.endswith(".pyc"):
        pyc, source = zipped.read(f[len(stdlib):]), zipped.read(f[len(stdlib):-1])
        ok = pyc[4:8] == b"\\x03\\0\\0\\0" and pyc[8:16] == importlib.util.source_hash(source)
        out["stdlib_pyc" if ok else "stdlib_bad"].append(name)
json.dumps(out)
"""


def test_our_code_and_the_stdlib_it_imports_come_as_bytecode(app):
    got = json.loads(app.evaluate("(code) => window.pyodide.runPython(code)", BYTECODE))
    assert got["app_bad"] == [] and got["stdlib_bad"] == []
    assert len(got["app"]) > 30 and {"nn.core.mlp", "playground.app"} <= set(got["app"])
    # the modules the issue names as compiled on every visit (numpy's imports; json, hashlib: ours)
    assert {"pickle", "platform", "ctypes", "json", "hashlib"} <= set(got["stdlib_pyc"]), got["stdlib_pyc"]


DRAW = ("() => window.pyodide.runPython('import random, numpy; "
        "[random.random(), float(numpy.random.random()), int(numpy.random.randint(1 << 30))]').toJs()")


def test_each_visit_draws_other_random_numbers(new_page, server, wait_ready):
    """Python restored from the snapshot holds the build's random streams; the page seeds Python's
    and numpy's global ones anew once it is up (boot.js reseedWhenIdle). Two visits, each in a
    browser context of its own, then draw different numbers: without the new seeds they draw the
    very same ones, the snapshot's."""
    draws = []
    for _ in range(2):
        page = new_page()
        page.goto(server)
        wait_ready(page)
        assert page.evaluate("window.boot.snapshot"), "this page did not start from the snapshot"
        page.wait_for_function("() => window.boot.reseeded", polling=50, timeout=15_000)
        draws.append(page.evaluate(DRAW))
        page.context.close()
    first, second = draws
    assert all(a != b for a, b in zip(first, second)), draws
