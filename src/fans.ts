// Fan computation: how many inputs feed one output unit (fan_in) and how many outputs one input
// feeds (fan_out), for the weight layouts of PyTorch, TensorFlow/Keras and JAX.
import { show } from './validate.js';

/**
 * Where the input and output axes of a weight tensor are.
 * - `'torch'` (default): `[out, in, ...kernel]` (PyTorch `nn.Linear.weight`, `nn.ConvNd.weight`).
 * - `'tf'`: `[...kernel, in, out]` (Keras / TensorFlow / tfjs / JAX defaults).
 */
export type Layout = 'torch' | 'tf';
export const LAYOUTS: readonly Layout[] = ['torch', 'tf'];

export interface FanOptions {
  /** Weight layout (default `'torch'`). Ignored when `inAxis`/`outAxis` are given. */
  layout?: Layout;
  /** JAX-style explicit input axis or axes (negative counts from the end). Default -2 when `outAxis` is given. */
  inAxis?: number | readonly number[];
  /** JAX-style explicit output axis or axes. Default -1 when `inAxis` is given. */
  outAxis?: number | readonly number[];
  /** JAX-style batch axes: excluded from both fans. Only with `inAxis`/`outAxis`. */
  batchAxis?: number | readonly number[];
}

export const FAN_OPTIONS: readonly string[] = ['layout', 'inAxis', 'outAxis', 'batchAxis'];

export interface Fans {
  /** Inputs per output unit: in · receptive field. */
  readonly fanIn: number;
  /** Outputs per input unit: out · receptive field. */
  readonly fanOut: number;
  /** Product of the kernel (non-in, non-out, non-batch) dimensions; 1 for a matrix. */
  readonly receptiveField: number;
}

function prod(a: readonly number[]): number {
  let n = 1;
  for (const d of a) n *= d;
  return n;
}

function axes(fn: string, name: string, v: unknown, rank: number, dflt: readonly number[]): number[] {
  if (v === undefined) return dflt.slice();
  const list = typeof v === 'number' ? [v] : Array.isArray(v) ? (v as unknown[]) : undefined;
  if (list === undefined) throw new TypeError(`${fn}: ${name} must be an integer axis or an array of axes, got ${show(v)}`);
  return list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) {
      throw new RangeError(`${fn}: ${name} must hold integer axes in [${-rank}, ${rank - 1}] for a ${rank}-D shape, got ${show(v)}`);
    }
    return a < 0 ? a + rank : a;
  });
}

/**
 * The fans of a weight shape (no validation of the shape's entries: callers pass checked shapes).
 * @internal
 */
export function fansOf(fn: string, shape: readonly number[], opts: FanOptions | Record<string, unknown>): Fans {
  const o = opts as Record<string, unknown>;
  const rank = shape.length;
  const explicit = o.inAxis !== undefined || o.outAxis !== undefined || o.batchAxis !== undefined;
  if (explicit) {
    if (o.layout !== undefined) {
      throw new TypeError(`${fn}: give either layout or inAxis/outAxis/batchAxis, not both (got layout ${show(o.layout)})`);
    }
    if (rank < 2) {
      throw new RangeError(`${fn}: cannot compute fan_in and fan_out of a ${rank}-D shape ${show(shape)} with inAxis/outAxis: at least 2 dimensions are needed`);
    }
    const ia = axes(fn, 'inAxis', o.inAxis, rank, [rank - 2]);
    const oa = axes(fn, 'outAxis', o.outAxis, rank, [rank - 1]);
    const ba = axes(fn, 'batchAxis', o.batchAxis, rank, []);
    const all = [...ia, ...oa, ...ba];
    if (new Set(all).size !== all.length) {
      throw new RangeError(`${fn}: inAxis, outAxis and batchAxis must name distinct axes, got inAxis ${show(o.inAxis ?? -2)}, outAxis ${show(o.outAxis ?? -1)}, batchAxis ${show(o.batchAxis ?? [])}`);
    }
    const pick = (list: number[]) => prod(list.map((i) => shape[i]!));
    const inSize = pick(ia);
    const outSize = pick(oa);
    const rest = shape.filter((_, i) => !all.includes(i));
    const rf = prod(rest);
    return { fanIn: inSize * rf, fanOut: outSize * rf, receptiveField: rf };
  }
  const layout = o.layout ?? 'torch';
  if (layout !== 'torch' && layout !== 'tf') {
    throw new RangeError(`${fn}: layout must be one of "torch" ([out, in, ...kernel]), "tf" ([...kernel, in, out]), got ${show(layout)}`);
  }
  if (layout === 'tf') {
    // Keras compute_fans: a scalar counts as 1 x 1, a vector of n as n in, n out
    if (rank === 0) return { fanIn: 1, fanOut: 1, receptiveField: 1 };
    if (rank === 1) return { fanIn: shape[0]!, fanOut: shape[0]!, receptiveField: 1 };
    const rf = prod(shape.slice(0, rank - 2));
    return { fanIn: shape[rank - 2]! * rf, fanOut: shape[rank - 1]! * rf, receptiveField: rf };
  }
  if (rank < 2) {
    throw new RangeError(
      `${fn}: cannot compute fan_in and fan_out of a ${rank}-D shape ${show(shape)}: the "torch" layout [out, in, ...kernel] needs at least 2 dimensions ` +
        '(use layout: "tf" for the Keras convention, where a 1-D shape of n has fan_in = fan_out = n)',
    );
  }
  const rf = prod(shape.slice(2));
  return { fanIn: shape[1]! * rf, fanOut: shape[0]! * rf, receptiveField: rf };
}

/**
 * fan_in and fan_out of a weight shape.
 *
 * - layout `'torch'` (default, PyTorch `_calculate_fan_in_and_fan_out`): shape `[out, in, ...kernel]`,
 *   fan_in = in · ∏kernel, fan_out = out · ∏kernel; fewer than 2 dimensions is an error.
 * - layout `'tf'` (Keras `compute_fans`): shape `[...kernel, in, out]`; a 1-D shape `[n]` has
 *   fan_in = fan_out = n and a 0-D shape has 1 and 1, as in Keras.
 * - `inAxis` / `outAxis` / `batchAxis` (JAX `_compute_fans`): the named axes; every other
 *   non-batch axis is receptive field; fewer than 2 dimensions is an error.
 *
 * @example computeFans([64, 3, 7, 7])                    // { fanIn: 147, fanOut: 3136, receptiveField: 49 }
 * @example computeFans([7, 7, 3, 64], { layout: 'tf' })  // the same
 */
export function computeFans(shape: readonly number[], opts?: FanOptions): Fans {
  const fn = 'weightinit.computeFans';
  if (opts !== undefined && (opts === null || typeof opts !== 'object' || Array.isArray(opts))) {
    throw new TypeError(`${fn}: options must be an object, got ${show(opts)}`);
  }
  for (const k of Object.keys(opts ?? {})) {
    if (!FAN_OPTIONS.includes(k)) {
      throw new TypeError(`${fn}: unknown option ${JSON.stringify(k)}; valid options are ${FAN_OPTIONS.map((a) => JSON.stringify(a)).join(', ')}`);
    }
  }
  if (!Array.isArray(shape)) throw new TypeError(`${fn}: shape must be an array of non-negative integers, got ${show(shape)}`);
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(`${fn}: shape[${i}] must be a non-negative integer, got ${show(d)} in shape ${show(shape)}`);
    }
  });
  return fansOf(fn, shape, opts ?? {});
}
