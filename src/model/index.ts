// `weightinit/model` in Node: everything of ./core.js, and writeModel (safetensors files,
// streamed, sharded; docs/model.md).
export * from './core.js';
export { writeModel, writePlan, planSources, planMetadata } from './write.js';
export type { WriteModelOptions, WritePlanOptions, WriteModelResult } from './write.js';
