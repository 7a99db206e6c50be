"""The checksum the build records of each packed file unpacked (scripts/build.py, xxh64), with which a
browser checks the unpacked copy it kept (unpack-worker.js). The build takes it with xxhash-wasm, the
page's own library; here it is taken with another xxHash (the `xxhash` package, the C library), and
the built files are unpacked with libzstd (the `zstandard` package)."""
import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build  # noqa: E402

zstandard = pytest.importorskip("zstandard")
xxhash = pytest.importorskip("xxhash")
DIST = ROOT / "dist"
needs_node = pytest.mark.skipif(not shutil.which("node") or not (ROOT / "node_modules" / "xxhash-wasm").exists(),
                                reason="node and node_modules/xxhash-wasm (npm ci) are needed")


@needs_node
@settings(max_examples=8, deadline=None)
@given(data=st.binary(max_size=3000) | st.builds(lambda b, n: b * n, st.binary(min_size=1, max_size=7),
                                                 st.sampled_from([(1 << 20) // 7, (1 << 20) // 7 + 1, 400_000])))
def test_the_builds_xxh64_is_xxhashs(data):
    """Files shorter than the 1 MiB slices the page feeds the checksum, and longer ones."""
    got = build.xxh64({"a": data, "b": data[::-1]})
    assert got == {"a": xxhash.xxh64(data).hexdigest(), "b": xxhash.xxh64(data[::-1]).hexdigest()}


def test_each_built_packed_file_unpacks_to_what_was_recorded_of_it():
    if not (DIST / "build-info.js").exists():
        pytest.skip("dist/ is not built: run `python scripts/build.py`")
    text = (DIST / "build-info.js").read_text("utf-8")
    info = json.loads(text[text.index("{"):text.rindex("}") + 1])
    assets = {k: a for k, a in info["assets"].items() if a.get("packed")}
    assert set(assets) == {build.SNAPSHOT, build.NUMPY_IMAGE, build.APP_IMAGE}
    assert (DIST / info["checker"]).exists()
    for key, asset in assets.items():
        packed = (DIST / key).read_bytes()
        assert hashlib.sha256(packed).hexdigest() == asset["sha256"]
        whole = zstandard.ZstdDecompressor().decompress(packed, max_output_size=asset["unpackedSize"])
        assert len(whole) == asset["unpackedSize"]
        assert hashlib.sha256(whole).hexdigest() == asset["unpackedSha256"]
        assert xxhash.xxh64(whole).hexdigest() == asset["unpackedXxh64"]
