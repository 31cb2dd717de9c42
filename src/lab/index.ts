// The lab: what an initialization does to a deep network. Plain functions over a LabBackend
// (memory, allocator, the lab kernels of core.wasm and two fillers); docs/lab.md.
export { propagate } from './propagate.js';
export type { Capture, PropagateResult } from './propagate.js';
export { trainProbe } from './train.js';
export type { TrainProbeResult, TrainRecord } from './train.js';
export type { LayerStats } from './net.js';
export { SATURATION } from './net.js';
export type { Moments, Histogram } from './stats.js';
export type { InitSpec, NetworkOptions, PropagateOptions, TeacherOptions, TrainProbeOptions } from './options.js';
export { ACTIVATIONS, ACTIVATION_CODES, INITIALIZERS } from './backend.js';
export type { Activation, InitializerName, LabBackend, LabExports } from './backend.js';
