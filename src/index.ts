// weightinit: the public surface, nothing else.
import { WeightInit, type LoadOptions } from './instance.js';
import { parseSeed, randomRoot } from './seed.js';
import { checkOptionNames } from './validate.js';
import { WASM_BASE64 } from './wasm/inline.generated.js';
import { base64Bytes, instantiateCore, instantiateCoreSync, type WasmSource } from './wasm/load.js';

export { WeightInit, BLOCK } from './instance.js';
export type { CommonOptions, LoadOptions, NormalOptions, Seed, Shape, UniformOptions, Uint32Options } from './instance.js';
export { Tensor } from './tensor.js';
export type { TypedArray } from './tensor.js';
export type { WasmSource } from './wasm/load.js';

export interface LoadSourceOptions extends LoadOptions {
  /** Where the wasm comes from: a compiled Module, bytes, or a Response. Default: the inlined module. */
  module?: WasmSource;
}

let cachedModule: WebAssembly.Module | undefined;

function rootOf(fn: string, o: Record<string, unknown>): bigint {
  return o.seed === undefined ? randomRoot() : parseSeed(fn, o.seed);
}

/**
 * Loads the wasm core and returns an instance with every initializer.
 * @example
 * const wi = await load({ seed: 1 });
 * const w = wi.normal([256, 128], { std: 0.02 });
 */
export async function load(opts?: LoadSourceOptions): Promise<WeightInit> {
  const o = checkOptionNames('weightinit.load', opts, ['seed', 'module']);
  const root = rootOf('weightinit.load', o);
  let source = o.module as WasmSource | undefined;
  if (source === undefined) {
    cachedModule ??= await WebAssembly.compile(base64Bytes(WASM_BASE64));
    source = cachedModule;
  }
  return new WeightInit(await instantiateCore(source), {}, root);
}

/**
 * Synchronous load for runtimes that hand you a compiled module (Cloudflare workerd's
 * `import mod from './core.wasm'`) or bytes.
 */
export function loadSync(moduleOrBytes: WebAssembly.Module | ArrayBuffer | ArrayBufferView, opts?: LoadOptions): WeightInit {
  const o = checkOptionNames('weightinit.loadSync', opts, ['seed']);
  const root = rootOf('weightinit.loadSync', o);
  return new WeightInit(instantiateCoreSync(moduleOrBytes), {}, root);
}
