// Shared by the safetensors and .npy writers and readers: the source interface, element
// types, the temp-file-and-rename rule, and the pipeline that streams a file's tensors in
// chunks through a few reusable buffers.
// Node-only (node:fs); exported from the package's io subpath, never from the main entry.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readOptions as readPlainOptions } from '../init/options.js';
import { show as showValue, typedArrayTag } from '../init/show.js';

/** Element types a writer accepts (the safetensors spellings). */
export type WriteDType = 'F32' | 'F16' | 'BF16' | 'F64';
export const WRITE_DTYPES: readonly WriteDType[] = ['F32', 'F16', 'BF16', 'F64'];

/**
 * A Float16Array where the runtime has one (Node 24+, recent browsers). Described by what the
 * io layer relies on (a view with `length` elements of BYTES_PER_ELEMENT = 2, checked at run
 * time), so it compiles with or without the esnext.float16 library types.
 */
export interface Float16ArrayLike extends ArrayBufferView {
  readonly length: number;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * The buffer a source fills: Float32Array for F32, Float64Array for F64, Uint16Array bit
 * patterns for BF16, and for F16 the same convention as the initializers' `dtype: 'float16'`
 * output: a Float16Array where the runtime has one, else Uint16Array bit patterns. A source
 * that produces half bit patterns writes them through `halfBits(out)`.
 */
export type TensorOut = Float32Array | Float64Array | Uint16Array | Float16ArrayLike;

/**
 * One tensor to be written, produced on demand. The writers read `name`, `shape` and `dtype`
 * once, before anything is written, then call `write` for consecutive ranges in order.
 */
export interface TensorSource {
  readonly name: string;
  /** Dimensions, outermost first (C order). `[]` is a scalar (one element). */
  readonly shape: readonly number[];
  readonly dtype: WriteDType;
  /**
   * Write the values of flat elements [start, start + count) into `out`, which has exactly
   * `count` elements. `out` is a view of one of the writer's reusable buffers: copy from it,
   * never keep it. May return a promise (awaited before the bytes are written).
   */
  write(start: number, count: number, out: TensorOut): void | PromiseLike<void>;
}

/** Progress of a writer, reported after every chunk and after every tensor. */
export interface WriteProgress {
  /** The file being written (its final path, not the temporary one). */
  path: string;
  /** Bytes of this file written so far, header included. */
  bytesWritten: number;
  /** Size of this file when complete. */
  totalBytes: number;
  /** Tensors of this file completely written. */
  tensorsDone: number;
  tensorCount: number;
  /** The tensor the last chunk belonged to. */
  name: string;
}

export interface StreamOptions {
  /**
   * Largest chunk a source fills in one call, in bytes (default 2 MiB), rounded down to whole
   * elements, at least one element. It is also the size of each of the writer's buffers (at
   * most `PIPELINE_BUFFERS`, 3, of them).
   */
  chunkBytes?: number;
  /** Called after each chunk and each finished tensor; awaited if it returns a promise. An error it throws fails the write. */
  onProgress?: (p: WriteProgress) => void | PromiseLike<void>;
  /** Aborting fails the write with `signal.reason`; the temporary file is removed, the target untouched. */
  signal?: AbortSignal;
  /**
   * Makes each of the writer's buffers (`bytes` long; called at most `PIPELINE_BUFFERS` times
   * per call of a writer, the first time before any file is created, the buffers reused across
   * its files). Default: a new ArrayBuffer. It must return a Uint8Array (a real one: its
   * buffer, byteOffset and length are read through the built-in getters, never through the
   * object's own properties or methods) of at least `bytes` bytes, at a byteOffset that is a
   * multiple of 8, over memory that overlaps none of the buffers it returned before in this
   * call; the writer uses its first `bytes` bytes. The memory must stay valid (never detached)
   * until the writer returns, for instance a region of a shared WebAssembly.Memory.
   */
  buffer?: (bytes: number) => Uint8Array;
}

/**
 * 2 MiB: a chunk a source has just made is still in cache when the writer's other steps read it
 * (statistics, the copy into the page cache); 8 MiB chunks measured a third slower end to end
 * on GPT-2 small (bench/results-model.md).
 */
export const DEFAULT_CHUNK_BYTES = 2 * 1024 * 1024;

export const ELEMENT_BYTES: Readonly<Record<WriteDType, number>> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/** A Uint16Array over the same memory as a 2-byte `out` (Uint16Array or Float16Array), for writing half-precision bit patterns. */
export function halfBits(out: TensorOut): Uint16Array {
  if (out.BYTES_PER_ELEMENT !== 2) throw new TypeError(`halfBits: out must have 2-byte elements, got a ${out.constructor.name}`);
  return out instanceof Uint16Array ? out : new Uint16Array(out.buffer, out.byteOffset, out.length);
}

/** Typed arrays use the host byte order; both file formats are little-endian. */
export function assertLittleEndian(fn: string): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error(`${fn}: this host is big-endian; safetensors and .npy data are written and read as little-endian only`);
  }
}

