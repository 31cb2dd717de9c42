// The structured fillers: constant, zeros, ones, eye, dirac (they draw nothing and take no
// key) and sparse (Martens 2010).
import { COMMON, type Engine, type Kernel } from '../engine/engine.js';
import { readLayout, type Layout } from '../fans.js';
import type { Tensor, TypedArray } from '../tensor.js';
import type { InitOptions } from './common.js';
import { nonNegative, num, positiveInt, readGain, readOptions, readShape, show, showList } from './options.js';

export interface ConstantOptions extends InitOptions {
  /** The value (default 0), stored as float32 (then converted to dtype). A finite value must be a finite float32; ±Infinity and NaN are taken as given. */
  value?: number;
}
export interface EyeOptions extends InitOptions {
  /** Diagonal value (default 1), as Keras `Identity(gain)`; a finite float32. */
  gain?: number;
}
export interface DiracOptions extends InitOptions {
  /** Groups (default 1): the out-channel dimension must be divisible by it. */
  groups?: number;
  /** 'torch': [out, in, ...kernel]; 'tf': [...kernel, in, out] (default 'torch', or the instance's `load({ layout })`). */
  layout?: Layout;
}
export interface SparseOptions extends InitOptions {
  /** Fraction of each column set to zero, in [0, 1]: ceil(sparsity · rows) zeros per column. Required, as in PyTorch. */
  sparsity: number;
  /** Std of the non-zero normal values (default 0.01). */
  std?: number;
}

type Out = Tensor<TypedArray> | TypedArray;

/** A constant value: a finite number must stay finite in float32; ±Infinity and NaN are deliberate. */
function readValue(fn: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number') throw new TypeError(`${fn}: value must be a number, got ${show(v)}`);
  const r = Math.fround(v);
  if (Number.isFinite(v) && !Number.isFinite(r)) {
    throw new RangeError(`${fn}: value must be representable as a finite float32 (|x| <= 3.4028234663852886e38), got ${show(v)}; pass Infinity explicitly if you mean it`);
  }
  return r;
}

function fixed(e: Engine, fn: string, shape: number[], o: Readonly<Record<string, unknown>>, kernel: Kernel, maxAbs: number): Out {
  return e.produce({ fn, shape, opts: o, kernel, draws: false, maxAbs });
}

/** @internal */
export function constant(e: Engine, shape: unknown, opts: unknown): Out {
  const fn = 'weightinit.constant';
  const o = readOptions(fn, opts, ['value', ...COMMON]);
  const s = readShape(fn, shape);
  const value = readValue(fn, o.value);
  return fixed(e, fn, s, o, e.constantKernel(value), Math.abs(value));
}

/** @internal */
export function filled(e: Engine, name: 'zeros' | 'ones', shape: unknown, opts: unknown): Out {
  const fn = `weightinit.${name}`;
  const o = readOptions(fn, opts, COMMON);
  return fixed(e, fn, readShape(fn, shape), o, e.constantKernel(name === 'zeros' ? 0 : 1), 1);
}

/** @internal */
export function eye(e: Engine, shape: unknown, opts: unknown): Out {
  const fn = 'weightinit.eye';
  const o = readOptions(fn, opts, ['gain', ...COMMON]);
  const s = readShape(fn, shape);
  if (s.length !== 2) throw new RangeError(`${fn}: shape must be 2-D [rows, cols], got ${showList(s)} (${s.length}-D)`);
  const gain = readGain(fn, o.gain);
  const [rows, cols] = s as [number, number];
  const kernel: Kernel = (p, start, n) => {
    const view = e.f32(p, n);
    view.fill(0);
    if (cols === 0) return;
    const end = start + n;
    for (let r = Math.floor(start / cols); r < rows && r < cols; r++) {
      const idx = r * cols + r;
      if (idx >= end) break;
      if (idx >= start) view[idx - start] = gain;
    }
  };
  return fixed(e, fn, s, o, kernel, Math.abs(gain));
}

/** Out and in channel counts and kernel dims of a 3-, 4- or 5-D conv weight in a layout. */
export function convDims(shape: readonly number[], layout: Layout): { outC: number; inC: number; kdims: number[] } {
  const r = shape.length;
  return layout === 'torch'
    ? { outC: shape[0]!, inC: shape[1]!, kdims: shape.slice(2) }
    : { outC: shape[r - 1]!, inC: shape[r - 2]!, kdims: shape.slice(0, r - 2) };
}

