#!/usr/bin/env python3
"""An independent safetensors reader for the tests: python3 + numpy only (no safetensors
package). It parses the file from the format description alone, checks it strictly, and prints
one JSON object to stdout:

  {"header_length": N, "data_start": 8 + N, "file_bytes": size, "metadata": {...},
   "key_order": [names in header order],
   "tensors": [{"name", "dtype", "shape", "begin", "end", "sha256", "mean", "std"}, ...]}

tensors are in data (offset) order; sha256 is of the tensor's raw bytes; mean and std
(population, float64) of its values, null for a tensor with no elements. Any violation of the
format is printed to stderr and the exit status is 1.

Usage: read_safetensors.py FILE [FILE ...]   (several files: a JSON array, one object each)
"""
import hashlib
import json
import sys

import numpy as np

# Element type -> (size in bytes, numpy dtype to view the raw little-endian bytes as)
DTYPES = {
    "F64": (8, "<f8"),
    "F32": (4, "<f4"),
    "F16": (2, "<f2"),
    "BF16": (2, "<u2"),  # converted below: bfloat16 is the high half of a float32
    "I64": (8, "<i8"),
    "I32": (4, "<i4"),
    "I16": (2, "<i2"),
    "I8": (1, "<i1"),
    "U64": (8, "<u8"),
    "U32": (4, "<u4"),
    "U16": (2, "<u2"),
    "U8": (1, "<u1"),
    "BOOL": (1, "<u1"),
}


CURRENT = [""]  # the file being read, for error messages


def fail(msg):
    print(f"read_safetensors.py: {CURRENT[0]}: {msg}", file=sys.stderr)
    sys.exit(1)


def pairs_no_duplicates(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            fail(f"duplicate key {k!r} in the header JSON")
        seen[k] = v
    return seen


def main(path, out):
    CURRENT[0] = path
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        fail("file shorter than 8 bytes")
    n = int.from_bytes(blob[:8], "little")
    if 8 + n > len(blob):
        fail(f"header length {n} runs past the end of the file")
    data_start = 8 + n
    if data_start % 8 != 0:
        fail(f"data section starts at {data_start}, not a multiple of 8")
    raw = blob[8:data_start]
    text = raw.decode("utf-8")  # raises on invalid UTF-8
    if not text.startswith("{"):
        fail("header does not start with '{'")
    if text.rstrip(" ") != text.rstrip():
        fail("header padding is not spaces only")
    calls = []  # keys of every object, innermost first: the last one is the header itself

    def hook(pairs):
        calls.append([k for k, _ in pairs])
        return pairs_no_duplicates(pairs)

    header = json.loads(text, object_pairs_hook=hook)
    key_order = [k for k in calls[-1] if k != "__metadata__"]
    if not isinstance(header, dict):
        fail("header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        fail("__metadata__ must map strings to strings")
    data = blob[data_start:]
    entries = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            fail(f"tensor {name!r}: entry must have exactly dtype, shape, data_offsets")
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPES:
            fail(f"tensor {name!r}: unknown dtype {dtype!r}")
        if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape):
            fail(f"tensor {name!r}: bad shape {shape!r}")
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(isinstance(o, int) for o in offsets):
            fail(f"tensor {name!r}: bad data_offsets {offsets!r}")
        begin, end = offsets
        count = 1
        for d in shape:
            count *= d
        if end - begin != count * DTYPES[dtype][0]:
            fail(f"tensor {name!r}: {end - begin} bytes for shape {shape} of {dtype}")
        entries.append((begin, end, name, dtype, shape, count))
    entries.sort(key=lambda e: (e[0], e[1]))
    at = 0
    for begin, end, name, *_ in entries:
        if begin != at:
            fail(f"tensor {name!r}: begins at {begin}, expected {at} (not contiguous)")
        at = end
    if at != len(data):
        fail(f"tensors cover {at} bytes, data section has {len(data)}")
    tensors = []
    for begin, end, name, dtype, shape, count in entries:
        chunk = data[begin:end]
        arr = np.frombuffer(chunk, dtype=DTYPES[dtype][1])
        if dtype == "BF16":
            arr = (arr.astype(np.uint32) << 16).view(np.float32)
        values = arr.astype(np.float64)
        tensors.append({
            "name": name,
            "dtype": dtype,
            "shape": shape,
            "begin": begin,
            "end": end,
            "sha256": hashlib.sha256(chunk).hexdigest(),
            "mean": float(values.mean()) if count else None,
            "std": float(values.std()) if count else None,
        })
    out.append({
        "header_length": n,
        "data_start": data_start,
        "file_bytes": len(blob),
        "metadata": metadata,
        "key_order": key_order,
        "tensors": tensors,
    })


if __name__ == "__main__":
    if len(sys.argv) < 2:
        fail("usage: read_safetensors.py FILE [FILE ...]")
    results = []
    for p in sys.argv[1:]:
        main(p, results)
    json.dump(results[0] if len(sys.argv) == 2 else results, sys.stdout)