export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return 'null';
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'no prototype'})`;
  if (typeof v === 'function') return 'a function';
  return String(v);
}

/** A tensor after validation: its properties read once. */
export interface PlannedTensor {
  name: string;
  shape: readonly number[];
  dtype: WriteDType;
  count: number;
  bytes: number;
  source: TensorSource;
  write: TensorSource['write'];
}

/** Reads and checks one source's properties (once each). `where` names it in errors, e.g. `sources[3]`. */
export function planTensor(fn: string, where: string, s: unknown): PlannedTensor {
  if (typeof s !== 'object' || s === null) throw new TypeError(`${fn}: ${where} must be a TensorSource object, got ${show(s)}`);
  const src = s as TensorSource;
  const name: unknown = src.name;
  const shape: unknown = src.shape;
  const dtype: unknown = src.dtype;
  const write: unknown = src.write;
  if (typeof name !== 'string') throw new TypeError(`${fn}: ${where}.name must be a string, got ${show(name)}`);
  const label = `${where} (${JSON.stringify(name)})`;
  if (typeof dtype !== 'string' || !(WRITE_DTYPES as readonly string[]).includes(dtype)) {
    throw new (typeof dtype === 'string' ? RangeError : TypeError)(
      `${fn}: ${label}.dtype must be one of ${WRITE_DTYPES.map((d) => JSON.stringify(d)).join(', ')}, got ${show(dtype)}`,
    );
  }
  if (typeof write !== 'function') throw new TypeError(`${fn}: ${label}.write must be a function, got ${show(write)}`);
  if (!Array.isArray(shape)) throw new TypeError(`${fn}: ${label}.shape must be an array of non-negative integers, got ${show(shape)}`);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(`${fn}: ${label}.shape[${i}] must be a non-negative safe integer, got ${show(d)}`);
    }
    dims.push(d);
    count *= d;
  }
  const bytes = count * ELEMENT_BYTES[dtype as WriteDType];
  if (!Number.isSafeInteger(bytes)) {
    throw new RangeError(`${fn}: ${label}: shape [${dims.join(', ')}] of ${dtype} is ${bytes} bytes, more than a safe integer (2^53 - 1)`);
  }
  return { name, shape: Object.freeze(dims), dtype: dtype as WriteDType, count, bytes, source: src, write: write as TensorSource['write'] };
}

export interface ResolvedStreamOptions {
  chunkBytes: number;
  onProgress: StreamOptions['onProgress'];
  signal: AbortSignal | undefined;
  buffer: StreamOptions['buffer'];
}

const STREAM_KEYS = ['chunkBytes', 'onProgress', 'signal', 'buffer'];

/**
 * Reads an options object once with the library's strict reader: a plain object whose own keys
 * are all known (the stream options and `extra`, the caller's own), each an enumerable data
 * property (inherited, symbol, getter and non-enumerable keys are errors).
 */
export function readOptions(fn: string, opts: unknown, extra: readonly string[]): Record<string, unknown> {
  return readPlainOptions(fn, opts, [...STREAM_KEYS, ...extra]) as Record<string, unknown>;
}

export function streamOptions(fn: string, o: Record<string, unknown>): ResolvedStreamOptions {
  const { chunkBytes = DEFAULT_CHUNK_BYTES, onProgress, signal, buffer } = o;
  if (typeof chunkBytes !== 'number' || !Number.isSafeInteger(chunkBytes) || chunkBytes < 1) {
    throw new RangeError(`${fn}: chunkBytes must be a positive integer, got ${show(chunkBytes)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError(`${fn}: onProgress must be a function, got ${show(onProgress)}`);
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`${fn}: signal must be an AbortSignal, got ${show(signal)}`);
  if (buffer !== undefined && typeof buffer !== 'function') throw new TypeError(`${fn}: buffer must be a function, got ${show(buffer)}`);
  return { chunkBytes, onProgress: onProgress as StreamOptions['onProgress'], signal, buffer: buffer as StreamOptions['buffer'] };
}

