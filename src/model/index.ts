// `weightinit/model` in Node: everything of ./core.js, and writeModel (safetensors files,
// streamed, sharded; docs/model.md).
export * from './core.js';
export { writeModel, planSources } from './write.js';
export type { WriteModelOptions, WriteModelResult } from './write.js';
