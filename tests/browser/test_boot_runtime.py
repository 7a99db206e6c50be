"""The runtime's files over http: pyodide.asm.wasm compiled as it arrives (and, on a repeat visit,
taken from the browser's code cache), checksums and unpacking in unpack-worker.js.

What a damaged or missing file does is the same as on the slow path (test_boot.py): these tests
hold the new paths to it, and read the browser's own trace for what the page cannot see.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from headless import launch_with_profile
from pagekit import pause

pytestmark = pytest.mark.browser


def _copy_dist(dist: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy)
    return copy


def _leb128(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def _data_section(wasm: bytes) -> tuple[int, int]:
    """(start, size) of the data section (id 11) of a WebAssembly binary, read from its layout."""
    assert wasm[:4] == b"\0asm", "not a WebAssembly binary"
    pos = 8
    while pos < len(wasm):
        section = wasm[pos]
        size, pos = _leb128(wasm, pos + 1)
        if section == 11:
            return pos, size
        pos += size
    raise AssertionError("no data section")


@pytest.mark.allow_page_errors
def test_a_damaged_runtime_that_still_compiles_never_runs(dist, tmp_path, page, serve_copy, wait_error):
    """A byte changed in the runtime's data (its initial memory) leaves a valid module: the
    browser compiles it as it arrives, but the checksum refuses it before it is instantiated."""
    copy = _copy_dist(dist, tmp_path)
    wasm = next(copy.glob("vendor/pyodide-*/pyodide.asm.wasm"))
    data = bytearray(wasm.read_bytes())
    start, size = _data_section(bytes(data))
    data[start + size // 2] ^= 0xFF
    wasm.write_bytes(bytes(data))
    page.goto(serve_copy(copy))
    err = wait_error(page)
    assert err["title"] == "A file of this page is damaged", err
    assert "pyodide.asm.wasm" in err["message"] and "checksum" in err["message"], err
    # it did compile (so the checksum, not the compiler, stopped it) ...
    page.wait_for_function("() => 'compile_pyodide_asm_wasm' in window.boot.timings", timeout=20_000)
    # ... and was not instantiated
    assert "at_runtime_instantiated" not in page.evaluate("window.boot.timings")
    assert page.evaluate("typeof window.pyodide") == "undefined"


@pytest.mark.allow_page_errors
def test_a_cut_runtime_is_named_as_damaged_not_as_a_webassembly_error(dist, tmp_path, page, serve_copy,
                                                                     wait_error):
    """Half a file fails to compile as it arrives; the page still says which file and why."""
    copy = _copy_dist(dist, tmp_path)
    wasm = next(copy.glob("vendor/pyodide-*/pyodide.asm.wasm"))
    wasm.write_bytes(wasm.read_bytes()[: wasm.stat().st_size // 2])
    page.goto(serve_copy(copy))
    err = wait_error(page)
    assert err["title"] == "A file of this page is damaged", err
    assert "pyodide.asm.wasm" in err["message"] and "shorter than built" in err["message"], err


def test_a_runtime_served_as_another_type_still_starts(page, server, wait_ready):
    """compileStreaming takes only application/wasm; a host that sends another type (the file
    itself intact) gets the runtime compiled from its checked bytes, as before."""
    def as_octet_stream(route):
        response = route.fetch()
        route.fulfill(response=response,
                      headers={**response.headers, "content-type": "application/octet-stream"})
    page.route("**/pyodide.asm.wasm", as_octet_stream)
    page.goto(server)
    wait_ready(page)
    assert page.evaluate("window.boot.timings.runtime_from_bytes") == 1


@pytest.mark.allow_page_errors  # the browser reports the worker's 404 on the console
def test_without_the_unpack_worker_the_page_unpacks_itself(dist, tmp_path, page, serve_copy, wait_ready):
    copy = _copy_dist(dist, tmp_path)
    (copy / "unpack-worker.js").unlink()
    page.goto(serve_copy(copy))
    wait_ready(page)
    assert page.evaluate("window.boot.unpackedIn") == "page"
    assert page.evaluate("window.boot.snapshot") is True
    assert page.evaluate("window.pyodide.runPython('import numpy; int(numpy.arange(5).sum())')") == 10


def test_the_worker_checks_and_unpacks_the_downloads(dist, page, server, wait_ready):
    page.goto(server)
    wait_ready(page)
    assert page.evaluate("window.boot.unpackedIn") == "worker"
    timings = page.evaluate("window.boot.timings")
    for name in ("python_snapshot_zstd_bin", "numpy_image_zstd_bin", "app_image_zstd_bin"):
        assert f"unpack_{name}" in timings, timings


def _trace(context, page, url, wait_ready) -> list[dict]:
    """Chromium's trace events (WebAssembly and V8 compiling) while `page` opens `url` and boots."""
    cdp = context.new_cdp_session(page)
    events, done = [], []
    cdp.on("Tracing.dataCollected", lambda e: events.extend(e["value"]))
    cdp.on("Tracing.tracingComplete", lambda e: done.append(True))
    cdp.send("Tracing.start", {"categories": "v8.wasm,v8", "transferMode": "ReportEvents"})
    page.goto(url)
    wait_ready(page)
    cdp.send("Tracing.end")
    for _ in range(200):
        if done:
            break
        page.wait_for_timeout(50)
    return events


