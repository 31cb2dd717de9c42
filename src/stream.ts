// Streaming a tensor of any size through bounded memory: `wi.stream()` (an async generator of
// chunks) and `wi.fill()` (chunks handed to an awaited sink). Every chunk is one call of the
// method itself with `range` and `out`, so its values are the same bits as the matching range
// of the in-memory tensor by construction (docs/stream.md: values depend on (key, parameters,
// index) only). docs/streaming.md: the API, the guarantees, the memory bound, measurements.
import { DTYPE_INFO, DTYPES, type ArrayOf, type DType } from './dtype.js';
import { engineOf } from './engine/engine.js';
import type { Key } from './engine/keys.js';
import type { NormalOptions, Uint32Options, UniformOptions } from './init/basic.js';
import type { InitOptions, Shape } from './init/common.js';
import type { DeltaOrthogonalOptions, OrthogonalOptions } from './init/orthogonal.js';
import { positiveInt, readOptions, readRange, readShape, show, showList, sizeOf } from './init/options.js';
import type { ConstantOptions, DiracOptions, EyeOptions, SparseOptions } from './init/structured.js';
import type { TruncatedNormalOptions } from './init/truncated.js';
import type {
  GlorotNormalOptions, GlorotOptions, HeNormalOptions, HeOptions, LecunNormalOptions, LecunUniformOptions, VarianceScalingOptions,
} from './init/variance.js';
import type { TypedArray } from './tensor.js';

/** Elements per generator block: chunk boundaries fall on multiples of it. */
const BLOCK = 1024;

/** The options type of each streamable method (its own options, without `out`: the stream makes the arrays). */
export interface StreamMethodOptions {
  uniform: UniformOptions;
  normal: NormalOptions;
  uint32: Uint32Options;
  varianceScaling: VarianceScalingOptions;
  glorotUniform: GlorotOptions;
  xavierUniform: GlorotOptions;
  glorotNormal: GlorotNormalOptions;
  xavierNormal: GlorotNormalOptions;
  heUniform: HeOptions;
  kaimingUniform: HeOptions;
  heNormal: HeNormalOptions;
  kaimingNormal: HeNormalOptions;
  lecunUniform: LecunUniformOptions;
  lecunNormal: LecunNormalOptions;
  truncatedNormal: TruncatedNormalOptions;
  constant: ConstantOptions;
  zeros: InitOptions;
  ones: InitOptions;
  eye: EyeOptions;
  dirac: DiracOptions;
  sparse: SparseOptions;
  orthogonal: OrthogonalOptions;
  deltaOrthogonal: DeltaOrthogonalOptions;
}

/** A method `stream()` and `fill()` accept: every filler that takes (shape, options). */
export type StreamMethod = keyof StreamMethodOptions;

/** The options of a streamed method: its own, without `out`. */
export type StreamInitOptions<M extends StreamMethod> = Omit<StreamMethodOptions[M], 'out'>;

/** The array type of a chunk's `data` for method M and options O. */
export type ChunkArray<M extends StreamMethod, O> = M extends 'uint32'
  ? Uint32Array
  : 'dtype' extends keyof O
    ? ArrayOf<O['dtype' & keyof O]>
    : Float32Array;

/** One chunk: flat elements [start, end) of the tensor (or of its `range`), as the dtype's array. */
export interface StreamChunk<A extends TypedArray = TypedArray> {
  /** Flat index of the first element (in the whole tensor, not in the range). */
  readonly start: number;
  /** One past the flat index of the last element. */
  readonly end: number;
  /** end − start values. A fresh array the caller owns, unless `reuse: true` (then one buffer, overwritten by the next chunk). */
  readonly data: A;
}

/** What `onProgress` receives after each chunk. */
export interface StreamProgress {
  /** Elements produced (stream) or written by the sink (fill) so far. */
  readonly done: number;
  /** Elements in the whole stream (the tensor's size, or end − start of `range`). */
  readonly total: number;
  /** Milliseconds since the stream started producing (the first `next()`, or the `fill()` call). */
  readonly elapsedMs: number;
  /** done / elapsed seconds: the end-to-end rate, the consumer's (or sink's) time included. */
  readonly elementsPerSecond: number;
}

