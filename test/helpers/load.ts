// Loads the library from source for tests (the build step generated the inlined wasm).
import { load } from '../../src/index.js';
import type { WeightInit } from '../../src/weightinit.js';

let shared: Promise<WeightInit> | undefined;

/** One shared instance with a fixed root seed; tests that count memory load their own. */
export function wi(): Promise<WeightInit> {
  shared ??= load({ seed: 20261123 });
  return shared;
}

export { load };