export function readConvShape(fn: string, shape: unknown): number[] {
  const s = readShape(fn, shape);
  if (s.length < 3 || s.length > 5) throw new RangeError(`${fn}: shape must be 3-, 4- or 5-D (a conv1d/2d/3d weight), got ${showList(s)} (${s.length}-D)`);
  return s;
}

/** @internal */
export function dirac(e: Engine, shape: unknown, opts: unknown): Out {
  const fn = 'weightinit.dirac';
  const o = readOptions(fn, opts, ['groups', 'layout', ...COMMON]);
  const s = readConvShape(fn, shape);
  const layout = readLayout(fn, o.layout, e.layout);
  const g = positiveInt(fn, 'groups', o.groups, 1);
  const { outC, inC, kdims } = convDims(s, layout);
  if (outC % g !== 0) throw new RangeError(`${fn}: the out-channel dimension (${outC}) must be divisible by groups (${g})`);
  const perGroup = outC / g;
  const minDim = Math.min(perGroup, inC);
  // flat index of the kernel centre (k // 2 in every kernel dimension, as PyTorch)
  let centre = 0;
  let ksize = 1;
  for (const d of kdims) {
    centre = centre * d + Math.floor(d / 2);
    ksize *= d;
  }
  const ones: number[] = [];
  if (ksize > 0) {
    for (let gi = 0; gi < g; gi++) {
      for (let d = 0; d < minDim; d++) {
        const oc = gi * perGroup + d;
        ones.push(layout === 'torch' ? (oc * inC + d) * ksize + centre : (centre * inC + d) * outC + oc);
      }
    }
    ones.sort((x, y) => x - y);
  }
  const kernel: Kernel = (p, start, n) => {
    const view = e.f32(p, n);
    view.fill(0);
    for (const idx of ones) if (idx >= start && idx < start + n) view[idx - start] = 1;
  };
  return fixed(e, fn, s, o, kernel, 1);
}

/** @internal */
export function sparse(e: Engine, shape: unknown, opts: unknown): Out {
  const fn = 'weightinit.sparse';
  const o = readOptions(fn, opts, ['sparsity', 'std', ...COMMON]);
  const s = readShape(fn, shape);
  if (s.length !== 2) throw new RangeError(`${fn}: shape must be 2-D [rows, cols], got ${showList(s)} (${s.length}-D)`);
  if (o.sparsity === undefined) throw new TypeError(`${fn}: sparsity is required: a number in [0, 1], the fraction of each column set to zero`);
  const sparsity = num(fn, 'sparsity', o.sparsity, 0);
  if (sparsity < 0 || sparsity > 1) throw new RangeError(`${fn}: sparsity must be in [0, 1], got ${show(o.sparsity)}`);
  const std = Math.fround(nonNegative(fn, 'std', o.std, 0.01));
  if (!Number.isFinite(std) || !Number.isFinite(Math.fround(6.764 * std))) {
    throw new RangeError(`${fn}: std must keep 6.764·std a finite float32, got ${show(o.std)}`);
  }
  const [rows, cols] = s as [number, number];
  const zerosPerCol = Math.ceil(sparsity * rows);
  const normal = std > 0 ? e.normalKernel(0, std) : e.constantKernel(0);
  const maxAbs = 6.764 * std;
  if (zerosPerCol === 0 || cols === 0) return e.produce({ fn, shape: s, opts: o, kernel: normal, maxAbs });
  const core = e.core;
  const maskBytes = core.sparseMaskBytes(rows, cols);
  // The zero pattern is computed once per call (on the first chunk, when the key is known)
  // into a heap bitmap of flat indices, then applied to every chunk; freed when the call ends.
  let mask = -1;
  const kernel: Kernel = (p, start, n, key) => {
    if (mask < 0) {
      mask = e.heap.alloc(maskBytes, `${fn} (its zero mask for ${rows}x${cols}: the whole mask, (rows + 1)·cols bits, is kept in wasm memory whatever range or out say)`);
      core.sparseMask(mask, rows, cols, zerosPerCol, key.lo, key.hi);
    }
    normal(p, start, n, key);
    core.sparseApply(p, mask, start, n);
  };
  try {
    return e.produce({ fn, shape: s, opts: o, kernel, maxAbs });
  } finally {
    if (mask >= 0) e.heap.free(mask);
  }
}
