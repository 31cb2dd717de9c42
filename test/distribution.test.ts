// Fixed-seed Kolmogorov-Smirnov tests against the exact CDFs, and sampling-theory bounds on
// mean and std. The seeds are fixed, so these are deterministic: p > 1e-4 either always
// holds or always fails.
import { describe, expect, it } from 'vitest';
import { erf, erfc, ksTest, meanStd, phi } from './helpers/stats.js';
import { wi } from './helpers/load.js';

describe('test helpers against published values (Abramowitz & Stegun table 7.1)', () => {
  it('erf, erfc and Phi', () => {
    expect(erf(0.5)).toBeCloseTo(0.520499877813047, 14);
    expect(erf(1)).toBeCloseTo(0.842700792949715, 14);
    expect(erf(2)).toBeCloseTo(0.995322265018953, 14);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 12);
    expect(erfc(5) / 1.537459794428035e-12).toBeCloseTo(1, 12);
    expect(phi(1.959963984540054)).toBeCloseTo(0.975, 14);
    expect(phi(-3)).toBeCloseTo(0.0013498980316301, 15);
  });
});

const SIZES = [1000, 10_007, 100_000, 1_000_000];

describe('uniform', () => {
  for (const n of SIZES) {
    it(`KS against U(-1.5, 2.5), n = ${n}`, async () => {
      const w = await wi();
      const t = w.uniform([n], { low: -1.5, high: 2.5, seed: 1000 + n });
      const { p } = ksTest(t.data, (x) => Math.min(1, Math.max(0, (x + 1.5) / 4)));
      const { mean, std } = meanStd(t.data);
      t.free();
      expect(p).toBeGreaterThan(1e-4);
      // mean 0.5, std 4/sqrt(12); 5 standard errors
      const sd = 4 / Math.sqrt(12);
      expect(Math.abs(mean - 0.5)).toBeLessThan((5 * sd) / Math.sqrt(n));
      // std of the sample std of a uniform: sd * sqrt((kurtosis - 1) / (4n)), kurtosis 9/5
      expect(Math.abs(std - sd)).toBeLessThan(5 * sd * Math.sqrt(0.8 / (4 * n)));
    });
  }

  it('values stay in [low, high) even where rounding would reach high', async () => {
    const w = await wi();
    // with low = 1 - 2^-24 ... the float32 product can round up to high; it must be clamped
    const t = w.uniform([1 << 20], { low: 1e7, high: 1e7 + 2, seed: 5 });
    let min = Infinity;
    let max = -Infinity;
    for (const x of t.data) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    t.free();
    expect(min).toBeGreaterThanOrEqual(1e7);
    expect(max).toBeLessThan(1e7 + 2);
  });

  it('uniform draws are multiples of 2^-24 in [0, 1)', async () => {
    const w = await wi();
    const t = w.uniform([100_000], { seed: 9 });
    let bad = 0;
    for (const x of t.data) if (!(x >= 0 && x < 1 && Number.isInteger(x * 2 ** 24))) bad++;
    t.free();
    expect(bad).toBe(0);
  });
});

describe('normal', () => {
  for (const n of SIZES) {
    it(`KS against N(0.25, 1.5²), n = ${n}`, async () => {
      const w = await wi();
      const t = w.normal([n], { mean: 0.25, std: 1.5, seed: 2000 + n });
      const { p } = ksTest(t.data, (x) => phi((x - 0.25) / 1.5));
      const { mean, std } = meanStd(t.data);
      t.free();
      expect(p).toBeGreaterThan(1e-4);
      expect(Math.abs(mean - 0.25)).toBeLessThan((5 * 1.5) / Math.sqrt(n));
      // sample std of a normal: standard error sigma / sqrt(2n)
      expect(Math.abs(std - 1.5)).toBeLessThan((5 * 1.5) / Math.sqrt(2 * n));
    });
  }

  it('tail frequencies match the normal law over 16M draws (|z| > 3, > 4, > 5)', async () => {
    const w = await wi();
    const n = 1 << 24;
    const t = w.normal([n], { seed: 77 });
    const counts = [0, 0, 0];
    for (const x of t.data) {
      const a = Math.abs(x);
      if (a > 3) counts[0]!++;
      if (a > 4) counts[1]!++;
      if (a > 5) counts[2]!++;
    }
    t.free();
    [3, 4, 5].forEach((k, i) => {
      const expected = n * 2 * (1 - phi(k));
      // Poisson: within 5 sqrt(expected) + 3
      expect(Math.abs(counts[i]! - expected)).toBeLessThan(5 * Math.sqrt(expected) + 3);
    });
  });

  it('pairs are isotropic: the angle of (element 8t+j, element 8t+4+j) is uniform (KS)', async () => {
    const w = await wi();
    const n = 1 << 18;
    const t = w.normal([n], { seed: 5150 });
    const d = t.data;
    const angles: number[] = [];
    for (let s = 0; s < n; s += 8) for (let j = 0; j < 4; j++) angles.push(Math.atan2(d[s + 4 + j]!, d[s + j]!));
    t.free();
    const { p } = ksTest(angles, (x) => (x + Math.PI) / (2 * Math.PI));
    expect(p).toBeGreaterThan(1e-4);
  });

  it('std = 0 gives exactly the mean', async () => {
    const w = await wi();
    const t = w.normal([5000], { mean: 3.5, std: 0, seed: 1 });
    expect(t.data.every((x) => x === 3.5)).toBe(true);
    t.free();
  });
});

describe('uint32 words', () => {
  it('each of the 32 bit positions is set half the time (1M words)', async () => {
    const w = await wi();
    const n = 1 << 20;
    const t = w.uint32(n, { seed: 31 });
    const ones = new Array<number>(32).fill(0);
    for (const x of t.data) for (let b = 0; b < 32; b++) ones[b]! += (x >>> b) & 1;
    t.free();
    for (const c of ones) expect(Math.abs(c - n / 2)).toBeLessThan(5 * Math.sqrt(n / 4));
  });
});
