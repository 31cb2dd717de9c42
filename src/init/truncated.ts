// The truncated normal with PyTorch's absolute bounds, exact for any interval (float64
// inverse CDF, assembly/truncnormal.ts; for intervals holding half the mass or more, the normal
// stream with an inverse-CDF fallback, docs/truncnormal.md), and the kernel the truncated
// presets share.
import { COMMON, generator, remote, REMOTE, type Engine, type Kernel } from '../engine/engine.js';
import type { Tensor, TypedArray } from '../tensor.js';
import type { InitOptions } from './common.js';
import { f32, readOptions, readShape, show } from './options.js';

export interface TruncatedNormalOptions extends InitOptions {
  /** Mean of the normal before truncation (default 0); a finite float32. */
  mean?: number;
  /** Std of the normal before truncation (default 1): > 0 and a finite float32 that does not round to 0. */
  std?: number;
  /** Lower bound, ABSOLUTE as in PyTorch (default -2); may be -Infinity. */
  a?: number;
  /** Upper bound, ABSOLUTE as in PyTorch (default 2); may be Infinity. */
  b?: number;
}

const FLT_MAX = 3.4028234663852886e38;
/**
 * The fast path (docs/truncnormal.md) is taken when the interval holds at least this much of
 * the normal's mass, 1 - Q(-alpha) - Q(beta) in float64 with the kernel's Q: then at most half the
 * elements need the inverse CDF, and the kept values' float32 error is far below the interval.
 */
export const FAST_MASS = 0.5;
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The float32 next to r (a float32) in direction dir. */
function nextF32(r: number, dir: 1 | -1): number {
  if (r === 0) return dir * 1.401298464324817e-45;
  F32[0] = r;
  U32[0] = U32[0]! + ((r > 0) === (dir > 0) ? 1 : -1);
  return F32[0]!;
}
/** The smallest float32 >= x (x not NaN). */
function f32Up(x: number): number {
  const r = Math.fround(x);
  return r >= x ? r : nextF32(r, 1);
}
/** The largest float32 <= x. */
function f32Down(x: number): number {
  const r = Math.fround(x);
  return r <= x ? r : nextF32(r, -1);
}

/**
 * The truncated-normal kernel: N(mean, std²) conditioned on [a, b], standardised bounds
 * alpha < beta; values clamped into the finite float32s of [a, b] (the caller checked that
 * some exist).
 * @internal
 */
export function truncKernel(e: Engine, mean: number, std: number, a: number, b: number, alpha: number, beta: number): Kernel {
  const lo = Math.max(f32Up(a), -FLT_MAX);
  const hi = Math.min(f32Down(b), FLT_MAX);
  const k = e.core;
  // N([alpha, beta]) >= 1/2: keep the normal stream's value where it falls inside, the inverse
  // CDF elsewhere (same law, several times faster); less mass: the inverse CDF for every value
  if (1 - k.normalUpperTail(-alpha) - k.normalUpperTail(beta) >= FAST_MASS) {
    return generator(
      (p, s, n, key, format, clampLo, clampHi) => k.fillTruncNormalFast(p, s, n, key.lo, key.hi, mean, std, alpha, beta, lo, hi, format, clampLo, clampHi),
      REMOTE.truncNormalFast, [mean, std, alpha, beta, lo, hi],
    );
  }
  return remote((p, s, n, key) => k.fillTruncNormal(p, s, n, key.lo, key.hi, mean, std, alpha, beta, lo, hi), REMOTE.truncNormal, [mean, std, alpha, beta, lo, hi]);
}

function bound(fn: string, name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must be a number (or ±Infinity), got ${show(v)}`);
  if (Number.isNaN(v)) throw new RangeError(`${fn}: ${name} must be a number (or ±Infinity), got NaN`);
  return v;
}

/** @internal */
export function truncatedNormal(e: Engine, shape: unknown, opts: unknown): Tensor<TypedArray> | TypedArray {
  const fn = 'weightinit.truncatedNormal';
  const o = readOptions(fn, opts, ['mean', 'std', 'a', 'b', ...COMMON]);
  const s = readShape(fn, shape);
  // mean and std are used in float64 by the kernel; as float32 they must be finite, and std must not round to 0
  f32(fn, 'mean', o.mean, 0);
  f32(fn, 'std', o.std, 1);
  const mean = o.mean === undefined ? 0 : (o.mean as number);
  const std = o.std === undefined ? 1 : (o.std as number);
  if (!(Math.fround(std) > 0)) {
    throw new RangeError(`${fn}: std must be > 0 and at least the smallest positive float32 (1.4e-45), got ${show(o.std)}`);
  }
  const a = bound(fn, 'a', o.a, -2);
  const b = bound(fn, 'b', o.b, 2);
  if (!(a < b)) throw new RangeError(`${fn}: a must be less than b (absolute bounds, as PyTorch trunc_normal_), got a = ${show(a)}, b = ${show(b)}`);
  if (!(Math.max(f32Up(a), -FLT_MAX) <= Math.min(f32Down(b), FLT_MAX))) {
    throw new RangeError(`${fn}: no finite float32 value lies in [a, b] = [${show(a)}, ${show(b)}]; widen the interval (finite float32s are within ±3.4028234663852886e38)`);
  }
  const alpha = (a - mean) / std;
  const beta = (b - mean) / std;
  const lo = Math.max(f32Up(a), -FLT_MAX);
  const hi = Math.min(f32Down(b), FLT_MAX);
  // half dtypes: values must also stay in [a, b] after rounding, and fit the dtype. An infinite
  // bound is replaced by how far draws reach past the mean or the other bound: the inverse CDF
  // of u >= 2^-33 (and the normal stream) stays within 8σ of where the mass starts
  const reachLo = a === -Infinity ? Math.min(hi, mean) - 8 * std : lo;
  const reachHi = b === Infinity ? Math.max(lo, mean) + 8 * std : hi;
  const maxAbs = Math.min(FLT_MAX, Math.max(Math.abs(reachLo), Math.abs(reachHi)));
  return e.produce({ fn, shape: s, opts: o, kernel: truncKernel(e, mean, std, a, b, alpha, beta), maxAbs, bounds: { lo: a, hi: b, hiOpen: false } });
}
