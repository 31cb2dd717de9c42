// Orthogonal and delta-orthogonal initialization: a Gaussian matrix from the library's normal
// stream, orthonormalised in wasm by block Gram-Schmidt with re-orthogonalisation (BCGS2,
// assembly/orthogonal.ts). docs/orthogonal.md: algorithm, accuracy, measured speed.
import { COMMON, MAX_CALL, REMOTE, type Engine, type Kernel } from '../engine/engine.js';
import type { Key } from '../engine/keys.js';
import { readLayout, type Layout } from '../fans.js';
import type { Tensor, TypedArray } from '../tensor.js';
import type { InitOptions } from './common.js';
import { readGain, readOptions, readShape, showList, sizeOf } from './options.js';
import { convDims, readConvShape } from './structured.js';

export interface OrthogonalOptions extends InitOptions {
  /** Multiplies the orthogonal matrix (default 1): QᵀQ = gain²·I (PyTorch `gain`, Keras/JAX `scale`). */
  gain?: number;
  /**
   * How the shape is flattened to a matrix. 'torch' (default, PyTorch `orthogonal_`):
   * rows = shape[0], cols = the product of the rest. 'tf' (Keras/JAX `Orthogonal`): rows =
   * the product of all but the last dimension, cols = the last.
   */
  layout?: Layout;
}

export interface DeltaOrthogonalOptions extends InitOptions {
  /** Multiplies the orthogonal centre (default 1). */
  gain?: number;
  /** 'torch' (default): [out, in, ...kernel]; 'tf': [...kernel, in, out] (the JAX/TF layout). */
  layout?: Layout;
}

type Out = Tensor<TypedArray> | TypedArray;

/**
 * Writes W = gain · orthogonal(rows x cols) for key into dst (rows·cols float32, row-major).
 * Allocates its scratch (and, for tall matrices, the k x n work matrix) on the wasm heap and
 * frees it before returning.
 * @internal
 */
export function orthogonalInto(e: Engine, fn: string, dst: number, rows: number, cols: number, gain: number, key: Key): void {
  const k = Math.min(rows, cols);
  const n = Math.max(rows, cols);
  const size = k * n;
  if (size === 0) return;
  const core = e.core;
  const heap = e.heap;
  const tall = rows > cols;
  const what = `${fn} (a ${rows}x${cols} orthogonal matrix is made whole in wasm memory: the matrix, ${tall ? 'a work copy of it, ' : ''}and ${core.orthoScratchBytes(k)} bytes of scratch)`;
  const v = tall ? heap.alloc(size * 4, what) : dst;
  let scratch = -1;
  try {
    scratch = heap.alloc(core.orthoScratchBytes(k), what);
    // on this thread: a worker taken for dead that still wrote a piece late would write over the
    // matrix being orthonormalised (a plain fill's late piece writes the values already there)
    for (let s = 0; s < size; s += MAX_CALL) core.fillNormal(v + s * 4, s, Math.min(MAX_CALL, size - s), key.lo, key.hi, 0, 1, 0, 0, 0);
    orthonormalize(e, v, k, n, scratch);
    if (tall) core.transposeScale(v, dst, k, n, gain);
    else if (gain !== 1) core.scaleInPlace(dst, size, gain);
  } finally {
    if (scratch >= 0) heap.free(scratch);
    if (tall) heap.free(v);
  }
}

/**
 * Projections smaller than this (earlier rows x row length x panel rows: the multiply-adds of its
 * coefficients) stay on the calling thread: waking the workers costs more than sharing saves.
 */
export const PARALLEL_PROJECTION = 1 << 21;

/**
 * Orthonormalises the k rows (length n, k <= n) of the row-major float32 matrix at v in place
 * (BCGS2: assembly/orthogonal.ts has the algorithm, docs/orthogonal.md the reasons), with
 * orthoScratchBytes(k) bytes of scratch. This is the panel loop. Where the worker pool runs, a
 * large projection is shared out by pairs of panel rows: the workers and this thread take pieces
 * of about pairs / (2 · threads) pairs in turn, each making its pairs' coefficients and then
 * their update. Each pair's values are the same whoever makes it, so the split never changes a bit.
 *
 * The shared pieces write only a region of their own (the updated rows W, the coefficients Cw),
 * never the matrix: W is copied into the panel once every piece is made. A piece made twice (redone
 * for a worker taken for dead) starts again from the untouched panel. And since a worker taken for
 * dead may have been only stalled, and may still finish its piece later, a call that loses a worker
 * gives the region up for good (it is never freed, so no later allocation can be written over),
 * makes that projection again here, in place, and goes on alone: the same bits.
 * @internal
 */
