// weightinit: the public surface, nothing else.
import { inlineModule, inlineSharedModule } from './wasm/inline.js';
import { loadFrom, loadSyncFrom, type LoadSourceOptions } from './wasm/loaders.js';
import type { LoadOptions, WeightInit } from './weightinit.js';

export { WeightInit } from './weightinit.js';
export type { LoadOptions } from './weightinit.js';
export type { LoadSourceOptions } from './wasm/loaders.js';
export type { WasmSource } from './wasm/load.js';
export { Tensor } from './tensor.js';
export type { TypedArray } from './tensor.js';
export type { DType, DTypeArrays, ArrayOf } from './dtype.js';
export type { CommonOptions, InitOptions, Result, Seed, Shape } from './init/common.js';
export type { NormalOptions, UniformOptions, Uint32Options } from './init/basic.js';
export { TRUNC2_STD } from './init/variance.js';
export type {
  Distribution, FanMode, GlorotNormalOptions, GlorotOptions, HeNormalOptions, HeOptions, LecunNormalOptions,
  LecunUniformOptions, VarianceScalingOptions,
} from './init/variance.js';
export type { TruncatedNormalOptions } from './init/truncated.js';
export type { ConstantOptions, DiracOptions, EyeOptions, SparseOptions } from './init/structured.js';
export type { DeltaOrthogonalOptions, OrthogonalOptions } from './init/orthogonal.js';
export { computeFans } from './fans.js';
export type { FanOptions, Fans, Layout } from './fans.js';
export { calculateGain } from './gain.js';
export type { Nonlinearity } from './gain.js';
export { Parameter } from './tutorial.js';
export type {
  Activation as LabActivation, InitSpec, LayerStats, Histogram, Moments, NetworkOptions, PropagateOptions, PropagateResult,
  TeacherOptions, TrainProbeOptions, TrainProbeResult, TrainRecord,
} from './lab/index.js';
export type { ParameterMethod, ParameterOptions } from './tutorial.js';
export type {
  ChunkArray, ChunkSink, StreamChunk, StreamInitOptions, StreamMethod, StreamMethodOptions, StreamOptions, StreamProgress,
} from './stream.js';

/** Elements per generator block (docs/stream.md): values are a pure function of (key, parameters, index) block by block. */
export const BLOCK = 1024;

/**
 * Loads the wasm core and returns an instance with every initializer.
 * @example
 * const wi = await load({ seed: 1 });
 * const w = wi.normal([256, 128], { std: 0.02 });
 */
export function load(opts?: LoadSourceOptions): Promise<WeightInit> {
  return loadFrom(inlineModule, opts, inlineSharedModule);
}

/**
 * Synchronous load for runtimes that hand you a compiled module (Cloudflare workerd's
 * `import mod from './core.wasm'`) or bytes.
 */
export function loadSync(moduleOrBytes: WebAssembly.Module | ArrayBuffer | ArrayBufferView, opts?: LoadOptions): WeightInit {
  return loadSyncFrom(moduleOrBytes, opts);
}
