// The public surface every entry point shares: the types, the class, the helpers and
// loadSync. Each entry adds its own `load` (src/index.ts, src/wasm/entry-module.ts,
// src/wasm/entry-workerd.ts), which differ in where core.wasm comes from and whether a
// worker pool can start.
import { loadSyncFrom } from './wasm/loaders.js';
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
 * Synchronous load for runtimes that hand you a compiled module (Cloudflare workerd's
 * `import mod from './core.wasm'`) or bytes.
 */
export function loadSync(moduleOrBytes: WebAssembly.Module | ArrayBuffer | ArrayBufferView, opts?: LoadOptions): WeightInit {
  return loadSyncFrom(moduleOrBytes, opts);
}
