// The truncated normal's fast path (docs/truncnormal.md): for intervals holding at least half of
// the normal's mass, element i is element i of normal(mean, std) when that lies in [a, b], else
// the float64 inverse CDF of a word of its own. Checked here:
//   - the stream as docs/stream.md writes it, bit for bit, from an independent JS reimplementation
//     (normal stream + splitmix64 words + the inverse-CDF formula; only Q and Φ⁻¹ come from the kernel)
//   - the law: one-sample KS at 10^8 samples against the exact truncated CDF (test-side float64
//     erfc), for [-2, 2], an asymmetric interval with mean and std, and [0, ∞) (mass exactly 1/2,
//     half of the values from the fallback), without sorting: histogram of float32 bit patterns
//   - bounds and NaN over those 10^8 values; the fast path against the float64 path by a
//     two-sample KS; the far-tail / narrow intervals still on the float64 path, same bits
//   - chunking (`out`), `range` and dtype give the same bits
import { describe, expect, it } from 'vitest';
import { engineOf } from '../src/engine/engine.js';
import { FAST_MASS } from '../src/init/truncated.js';
import type { Tensor } from '../src/tensor.js';
import type { WeightInit } from '../src/weightinit.js';
import { wi as shared } from './helpers/load.js';
import { kolmogorovQ, phi, phiUpper } from './helpers/stats.js';

const FLT_MAX = 3.4028234663852886e38;
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
/** The smallest float32 >= x. */
function f32Up(x: number): number {
  const r = Math.fround(x);
  if (r >= x) return r;
  if (r === 0) return 1.401298464324817e-45;
  F32[0] = r;
  U32[0] = U32[0]! + (r > 0 ? 1 : -1);
  return F32[0]!;
}
const f32Down = (x: number) => -f32Up(-x);

/** The kernel exports the test uses: the float64 path itself and the float64 Q and Φ⁻¹. */
interface Core {
  fillTruncNormal(out: number, start: number, count: number, keyLo: number, keyHi: number, mean: number, std: number, alpha: number, beta: number, lo: number, hi: number): void;
  fillTruncNormalFast(out: number, start: number, count: number, keyLo: number, keyHi: number, mean: number, std: number, alpha: number, beta: number, lo: number, hi: number): void;
  normalQuantile(p: number): number;
  normalUpperTail(x: number): number;
}
const core = (w: WeightInit) => engineOf(w).core as unknown as Core;

interface Interval {
  mean: number;
  std: number;
  a: number;
  b: number;
}
const params = (c: Interval) => ({
  alpha: (c.a - c.mean) / c.std,
  beta: (c.b - c.mean) / c.std,
  lo: Math.max(f32Up(c.a), -FLT_MAX),
  hi: Math.min(f32Down(c.b), FLT_MAX),
});

// ---------- the stream, reimplemented from docs/stream.md ----------
const M64 = (1n << 64n) - 1n;
const GAMMA = 0x9e3779b97f4a7c15n;
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
  return z ^ (z >> 31n);
}
/** "TRUNCFBK" */
const SALT = 0x5452554e4346424bn;

/** Elements [start, end) of truncatedNormal(shape, { ...c, seed }) as docs/stream.md defines them. */
function reference(w: WeightInit, size: number, c: Interval, seed: number, start: number, end: number): Float32Array {
  const k = core(w);
  const { alpha, beta, lo, hi } = params(c);
  const Q = (x: number) => k.normalUpperTail(x);
  const mass = 1 - Q(-alpha) - Q(beta);
  const pa = Q(-alpha);
  const qb = Q(beta);
  const z = alpha >= 0 ? Q(alpha) - qb : beta <= 0 ? Q(-beta) - pa : 1 - pa - qb;
  /** The float64 path's value of word wd: docs/initializers.md's formula. */
  const standard = (wd: number) => {
    const u = (wd + 0.5) * 2 ** -32;
    const pL = pa + u * z;
    return pL <= 0.5 ? k.normalQuantile(pL) : -k.normalQuantile(qb + (0xffffffff - wd + 0.5) * 2 ** -32 * z);
  };
  const value = (zz: number) => {
    const x = Math.fround(c.mean + c.std * zz);
    return x < lo ? lo : x > hi ? hi : x;
  };
  const out = new Float32Array(end - start);
  if (mass >= 0.5) {
    const y = w.normal([size], { mean: Math.fround(c.mean), std: Math.fround(c.std), seed, range: [start, end] }).toArray();
    const fb = mix64(BigInt(seed) ^ SALT);
    for (let i = start; i < end; i++) {
      const yi = y[i - start]!;
      if (yi >= lo && yi <= hi) {
        out[i - start] = yi;
        continue;
      }
      const wd = Number(mix64((fb + (BigInt(i) + 1n) * GAMMA) & M64) >> 32n);
      out[i - start] = value(standard(wd));
    }
  } else {
    const words = w.uint32(size, { seed, range: [start, end] }).toArray();
    for (let i = start; i < end; i++) out[i - start] = value(standard(words[i - start]!));
  }
  return out;
}

