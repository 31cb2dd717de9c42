// .npy files: numpy.load reads what writeNpy writes, and numpy.save of the loaded array gives
// back exactly the same bytes (test/py/read_npy.py). Reader errors on files numpy wrote.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WriteDType } from '../src/io/common.js';
import { npyHeader, readNpy, readNpyHeader, writeNpy } from '../src/io/npy.js';
import { elementCount, expectedBytes, expectedStats, listDir, runPython, runPythonCode, sha256, tempDir, testSource } from './py/harness.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

interface PyNpy {
  version: [number, number];
  descr: string;
  fortran_order: boolean;
  shape: number[];
  data_offset: number;
  sha256: string;
  mean: number | null;
  std: number | null;
  resaved_identical: boolean;
}

const CASES: { shape: number[]; dtype: Exclude<WriteDType, 'BF16'>; descr: string }[] = [
  { shape: [37, 29], dtype: 'F32', descr: '<f4' },
  { shape: [5], dtype: 'F64', descr: '<f8' },
  { shape: [3, 4, 5, 2], dtype: 'F16', descr: '<f2' },
  { shape: [], dtype: 'F32', descr: '<f4' },
  { shape: [0], dtype: 'F64', descr: '<f8' },
  { shape: [4, 0, 3], dtype: 'F16', descr: '<f2' },
];

describe('writeNpy: numpy reads it', () => {
  // every case written first, then one python3 run reads them all (numpy's start-up is slow)
  let shared: { dir: string; cleanup: () => void };
  let py: PyNpy[];
  const small = CASES;
  beforeAll(async () => {
    shared = tempDir();
    for (const [i, c] of small.entries()) await writeNpy(join(shared.dir, `${i}.npy`), testSource('a', c.shape, c.dtype, i), { chunkBytes: 7 });
    py = runPython<PyNpy[]>('read_npy.py', small.map((_, i) => join(shared.dir, `${i}.npy`))); // several files: an array
  });
  afterAll(() => shared.cleanup());

  for (const [i, c] of small.entries()) {
    it(`numpy.load reads ${c.descr} ${JSON.stringify(c.shape)}, and numpy.save writes the same bytes`, async () => {
      const n = elementCount(c.shape);
      const got = py[i]!;
      const st = expectedStats(c.dtype, i, n);
      expect({ ...got, mean: null, std: null }).toEqual({
        version: [1, 0],
        descr: c.descr,
        fortran_order: false,
        shape: c.shape,
        data_offset: got.data_offset,
        sha256: sha256(expectedBytes(c.dtype, i, n)),
        mean: null,
        std: null,
        resaved_identical: true,
      });
      expect(got.data_offset % 64).toBe(0);
      if (st.mean === null) expect([got.mean, got.std]).toEqual([null, null]);
      else {
        expect(Math.abs(got.mean! - st.mean)).toBeLessThanOrEqual(1e-9 * Math.max(1, st.std!));
        expect(Math.abs(got.std! - st.std!)).toBeLessThanOrEqual(1e-9 * Math.max(1, st.std!));
      }
      // and our reader
      const r = await readNpy(join(shared.dir, `${i}.npy`));
      expect([r.descr, r.shape]).toEqual([c.descr, c.shape]);
      expect(sha256(new Uint8Array(r.data.buffer))).toBe(sha256(expectedBytes(c.dtype, i, n)));
      expect(r.data.constructor).toBe({ F32: Float32Array, F64: Float64Array, F16: Uint16Array }[c.dtype]);
    });
  }
});

