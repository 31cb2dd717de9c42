// Writing an initialized model straight to safetensors: every tensor is a TensorSource whose
// write() draws the requested flat range (fillEntry), so no tensor is ever whole in memory.
// Node only (through the io layer).
import { readFileSync } from 'node:fs';
import { engineOf } from '../engine/engine.js';
import { count, isPlainObject, positiveInt, readOptions, show, type Opts } from '../init/options.js';
import type { TensorOut, TensorSource, WriteDType, WriteProgress } from '../io/common.js';
import { writeSafetensors, writeShardedSafetensors, type ShardedSummary, type WriteSummary } from '../io/safetensors.js';
import type { WeightInit } from '../weightinit.js';
import { fillEntry, madePlan, planModel, type Plan, type PlanEntry, type PlanOptions } from './plan.js';
import type { ModelSpec, SpecDType } from './spec.js';

/** How a plan is written: `writePlan`'s options (and `writeModel`'s beyond the plan's). */
export interface WritePlanOptions {
  /** Write a sharded checkpoint into the directory `path` (model-0000i-of-0000k.safetensors + index). Without it, one file at `path`. */
  shards?: number;
  /** With `shards`: write only this rank's shards (shard j belongs to rank j mod size). */
  rank?: { index: number; size: number };
  /** Called after each chunk and each finished tensor of each file; awaited if it returns a promise. An error it throws fails the write. */
  onProgress?: (p: WriteProgress) => void | PromiseLike<void>;
  /** Aborting fails the write with `signal.reason`; the temporary file is removed, the target untouched. */
  signal?: AbortSignal;
  /** Largest chunk a tensor is drawn in, in bytes (default 2 MiB); also the size of each of the writer's buffers. */
  chunkBytes?: number;
  /**
   * Sees every chunk of values right after it is drawn, before it is written: the plan entry
   * (frozen), the flat index of the chunk's first element and the values exactly as they go to
   * the file (F16 / BF16 as the writers hand them: bit patterns, or a Float16Array for F16
   * where the runtime has one). The view is the writer's buffer: read it during the call,
   * never keep it or write to it. An error it throws fails the write.
   */
  observe?: (entry: PlanEntry, start: number, values: TensorOut) => void;
}

export interface WriteModelOptions extends PlanOptions, WritePlanOptions {}

/** writePlan's option names. */
const WRITE_KEYS = ['shards', 'rank', 'onProgress', 'signal', 'chunkBytes', 'observe'] as const;
/** planModel's option names. */
const PLAN_KEYS = ['seed', 'dtype', 'recipe', 'rules'] as const;
/** writeModel's `rules` may be longer than the strict reader's usual lists. */
const MAX_RULES = 1 << 16;

/** The write options as read and checked. */
interface WriteOpts {
  shards: number | undefined;
  rank: { index: number; size: number } | undefined;
  onProgress: WritePlanOptions['onProgress'];
  signal: AbortSignal | undefined;
  chunkBytes: number | undefined;
  observe: WritePlanOptions['observe'];
}

/** Checks the write options of an options object already read once (`o`), errors prefixed `fn:`. */
function writeOptions(fn: string, o: Opts): WriteOpts {
  const { shards, rank, onProgress, signal, chunkBytes, observe } = o;
  if (shards !== undefined) positiveInt(fn, 'shards', shards, 1);
  if (chunkBytes !== undefined) positiveInt(fn, 'chunkBytes', chunkBytes, 1);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError(`${fn}: onProgress must be a function, got ${show(onProgress)}`);
  if (observe !== undefined && typeof observe !== 'function') throw new TypeError(`${fn}: observe must be a function, got ${show(observe)}`);
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`${fn}: signal must be an AbortSignal, got ${show(signal)}`);
  let r: WriteOpts['rank'];
  if (rank !== undefined) {
    if (!isPlainObject(rank)) throw new TypeError(`${fn}: rank must be a plain object { index, size }, got ${show(rank)}`);
    const ro = readOptions(`${fn}: rank`, rank, ['index', 'size']);
    if (ro.size === undefined || ro.index === undefined) throw new TypeError(`${fn}: rank must give both index and size, got ${ro.index === undefined ? 'no index' : 'no size'}`);
    const size = positiveInt(fn, 'rank.size', ro.size, 1);
    const index = count(fn, 'rank.index', ro.index);
    if (index >= size) throw new RangeError(`${fn}: rank.index must be an integer in [0, ${size - 1}], got ${index}`);
    r = Object.freeze({ index, size });
  }
  return {
    shards: shards as number | undefined,
    rank: r,
    onProgress: onProgress as WriteOpts['onProgress'],
    signal: signal as AbortSignal | undefined,
    chunkBytes: chunkBytes as number | undefined,
    observe: observe as WriteOpts['observe'],
  };
}

export interface WriteModelResult {
  plan: Plan;
  metadata: Record<string, string>;
  /** One file, or the sharded summary. */
  written: WriteSummary | ShardedSummary;
}

const TO_WRITE: Readonly<Record<SpecDType, WriteDType>> = { float32: 'F32', float16: 'F16', bfloat16: 'BF16', float64: 'F64' };

