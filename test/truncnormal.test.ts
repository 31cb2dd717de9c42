// Truncated normal: the float64 Φ⁻¹ against the test helpers' erfc, fixed-seed KS tests of
// the samples against the exact truncated CDF (tails included), bounds never left, bad input.
import { engineOf } from '../src/engine/engine.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WeightInit } from '../src/weightinit.js';
import { wi as shared } from './helpers/load.js';
import { erfc, ksTest, meanStd } from './helpers/stats.js';

/** Q(x) = P(Z > x), tail-accurate for x >= 0 (helpers' erfc). */
const Q = (x: number) => (x === Infinity ? 0 : x === -Infinity ? 1 : x >= 0 ? 0.5 * erfc(x / Math.SQRT2) : 1 - 0.5 * erfc(-x / Math.SQRT2));
/** Φ(x), tail-accurate for x <= 0. */
const Phi = (x: number) => Q(-x);

/** CDF of N(mean, std²) truncated to [a, b], computed on the side where the mass is a tail. */
function truncCdf(mean: number, std: number, a: number, b: number): (x: number) => number {
  const al = (a - mean) / std;
  const be = (b - mean) / std;
  if (al >= 0) {
    const qa = Q(al);
    const z = qa - Q(be);
    return (x) => Math.min(1, Math.max(0, (qa - Q((x - mean) / std)) / z));
  }
  const pa = Phi(al);
  const z = Phi(be) - pa;
  return (x) => Math.min(1, Math.max(0, (Phi((x - mean) / std) - pa) / z));
}

/**
 * CDF of the standard normal truncated to [a, b] far in the upper tail (where Q underflows):
 * Simpson integration of e^{-(t² - a²)/2} on a fine grid, then linear interpolation.
 */
function farTailCdf(a: number, b: number): (x: number) => number {
  const n = 200000;
  const h = (b - a) / n;
  const f = (t: number) => Math.exp(-(t * t - a * a) / 2);
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const t = a + i * h;
    cum[i + 1] = cum[i]! + (h / 6) * (f(t) + 4 * f(t + h / 2) + f(t + h));
  }
  const total = cum[n]!;
  return (x) => {
    if (x <= a) return 0;
    if (x >= b) return 1;
    const u = (x - a) / h;
    const i = Math.min(n - 1, Math.floor(u));
    return (cum[i]! + (u - i) * (cum[i + 1]! - cum[i]!)) / total;
  };
}

/** Is some float32 value inside [a, b]? (the float32 at or above a, by stepping its bits) */
function hasFloat32Inside(a: number, b: number): boolean {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  f[0] = a;
  if (f[0] < a) {
    if (f[0] === 0) f[0] = 1.401298464324817e-45;
    else u[0] = f[0] > 0 ? u[0]! + 1 : u[0]! - 1;
  }
  return f[0]! <= b;
}

interface QuantileExports {
  normalQuantile(p: number): number;
  normalUpperTail(x: number): number;
}

describe('float64 Φ and Φ⁻¹ (kernel math)', () => {
  it('Q(x) matches the helpers’ erfc to 1e-11 relative (the helper’s own accuracy), both tails, |x| up to 37', async () => {
    const k = engineOf(await shared()).core as unknown as QuantileExports;
    for (let x = -8; x <= 37; x += 0.37) {
      const want = Q(x);
      expect(Math.abs(k.normalUpperTail(x) - want) / want, `x = ${x}`).toBeLessThan(1e-11);
    }
    expect(k.normalUpperTail(Infinity)).toBe(0);
    expect(k.normalUpperTail(-Infinity)).toBe(1);
  });
  it('Φ(Φ⁻¹(p)) = p to 1e-11 relative from p = 1e-300 to 1 - 1e-12', async () => {
    const k = engineOf(await shared()).core as unknown as QuantileExports;
    for (let e = -300; e <= -1; e += 0.5) {
      const p = 10 ** e;
      const z = k.normalQuantile(p);
      expect(z).toBeLessThan(0);
      expect(Math.abs(Phi(z) - p) / p, `p = 1e${e}`).toBeLessThan(1e-11);
      // symmetric: the quantile of 1 - p (p not tiny, so 1 - p is representable well)
      if (p > 1e-6) expect(Math.abs(k.normalQuantile(1 - p) + z)).toBeLessThan(1e-9);
    }
    expect(k.normalQuantile(0.5)).toBe(0);
  });
});

