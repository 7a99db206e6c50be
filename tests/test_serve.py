"""scripts/serve.py sends vercel.json's headers with every response, errors included: a 404 page
runs under the same Content-Security-Policy as the page (the headers of the file asked for, its
type and its caching, stay off an error page)."""
import importlib.util
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("serve", Path(__file__).parent.parent / "scripts/serve.py")
serve = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(serve)


@pytest.fixture
def site(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>t</title>")
    (tmp_path / "vendor" / "lib-1").mkdir(parents=True)
    (tmp_path / "vendor" / "lib-1" / "a.wasm").write_bytes(b"\0asm")
    server = serve.make_server(tmp_path, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}/"
    server.shutdown()
    server.server_close()


def get(url):
    """(status, headers) of a GET, errors included."""
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers


# Every response of the hosted page carries these (vercel.json's rule for "/(.*)"); the type
# and caching describe one file.
POLICY = {k: v for k, v in serve.headers_for("/any", serve.load_header_rules()).items()
          if k.lower() not in {"content-type", "cache-control"}}


def test_the_policy_headers_are_those_of_vercel_json():
    assert "Content-Security-Policy" in POLICY and "X-Content-Type-Options" in POLICY, POLICY


@pytest.mark.parametrize("path", ["missing.js", "vendor/lib-1/missing.wasm", "vendor/lib-1/"])
def test_an_error_carries_the_policy_headers(site, path):
    status, headers = get(site + path)
    assert status == 404
    for key, value in POLICY.items():
        assert headers[key] == value, f"404 for /{path} without {key}: {dict(headers)}"


def test_an_error_keeps_its_own_type_and_is_not_cached(site):
    status, headers = get(site + "vendor/lib-1/missing.wasm")
    assert status == 404
    assert headers["Content-Type"].startswith("text/html"), "a 404 page sent as wasm"
    assert "immutable" not in headers["Cache-Control"], "a 404 cached for a year"


def test_a_file_carries_its_own_headers_and_the_policy(site):
    status, headers = get(site + "vendor/lib-1/a.wasm")
    assert status == 200
    assert headers["Content-Type"] == "application/wasm"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for key, value in POLICY.items():
        assert headers[key] == value
