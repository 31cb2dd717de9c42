// Writing an initialized model straight to safetensors: every tensor is a TensorSource whose
// write() draws the requested flat range (fillEntry), so no tensor is ever whole in memory.
// Node only (through the io layer).
import { readFileSync } from 'node:fs';
import { engineOf } from '../engine/engine.js';
import type { TensorOut, TensorSource, WriteDType, WriteProgress } from '../io/common.js';
import { writeSafetensors, writeShardedSafetensors, type ShardedSummary, type WriteSummary } from '../io/safetensors.js';
import type { WeightInit } from '../weightinit.js';
import { fillEntry, planModel, type Plan, type PlanEntry, type PlanOptions } from './plan.js';
import type { ModelSpec, SpecDType } from './spec.js';

/** How a plan is written: `writePlan`'s options (and `writeModel`'s beyond the plan's). */
export interface WritePlanOptions {
  /** The user rules the plan was made with, recorded in `__metadata__`. */
  rules?: PlanOptions['rules'];
  /** Write a sharded checkpoint into the directory `path` (model-0000i-of-0000k.safetensors + index). Without it, one file at `path`. */
  shards?: number;
  /** With `shards`: write only this rank's shards (shard j belongs to rank j mod size). */
  rank?: { index: number; size: number };
  onProgress?: (p: WriteProgress) => void | PromiseLike<void>;
  signal?: AbortSignal;
  /** Largest chunk a tensor is drawn in, in bytes (default 2 MiB); also the size of each of the writer's buffers. */
  chunkBytes?: number;
  /**
   * Sees every chunk of values right after it is drawn, before it is written: the plan entry,
   * the flat index of the chunk's first element and the values exactly as they go to the file
   * (F16 / BF16 as the writers hand them: bit patterns, or a Float16Array for F16 where the
   * runtime has one). The view is the writer's buffer: read it during the call, never keep it.
   */
  observe?: (entry: PlanEntry, start: number, values: TensorOut) => void;
}

export interface WriteModelOptions extends PlanOptions, Omit<WritePlanOptions, 'rules'> {}

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

/** The `__metadata__` of a written model: format "pt", seed, recipe, weightinit version and the user rules as JSON. */
export function planMetadata(plan: Plan, rules: PlanOptions['rules']): Record<string, string> {
  return {
    format: 'pt',
    seed: plan.seed.toString(),
    recipe: plan.recipe,
    weightinit: packageVersion(),
    rules: JSON.stringify(rules ?? [], (_k, v: unknown) => (typeof v === 'function' ? '[function]' : v)),
  };
}

/** The tensors of a plan as sources for the safetensors writers (each chunk shown to `observe`, if given, once drawn). */
export function planSources(wi: WeightInit, plan: Plan, observe?: WritePlanOptions['observe']): TensorSource[] {
  return plan.entries.map((e) => ({
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
 * Writes a plan (from `planModel`) as safetensors, streaming chunk by chunk: one file at `path`,
 * or with `shards` / `rank` a sharded checkpoint in the directory `path`.
 */
export async function writePlan(wi: WeightInit, plan: Plan, path: string, opts: WritePlanOptions = {}): Promise<WriteModelResult> {
  const { rules, shards, rank, onProgress, signal, chunkBytes, observe } = opts;
  const metadata = planMetadata(plan, rules);
  const sources = planSources(wi, plan, observe);
  const buffers = wasmBuffers(wi);
  const stream = {
    metadata,
    ...(onProgress !== undefined ? { onProgress } : {}),
    ...(signal !== undefined ? { signal } : {}),
    ...(chunkBytes !== undefined ? { chunkBytes } : {}),
    ...(buffers.buffer !== undefined ? { buffer: buffers.buffer } : {}),
  };
  try {
    const written =
      shards === undefined && rank === undefined
        ? await writeSafetensors(path, sources, stream)
        : await writeShardedSafetensors(path, sources, { ...stream, ...(shards !== undefined ? { shards } : {}), ...(rank !== undefined ? { rank } : {}) });
    return { plan, metadata, written };
  } finally {
    buffers.release();
  }
}

/**
 * Initializes a model by a recipe and writes it as safetensors, streaming chunk by chunk
 * (`planModel`, then `writePlan`). `__metadata__` records seed, recipe, weightinit version, the
 * user rules as JSON and format "pt", so the file says how to make it again.
 */
export async function writeModel(wi: WeightInit, spec: ModelSpec | unknown, path: string, opts: WriteModelOptions): Promise<WriteModelResult> {
  const { shards, rank, onProgress, signal, chunkBytes, observe, ...planOpts } = opts;
  const { seed, dtype, recipe, ...write } = opts;
  return writePlan(wi, planModel(wi, spec, planOpts), path, write);
}
