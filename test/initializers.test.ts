// Every initializer × shapes (2-D, conv 1/2/3-D in both layouts, rectangular, 1×N, zero-element)
// × dtypes: shape, dtype, size, and std/bound against numbers worked out here from the papers'
// formulas (fans written by hand per shape, not computed by the library).
import { describe, expect, it } from 'vitest';
import type { WeightInit } from '../src/weightinit.js';
import { wi as shared } from './helpers/load.js';
import { ksTest, meanStd, phi } from './helpers/stats.js';

const TRUNC = 0.87962566103423978; // std of N(0,1) truncated to (-2, 2)

interface ShapeCase {
  shape: number[];
  layout?: 'torch' | 'tf';
  fanIn: number;
  fanOut: number;
}
const SHAPES: ShapeCase[] = [
  { shape: [96, 64], fanIn: 64, fanOut: 96 }, // Linear(64, 96).weight
  { shape: [16, 8, 5], fanIn: 40, fanOut: 80 }, // Conv1d(8, 16, 5)
  { shape: [32, 16, 3, 3], fanIn: 144, fanOut: 288 }, // Conv2d(16, 32, 3)
  { shape: [8, 4, 3, 3, 3], fanIn: 108, fanOut: 216 }, // Conv3d(4, 8, 3)
  { shape: [5, 8, 16], layout: 'tf', fanIn: 40, fanOut: 80 }, // Keras Conv1D kernel
  { shape: [3, 3, 16, 32], layout: 'tf', fanIn: 144, fanOut: 288 }, // Keras Conv2D kernel
  { shape: [3, 3, 3, 4, 8], layout: 'tf', fanIn: 108, fanOut: 216 }, // Keras Conv3D kernel
  { shape: [700, 7], fanIn: 7, fanOut: 700 }, // rectangular
  { shape: [1, 4096], fanIn: 4096, fanOut: 1 }, // 1 x N
  { shape: [0, 10], fanIn: 10, fanOut: 0 }, // zero elements
];
const DTYPES = ['float32', 'float64', 'float16', 'bfloat16'] as const;

