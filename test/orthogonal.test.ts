// Orthogonal and delta-orthogonal initialization: orthogonality, gain, PyTorch reshaping, the
// Haar distribution (fixed seeds), agreement with a float64 reference Gram-Schmidt on the same
// Gaussian input, rank-deficient input, and bad input.
import { engineOf } from '../src/engine/engine.js';
import { describe, expect, it } from 'vitest';
import { badInputCases } from './helpers/bad-input.js';
import { orthonormalizeRows } from '../src/init/orthogonal.js';
import { load, wi } from './helpers/load.js';
import { erf as erfApprox, ksTest } from './helpers/stats.js';
import { det, gramSchmidtRows64, orthogonalityError, transpose } from './orthogonal-reference.js';

const F32_EPS = 2 ** -23;


/**
 * The documented orthogonality bound (the orthogonal() doc, docs/orthogonal.md, README):
 * max |QᵀQ/gain² − I| <= 1.5e-7. Measured here: at most 1.2e-7 up to 2048² for these seeds.
 */
const DOC_BOUND = 1.5e-7;
describe('orthogonal: orthonormal columns (tall/square) or rows (wide)', () => {
  const shapes: number[][] = [
    [1, 1],
    [2, 2],
    [7, 3],
    [3, 7],
    [64, 64],
    [250, 250],
    [256, 256],
    [512, 128],
    [128, 512],
    [1024, 1024],
    [64, 32, 3, 3], // conv2d weight: 64 x 288 (wide)
    [512, 16, 3], // conv1d weight: 512 x 48 (tall)
    [33, 5, 2, 2, 2], // conv3d weight: 33 x 40 (wide)
  ];
  for (const shape of shapes) {
    it(`${shape.join('x')}: max |QᵀQ - I| <= 1.5e-7 (the documented bound)`, async () => {
      const w = await wi();
      const t = w.orthogonal(shape, { seed: 11 });
      const rows = shape[0]!;
      const cols = t.size / rows;
      expect(t.shape).toEqual(shape);
      const err = orthogonalityError(t.data, rows, cols);
      expect(err).toBeLessThanOrEqual(DOC_BOUND);
      expect(t.data.every(Number.isFinite)).toBe(true);
      t.free();
    });
  }

  it('2048x2048: every diagonal entry and 20,000 sampled off-diagonal entries of QᵀQ within 1.5e-7 (the documented bound)', async () => {
    // the full float64 QᵀQ is 8.6e9 multiply-adds in JS; rows of a square Q are orthonormal
    // exactly when its columns are, so sample row pairs (contiguous) with a fixed LCG
    const w = await wi();
    const n = 2048;
    const t = w.orthogonal([n, n], { seed: 2048 });
    const q = t.data;
    const dot = (i: number, j: number): number => {
      let s = 0;
      for (let x = 0; x < n; x++) s += q[i * n + x]! * q[j * n + x]!;
      return s;
    };
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(dot(i, i) - 1));
    let state = 12345;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    for (let k = 0; k < 20_000; k++) {
      const i = next();
      const j = next();
      if (i !== j) err = Math.max(err, Math.abs(dot(i, j)));
    }
    t.free();
    expect(err).toBeLessThanOrEqual(DOC_BOUND);
  });

  it('gain multiplies every value exactly: W(gain) = fround(gain · W(1)), WᵀW = gain²·I', async () => {
    const w = await wi();
    for (const shape of [[40, 17], [17, 40], [32, 32]]) {
      const one = w.orthogonal(shape, { seed: 5 }).toArray();
      const g = w.orthogonal(shape, { seed: 5, gain: 2.5 });
      for (let i = 0; i < one.length; i++) expect(g.data[i]).toBe(Math.fround(one[i]! * 2.5));
      expect(orthogonalityError(g.data, shape[0]!, shape[1]!, 2.5)).toBeLessThanOrEqual(DOC_BOUND);
      const neg = w.orthogonal(shape, { seed: 5, gain: -1 }).toArray();
      expect(Array.from(neg)).toEqual(Array.from(one, (x) => -x));
    }
  });

  it('N-D shapes are the 2-D matrix [shape[0], rest] reshaped, as PyTorch', async () => {
    const w = await wi();
    const nd = w.orthogonal([8, 3, 2, 2], { seed: 3 });
    const flat = w.orthogonal([8, 12], { seed: 3 });
    expect(nd.shape).toEqual([8, 3, 2, 2]);
    expect(Array.from(nd.data)).toEqual(Array.from(flat.data));
    expect(orthogonalityError(nd.data, 8, 12)).toBeLessThanOrEqual(DOC_BOUND);
    const tall = w.orthogonal([30, 2, 2, 2], { seed: 4 });
    expect(orthogonalityError(tall.data, 30, 8)).toBeLessThanOrEqual(DOC_BOUND);
  });

  it('tall = transpose of wide with the same key (both orthonormalise the rows of normal([k, n]))', async () => {
    const w = await wi();
    const wide = w.orthogonal([17, 40], { seed: 8 }).toArray();
    const tall = w.orthogonal([40, 17], { seed: 8 }).toArray();
    expect(Array.from(tall)).toEqual(Array.from(transpose(wide, 17, 40)));
  });

  it('zero elements give an empty tensor of the requested shape', async () => {
    const w = await wi();
    for (const shape of [[0, 5], [5, 0], [4, 0, 3], [0, 0]]) {
      const t = w.orthogonal(shape, { seed: 1 });
      expect(t.shape).toEqual(shape);
      expect(t.size).toBe(0);
      expect(t.data.length).toBe(0);
    }
  });
});