export function orthonormalize(e: Engine, v: number, k: number, n: number, scratch: number): void {
  const core = e.core;
  const panel = core.orthoPanelRows();
  const C = scratch;
  const NRM = scratch + k * panel * 4;
  const startThreads = e.threads;
  let shared = startThreads > 1;
  /** The workers' region (W: panel rows of n floats, then Cw: k x panel coefficients), made on the first shared projection. */
  let region = -1;
  /** Makes a projection with the pool; false where this thread must make it instead (no room for the region, or a worker lost). */
  const share = (j: number, B: number, P: number, pairs: number): boolean => {
    if (region < 0) {
      try {
        region = e.heap.alloc(panel * n * 4 + k * panel * 4, 'orthogonal (the workers\' copy of a panel)');
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        shared = false; // no room for the workers' region: this thread alone
        return false;
      }
    }
    const W = region;
    const Cw = region + panel * n * 4;
    // two pieces per thread: larger pieces read the earlier rows fewer times (each piece sweeps
    // them twice; pieces of 4 pairs measured 7% faster than 2 at 2048² on 2 threads, 13% faster
    // than 1), while two per thread still let one thread take over from a busy one
    const size = Math.ceil(pairs / (2 * startThreads));
    // a worker reports progress once per piece: wait for one at least as long as a piece could
    // take at 0.25 G multiply-adds per second (4·j·n per pair: its dots and its update)
    const stallMs = Math.max(2000, Math.ceil((4 * size * j * n) / 2.5e5));
    e.spread(REMOTE.orthoProject, [v, n, j, B, Cw, W], pairs, size, (s, c) => core.orthoProject(v, n, j, B, Cw, W, s, s + c), stallMs);
    if (e.threads < startThreads) {
      // a worker was taken for dead: the region may still be written (it is never freed); the
      // panel is untouched, so this thread makes the projection again, and the rest alone
      shared = false;
      return false;
    }
    e.f32(P, B * n).set(e.f32(W, B * n));
    return true;
  };
  const project = (j: number, B: number): void => {
    const P = v + j * n * 4;
    const pairs = Math.ceil(B / 2);
    if (shared && j * n * B >= PARALLEL_PROJECTION && share(j, B, P, pairs)) return;
    core.orthoProject(v, n, j, B, C, P, 0, pairs);
  };
  try {
    for (let j = 0; j < k; j += panel) {
      const B = Math.min(panel, k - j);
      core.orthoNorms(v, n, j, B, NRM);
      if (j > 0) project(j, B);
      if (core.orthoIntra(v, n, j, B, C, NRM, 1) === 0) continue;
      if (j > 0) project(j, B);
      core.orthoIntra(v, n, j, B, C, NRM, 0);
    }
  } finally {
    // a worker lost (in a run that returned or threw) leaves the region for good
    if (region >= 0 && e.threads === startThreads) e.heap.free(region);
  }
}

/**
 * A produce() kernel for a matrix that must be made whole: on the in-memory float32 path (one
 * call covering everything) it is written straight into the output; otherwise (out, dtype,
 * range: calls chunk by chunk) it is made once into a heap buffer and copied from.
 */
function run(e: Engine, fn: string, shape: number[], o: Readonly<Record<string, unknown>>, gain: number, make: (dst: number, key: Key) => void): Out {
  const size = sizeOf(shape);
  let whole = -1;
  const kernel: Kernel = (p, start, count, key) => {
    if (start === 0 && count === size && whole < 0) {
      make(p, key);
      return;
    }
    if (whole < 0) {
      const ptr = e.heap.alloc(size * 4, `${fn} (the whole ${showList(shape)} matrix, made before any part of it is copied out)`);
      try {
        make(ptr, key);
      } catch (err) {
        e.heap.free(ptr);
        throw err;
      }
      whole = ptr;
    }
    e.f32(p, count).set(e.f32(whole + start * 4, count));
  };
  try {
    // every entry of gain·Q (Q with orthonormal rows or columns) is at most |gain| in magnitude
    return e.produce({ fn, shape, opts: o, kernel, whole: true, maxAbs: Math.abs(gain) });
  } finally {
    if (whole >= 0) e.heap.free(whole);
  }
}

