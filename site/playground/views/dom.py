"""The thin layer that touches the browser: owned JS callbacks, and crisp canvases.

Only view modules import this; everything else in the playground is plain Python + numpy.
"""
import numpy as np
from js import Float64Array, Uint8Array, document, window  # noqa: F401  (window re-exported for views)
from pyodide.ffi import create_proxy, to_js

draw = window.WILDraw  # batch drawing helpers from draw.js


def by_id(id_):
    """The page's element with this id."""
    return document.getElementById(id_)


def bytes_(a):
    """A numpy array's bytes as a JS Uint8Array: one copy across the bridge (bytes → Uint8Array)."""
    return to_js(np.ascontiguousarray(a, dtype=np.uint8).tobytes())


def floats(a):
    """A numpy array as a JS Float64Array: one copy, then a view of that copy's buffer."""
    return Float64Array.new(to_js(np.ascontiguousarray(a, dtype=np.float64).tobytes()).buffer)


class Proxies:
    """Owns every long-lived JS callback: listeners are added and removed as pairs, and each
    proxy is destroyed when it is removed, so a page that runs for hours does not grow."""

    def __init__(self):
        self._listeners = []  # (element, event, proxy)
        self._held = []       # proxies handed to JS APIs that keep them (rAF, observers)

    def listen(self, element, event, fn, options=None):
        proxy = create_proxy(fn)
        if options is None:
            element.addEventListener(event, proxy)
        else:
            element.addEventListener(event, proxy, to_js(options, dict_converter=window.Object.fromEntries))
        self._listeners.append((element, event, proxy))
        return proxy

    def hold(self, fn):
        """A proxy made once and kept (e.g. the animation-frame callback)."""
        proxy = create_proxy(fn)
        self._held.append(proxy)
        return proxy

    def __len__(self):
        return len(self._listeners) + len(self._held)

    def close(self):
        for element, event, proxy in self._listeners:
            element.removeEventListener(event, proxy)
            proxy.destroy()
        for proxy in self._held:
            proxy.destroy()
        self._listeners, self._held = [], []


class Canvas:
    """A canvas sized to its CSS box times devicePixelRatio; draw in CSS pixels via `ctx`.

    Reading an element's size forces layout, so it is read again only after `Canvas.changed()`
    (the window resized, or the page's layout changed), not on every frame."""

    generation = 0

    @classmethod
    def changed(cls):
        cls.generation += 1

    def __init__(self, element):
        self.el = element
        self.ctx = element.getContext("2d")
        self.width = self.height = 0
        self.dpr = 1.0
        self._measured = -1
        self._ink_generation = -1
        self.fit()

    def ink(self):
        """The element's CSS text colour, for text drawn on it (follows light and dark mode)."""
        if self._ink_generation != Canvas.generation:
            self._ink = str(window.getComputedStyle(self.el).color)
            self._ink_generation = Canvas.generation
        return self._ink

    def fit(self):
        """Match the backing store to the element's size on screen; True if it changed."""
        if self._measured == Canvas.generation and self.width > 1:
            return False
        self._measured = Canvas.generation
        dpr = float(window.devicePixelRatio or 1.0)
        rect = self.el.getBoundingClientRect()
        w, h = max(1, round(rect.width)), max(1, round(rect.height))
        if (w, h, dpr) == (self.width, self.height, self.dpr):
            return False
        self.width, self.height, self.dpr = w, h, dpr
        self.el.width, self.el.height = round(w * dpr), round(h * dpr)
        self.ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
        return True


class Layer:
    """An offscreen copy of what rarely changes on a canvas (the data points, the labels): painted
    again only when its key changes, otherwise drawn onto the canvas as one image per frame."""

    def __init__(self):
        self.el = document.createElement("canvas")
        self._key = None

    def draw_onto(self, canvas, key, paint):
        """Draw onto `canvas` (a Canvas); first call paint(ctx) on a cleared layer if `key`, or
        the canvas's size, changed since the last paint."""
        key = (key, canvas.width, canvas.height, canvas.dpr)
        if key != self._key:
            self.el.width, self.el.height = canvas.el.width, canvas.el.height  # also clears it
            ctx = self.el.getContext("2d")
            ctx.setTransform(canvas.dpr, 0, 0, canvas.dpr, 0, 0)
            paint(ctx)
            self._key = key
        canvas.ctx.drawImage(self.el, 0, 0, canvas.width, canvas.height)


class Bitmap:
    """An offscreen canvas of fixed pixel size, filled from a numpy RGBA uint8 array: one copy
    from Python's memory straight into the ImageData's pixels (JsBuffer.assign), one putImageData."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.el = document.createElement("canvas")
        self.el.width, self.el.height = width, height
        self.ctx = self.el.getContext("2d")
        self.image = self.ctx.createImageData(width, height)
        self.pixels = self.image.data  # kept: the same Uint8ClampedArray every frame

    def put(self, rgba):
        """rgba: (height, width, 4) uint8, C-contiguous."""
        self.pixels.assign(np.ascontiguousarray(rgba, dtype=np.uint8))  # 0.01 ms, where set(bytes) took 0.08
        self.ctx.putImageData(self.image, 0, 0)