describe('orthogonal: determinism and the common options', () => {
  it('same seed, same bits; another seed, other values; unseeded calls follow the key sequence', async () => {
    const a = await load({ seed: 77 });
    const b = await load({ seed: 77 });
    const x = a.orthogonal([48, 20], { seed: 123 }).toArray();
    const y = b.orthogonal([48, 20], { seed: 123 }).toArray();
    expect(new Uint32Array(x.buffer)).toEqual(new Uint32Array(y.buffer));
    const z = a.orthogonal([48, 20], { seed: 124 }).toArray();
    expect(Array.from(z)).not.toEqual(Array.from(x));
    const u1 = a.orthogonal([20, 48]).toArray();
    const u2 = b.orthogonal([20, 48]).toArray();
    expect(Array.from(u1)).toEqual(Array.from(u2));
  });

  it('out, range and dtype give the same values as the tensor', async () => {
    const w = await wi();
    // bigger than one 64 Ki-element chunk, so out/dtype go through several kernel calls
    const shape = [300, 260];
    const full = w.orthogonal(shape, { seed: 21 }).toArray();
    const out = new Float32Array(full.length);
    expect(w.orthogonal(shape, { seed: 21, out })).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(full));
    const part = w.orthogonal(shape, { seed: 21, range: [70_000, 70_123] });
    expect(Array.from(part.data)).toEqual(Array.from(full.subarray(70_000, 70_123)));
    const f64 = w.orthogonal(shape, { seed: 21, dtype: 'float64' });
    expect(f64.data).toBeInstanceOf(Float64Array);
    expect(Array.from(f64.data)).toEqual(Array.from(full));
  });

  it('leaves no wasm memory behind (work buffers are freed)', async () => {
    const w = await load({ seed: 1 });
    const live = engineOf(w).heap.liveCount;
    w.orthogonal([200, 50], { seed: 1 }).free();
    w.orthogonal([50, 200], { seed: 1, out: new Float32Array(10_000) });
    w.deltaOrthogonal([16, 8, 3, 3], { seed: 1, dtype: 'float64' }).free();
    // the instance's one lazily made scratch buffer for out/dtype may now exist
    expect(engineOf(w).heap.liveCount).toBeLessThanOrEqual(live + 1);
  });
});

describe('orthogonal: the kernel against a float64 reference Gram-Schmidt', () => {
  // Same Gaussian input: the kernel orthonormalises the rows of wi.normal([k, n], { seed }).
  const sizes: [number, number][] = [[1, 1], [1, 9], [5, 7], [7, 7], [16, 40], [17, 17], [33, 33], [20, 61], [40, 100]];
  for (const [k, n] of sizes) {
    it(`${k}x${n}: agrees to float32 precision`, async () => {
      const w = await wi();
      const seed = 1000 + k * 7 + n;
      const g = w.normal([k, n], { seed }).toArray();
      const ref = gramSchmidtRows64(g, k, n);
      const q = w.orthogonal([k, n], { seed }).data;
      let diff = 0;
      for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(q[i]! - ref[i]!));
      // measured: at most 2.5e-7 (7x7) for these seeds; 20 float32 epsilons is 2.4e-6
      expect(diff).toBeLessThan(20 * F32_EPS);
      // and the tall shape is its transpose
      if (k < n) {
        const qt = w.orthogonal([n, k], { seed }).data;
        const rt = transpose(ref, k, n);
        let d2 = 0;
        for (let i = 0; i < rt.length; i++) d2 = Math.max(d2, Math.abs(qt[i]! - rt[i]!));
        expect(d2).toBeLessThan(20 * F32_EPS);
      }
    });
  }

  it('a mismatched reference would fail: another seed is far away', async () => {
    const w = await wi();
    const ref = gramSchmidtRows64(w.normal([16, 40], { seed: 1 }).toArray(), 16, 40);
    const q = w.orthogonal([16, 40], { seed: 2 }).data;
    let diff = 0;
    for (let i = 0; i < ref.length; i++) diff = Math.max(diff, Math.abs(q[i]! - ref[i]!));
    expect(diff).toBeGreaterThan(0.1);
  });
});