/** Elements per chunk for a dtype: whole elements only, at least one. */
export function chunkElements(chunkBytes: number, dtype: WriteDType): number {
  return Math.max(1, Math.floor(chunkBytes / ELEMENT_BYTES[dtype]));
}

/** Bytes of each buffer a set of tensors needs: the largest chunk any of them uses. */
export function bufferBytes(tensors: readonly PlannedTensor[], chunkBytes: number): number {
  let max = 0;
  for (const t of tensors) max = Math.max(max, Math.min(t.count, chunkElements(chunkBytes, t.dtype)) * ELEMENT_BYTES[t.dtype]);
  return max;
}

function float16Ctor(): (new (b: ArrayBuffer, off: number, len: number) => Float16ArrayLike) | undefined {
  return (globalThis as unknown as { Float16Array?: new (b: ArrayBuffer, off: number, len: number) => Float16ArrayLike }).Float16Array;
}

/** A view of `count` elements at byte `offset` of `buf` (a multiple of the element size) in the type a source of `dtype` writes. */
export function outView(buf: Uint8Array, dtype: WriteDType, count: number, offset = 0): TensorOut {
  const b = buf.buffer as ArrayBuffer;
  const at = buf.byteOffset + offset;
  switch (dtype) {
    case 'F32':
      return new Float32Array(b, at, count);
    case 'F64':
      return new Float64Array(b, at, count);
    case 'BF16':
      return new Uint16Array(b, at, count);
    case 'F16': {
      const F16 = float16Ctor();
      return F16 === undefined ? new Uint16Array(b, at, count) : new F16(b, at, count);
    }
  }
}

/** Writes all of `bytes` at `position` (a file write may be partial). */
export async function writeFully(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let off = 0;
  while (off < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, off, bytes.length - off, position + off);
    if (bytesWritten <= 0) throw new Error(`write returned ${bytesWritten} bytes at offset ${position + off}`);
    off += bytesWritten;
  }
}

/** Reads exactly `length` bytes at `position` into a new buffer (error if the file ends first). */
export async function readFully(fh: FileHandle, into: Uint8Array, position: number, what: string): Promise<void> {
  const MAX = 1 << 30; // one read call moves at most 2 GiB - 1 bytes in Node; stay well below
  let off = 0;
  while (off < into.length) {
    const { bytesRead } = await fh.read(into, off, Math.min(MAX, into.length - off), position + off);
    if (bytesRead === 0) throw new Error(`${what}: file ended after ${position + off} bytes, ${into.length - off} more were expected`);
    off += bytesRead;
  }
}

/** What one file's stream writes: the bytes before the data, then the tensors' data, contiguous. */
export interface FileLayout {
  /** The final path (progress reports name it, not the temporary file). */
  target: string;
  /** The header, written at offset 0. */
  head: Uint8Array;
  /** Offset of the first tensor's data. */
  dataStart: number;
  tensors: readonly PlannedTensor[];
  /** The file's size when complete. */
  totalBytes: number;
}