type Kind = { uniform: number } | { normal: number } | { trunc: number };
interface InitCase {
  name: string;
  call: (w: WeightInit, shape: number[], o: Record<string, unknown>) => unknown;
  /** What the papers say, from (fan_in, fan_out). */
  expect: (fi: number, fo: number) => Kind;
}
const INITS: InitCase[] = [
  { name: 'glorotUniform', call: (w, s, o) => w.glorotUniform(s, o), expect: (fi, fo) => ({ uniform: Math.sqrt(6 / (fi + fo)) }) },
  { name: 'xavierUniform gain 2', call: (w, s, o) => w.xavierUniform(s, { gain: 2, ...o }), expect: (fi, fo) => ({ uniform: 2 * Math.sqrt(6 / (fi + fo)) }) },
  { name: 'glorotNormal', call: (w, s, o) => w.glorotNormal(s, o), expect: (fi, fo) => ({ normal: Math.sqrt(2 / (fi + fo)) }) },
  { name: 'xavierNormal gain 5/3', call: (w, s, o) => w.xavierNormal(s, { gain: 5 / 3, ...o }), expect: (fi, fo) => ({ normal: (5 / 3) * Math.sqrt(2 / (fi + fo)) }) },
  { name: 'glorotNormal truncated (Keras)', call: (w, s, o) => w.glorotNormal(s, { distribution: 'truncatedNormal', ...o }), expect: (fi, fo) => ({ trunc: Math.sqrt(2 / (fi + fo)) }) },
  { name: 'heUniform', call: (w, s, o) => w.heUniform(s, o), expect: (fi) => ({ uniform: Math.sqrt(6 / fi) }) },
  { name: 'kaimingUniform a=√5 (nn.Linear default)', call: (w, s, o) => w.kaimingUniform(s, { a: Math.sqrt(5), ...o }), expect: (fi) => ({ uniform: 1 / Math.sqrt(fi) }) },
  { name: 'kaimingUniform fan_out relu', call: (w, s, o) => w.kaimingUniform(s, { mode: 'fan_out', nonlinearity: 'relu', ...o }), expect: (_fi, fo) => ({ uniform: Math.sqrt(6 / fo) }) },
  { name: 'heNormal', call: (w, s, o) => w.heNormal(s, o), expect: (fi) => ({ normal: Math.sqrt(2 / fi) }) },
  { name: 'kaimingNormal leaky 0.2', call: (w, s, o) => w.kaimingNormal(s, { a: 0.2, ...o }), expect: (fi) => ({ normal: Math.sqrt(2 / ((1 + 0.04) * fi)) }) },
  { name: 'kaimingNormal tanh fanOut', call: (w, s, o) => w.kaimingNormal(s, { nonlinearity: 'tanh', mode: 'fanOut', ...o }), expect: (_fi, fo) => ({ normal: 5 / 3 / Math.sqrt(fo) }) },
  { name: 'heNormal truncated (Keras)', call: (w, s, o) => w.heNormal(s, { distribution: 'truncatedNormal', ...o }), expect: (fi) => ({ trunc: Math.sqrt(2 / fi) }) },
  { name: 'lecunUniform', call: (w, s, o) => w.lecunUniform(s, o), expect: (fi) => ({ uniform: Math.sqrt(3 / fi) }) },
  { name: 'lecunNormal', call: (w, s, o) => w.lecunNormal(s, o), expect: (fi) => ({ normal: Math.sqrt(1 / fi) }) },
  { name: 'lecunNormal truncated', call: (w, s, o) => w.lecunNormal(s, { distribution: 'truncatedNormal', ...o }), expect: (fi) => ({ trunc: Math.sqrt(1 / fi) }) },
  { name: 'varianceScaling 3, fanAvg, normal', call: (w, s, o) => w.varianceScaling(s, { scale: 3, mode: 'fanAvg', distribution: 'normal', ...o }), expect: (fi, fo) => ({ normal: Math.sqrt(3 / ((fi + fo) / 2)) }) },
  { name: 'varianceScaling 0.5, fanGeoAvg, uniform', call: (w, s, o) => w.varianceScaling(s, { scale: 0.5, mode: 'fanGeoAvg', distribution: 'uniform', ...o }), expect: (fi, fo) => ({ uniform: Math.sqrt((3 * 0.5) / Math.sqrt(fi * fo)) }) },
  { name: 'varianceScaling default (truncatedNormal, fanIn, 1)', call: (w, s, o) => w.varianceScaling(s, o), expect: (fi) => ({ trunc: Math.sqrt(1 / fi) }) },
];

const decodeHalf = (h: number) => {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  return e === 0 ? s * f * 2 ** -24 : e === 31 ? (f ? NaN : s * Infinity) : s * (1 + f / 1024) * 2 ** (e - 15);
};
const decodeBf16 = (h: number) => new Float32Array(new Uint32Array([h << 16]).buffer)[0]!;

function values(t: { dtype: string; data: ArrayLike<number> }): number[] {
  const d = Array.from(t.data);
  if (t.dtype === 'float16' && t.data instanceof Uint16Array) return d.map(decodeHalf);
  if (t.dtype === 'bfloat16') return d.map(decodeBf16);
  return d;
}

