"""playground: the UI that runs in the page (PLACEHOLDER until the real UI lands).

boot.js unpacks app.zip into /app (on sys.path), then runs `import playground; playground.main()`.
This placeholder proves the whole path works: it imports numpy and nn, computes a few real values
and writes them into #app, then publishes `window.playground` with `ready: True`.
"""

SEED = 0


def facts() -> dict:
    """Values computed with numpy and nn; the same in CPython and in the browser."""
    import numpy as np

    import nn

    a = np.arange(1.0, 7.0).reshape(2, 3)
    b = np.linspace(-1.0, 1.0, 6).reshape(3, 2)
    return {
        "numpy": np.__version__,
        "nn": (nn.__doc__ or "").strip().splitlines()[0] if nn.__doc__ else "",
        "dot": (a @ b).tolist(),
        "normal": np.random.default_rng(SEED).standard_normal(3).tolist(),
    }


def main() -> None:
    """Write the facts into #app and set window.playground (browser only)."""
    import sys

    from js import Object, document, window
    from pyodide.ffi import to_js

    f = facts()
    app = document.getElementById("app")
    app.replaceChildren()
    title = document.createElement("h1")
    title.textContent = "Python is running in your browser"
    app.append(title)
    rows = [
        ("Python", sys.version.split()[0]),
        ("numpy", f["numpy"]),
        ("nn", f["nn"]),
        ("a @ b", repr(f["dot"])),
        (f"rng(seed={SEED}).standard_normal(3)", repr(f["normal"])),
    ]
    dl = document.createElement("dl")
    dl.id = "facts"
    for key, value in rows:
        dt, dd = document.createElement("dt"), document.createElement("dd")
        dt.textContent, dd.textContent = key, value
        dl.append(dt, dd)
    app.append(dl)
    window.playground = to_js({"ready": True, "placeholder": True, **f},
                              dict_converter=Object.fromEntries)