/** Index of the first element whose bits differ, -1 when none. */
function firstDiff(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return Math.min(x.length, y.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

describe('truncatedNormal fast path: the stream of docs/stream.md, bit for bit', () => {
  const cases: [string, Interval][] = [
    ['[-2, 2] (the ±2σ presets)', { mean: 0, std: 1, a: -2, b: 2 }],
    ['[-0.5, 1.5], mean 0.3, std 0.7 (not float32 values)', { mean: 0.3, std: 0.7, a: -0.5, b: 1.5 }],
    ['[0, ∞): mass exactly 1/2, still the fast path', { mean: 0, std: 1, a: 0, b: Infinity }],
    ['(-∞, 0]: the mirror image', { mean: 0, std: 1, a: -Infinity, b: 0 }],
    ['heNormal-like std 0.0442 (not a float32), ±2σ', { mean: 0, std: Math.sqrt(2 / 1024) / 0.87962566103423978, a: -2 * (Math.sqrt(2 / 1024) / 0.87962566103423978), b: 2 * (Math.sqrt(2 / 1024) / 0.87962566103423978) }],
    ['[-0.674, 0.674]: mass 0.4996, the float64 path', { mean: 0, std: 1, a: -0.674, b: 0.674 }],
    ['[3, 4]: the float64 path', { mean: 0, std: 1, a: 3, b: 4 }],
  ];
  for (const [name, c] of cases) {
    it(name, async () => {
      const w = await shared();
      const size = 5003; // crosses block boundaries, not a multiple of 4
      const got = w.truncatedNormal([size], { ...c, seed: 31 }).toArray();
      expect(firstDiff(got, reference(w, size, c, 31, 0, size))).toBe(-1);
      // a range that starts and ends inside blocks
      const part = w.truncatedNormal([size], { ...c, seed: 32, range: [1021, 4099] }).toArray();
      expect(firstDiff(part, reference(w, size, c, 32, 1021, 4099))).toBe(-1);
    });
  }

  it('the threshold: the fast path exactly where 1 - Q(-α) - Q(β) >= 1/2 (FAST_MASS)', async () => {
    const w = await shared();
    const k = core(w);
    expect(FAST_MASS).toBe(0.5);
    expect(1 - k.normalUpperTail(0) - k.normalUpperTail(Infinity)).toBe(0.5); // [0, ∞) is in
    // which kernel ran: compare with each kernel's own output
    const viaKernel = (c: Interval, fast: boolean) => {
      const t = w.zeros([3000]);
      const { alpha, beta, lo, hi } = params(c);
      (fast ? k.fillTruncNormalFast : k.fillTruncNormal)(t.data.byteOffset, 0, 3000, 7, 0, c.mean, c.std, alpha, beta, lo, hi);
      return t.toArray() as Float32Array;
    };
    for (const [c, fast] of [
      [{ mean: 0, std: 1, a: 0, b: Infinity }, true],
      [{ mean: 0, std: 1, a: -0.6745, b: 0.6745 }, true], // mass 0.50002
      [{ mean: 0, std: 1, a: -0.6744, b: 0.6744 }, false], // mass 0.49995
      [{ mean: 0, std: 1, a: 1e-9, b: Infinity }, false],
      [{ mean: 0, std: 1, a: 8, b: 9 }, false],
    ] as [Interval, boolean][]) {
      const api = w.truncatedNormal([3000], { ...c, seed: 7 }).toArray();
      expect(firstDiff(api, viaKernel(c, fast)), JSON.stringify(c)).toBe(-1);
      expect(firstDiff(api, viaKernel(c, !fast)), JSON.stringify(c)).not.toBe(-1);
    }
  });
});

// ---------- the law at 10^8 samples ----------

/**
 * Histogram of float32 values by the top 24 bits of their bit patterns (sign, exponent, 15
 * mantissa bits): 2^24 bins, each at most 2^-15 relative wide. bin(x) = bits(x) >>> 8.
 */
class Bits24 {
  readonly counts = new Uint32Array(1 << 24);
  n = 0;
  nan = 0;
  min = Infinity;
  max = -Infinity;
  add(v: Float32Array): void {
    const u = new Uint32Array(v.buffer, v.byteOffset, v.length);
    const c = this.counts;
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < u.length; i++) {
      const b = u[i]!;
      if ((b & 0x7fffffff) > 0x7f800000) {
        this.nan++;
        continue;
      }
      c[b >>> 8]!++;
      const x = v[i]!;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    this.min = min;
    this.max = max;
    this.n += u.length;
  }
  /**
   * The non-empty bins in increasing x order, each as [lowEdge, highEdge, count]. A positive bin
   * holds [edge(k), edge(k + 1)); a negative one (-edge(k+1), -edge(k)]; ±0 share the edge 0.
   */
  *bins(): Generator<[number, number, number]> {
    const c = this.counts;
    const edge = (k: number) => {
      U32[0] = k << 8;
      return F32[0]!;
    };
    for (const k of binOrder()) {
      if (c[k] === 0) continue;
      if (k >= 1 << 23) yield [-edge(k - (1 << 23) + 1), -edge(k - (1 << 23)), c[k]!];
      else yield [edge(k), edge(k + 1), c[k]!];
    }
  }
}

/**
 * One-sample KS from the histogram: dEdges = max over bin edges of |F_n - F| (a lower bound of
 * the statistic D, since F is continuous), and resolution = the largest F-mass of a non-empty bin,
 * so D <= dEdges + resolution (inside a bin F_n steps once between its edges' values).
 */
function ksFromBins(h: Bits24, cdf: (x: number) => number): { dEdges: number; resolution: number } {
  let cum = 0;
  let dEdges = 0;
  let resolution = 0;
  for (const [lo, hi, count] of h.bins()) {
    const fLo = cdf(lo);
    const fHi = cdf(hi);
    dEdges = Math.max(dEdges, Math.abs(cum / h.n - fLo));
    cum += count;
    dEdges = Math.max(dEdges, Math.abs(cum / h.n - fHi));
    resolution = Math.max(resolution, fHi - fLo);
  }
  return { dEdges, resolution };
}

/** Bins in increasing x order: the negative ones from the most negative up to -0, then +0 upwards. */
function* binOrder(): Generator<number> {
  for (let k = (1 << 24) - 1; k >= 1 << 23; k--) yield k;
  for (let k = 0; k < 1 << 23; k++) yield k;
}

/** Two-sample KS from two histograms: max over bin edges of |F1 - F2|, and the largest bin share of either. */
function ks2FromBins(a: Bits24, b: Bits24): { dEdges: number; resolution: number } {
  let ca = 0;
  let cb = 0;
  let dEdges = 0;
  let resolution = 0;
  for (const k of binOrder()) {
    const x = a.counts[k]!;
    const y = b.counts[k]!;
    if (x === 0 && y === 0) continue;
    ca += x;
    cb += y;
    dEdges = Math.max(dEdges, Math.abs(ca / a.n - cb / b.n));
    resolution = Math.max(resolution, x / a.n, y / b.n);
  }
  return { dEdges, resolution };
}

/** λ with Q_KS(λ) = p (the Kolmogorov distribution's upper tail), by bisection. */
function kolmogorovInverse(p: number): number {
  let lo = 0.2;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (kolmogorovQ(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
/** λ for p = 1e-4: 2.2252 (2·e^{-2λ²} = 1e-4 to 9 digits; the next term of the series is 2e-18). */
const LAMBDA = kolmogorovInverse(1e-4);

/** CDF of N(mean, std²) truncated to [a, b], from whichever tails hold the mass (test-side erfc). */
function truncCdf(c: Interval): (x: number) => number {
  const al = (c.a - c.mean) / c.std;
  const be = (c.b - c.mean) / c.std;
  if (al >= 0) {
    const qa = phiUpper(al);
    const z = qa - (be === Infinity ? 0 : phiUpper(be));
    return (x) => Math.min(1, Math.max(0, (qa - phiUpper((x - c.mean) / c.std)) / z));
  }
  const pa = al === -Infinity ? 0 : phi(al);
  const z = (be === Infinity ? 1 : phi(be)) - pa;
  return (x) => Math.min(1, Math.max(0, (phi((x - c.mean) / c.std) - pa) / z));
}

const N = 100_000_000;
const CHUNK = 1 << 22;

/** truncatedNormal([N], { ...c, seed }) through the API in range slices of CHUNK, histogrammed. */
function histogramOf(w: WeightInit, c: Interval, seed: number): Bits24 {
  const h = new Bits24();
  for (let s = 0; s < N; s += CHUNK) {
    const t = w.truncatedNormal([N], { ...c, seed, range: [s, Math.min(N, s + CHUNK)] });
    h.add(t.data);
    t.free();
  }
  return h;
}

describe('truncatedNormal fast path: the law at 10^8 samples (fixed seeds)', () => {
  // One-sample KS, n = 10^8: reject at p = 1e-4 when D > λ/√n = 2.2252e-4 (asymptotic Kolmogorov
  // distribution; Stephens' finite-n factor √n + 0.12 + 0.11/√n changes it by 1e-5 relative).
  // The kept values follow our float32 Box-Muller normal (|z error| <= 6e-7, docs/normal), which
  // moves the CDF by <= 0.4·6e-7 = 2.4e-7, three orders below the critical value.
  const critical = LAMBDA / Math.sqrt(N);
  const intervals: [string, Interval, number][] = [
    ['[-2, 2] (4.55% from the fallback)', { mean: 0, std: 1, a: -2, b: 2 }, 101],
    ['[-0.5, 1.5], mean 0.3, std 0.7: α = -1.143, β = 1.714 (17% from the fallback)', { mean: 0.3, std: 0.7, a: -0.5, b: 1.5 }, 102],
    ['[0, ∞) (mass 1/2: half from the fallback, its tail to 6.4σ)', { mean: 0, std: 1, a: 0, b: Infinity }, 103],
  ];
  const fast = new Map<string, Bits24>();
  const sampleOf = (w: WeightInit, i: number) => {
    const [name, c, seed] = intervals[i]!;
    let h = fast.get(name);
    if (h === undefined) fast.set(name, (h = histogramOf(w, c, seed)));
    return h;
  };
  for (const [name, c, seed] of intervals) {
    it(`KS against the exact truncated CDF, ${name}; bounds never left, no NaN`, async () => {
      const w = await shared();
      const h = sampleOf(w, intervals.findIndex((x) => x[0] === name));
      expect(seed).toBe(intervals.find((x) => x[0] === name)![2]);
      expect(h.n).toBe(N);
      expect(h.nan).toBe(0);
      const { lo, hi } = params(c);
      expect(h.min).toBeGreaterThanOrEqual(lo);
      expect(h.max).toBeLessThanOrEqual(hi);
      const { dEdges, resolution } = ksFromBins(h, truncCdf(c));
      // a bin is at most 2^-15 relative wide: its mass is <= max(x·pdf(x))·2^-15 / Z ≈ 1e-5
      expect(resolution).toBeLessThan(2e-5);
      expect(dEdges + resolution, `D in [${dEdges}, ${dEdges + resolution}], critical ${critical}`).toBeLessThan(critical);
    });
  }

  it('the fast path and the float64 path draw the same law: two-sample KS, [-2, 2] and [-0.5, 1.5]', async () => {
    const w = await shared();
    const k = core(w);
    const n2 = 1 << 25; // the float64 path runs at ~70 M/s
    const t = w.zeros([CHUNK]);
    for (const i of [0, 1]) {
      const c = intervals[i]![1];
      const a = sampleOf(w, i);
      const { alpha, beta, lo, hi } = params(c);
      const b = new Bits24();
      for (let s = 0; s < n2; s += CHUNK) {
        k.fillTruncNormal(t.data.byteOffset, s, CHUNK, 104, 0, c.mean, c.std, alpha, beta, lo, hi);
        b.add(t.data);
      }
      expect(b.min).toBeGreaterThanOrEqual(lo);
      expect(b.max).toBeLessThanOrEqual(hi);
      const { dEdges, resolution } = ks2FromBins(a, b);
      // two-sample: reject at p = 1e-4 when D > λ·√((n1 + n2)/(n1·n2)) = 4.37e-4
      expect(resolution).toBeLessThan(2e-5);
      expect(dEdges + resolution).toBeLessThan(LAMBDA * Math.sqrt((N + n2) / (N * n2)));
    }
    t.free();
  });

  it('a KS test that must fail: the [-2, 2] sample against [-2, 2.01] (the CDFs differ by 5.7e-4 at x = 2; critical 2.2e-4)', async () => {
    const h = sampleOf(await shared(), 0);
    const { dEdges } = ksFromBins(h, truncCdf({ mean: 0, std: 1, a: -2, b: 2.01 }));
    expect(dEdges).toBeGreaterThan(LAMBDA / Math.sqrt(N));
  });
});

describe('truncatedNormal fast path: bounds, far tails, chunks, ranges, dtypes', () => {
  it('far tails and narrow intervals keep the float64 path: [3, 4], [8, 9], [40, 41], [0.5, 0.50001] equal fillTruncNormal bit for bit', async () => {
    const w = await shared();
    const k = core(w);
    const t = w.zeros([20000]);
    for (const c of [
      { mean: 0, std: 1, a: 3, b: 4 },
      { mean: 0, std: 1, a: 8, b: 9 },
      { mean: 0, std: 1, a: 40, b: 41 },
      { mean: 0, std: 1, a: 0.5, b: 0.50001 },
      { mean: 1, std: 0.5, a: -9, b: -8 },
    ]) {
      const { alpha, beta, lo, hi } = params(c);
      k.fillTruncNormal(t.data.byteOffset, 0, 20000, 12, 0, c.mean, c.std, alpha, beta, lo, hi);
      const api = w.truncatedNormal([20000], { ...c, seed: 12 }).toArray();
      expect(firstDiff(api, t.data), JSON.stringify(c)).toBe(-1);
    }
    t.free();
  });

  it('the normal stream where it falls inside: every kept value is the normal value itself', async () => {
    const w = await shared();
    const y = w.normal([50000], { mean: 0.25, std: 1.5, seed: 13 }).toArray();
    const x = w.truncatedNormal([50000], { mean: 0.25, std: 1.5, a: -2, b: 3.5, seed: 13 }).toArray();
    let kept = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i]! >= -2 && y[i]! <= 3.5) {
        expect(x[i]).toBe(y[i]);
        kept++;
      } else {
        expect(x[i]).toBeGreaterThanOrEqual(-2);
        expect(x[i]).toBeLessThanOrEqual(3.5);
      }
    }
    // N([-1.5, 2.1667]) = 0.918: kept ≈ 45,900 ± 61 (binomial sd)
    expect(Math.abs(kept - 0.918 * 50000)).toBeLessThan(400);
  });

  it('values that overflow float32 in the normal stream (std 1e38) go to the fallback: no NaN, no ±Infinity, inside [a, b]', async () => {
    const w = await shared();
    const x = w.truncatedNormal([30000], { std: 1e38, a: -1e38, b: 1e38, seed: 14 }).toArray();
    for (const v of x) {
      expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(v)).toBeLessThanOrEqual(1e38);
    }
  });

  it('out (chunked through scratch), range slices, float64 dtype: the same bits as one tensor', async () => {
    const w = await shared();
    const opts = { mean: 0.1, std: 0.3, a: -0.5, b: 0.6, seed: 15 };
    const size = 300_001;
    const one = w.truncatedNormal([size], opts).toArray();
    const out = new Float32Array(size);
    w.truncatedNormal([size], { ...opts, out });
    expect(firstDiff(out, one)).toBe(-1);
    for (const [s, e] of [
      [0, 1],
      [1023, 1025],
      [5, 4101],
      [123_457, size],
    ] as const) {
      const part = (w.truncatedNormal([size], { ...opts, range: [s, e] }) as Tensor<Float32Array>).toArray();
      expect(firstDiff(part, one.subarray(s, e)), `range [${s}, ${e})`).toBe(-1);
    }
    const wide = w.truncatedNormal([size], { ...opts, dtype: 'float64' }).toArray();
    expect(Array.from(wide.subarray(0, 5000))).toEqual(Array.from(one.subarray(0, 5000)));
    expect(wide.every((v, i) => v === one[i])).toBe(true);
  });
});
