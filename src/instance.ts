// The loaded library: one wasm instance, its heap, its key sequence, and the fillers.
import { outputType, type DType } from './dtype.js';
import { Heap } from './memory.js';
import { KeySequence, keyFromBigInt, parseSeed, type Key } from './seed.js';
import { FLOAT32, Tensor, UINT32, type DTypeInfo, type TypedArray } from './tensor.js';
import { checkOptionNames, checkOut, checkRange, checkShape, count as checkCount, f32, show, sizeOf } from './validate.js';

/** The raw kernel exports of core.wasm (pointer + length ABI; kernels trust their input). */
export interface CoreExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  fillU32(out: number, start: number, count: number, keyLo: number, keyHi: number): void;
  fillUniform(out: number, start: number, count: number, keyLo: number, keyHi: number, low: number, high: number): void;
  fillNormal(out: number, start: number, count: number, keyLo: number, keyHi: number, mean: number, std: number): void;
  blockWords(dst: number, keyLo: number, keyHi: number, block: number): void;
  splitmix64At(keyLo: number, keyHi: number, n: number): bigint;
  [kernel: string]: unknown;
}

/** Elements per generator block (docs/stream.md). */
export const BLOCK = 1024;
/** Elements per chunk when filling a caller-owned array or converting dtypes (256 KiB of float32). */
export const CHUNK = 64 * BLOCK;
/** The key handed to fillers that draw nothing; its value never shows in their output. */
const NO_KEY: Key = { lo: 0, hi: 0 };
/** Largest count handed to one kernel call. */
const MAX_CALL = 1 << 28;

export type Shape = readonly number[];

/** What a call returns: the filled `out`, or a Tensor of the dtype's array type. */
export type Result<O> = O extends { out: infer A }
  ? A
  : O extends { dtype: 'float64' }
    ? Tensor<Float64Array>
    : O extends { dtype: 'float16' | 'bfloat16' }
      ? Tensor<Uint16Array>
      : Tensor<Float32Array>;
export type Seed = number | bigint;

/** Options every filler takes. */
export interface CommonOptions {
  /** Fixed tensor key: a non-negative safe integer or a bigint up to 2^64-1. Without it the instance's sequence supplies one. */
  seed?: Seed;
  /** Only the flat elements [start, end) of the full tensor; bit-identical to slicing the full result. */
  range?: readonly [number, number];
}

/** What a filler writes: float32 values of elements [start, start + count) at ptr. */
export type Kernel = (ptr: number, start: number, count: number, key: Key) => void;

/**
 * An output element type. `convert` turns `count` float32 values at `src` into this type at
 * `dst`; absent for float32 itself.
 */
export interface OutputType {
  readonly info: DTypeInfo;
  readonly convert?: (src: number, dst: number, count: number) => void;
}

/** A request to `produce`: everything validated except the common options. */
export interface FillRequest {
  readonly fn: string;
  readonly shape: number[];
  readonly opts: Record<string, unknown>;
  readonly kernel: Kernel;
  /** A fixed output type (uint32); otherwise produce() reads the `dtype` option. */
  readonly type?: OutputType;
  /** false for fillers that draw nothing (constants): they must not advance the key sequence. */
  readonly draws?: boolean;
}

export interface LoadOptions {
  /** Root seed of the instance's key sequence: makes every unseeded call of a program reproducible. */
  seed?: Seed;
}

export class WeightInit {
  /** @internal raw kernels */
  readonly core: CoreExports;
  /** @internal the wasm heap */
  readonly heap: Heap;
  readonly #keys: KeySequence;
  #scratch = -1;

  /** @internal use `load()` or `loadSync()` */
  constructor(core: CoreExports, root: bigint) {
    this.core = core;
    this.heap = new Heap(core.memory, core.heapBase());
    this.#keys = new KeySequence(root);
  }

  /** The root seed of this instance's key sequence (random unless `load({ seed })` fixed it). */
  get rootSeed(): bigint {
    return this.#keys.root;
  }

