// Moving a weight between the axis orders of PyTorch ([out, in, ...kernel]) and
// TensorFlow / Keras / tfjs / JAX ([...kernel, in, out]). The result is always an owned copy:
// a fresh array of the input's kind, never a view of wasm memory.
//
//   import { torchToTf } from 'weightinit/layout';
//   const { data, shape } = torchToTf(wi.kaimingUniform([64, 32, 3, 3], { a: Math.sqrt(5) })); // shape [3, 3, 32, 64]
import { readShape, show, showList } from '../init/options.js';
import { typedArrayLength, typedArrayTag } from '../init/show.js';
import { Tensor, type TypedArray } from '../tensor.js';

/** What the layout helpers accept: a weightinit Tensor, a typed array, or a plain array of numbers. */
export type LayoutSource = Tensor<TypedArray> | TypedArray | readonly number[];

/** An owned copy in the new axis order. `data` has the input's kind (a plain array for a plain array). */
export interface Converted<A> {
  data: A;
  shape: number[];
}

/** The data array kind a source converts to. */
export type DataOf<S> = S extends Tensor<infer A> ? A : S extends TypedArray ? S : number[];

interface Source {
  /** The elements to move: a word view over a typed array's bytes (bit-exact, NaN payloads included), or the plain array. */
  values: ArrayLike<number>;
  /** Words per element (2 for 8-byte elements, moved as two 32-bit words), else 1. */
  words: number;
  make: (n: number) => { [i: number]: number; length: number };
  /** The result array from the filled `make` output. */
  wrap: (filled: unknown) => unknown;
  shape: number[];
}

type Ctor = new (...a: never[]) => TypedArray;

function fromTyped(fn: string, arr: TypedArray, tag: string, shape: number[]): Source {
  if (tag === 'BigInt64Array' || tag === 'BigUint64Array') throw new TypeError(`${fn}: data must hold numbers, got a ${tag}`);
  // this realm's constructor for the kind, so the copy never shares the source's buffer or realm
  const C = ((globalThis as Record<string, unknown>)[tag] ?? arr.constructor) as Ctor;
  const bpe = (C as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const len = typedArrayLength(arr);
  const W = bpe === 2 ? Uint16Array : bpe === 4 ? Uint32Array : bpe === 8 ? Uint32Array : Uint8Array;
  const words = bpe === 8 ? 2 : 1;
  const view = new W(arr.buffer as ArrayBuffer, arr.byteOffset, len * words);
  return {
    values: view,
    words,
    make: (n) => new W(n),
    wrap: (filled) => {
      const f = filled as Uint8Array;
      return new (C as unknown as new (b: ArrayBufferLike, o: number, l: number) => TypedArray)(f.buffer, 0, len);
    },
    shape,
  };
}

function readSource(fn: string, src: unknown, shape: unknown): Source {
  if (src instanceof Tensor) {
    const given = shape === undefined ? [...src.shape] : readShape(fn, shape);
    // the live view, read once; nothing below allocates in wasm memory, so it stays valid
    const data = src.data as TypedArray;
    return fromTyped(fn, data, typedArrayTag(data)!, given);
  }
  if (shape === undefined) throw new TypeError(`${fn}: give the shape of the data (only a weightinit Tensor carries its own)`);
  const dims = readShape(fn, shape);
  const tag = typedArrayTag(src);
  if (tag !== undefined) return fromTyped(fn, src as TypedArray, tag, dims);
  if (Array.isArray(src)) {
    const values = (src as unknown[]).slice();
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'number') throw new TypeError(`${fn}: data[${i}] must be a number, got ${show(values[i])}`);
    }
    return { values: values as number[], words: 1, make: (n) => new Array<number>(n), wrap: (f) => f, shape: dims };
  }
  throw new TypeError(`${fn}: data must be a weightinit Tensor, a typed array or an array of numbers, got ${show(src)}`);
}

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * The axes of `shape` permuted: result axis j is source axis perm[j]. An owned copy.
 * @example transpose(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0]) // { data: [1, 4, 2, 5, 3, 6], shape: [3, 2] }
 */
