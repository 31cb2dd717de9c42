// The engine: one wasm instance's kernels, its heap, its key sequence and scratch buffer, and
// produce(), the one path every filler takes. Internal: never exported from the package;
// the public class reaches it through a private field, the library's own higher layers
// (model, adapters, lab) through engineOf().
import { arrayOfKind, DTYPE_INFO, DTYPES, FLOAT32, type DType } from '../dtype.js';
import { choice, readOut, readRange, showList, sizeOf, type Opts } from '../init/options.js';
import { typedArrayLength, typedArrayTag } from '../init/show.js';
import { Tensor, type DTypeInfo, type TypedArray } from '../tensor.js';
import type { Layout } from '../fans.js';
import type { CoreExports } from './abi.js';
import { Heap } from './heap.js';
import { keyFromBigInt, KeySequence, namedKey, parseName, parseSeed, type Key } from './keys.js';

/** Elements per generator block (docs/stream.md). */
export const BLOCK = 1024;
/** Elements per chunk when filling a caller-owned array or converting dtypes (256 KiB of float32). */
export const CHUNK = 64 * BLOCK;
/** Largest count handed to one kernel call (kernel counts are i32). */
export const MAX_CALL = 1 << 28;
/** The key handed to fillers that draw nothing; its value never shows in their output. */
const NO_KEY: Key = { lo: 0, hi: 0 };

/** The options every filler takes, by name. */
export const COMMON = ['seed', 'name', 'out', 'range', 'dtype'] as const;

/** What a filler writes: float32 values of elements [start, start + count) at ptr. */
export type Kernel = (ptr: number, start: number, count: number, key: Key) => void;

/** How produce() writes an output type: `convert` turns float32 at src into it at dst (absent for float32). */
export interface OutputType {
  readonly info: DTypeInfo;
  readonly convert?: (src: number, dst: number, count: number) => void;
}

/** A request to produce(): everything validated except the common options. */
export interface FillRequest {
  readonly fn: string;
  readonly shape: readonly number[];
  readonly opts: Opts;
  readonly kernel: Kernel;
  /** A fixed output type (uint32); otherwise produce() reads the `dtype` option. */
  readonly type?: OutputType;
  /** false for fillers that draw nothing (constants): they take no key. */
  readonly draws?: boolean;
  /** The kernel makes the whole tensor at once: on the in-memory float32 path it gets one call for everything. */
  readonly whole?: boolean;
}

const engines = new WeakMap<object, Engine>();

/** The engine behind a loaded instance (for the library's own higher layers). */
export function engineOf(wi: object): Engine {
  const e = engines.get(wi);
  if (e === undefined) throw new TypeError('weightinit: expected a loaded instance (from load() or loadSync())');
  return e;
}

export function attachEngine(wi: object, e: Engine): void {
  engines.set(wi, e);
}

const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const bufferOf = Object.getOwnPropertyDescriptor(TypedArrayProto, 'buffer')!.get!;
const byteOffsetOf = Object.getOwnPropertyDescriptor(TypedArrayProto, 'byteOffset')!.get!;
const setInto = (TypedArrayProto as { set: (this: unknown, src: ArrayLike<number>, offset: number) => void }).set;

export class Engine {
  readonly core: CoreExports;
  readonly heap: Heap;
  readonly keys: KeySequence;
  /** Scratch: CHUNK float32 then CHUNK 8-byte elements, allocated at load so `out` calls never grow memory for it. */
  readonly scratch: number;
  /** The default weight layout (load({ layout })). */
  readonly layout: Layout;

  constructor(core: CoreExports, root: bigint, layout: Layout) {
    this.core = core;
    this.layout = layout;
    this.heap = new Heap(core.memory, core.heapBase());
    this.keys = new KeySequence(root);
    this.scratch = this.heap.alloc(CHUNK * 4 + CHUNK * 8, 'the scratch buffer');
  }

  get memory(): WebAssembly.Memory {
    return this.core.memory;
  }