describe('orthogonal: Haar distribution (fixed seeds)', () => {
  it('2x2: the angle of the first column is uniform on (-pi, pi] (KS p > 1e-4); det = ±1 equally often', async () => {
    const w = await wi();
    const N = 4000;
    const angles = new Float64Array(N);
    let pos = 0;
    for (let s = 0; s < N; s++) {
      const q = w.orthogonal([2, 2], { seed: 50_000 + s }).data;
      angles[s] = Math.atan2(q[2]!, q[0]!);
      if (det(q, 2) > 0) pos++;
    }
    const { p } = ksTest(angles, (x) => (x + Math.PI) / (2 * Math.PI));
    expect(p).toBeGreaterThan(1e-4);
    // binomial(4000, 1/2): sd 31.6; 4 sd
    expect(Math.abs(pos - N / 2)).toBeLessThan(4 * Math.sqrt(N / 4));
    // the check can fail: the same angles against a skewed CDF
    expect(ksTest(angles, (x) => ((x + Math.PI) / (2 * Math.PI)) ** 1.2).p).toBeLessThan(1e-4);
  });

  it('3x3: rotation angle of the SO(3) part has CDF (w - sin w)/pi; Q e1 is uniform on the sphere', async () => {
    const w = await wi();
    const N = 3000;
    const omega = new Float64Array(N);
    const z = new Float64Array(N);
    let pos = 0;
    for (let s = 0; s < N; s++) {
      const q = Array.from(w.orthogonal([3, 3], { seed: 90_000 + s }).data);
      const d = det(q, 3);
      if (d > 0) pos++;
      const r = d > 0 ? q : q.map((x) => -x); // -Q is a rotation when det Q = -1 (odd size)
      const tr = r[0]! + r[4]! + r[8]!;
      omega[s] = Math.acos(Math.min(1, Math.max(-1, (tr - 1) / 2)));
      z[s] = q[6]!; // third coordinate of the first column: uniform on [-1, 1] (Archimedes)
    }
    expect(ksTest(omega, (x) => (x - Math.sin(x)) / Math.PI).p).toBeGreaterThan(1e-4);
    expect(ksTest(z, (x) => (x + 1) / 2).p).toBeGreaterThan(1e-4);
    expect(Math.abs(pos - N / 2)).toBeLessThan(4 * Math.sqrt(N / 4));
    // a uniform angle (not Haar) would be rejected
    expect(ksTest(omega, (x) => x / Math.PI).p).toBeLessThan(1e-4);
  });

  it('4x4: each diagonal entry is positive half of the time (no sign bias from R > 0)', async () => {
    const w = await wi();
    const N = 2000;
    const pos = [0, 0, 0, 0];
    for (let s = 0; s < N; s++) {
      const q = w.orthogonal([4, 4], { seed: 7_000 + s }).data;
      for (let i = 0; i < 4; i++) if (q[i * 5]! > 0) pos[i]!++;
    }
    for (const c of pos) expect(Math.abs(c - N / 2)).toBeLessThan(4 * Math.sqrt(N / 4));
  });

  it('entries have mean 0 and variance 1/n (64x64, 1/n = 1/64), and are not Gaussian-scaled', async () => {
    const w = await wi();
    const n = 64;
    let s1 = 0;
    let s2 = 0;
    let count = 0;
    for (let seed = 0; seed < 8; seed++) {
      const q = w.orthogonal([n, n], { seed: 300 + seed }).data;
      for (const x of q) {
        s1 += x;
        s2 += x * x;
        count++;
      }
    }
    const mean = s1 / count;
    // each matrix has sum of squares exactly n, so the variance is 1/n to rounding
    expect(Math.abs(s2 / count - 1 / n)).toBeLessThan(1e-6);
    // entries are ~N(0, 1/n): sd of the mean over 32768 entries ~ 0.00069
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(1 / n / count));
    // entry distribution for a wide 16 x 1024 matrix: ~N(0, 1/1024), KS against that normal
    const q = w.orthogonal([16, 1024], { seed: 17 }).toArray();
    const sd = 1 / Math.sqrt(1024);
    const cdf = (x: number) => 0.5 * (1 + erfApprox(x / (sd * Math.SQRT2)));
    expect(ksTest(q, cdf).p).toBeGreaterThan(1e-4);
  });
});

