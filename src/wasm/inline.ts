// The default entry's wasm: core.wasm inlined as base64 (scripts/embed-wasm.mjs), so Node,
// browsers, bundlers, Deno (no --allow-read) and Bun load it without file access or fetch.
import { WASM_BASE64, WASM_SHARED_BASE64 } from './inline.generated.js';
import { base64Bytes } from './load.js';

let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles the inlined module once per realm; a failed compile is retried next time. */
export function inlineModule(): Promise<WebAssembly.Module> {
  if (compiled === undefined) {
    const p = WebAssembly.compile(base64Bytes(WASM_BASE64));
    compiled = p;
    p.catch(() => {
      if (compiled === p) compiled = undefined;
    });
  }
  return compiled;
}

let compiledShared: Promise<WebAssembly.Module> | undefined;

/** The shared-memory build (for load({ workers })), compiled on first use. */
export function inlineSharedModule(): Promise<WebAssembly.Module> {
  if (compiledShared === undefined) {
    const p = WebAssembly.compile(base64Bytes(WASM_SHARED_BASE64));
    compiledShared = p;
    p.catch(() => {
      if (compiledShared === p) compiledShared = undefined;
    });
  }
  return compiledShared;
}