  /** A float32 view of wasm memory (re-read the buffer: it changes when memory grows). */
  f32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.core.memory.buffer, ptr, n);
  }

  normalKernel(mean: number, std: number): Kernel {
    const k = this.core;
    return (p, st, n, key) => k.fillNormal(p, st, n, key.lo, key.hi, mean, std);
  }

  uniformKernel(low: number, high: number): Kernel {
    const k = this.core;
    return (p, st, n, key) => k.fillUniform(p, st, n, key.lo, key.hi, low, high);
  }

  constantKernel(value: number): Kernel {
    return (p, _s, n) => {
      this.f32(p, n).fill(value);
    };
  }

  /** The output type of a `dtype` option (default float32). */
  outputType(fn: string, dtype: unknown): OutputType {
    const d: DType = choice(fn, 'dtype', dtype, DTYPES, 'float32');
    const k = this.core;
    const info = DTYPE_INFO[d];
    switch (d) {
      case 'float32':
        return { info };
      case 'float64':
        return { info, convert: (s, t, n) => k.f32ToF64(s, t, n) };
      case 'float16':
        return { info, convert: (s, t, n) => k.f32ToF16(s, t, n) };
      case 'bfloat16':
        return { info, convert: (s, t, n) => k.f32ToBf16(s, t, n) };
    }
  }

  /** The key of a call: `seed`, else `name` (a named key under the root), else the sequence's next (taken only on success). */
  keyOf(fn: string, opts: Opts): { key: Key; fromSequence: boolean } {
    if (opts.seed !== undefined && opts.name !== undefined) {
      throw new TypeError(`${fn}: give seed (a fixed key) or name (a key derived from the root seed and the name), not both`);
    }
    if (opts.seed !== undefined) return { key: keyFromBigInt(parseSeed(fn, opts.seed)), fromSequence: false };
    if (opts.name !== undefined) return { key: keyFromBigInt(namedKey(this.keys.root, parseName(fn, opts.name))), fromSequence: false };
    return { key: this.keys.peek(), fromSequence: true };
  }

  /**
   * The one path every filler takes: validates dtype, seed/name, range and out, then runs the
   * kernel into fresh wasm memory (returning a Tensor) or in chunks into `out`. Nothing is
   * allocated, written or drawn before all validation passed; a call that fails (out of
   * memory) frees what it allocated and takes no key from the sequence.
   */
  produce(req: FillRequest): Tensor<TypedArray> | TypedArray {
    const { fn, shape, opts, kernel } = req;
    const type = req.type ?? this.outputType(fn, opts.dtype);
    const size = sizeOf(shape);
    const [start, end] = readRange(fn, opts.range, size);
    const n = end - start;
    const out =
      opts.out === undefined ? undefined : (readOut(fn, opts.out, type.info.outKinds, n, typedArrayLength) as TypedArray);
    const { key, fromSequence } = req.draws === false ? { key: NO_KEY, fromSequence: false } : this.keyOf(fn, opts);
    // validation done: from here on the call succeeds or fails only for lack of memory
    const resultShape = opts.range === undefined ? shape : [n];
    if (out !== undefined) {
      this.#intoArray(kernel, type, key, start, end, out);
      if (fromSequence) this.keys.advance();
      return out;
    }
    const bytes = n * type.info.bytes;
    const ptr = this.heap.alloc(bytes, `${fn}(${showList(shape)}${opts.dtype === undefined ? '' : `, ${String(opts.dtype)}`})`);
    try {
      if (type.convert === undefined) {
        if (req.whole === true) kernel(ptr, start, n, key);
        else for (let s = start; s < end; s += MAX_CALL) kernel(ptr + (s - start) * 4, s, Math.min(MAX_CALL, end - s), key);
      } else {
        const conv = type.convert;
        this.chunks(start, end, (s, c) => {
          kernel(this.scratch, s, c, key);
          conv(this.scratch, ptr + (s - start) * type.info.bytes, c);
        });
      }
    } catch (err) {
      this.heap.free(ptr);
      throw err;
    }
    if (fromSequence) this.keys.advance();
    return Tensor.adopt(this.heap, ptr, resultShape, n, type.info);
  }

  /** Fills a caller-owned array (of any realm, or a view of this instance's own memory) chunk by chunk. */
  #intoArray(kernel: Kernel, type: OutputType, key: Key, start: number, end: number, out: TypedArray): void {
    const conv = type.convert;
    const dst = conv === undefined ? this.scratch : this.scratch + CHUNK * 4;
    const Kind = arrayOfKind(typedArrayTag(out)!);
    const memory = this.core.memory;
    // an `out` over this instance's memory (refilling a tensor in place) is re-derived after
    // any growth a kernel causes, so it is never a detached view
    const own = bufferOf.call(out) === memory.buffer;
    const outOffset = byteOffsetOf.call(out) as number;
    const n = end - start;
    this.chunks(start, end, (s, c) => {
      kernel(this.scratch, s, c, key);
      if (conv !== undefined) conv(this.scratch, dst, c);
      const buf = memory.buffer;
      const target = own ? new Kind(buf, outOffset, n) : out;
      setInto.call(target, new Kind(buf, dst, c), s - start);
    });
  }

  /** Splits [start, end) at multiples of CHUNK in the global index space. */
  chunks(start: number, end: number, f: (s: number, c: number) => void): void {
    let s = start;
    while (s < end) {
      const e = Math.min(end, (Math.floor(s / CHUNK) + 1) * CHUNK);
      f(s, e - s);
      s = e;
    }
  }
}
