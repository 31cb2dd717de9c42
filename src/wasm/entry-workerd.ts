// Entry for Cloudflare workerd (the `workerd` export condition, which wrangler and esbuild
// with `conditions: ['workerd']` pick). workerd refuses to compile wasm from bytes during a
// request, so core.wasm is imported as a module: the runtime compiles it at startup and the
// first request only instantiates it. Same surface as 'weightinit'.
import core from '../core.wasm';
import type { WeightInit } from '../weightinit.js';
import { loadFrom, type LoadSourceOptions } from './loaders.js';

export * from '../surface.js';

/**
 * Loads the wasm core (here: the `core.wasm` module workerd compiled at startup).
 * @example
 * const wi = await load({ seed: 1 });
 */
export function load(opts?: LoadSourceOptions): Promise<WeightInit> {
  return loadFrom(() => core, opts);
}