/** Buffers of the pipeline: one being filled while up to two are being written. */
export const PIPELINE_BUFFERS = 3;

/**
 * Bytes written between the flushes (fdatasync) the stream starts while it writes, one at a
 * time and not awaited: the disk writes back what is already in the page cache while values
 * are still being made, so the final fsync has only the tail left.
 */
export const FLUSH_EVERY = 64 * 1024 * 1024;
let flushEvery = FLUSH_EVERY;

/**
 * Test hook: the bytes between background flushes (undefined restores `FLUSH_EVERY`); returns
 * the previous value.
 * @internal
 */
export function setFlushEvery(bytes: number | undefined): number {
  const prev = flushEvery;
  if (bytes !== undefined && (!Number.isSafeInteger(bytes) || bytes < 1)) throw new RangeError(`setFlushEvery: bytes must be a positive integer, got ${show(bytes)}`);
  flushEvery = bytes ?? FLUSH_EVERY;
  return prev;
}

const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const getter = (k: string) => Object.getOwnPropertyDescriptor(TypedArrayProto, k)!.get!;
const bufferOf = getter('buffer');
const byteOffsetOf = getter('byteOffset');
const byteLengthOf = getter('byteLength');

/** The buffers of one writer call, shared by its files: made on demand, at most `PIPELINE_BUFFERS`, each `bytes` long. */
export class BufferPool {
  private readonly free: Uint8Array[] = [];
  /** Every buffer made (free or in use): none of them may overlap another. */
  private readonly made: Uint8Array[] = [];

  constructor(
    private readonly fn: string,
    readonly bytes: number,
    private readonly make: StreamOptions['buffer'],
  ) {}

  /**
   * Makes the first buffer now if the writer will need one (a bad `buffer` option fails here,
   * before any file is created).
   */
  prepare(): void {
    if (this.bytes > 0 && this.made.length === 0) this.free.push(this.newBuffer());
  }

  /** A free buffer, or undefined when all of them are in use. */
  take(): Uint8Array | undefined {
    const b = this.free.pop();
    if (b !== undefined || this.made.length === PIPELINE_BUFFERS) return b;
    return this.newBuffer();
  }

  give(b: Uint8Array): void {
    this.free.push(b);
  }

  /** A buffer of `bytes`, from the `buffer` option (checked, and rebuilt as a plain view of its memory) or new. */
  private newBuffer(): Uint8Array {
    const fn = this.fn;
    const bytes = this.bytes;
    let view: Uint8Array;
    if (this.make === undefined) view = new Uint8Array(bytes);
    else {
      const m: unknown = this.make(bytes);
      const tag = typedArrayTag(m);
      if (tag !== 'Uint8Array') throw new TypeError(`${fn}: the buffer option must return a Uint8Array, got ${showValue(m)}`);
      const buffer = bufferOf.call(m) as ArrayBuffer;
      const byteOffset = byteOffsetOf.call(m) as number;
      const byteLength = byteLengthOf.call(m) as number;
      if (byteLength < bytes) {
        throw new RangeError(`${fn}: the buffer option must return a Uint8Array of at least ${bytes} bytes, got ${byteLength} bytes${byteLength === 0 ? ' (or a view of a detached buffer)' : ''}`);
      }
      if (byteOffset % 8 !== 0) throw new RangeError(`${fn}: the buffer option must return a Uint8Array at a byteOffset that is a multiple of 8, got byteOffset ${byteOffset}`);
      for (const b of this.made) {
        if (b.buffer === buffer && byteOffset < b.byteOffset + b.byteLength && b.byteOffset < byteOffset + bytes) {
          throw new RangeError(
            `${fn}: the buffer option returned bytes [${byteOffset}, ${byteOffset + bytes}) of a buffer whose bytes [${b.byteOffset}, ${b.byteOffset + b.byteLength}) it returned before and the writer still uses; every call must return memory of its own`,
          );
        }
      }
      view = new Uint8Array(buffer, byteOffset, bytes);
    }
    this.made.push(view);
    return view;
  }
}