interface Case {
  name: string;
  mean: number;
  std: number;
  a: number;
  b: number;
  cdf?: (x: number) => number;
}
const N = 100_000;
const cases: Case[] = [
  { name: 'standard [-2, 2]', mean: 0, std: 1, a: -2, b: 2 },
  { name: 'half-line [0, ∞)', mean: 0, std: 1, a: 0, b: Infinity },
  { name: 'left half-line (-∞, 0.3]', mean: 0, std: 1, a: -Infinity, b: 0.3 },
  { name: 'upper tail [3, 4]', mean: 0, std: 1, a: 3, b: 4 },
  { name: 'far tail [8, 9]', mean: 0, std: 1, a: 8, b: 9 },
  { name: 'far lower tail [-9, -8] with mean 1, std 0.5 → α, β = -20, -18', mean: 1, std: 0.5, a: -9, b: -8 },
  { name: 'one-sided far tail [12, ∞)', mean: 0, std: 1, a: 12, b: Infinity },
  { name: 'PyTorch default bounds with std 0.02 (truncates nothing)', mean: 0, std: 0.02, a: -2, b: 2 },
  { name: 'shifted mean outside the interval [1, 1.5], mean -1', mean: -1, std: 0.7, a: 1, b: 1.5 },
  { name: 'beyond float64 tails: [40, 41]', mean: 0, std: 1, a: 40, b: 41, cdf: farTailCdf(40, 41) },
  { name: 'beyond float64 tails, mirrored: [-41, -40]', mean: 0, std: 1, a: -41, b: -40, cdf: ((f) => (x: number) => 1 - f(-x))(farTailCdf(40, 41)) },
];

