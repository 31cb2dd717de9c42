// safetensors: streaming writer (bounded memory, temp file + rename), sharding in the Hugging
// Face convention, and a validating reader.
//
// The format (https://github.com/huggingface/safetensors, "Format"):
//   8 bytes      N, the header length, unsigned 64-bit little-endian
//   N bytes      a UTF-8 JSON object: { "__metadata__"?: { string: string },
//                  "<name>": { "dtype": "F32", "shape": [...], "data_offsets": [begin, end] }, ... }
//   the rest     tensor data, little-endian, C order; offsets relative to the start of this
//                section; tensors contiguous, covering it exactly
// Like Hugging Face's writer we pad the JSON with spaces to a multiple of 8 bytes, so the data
// section starts at a multiple of 8 (8 + N ≡ 0 mod 8).
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assertLittleEndian,
  atomicWrite,
  BufferPool,
  bufferBytes,
  planTensor,
  readFully,
  readOptions,
  show,
  streamOptions,
  streamTensors,
  writeFully,
  type PlannedTensor,
  type StreamOptions,
  type TensorSource,
} from './common.js';

/** Every dtype the safetensors format defines, with its element size in bytes. */
export const SAFETENSORS_DTYPE_BYTES = Object.freeze({
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
} as const);
export type SafetensorsDType = keyof typeof SAFETENSORS_DTYPE_BYTES;

/** Largest header the reader accepts (the limit of Hugging Face's own reader: 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

const FN_W = 'writeSafetensors';
const FN_S = 'writeShardedSafetensors';
const FN_P = 'planShards';
const FN_H = 'readSafetensorsHeader';
const FN_T = 'readTensor';
const METADATA_KEY = '__metadata__';

/** One tensor of a safetensors file. */
export interface SafetensorsTensorInfo {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** Elements (the product of `shape`; 1 for a scalar). */
  readonly count: number;
  /** Offsets in the data section, as in the header's `data_offsets`. */
  readonly begin: number;
  readonly end: number;
  /** The same range as absolute file offsets. */
  readonly fileBegin: number;
  readonly fileEnd: number;
}

/** A parsed and validated header. `tensors` is in data order (by offset). */
export interface SafetensorsHeader {
  /** N, the JSON header's length in bytes (padding included). */
  readonly headerLength: number;
  /** Absolute offset of the data section: 8 + N. */
  readonly dataStart: number;
  /** Total file size: dataStart + the data section. */
  readonly fileBytes: number;
  /** The header JSON as parsed. */
  readonly header: Readonly<Record<string, unknown>>;
  /** `__metadata__` (empty if absent). */
  readonly metadata: Readonly<Record<string, string>>;
  readonly tensors: readonly SafetensorsTensorInfo[];
}

export interface WriteSafetensorsOptions extends StreamOptions {
  /** String-to-string metadata stored as `__metadata__` (omitted if empty). */
  metadata?: Readonly<Record<string, string>>;
}

export interface WriteSummary {
  /** The file written. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** Its header, as `readSafetensorsHeader` would return it. */
  header: SafetensorsHeader;
}

function checkMetadata(fn: string, m: unknown): [string, string][] {
  if (m === undefined) return [];
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new TypeError(`${fn}: metadata must be an object of strings, got ${show(m)}`);
  const out: [string, string][] = [];
  for (const k of Object.keys(m)) {
    const v: unknown = (m as Record<string, unknown>)[k];
    if (typeof v !== 'string') throw new TypeError(`${fn}: metadata[${JSON.stringify(k)}] must be a string (safetensors metadata values are strings), got ${show(v)}`);
    out.push([k, v]);
  }
  return out;
}