/**
 * Streams a file's header and every tensor's values through one continuous pipeline: the
 * sources fill chunks (at most `chunkBytes` each, tensor by tensor from element 0) into
 * buffers of the largest chunk's size; consecutive chunks share a buffer while they fit (so
 * small tensors go out in one write), and a full buffer is written without waiting while the
 * next is filled. At most `PIPELINE_BUFFERS` buffers exist, so memory stays bounded; writes
 * are awaited in order only when a buffer is needed again, and at the end. Every
 * `FLUSH_EVERY` bytes a flush of what was written starts in the background.
 */
export async function streamTensors(fn: string, fh: FileHandle, file: FileLayout, opts: ResolvedStreamOptions, pool: BufferPool): Promise<void> {
  const { signal, onProgress } = opts;
  const { tensors } = file;
  const cap = pool.bytes;
  const inflight: { done: Promise<void>; buf: Uint8Array | undefined; end: number }[] = [];
  let bytesWritten = 0;
  let tensorsDone = 0;
  let tensorsMade = 0;
  let flushing: Promise<void> | undefined;
  let flushError: unknown;
  let flushedAt = 0;
  const ends: number[] = [];
  for (let i = 0, at = file.dataStart; i < tensors.length; i++) ends.push((at += tensors[i]!.bytes));

  const write = (bytes: Uint8Array, position: number, buf: Uint8Array | undefined): void => {
    const done = writeFully(fh, bytes, position);
    done.catch(() => undefined); // awaited in order later; never an unhandled rejection meanwhile
    inflight.push({ done, buf, end: position + bytes.length });
  };
  /** Waits for the oldest write; its buffer is free again. */
  const settle = async (): Promise<void> => {
    const w = inflight.shift()!;
    await w.done;
    bytesWritten = w.end;
    if (w.buf !== undefined) pool.give(w.buf);
    while (tensorsDone < tensorsMade && ends[tensorsDone]! <= bytesWritten) tensorsDone++;
    if (flushError !== undefined) throw flushError;
    if (flushing === undefined && bytesWritten - flushedAt >= flushEvery) {
      flushedAt = bytesWritten;
      flushing = fh.datasync().then(
        () => void (flushing = undefined),
        (e: unknown) => void ((flushError ??= e), (flushing = undefined)),
      );
    }
  };
  /** Waits for every write and the flush in flight; the first error of any of them is thrown. */
  const drain = async (): Promise<void> => {
    issue();
    while (inflight.length > 0) await settle();
    await flushing;
    if (flushError !== undefined) throw flushError;
  };
  const acquire = async (): Promise<Uint8Array> => {
    for (;;) {
      const b = pool.take();
      if (b !== undefined) return b;
      await settle();
    }
  };
  const report = async (name: string): Promise<void> => {
    if (onProgress !== undefined) await onProgress({ path: file.target, bytesWritten, totalBytes: file.totalBytes, tensorsDone, tensorCount: tensors.length, name });
  };

  let batch: { buf: Uint8Array; position: number; used: number } | undefined;
  const issue = (): void => {
    if (batch !== undefined && batch.used > 0) write(batch.buf.subarray(0, batch.used), batch.position, batch.buf);
    else if (batch !== undefined) pool.give(batch.buf);
    batch = undefined;
  };
  try {
    write(file.head, 0, undefined);
    let position = file.dataStart;
    for (let ti = 0; ti < tensors.length; ti++) {
      const t = tensors[ti]!;
      const per = chunkElements(opts.chunkBytes, t.dtype);
      const size = ELEMENT_BYTES[t.dtype];
      for (let start = 0; start < t.count; start += per) {
        signal?.throwIfAborted();
        const n = Math.min(per, t.count - start);
        const bytes = n * size;
        // a chunk joins the buffer being filled if it fits and its elements are aligned there
        if (batch !== undefined && (batch.used + bytes > cap || batch.used % size !== 0)) issue();
        batch ??= { buf: await acquire(), position, used: 0 };
        const out = outView(batch.buf, t.dtype, n, batch.used);
        try {
          await t.write.call(t.source, start, n, out);
        } catch (e) {
          throw withContext(e, `${fn}: the source of ${JSON.stringify(t.name)} failed writing elements [${start}, ${start + n})`);
        }
        signal?.throwIfAborted();
        batch.used += bytes;
        position += bytes;
        if (batch.used === cap) issue();
        if (start + n < t.count) await report(t.name);
      }
      tensorsMade++;
      if (ti === tensors.length - 1) await drain();
      signal?.throwIfAborted();
      await report(t.name);
    }
    await drain();
  } finally {
    // never leave a write or flush in flight behind an error: the caller closes and removes the file
    for (const w of inflight) {
      await w.done.catch(() => undefined);
      if (w.buf !== undefined) pool.give(w.buf);
    }
    if (batch !== undefined) pool.give(batch.buf);
    await flushing;
  }
  if (bytesWritten !== file.totalBytes) throw new Error(`${fn}: wrote ${bytesWritten} bytes, expected ${file.totalBytes} (internal error)`);
}

