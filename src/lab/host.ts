// The lab's backend over a loaded instance: its engine's heap and kernels, and its public
// initializers (drawn into JS-owned arrays through `out`, so they never touch the lab's
// allocations).
import { engineOf } from '../engine/engine.js';
import type { LabBackend } from './backend.js';

type Filler = (shape: number[], opts: Record<string, unknown>) => unknown;

/** A LabBackend over a loaded WeightInit instance. */
export function labBackend(wi: object): LabBackend {
  const e = engineOf(wi);
  const methods = wi as unknown as Record<string, Filler>;
  return {
    memory: e.memory,
    alloc: (bytes) => e.heap.alloc(bytes, 'the lab network'),
    free: (ptr) => e.heap.free(ptr),
    exports: e.core,
    init: (name, shape, opts, out) => {
      methods[name]!(shape, { ...opts, out });
    },
    normal: (count, seed, out) => {
      methods.normal!([count], { seed, out });
    },
  };
}
