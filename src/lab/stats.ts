// Statistics of one tensor, accumulated in float64: moments, fixed-bin histograms and counts.
// Each function is one tight pass over a Float32Array (no callbacks: these run over every
// activation and gradient of every layer).

/** Moments over every element (population statistics, not the n − 1 sample variance). */
export interface Moments {
  /** Σx / N */
  mean: number;
  /** √(Σ(x − mean)² / N) */
  std: number;
  /** Σx² / N: the quantity the variance-preservation arguments track (E[x²]) */
  secondMoment: number;
}

/**
 * Counts of values in equal-width bins. Bin k holds edges[k] <= x < edges[k + 1]; the last bin
 * also holds x = edges[bins]. Finite values outside are counted in `below` / `above`, NaN and
 * ±Infinity in `nonFinite`.
 */
export interface Histogram {
  edges: number[];
  counts: number[];
  below: number;
  above: number;
  nonFinite: number;
}

/** Moments and the extreme values, in one pass. */
export interface Summary extends Moments {
  /** Smallest and largest value (NaN skipped; ±Infinity counts). NaN when there is no non-NaN value. */
  min: number;
  max: number;
}

/**
 * One pass: sums of x − K and (x − K)² with the shift K = v[0] (so a mean far from 0 does not
 * cancel the variance away: the error is relative to (mean − K)², not mean²), and Σx².
 */
export function summarize(v: Float32Array): Summary {
  const n = v.length;
  if (n === 0) return { mean: NaN, std: NaN, secondMoment: NaN, min: NaN, max: NaN };
  const K = Number.isFinite(v[0]!) ? v[0]! : 0;
  let s = 0;
  let s2 = 0;
  let q = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = v[i]!;
    const d = x - K;
    s += d;
    s2 += d * d;
    q += x * x;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const m = s / n;
  const variance = Math.max(0, s2 / n - m * m);
  return { mean: K + m, std: Math.sqrt(variance), secondMoment: q / n, min: lo <= hi ? lo : NaN, max: lo <= hi ? hi : NaN };
}

export function moments(v: Float32Array): Moments {
  const { mean, std, secondMoment } = summarize(v);
  return { mean, std, secondMoment };
}

export function histogram(v: Float32Array, bins: number, lo: number, hi: number): Histogram {
  const edges: number[] = [];
  const width = (hi - lo) / bins;
  for (let k = 0; k <= bins; k++) edges.push(k === bins ? hi : lo + k * width);
  const e = Float64Array.from(edges);
  const c = new Float64Array(bins);
  let outside = 0;
  const scale = bins / (hi - lo);
  const last = bins - 1;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x >= lo && x <= hi) {
      let k = ((x - lo) * scale) | 0; // x >= lo: truncation is floor
      if (k > last) k = last;
      // rounding next to an edge: settle by the stored edges themselves
      if (x < e[k]!) k--;
      else if (k < last && x >= e[k + 1]!) k++;
      c[k]!++;
    } else outside++;
  }
  let below = 0;
  let above = 0;
  let nonFinite = 0;
  if (outside > 0) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x >= lo && x <= hi) continue;
      if (x < lo && x !== -Infinity) below++;
      else if (x > hi && x !== Infinity) above++;
      else nonFinite++; // NaN, ±Infinity
    }
  }
  return { edges, counts: Array.from(c), below, above, nonFinite };
}

/** Smallest and largest finite value ([NaN, NaN] when there is none). */
export function finiteRange(v: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x === Infinity || x === -Infinity) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/**
 * The histogram range when none was given: [min, max] of the finite values (from a summary when
 * its extremes are finite), or for `symmetric` [−m, m] with m = max |x|; a degenerate range (all
 * values equal, or none finite) becomes [c − 1/2, c + 1/2] around the value (0 if none).
 */
export function autoRange(v: Float32Array, s: Summary, symmetric: boolean): [number, number] {
  let [lo, hi] = Number.isFinite(s.min) && Number.isFinite(s.max) ? [s.min, s.max] : finiteRange(v);
  if (Number.isNaN(lo)) return [-0.5, 0.5];
  if (symmetric) {
    const m = Math.max(Math.abs(lo), Math.abs(hi));
    lo = -m;
    hi = m;
  }
  if (!(hi > lo)) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** Fraction of x < t. */
export function fractionBelow(v: Float32Array, t: number): number {
  let c = 0;
  for (let i = 0; i < v.length; i++) if (v[i]! < t) c++;
  return c / v.length;
}

/** Fraction of x === 0 (either sign). */
export function fractionZero(v: Float32Array): number {
  let c = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === 0) c++;
  return c / v.length;
}

/** Fraction of x outside [lo, hi] (x < lo or x > hi; NaN is not counted). */
export function fractionOutside(v: Float32Array, lo: number, hi: number): number {
  let c = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x < lo || x > hi) c++;
  }
  return c / v.length;
}
