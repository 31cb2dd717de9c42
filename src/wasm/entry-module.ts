// `weightinit/module`: the surface of 'weightinit' without a built-in wasm. For runtimes and
// bundlers that hand you the compiled module (Vercel edge `import m from '...wasm?module'`,
// a host-compiled Module passed into a sandbox) or where you fetch `weightinit/core.wasm`
// yourself: `load({ module })` or `loadSync(module)`. With a bundler, the inlined base64
// of the default entry is tree-shaken away.
import type { WeightInit } from '../weightinit.js';
import { loadFrom, type LoadSourceOptions } from './loaders.js';
import { THREADS } from './threads.js';

export * from '../surface.js';

/**
 * Loads the wasm core from `opts.module` (required here): a WebAssembly.Module, the bytes of
 * `weightinit/core.wasm`, or a Response for it.
 * @example
 * const wi = await load({ module: await WebAssembly.compileStreaming(fetch(wasmUrl)), seed: 1 });
 */
export function load(opts?: LoadSourceOptions): Promise<WeightInit> {
  return loadFrom(undefined, opts, undefined, THREADS);
}
