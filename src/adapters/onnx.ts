// ONNX Runtime hand-off: an ort.Tensor over an OWNED copy of a weightinit tensor or array.
// `ort` is the module object the caller already imported (onnxruntime-node, onnxruntime-web,
// onnxruntime-react-native: they share onnxruntime-common's Tensor), so weightinit has no
// import of its own and no version to agree with.
//
//   import * as ort from 'onnxruntime-node';
//   import { toOrtTensor } from 'weightinit/onnx';
//   const W = toOrtTensor(ort, wi.glorotUniform([784, 256], { layout: 'tf' }));
import { readShape, show, showList } from '../init/options.js';
import { typedArrayLength, typedArrayTag } from '../init/show.js';
import { Tensor, type TypedArray } from '../tensor.js';

/** The part of an ONNX Runtime module toOrtTensor uses: its Tensor constructor. */
export interface OrtModule<T> {
  Tensor: new (type: string, data: Float32Array | Float64Array | Uint16Array | Uint32Array, dims?: readonly number[]) => T;
}

/** The ort type strings toOrtTensor produces. */
export type OrtType = 'float32' | 'float64' | 'float16' | 'uint32';

/**
 * The ONNX Runtime type and an owned copy of the elements of a weightinit Tensor or typed array.
 * float16 comes back as Uint16Array bit patterns, which every ONNX Runtime accepts for
 * 'float16' (it wraps them in a Float16Array where the runtime has one).
 */
export function ortData(src: Tensor<TypedArray> | TypedArray): { type: OrtType; data: Float32Array | Float64Array | Uint16Array | Uint32Array; shape: number[] } {
  const fn = 'weightinit.toOrtTensor';
  let dtype: string;
  let arr: TypedArray;
  let shape: number[];
  if (src instanceof Tensor) {
    if (src.freed) throw new Error(`${fn}: this tensor was freed; its data is gone`);
    dtype = src.dtype;
    if (dtype === 'bfloat16') {
      throw new TypeError(`${fn}: ONNX Runtime's JavaScript Tensor has no bfloat16 type (its types: float32, float16, float64, int8…uint64, bool, string); make the tensor with dtype "float16" or "float32"`);
    }
    arr = src.data;
    shape = [...src.shape];
  } else {
    const tag = typedArrayTag(src);
    switch (tag) {
      case 'Float32Array': dtype = 'float32'; break;
      case 'Float64Array': dtype = 'float64'; break;
      // weightinit's float16 data where the runtime has no Float16Array: bit patterns
      case 'Float16Array': case 'Uint16Array': dtype = 'float16'; break;
      case 'Uint32Array': dtype = 'uint32'; break;
      default:
        throw new TypeError(`${fn}: expected a weightinit Tensor or a Float32Array, Float64Array, Float16Array, Uint16Array (float16 bit patterns) or Uint32Array, got ${show(src)}`);
    }
    arr = src as TypedArray;
    shape = [typedArrayLength(src)];
  }
  const n = typedArrayLength(arr);
  // copies made with this realm's constructors: independent of wasm memory (and of another realm's buffer)
  let data: Float32Array | Float64Array | Uint16Array | Uint32Array;
  switch (dtype) {
    case 'float32': data = new Float32Array(n); data.set(arr as Float32Array); break;
    case 'float64': data = new Float64Array(n); data.set(arr as Float64Array); break;
    case 'float16': data = new Uint16Array(n); data.set(new Uint16Array(arr.buffer as ArrayBuffer, arr.byteOffset, n)); break;
    case 'uint32': data = new Uint32Array(n); data.set(arr as Uint32Array); break;
    default: throw new TypeError(`${fn}: no ONNX Runtime type for dtype ${show(dtype)}`);
  }
  return { type: dtype as OrtType, data, shape };
}

/**
 * `new ort.Tensor(type, ownedCopy, dims)` from a weightinit Tensor or a typed array. The
 * copy never shares memory with wasm, so freeing the tensor or growing wasm memory never
 * changes what ONNX Runtime reads. The source tensor is not freed (free it, or use wi.scope).
 *
 * Types: float32 → 'float32', float64 → 'float64', float16 (a Float16Array, or Uint16Array
 * bit patterns) → 'float16', uint32 → 'uint32'. bfloat16 has no ONNX Runtime JS type: an error.
 * A plain Uint16Array is read as float16 bit patterns. `dims` defaults to the tensor's shape
 * (an array's: [length]) and must hold the same number of elements.
 * @example
 * const W = toOrtTensor(ort, wi.glorotUniform([784, 256], { layout: 'tf' }));  // ort.Tensor 'float32' [784, 256]
 */
export function toOrtTensor<T>(ort: OrtModule<T>, src: Tensor<TypedArray> | TypedArray, dims?: readonly number[]): T {
  const fn = 'weightinit.toOrtTensor';
  if (ort === null || (typeof ort !== 'object' && typeof ort !== 'function') || typeof (ort as { Tensor?: unknown }).Tensor !== 'function') {
    throw new TypeError(`${fn}: pass the ONNX Runtime module as the first argument (import * as ort from 'onnxruntime-node' or 'onnxruntime-web'), got ${show(ort)}`);
  }
  const { type, data, shape } = ortData(src);
  let d = shape;
  if (dims !== undefined) {
    d = readShape(fn, dims);
    const n = d.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw new RangeError(`${fn}: dims ${showList(d)} hold ${n} elements but the data has ${data.length}`);
  }
  return new ort.Tensor(type, data, d);
}
