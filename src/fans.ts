// Fan computation: how many inputs feed one output unit (fan_in) and how many outputs one input
// feeds (fan_out), for the weight layouts of PyTorch, TensorFlow/Keras and JAX.
import { choice, readOptions, readShape, show, showList, sizeOf } from './init/options.js';

/**
 * Where the input and output axes of a weight tensor are.
 * - `'torch'` (default): `[out, in, ...kernel]` (PyTorch `nn.Linear.weight`, `nn.ConvNd.weight`).
 * - `'tf'`: `[...kernel, in, out]` (Keras / TensorFlow / tfjs / JAX defaults).
 */
export type Layout = 'torch' | 'tf';

export interface FanOptions {
  /** Weight layout (default `'torch'`, or the instance's `load({ layout })`). Not together with `inAxis`/`outAxis`/`batchAxis`. */
  layout?: Layout;
  /** JAX-style explicit input axis or axes (negative counts from the end). Default -2 when `outAxis` is given. */
  inAxis?: number | readonly number[];
  /** JAX-style explicit output axis or axes. Default -1 when `inAxis` is given. */
  outAxis?: number | readonly number[];
  /** JAX-style batch axes: excluded from both fans. Only with `inAxis`/`outAxis`. */
  batchAxis?: number | readonly number[];
}

export const FAN_OPTIONS = ['layout', 'inAxis', 'outAxis', 'batchAxis'] as const;

export interface Fans {
  /** Inputs per output unit: in · receptive field. */
  readonly fanIn: number;
  /** Outputs per input unit: out · receptive field. */
  readonly fanOut: number;
  /** Product of the kernel (non-in, non-out, non-batch) dimensions; 1 for a matrix. */
  readonly receptiveField: number;
}

/** The layout option: 'torch' or 'tf'; `dflt` when absent. */
export function readLayout(fn: string, v: unknown, dflt: Layout = 'torch'): Layout {
  const layoutDoc = ['torch', 'tf'] as const;
  try {
    return choice(fn, 'layout', v, layoutDoc, dflt);
  } catch (e) {
    const E = e instanceof RangeError ? RangeError : TypeError;
    throw new E(`${fn}: layout must be one of "torch" ([out, in, ...kernel]), "tf" ([...kernel, in, out]), got ${show(v)}`);
  }
}

function axes(fn: string, name: string, v: unknown, rank: number, dflt: readonly number[]): number[] {
  if (v === undefined) return dflt.slice();
  const list = typeof v === 'number' ? [v] : Array.isArray(v) ? (v as unknown[]) : undefined;
  if (list === undefined) throw new TypeError(`${fn}: ${name} must be an integer axis or an array of axes, got ${show(v)}`);
  return list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < -rank || a >= rank) {
      throw new (typeof a === 'number' ? RangeError : TypeError)(
        `${fn}: ${name} must hold integer axes in [${-rank}, ${rank - 1}] for a ${rank}-D shape, got ${typeof v === 'number' ? show(v) : showList(list)}`,
      );
    }
    return a < 0 ? a + rank : a;
  });
}

/**
 * The fans of a read shape under read options (`layout` defaulting to `dflt`).
 * Callers pass shapes and options that went through readShape/readOptions.
 */
export function fansOf(fn: string, shape: readonly number[], o: Readonly<Record<string, unknown>>, dflt: Layout = 'torch'): Fans {
  const rank = shape.length;
  const explicit = o.inAxis !== undefined || o.outAxis !== undefined || o.batchAxis !== undefined;
  if (explicit) {
    if (o.layout !== undefined) {
      throw new TypeError(`${fn}: give either layout or inAxis/outAxis/batchAxis, not both (got layout ${show(o.layout)})`);
    }
    if (rank < 2) {
      throw new RangeError(`${fn}: cannot compute fan_in and fan_out of a ${rank}-D shape ${showList(shape)} with inAxis/outAxis: at least 2 dimensions are needed`);
    }
    const ia = axes(fn, 'inAxis', o.inAxis, rank, [rank - 2]);
    const oa = axes(fn, 'outAxis', o.outAxis, rank, [rank - 1]);
    const ba = axes(fn, 'batchAxis', o.batchAxis, rank, []);
    const all = [...ia, ...oa, ...ba];
    if (new Set(all).size !== all.length) {
      throw new RangeError(`${fn}: inAxis, outAxis and batchAxis must name distinct axes, got inAxis ${show(o.inAxis ?? -2)}, outAxis ${show(o.outAxis ?? -1)}, batchAxis ${show(o.batchAxis ?? [])}`);
    }
    const pick = (list: number[]) => sizeOf(list.map((i) => shape[i]!));
    const rf = sizeOf(shape.filter((_, i) => !all.includes(i)));
    return { fanIn: pick(ia) * rf, fanOut: pick(oa) * rf, receptiveField: rf };
  }
  const layout = readLayout(fn, o.layout, dflt);
  if (layout === 'tf') {
    // Keras compute_fans: a scalar counts as 1 x 1, a vector of n as n in, n out
    if (rank === 0) return { fanIn: 1, fanOut: 1, receptiveField: 1 };
    if (rank === 1) return { fanIn: shape[0]!, fanOut: shape[0]!, receptiveField: 1 };
    const rf = sizeOf(shape.slice(0, rank - 2));
    return { fanIn: shape[rank - 2]! * rf, fanOut: shape[rank - 1]! * rf, receptiveField: rf };
  }
  if (rank < 2) {
    throw new RangeError(
      `${fn}: cannot compute fan_in and fan_out of a ${rank}-D shape ${showList(shape)}: the "torch" layout [out, in, ...kernel] needs at least 2 dimensions ` +
        '(use layout: "tf" for the Keras convention, where a 1-D shape of n has fan_in = fan_out = n)',
    );
  }
  const rf = sizeOf(shape.slice(2));
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
  const o = readOptions(fn, opts, FAN_OPTIONS);
  return fansOf(fn, readShape(fn, shape), o);
}
