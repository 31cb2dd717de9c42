// weightinit: the public surface, nothing else.
import type { LoadOptions, WeightInit } from './instance.js';
import { inlineModule } from './wasm/inline.js';
import { loadFrom, loadSyncFrom, type LoadSourceOptions } from './wasm/loaders.js';

export { WeightInit, BLOCK } from './instance.js';
export type { CommonOptions, LoadOptions, NormalOptions, Seed, Shape, UniformOptions, Uint32Options } from './instance.js';
export { Tensor } from './tensor.js';
export type { TypedArray } from './tensor.js';
export type { WasmSource } from './wasm/load.js';
export type { LoadSourceOptions } from './wasm/loaders.js';

/**
 * Loads the wasm core and returns an instance with every initializer.
 * @example
 * const wi = await load({ seed: 1 });
 * const w = wi.normal([256, 128], { std: 0.02 });
 */
export function load(opts?: LoadSourceOptions): Promise<WeightInit> {
  return loadFrom(inlineModule, opts);
}

/**
 * Synchronous load for runtimes that hand you a compiled module (Cloudflare workerd's
 * `import mod from './core.wasm'`) or bytes.
 */
export function loadSync(moduleOrBytes: WebAssembly.Module | ArrayBuffer | ArrayBufferView, opts?: LoadOptions): WeightInit {
  return loadSyncFrom(moduleOrBytes, opts);
}

// Initializers (issue 3): importing these modules adds their methods to WeightInit.
import './initializers.js';
import './parameter.js';
export { computeFans } from './fans.js';
export type { Fans, FanOptions, Layout } from './fans.js';
export { calculateGain } from './gain.js';
export type { Nonlinearity } from './gain.js';
export type { DType } from './dtype.js';
export { TRUNC2_STD } from './initializers.js';
export type {
  InitOptions, VarianceScalingOptions, GlorotOptions, GlorotNormalOptions, HeOptions, HeNormalOptions, LecunNormalOptions,
  LecunUniformOptions, TruncatedNormalOptions, ConstantOptions, EyeOptions, DiracOptions, SparseOptions, FanMode, Distribution, Result,
} from './initializers.js';
export { Parameter } from './parameter.js';
export type { ParameterMethod, ParameterOptions } from './parameter.js';

// Orthogonal (issue 4): importing the module adds orthogonal / deltaOrthogonal to WeightInit.
import './orthogonal.js';
export type { OrthogonalOptions, DeltaOrthogonalOptions } from './orthogonal.js';