/** How a stream is cut and watched. */
export interface StreamOptions {
  /**
   * Elements per chunk (default 1,048,576 = 2^20), rounded UP to a multiple of 1024 (the
   * generator's block), at most 2^28. Chunk boundaries fall on multiples of 1024 in the flat
   * index; only the first and last chunk of a range can be shorter.
   */
  chunkElements?: number;
  /** Stops the stream between chunks: the pending `next()` (or `fill()`) rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Called after each chunk (stream: when it is made, before it is handed over; fill: after the sink settled). */
  onProgress?: (progress: StreamProgress) => void;
  /** true: every chunk's `data` is a view of ONE buffer the stream overwrites on the next iteration (no allocation per chunk). Default false: a fresh array per chunk. */
  reuse?: boolean;
}

/** What `fill()` hands each chunk to; awaited before the next chunk is made (backpressure). */
export type ChunkSink<A extends TypedArray = TypedArray> = (chunk: StreamChunk<A>) => unknown;

/** Streamable methods; `parameter` (a different signature) is the one filler left out. */
const METHODS: readonly StreamMethod[] = [
  'uniform', 'normal', 'uint32', 'varianceScaling', 'glorotUniform', 'xavierUniform', 'glorotNormal', 'xavierNormal',
  'heUniform', 'kaimingUniform', 'heNormal', 'kaimingNormal', 'lecunUniform', 'lecunNormal', 'truncatedNormal',
  'constant', 'zeros', 'ones', 'eye', 'dirac', 'sparse', 'orthogonal', 'deltaOrthogonal',
];

/**
 * Methods that make their whole matrix (or zero mask) in wasm memory whatever `range` says
 * (docs/memory.md): a call per chunk would redo it per chunk, so they are made in one call
 * into one owned array and handed out in chunks from it, up to `wholeMaxElements`.
 */
const WHOLE: ReadonlySet<string> = new Set(['orthogonal', 'deltaOrthogonal', 'sparse']);

/** The stream's size limits (elements). */
export interface StreamLimits {
  /** Default elements per chunk. */
  readonly defaultChunkElements: number;
  /** Largest accepted `chunkElements`. */
  readonly maxChunkElements: number;
  /** Largest tensor of a whole-matrix method (orthogonal, deltaOrthogonal, sparse) a stream accepts. */
  readonly wholeMaxElements: number;
}

const DEFAULT_LIMITS: StreamLimits = Object.freeze({ defaultChunkElements: 1 << 20, maxChunkElements: 1 << 28, wholeMaxElements: 1 << 26 });
let limits: StreamLimits = DEFAULT_LIMITS;

/**
 * Test hook: replaces the limits (undefined restores the defaults) and returns the previous
 * ones. Each must be a positive multiple of 1024, the default chunk at most the maximum.
 * @internal
 */
export function setStreamLimits(next: Partial<StreamLimits> | undefined): StreamLimits {
  const prev = limits;
  const merged = { ...DEFAULT_LIMITS, ...(next ?? {}) };
  for (const [k, v] of Object.entries(merged)) {
    if (!Number.isSafeInteger(v) || v < BLOCK || v % BLOCK !== 0) throw new RangeError(`setStreamLimits: ${k} must be a positive multiple of ${BLOCK}, got ${show(v)}`);
  }
  if (merged.defaultChunkElements > merged.maxChunkElements) throw new RangeError('setStreamLimits: defaultChunkElements must be <= maxChunkElements');
  limits = Object.freeze(merged);
  return prev;
}

/** Everything a stream needs, read and validated once. */
interface Plan {
  readonly start: number;
  readonly end: number;
  readonly chunk: number;
  readonly reuse: boolean;
  readonly whole: boolean;
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ((p: StreamProgress) => void) | undefined;
  readonly make: (length: number) => TypedArray;
  /** Writes elements [s, e) into out (e − s elements) by one call of the method with range and out. */
  readonly fill: (s: number, e: number, out: TypedArray) => void;
}

type Call = (this: unknown, shape: unknown, opts: unknown) => unknown;

function keyToBigInt(k: Key): bigint {
  return (BigInt(k.hi >>> 0) << 32n) | BigInt(k.lo >>> 0);
}

