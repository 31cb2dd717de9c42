#!/usr/bin/env python3
"""An independent .npy check for the tests: numpy.load reads the file; the header is also read
with numpy.lib.format to report its version and where the data starts. Prints one JSON object:

  {"version": [1, 0], "descr": "<f4", "fortran_order": false, "shape": [...],
   "data_offset": 128, "sha256": <of the array's raw bytes>, "mean": ..., "std": ...,
   "resaved_identical": true|false}

resaved_identical says whether numpy.save of the loaded array produces exactly the file's
bytes. Any error goes to stderr with exit status 1.

Usage: read_npy.py FILE [FILE ...]   (several files: a JSON array, one object each)
"""
import hashlib
import io
import json
import sys

import numpy as np
from numpy.lib import format as npformat


def main(path, results):
    with open(path, "rb") as f:
        blob = f.read()
    with open(path, "rb") as f:
        version = npformat.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = npformat.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = npformat.read_array_header_2_0(f)
        else:
            raise ValueError(f"unexpected version {version}")
        data_offset = f.tell()
    arr = np.load(path, allow_pickle=False)
    if data_offset % 64 != 0:
        raise ValueError(f"data starts at {data_offset}, not a multiple of 64")
    values = arr.astype(np.float64)
    out = io.BytesIO()
    np.save(out, arr)
    results.append({
        "version": list(version),
        "descr": npformat.dtype_to_descr(dtype),
        "fortran_order": bool(fortran),
        "shape": list(arr.shape),
        "data_offset": data_offset,
        "sha256": hashlib.sha256(arr.tobytes()).hexdigest(),
        "mean": float(values.mean()) if arr.size else None,
        "std": float(values.std()) if arr.size else None,
        "resaved_identical": out.getvalue() == blob,
    })


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: read_npy.py FILE [FILE ...]", file=sys.stderr)
        sys.exit(1)
    results = []
    for p in sys.argv[1:]:
        try:
            main(p, results)
        except Exception as e:
            print(f"read_npy.py: {p}: {e}", file=sys.stderr)
            sys.exit(1)
    json.dump(results[0] if len(sys.argv) == 2 else results, sys.stdout)