function planAll(fn: string, sources: unknown): PlannedTensor[] {
  if (typeof sources !== 'object' || sources === null || typeof (sources as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${fn}: sources must be an array (or iterable) of TensorSource, got ${show(sources)}`);
  }
  const list = Array.from(sources as Iterable<unknown>);
  const seen = new Map<string, number>();
  const planned = list.map((s, i) => {
    const t = planTensor(fn, `sources[${i}]`, s);
    if (t.name === '') throw new RangeError(`${fn}: sources[${i}].name must not be empty`);
    if (t.name === METADATA_KEY) throw new RangeError(`${fn}: sources[${i}].name must not be "${METADATA_KEY}" (reserved for the metadata)`);
    const prev = seen.get(t.name);
    if (prev !== undefined) throw new RangeError(`${fn}: sources[${i}].name ${JSON.stringify(t.name)} is also the name of sources[${prev}]; names must be unique`);
    seen.set(t.name, i);
    return t;
  });
  return planned;
}

/** Builds the padded header bytes and the header description for tensors written in order. */
function layout(tensors: readonly PlannedTensor[], metadata: readonly [string, string][]): { bytes: Uint8Array; header: SafetensorsHeader } {
  // Built by hand, not with JSON.stringify(object): object keys that look like integers
  // ("0", "12") would be moved first, and "__proto__" would not be an own key.
  const parts: string[] = [];
  if (metadata.length > 0) parts.push(`${JSON.stringify(METADATA_KEY)}:{${metadata.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  let offset = 0;
  const infos: { name: string; dtype: SafetensorsDType; shape: readonly number[]; count: number; begin: number; end: number }[] = [];
  for (const t of tensors) {
    const begin = offset;
    offset += t.bytes;
    if (!Number.isSafeInteger(offset)) throw new RangeError(`${FN_W}: the tensors add up to more than 2^53 - 1 bytes`);
    parts.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${begin},${offset}]}`);
    infos.push({ name: t.name, dtype: t.dtype, shape: t.shape, count: t.count, begin, end: offset });
  }
  const json = `{${parts.join(',')}}`;
  const raw = new TextEncoder().encode(json);
  const headerLength = Math.ceil(raw.length / 8) * 8;
  const bytes = new Uint8Array(8 + headerLength).fill(0x20);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(headerLength), true);
  bytes.set(raw, 8);
  const dataStart = 8 + headerLength;
  const fileBytes = dataStart + offset;
  if (!Number.isSafeInteger(fileBytes)) throw new RangeError(`${FN_W}: the file would be more than 2^53 - 1 bytes`);
  const header = JSON.parse(json) as Record<string, unknown>;
  return {
    bytes,
    header: freezeHeader({
      headerLength,
      dataStart,
      fileBytes,
      header,
      metadata: Object.fromEntries(metadata),
      tensors: infos.map((i) => ({ ...i, fileBegin: dataStart + i.begin, fileEnd: dataStart + i.end })),
    }),
  };
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

function freezeHeader(h: SafetensorsHeader): SafetensorsHeader {
  return deepFreeze(h);
}

/** Writes planned tensors to `target` (temp file + rename). */
async function writeFile(fn: string, target: string, tensors: readonly PlannedTensor[], metadata: readonly [string, string][], opts: ReturnType<typeof streamOptions>, pool: BufferPool): Promise<WriteSummary> {
  assertLittleEndian(fn);
  const { bytes, header } = layout(tensors, metadata);
  opts.signal?.throwIfAborted();
  await atomicWrite(target, (fh: FileHandle) => streamTensors(fn, fh, { target, head: bytes, dataStart: header.dataStart, tensors, totalBytes: header.fileBytes }, opts, pool));
  return { path: target, bytes: header.fileBytes, header };
}

/**
 * Writes tensors to one safetensors file, streaming them in chunks of at most `chunkBytes`
 * through at most three reusable buffers of that size (memory stays bounded whatever the model
 * size; no tensor is ever held whole). Consecutive chunks share a buffer while they fit, a full
 * buffer is written while the next is filled, and a flush of what is written starts every
 * 64 MiB, so value generation, page-cache writes and the disk's writeback overlap.
 *
 * Validation happens before the file is created: names non-empty, unique and not
 * `__metadata__`; shapes of non-negative safe integers; sizes safe; metadata values strings.
 * The file is written to `.<base>.<pid>.<random>.tmp` in the target's directory, fsynced,
 * closed and renamed onto `path` only at the very end. On any error (a throwing source, a full
 * disk, an abort) the temporary file is removed and `path` is untouched.
 *
 * @example
 * await writeSafetensors('model.safetensors', [
 *   { name: 'fc.weight', shape: [10, 784], dtype: 'F32', write: (start, n, out) => out.fill(0) },
 * ], { metadata: { format: 'pt' } });
 */
export async function writeSafetensors(path: string, sources: Iterable<TensorSource>, options?: WriteSafetensorsOptions): Promise<WriteSummary> {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${FN_W}: path must be a non-empty string, got ${show(path)}`);
  const o = readOptions(FN_W, options, ['metadata']);
  const opts = streamOptions(FN_W, o);
  const metadata = checkMetadata(FN_W, o.metadata);
  const tensors = planAll(FN_W, sources);
  const pool = new BufferPool(FN_W, bufferBytes(tensors, opts.chunkBytes), opts.buffer);
  pool.prepare();
  return writeFile(FN_W, path, tensors, metadata, opts, pool);
}

// ---------------------------------------------------------------------------------------------
// Sharding (Hugging Face convention)

/** One shard of a plan: a contiguous run of the ordered tensors. */
export interface ShardPlan {
  /** 0-based shard index. */
  readonly index: number;
  /** `model-00001-of-00004.safetensors` (1-based, 5-digit zero padded), or `model.safetensors` for a single shard. */
  readonly file: string;
  /** Indices into the source list, [first, end). */
  readonly first: number;
  readonly end: number;
  readonly names: readonly string[];
  /** Tensor data bytes of this shard. */
  readonly bytes: number;
}

/** The file name of shard `index` (0-based) of `count`, as Hugging Face names them. */
export function shardFileName(index: number, count: number): string {
  if (count === 1) return 'model.safetensors';
  const pad = (n: number) => String(n).padStart(5, '0');
  return `model-${pad(index + 1)}-of-${pad(count)}.safetensors`;
}

/** Groups with at most `cap` bytes each when packed greedily left to right. */
function greedyGroups(sizes: readonly number[], cap: number): number {
  let groups = 1;
  let cur = 0;
  for (const s of sizes) {
    if (cur > 0 && cur + s > cap) {
      groups++;
      cur = 0;
    }
    cur += s;
  }
  return groups;
}

function splitContiguous(sizes: readonly number[], k: number): number[] {
  // The smallest cap C with which greedy packing needs at most k groups: no contiguous split
  // into k groups has a smaller largest group. Found by binary search over integers.
  let lo = 0;
  let hi = 0;
  for (const s of sizes) {
    lo = Math.max(lo, s);
    hi += s;
  }
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (greedyGroups(sizes, mid) <= k) hi = mid;
    else lo = mid + 1;
  }
  // Greedy with cap `lo`, also cutting as soon as the tensors left equal the groups still to
  // open, so there are exactly k non-empty groups (extra cuts never make a group larger).
  const starts = [0];
  let cur = 0;
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i]!;
    if (i > 0 && (cur + s > lo || sizes.length - i === k - starts.length)) {
      starts.push(i);
      cur = 0;
    }
    cur += s;
  }
  return starts;
}

