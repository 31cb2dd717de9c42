/// <reference lib="esnext.disposable" preserve="true" />
// Tensor: a region of wasm memory with a shape, handed out as a live zero-copy view.
import type { Heap } from './memory.js';

/** Element types a tensor can hold and the typed array its `data` view uses. */
export interface DTypeInfo<A extends TypedArray = TypedArray> {
  readonly name: string;
  readonly bytes: number;
  readonly array: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): A; new (length: number): A; readonly name: string };
}

export type TypedArray = Float32Array | Float64Array | Uint16Array | Uint32Array | Int32Array | Uint8Array;

/** Backstop only: frees the wasm region of a tensor the program dropped without free(). */
const registry: FinalizationRegistry<{ heap: Heap; ptr: number }> | undefined =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry(({ heap, ptr }) => {
        heap.free(ptr);
      })
    : undefined;

/**
 * A hidden back-reference from every view `data` hands out to its tensor: while the user holds
 * the view, the tensor stays reachable, so the FinalizationRegistry backstop cannot free (and
 * reuse) memory under a live view. `wi.uniform(shape).data` is safe to keep.
 */
const OWNER: unique symbol = Symbol('weightinit.owner');

export class Tensor<A extends TypedArray = Float32Array> {
  /** The tensor's shape (for a `range` result: `[end - start]`). */
  readonly shape: readonly number[];
  /** Element type name: 'float32', 'float64', 'float16', 'bfloat16', 'uint32'. */
  readonly dtype: string;
  /** Number of elements. */
  readonly size: number;
  readonly #heap: Heap;
  readonly #info: DTypeInfo<A>;
  #ptr: number;
  #view: A | undefined;
  #token = {};

  /** @internal Tensors are made by the initializers, not by users. */
  constructor(heap: Heap, ptr: number, shape: readonly number[], size: number, info: DTypeInfo<A>, dtypeName?: string) {
    this.#heap = heap;
    this.#ptr = ptr;
    this.shape = Object.freeze(shape.slice());
    this.size = size;
    this.#info = info;
    this.dtype = dtypeName ?? info.name;
    registry?.register(this, { heap, ptr }, this.#token);
  }

  /** Byte offset of the data in wasm memory (for kernels and interop). */
  get byteOffset(): number {
    this.#check();
    return this.#ptr;
  }

  get byteLength(): number {
    return this.size * this.#info.bytes;
  }

  /**
   * A live, zero-copy view of the tensor's values in wasm memory. Re-derived whenever wasm
   * memory grew (growth replaces the buffer and empties old views), so it never hands out a
   * detached, length-0 view. Keep the tensor, not the view, if you allocate in between.
   * Throws after free().
   */
  get data(): A {
    this.#check();
    const buffer = this.#heap.memory.buffer;
    const v = this.#view;
    if (v === undefined || v.buffer !== buffer || (v.length === 0 && this.size !== 0)) {
      const view = new this.#info.array(buffer, this.#ptr, this.size);
      Object.defineProperty(view, OWNER, { value: this });
      this.#view = view;
    }
    return this.#view!;
  }

  /** An owned copy of the values, independent of wasm memory. */
  toArray(): A {
    return this.data.slice() as A;
  }

  /** True once free() was called. */
  get freed(): boolean {
    return this.#ptr < 0;
  }

  /** Releases the wasm memory. Afterwards `data` throws. Calling it twice is harmless. */
  free(): void {
    if (this.#ptr < 0) return;
    registry?.unregister(this.#token);
    this.#heap.free(this.#ptr);
    this.#ptr = -1;
    this.#view = undefined;
  }

  /** `using t = wi.normal(...)` frees the tensor at the end of the block. */
  [Symbol.dispose](): void {
    this.free();
  }

  #check(): void {
    if (this.#ptr < 0) throw new Error('weightinit: this tensor was freed; its data is gone (use toArray() before free() to keep a copy)');
  }
}

export const FLOAT32: DTypeInfo<Float32Array> = { name: 'float32', bytes: 4, array: Float32Array };
export const UINT32: DTypeInfo<Uint32Array> = { name: 'uint32', bytes: 4, array: Uint32Array };