describe('every initializer × shape × dtype: shape, dtype, size, std or bound from the papers', () => {
  for (const init of INITS) {
    describe(init.name, () => {
      for (const sc of SHAPES) {
        for (const dtype of DTYPES) {
          it(`${JSON.stringify(sc.shape)} ${sc.layout ?? 'torch'} ${dtype}`, async () => {
            const w = await shared();
            const opts: Record<string, unknown> = { seed: 31, dtype };
            if (sc.layout) opts.layout = sc.layout;
            const t = init.call(w, sc.shape, opts) as { shape: number[]; dtype: string; size: number; data: ArrayLike<number>; free(): void };
            const size = sc.shape.reduce((a, b) => a * b, 1);
            expect(t.shape).toEqual(sc.shape);
            expect(t.dtype).toBe(dtype);
            expect(t.size).toBe(size);
            expect(t.data.length).toBe(size);
            const v = values(t);
            t.free();
            if (size === 0) return;
            // the library divides by max(1, n), as Keras and tfjs do
            const k = init.expect(Math.max(1, sc.fanIn), Math.max(1, sc.fanOut));
            const tol = dtype === 'bfloat16' ? 2 ** -8 : dtype === 'float16' ? 2 ** -11 : 2 ** -24;
            const { mean, std } = meanStd(v);
            const maxAbs = v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
            // sampling error of std ~ std / √(2n): allow 6 of those (fixed seed)
            const slack = 6 / Math.sqrt(2 * size);
            if ('uniform' in k) {
              expect(maxAbs).toBeLessThanOrEqual(k.uniform * (1 + tol));
              if (size >= 1000) {
                expect(maxAbs).toBeGreaterThan(k.uniform * 0.99);
                expect(std / (k.uniform / Math.sqrt(3))).toBeCloseTo(1, 0);
                expect(Math.abs(std / (k.uniform / Math.sqrt(3)) - 1)).toBeLessThan(slack + tol);
              }
            } else if ('normal' in k) {
              expect(Math.abs(std / k.normal - 1)).toBeLessThan(Math.max(slack, 0.05) * (size < 1000 ? 3 : 1) + tol);
              expect(Math.abs(mean)).toBeLessThan(6 * k.normal / Math.sqrt(size) + tol * k.normal);
            } else {
              // truncated at ±2σ with σ = std / 0.8796…: never beyond, variance exactly std²
              const sigma = k.trunc / TRUNC;
              expect(maxAbs).toBeLessThanOrEqual(2 * sigma * (1 + tol));
              expect(Math.abs(std / k.trunc - 1)).toBeLessThan(Math.max(slack, 0.05) * (size < 1000 ? 3 : 1) + tol);
            }
          });
        }
      }
    });
  }
});

describe('distributions: fixed-seed KS against the exact CDF (p > 1e-4)', () => {
  const n = [1000, 100] as const; // fan_in 100 in the torch layout
  it('heUniform is U(-√(6/100), √(6/100))', async () => {
    const w = await shared();
    const b = Math.sqrt(6 / 100);
    const d = w.heUniform([...n], { seed: 1 }).toArray();
    expect(ksTest(d, (x) => Math.min(1, Math.max(0, (x + b) / (2 * b)))).p).toBeGreaterThan(1e-4);
  });
  it('heNormal is N(0, 2/100), untruncated (values beyond 2σ exist)', async () => {
    const w = await shared();
    const s = Math.sqrt(2 / 100);
    const d = w.heNormal([...n], { seed: 2 }).toArray();
    expect(ksTest(d, (x) => phi(x / s)).p).toBeGreaterThan(1e-4);
    expect(d.some((x) => Math.abs(x) > 3 * s)).toBe(true);
  });
  it('heNormal truncatedNormal is N(0, σ²) on ±2σ, σ = √(2/100)/0.8796…', async () => {
    const w = await shared();
    const s = Math.sqrt(2 / 100) / TRUNC;
    const d = w.heNormal([...n], { seed: 3, distribution: 'truncatedNormal' }).toArray();
    const lo = phi(-2);
    const z = phi(2) - lo;
    expect(ksTest(d, (x) => Math.min(1, Math.max(0, (phi(x / s) - lo) / z))).p).toBeGreaterThan(1e-4);
    expect(meanStd(d).std).toBeCloseTo(Math.sqrt(2 / 100), 3);
  });
  it('glorotNormal is N(0, 2/(100 + 1000))', async () => {
    const w = await shared();
    const s = Math.sqrt(2 / 1100);
    const d = w.glorotNormal([...n], { seed: 4 }).toArray();
    expect(ksTest(d, (x) => phi(x / s)).p).toBeGreaterThan(1e-4);
  });
  it('a KS test that must fail: heNormal is not glorotNormal', async () => {
    const w = await shared();
    const s = Math.sqrt(2 / 1100);
    const d = w.heNormal([...n], { seed: 4 }).toArray();
    expect(ksTest(d, (x) => phi(x / s)).p).toBeLessThan(1e-4);
  });
});