export function transpose<S extends LayoutSource>(src: S, shape: readonly number[] | undefined, perm: readonly number[]): Converted<DataOf<S>> {
  const fn = 'weightinit.transpose';
  const s = readSource(fn, src, shape);
  const r = s.shape.length;
  if (!Array.isArray(perm) || perm.length !== r || [...perm].sort((a, b) => a - b).some((a, i) => a !== i)) {
    throw new RangeError(`${fn}: perm must be a permutation of 0..${r - 1} for a ${r}-D shape, got ${Array.isArray(perm) ? showList(perm) : show(perm)}`);
  }
  return permute(fn, s, perm) as Converted<DataOf<S>>;
}

function permute(fn: string, s: Source, perm: readonly number[]): Converted<unknown> {
  const n = size(s.shape);
  if (s.values.length !== n * s.words) {
    throw new RangeError(`${fn}: shape ${showList(s.shape)} has ${n} elements but the data has ${s.values.length / s.words}`);
  }
  const dst = perm.map((p) => s.shape[p]!);
  // an element of several words is one more (innermost, unmoved) axis
  const shape = s.words > 1 ? [...s.shape, s.words] : s.shape;
  const pm = s.words > 1 ? [...perm, s.shape.length] : perm;
  const out = s.make(n * s.words);
  if (n > 0) move(s.values, shape, pm, out);
  return { data: s.wrap(out), shape: dst };
}

/** out[j] = values[the source index of destination index j], both row-major. */
function move(values: ArrayLike<number>, shape: readonly number[], perm: readonly number[], out: { [i: number]: number }): void {
  const r = shape.length;
  const dst = perm.map((p) => shape[p]!);
  const srcStride = new Array<number>(r);
  for (let ax = r - 1, st = 1; ax >= 0; ax--) {
    srcStride[ax] = st;
    st *= shape[ax]!;
  }
  // the source stride each destination axis walks
  const step = perm.map((p) => srcStride[p]!);
  const idx = new Array<number>(r).fill(0);
  const total = size(shape);
  let at = 0;
  for (let o = 0; o < total; o++) {
    out[o] = values[at]!;
    for (let ax = r - 1; ax >= 0; ax--) {
      at += step[ax]!;
      if (++idx[ax]! < dst[ax]!) break;
      at -= step[ax]! * dst[ax]!;
      idx[ax] = 0;
    }
  }
}

/** [2, 3, ..., r-1, 1, 0]: torch [out, in, ...k] → tf [...k, in, out]. */
function torchToTfPerm(r: number): number[] {
  const p: number[] = [];
  for (let i = 2; i < r; i++) p.push(i);
  p.push(1, 0);
  return p;
}

/** [r-1, r-2, 0, ..., r-3]: tf [...k, in, out] → torch [out, in, ...k]. */
function tfToTorchPerm(r: number): number[] {
  const p = [r - 1, r - 2];
  for (let i = 0; i < r - 2; i++) p.push(i);
  return p;
}

/**
 * A PyTorch-layout weight [out, in, ...kernel] in TensorFlow/Keras/tfjs/JAX layout
 * [...kernel, in, out], as an owned copy. Rank 0 and 1 (biases, norms) are the same in both
 * layouts and come back copied. `shape` defaults to a Tensor's own.
 * @example torchToTf(wi.normal([64, 32, 3, 3])) // shape [3, 3, 32, 64]
 */
export function torchToTf<S extends LayoutSource>(src: S, shape?: readonly number[]): Converted<DataOf<S>> {
  const fn = 'weightinit.torchToTf';
  const s = readSource(fn, src, shape);
  const r = s.shape.length;
  return permute(fn, s, r < 2 ? [...Array(r).keys()] : torchToTfPerm(r)) as Converted<DataOf<S>>;
}

/**
 * A TensorFlow/Keras/tfjs/JAX-layout weight [...kernel, in, out] in PyTorch layout
 * [out, in, ...kernel], as an owned copy. The inverse of torchToTf.
 * @example tfToTorch(kernelData, [3, 3, 32, 64]) // shape [64, 32, 3, 3]
 */
export function tfToTorch<S extends LayoutSource>(src: S, shape?: readonly number[]): Converted<DataOf<S>> {
  const fn = 'weightinit.tfToTorch';
  const s = readSource(fn, src, shape);
  const r = s.shape.length;
  return permute(fn, s, r < 2 ? [...Array(r).keys()] : tfToTorchPerm(r)) as Converted<DataOf<S>>;
}
