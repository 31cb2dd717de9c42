/// <reference lib="esnext.disposable" preserve="true" />
// Tensor: a region of wasm memory with a shape, handed out as a live zero-copy view.
// docs/memory.md says what each runtime does with a kept view and why nothing a program can
// still read ever changes under it.
import type { Heap } from './engine/heap.js';

/** The typed arrays tensors and `out` targets use. */
export type TypedArray = Float32Array | Float64Array | Uint16Array | Float16Array | Uint32Array;

/** How a dtype is stored: element size, the array type of `data`, and the `out` kinds it accepts. */
export interface DTypeInfo<A extends TypedArray = TypedArray> {
  readonly name: string;
  readonly bytes: number;
  readonly array: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): A; new (length: number): A; readonly name: string };
  /** Typed array kinds (their Symbol.toStringTag) accepted as `out`. */
  readonly outKinds: readonly string[];
}

/** What the backstop needs to know of a tensor the program dropped. */
interface Region {
  readonly heap: Heap;
  readonly ptr: number;
  /** Whether a view of the region (or its byteOffset) was ever handed out. */
  exposed: boolean;
}

/**
 * Backstop only: reclaims the wasm region of a tensor the program dropped without free().
 * A region no view ever saw is freed at once; one that was seen goes through Heap.release,
 * which reuses it only when no view derived from it can read it any more.
 */
const registry: FinalizationRegistry<Region> | undefined =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((r) => {
        if (r.exposed) r.heap.release(r.ptr);
        else r.heap.free(r.ptr);
      })
    : undefined;

/**
 * A hidden back-reference from every view `data` hands out to its tensor: while the program
 * holds the view, the tensor stays reachable and the backstop does not run.
 */
const OWNER: unique symbol = Symbol('weightinit.owner');

/** Tensors made while a scope is open, innermost scope last (see WeightInit.scope). */
const scopes: Set<Tensor<TypedArray>>[] = [];

/** @internal */
export function openScope(): Set<Tensor<TypedArray>> {
  const s = new Set<Tensor<TypedArray>>();
  scopes.push(s);
  return s;
}
/** @internal */
export function closeScope(s: Set<Tensor<TypedArray>>): void {
  const i = scopes.lastIndexOf(s);
  if (i >= 0) scopes.splice(i, 1);
}

export class Tensor<A extends TypedArray = Float32Array> {
  /** The tensor's shape (for a `range` result: `[end - start]`). */
  readonly shape: readonly number[];
  /** Element type name: 'float32', 'float64', 'float16', 'bfloat16', 'uint32'. */
  readonly dtype: string;
  /** Number of elements. */
  readonly size: number;
  readonly #heap: Heap;
  readonly #info: DTypeInfo<A>;
  readonly #region: Region;
  #ptr: number;
  #view: A | undefined;
  readonly #token = {};

  private constructor(heap: Heap, ptr: number, shape: readonly number[], size: number, info: DTypeInfo<A>) {
    this.#heap = heap;
    this.#ptr = ptr;
    this.shape = Object.freeze(shape.slice());
    this.size = size;
    this.#info = info;
    this.dtype = info.name;
    this.#region = { heap, ptr, exposed: false };
    registry?.register(this, this.#region, this.#token);
    scopes[scopes.length - 1]?.add(this as unknown as Tensor<TypedArray>);
  }

  /** @internal Tensors are made by the library, over a region it allocated. */
  static adopt<A extends TypedArray>(heap: Heap, ptr: number, shape: readonly number[], size: number, info: DTypeInfo<A>): Tensor<A> {
    return new Tensor(heap, ptr, shape, size, info);
  }

  /** Byte offset of the data in wasm memory (for kernels and interop such as WebGPU writeBuffer). */
  get byteOffset(): number {
    this.#check();
    this.#region.exposed = true;
    return this.#ptr;
  }

  get byteLength(): number {
    return this.size * this.#info.bytes;
  }

  /**
   * A live, zero-copy view of the tensor's values in wasm memory, for a copy that happens now
   * (a file write, a GPU upload). Re-derived whenever wasm memory grew, so it never hands out
   * a detached view. Where the runtime has no resizable buffers (Node 20–24), a view you keep
   * reads length 0 after the next allocation that grows memory: keep the tensor and read
   * `data` again, or take an owned copy (`toArray()`, `take()`). Throws after free().
   */
  get data(): A {
    this.#check();
    this.#region.exposed = true;
    return this.#currentView();
  }

  /** An owned copy of the values, independent of wasm memory (what a framework should keep). */
  toArray(): A {
    this.#check();
    return this.#currentView().slice() as A;
  }

  /** An owned copy of the values, and the tensor freed: the one-call hand-off to a framework. */
  take(): A {
    const copy = this.toArray();
    this.free();
    return copy;
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

  #currentView(): A {
    const buffer = this.#heap.memory.buffer;
    const v = this.#view;
    if (v === undefined || v.buffer !== buffer || (v.length === 0 && this.size !== 0)) {
      const view = new this.#info.array(buffer, this.#ptr, this.size);
      Object.defineProperty(view, OWNER, { value: this });
      this.#view = view;
    }
    return this.#view!;
  }

  #check(): void {
    if (this.#ptr < 0) throw new Error('weightinit: this tensor was freed; its data is gone (use toArray() or take() to keep a copy)');
  }
}
