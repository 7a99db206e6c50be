"""Files in and out of the page, without a server: downloads are Blobs made here, and files come in
through a file input or dropped anywhere on the page. Nothing leaves the machine.

    files = Files(proxies, on_file)   # on_file(name, size, text) gets each file the learner gives
    files.download("run.json", text, "application/json")
"""
import asyncio

from js import Blob, URL, document
from pyodide.ffi import to_js

from .dom import by_id


def download(name, text, mime):
    """Offer `text` as a file called `name` (the browser's own download; works on file:// too)."""
    blob = Blob.new(to_js([text]), to_js({"type": f"{mime};charset=utf-8"}, dict_converter=_object))
    url = URL.createObjectURL(blob)
    a = document.createElement("a")
    a.href, a.download = url, name
    a.hidden = True
    document.body.appendChild(a)
    a.click()
    a.remove()
    # the download has its own copy once click() returns; a later revoke keeps old browsers safe
    _later(lambda: URL.revokeObjectURL(url))


def _object(pairs):
    from js import Object
    return Object.fromEntries(pairs)


def _later(fn):
    async def run():
        await asyncio.sleep(1)
        fn()
    asyncio.ensure_future(run())


class Files:
    """The Open button's file input and drag-and-drop on the page; each file goes to
    `on_file(name, size, read)`, where `read()` is awaitable and gives the file's text (the callee
    decides, from the name and size, whether to read it at all)."""

    def __init__(self, proxies, opener_id, input_id, on_file):
        self.on_file = on_file
        self.input = by_id(input_id)
        listen = proxies.listen
        listen(by_id(opener_id), "click", lambda e: self.input.click())
        listen(self.input, "change", self._chosen)
        listen(document, "dragover", self._dragover)
        listen(document, "dragleave", self._dragleave)
        listen(document, "drop", self._drop)

    def _chosen(self, event):
        files = self.input.files
        if files.length:
            self._give(files.item(0))
        self.input.value = ""  # the same file chosen again is a new choice

    @staticmethod
    def _has_files(event):
        types = event.dataTransfer.types if event.dataTransfer else None
        return bool(types) and any(str(t) == "Files" for t in types)

    def _dragover(self, event):
        if self._has_files(event):
            event.preventDefault()  # a drop here opens the file instead of the browser navigating to it
            event.dataTransfer.dropEffect = "copy"
            document.body.classList.add("dropping")

    def _dragleave(self, event):
        if event.relatedTarget is None:  # left the window, not just one element for another
            document.body.classList.remove("dropping")

    def _drop(self, event):
        document.body.classList.remove("dropping")
        if not self._has_files(event):
            return
        event.preventDefault()
        files = event.dataTransfer.files
        if files.length:
            self._give(files.item(0))

    def _give(self, file):
        async def read():
            return str(await file.text())
        self.on_file(str(file.name), int(file.size), read)
