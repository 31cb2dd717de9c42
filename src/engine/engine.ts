// The engine: one wasm instance's kernels, its heap, its key sequence and scratch buffer, and
// produce(), the one path every filler takes. Internal: never exported from the package;
// the public class reaches it through a private field, the library's own higher layers
// (model, adapters, lab) through engineOf().
import { arrayOfKind, bfloat16ToNumber, DTYPE_INFO, DTYPES, FLOAT32, halfToNumber, type DType } from '../dtype.js';
import { choice, readOut, readRange, showList, sizeOf, type Opts } from '../init/options.js';
import { typedArrayLength, typedArrayTag } from '../init/show.js';
import { Tensor, type DTypeInfo, type TypedArray } from '../tensor.js';
import type { Layout } from '../fans.js';
import type { CoreExports } from './abi.js';
import { Heap } from './heap.js';
import type { Pool, RemoteKernel } from './pool.js';
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

/**
 * What a filler writes: float32 values of elements [start, start + count) at ptr. A kernel
 * with `remote` can also run in the worker pool (its id in the worker's table, its parameters).
 * A kernel with `half` can also write float16 / bfloat16 itself: `half(format, lo, hi)` is the
 * kernel writing the half bits (format 1 float16, 2 bfloat16: the output type's convertId) of
 * its float32 values clamped into [lo, hi] (float32 values of half bounds; ±Infinity for none).
 */
export type Kernel = ((ptr: number, start: number, count: number, key: Key) => void) & {
  readonly remote?: RemoteKernel;
  readonly half?: (format: number, lo: number, hi: number) => Kernel;
};

/** Attaches a worker-pool description to a kernel. */
export function remote(k: (ptr: number, start: number, count: number, key: Key) => void, id: number, params: readonly number[]): Kernel {
  return Object.defineProperty(k, 'remote', { value: Object.freeze({ id, params: Object.freeze(params.slice()) }) }) as Kernel;
}

/**
 * A generator kernel that writes any of float32, float16 and bfloat16 itself (its wasm export
 * takes `format` and the clamp bounds): `call(ptr, start, count, key, format, lo, hi)`. In the
 * worker pool its parameters are `params` then lo, hi; the worker adds the format.
 */
export function generator(
  call: (ptr: number, start: number, count: number, key: Key, format: number, lo: number, hi: number) => void,
  id: number, params: readonly number[],
): Kernel {
  const writing = (format: number, lo: number, hi: number): Kernel => remote((p, s, n, key) => call(p, s, n, key, format, lo, hi), id, [...params, lo, hi]);
  return Object.defineProperty(writing(0, -Infinity, Infinity), 'half', { value: writing });
}

/** Kernel ids in the worker's table (src/engine/worker-source.ts). */
export const REMOTE = { u32: 0, uniform: 1, normal: 2, truncNormal: 3, truncNormalFast: 4, orthoProject: 5 } as const;
/** Fills smaller than this stay on the calling thread (handing parts to workers costs more than it saves below it). */
export const PARALLEL_MIN = 1 << 17;
/** Elements of the temporary region a parallel fill into a caller-owned `out` goes through, per round. */
const PARALLEL_OUT_CHUNK = 1 << 20;

/** How produce() writes an output type: `convert` turns float32 at src into it at dst (absent for float32). */
export interface OutputType {
  readonly info: DTypeInfo;
  readonly convert?: (src: number, dst: number, count: number) => void;
  /**
   * The worker's output id: 0 float32 as the kernel writes it, 1 float16, 2 bfloat16, 3 float64
   * by a conversion after the kernel; 4 float16, 5 bfloat16 written by the kernel itself (format
   * id − 3, a kernel's `half`).
   */
  readonly convertId: number;
}