/** An error saying where it happened, of the original's type (RangeError, TypeError, else Error), with the original as `cause` (its message kept). */
function withContext(e: unknown, where: string): Error {
  const msg = e instanceof Error ? e.message : String(e);
  const Kind = e instanceof RangeError ? RangeError : e instanceof TypeError ? TypeError : Error;
  return new Kind(`${where}: ${msg}`, { cause: e });
}

/**
 * Writes a file through a temporary file in the same directory (`.<base>.<pid>.<random>.tmp`,
 * created exclusively), then fsyncs, closes and renames it onto `target`. On any error (or
 * abort) the temporary file is closed and removed and `target` is left as it was.
 */
export async function atomicWrite<T>(target: string, body: (fh: FileHandle) => Promise<T>): Promise<T> {
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target).slice(0, 120)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx');
  let closed = false;
  let renamed = false;
  try {
    const result = await body(fh);
    await fh.sync();
    closed = true;
    await fh.close();
    await rename(tmp, target);
    renamed = true;
    await syncDirectory(dir);
    return result;
  } finally {
    if (!renamed) {
      if (!closed) await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
    }
  }
}

/** Makes the rename durable where the platform allows fsync on a directory (not Windows). */
async function syncDirectory(dir: string): Promise<void> {
  let dh: FileHandle | undefined;
  try {
    dh = await open(dir, 'r');
    await dh.sync();
  } catch {
    // best effort: the file itself is complete and fsynced
  } finally {
    await dh?.close().catch(() => undefined);
  }
}

/**
 * A TensorSource over values already in memory (Float32Array for F32, Float64Array for F64,
 * Uint16Array bit patterns or a Float16Array for F16 and BF16). The array is read, never kept
 * beyond the source's life; its length must equal the shape's element count.
 */
export function arraySource(name: string, shape: readonly number[], dtype: WriteDType, data: Float32Array | Float64Array | Uint16Array | Float16ArrayLike): TensorSource {
  const want = { F32: Float32Array, F64: Float64Array, F16: undefined, BF16: undefined }[dtype];
  if (want !== undefined ? !(data instanceof want) : data.BYTES_PER_ELEMENT !== 2) {
    throw new TypeError(`arraySource(${JSON.stringify(name)}): ${dtype} data must be a ${want?.name ?? 'Uint16Array or Float16Array'}, got ${show(data)}`);
  }
  const count = shape.reduce((a, d) => a * d, 1);
  if (data.length !== count) throw new RangeError(`arraySource(${JSON.stringify(name)}): shape [${shape.join(', ')}] has ${count} elements, data has ${data.length}`);
  const src = data.BYTES_PER_ELEMENT === 2 ? halfBits(data as TensorOut) : (data as Float32Array | Float64Array);
  return {
    name,
    shape,
    dtype,
    write(start, n, out) {
      const dst = out.BYTES_PER_ELEMENT === 2 ? halfBits(out) : (out as Float32Array | Float64Array);
      dst.set(src.subarray(start, start + n));
    },
  };
}