/** @internal */
export function orthogonal(e: Engine, shape: unknown, opts: unknown): Out {
  const fn = 'weightinit.orthogonal';
  const o = readOptions(fn, opts, ['gain', 'layout', ...COMMON]);
  const s = readShape(fn, shape);
  if (s.length < 2) {
    throw new RangeError(`${fn}: shape must have at least 2 dimensions (a matrix, or a kernel flattened to one), got ${showList(s)} (${s.length}-D)`);
  }
  const gain = readGain(fn, o.gain);
  const layout = readLayout(fn, o.layout, e.layout);
  e.outputType(fn, o.dtype); // validate dtype before any size arithmetic is reported
  const size = sizeOf(s);
  const rows = layout === 'torch' ? s[0]! : size === 0 ? 0 : size / s[s.length - 1]!;
  const cols = layout === 'torch' ? (rows === 0 ? 0 : size / rows) : s[s.length - 1]!;
  return run(e, fn, s, o, gain, (dst, key) => orthogonalInto(e, fn, dst, rows, cols, gain, key));
}

/** @internal */
export function deltaOrthogonal(e: Engine, shape: unknown, opts: unknown): Out {
  const fn = 'weightinit.deltaOrthogonal';
  const o = readOptions(fn, opts, ['gain', 'layout', ...COMMON]);
  const s = readConvShape(fn, shape);
  const layout = readLayout(fn, o.layout, e.layout);
  const gain = readGain(fn, o.gain);
  e.outputType(fn, o.dtype);
  const { outC, inC, kdims } = convDims(s, layout);
  if (outC < inC) {
    throw new RangeError(
      `${fn}: out channels (${outC}) must be >= in channels (${inC}) for an orthogonal centre, got shape ${showList(s)} (layout ${JSON.stringify(layout)}: ` +
        `${layout === 'torch' ? '[out, in, ...kernel]' : '[...kernel, in, out]'})`,
    );
  }
  let centre = 0;
  let ksize = 1;
  for (const d of kdims) {
    centre = centre * d + Math.floor((d - 1) / 2);
    ksize *= d;
  }
  const size = sizeOf(s);
  const m = outC * inC;
  const make = (dst: number, key: Key): void => {
    e.f32(dst, size).fill(0);
    if (size === 0) return;
    // torch: the [out, in] matrix (orthonormal columns); tf: the [in, out] one (orthonormal rows)
    const mat = e.heap.alloc(m * 4, `${fn} (its ${outC}x${inC} orthogonal centre)`);
    try {
      if (layout === 'torch') orthogonalInto(e, fn, mat, outC, inC, gain, key);
      else orthogonalInto(e, fn, mat, inC, outC, gain, key);
      const w = e.f32(dst, size);
      const a = e.f32(mat, m);
      if (layout === 'torch') {
        for (let i = 0; i < m; i++) w[i * ksize + centre] = a[i]!;
      } else {
        w.set(a, centre * m);
      }
    } finally {
      e.heap.free(mat);
    }
  };
  return run(e, fn, s, o, gain, make);
}

/**
 * Orthonormalises the k rows (length n, k <= n) of a caller's matrix with orthonormalize and
 * returns the result (for tests of the kernel itself). Rows that collapse are replaced by unit
 * directions orthogonalised against the earlier rows.
 * @internal
 */
export function orthonormalizeRows(e: Engine, data: Float32Array, k: number, n: number): Float32Array {
  if (!(k <= n) || data.length !== k * n) throw new RangeError(`orthonormalizeRows: need k <= n and k·n elements, got k = ${k}, n = ${n}, ${data.length} elements`);
  const v = e.heap.alloc(Math.max(4, k * n * 4));
  const scratch = e.heap.alloc(e.core.orthoScratchBytes(k));
  try {
    e.f32(v, k * n).set(data);
    orthonormalize(e, v, k, n, scratch);
    return e.f32(v, k * n).slice();
  } finally {
    e.heap.free(scratch);
    e.heap.free(v);
  }
}
