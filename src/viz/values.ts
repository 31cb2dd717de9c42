// Tensor values as plain numbers whatever the dtype (float16 and bfloat16 may come as uint16 bit
// patterns), and their summary: what the histogram plots and the CLI prints.

import { bfloat16ToNumber, halfToNumber } from '../dtype.js';

export { bfloat16ToNumber, halfToNumber };

/** The values of a tensor's data as float64: float16 Uint16Array bit patterns and bfloat16 patterns decoded. */
export function toNumbers(data: ArrayLike<number>, dtype: string): Float64Array {
  const out = new Float64Array(data.length);
  const tag = Object.prototype.toString.call(data);
  if (dtype === 'bfloat16') for (let i = 0; i < data.length; i++) out[i] = bfloat16ToNumber(data[i]!);
  else if (dtype === 'float16' && tag === '[object Uint16Array]') for (let i = 0; i < data.length; i++) out[i] = halfToNumber(data[i]!);
  else for (let i = 0; i < data.length; i++) out[i] = data[i]!;
  return out;
}

export interface ValueSummary {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** Population mean and std (float64), min and max of the finite values. */
export function summarizeValues(v: ArrayLike<number>): ValueSummary {
  let n = 0;
  let s = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x)) continue;
    n++;
    s += x;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const mean = n > 0 ? s / n : NaN;
  let q = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (Number.isFinite(x)) q += (x - mean) * (x - mean);
  }
  return { count: v.length, mean, std: n > 0 ? Math.sqrt(q / n) : NaN, min: n > 0 ? lo : NaN, max: n > 0 ? hi : NaN };
}

/** Equal-width bins over [lo, hi] (default: the values' range); `edges` has bins + 1 numbers. */
export function binValues(v: ArrayLike<number>, bins: number, lo?: number, hi?: number): { edges: number[]; counts: number[] } {
  let a = lo;
  let b = hi;
  if (a === undefined || b === undefined) {
    const s = summarizeValues(v);
    a ??= Number.isFinite(s.min) ? s.min : 0;
    b ??= Number.isFinite(s.max) ? s.max : 1;
  }
  if (!(b > a)) {
    const d = a === 0 ? 1 : Math.abs(a) * 0.01;
    a -= d;
    b += d;
  }
  const edges: number[] = [];
  for (let k = 0; k <= bins; k++) edges.push(k === bins ? b : a + ((b - a) * k) / bins);
  const counts = new Array<number>(bins).fill(0);
  const scale = bins / (b - a);
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!(x >= a && x <= b)) continue;
    counts[Math.min(bins - 1, Math.floor((x - a) * scale))]!++;
  }
  return { edges, counts };
}