let version: string | undefined;
/** This package's version (from package.json, two levels above this file in src/ and dist/). */
export function packageVersion(): string {
  if (version === undefined) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
      version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

/**
 * The `__metadata__` of a written model: format "pt", seed, recipe, weightinit version and the
 * user rules the plan was made with, as JSON. `plan` must be made by planModel.
 */
export function planMetadata(plan: Plan): Record<string, string> {
  const p = madePlan('planMetadata', plan);
  return {
    format: 'pt',
    seed: p.seed.toString(),
    recipe: p.recipe,
    weightinit: packageVersion(),
    rules: JSON.stringify(p.rules),
  };
}

/**
 * The tensors of a plan (made by planModel) as sources for the safetensors writers (each chunk
 * shown to `observe`, if given, once drawn).
 */
export function planSources(wi: WeightInit, plan: Plan, observe?: WritePlanOptions['observe']): TensorSource[] {
  const p = madePlan('planSources', plan);
  if (observe !== undefined && typeof observe !== 'function') throw new TypeError(`planSources: observe must be a function, got ${show(observe)}`);
  return p.entries.map((e) => ({
    name: e.name,
    shape: e.shape,
    dtype: TO_WRITE[e.dtype],
    write:
      observe === undefined
        ? (start: number, count: number, out: TensorOut) => fillEntry(wi, e, start, count, out)
        : (start: number, count: number, out: TensorOut) => {
            fillEntry(wi, e, start, count, out);
            observe(e, start, out);
          },
  }));
}

/**
 * The writer's buffers as regions of the instance's wasm memory when that memory is shared (an
 * instance with a worker pool): a shared memory never moves or detaches, so the file writes
 * can read the regions while the next chunk is drawn, and a chunk drawn into wasm memory is
 * not copied out again before it is written. Otherwise the writers' own buffers.
 */
function wasmBuffers(wi: WeightInit): { buffer?: (bytes: number) => Uint8Array; release(): void } {
  const e = engineOf(wi);
  const memory = e.memory;
  if (typeof SharedArrayBuffer !== 'function' || !(memory.buffer instanceof SharedArrayBuffer)) return { release() {} };
  const regions: number[] = [];
  return {
    buffer(bytes) {
      let p: number;
      try {
        p = e.heap.alloc(Math.max(bytes, 8), 'a buffer of the model writer');
      } catch {
        return new Uint8Array(bytes); // no room in wasm memory: an ordinary buffer
      }
      regions.push(p);
      return new Uint8Array(memory.buffer, p, bytes);
    },
    release() {
      for (const p of regions.splice(0)) e.heap.free(p);
    },
  };
}

/**
 * Writes a plan (from `planModel`: no other object is accepted) as safetensors, streaming chunk
 * by chunk: one file at `path`, or with `shards` / `rank` a sharded checkpoint in the directory
 * `path`. Everything is checked before any file is created; errors are prefixed `writePlan:`.
 */
export async function writePlan(wi: WeightInit, plan: Plan, path: string, opts?: WritePlanOptions): Promise<WriteModelResult> {
  return write('writePlan', wi, madePlan('writePlan', plan), path, writeOptions('writePlan', readOptions('writePlan', opts, WRITE_KEYS)));
}

async function write(fn: string, wi: WeightInit, plan: Plan, path: string, o: WriteOpts): Promise<WriteModelResult> {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${fn}: path must be a non-empty string, got ${show(path)}`);
  try {
    engineOf(wi);
  } catch {
    throw new TypeError(`${fn}: wi must be a loaded instance (from load() or loadSync()), got ${show(wi)}`);
  }
  const metadata = planMetadata(plan);
  const sources = planSources(wi, plan, o.observe);
  const buffers = wasmBuffers(wi);
  const stream = {
    metadata,
    ...(o.onProgress !== undefined ? { onProgress: o.onProgress } : {}),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
    ...(o.chunkBytes !== undefined ? { chunkBytes: o.chunkBytes } : {}),
    ...(buffers.buffer !== undefined ? { buffer: buffers.buffer } : {}),
  };
  try {
    const written =
      o.shards === undefined && o.rank === undefined
        ? await writeSafetensors(path, sources, stream)
        : await writeShardedSafetensors(path, sources, { ...stream, ...(o.shards !== undefined ? { shards: o.shards } : {}), ...(o.rank !== undefined ? { rank: o.rank } : {}) });
    return { plan, metadata, written };
  } finally {
    buffers.release();
  }
}

/**
 * Initializes a model by a recipe and writes it as safetensors, streaming chunk by chunk
 * (`planModel`, then `writePlan`). `__metadata__` records seed, recipe, weightinit version, the
 * user rules as JSON and format "pt", so the file says how to make it again. The options are
 * read once and checked, with the plan, before any file is created; errors in them are
 * prefixed `writeModel:`.
 */
export async function writeModel(wi: WeightInit, spec: ModelSpec | unknown, path: string, opts: WriteModelOptions): Promise<WriteModelResult> {
  const o = readOptions('writeModel', opts, [...PLAN_KEYS, ...WRITE_KEYS], MAX_RULES);
  if (o.seed === undefined) throw new TypeError(`writeModel: options must give a seed (a non-negative safe integer or bigint), got ${opts === undefined ? 'no options' : 'none'}`);
  const w = writeOptions('writeModel', o);
  if (typeof path !== 'string' || path === '') throw new TypeError(`writeModel: path must be a non-empty string, got ${show(path)}`);
  const planOpts = { seed: o.seed, ...(o.dtype !== undefined ? { dtype: o.dtype } : {}), ...(o.recipe !== undefined ? { recipe: o.recipe } : {}), ...(o.rules !== undefined ? { rules: o.rules } : {}) } as PlanOptions;
  return write('writeModel', wi, planModel(wi, spec, planOpts), path, w);
}
