// The bare distributions: uniform, normal, and the raw generator words.
import { UINT32 } from '../dtype.js';
import { COMMON, remote, REMOTE, type Engine } from '../engine/engine.js';
import type { Tensor, TypedArray } from '../tensor.js';
import type { InitOptions } from './common.js';
import { count, f32, readOptions, readShape, show } from './options.js';

export interface UniformOptions extends InitOptions {
  /** Lower bound, inclusive (default 0). */
  low?: number;
  /** Upper bound, exclusive (default 1). */
  high?: number;
}

export interface NormalOptions extends InitOptions {
  /** Mean (default 0). */
  mean?: number;
  /** Standard deviation, >= 0 (default 1); mean ± 6.76·std must stay a finite float32. */
  std?: number;
}

export interface Uint32Options {
  /** Fixed key (see InitOptions.seed). */
  seed?: number | bigint;
  /** Key derived from the root seed and this name. */
  name?: string;
  range?: readonly [number, number];
  /** A caller-owned Uint32Array to fill. */
  out?: Uint32Array;
}

/** The largest |z| Box-Muller can produce here: √(−2 ln 2^-33) (u1 >= 2^-33). */
export const NORMAL_MAX_Z = 6.764;

/** @internal */
export function uniform(e: Engine, shape: unknown, opts: unknown): Tensor<TypedArray> | TypedArray {
  const fn = 'weightinit.uniform';
  const o = readOptions(fn, opts, ['low', 'high', ...COMMON]);
  const s = readShape(fn, shape);
  const low = f32(fn, 'low', o.low, 0);
  const high = f32(fn, 'high', o.high, 1);
  const given = `low = ${show(o.low ?? 0)}, high = ${show(o.high ?? 1)}`;
  if (!(low < high)) throw new RangeError(`${fn}: low must be less than high (as float32), got ${given}`);
  if (!Number.isFinite(Math.fround(high - low))) throw new RangeError(`${fn}: high - low must be a finite float32, got ${given}`);
  const maxAbs = Math.max(Math.abs(low), Math.abs(high));
  return e.produce({ fn, shape: s, opts: o, kernel: e.uniformKernel(low, high), maxAbs, bounds: { lo: low, hi: high, hiOpen: true } });
}

/** @internal */
export function normal(e: Engine, shape: unknown, opts: unknown): Tensor<TypedArray> | TypedArray {
  const fn = 'weightinit.normal';
  const o = readOptions(fn, opts, ['mean', 'std', ...COMMON]);
  const s = readShape(fn, shape);
  const mean = f32(fn, 'mean', o.mean, 0);
  const std = f32(fn, 'std', o.std, 1);
  if (std < 0) throw new RangeError(`${fn}: std must be >= 0, got ${show(o.std)}`);
  if (!Number.isFinite(Math.fround(Math.abs(mean) + NORMAL_MAX_Z * std))) {
    throw new RangeError(`${fn}: |mean| + 6.764·std must be a finite float32 (values reach 6.764 std from the mean), got mean = ${show(o.mean ?? 0)}, std = ${show(o.std ?? 1)}`);
  }
  return e.produce({ fn, shape: s, opts: o, kernel: e.normalKernel(mean, std), maxAbs: Math.abs(mean) + NORMAL_MAX_Z * std });
}

/** @internal */
export function uint32(e: Engine, n: unknown, opts: unknown): Tensor<Uint32Array> | Uint32Array {
  const fn = 'weightinit.uint32';
  const o = readOptions(fn, opts, ['seed', 'name', 'out', 'range']);
  const c = count(fn, 'count', n);
  const k = e.core;
  const kernel = remote((p, st, m, key) => k.fillU32(p, st, m, key.lo, key.hi), REMOTE.u32, []);
  return e.produce({ fn, shape: [c], opts: o, type: { info: UINT32, convertId: 0 }, kernel }) as
    | Tensor<Uint32Array>
    | Uint32Array;
}