function planFromTensors(fn: string, tensors: readonly PlannedTensor[], k: unknown): ShardPlan[] {
  if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 1) throw new RangeError(`${fn}: shards must be a positive integer, got ${show(k)}`);
  if (k > tensors.length) throw new RangeError(`${fn}: cannot make ${k} shards of ${tensors.length} tensor${tensors.length === 1 ? '' : 's'}: every shard needs at least one tensor`);
  const starts = splitContiguous(tensors.map((t) => t.bytes), k);
  return starts.map((first, index) => {
    const end = starts[index + 1] ?? tensors.length;
    const group = tensors.slice(first, end);
    return Object.freeze({
      index,
      file: shardFileName(index, k),
      first,
      end,
      names: Object.freeze(group.map((t) => t.name)),
      bytes: group.reduce((a, t) => a + t.bytes, 0),
    });
  });
}

/**
 * Splits the ordered tensors into `k` contiguous shards, balanced by bytes: the largest shard is
 * as small as any contiguous split allows, and every shard has at least one tensor (an error if
 * k exceeds the tensor count). Depends only on names, shapes and dtypes, so every rank of a
 * cluster computes the same plan.
 */
export function planShards(sources: Iterable<TensorSource>, k: number): ShardPlan[] {
  return planFromTensors(FN_P, planAll(FN_P, sources), k);
}

export interface WriteShardedOptions extends WriteSafetensorsOptions {
  /** Number of shards (default 1: one `model.safetensors` and no index, as Hugging Face does). */
  shards?: number;
  /** Write only this rank's shards: shard j (0-based) belongs to rank j mod size. */
  rank?: { index: number; size: number };
}

/** The `model.safetensors.index.json` of a sharded checkpoint. */
export interface ShardIndex {
  metadata: { total_size: number } & Record<string, string | number>;
  weight_map: Record<string, string>;
}