describe('writeNpy', () => {
  it('the header for a huge first axis is numpy\'s too (growth padding shrinks with the digits)', () => {
    // numpy.lib.format writes the header of a (123456789012,) float32 array; we compare header text only
    const py = runPythonCode([
      'import io, numpy as np, sys',
      'from numpy.lib import format as f',
      'b = io.BytesIO()',
      "f.write_array_header_1_0(b, {'descr': '<f4', 'fortran_order': False, 'shape': (123456789012,)})",
      'sys.stdout.write(b.getvalue().hex())',
    ].join('\n'));
    expect(Buffer.from(npyHeader('<f4', [123456789012])).toString('hex')).toBe(py);
  });

  it('BF16 is rejected with the alternatives named, before any file exists', async () => {
    await expect(writeNpy(join(dir, 'b.npy'), testSource('w', [4], 'BF16', 1))).rejects.toThrow(
      /source \("w"\) is BF16, which numpy has no dtype for; write F32 \(every bfloat16 value is exact in float32\) or F16, or use safetensors/,
    );
    expect(listDir(dir)).toEqual([]);
  });

  it('writes version 2.0 when the header passes 65535 bytes, and reads it back', async () => {
    const shape = Array.from({ length: 23000 }, () => 1); // "1, " x 23000 > 65535 (numpy itself stops at 64 dimensions)
    shape[0] = 3;
    const path = join(dir, 'v2.npy');
    await writeNpy(path, testSource('v', shape, 'F32', 5));
    const bytes = readFileSync(path);
    expect([bytes[6], bytes[7]]).toEqual([2, 0]);
    const h = await readNpyHeader(path);
    expect(h.version).toEqual([2, 0]);
    expect(h.dataOffset % 64).toBe(0);
    expect(h.dataOffset).toBe(12 + bytes.readUInt32LE(8));
    expect(h.shape).toEqual(shape);
    expect(sha256(new Uint8Array((await readNpy(path)).data.buffer))).toBe(sha256(expectedBytes('F32', 5, 3)));
  });

  it('a failing source or an abort leaves the target as it was and no temporary file', async () => {
    const path = join(dir, 'a.npy');
    writeFileSync(path, 'before');
    await expect(writeNpy(path, testSource('a', [1000], 'F32', 1, { throwAt: 900 }), { chunkBytes: 256 })).rejects.toThrow(/fails at element 900/);
    const ac = new AbortController();
    await expect(writeNpy(path, testSource('a', [1000], 'F32', 1), { chunkBytes: 256, signal: ac.signal, onProgress: () => ac.abort() })).rejects.toThrow(/abort/i);
    expect(readFileSync(path, 'utf8')).toBe('before');
    expect(listDir(dir)).toEqual(['a.npy']);
  });
});

describe('readNpy on files numpy wrote', () => {
  const FILES: Record<string, string> = {
    f8: 'np.array([1.5, -2.0], dtype="<f8")',
    i4: 'np.array([[1, 2], [3, 4]], dtype="<i4")',
    i8: 'np.array([-3], dtype="<i8")',
    u1: 'np.array([200], dtype="u1")',
    i1: 'np.array([-100], dtype="i1")',
    b1: 'np.array([True, False])',
    f2: 'np.array([1.0], dtype="<f2")',
    be: 'np.arange(3, dtype=">f4")',
    fo: 'np.asfortranarray(np.ones((2, 3), dtype="<f4"))',
    ok: 'np.ones(10, dtype="<f4")',
  };
  let shared: { dir: string; cleanup: () => void };
  const file = (k: string) => join(shared.dir, `${k}.npy`);
  beforeAll(() => {
    shared = tempDir();
    const code = ['import numpy as np', ...Object.entries(FILES).map(([k, e]) => `np.save(${JSON.stringify(file(k))}, ${e})`)].join('\n');
    runPythonCode(code);
  });
  afterAll(() => shared.cleanup());

  it('reads the little-endian numeric dtypes', async () => {
    const cases: [string, string, unknown[]][] = [
      ['f8', '<f8', [1.5, -2]],
      ['i4', '<i4', [1, 2, 3, 4]],
      ['i8', '<i8', [-3n]],
      ['u1', '|u1', [200]],
      ['i1', '|i1', [-100]],
      ['b1', '|b1', [1, 0]],
      ['f2', '<f2', [0x3c00]],
    ];
    for (const [k, descr, values] of cases) {
      const r = await readNpy(file(k));
      expect(r.descr).toBe(descr);
      expect(Array.from(r.data as ArrayLike<unknown>)).toEqual(values);
    }
    expect((await readNpy(file('i4'))).shape).toEqual([2, 2]);
  });

  it('rejects big-endian data, Fortran order, a truncated file and a non-.npy file, saying why', async () => {
    await expect(readNpy(file('be'))).rejects.toThrow(/dtype ">f4" is not supported \(big-endian data is not read/);
    await expect(readNpy(file('fo'))).rejects.toThrow(/Fortran-order arrays are not read/);
    writeFileSync(join(dir, 'cut.npy'), readFileSync(file('ok')).subarray(0, 128 + 12));
    await expect(readNpy(join(dir, 'cut.npy'))).rejects.toThrow(/shape \(10\) of <f4 is 40 bytes, but the file has 12 after the header/);
    writeFileSync(join(dir, 'x.npy'), 'hello world, not numpy');
    await expect(readNpy(join(dir, 'x.npy'))).rejects.toThrow(/not a \.npy file/);
  });
});
