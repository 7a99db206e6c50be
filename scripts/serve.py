"""Build, then serve dist/ on 127.0.0.1 with the headers vercel.json declares.

    python scripts/serve.py [--port N] [--no-build] [--log]

The same MIME types, caching and Content-Security-Policy as the hosted page, so that what works
here works there. The browser tests use make_server() from this module.
"""

from __future__ import annotations

import argparse
import errno
import functools
import json
import re
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
VERCEL_JSON = ROOT / "vercel.json"

MIME = {
    ".wasm": "application/wasm",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".png": "image/png",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".npz": "application/octet-stream",
    ".py": "text/plain; charset=utf-8",
}
# What the hosting platform sends when no rule sets Cache-Control: always revalidate.
DEFAULT_CACHE_CONTROL = "public, max-age=0, must-revalidate"
# vercel.json headers that describe the file at that path. An error response (a 404 page, say)
# keeps its own: a missing vendor file must not be cached for a year, nor its HTML served as wasm.
FILE_HEADERS = {"content-type", "cache-control"}


def _source_to_regex(source: str) -> re.Pattern:
    """Vercel's `source` pattern (path-to-regexp: `(regex)`, `:name`, `\\x`) as a regex."""
    out, i = [], 0
    while i < len(source):
        c = source[i]
        if c == "(":
            depth, j = 1, i + 1
            while j < len(source) and depth:
                depth += {"(": 1, ")": -1}.get(source[j], 0)
                j += 1
            if depth:
                raise ValueError(f"unbalanced '(' in vercel.json source {source!r}")
            out.append(source[i:j])
            i = j
        elif c == ":":
            m = re.match(r":[A-Za-z_]\w*([*+?]?)", source[i:])
            if not m:
                raise ValueError(f"bad parameter in vercel.json source {source!r}")
            out.append({"*": "(.*)", "+": "(.+)", "?": "([^/]*)", "": "([^/]+)"}[m.group(1)])
            i += m.end()
        elif c == "\\" and i + 1 < len(source):
            out.append(re.escape(source[i + 1]))
            i += 2
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out))


def load_header_rules(path: Path = VERCEL_JSON) -> list[tuple[re.Pattern, list[tuple[str, str]]]]:
    """vercel.json's "headers" rules as (compiled source, [(key, value)]) in file order."""
    rules = []
    for rule in json.loads(Path(path).read_text()).get("headers", []):
        if "has" in rule or "missing" in rule:
            raise ValueError("serve.py does not implement 'has'/'missing' in vercel.json headers")
        rules.append((_source_to_regex(rule["source"]),
                      [(h["key"], h["value"]) for h in rule["headers"]]))
    return rules


def headers_for(path: str, rules) -> dict[str, str]:
    """Headers of every rule whose source matches `path`; a later rule wins on the same key."""
    found: dict[str, tuple[str, str]] = {}
    for regex, headers in rules:
        if regex.fullmatch(path):
            for key, value in headers:
                found[key.lower()] = (key, value)
    return dict(found.values())


class Handler(SimpleHTTPRequestHandler):
    """Static files with vercel.json's headers; no directory listings (as when hosted)."""

    protocol_version = "HTTP/1.1"  # keep-alive: the page fetches several files at once
    rules: list = []
    quiet = True
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME}

    def send_response(self, code, message=None):
        path = unquote(urlsplit(self.path).path)
        self._extra = headers_for(path, self.rules)
        if code >= 400:  # an error page is not the file asked for: only the policy headers apply
            self._extra = {k: v for k, v in self._extra.items() if k.lower() not in FILE_HEADERS}
        self._overridden = {k.lower() for k in self._extra}
        super().send_response(code, message)

    def send_header(self, keyword, value):
        if keyword.lower() in getattr(self, "_overridden", ()):
            return  # vercel.json sets this one (e.g. Content-Type of .wasm)
        super().send_header(keyword, value)

    def end_headers(self):
        extra = getattr(self, "_extra", {})
        for key, value in extra.items():
            super().send_header(key, value)
        if "cache-control" not in getattr(self, "_overridden", set()):
            super().send_header("Cache-Control", DEFAULT_CACHE_CONTROL)
        self._extra, self._overridden = {}, set()
        super().end_headers()

    def copyfile(self, source, outputfile):
        # The kernel copies the file to the socket (sendfile), as a static host does: Python's
        # own loop of 64 KB reads and writes served the page's 25 MB at a fraction of the speed
        # of the loopback, and made the boot wait for this server rather than for the page.
        # (socket.sendfile falls back to send() itself where the system has no sendfile.)
        self.connection.sendfile(source)

    def list_directory(self, path):
        self.send_error(404, "Not Found")
        return None

    def log_message(self, format, *args):
        if not self.quiet:
            super().log_message(format, *args)


def make_server(root: Path = DIST, host: str = "127.0.0.1", port: int = 8000, rules=None,
                quiet: bool = True) -> ThreadingHTTPServer:
    """A server for `root` (not yet serving: call serve_forever, e.g. in a thread)."""
    if rules is None:
        rules = load_header_rules()
    handler = type("DistHandler", (Handler,), {"rules": rules, "quiet": quiet})
    server = ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(root)))
    server.daemon_threads = True
    return server


def serve_in_thread(root: Path = DIST, port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Start serving `root` in a daemon thread; return (server, base URL). For tests."""
    server = make_server(root, port=port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build, then serve dist/ on 127.0.0.1.")
    ap.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free)")
    ap.add_argument("--no-build", action="store_true", help="serve dist/ as it is")
    ap.add_argument("--log", action="store_true", help="log every request")
    args = ap.parse_args(argv)

    if not args.no_build:
        sys.path.insert(0, str(ROOT / "scripts"))
        import build

        if build.main([]) != 0:
            return 1
    if not (DIST / "index.html").exists():
        print("dist/ is not built: run `python scripts/build.py` (or drop --no-build).",
              file=sys.stderr)
        return 1
    try:
        server = make_server(DIST, port=args.port, quiet=not args.log)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            print(f"Port {args.port} is busy (another server is using it). Stop that one, or "
                  f"pick another port: python scripts/serve.py --port {args.port + 1}",
                  file=sys.stderr)
            return 1
        raise
    host, port = server.server_address[:2]
    print(f"Serving dist/ at http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
