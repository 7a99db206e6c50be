"""The page's decoder of its packed files: zstddec's module, wrapped by the build as a classic
script (scripts/build.py, zstddec_script).

The wrapped script is run in node as the page runs it, and must unpack what another Zstandard
implementation (the `zstandard` package, libzstd) packed, at several levels and sizes. A module
that no longer has the shape the wrapping relies on stops the build with a message."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build  # noqa: E402

zstandard = pytest.importorskip("zstandard")
PACKAGE = ROOT / "node_modules" / "zstddec"

# Runs the wrapped script, then unpacks each base64 frame it reads from stdin (one JSON list).
RUN = """
const vm = require("node:vm");
globalThis.self = globalThis;
vm.runInThisContext(require("node:fs").readFileSync(process.argv[1], "utf8"));
let text = "";
process.stdin.on("data", (d) => { text += d; }).on("end", async () => {
  const decoder = new (self.WILZstd())();
  await decoder.init();
  const out = JSON.parse(text).map(([b64, size]) =>
    Buffer.from(decoder.decode(new Uint8Array(Buffer.from(b64, "base64")), size)).toString("base64"));
  console.log(JSON.stringify(out));
});
"""


def _unpack_in_node(tmp_path, frames):
    script = tmp_path / "zstddec.js"
    script.write_bytes(build.zstddec_script(PACKAGE))
    r = subprocess.run(["node", "-e", RUN, str(script)], input=json.dumps(frames), capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


needs_node = pytest.mark.skipif(not shutil.which("node") or not PACKAGE.exists(),
                                reason="node and node_modules/zstddec (npm ci) are needed")


@needs_node
@settings(max_examples=15, deadline=None)
@given(data=st.lists(st.binary(max_size=3000), min_size=1, max_size=4).map(b"".join)
       | st.builds(lambda b, n: b * n, st.binary(min_size=1, max_size=40), st.integers(1, 20000)),
       level=st.sampled_from([1, 3, 19]))
def test_the_wrapped_decoder_unpacks_what_libzstd_packed(tmp_path_factory, data, level):
    import base64

    packed = zstandard.ZstdCompressor(level=level).compress(data)
    got = _unpack_in_node(tmp_path_factory.mktemp("z"), [[base64.b64encode(packed).decode(), len(data)]])
    assert base64.b64decode(got[0]) == data


def test_a_module_of_another_shape_stops_the_build(tmp_path):
    module = tmp_path / "dist" / "zstddec.mjs"
    module.parent.mkdir()
    module.write_text("import x from 'y';\nexport { ZSTDDecoder };\n")
    with pytest.raises(build.BuildError, match="only ends with"):
        build.zstddec_script(tmp_path)
    module.write_text("var ZSTDDecoder = class {};\nexport default ZSTDDecoder;\n")
    with pytest.raises(build.BuildError, match="zstddec_script"):
        build.zstddec_script(tmp_path)
