// Shared by the safetensors and .npy writers and readers: the source interface, element
// types, the temp-file-and-rename rule, and chunked streaming through one reusable buffer.
// Node-only (node:fs); exported from the package's io subpath, never from the main entry.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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
   * `count` elements. `out` is a view of the writer's one reusable buffer: copy from it, never
   * keep it. May return a promise (awaited before the bytes are written).
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
  /** Size of the one reusable buffer, in bytes (default 8 MiB). Rounded down to whole elements, at least one element. */
  chunkBytes?: number;
  /** Called after each chunk and each finished tensor; awaited if it returns a promise. An error it throws fails the write. */
  onProgress?: (p: WriteProgress) => void | PromiseLike<void>;
  /** Aborting fails the write with `signal.reason`; the temporary file is removed, the target untouched. */
  signal?: AbortSignal;
}

export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

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
}

const STREAM_KEYS = ['chunkBytes', 'onProgress', 'signal'];

/** Checks an options object: known keys only (`extra` lists the caller's own), each read once. */
export function readOptions(fn: string, opts: unknown, extra: readonly string[]): Record<string, unknown> {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new TypeError(`${fn}: options must be an object, got ${show(opts)}`);
  const known = [...STREAM_KEYS, ...extra];
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(opts)) {
    if (!known.includes(k)) throw new TypeError(`${fn}: unknown option ${JSON.stringify(k)} (known: ${known.join(', ')})`);
    out[k] = (opts as Record<string, unknown>)[k];
  }
  return out;
}

export function streamOptions(fn: string, o: Record<string, unknown>): ResolvedStreamOptions {
  const { chunkBytes = DEFAULT_CHUNK_BYTES, onProgress, signal } = o;
  if (typeof chunkBytes !== 'number' || !Number.isSafeInteger(chunkBytes) || chunkBytes < 1) {
    throw new RangeError(`${fn}: chunkBytes must be a positive integer, got ${show(chunkBytes)}`);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError(`${fn}: onProgress must be a function, got ${show(onProgress)}`);
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`${fn}: signal must be an AbortSignal, got ${show(signal)}`);
  return { chunkBytes, onProgress: onProgress as StreamOptions['onProgress'], signal };
}

/** Elements per chunk for a dtype: whole elements only, at least one. */
export function chunkElements(chunkBytes: number, dtype: WriteDType): number {
  return Math.max(1, Math.floor(chunkBytes / ELEMENT_BYTES[dtype]));
}

/** Bytes of the one buffer a set of tensors needs: the largest chunk any of them uses. */
export function bufferBytes(tensors: readonly PlannedTensor[], chunkBytes: number): number {
  let max = 0;
  for (const t of tensors) max = Math.max(max, Math.min(t.count, chunkElements(chunkBytes, t.dtype)) * ELEMENT_BYTES[t.dtype]);
  return max;
}

function float16Ctor(): (new (b: ArrayBuffer, off: number, len: number) => Float16ArrayLike) | undefined {
  return (globalThis as unknown as { Float16Array?: new (b: ArrayBuffer, off: number, len: number) => Float16ArrayLike }).Float16Array;
}

/** A view of `count` elements at the start of `buf` in the type a source of `dtype` writes. */
export function outView(buf: ArrayBuffer, dtype: WriteDType, count: number): TensorOut {
  switch (dtype) {
    case 'F32':
      return new Float32Array(buf, 0, count);
    case 'F64':
      return new Float64Array(buf, 0, count);
    case 'BF16':
      return new Uint16Array(buf, 0, count);
    case 'F16': {
      const F16 = float16Ctor();
      return F16 === undefined ? new Uint16Array(buf, 0, count) : new F16(buf, 0, count);
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

export interface StreamState {
  target: string;
  fh: FileHandle;
  buf: ArrayBuffer;
  /** A second buffer of the same size, made on first use: the next chunk is produced into one while the other is being written. */
  spare?: ArrayBuffer;
  opts: ResolvedStreamOptions;
  totalBytes: number;
  tensorCount: number;
  bytesWritten: number;
  tensorsDone: number;
}

/**
 * Streams one tensor's values to the file at `position`, chunk by chunk through two buffers:
 * while one chunk is being written, the source produces the next into the other, so value
 * generation and disk writes overlap. Memory stays at two chunks.
 */
export async function streamTensor(fn: string, st: StreamState, t: PlannedTensor, position: number): Promise<void> {
  const per = chunkElements(st.opts.chunkBytes, t.dtype);
  const size = ELEMENT_BYTES[t.dtype];
  const { signal, onProgress } = st.opts;
  let pending: Promise<void> | undefined;
  let pendingBytes = 0;
  const settle = async (): Promise<void> => {
    if (pending === undefined) return;
    const p = pending;
    pending = undefined;
    await p;
    st.bytesWritten += pendingBytes;
  };
  try {
    for (let start = 0; start < t.count; start += per) {
      signal?.throwIfAborted();
      const n = Math.min(per, t.count - start);
      // the buffer not being written: the first chunk uses st.buf, then they alternate
      if (pending !== undefined) st.spare ??= new ArrayBuffer(st.buf.byteLength);
      const buf = pending === undefined || st.spare === undefined ? st.buf : st.spare;
      const out = outView(buf, t.dtype, n);
      try {
        await t.write.call(t.source, start, n, out);
      } catch (e) {
        throw withContext(e, `${fn}: the source of ${JSON.stringify(t.name)} failed writing elements [${start}, ${start + n})`);
      }
      signal?.throwIfAborted();
      await settle();
      if (onProgress !== undefined && start > 0) await onProgress(progress(st, t.name));
      pending = writeFully(st.fh, new Uint8Array(buf, 0, n * size), position + start * size);
      pendingBytes = n * size;
      if (buf === st.spare) {
        // swap, so the next chunk goes to the buffer this one did not use
        st.spare = st.buf;
        st.buf = buf;
      }
    }
    await settle();
  } finally {
    // never leave a write in flight behind an error: the caller closes and removes the file
    if (pending !== undefined) await pending.catch(() => undefined);
  }
  st.tensorsDone++;
  signal?.throwIfAborted();
  if (onProgress !== undefined) await onProgress(progress(st, t.name));
}

function progress(st: StreamState, name: string): WriteProgress {
  return { path: st.target, bytesWritten: st.bytesWritten, totalBytes: st.totalBytes, tensorsDone: st.tensorsDone, tensorCount: st.tensorCount, name };
}

/** An Error saying where it happened, with the original as `cause` (its message kept). */
function withContext(e: unknown, where: string): Error {
  const msg = e instanceof Error ? e.message : String(e);
  return new Error(`${where}: ${msg}`, { cause: e });
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
