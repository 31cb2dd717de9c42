// The default entry's wasm: core.wasm (and its shared-memory build, for load({ workers }))
// inlined as base64 (scripts/embed-wasm.mjs), so Node, browsers, bundlers, Deno (no
// --allow-read) and Bun load it without file access or fetch.
import { WASM_BASE64, WASM_SHARED_BASE64 } from './inline.generated.js';
import { base64Bytes } from './load.js';

/** A function that compiles `base64` once per realm, on first use; a failed compile is retried next time. */
function compileOnce(base64: string): () => Promise<WebAssembly.Module> {
  let compiled: Promise<WebAssembly.Module> | undefined;
  return () => {
    if (compiled === undefined) {
      const p = WebAssembly.compile(base64Bytes(base64));
      compiled = p;
      p.catch(() => {
        if (compiled === p) compiled = undefined;
      });
    }
    return compiled;
  };
}

export const inlineModule: () => Promise<WebAssembly.Module> = compileOnce(WASM_BASE64);
export const inlineSharedModule: () => Promise<WebAssembly.Module> = compileOnce(WASM_SHARED_BASE64);
