// weightinit: the public surface, nothing else (the default entry: core.wasm inlined, worker
// pools where the runtime has them).
import { inlineModule, inlineSharedModule } from './wasm/inline.js';
import { loadFrom, type LoadSourceOptions } from './wasm/loaders.js';
import { THREADS } from './wasm/threads.js';
import type { WeightInit } from './weightinit.js';

export * from './surface.js';

/**
 * Loads the wasm core and returns an instance with every initializer.
 * @example
 * const wi = await load({ seed: 1 });
 * const w = wi.normal([256, 128], { std: 0.02 });
 */
export function load(opts?: LoadSourceOptions): Promise<WeightInit> {
  return loadFrom(inlineModule, opts, inlineSharedModule, THREADS);
}
