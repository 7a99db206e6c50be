"""Write site/data/digits.npz from the UCI digits that scikit-learn ships (needs scikit-learn).

    python scripts/make_digits.py [--out site/data/digits.npz]

The file holds `images` (1797, 64) uint8 in 0..16 and `labels` (1797,) uint8, in scikit-learn's
order. It is written byte-for-byte reproducibly (fixed zip timestamps), so its sha256 can be
recorded in site/data/DIGITS-SOURCE.md and checked. Prints one JSON object: path, bytes, sha256.
"""
import argparse
import hashlib
import io
import json
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def npz_bytes(arrays):
    """A compressed .npz (what numpy.load reads) with fixed member timestamps."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, a in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(a), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1998, 7, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, member.getvalue(), compresslevel=9)
    return buf.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site" / "data" / "digits.npz")
    args = parser.parse_args()

    from sklearn.datasets import load_digits
    d = load_digits()
    images = d.data.astype(np.uint8)
    labels = d.target.astype(np.uint8)
    if not (np.array_equal(images, d.data) and np.array_equal(labels, d.target)):
        raise SystemExit("scikit-learn's digits are not integers in 0..16 / 0..9")
    if images.shape != (1797, 64) or images.max() > 16 or labels.max() > 9:
        raise SystemExit(f"unexpected digits: {images.shape}, max {images.max()}")

    data = npz_bytes({"images": images, "labels": labels})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    with np.load(args.out, allow_pickle=False) as f:
        assert np.array_equal(f["images"], images) and np.array_equal(f["labels"], labels)
    print(json.dumps({"path": str(args.out), "bytes": len(data),
                      "sha256": hashlib.sha256(data).hexdigest(),
                      "scikit_learn": __import__("sklearn").__version__}))


if __name__ == "__main__":
    main()