describe('structured fillers: exact values', () => {
  it('constant, zeros, ones (value stored as float32)', async () => {
    const w = await shared();
    expect(Array.from(w.zeros([2, 3]).data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(w.ones([3]).data)).toEqual([1, 1, 1]);
    expect(Array.from(w.constant([2, 2], { value: 0.1 }).data)).toEqual(Array(4).fill(Math.fround(0.1)));
    expect(Array.from(w.constant([2], { value: 0.1, dtype: 'float64' }).data)).toEqual([Math.fround(0.1), Math.fround(0.1)]);
    expect(Array.from(w.constant([2], { value: -2.5, dtype: 'bfloat16' }).data)).toEqual([0xc020, 0xc020]);
    expect(w.constant([0, 4], { value: 3 }).size).toBe(0);
  });
  it('deterministic fillers do not advance the key sequence', async () => {
    const { load } = await import('../src/index.js');
    const a = await load({ seed: 99 });
    const b = await load({ seed: 99 });
    a.normal([10]);
    const a2 = a.normal([10]).toArray();
    b.normal([10]);
    b.zeros([5]);
    b.eye([3, 3]);
    b.constant([2], { value: 1 });
    b.dirac([2, 2, 3]);
    expect(b.normal([10]).toArray()).toEqual(a2);
  });
  it('eye: rectangular, gain, range', async () => {
    const w = await shared();
    expect(Array.from(w.eye([2, 4], { gain: 2 }).data)).toEqual([2, 0, 0, 0, 0, 2, 0, 0]);
    expect(Array.from(w.eye([4, 2]).data)).toEqual([1, 0, 0, 1, 0, 0, 0, 0]);
    expect(Array.from(w.eye([3, 3], { range: [2, 7] }).data)).toEqual([0, 0, 1, 0, 0]);
    const big = w.eye([300, 500]).toArray();
    for (let i = 0; i < 300; i++) for (let j = 0; j < 500; j++) if (big[i * 500 + j] !== (i === j ? 1 : 0)) expect([i, j]).toBe('diagonal only');
    expect(w.eye([0, 3]).size).toBe(0);
  });
  // a direct transcription of the definition: w[o, i, k...] = 1 iff i = o mod (out/groups),
  // i < min(out/groups, in), and every k is the centre k_d // 2
  function diracRef(shape: number[], groups: number): number[] {
    const [out, inC, ...ks] = shape as [number, number, ...number[]];
    const per = out / groups;
    const res: number[] = [];
    const kcount = ks.reduce((a, b) => a * b, 1);
    for (let o = 0; o < out; o++) {
      for (let i = 0; i < inC; i++) {
        for (let k = 0; k < kcount; k++) {
          let rest = k;
          let centre = true;
          for (let d = ks.length - 1; d >= 0; d--) {
            if (rest % ks[d]! !== Math.floor(ks[d]! / 2)) centre = false;
            rest = Math.floor(rest / ks[d]!);
          }
          res.push(centre && i === o % per && i < Math.min(per, inC) ? 1 : 0);
        }
      }
    }
    return res;
  }
  for (const [shape, groups] of [
    [[4, 2, 3], 1],
    [[4, 2, 3], 2],
    [[6, 4, 3, 3], 1],
    [[6, 2, 3, 5], 3],
    [[4, 4, 3, 3, 3], 2],
    [[2, 5, 4], 1],
  ] as [number[], number][]) {
    it(`dirac ${JSON.stringify(shape)} groups ${groups} (torch and tf layouts)`, async () => {
      const w = await shared();
      const want = diracRef(shape, groups);
      expect(Array.from(w.dirac(shape, { groups }).data)).toEqual(want);
      // tf layout [...kernel, in, out]: the same tensor, axes permuted
      const [out, inC, ...ks] = shape as [number, number, ...number[]];
      const tf = w.dirac([...ks, inC, out], { groups, layout: 'tf' }).toArray();
      const kc = ks.reduce((a, b) => a * b, 1);
      for (let o = 0; o < out; o++) for (let i = 0; i < inC; i++) for (let k = 0; k < kc; k++) {
        expect(tf[(k * inC + i) * out + o]).toBe(want[(o * inC + i) * kc + k]);
      }
    });
  }
  it('sparse: ceil(sparsity·rows) zeros in every column, normal non-zeros, pure in the seed', async () => {
    const w = await shared();
    const [rows, cols] = [37, 300];
    for (const s of [0, 0.1, 0.5, 0.99, 1]) {
      const d = w.sparse([rows, cols], { sparsity: s, std: 0.5, seed: 8 }).toArray();
      const k = Math.ceil(s * rows);
      for (let c = 0; c < cols; c++) {
        let z = 0;
        for (let r = 0; r < rows; r++) if (d[r * cols + c] === 0) z++;
        expect(z, `sparsity ${s}, column ${c}`).toBe(k);
      }
    }
    const a = w.sparse([rows, cols], { sparsity: 0.3, seed: 8 }).toArray();
    const b = w.sparse([rows, cols], { sparsity: 0.3, seed: 9 }).toArray();
    expect(a.map((x) => (x === 0 ? 1 : 0))).not.toEqual(b.map((x) => (x === 0 ? 1 : 0)));
    expect(w.sparse([rows, cols], { sparsity: 0.3, seed: 8 }).toArray()).toEqual(a);
    // range and out: the same values
    expect(w.sparse([rows, cols], { sparsity: 0.3, seed: 8, range: [1234, 5678] }).toArray()).toEqual(a.subarray(1234, 5678));
    const out = new Float32Array(rows * cols);
    w.sparse([rows, cols], { sparsity: 0.3, seed: 8, out });
    expect(out).toEqual(a);
  });
  it('sparse: the non-zeros are N(0, std²) (KS) and every row is equally likely to be zero', async () => {
    const w = await shared();
    const [rows, cols] = [10, 20000];
    const d = w.sparse([rows, cols], { sparsity: 0.3, std: 0.01, seed: 4 }).toArray();
    const nz = d.filter((x) => x !== 0);
    expect(nz.length).toBe(7 * cols);
    expect(ksTest(nz, (x) => phi(x / 0.01)).p).toBeGreaterThan(1e-4);
    // zeros per row ~ Binomial(cols, 3/10): mean 6000, sd 65
    for (let r = 0; r < rows; r++) {
      let z = 0;
      for (let c = 0; c < cols; c++) if (d[r * cols + c] === 0) z++;
      expect(Math.abs(z - 6000)).toBeLessThan(6 * 65);
    }
  });
  it('out is chunked for the fan-based presets too: out = tensor, 300k elements', async () => {
    const w = await shared();
    const t = w.kaimingNormal([300, 1000], { seed: 6 }).toArray();
    const out = new Float32Array(300_000);
    w.kaimingNormal([300, 1000], { seed: 6, out });
    expect(out).toEqual(t);
    const r = w.glorotNormal([300, 1000], { seed: 6, distribution: 'truncatedNormal', range: [70_000, 140_001] }).toArray();
    expect(r).toEqual(w.glorotNormal([300, 1000], { seed: 6, distribution: 'truncatedNormal' }).toArray().subarray(70_000, 140_001));
  });
  it('presets are one-line varianceScaling calls: identical bits', async () => {
    const w = await shared();
    const s = [64, 32, 3, 3];
    expect(w.heNormal(s, { seed: 5 }).toArray()).toEqual(w.varianceScaling(s, { scale: 2, mode: 'fanIn', distribution: 'normal', seed: 5 }).toArray());
    expect(w.glorotUniform(s, { seed: 5 }).toArray()).toEqual(w.varianceScaling(s, { scale: 1, mode: 'fanAvg', distribution: 'uniform', seed: 5 }).toArray());
    expect(w.kaimingUniform(s, { seed: 5 }).toArray()).toEqual(w.heUniform(s, { seed: 5 }).toArray());
    expect(w.xavierNormal(s, { seed: 5 }).toArray()).toEqual(w.glorotNormal(s, { seed: 5 }).toArray());
  });
});

describe('degenerate scales', () => {
  it('gain 0 or scale 0 gives zeros for every distribution (no NaN, no error)', async () => {
    const w = await shared();
    for (const d of ['normal', 'truncatedNormal', 'uniform'] as const) {
      expect(Array.from(w.varianceScaling([4, 5], { scale: 0, distribution: d, seed: 1 }).data)).toEqual(Array(20).fill(0));
    }
    expect(Array.from(w.glorotNormal([4, 5], { gain: 0, seed: 1 }).data)).toEqual(Array(20).fill(0));
    expect(Array.from(w.xavierUniform([4, 5], { gain: 0, seed: 1 }).data)).toEqual(Array(20).fill(0));
  });
  it('a negative gain flips nothing: the distribution is symmetric, std = |gain|·√(2/(fan_in+fan_out))', async () => {
    const w = await shared();
    const d = w.glorotNormal([500, 400], { gain: -2, seed: 1 }).toArray();
    expect(meanStd(d).std / (2 * Math.sqrt(2 / 900))).toBeCloseTo(1, 2);
  });
});