/** The worker's output id of a half type written by the kernel itself (OutputType.convertId). */
const FUSED_OUTPUT = 3;

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
  /** The largest |value| the kernel can write (checked against the output dtype's range). Infinity: deliberate (a constant). */
  readonly maxAbs?: number;
  /** Bounds every value must keep after conversion to a half dtype: [lo, hi], or [lo, hi) with `hiOpen`. */
  readonly bounds?: { readonly lo: number; readonly hi: number; readonly hiOpen: boolean };
}

/** An own property of one of the library's internal objects (never an inherited one: Object.prototype may be polluted). */
function own<T extends object, K extends keyof T>(o: T, k: K): T[K] | undefined {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

/** Largest finite value of each half dtype. */
const HALF_MAX: Readonly<Record<string, number>> = Object.freeze(Object.assign(Object.create(null) as Record<string, number>, { float16: 65504, bfloat16: 3.3895313892515355e38 }));

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
    return generator((p, st, n, key, format, lo, hi) => k.fillNormal(p, st, n, key.lo, key.hi, mean, std, format, lo, hi), REMOTE.normal, [mean, std]);
  }

  uniformKernel(low: number, high: number): Kernel {
    const k = this.core;
    return generator((p, st, n, key, format, lo, hi) => k.fillUniform(p, st, n, key.lo, key.hi, low, high, format, lo, hi), REMOTE.uniform, [low, high]);
  }

  /** The worker pool, where load({ workers }) started one. */
  pool: Pool | undefined;

  /** Threads a large fill runs on: the calling thread and the pool's live workers. */
  get threads(): number {
    return 1 + (this.pool?.size ?? 0);
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
        return { info, convertId: 0 };
      case 'float64':
        return { info, convert: (s, t, n) => k.f32ToF64(s, t, n), convertId: 3 };
      case 'float16':
        return { info, convert: (s, t, n) => k.f32ToF16(s, t, n), convertId: 1 };
      case 'bfloat16':
        return { info, convert: (s, t, n) => k.f32ToBf16(s, t, n), convertId: 2 };
    }
  }

  /** The key of a call: `seed`, else `name` (a named key under the root), else the sequence's next (taken only on success). */
  keyOf(fn: string, opts: Readonly<Record<string, unknown>>): { key: Key; fromSequence: boolean } {
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
    const fn = req.fn;
    const shape = req.shape;
    const opts = req.opts;
    const fixedType = own(req, 'type');
    const asked = fixedType ?? this.outputType(fn, opts.dtype);
    const size = sizeOf(shape);
    const [start, end] = readRange(fn, opts.range, size);
    const n = end - start;
    const out = opts.out === undefined ? undefined : (readOut(fn, opts.out, asked.info.outKinds, n, typedArrayLength) as TypedArray);
    // constants draw nothing, but their seed and name are validated like everyone's
    const keyed = this.keyOf(fn, opts);
    const draws = own(req, 'draws') !== false;
    const key = draws ? keyed.key : NO_KEY;
    const fromSequence = draws && keyed.fromSequence;
    const half = this.#halfBounds(fn, asked.info.name, own(req, 'maxAbs'), own(req, 'bounds'));
    // a half type the kernel writes itself (clamping as it goes), or float32 converted after it
    const writesHalf = half === undefined ? undefined : own(req.kernel, 'half');
    const kernel = writesHalf === undefined ? req.kernel : writesHalf(asked.convertId, half!.lo, half!.hi);
    const type: OutputType = writesHalf === undefined ? asked : { info: asked.info, convertId: asked.convertId + FUSED_OUTPUT };
    const convert = own(type, 'convert');
    const clamp = writesHalf === undefined ? half?.clamp : half!.loClamp;
    // validation done: from here on the call succeeds or fails only for lack of memory
    const resultShape = opts.range === undefined ? shape : [n];
    const parallel = this.#parallel(kernel, type, key, n);
    if (out !== undefined) {
      const filled =
        (parallel !== undefined ? this.#intoArrayParallel(parallel, type.info, clamp, start, end, out) : undefined) ??
        this.#intoArray(kernel, type.info, convert, clamp, key, start, end, out);
      if (fromSequence) this.keys.advance();
      return filled;
    }
    const bytes = n * type.info.bytes;
    const ptr = this.heap.alloc(bytes, `${fn} (a ${showList(resultShape)} ${type.info.name} tensor)`);
    try {
      if (parallel !== undefined) {
        parallel(ptr, start, end);
        if (clamp !== undefined) clamp(ptr, n);
      } else if (convert === undefined) {
        if (own(req, 'whole') === true) kernel(ptr, start, n, key);
        else for (let s = start; s < end; s += MAX_CALL) kernel(ptr + (s - start) * type.info.bytes, s, Math.min(MAX_CALL, end - s), key);
        clamp?.(ptr, n);
      } else {
        this.chunks(start, end, (s, c) => {
          const dst = ptr + (s - start) * type.info.bytes;
          kernel(this.scratch, s, c, key);
          convert(this.scratch, dst, c);
          clamp?.(dst, c);
        });
      }
    } catch (err) {
      this.heap.free(ptr);
      throw err;
    }
    if (fromSequence) this.keys.advance();
    return Tensor.adopt(this.heap, ptr, resultShape, n, type.info);
  }

  /**
   * A fill of [s, e) written (converted) at dst, made by the worker pool and this thread
   * taking block-aligned pieces in turn (Pool.run); undefined when the pool is absent, the fill small, or the kernel local-only.
   */
  #parallel(kernel: Kernel, type: OutputType, key: Key, n: number): ((dst: number, s: number, e: number) => void) | undefined {
    const pool = this.pool;
    const rk = own(kernel, 'remote');
    if (pool === undefined || rk === undefined || n < PARALLEL_MIN || pool.size === 0) return undefined;
    const bytes = type.info.bytes;
    const convert = own(type, 'convert');
    const local = (dst: number, s: number, c: number): void => {
      if (convert === undefined) {
        for (let i = 0; i < c; i += MAX_CALL) kernel(dst + i * bytes, s + i, Math.min(MAX_CALL, c - i), key);
      } else {
        this.chunks(s, s + c, (cs, cc) => {
          kernel(this.scratch, cs, cc, key);
          convert(this.scratch, dst + (cs - s) * bytes, cc);
        });
      }
    };
    return (dst, s, e) => pool.run(rk, type.convertId, key, { dst, start: s, end: e, bytes }, local);
  }

  /**
   * Work of `count` units, [0, count), cut into pieces of `size` units and made in turn by the
   * pool's workers (task kernel `id` of the worker's table, with `params`) and this thread
   * (`local(start, count)`); on this thread alone, in one call, where no pool runs or the work
   * is one piece. The task must give the same result however its units are cut, and a unit made
   * twice must give the same result as once. A worker that makes no piece for `stallMs` (default
   * 2 s) is taken for dead (Pool.run): `threads` drops, and a caller whose task writes memory it
   * will reuse must then give that memory up, since a worker only stalled may still write it.
   */
  spread(id: number, params: readonly number[], count: number, size: number, local: (start: number, count: number) => void, stallMs?: number): void {
    const pool = this.pool;
    if (pool === undefined || pool.size === 0 || count <= size) {
      if (count > 0) local(0, count);
      return;
    }
    pool.run({ id, params }, 0, NO_KEY, { dst: 0, start: 0, end: count, bytes: 0, size }, (_dst, s, c) => local(s, c), stallMs);
  }

  /** A parallel fill into a caller-owned array: rounds of the pool filling a temporary wasm region, copied out. */
  #intoArrayParallel(
    fill: (dst: number, s: number, e: number) => void, info: DTypeInfo, clamp: ((ptr: number, count: number) => void) | undefined,
    start: number, end: number, out: TypedArray,
  ): TypedArray | undefined {
    const n = end - start;
    // out inside this instance's memory (a writer's buffer there): the parts go straight into it
    if (this.heap.ownsBuffer(bufferOf.call(out))) {
      const at = byteOffsetOf.call(out) as number;
      fill(at, start, end);
      if (clamp !== undefined) clamp(at, n);
      return out;
    }
    const per = Math.min(n, PARALLEL_OUT_CHUNK);
    let region: number;
    try {
      region = this.heap.alloc(per * info.bytes, 'a parallel fill of out (its temporary region)');
    } catch {
      return undefined; // no room for the temporary region: the caller fills out on this thread
    }
    // out is not in this memory (that case returned above), so growth never touches it
    const Kind = arrayOfKind(typedArrayTag(out)!);
    const memory = this.core.memory;
    try {
      for (let s = start; s < end; s += per) {
        const c = Math.min(per, end - s);
        fill(region, s, s + c);
        const buf = memory.buffer;
        if (clamp !== undefined) clamp(region, c);
        setInto.call(out, new Kind(buf, region, c), s - start);
      }
    } finally {
      this.heap.free(region);
    }
    return out;
  }

  /**
   * For float16 / bfloat16 output: checks that the values fit the dtype (a finite draw must not
   * round to ±Infinity) and says how bounded draws stay inside their bounds after rounding (a
   * float32 value just inside a bound can round onto or past it): `clamp`, a pass over the half
   * patterns (docs/stream.md, "dtypes"); or, in a kernel that writes halves itself, the float32
   * value clamped into [lo, hi] (the half bounds' values; ±Infinity for none) before rounding.
   * That gives the same bits, except where the lower bound is the half zero: a negative value
   * that rounds to −0 stays −0 in `clamp`, and any other negative value becomes +0, which no
   * float32 clamp does. There lo is −Infinity and `loClamp` (the same pass) follows the kernel.
   */
  #halfBounds(
    fn: string, dtype: string, maxAbs: number | undefined, bounds: FillRequest['bounds'],
  ): { lo: number; hi: number; clamp?: (ptr: number, count: number) => void; loClamp?: (ptr: number, count: number) => void } | undefined {
    const max = HALF_MAX[dtype];
    if (max === undefined) return undefined;
    if (maxAbs !== undefined && Number.isFinite(maxAbs) && !(halfRound(dtype, maxAbs) <= max)) {
      throw new RangeError(
        `${fn}: values reach ±${maxAbs}, beyond ${dtype}'s largest finite value ${max}; use a wider dtype (float32, ${dtype === 'float16' ? 'bfloat16, ' : ''}float64) or smaller parameters`,
      );
    }
    if (bounds === undefined) return { lo: -Infinity, hi: Infinity };
    const lo = halfBitsAtLeast(dtype, bounds.lo);
    const hi = halfBitsAtMost(dtype, bounds.hi, bounds.hiOpen);
    if (lo === undefined || hi === undefined || halfOrder(lo) > halfOrder(hi)) {
      throw new RangeError(`${fn}: no ${dtype} value lies in ${bounds.hiOpen ? `[${bounds.lo}, ${bounds.hi})` : `[${bounds.lo}, ${bounds.hi}]`}; widen the interval or use float32`);
    }
    const loKey = halfOrder(lo);
    const hiKey = halfOrder(hi);
    const k = this.core;
    // halfOfOrder(key) is the canonical pattern of a key (+0 for zero), as the kernel writes
    const clamp = (ptr: number, count: number): void => k.clampHalfBits(ptr, count, loKey, hiKey, halfOfOrder(loKey), halfOfOrder(hiKey));
    const loZero = loKey === halfOrder(0);
    return { lo: loZero ? -Infinity : halfValue(dtype, lo), hi: halfValue(dtype, hi), clamp, ...(loZero ? { loClamp: clamp } : {}) };
  }

  /** Fills a caller-owned array (of any realm, or a view of this instance's own memory) chunk by chunk. */
  #intoArray(
    kernel: Kernel, info: DTypeInfo, conv: OutputType['convert'], clamp: ((ptr: number, count: number) => void) | undefined,
    key: Key, start: number, end: number, out: TypedArray,
  ): TypedArray {
    const dst = conv === undefined ? this.scratch : this.scratch + CHUNK * 4;
    const Kind = arrayOfKind(typedArrayTag(out)!);
    const memory = this.core.memory;
    // an `out` over this instance's memory (refilling a tensor in place) is re-derived after
    // any growth a kernel causes, so it is never a detached view
    const inOwnMemory = this.heap.ownsBuffer(bufferOf.call(out));
    const outOffset = byteOffsetOf.call(out) as number;
    const n = end - start;
    let target = out;
    this.chunks(start, end, (s, c) => {
      kernel(this.scratch, s, c, key);
      if (conv !== undefined) conv(this.scratch, dst, c);
      const buf = memory.buffer;
      if (clamp !== undefined) clamp(dst, c);
      if (inOwnMemory && target.buffer !== buf) target = new Kind(buf, outOffset, n) as TypedArray;
      setInto.call(target, new Kind(buf, dst, c), s - start);
    });
    void info;
    // an in-place refill that grew memory returns a live view of the same region
    return target;
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

// float16 / bfloat16 bit patterns: rounding, neighbours and an order-preserving key.

/** The value of a half bit pattern. */
function halfValue(dtype: string, b: number): number {
  return dtype === 'bfloat16' ? bfloat16ToNumber(b) : halfToNumber(b);
}

/** Monotonic integer key of a (non-NaN) half bit pattern: −0 and +0 share one. */
function halfOrder(b: number): number {
  return b & 0x8000 ? 0x8000 - (b & 0x7fff) : 0x8000 + b;
}

/** The half bit pattern of a key (the positive zero for key 0x8000). */
function halfOfOrder(k: number): number {
  return k >= 0x8000 ? k - 0x8000 : 0x8000 | (0x8000 - k);
}

const HALF_INF: Readonly<Record<string, number>> = Object.freeze(Object.assign(Object.create(null) as Record<string, number>, { float16: 0x7c00, bfloat16: 0x7f80 }));

/** The smallest finite half value >= x, as bits (undefined if none). */
function halfBitsAtLeast(dtype: string, x: number): number | undefined {
  const inf = HALF_INF[dtype]!;
  // binary search over the keys of finite values: from -max (key of 0x8000|(inf-1)) to +max
  let lo = halfOrder(0x8000 | (inf - 1));
  let hi = halfOrder(inf - 1);
  if (halfValue(dtype, halfOfOrder(hi)) < x) return undefined;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (halfValue(dtype, halfOfOrder(mid)) >= x) hi = mid;
    else lo = mid + 1;
  }
  return halfOfOrder(lo);
}

/** The largest finite half value <= x (< x when open), as bits (undefined if none). */
function halfBitsAtMost(dtype: string, x: number, open: boolean): number | undefined {
  const inf = HALF_INF[dtype]!;
  let lo = halfOrder(0x8000 | (inf - 1));
  let hi = halfOrder(inf - 1);
  const ok = (k: number) => (open ? halfValue(dtype, halfOfOrder(k)) < x : halfValue(dtype, halfOfOrder(k)) <= x);
  if (!ok(lo)) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return halfOfOrder(lo);
}

/** |x| rounded up to a half value (Infinity where round-to-nearest would overflow), for the range check. */
function halfRound(dtype: string, x: number): number {
  const a = Math.abs(x);
  const below = halfBitsAtMost(dtype, a, false);
  const above = halfBitsAtLeast(dtype, a);
  if (above === undefined) {
    // past the largest finite value: rounds to infinity once beyond max + half an ulp
    const max = halfValue(dtype, below!);
    const ulp = max - halfValue(dtype, below! - 1);
    return a >= max + ulp / 2 ? Infinity : max;
  }
  return halfValue(dtype, above);
}