export interface ShardedSummary {
  plan: readonly ShardPlan[];
  /** The shard files this call wrote. */
  files: WriteSummary[];
  /** The index file, if this call wrote it. */
  indexPath: string | undefined;
  index: ShardIndex | undefined;
}

export const INDEX_FILE = 'model.safetensors.index.json';

/**
 * Writes a checkpoint in the Hugging Face layout into `dir` (created if missing): the shards
 * of `planShards(sources, shards)` plus `model.safetensors.index.json` =
 * `{ "metadata": { "total_size": <tensor data bytes>, ...metadata }, "weight_map": { name: file } }`.
 * With `shards: 1`, a single `model.safetensors` and no index.
 *
 * With `rank: { index: i, size: n }` only shards j with j mod n = i are written, and the
 * index only by rank 0 (it depends on the plan alone, so rank 0 needs no other rank's data;
 * with a single shard, rank 0 writes `model.safetensors` and the others nothing). Each shard
 * file gets `metadata` as its `__metadata__`. Every file goes through temp file + rename.
 */
export async function writeShardedSafetensors(dir: string, sources: Iterable<TensorSource>, options?: WriteShardedOptions): Promise<ShardedSummary> {
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`${FN_S}: dir must be a non-empty string, got ${show(dir)}`);
  const o = readOptions(FN_S, options, ['metadata', 'shards', 'rank']);
  const opts = streamOptions(FN_S, o);
  const metadata = checkMetadata(FN_S, o.metadata);
  if (metadata.some(([k]) => k === 'total_size')) throw new RangeError(`${FN_S}: metadata must not contain "total_size" (the index computes it)`);
  const rank = checkRank(o.rank);
  const tensors = planAll(FN_S, sources);
  const plan = planFromTensors(FN_S, tensors, o.shards ?? 1);
  const mine = plan.filter((shard) => rank === undefined || shard.index % rank.size === rank.index);
  const pool = new BufferPool(FN_S, bufferBytes(mine.flatMap((shard) => tensors.slice(shard.first, shard.end)), opts.chunkBytes), opts.buffer);
  pool.prepare();
  opts.signal?.throwIfAborted();
  await mkdir(dir, { recursive: true });
  const files: WriteSummary[] = [];
  for (const shard of mine) files.push(await writeFile(FN_S, join(dir, shard.file), tensors.slice(shard.first, shard.end), metadata, opts, pool));
  let index: ShardIndex | undefined;
  let indexPath: string | undefined;
  if (plan.length > 1 && (rank === undefined || rank.index === 0)) {
    index = {
      metadata: { ...Object.fromEntries(metadata), total_size: tensors.reduce((a, t) => a + t.bytes, 0) },
      weight_map: Object.fromEntries(plan.flatMap((s) => s.names.map((n) => [n, s.file] as const))),
    };
    indexPath = join(dir, INDEX_FILE);
    const text = new TextEncoder().encode(`${JSON.stringify(index, null, 2)}\n`);
    opts.signal?.throwIfAborted();
    await atomicWrite(indexPath, (fh) => writeFully(fh, text, 0));
  }
  return { plan, files, indexPath, index };
}

function checkRank(r: unknown): { index: number; size: number } | undefined {
  if (r === undefined) return undefined;
  if (typeof r !== 'object' || r === null) throw new TypeError(`${FN_S}: rank must be { index, size }, got ${show(r)}`);
  const keys = Object.keys(r);
  for (const k of keys) if (k !== 'index' && k !== 'size') throw new TypeError(`${FN_S}: unknown rank field ${JSON.stringify(k)} (known: index, size)`);
  const { index, size } = r as Record<string, unknown>;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1) throw new RangeError(`${FN_S}: rank.size must be a positive integer, got ${show(size)}`);
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`${FN_S}: rank.index must be an integer in [0, ${size - 1}], got ${show(index)}`);
  }
  return { index, size };
}

// ---------------------------------------------------------------------------------------------
// Reader

type FileLabel = string;

function bad(fn: string, file: FileLabel, msg: string): Error {
  return new Error(`${fn}(${JSON.stringify(file)}): ${msg}`);
}