/**
 * Reads and validates a stream request (method, shape, options, stream options), runs the
 * method once on an empty range so its own validation speaks, and fixes the key: a call
 * without `seed` or `name` takes the instance's next key here, once, as the in-memory call
 * would have.
 */
function prepare(fn: string, wi: object, method: unknown, shape: unknown, opts: unknown, sopts: unknown): Plan {
  if (typeof method !== 'string') throw new TypeError(`${fn}: method must be a method name such as "normal", got ${show(method)}`);
  if (method === 'parameter') {
    throw new TypeError(`${fn}: method "parameter" takes (inputSize, outputSize, method), not a shape; stream the distribution it names ("normal" or "uniform" with its std or bound) instead`);
  }
  if (!(METHODS as readonly string[]).includes(method)) {
    throw new RangeError(`${fn}: unknown method ${show(method)}; streamable methods are ${METHODS.map((m) => JSON.stringify(m)).join(', ')}`);
  }
  const mfn = `weightinit.${method}`;
  const dims = readShape(fn, shape);
  const size = sizeOf(dims);

  const so = readOptions(fn, sopts, ['chunkElements', 'signal', 'onProgress', 'reuse']);
  const lim = limits;
  const asked = positiveInt(fn, 'chunkElements', so.chunkElements, lim.defaultChunkElements);
  if (asked > lim.maxChunkElements) {
    throw new RangeError(`${fn}: chunkElements must be at most ${lim.maxChunkElements}, got ${show(so.chunkElements)}`);
  }
  const chunk = Math.ceil(asked / BLOCK) * BLOCK;
  const signal = so.signal;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof (signal as { aborted?: unknown }).aborted !== 'boolean')) {
    throw new TypeError(`${fn}: signal must be an AbortSignal, got ${show(signal)}`);
  }
  const onProgress = so.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError(`${fn}: onProgress must be a function, got ${show(onProgress)}`);
  if (so.reuse !== undefined && typeof so.reuse !== 'boolean') throw new TypeError(`${fn}: reuse must be true or false, got ${show(so.reuse)}`);

  // the method's options, read once into a plain copy (the method itself rejects unknown keys)
  let keys: string[] = [];
  if (opts !== null && typeof opts === 'object') {
    try {
      keys = Reflect.ownKeys(opts).filter((k): k is string => typeof k === 'string');
    } catch {
      throw new TypeError(`${mfn}: options is a revoked Proxy`);
    }
  }
  const base = readOptions(mfn, opts, keys);
  if (base.out !== undefined) {
    throw new TypeError(`${fn}: option "out" is not allowed; the stream makes its own arrays (reuse: true to refill one buffer)`);
  }
  const [start, end] = readRange(mfn, base.range, size);

  const dtype = base.dtype;
  const Ctor =
    method === 'uint32' ? Uint32Array : (DTYPE_INFO[(typeof dtype === 'string' && (DTYPES as readonly string[]).includes(dtype) ? dtype : 'float32') as DType].array as unknown as new (n: number) => TypedArray);
  const proto = Object.getPrototypeOf(wi) as Record<string, unknown>;
  const call = (Object.prototype.hasOwnProperty.call(proto, method) ? proto[method] : undefined) as Call | undefined;
  if (typeof call !== 'function') throw new TypeError(`${fn}: expected a loaded instance (from load() or loadSync())`);
  const shapeArg = method === 'uint32' ? size : dims;
  const run = (o: Record<string, unknown>, s: number, e: number, out: TypedArray): void => {
    call.call(wi, shapeArg, { ...o, range: [s, e], out });
  };

  const whole = WHOLE.has(method);
  if (whole && size > lim.wholeMaxElements) {
    throw new RangeError(
      `${fn}: ${method} makes its whole ${showList(dims)} ${method === 'sparse' ? 'zero mask' : 'matrix'} in wasm memory whatever range says, ` +
        `so it cannot be streamed in bounded memory; streams of orthogonal, deltaOrthogonal and sparse are limited to ${lim.wholeMaxElements} elements (this one has ${size})`,
    );
  }

  // the method validates everything (shape rules, parameters, dtype, seed/name) on an empty range,
  // writing nothing; a call without seed or name takes the next key from the sequence, so the
  // key it took is fixed here for every chunk
  const keySeq = engineOf(wi).keys;
  const before = keySeq.peek();
  run(base, start, start, new Ctor(0));
  const after = keySeq.peek();
  const fixed: Record<string, unknown> = { ...base };
  if (after.lo !== before.lo || after.hi !== before.hi) fixed.seed = keyToBigInt(before);

  return Object.freeze({
    start,
    end,
    chunk,
    reuse: so.reuse === true,
    whole,
    signal: signal as AbortSignal | undefined,
    onProgress: onProgress as ((p: StreamProgress) => void) | undefined,
    make: (n: number) => new Ctor(n),
    fill: (s: number, e: number, out: TypedArray) => run(fixed, s, e, out),
  });
}

