// The `workers` option of load(), read without the pool's code (every entry reads it; only
// entries that can run a pool import src/wasm/threads.ts).
import { show } from '../init/show.js';

/** The `workers` option: a count, or 'auto' (one per core beyond the calling thread's). */
export type Workers = number | 'auto';

export function readWorkers(fn: string, v: unknown): number {
  if (v === undefined) return 0;
  if (v === 'auto') return Math.max(0, hardwareThreads() - 1);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > 256) {
    throw new (typeof v === 'number' ? RangeError : TypeError)(`${fn}: workers must be 'auto' or an integer from 0 to 256, got ${show(v)}`);
  }
  return v;
}

function hardwareThreads(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (typeof nav?.hardwareConcurrency === 'number' && nav.hardwareConcurrency > 0) return nav.hardwareConcurrency;
  const os = (globalThis as { process?: { getBuiltinModule?: (m: string) => { availableParallelism?: () => number } | undefined } }).process;
  const n = os?.getBuiltinModule?.('node:os')?.availableParallelism?.();
  return typeof n === 'number' && n > 0 ? n : 1;
}

