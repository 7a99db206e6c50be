"""A file image: a folder of files laid out ready for the page's file system, in one buffer.

The page reads every image with one reader (site/boot.js `readImage`, then `layOut` puts the
files into Python's file system, each a slice of the image): no archive is unpacked in Python on a
visit. scripts/build.py writes our code's image here (nn/, playground/, data/ and their bytecode,
laid out under /app); scripts/make_numpy_image.mjs writes numpy's in the same format, with two
more header fields.

Format: uint32 (little-endian) length of a JSON header, the header, then the files' bytes in the
header's order. Header: {root, dirs (every folder, parents first), files: [[path under root, size]]},
plus whatever the image's user needs (numpy's: wheel, dynlibs).
"""
from __future__ import annotations

import json
from pathlib import PurePosixPath


def make(root: str, files: dict[str, bytes], **extra) -> bytes:
    """The image of `files` (path under root -> bytes), in sorted order (same files, same bytes)."""
    names = sorted(files)
    dirs = sorted({str(p) for name in names for p in PurePosixPath(name).parents if str(p) != "."},
                  key=lambda d: (d.count("/"), d))
    head = json.dumps({"root": root, "dirs": dirs, "files": [[n, len(files[n])] for n in names], **extra},
                      separators=(",", ":")).encode("utf-8")
    return b"".join([len(head).to_bytes(4, "little"), head, *(files[n] for n in names)])


def header(data: bytes) -> tuple[dict, int]:
    """(the JSON header that opens `data`, where what follows it starts): the uint32-length-prefixed
    header of an image, also the start-up snapshot's (its plan, site/snapshot-restore.js)."""
    n = int.from_bytes(data[:4], "little")
    return json.loads(data[4:4 + n]), 4 + n


def read(image: bytes) -> tuple[dict, dict[str, bytes]]:
    """(header, path under root -> bytes); ValueError if the image does not add up."""
    head, at = header(image)
    files = {}
    for name, size in head["files"]:
        files[name] = image[at:at + size]
        at += size
    if at != len(image):
        raise ValueError(f"the image's files add up to {at} bytes, it has {len(image)}")
    return head, files
