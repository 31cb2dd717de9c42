// Writing an initialized model straight to safetensors: every tensor is a TensorSource whose
// write() draws the requested flat range (fillEntry), so no tensor is ever whole in memory.
// Node only (through the io layer).
import { readFileSync } from 'node:fs';
import type { TensorSource, WriteDType, WriteProgress } from '../io/common.js';
import { writeSafetensors, writeShardedSafetensors, type ShardedSummary, type WriteSummary } from '../io/safetensors.js';
import type { WeightInit } from '../weightinit.js';
import { fillEntry, planModel, type Plan, type PlanOptions } from './plan.js';
import type { ModelSpec, SpecDType } from './spec.js';

export interface WriteModelOptions extends PlanOptions {
  /** Write a sharded checkpoint into the directory `path` (model-0000i-of-0000k.safetensors + index). Without it, one file at `path`. */
  shards?: number;
  /** With `shards`: write only this rank's shards (shard j belongs to rank j mod size). */
  rank?: { index: number; size: number };
  onProgress?: (p: WriteProgress) => void | PromiseLike<void>;
  signal?: AbortSignal;
  /** Size of the writer's reusable buffer in bytes (default 8 MiB). */
  chunkBytes?: number;
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

/** The tensors of a plan as sources for the safetensors writers. */
export function planSources(wi: WeightInit, plan: Plan): TensorSource[] {
  return plan.entries.map((e) => ({
    name: e.name,
    shape: e.shape,
    dtype: TO_WRITE[e.dtype],
    write: (start: number, count: number, out: ArrayBufferView) => fillEntry(wi, e, start, count, out),
  }));
}

/**
 * Initializes a model by a recipe and writes it as safetensors, streaming chunk by chunk.
 * `__metadata__` records seed, recipe, weightinit version, the user rules as JSON and
 * format "pt", so the file says how to make it again.
 */
export async function writeModel(wi: WeightInit, spec: ModelSpec | unknown, path: string, opts: WriteModelOptions): Promise<WriteModelResult> {
  const { shards, rank, onProgress, signal, chunkBytes, ...planOpts } = opts;
  const plan = planModel(wi, spec, planOpts);
  const metadata: Record<string, string> = {
    format: 'pt',
    seed: plan.seed.toString(),
    recipe: plan.recipe,
    weightinit: packageVersion(),
    rules: JSON.stringify(opts.rules ?? [], (_k, v: unknown) => (typeof v === 'function' ? '[function]' : v)),
  };
  const sources = planSources(wi, plan);
  const stream = { metadata, ...(onProgress !== undefined ? { onProgress } : {}), ...(signal !== undefined ? { signal } : {}), ...(chunkBytes !== undefined ? { chunkBytes } : {}) };
  const written =
    shards === undefined && rank === undefined
      ? await writeSafetensors(path, sources, stream)
      : await writeShardedSafetensors(path, sources, { ...stream, ...(shards !== undefined ? { shards } : {}), ...(rank !== undefined ? { rank } : {}) });
  return { plan, metadata, written };
}
