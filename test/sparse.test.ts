// sparse()'s zero pattern (assembly/sparse.ts) against a plain-TS transcription of the rule:
// in column c, Floyd's k-subset with draw j = splitmix64 output c·rows + j of the mask key
// mix64(key XOR "SPARSEMK"), mapped to [0, j] by floor((word >>> 11)·2^-53·(j + 1)).
import { engineOf } from '../src/engine/engine.js';
import { describe, expect, it } from 'vitest';
import type { WeightInit } from '../src/weightinit.js';
import { mix64 } from '../src/engine/keys.js';
import { wi as shared } from './helpers/load.js';

const MASK64 = (1n << 64n) - 1n;
const GAMMA = 0x9e3779b97f4a7c15n;
const SPARSEMK = 0x5350415253454d4bn;

/** The sorted flat indices of the zeros, by the rule, in BigInt arithmetic. */
function reference(key: bigint, rows: number, cols: number, k: number): number[] {
  const mk = mix64(key ^ SPARSEMK);
  const out: number[] = [];
  for (let c = 0; c < cols; c++) {
    const chosen = new Set<number>();
    for (let j = rows - k; j < rows; j++) {
      const n = BigInt(c * rows + j);
      const word = mix64((mk + (n + 1n) * GAMMA) & MASK64);
      const t = Math.floor(Number(word >> 11n) * 2 ** -53 * (j + 1));
      chosen.add(chosen.has(t) ? j : t);
    }
    for (const r of chosen) if (r < rows) out.push(r * cols + c);
  }
  return out.sort((a, b) => a - b);
}

interface SparseCore {
  sparseMaskBytes(rows: number, cols: number): number;
  sparseMask(bits: number, rows: number, cols: number, k: number, keyLo: number, keyHi: number): void;
  sparseApply(out: number, bits: number, start: number, count: number): void;
}

/** The zero indices the kernels produce: sparseApply on a buffer of ones. */
function kernelZeros(w: WeightInit, key: bigint, rows: number, cols: number, k: number, start = 0, end = rows * cols): number[] {
  const core = engineOf(w).core as unknown as SparseCore;
  const bits = engineOf(w).heap.alloc(core.sparseMaskBytes(rows, cols));
  const n = end - start;
  const buf = engineOf(w).heap.alloc(Math.max(1, n) * 4);
  try {
    core.sparseMask(bits, rows, cols, k, Number(key & 0xffffffffn), Number(key >> 32n));
    new Float32Array(w.memory.buffer, buf, n).fill(1);
    core.sparseApply(buf, bits, start, n);
    const v = new Float32Array(w.memory.buffer, buf, n);
    const z: number[] = [];
    for (let i = 0; i < n; i++) if (v[i] === 0) z.push(start + i);
    return z;
  } finally {
    engineOf(w).heap.free(bits);
    engineOf(w).heap.free(buf);
  }
}

describe('sparse zero pattern', () => {
  it('the kernel matches the plain-TS rule on small shapes', async () => {
    const w = await shared();
    const shapes: [number, number][] = [[1, 1], [1, 9], [9, 1], [2, 3], [7, 5], [37, 13], [64, 64], [65, 3], [3, 130], [200, 7]];
    const keys = [0n, 1n, 8n, 0xdeadbeefcafe1234n, MASK64];
    for (const [rows, cols] of shapes) {
      for (const s of [0, 0.1, 0.3, 0.5, 0.9, 1]) {
        const k = Math.ceil(s * rows);
        for (const key of keys) {
          expect(kernelZeros(w, key, rows, cols, k), `[${rows}, ${cols}] k=${k} key=${key}`).toEqual(reference(key, rows, cols, k));
        }
      }
    }
  });

  it('sparseApply honours [start, end) at every word boundary', async () => {
    const w = await shared();
    const [rows, cols, k] = [50, 41, 20];
    const all = reference(77n, rows, cols, k);
    for (const [a, b] of [[0, 1], [0, 64], [1, 63], [63, 65], [64, 128], [100, 2050], [2049, 2050], [1000, 1000], [0, 2050]] as const) {
      expect(kernelZeros(w, 77n, rows, cols, k, a, b), `[${a}, ${b})`).toEqual(all.filter((i) => i >= a && i < b));
    }
  });

  it('sparse() zeroes exactly the rule positions and frees its scratch', async () => {
    const w = await shared();
    const [rows, cols] = [129, 70];
    const live = engineOf(w).heap.liveCount;
    const t = w.sparse([rows, cols], { sparsity: 0.4, std: 1, seed: 12345 });
    expect(engineOf(w).heap.liveCount).toBe(live + 1); // only the tensor
    const d = t.toArray();
    const z: number[] = [];
    for (let i = 0; i < d.length; i++) if (d[i] === 0) z.push(i);
    expect(z).toEqual(reference(12345n, rows, cols, Math.ceil(0.4 * rows)));
    t.free();
  });
});