  /** True where views survive memory growth (memory.toResizableBuffer exists). */
  get resizableViews(): boolean {
    return this.heap.resizable;
  }

  /** The wasm memory (for interop: views over tensors are views over this buffer). */
  get memory(): WebAssembly.Memory {
    return this.core.memory;
  }

  /**
   * Uniform values in [low, high) (float32: low + (high - low)·u, u a multiple of 2^-24,
   * never rounded up to high).
   * @example const w = wi.uniform([256, 128], { low: -0.1, high: 0.1, seed: 42 });
   */
  uniform<O extends UniformOptions>(shape: Shape, opts?: O): Result<O>;
  uniform(shape: Shape, opts?: UniformOptions): Tensor<TypedArray> | TypedArray {
    const fn = 'weightinit.uniform';
    const o = checkOptionNames(fn, opts, ['low', 'high', 'seed', 'out', 'range', 'dtype']);
    const s = checkShape(fn, shape);
    const low = f32(fn, 'low', o.low, 0);
    const high = f32(fn, 'high', o.high, 1);
    if (!(low < high)) throw new RangeError(`${fn}: low must be less than high, got low = ${show(low)}, high = ${show(high)}`);
    if (!Number.isFinite(Math.fround(high - low))) {
      throw new RangeError(`${fn}: high - low must be a finite float32, got low = ${show(low)}, high = ${show(high)}`);
    }
    return this.produce({ fn, shape: s, opts: o, kernel: this.uniformKernel(low, high) });
  }

  /**
   * Normal values N(mean, std²) by Box-Muller on 4 SIMD lanes (float32; |z| up to 6.76σ).
   * @example const w = wi.normal([1024, 1024], { std: 0.02, seed: 7 });
   */
  normal<O extends NormalOptions>(shape: Shape, opts?: O): Result<O>;
  normal(shape: Shape, opts?: NormalOptions): Tensor<TypedArray> | TypedArray {
    const fn = 'weightinit.normal';
    const o = checkOptionNames(fn, opts, ['mean', 'std', 'seed', 'out', 'range', 'dtype']);
    const s = checkShape(fn, shape);
    const mean = f32(fn, 'mean', o.mean, 0);
    const std = f32(fn, 'std', o.std, 1);
    if (std < 0) throw new RangeError(`${fn}: std must be >= 0, got ${show(o.std)}`);
    return this.produce({ fn, shape: s, opts: o, kernel: this.normalKernel(mean, std) });
  }

  /** @internal the normal kernel with fixed mean and std, for initializers built on it. */
  normalKernel(mean: number, std: number): Kernel {
    const k = this.core;
    return (p, st, n, key) => k.fillNormal(p, st, n, key.lo, key.hi, mean, std);
  }

  /** @internal the uniform kernel on [low, high), for initializers built on it. */
  uniformKernel(low: number, high: number): Kernel {
    const k = this.core;
    return (p, st, n, key) => k.fillUniform(p, st, n, key.lo, key.hi, low, high);
  }

  /**
   * The raw 32-bit generator output (xoshiro128++ words) in block order, for statistical
   * test batteries. Word i is a pure function of (seed, i), like every other value.
   */
  uint32(count: number, opts: Uint32Options & { out: Uint32Array }): Uint32Array;
  uint32(count: number, opts?: Uint32Options): Tensor<Uint32Array>;
  uint32(count: number, opts?: Uint32Options & { out?: Uint32Array }): Tensor<Uint32Array> | Uint32Array {
    const fn = 'weightinit.uint32';
    const o = checkOptionNames(fn, opts, ['seed', 'out', 'range']);
    const n = checkCount(fn, 'count', count);
    const k = this.core;
    const type: OutputType = { info: UINT32 };
    return this.produce({ fn, shape: [n], opts: o, type, kernel: (p, st, c, key) => k.fillU32(p, st, c, key.lo, key.hi) }) as
      | Tensor<Uint32Array>
      | Uint32Array;
  }