def _runtime_script_cache(events) -> int:
    """How many bytes of compiled code V8 took from its code cache for the runtime script."""
    got = [e["args"]["data"] for e in events
           if e.get("name") == "v8.compile" and e.get("args", {}).get("data", {}).get("url", "").endswith("/pyodide.asm.js")]
    assert got, "the runtime script was not compiled in this trace"
    return got[0].get("consumedCacheSize", 0)


def test_a_repeat_visit_takes_the_compiled_runtime_from_the_code_cache(browser, server, tmp_path,
                                                                       wait_ready):
    """Chromium's trace says whether it compiled the runtime or read it from its code cache
    (wasm.Deserialize), and the same for the runtime script (v8.compile's consumedCacheSize). A
    visitor's browser has a profile on disk; so does this one."""
    context = launch_with_profile(browser.browser_type, tmp_path / "profile")
    try:
        first = context.new_page()
        events = _trace(context, first, server, wait_ready)
        assert "wasm.Deserialize" not in {e["name"] for e in events}, "the first visit found a compiled runtime"
        assert _runtime_script_cache(events) == 0, "the first visit found a compiled runtime script"
        # V8 writes the module to the cache once enough of it was optimized and it has stopped
        # tiering up for a while (~2 s): after a learner's first visit, which trains. Python
        # restored from the snapshot runs too little of the runtime by itself to get there.
        first.get_by_role("button", name="Play").click()
        first.wait_for_timeout(3000)
        pause(first)
        first.wait_for_timeout(4000)
        # Chromium keeps a script's compiled code once it ran it twice: the page ran the runtime
        # script again when idle, and Python, which it does not touch, goes on as before
        assert first.evaluate("window.boot.compiledForNextVisit")
        epoch = first.evaluate("window.playground.state().epoch")
        first.get_by_role("button", name="Play").click()
        first.wait_for_function(f"() => window.playground.state().epoch > {epoch}", polling=50)
        pause(first)
        first.close()
        second = context.new_page()
        events = _trace(context, second, server, wait_ready)
        names = {e["name"] for e in events}
        assert "wasm.Deserialize" in names, sorted(n for n in names if n.startswith("wasm."))
        assert _runtime_script_cache(events) > 500_000, "the second visit compiled the runtime script anew"
        second.wait_for_timeout(1500)  # idle: it would run it again now, were it not remembered
        assert not second.evaluate("window.boot.compiledForNextVisit")
    finally:
        context.close()


@pytest.mark.allow_page_errors  # the browser reports the 404 on the console
@pytest.mark.parametrize("where, damage, title, words", [
    ("runtime/python-snapshot-zstd.bin", "cut", "A file of this page is damaged", "shorter than built"),
    ("runtime/numpy-image-zstd.bin", "missing", "A file of this page is missing", "HTTP 404"),
    ("vendor/zstddec-*/zstddec.js", "missing", "A file of this page is missing", "zstddec.js"),
])
def test_a_file_the_worker_downloads_itself_is_named_when_missing_or_cut(where, damage, title, words, dist,
                                                                          tmp_path, page, serve_copy, wait_error):
    """The packed files are fetched by the workers, not by the page, and unpacked by the decoder
    the workers load: a file that is missing or cut short is named all the same, with what is
    wrong with it."""
    copy = _copy_dist(dist, tmp_path)
    (target,) = copy.glob(where)
    where = target.relative_to(copy).as_posix()
    if damage == "missing":
        target.unlink()
    else:
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    page.goto(serve_copy(copy))
    err = wait_error(page)
    assert err["title"] == title, err
    assert where in err["message"] and words in err["message"], err


