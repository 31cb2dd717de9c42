// Instantiation: from a compiled WebAssembly.Module, wasm bytes, or a fetch Response.
// @assemblyscript/loader does the instantiation; one case it cannot serve is a Module
// from another realm (e.g. @edge-runtime/vm), where its `instanceof WebAssembly.Module`
// check fails, so modules are recognised by their toString tag and instantiated directly.
import { instantiate, instantiateSync } from '@assemblyscript/loader';
import type { CoreExports } from '../instance.js';
import { show } from '../validate.js';

export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response | PromiseLike<Response>;

export function isModule(v: unknown): v is WebAssembly.Module {
  return v instanceof WebAssembly.Module || Object.prototype.toString.call(v) === '[object WebAssembly.Module]';
}

function isResponse(v: unknown): v is Response {
  return typeof Response !== 'undefined' && (v instanceof Response || Object.prototype.toString.call(v) === '[object Response]');
}

function isBytes(v: unknown): v is ArrayBuffer | ArrayBufferView {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v) || Object.prototype.toString.call(v) === '[object ArrayBuffer]';
}

function bad(fn: string, v: unknown): TypeError {
  return new TypeError(`${fn}: the wasm source must be a WebAssembly.Module, an ArrayBuffer or typed array of wasm bytes, or a Response, got ${show(v)}`);
}

function check(exports: Record<string, unknown>): CoreExports {
  if (typeof exports.fillNormal !== 'function' || typeof exports.heapBase !== 'function') {
    throw new TypeError('weightinit: the wasm module is not weightinit core.wasm (fillNormal/heapBase exports missing)');
  }
  return exports as unknown as CoreExports;
}

export function instantiateCoreSync(source: unknown): CoreExports {
  if (isModule(source) && !(source instanceof WebAssembly.Module)) {
    return check(new WebAssembly.Instance(source, {}).exports as Record<string, unknown>);
  }
  if (!isModule(source) && !isBytes(source)) throw bad('weightinit.loadSync', source);
  return check(instantiateSync(source as WebAssembly.Module | BufferSource, {}).exports as Record<string, unknown>);
}

export async function instantiateCore(source: unknown): Promise<CoreExports> {
  const s = await source;
  if (isModule(s) && !(s instanceof WebAssembly.Module)) {
    const inst: WebAssembly.Instance = await WebAssembly.instantiate(s as WebAssembly.Module, {});
    return check(inst.exports as Record<string, unknown>);
  }
  if (isResponse(s)) {
    // instantiate from the bytes: streaming needs the application/wasm content type
    return check((await instantiate(new Uint8Array(await s.arrayBuffer()), {})).exports as Record<string, unknown>);
  }
  if (!isModule(s) && !isBytes(s)) throw bad('weightinit.load', s);
  return check((await instantiate(s as WebAssembly.Module | BufferSource, {})).exports as Record<string, unknown>);
}

/** Decodes base64 without Buffer (not every runtime has it). */
export function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
