// The one wasm module: every kernel is re-exported from here.
export * from './rng';
export * from './truncnormal';
export * from './convert';
export * from './orthogonal';
export * from './sparse';