@pytest.mark.allow_page_errors  # the boot names the file on the console too
@pytest.mark.parametrize("change", ["where a dlopen handle is", "how large the memory is"])
def test_a_build_info_of_another_build_than_the_snapshot_stops_before_python_runs_from_it(
        change, dist, tmp_path, page, serve_copy, wait_error):
    """build-info.js carries the snapshot's plan and size, so that the runtime starts and numpy is
    placed before the snapshot is in. One that does not match the snapshot (of another build, as a
    copy updated in part has) stops the boot, naming the snapshot, before Python is restored."""
    copy = _copy_dist(dist, tmp_path)
    info = copy / "build-info.js"
    text = info.read_text("utf-8")
    head, data = text[:text.index("{")], json.loads(text[text.index("{"):text.rindex("}") + 1])
    if change == "how large the memory is":
        data["pyodide"]["snapshotSize"] += 65536
    else:
        data["pyodide"]["snapshotPlan"]["handles"][0][0] += 8
    info.write_text(head + json.dumps(data) + ";\n", "utf-8")
    page.goto(serve_copy(copy))
    err = wait_error(page)
    assert err["title"] == "A file of this page is damaged", err
    assert "runtime/python-snapshot-zstd.bin" in err["message"], err
    assert "not the one build-info.js was built with" in err["message"], err
    assert page.evaluate("window.boot.pyodide") is None  # (handed over only once Python runs)


KEPT = """async () => {
  const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle("watch-it-learn-unpacked", {create: true});
  const names = [];
  for await (const name of folder.keys()) names.push(decodeURIComponent(name).split("/").pop());
  return names;
}"""


def _kept(page, n=3):
    """The unpacked files the workers kept, once they say they have (they keep them when the page is idle)."""
    for _ in range(200):
        if len(page.evaluate("window.boot.keptForNextVisit")) >= n:
            return sorted(page.evaluate(KEPT))
        page.wait_for_timeout(50)
    raise AssertionError(f"the workers kept {page.evaluate('window.boot.keptForNextVisit')}")


def test_a_repeat_visit_takes_the_unpacked_files_it_kept_and_checks_them(new_page, server, wait_ready):
    """The first visit keeps the packed files unpacked (private file system); the next takes them from
    there instead of unpacking 54 MB again, and boots the same Python. A kept copy that was altered
    on disk fails its checksum (xxh64): it is dropped, downloaded again, and kept anew."""
    first = new_page()
    first.goto(server)
    wait_ready(first)
    assert "kept_python_snapshot_zstd_bin" not in first.evaluate("window.boot.timings")
    kept = _kept(first)
    assert [k.split("@")[0] for k in kept] == ["app-image-zstd.bin", "numpy-image-zstd.bin", "python-snapshot-zstd.bin"], kept

    second = first.context.new_page()
    second.goto(server)
    wait_ready(second)
    timings = second.evaluate("window.boot.timings")
    assert timings.get("kept_python_snapshot_zstd_bin") == 1 and timings.get("kept_numpy_image_zstd_bin") == 1
    probe = "import numpy, nn; float(numpy.linalg.det(numpy.arange(9.0).reshape(3, 3) + numpy.eye(3)))"
    assert second.evaluate(f"window.pyodide.runPython({probe!r})") == \
        first.evaluate(f"window.pyodide.runPython({probe!r})")

    # one byte of the kept snapshot changed, as a failing disk would
    second.evaluate("""async () => {
      const folder = await (await navigator.storage.getDirectory()).getDirectoryHandle("watch-it-learn-unpacked");
      let name;
      for await (const n of folder.keys()) if (n.includes("python-snapshot")) name = n;
      const file = await folder.getFileHandle(name);
      const bytes = new Uint8Array(await (await file.getFile()).arrayBuffer());
      bytes[bytes.length >> 1] ^= 0xff;
      const out = await file.createWritable();
      await out.write(bytes);
      await out.close();
    }""")
    third = first.context.new_page()
    third.goto(server)
    wait_ready(third)
    timings = third.evaluate("window.boot.timings")
    assert "kept_python_snapshot_zstd_bin" not in timings, "an altered copy was used"
    assert timings.get("kept_numpy_image_zstd_bin") == 1
    assert "unpack_python_snapshot_zstd_bin" in timings  # downloaded and unpacked again
    assert third.evaluate(f"window.pyodide.runPython({probe!r})") == first.evaluate(f"window.pyodide.runPython({probe!r})")
    fourth = first.context.new_page()
    _kept(third, n=1)  # the snapshot kept anew (numpy's and our code's image came kept)
    fourth.goto(server)
    wait_ready(fourth)
    assert fourth.evaluate("window.boot.timings").get("kept_python_snapshot_zstd_bin") == 1, "not kept anew"