describe('orthogonal: rank-deficient input through the internal entry point', () => {
  // Rows that collapse under projection are replaced by unit directions e_c orthogonalised
  // against the earlier rows (docs/orthogonal.md): never NaN, always orthonormal.
  const cases: [string, number, number, (i: number, x: number) => number][] = [
    ['all zeros', 6, 10, () => 0],
    ['zero rows between Gaussian ones', 8, 8, (i, x) => (i % 3 === 1 ? 0 : Math.sin(1 + i * 7.3 + x * 1.1) + Math.cos(x * i))],
    ['rank 1 (every row a multiple of the first)', 12, 12, (i, x) => (i + 1) * Math.sin(x + 0.5)],
    ['exact duplicates', 10, 20, (i, x) => Math.sin(((i >> 1) + 1) * (x + 1))],
    ['rank 2 square, 40x40', 40, 40, (i, x) => Math.sin(x) * (i + 1) - Math.cos(2 * x) * (i % 5)],
    ['tiny but nonzero row', 5, 9, (i, x) => (i === 2 ? 1e-30 : Math.cos(i + x * 0.7))],
    ['row that is a float32 multiple of an earlier one (exact cancellation)', 6, 33, (i, x) => (i === 3 ? 2 * Math.fround(Math.sin(x)) : i === 0 ? Math.fround(Math.sin(x)) : Math.cos(i * x))],
  ];
  for (const [name, k, n, f] of cases) {
    it(`${name}: ${k}x${n} comes out orthonormal, no NaN`, async () => {
      const w = await wi();
      const a = new Float32Array(k * n);
      for (let i = 0; i < k; i++) for (let x = 0; x < n; x++) a[i * n + x] = f(i, x);
      const q = orthonormalizeRows(engineOf(w), a, k, n);
      expect(q.every(Number.isFinite)).toBe(true);
      expect(orthogonalityError(q, k, n)).toBeLessThanOrEqual(1e-6);
    });
  }

  it('full-rank rows keep their span order: row i is in span(rows 0..i) with a positive coefficient', async () => {
    const w = await wi();
    const k = 6;
    const n = 9;
    const a = new Float32Array(k * n);
    for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 1.7) + (i % n === Math.floor(i / n) ? 2 : 0);
    const q = orthonormalizeRows(engineOf(w), a, k, n);
    // R = Q Aᵀ is upper triangular... in row terms: q_i · a_j = 0 for j < i, > 0 for j = i
    for (let i = 0; i < k; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let x = 0; x < n; x++) s += q[i * n + x]! * a[j * n + x]!;
        if (j < i) expect(Math.abs(s)).toBeLessThan(1e-5);
        else expect(s).toBeGreaterThan(0);
      }
    }
  });
});