describe('truncatedNormal: KS against the exact truncated CDF (fixed seeds, p > 1e-4)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const w = await shared();
      const t = w.truncatedNormal([N], { mean: c.mean, std: c.std, a: c.a, b: c.b, seed: 2026 });
      const d = t.toArray();
      t.free();
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of d) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      expect(lo).toBeGreaterThanOrEqual(c.a);
      expect(hi).toBeLessThanOrEqual(c.b);
      const { p } = ksTest(d, c.cdf ?? truncCdf(c.mean, c.std, c.a, c.b));
      expect(p).toBeGreaterThan(1e-4);
    });
  }

  it('std 0.02 with ±2: no clamped outliers, std 0.02 (PyTorch #155588 shape of bug absent)', async () => {
    const w = await shared();
    const d = w.truncatedNormal([1 << 20], { std: 0.02, seed: 5 }).toArray();
    let maxAbs = 0;
    for (const x of d) maxAbs = Math.max(maxAbs, Math.abs(x));
    // 2^20 normals: the largest |z| is about 5.3σ; 7σ would be a one-in-10^5 event
    expect(maxAbs).toBeLessThan(7 * 0.02);
    expect(meanStd(d).std).toBeCloseTo(0.02, 4);
  });

  it('a KS test that must fail: the [3, 4] sample is not N(0,1) truncated to [2.9, 4]', async () => {
    const w = await shared();
    const d = w.truncatedNormal([N], { a: 3, b: 4, seed: 2026 }).toArray();
    expect(ksTest(d, truncCdf(0, 1, 2.9, 4)).p).toBeLessThan(1e-4);
  });

  it('narrow intervals: every value inside, centred (density nearly flat across the interval)', async () => {
    const w = await shared();
    for (const [a, b] of [
      [0.5, 0.5 + 1e-5],
      [5, 5 + 1e-4],
      [-1e-6, 1e-6],
    ] as const) {
      const d = w.truncatedNormal([20000], { a, b, seed: 9 }).toArray();
      for (const x of d) {
        expect(x).toBeGreaterThanOrEqual(a);
        expect(x).toBeLessThanOrEqual(b);
      }
      const m = meanStd(d);
      // the density over the interval is nearly uniform: mean at the midpoint, std (b - a)/√12
      expect(Math.abs(m.mean - (a + b) / 2)).toBeLessThan(0.02 * (b - a) + 1.2e-7 * Math.abs(a));
      expect(m.std / ((b - a) / Math.sqrt(12))).toBeCloseTo(1, 1);
    }
  });

  it('bounds that are not float32 values: outputs stay inside [a, b]', async () => {
    const w = await shared();
    const a = 0.1; // float32(0.1) > 0.1
    const b = 0.30000000000000004;
    const d = w.truncatedNormal([50000], { a, b, mean: 0.2, std: 0.05, seed: 1 }).toArray();
    for (const x of d) {
      expect(x).toBeGreaterThanOrEqual(a);
      expect(x).toBeLessThanOrEqual(b);
    }
  });

  it('property: any interval, any mean/std: values inside [a, b]; chunks and ranges equal one shot', async () => {
    const w = await shared();
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.double({ min: 1e-6, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (mean, std, a, width, seed) => {
          const b = a + width;
          if (!hasFloat32Inside(a, b)) {
            expect(() => w.truncatedNormal([3], { mean, std, a, b, seed })).toThrow(/no finite float32 value lies in \[a, b\]/);
            return;
          }
          const d = w.truncatedNormal([3000], { mean, std, a, b, seed }).toArray();
          for (const x of d) {
            expect(Number.isFinite(x)).toBe(true);
            expect(x).toBeGreaterThanOrEqual(a);
            expect(x).toBeLessThanOrEqual(b);
          }
          const part = w.truncatedNormal([3000], { mean, std, a, b, seed, range: [1000, 2100] }).toArray();
          expect(Array.from(part)).toEqual(Array.from(d.subarray(1000, 2100)));
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });

  it('index-pure: out (chunked through scratch) equals the in-memory tensor, 200k elements', async () => {
    const w = await shared();
    const t = w.truncatedNormal([200_000], { a: -0.5, b: 3, seed: 12 }).toArray();
    const out = new Float32Array(200_000);
    w.truncatedNormal([200_000], { a: -0.5, b: 3, seed: 12, out });
    expect(out).toEqual(t);
  });
});

describe('truncatedNormal: bad input', () => {
  const bad: [string, (w: WeightInit) => unknown, typeof RangeError, RegExp][] = [
    ['a = b', (w) => w.truncatedNormal([3], { a: 1, b: 1 }), RangeError, /a must be less than b.*got a = 1, b = 1/],
    ['a > b', (w) => w.truncatedNormal([3], { a: 2, b: -2 }), RangeError, /a must be less than b/],
    ['no float32 inside', (w) => w.truncatedNormal([3], { a: 1 + 1e-12, b: 1 + 2e-12 }), RangeError, /no finite float32 value lies in \[a, b\]/],
    ['NaN bound', (w) => w.truncatedNormal([3], { a: Number.NaN }), RangeError, /a must be a number \(or ±Infinity\), got NaN/],
    ['string bound', (w) => w.truncatedNormal([3], { b: '2' as never }), TypeError, /b must be a number/],
    ['std 0', (w) => w.truncatedNormal([3], { std: 0 }), RangeError, /std must be > 0 and at least the smallest positive float32 \(1.4e-45\), got 0/],
    ['std negative', (w) => w.truncatedNormal([3], { std: -1 }), RangeError, /std must be > 0/],
    ['mean infinite', (w) => w.truncatedNormal([3], { mean: Infinity }), RangeError, /mean must be a finite number/],
    ['unknown option', (w) => w.truncatedNormal([3], { lower: 0 } as never), TypeError, /unknown option "lower"; valid options are "mean", "std", "a", "b", "seed", "name", "out", "range", "dtype"/],
    ['bad dtype', (w) => w.truncatedNormal([3], { dtype: 'int8' as never }), RangeError, /dtype must be one of "float32", "float64", "float16", "bfloat16", got "int8"/],
  ];
  for (const [label, f, type, msg] of bad) {
    it(label, async () => {
      const w = await shared();
      const live = engineOf(w).heap.liveCount;
      const bytes = w.memory.buffer.byteLength;
      expect(() => f(w)).toThrow(type);
      expect(() => f(w)).toThrow(msg);
      expect(() => f(w)).toThrow(/^weightinit\.truncatedNormal: /);
      expect(engineOf(w).heap.liveCount).toBe(live);
      expect(w.memory.buffer.byteLength).toBe(bytes);
    });
  }
});