function abortReason(signal: AbortSignal): unknown {
  const r = (signal as { reason?: unknown }).reason;
  return r !== undefined ? r : new DOMException('The operation was aborted.', 'AbortError');
}

function progress(done: number, total: number, t0: number): StreamProgress {
  const elapsedMs = performance.now() - t0;
  return Object.freeze({ done, total, elapsedMs, elementsPerSecond: elapsedMs > 0 ? done / (elapsedMs / 1000) : 0 });
}

/** The chunks of a plan, in order; progress reported here when `report` (stream), by the caller otherwise (fill). */
async function* chunks(plan: Plan, report: boolean): AsyncGenerator<StreamChunk, void, undefined> {
  const { start, end, chunk, signal, onProgress } = plan;
  const total = end - start;
  const t0 = performance.now();
  let buffer: TypedArray | undefined;
  let whole: TypedArray | undefined;
  let s = start;
  while (s < end) {
    if (signal?.aborted === true) throw abortReason(signal);
    // boundaries at multiples of 1024 in the flat index; chunk >= 1024, so e > s
    const e = Math.min(end, Math.floor((s + chunk) / BLOCK) * BLOCK);
    const n = e - s;
    let data: TypedArray;
    if (plan.whole) {
      if (whole === undefined) {
        whole = plan.make(total);
        plan.fill(start, end, whole);
      }
      const part = whole.subarray(s - start, e - start);
      if (plan.reuse) {
        buffer ??= plan.make(Math.min(chunk, total));
        data = buffer.subarray(0, n);
        data.set(part as never);
      } else {
        data = part.slice();
      }
    } else if (plan.reuse) {
      buffer ??= plan.make(Math.min(chunk, total));
      data = n === buffer.length ? buffer : buffer.subarray(0, n);
      plan.fill(s, e, data);
    } else {
      data = plan.make(n);
      plan.fill(s, e, data);
    }
    s = e;
    if (report && onProgress !== undefined) onProgress(progress(s - start, total, t0));
    yield Object.freeze({ start: e - n, end: e, data });
  }
}

/**
 * The stream behind `wi.stream()`: validates now (throws synchronously on bad input), produces
 * on iteration.
 * @internal
 */
export function streamOf(wi: object, method: unknown, shape: unknown, opts: unknown, sopts: unknown): AsyncGenerator<StreamChunk, void, undefined> {
  return chunks(prepare('weightinit.stream', wi, method, shape, opts, sopts), true);
}

/**
 * The loop behind `wi.fill()`: validates (a bad input rejects before any chunk), then awaits
 * `sink(chunk)` chunk by chunk; resolves with the final progress.
 * @internal
 */
export async function fillOf(wi: object, method: unknown, shape: unknown, opts: unknown, sink: unknown, sopts: unknown): Promise<StreamProgress> {
  const fn = 'weightinit.fill';
  if (typeof sink !== 'function') throw new TypeError(`${fn}: sink must be a function (chunk) => void | Promise, got ${show(sink)}`);
  const plan = prepare(fn, wi, method, shape, opts, sopts);
  const total = plan.end - plan.start;
  const t0 = performance.now();
  let done = 0;
  for await (const c of chunks(plan, false)) {
    await (sink as (c: StreamChunk) => unknown)(c);
    done = c.end - plan.start;
    plan.onProgress?.(progress(done, total, t0));
  }
  return progress(done, total, t0);
}