async function readHeaderFrom(fn: string, fh: FileHandle, file: string): Promise<SafetensorsHeader> {
  const size = (await fh.stat()).size;
  if (size < 8) throw bad(fn, file, `${size} bytes is too short for a safetensors file (8-byte header length first)`);
  const prefix = new Uint8Array(8);
  await readFully(fh, prefix, 0, `${fn}(${JSON.stringify(file)})`);
  const n64 = new DataView(prefix.buffer).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) throw bad(fn, file, `header length ${n64} is more than the ${MAX_HEADER_BYTES} bytes allowed (not a safetensors file?)`);
  const headerLength = Number(n64);
  if (8 + headerLength > size) throw bad(fn, file, `header length ${headerLength} runs past the end of the ${size}-byte file`);
  if (headerLength < 2) throw bad(fn, file, `header length ${headerLength} is too short for a JSON object`);
  const raw = new Uint8Array(headerLength);
  await readFully(fh, raw, 8, `${fn}(${JSON.stringify(file)})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    throw bad(fn, file, 'the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw bad(fn, file, `the header must start with "{", got ${JSON.stringify(text.slice(0, 16))}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw bad(fn, file, `the header is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad(fn, file, 'the header must be a JSON object');
  const dataStart = 8 + headerLength;
  const dataBytes = size - dataStart;
  const metadata: [string, string][] = [];
  const entries: { name: string; dtype: SafetensorsDType; shape: number[]; count: number; begin: number; end: number }[] = [];
  for (const name of Object.keys(parsed)) {
    const value: unknown = (parsed as Record<string, unknown>)[name];
    if (name === METADATA_KEY) {
      if (value === null) continue;
      if (typeof value !== 'object' || Array.isArray(value)) throw bad(fn, file, `"${METADATA_KEY}" must be an object of strings, got ${show(value)}`);
      for (const k of Object.keys(value)) {
        const v: unknown = (value as Record<string, unknown>)[k];
        if (typeof v !== 'string') throw bad(fn, file, `"${METADATA_KEY}"[${JSON.stringify(k)}] must be a string, got ${show(v)}`);
        metadata.push([k, v]);
      }
      continue;
    }
    const where = `tensor ${JSON.stringify(name)}`;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(fn, file, `${where} must be an object with dtype, shape and data_offsets, got ${show(value)}`);
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== 'string' || !Object.hasOwn(SAFETENSORS_DTYPE_BYTES, dtype)) {
      throw bad(fn, file, `${where}: dtype must be one of ${Object.keys(SAFETENSORS_DTYPE_BYTES).join(', ')}, got ${show(dtype)}`);
    }
    if (!Array.isArray(shape)) throw bad(fn, file, `${where}: shape must be an array of non-negative integers, got ${show(shape)}`);
    let count = 1;
    shape.forEach((d: unknown, i) => {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw bad(fn, file, `${where}: shape[${i}] must be a non-negative integer, got ${show(d)}`);
      count *= d;
    });
    if (!Array.isArray(offsets) || offsets.length !== 2) throw bad(fn, file, `${where}: data_offsets must be [begin, end], got ${show(offsets)}`);
    const [begin, end] = offsets as unknown[];
    for (const [label, v] of [['begin', begin], ['end', end]] as const) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw bad(fn, file, `${where}: data_offsets ${label} must be a non-negative integer, got ${show(v)}`);
    }
    const b = begin as number;
    const e = end as number;
    if (e < b) throw bad(fn, file, `${where}: data_offsets [${b}, ${e}] end before they begin`);
    if (e > dataBytes) throw bad(fn, file, `${where}: data_offsets [${b}, ${e}] run past the ${dataBytes}-byte data section`);
    const expected = count * SAFETENSORS_DTYPE_BYTES[dtype as SafetensorsDType];
    if (e - b !== expected) throw bad(fn, file, `${where}: data_offsets [${b}, ${e}] hold ${e - b} bytes, but shape [${shape.join(', ')}] of ${dtype} is ${expected} bytes`);
    entries.push({ name, dtype: dtype as SafetensorsDType, shape: shape as number[], count, begin: b, end: e });
  }
  entries.sort((x, y) => x.begin - y.begin || x.end - y.end);
  let at = 0;
  for (const t of entries) {
    if (t.begin !== at) {
      throw bad(fn, file, t.begin > at
        ? `tensor ${JSON.stringify(t.name)}: data_offsets begin at ${t.begin}, but the previous tensor ends at ${at} (a gap: tensors must be contiguous)`
        : `tensor ${JSON.stringify(t.name)}: data_offsets begin at ${t.begin}, inside the previous tensor (which ends at ${at})`);
    }
    at = t.end;
  }
  if (at !== dataBytes) throw bad(fn, file, `the tensors cover ${at} bytes of data, but the data section has ${dataBytes} (trailing bytes)`);
  return freezeHeader({
    headerLength,
    dataStart,
    fileBytes: size,
    header: parsed as Record<string, unknown>,
    metadata: Object.fromEntries(metadata),
    tensors: entries.map((t) => ({ ...t, fileBegin: dataStart + t.begin, fileEnd: dataStart + t.end })),
  });
}

/**
 * Reads and validates a safetensors header without reading the data: the header length, the
 * JSON, every tensor's dtype, shape and offsets (in range, sized shape × dtype, contiguous,
 * covering the data section exactly). Errors name the file, the tensor and the field.
 * Unknown fields inside a tensor entry are ignored, as Hugging Face's reader does.
 */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  assertLittleEndian(FN_H);
  const fh = await open(path, 'r');
  try {
    return await readHeaderFrom(FN_H, fh, path);
  } finally {
    await fh.close();
  }
}

/** The typed array each dtype is read into (F16, BF16: Uint16Array bit patterns; F8 and BOOL: Uint8Array). */
export type SafetensorsArray = Float64Array | Float32Array | Uint16Array | BigInt64Array | BigUint64Array | Int32Array | Uint32Array | Int16Array | Int8Array | Uint8Array;

function arrayOf(dtype: SafetensorsDType, buf: ArrayBuffer): SafetensorsArray {
  switch (dtype) {
    case 'F64':
      return new Float64Array(buf);
    case 'F32':
      return new Float32Array(buf);
    case 'F16':
    case 'BF16':
    case 'U16':
      return new Uint16Array(buf);
    case 'I64':
      return new BigInt64Array(buf);
    case 'U64':
      return new BigUint64Array(buf);
    case 'I32':
      return new Int32Array(buf);
    case 'U32':
      return new Uint32Array(buf);
    case 'I16':
      return new Int16Array(buf);
    case 'I8':
      return new Int8Array(buf);
    case 'U8':
    case 'BOOL':
    case 'F8_E4M3':
    case 'F8_E5M2':
      return new Uint8Array(buf);
  }
}

async function readData(fn: string, fh: FileHandle, file: string, t: SafetensorsTensorInfo): Promise<SafetensorsArray> {
  const buf = new ArrayBuffer(t.end - t.begin);
  await readFully(fh, new Uint8Array(buf), t.fileBegin, `${fn}(${JSON.stringify(file)}) tensor ${JSON.stringify(t.name)}`);
  return arrayOf(t.dtype, buf);
}

/**
 * Reads one tensor into an owned typed array (only its bytes are read, through a file handle).
 * F16 and BF16 come back as Uint16Array bit patterns, BOOL and F8 as Uint8Array.
 */
export async function readTensor(path: string, name: string): Promise<SafetensorsArray> {
  assertLittleEndian(FN_T);
  if (typeof name !== 'string') throw new TypeError(`${FN_T}: name must be a string, got ${show(name)}`);
  const fh = await open(path, 'r');
  try {
    const h = await readHeaderFrom(FN_T, fh, path);
    const t = h.tensors.find((x) => x.name === name);
    if (t === undefined) {
      const some = h.tensors.slice(0, 5).map((x) => JSON.stringify(x.name)).join(', ');
      throw new RangeError(`${FN_T}(${JSON.stringify(path)}): no tensor named ${JSON.stringify(name)} (the file has ${h.tensors.length}${h.tensors.length > 0 ? `: ${some}${h.tensors.length > 5 ? ', ...' : ''}` : ''})`);
    }
    return await readData(FN_T, fh, path, t);
  } finally {
    await fh.close();
  }
}

/** A tensor read by `iterateTensors`: its header entry and an owned copy of its data. */
export interface SafetensorsTensor extends SafetensorsTensorInfo {
  readonly data: SafetensorsArray;
}

/**
 * Yields every tensor of a file in data order, one at a time (one file handle; memory holds one
 * tensor at a time, plus whatever the caller keeps). Closes the file when done or abandoned.
 */
export async function* iterateTensors(path: string): AsyncGenerator<SafetensorsTensor, void, undefined> {
  assertLittleEndian('iterateTensors');
  const fh = await open(path, 'r');
  try {
    const h = await readHeaderFrom('iterateTensors', fh, path);
    for (const t of h.tensors) yield { ...t, data: await readData('iterateTensors', fh, path, t) };
  } finally {
    await fh.close();
  }
}