  /**
   * @internal The one path every filler takes: validates seed, range and out, then runs the
   * kernel into fresh wasm memory (returning a Tensor) or in chunks into `out`.
   * Nothing is allocated or written before all validation passed.
   */
  produce(req: FillRequest): Tensor<TypedArray> | TypedArray {
    const { fn, shape, opts, kernel } = req;
    // the output type: fixed by the filler (uint32), else the `dtype` option (default float32)
    const type = req.type ?? outputType(fn, this.core, opts.dtype) ?? { info: FLOAT32 };
    const size = sizeOf(shape);
    const [start, end] = checkRange(fn, opts.range, size);
    const n = end - start;
    const out = opts.out === undefined ? undefined : checkOut(fn, opts.out, type.info.array, n);
    const key = opts.seed === undefined ? undefined : keyFromBigInt(parseSeed(fn, opts.seed));
    // validation done: from here on the call succeeds or fails only for lack of memory
    const useKey = key ?? (req.draws === false ? NO_KEY : this.#keys.next());
    const resultShape = opts.range === undefined ? shape : [n];
    if (out !== undefined) {
      this.#intoArray(kernel, type, useKey, start, end, out);
      return out;
    }
    const ptr = this.heap.alloc(n * type.info.bytes);
    try {
      if (type.convert === undefined && type.info.bytes === 4) {
        for (let s = start; s < end; s += MAX_CALL) {
          const c = Math.min(MAX_CALL, end - s);
          kernel(ptr + (s - start) * 4, s, c, useKey);
        }
      } else {
        const conv = type.convert!;
        const scratch = this.#scratchPtr();
        this.#chunks(start, end, (s, c) => {
          kernel(scratch, s, c, useKey);
          conv(scratch, ptr + (s - start) * type.info.bytes, c);
        });
      }
    } catch (err) {
      this.heap.free(ptr);
      throw err;
    }
    return new Tensor(this.heap, ptr, resultShape, n, type.info);
  }

  /** Fills a caller-owned array through the scratch buffer, chunk by chunk. */
  #intoArray(kernel: Kernel, type: OutputType, key: Key, start: number, end: number, out: TypedArray): void {
    const scratch = this.#scratchPtr();
    // conversions need a second scratch region right after the float32 one
    const conv = type.convert;
    const dst = conv === undefined ? scratch : scratch + CHUNK * 4;
    this.#chunks(start, end, (s, c) => {
      kernel(scratch, s, c, key);
      if (conv !== undefined) conv(scratch, dst, c);
      const view = new type.info.array(this.core.memory.buffer, dst, c);
      out.set(view as never, s - start);
    });
  }

  /** Splits [start, end) at multiples of CHUNK in the global index space. */
  #chunks(start: number, end: number, f: (s: number, c: number) => void): void {
    let s = start;
    while (s < end) {
      const e = Math.min(end, (Math.floor(s / CHUNK) + 1) * CHUNK);
      f(s, e - s);
      s = e;
    }
  }

  /** A scratch region of CHUNK float32 plus CHUNK 8-byte elements, allocated once. */
  #scratchPtr(): number {
    if (this.#scratch < 0) this.#scratch = this.heap.alloc(CHUNK * 4 + CHUNK * 8);
    return this.#scratch;
  }
}

export interface UniformOptions extends CommonOptions {
  /** Fill this caller-owned array instead of allocating (its type must match dtype). */
  out?: TypedArray;
  /** Output element type (default 'float32'; see src/dtype.ts): the float32 draw, converted. */
  dtype?: DType;
  /** Lower bound, inclusive (default 0). */
  low?: number;
  /** Upper bound, exclusive (default 1). */
  high?: number;
}

export interface NormalOptions extends CommonOptions {
  /** Fill this caller-owned array instead of allocating (its type must match dtype). */
  out?: TypedArray;
  /** Output element type (default 'float32'; see src/dtype.ts): the float32 draw, converted. */
  dtype?: DType;
  /** Mean (default 0). */
  mean?: number;
  /** Standard deviation, >= 0 (default 1). */
  std?: number;
}

export type Uint32Options = CommonOptions;