describe('deltaOrthogonal', () => {
  it('torch layout [out, in, ...kernel]: zero except the centre, which is orthogonal([out, in])', async () => {
    const w = await wi();
    for (const shape of [[16, 8, 3], [16, 8, 3, 3], [12, 12, 3, 5, 3], [10, 4, 4, 2]]) {
      const t = w.deltaOrthogonal(shape, { seed: 9, gain: 1.5 });
      const [out, inC] = shape as [number, number];
      const kd = shape.slice(2);
      const ks = kd.reduce((a, b) => a * b, 1);
      let centre = 0;
      for (const d of kd) centre = centre * d + Math.floor((d - 1) / 2);
      const m = w.orthogonal([out, inC], { seed: 9, gain: 1.5 }).toArray();
      const d = t.data;
      for (let e = 0; e < d.length; e++) {
        const pos = e % ks;
        const oi = Math.floor(e / ks);
        expect(d[e]).toBe(pos === centre ? m[oi] : 0);
      }
      expect(orthogonalityError(m, out, inC, 1.5)).toBeLessThanOrEqual(DOC_BOUND);
    }
  });

  it("tf layout [...kernel, in, out]: the centre is orthogonal([in, out]), the torch centre's transpose", async () => {
    const w = await wi();
    const t = w.deltaOrthogonal([3, 3, 8, 16], { seed: 4, layout: 'tf' }).toArray();
    const torch = w.deltaOrthogonal([16, 8, 3, 3], { seed: 4 }).toArray();
    const m = w.orthogonal([8, 16], { seed: 4 }).toArray();
    const centre = 1 * 3 + 1;
    for (let e = 0; e < t.length; e++) {
      const blk = Math.floor(e / 128);
      expect(t[e]).toBe(blk === centre ? m[e % 128] : 0);
    }
    for (let o = 0; o < 16; o++) for (let i = 0; i < 8; i++) expect(torch[(o * 8 + i) * 9 + 4]).toBe(m[i * 16 + o]);
  });

  it('zero-size kernels give empty tensors', async () => {
    const w = await wi();
    expect(w.deltaOrthogonal([4, 2, 0], { seed: 1 }).size).toBe(0);
    expect(w.deltaOrthogonal([0, 0, 3], { seed: 1 }).size).toBe(0);
  });
});

describe('orthogonal: bad input', () => {
  type W = Awaited<ReturnType<typeof load>>;
  const cases: [string, (w: W) => unknown, typeof RangeError | typeof TypeError, RegExp][] = [
    ['1-D shape', (w) => w.orthogonal([5]), RangeError, /weightinit\.orthogonal: shape must have at least 2 dimensions.*got \[5\] \(1-D\)/],
    ['0-D shape', (w) => w.orthogonal([]), RangeError, /at least 2 dimensions.*got \[\] \(0-D\)/],
    ['negative dim', (w) => w.orthogonal([4, -2]), RangeError, /shape\[1\] must be a non-negative integer, got -2/],
    ['gain string', (w) => w.orthogonal([4, 4], { gain: '2' as never }), TypeError, /gain must be a number, got "2"/],
    ['gain NaN', (w) => w.orthogonal([4, 4], { gain: Number.NaN }), RangeError, /gain must be a finite number, got NaN/],
    ['gain beyond float32', (w) => w.orthogonal([4, 4], { gain: 1e39 }), RangeError, /gain must be representable as a finite float32/],
    ['dtype', (w) => w.orthogonal([4, 4], { dtype: 'int8' as never }), RangeError, /dtype must be one of "float32", "float64", "float16", "bfloat16", got "int8"/],
    ['unknown option', (w) => w.orthogonal([4, 4], { scale: 2 } as never), TypeError, /unknown option "scale"; valid options are "gain", "layout", "seed", "name", "out", "range", "dtype"/],
    ['bad seed', (w) => w.orthogonal([4, 4], { seed: -3 }), RangeError, /seed must be a non-negative safe integer.*got -3/],
    ['out length', (w) => w.orthogonal([4, 4], { out: new Float32Array(15) }), RangeError, /out has 15 elements, but 16 are to be written/],
    ['delta 2-D', (w) => w.deltaOrthogonal([4, 4]), RangeError, /weightinit\.deltaOrthogonal: shape must be 3-, 4- or 5-D.*got \[4, 4\] \(2-D\)/],
    ['delta 6-D', (w) => w.deltaOrthogonal([4, 4, 1, 1, 1, 1]), RangeError, /3-, 4- or 5-D/],
    ['delta out < in (torch)', (w) => w.deltaOrthogonal([8, 16, 3, 3]), RangeError, /out channels \(8\) must be >= in channels \(16\).*\[8, 16, 3, 3\].*\[out, in, \.\.\.kernel\]/],
    ['delta out < in (tf)', (w) => w.deltaOrthogonal([3, 3, 16, 8], { layout: 'tf' }), RangeError, /out channels \(8\) must be >= in channels \(16\).*\[\.\.\.kernel, in, out\]/],
    ['delta layout', (w) => w.deltaOrthogonal([8, 4, 3], { layout: 'nchw' as never }), RangeError, /layout must be one of "torch".*"tf".*got "nchw"/],
    ['delta layout type', (w) => w.deltaOrthogonal([8, 4, 3], { layout: 1 as never }), TypeError, /layout must be one of.*got 1/],
  ];
  badInputCases(cases);
});
