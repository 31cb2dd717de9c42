// Instantiation: from a compiled WebAssembly.Module, wasm bytes, or a fetch Response.
// Plain WebAssembly API, no glue library: core.wasm imports nothing (it is built without
// assertions; env.abort is offered for safety), and every runtime we support has WebAssembly.instantiate.
// A Module from another realm (e.g. @edge-runtime/vm, whose WebAssembly is not the host's)
// fails `instanceof WebAssembly.Module`, so modules are recognised by their toString tag.
import { bindCore, type CoreExports } from '../engine/abi.js';
import { show } from '../init/show.js';

export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response | PromiseLike<Response>;

/** What core.wasm may import: only AssemblyScript's abort, in builds with assertions. */
function imports(): WebAssembly.Imports {
  return {
    env: {
      abort(_msg: number, _file: number, line: number, column: number): never {
        throw new Error(`weightinit: core.wasm aborted at line ${line}:${column}`);
      },
    },
  };
}

// Not a type guard: WebAssembly.Module is an empty interface, so narrowing on it would
// also exclude Response and ArrayBuffer in the false branch.
/** @internal */
export function isModule(v: unknown): boolean {
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

function check(instance: WebAssembly.Instance): CoreExports {
  return bindCore(instance.exports);
}

/** Bytes as a BufferSource WebAssembly accepts (a view of any ArrayBuffer, copied only if shared). */
function bufferSource(v: ArrayBuffer | ArrayBufferView): BufferSource {
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength) as Uint8Array<ArrayBuffer>;
  return v;
}

/** @internal */
export function instantiateCoreSync(source: unknown): CoreExports {
  if (isModule(source)) return check(new WebAssembly.Instance(source as WebAssembly.Module, imports()));
  if (isBytes(source)) {
    let module: WebAssembly.Module;
    try {
      module = new WebAssembly.Module(bufferSource(source));
    } catch (err) {
      if (/disallowed/i.test(String(err))) throw err; // the runtime forbids compiling bytes (workerd during a request)
      throw new TypeError(`weightinit.loadSync: the bytes are not a valid WebAssembly module (expected weightinit's core.wasm): ${String(err)}`);
    }
    return check(new WebAssembly.Instance(module, imports()));
  }
  throw bad('weightinit.loadSync', source);
}

/** @internal A compiled Module from any wasm source. */
export async function compileSource(fn: string, source: unknown): Promise<WebAssembly.Module> {
  const s = await source;
  if (isModule(s)) return s as WebAssembly.Module;
  const bytes = isResponse(s) ? await s.arrayBuffer() : isBytes(s) ? bufferSource(s) : undefined;
  if (bytes === undefined) throw bad(fn, s);
  try {
    return await WebAssembly.compile(bytes);
  } catch (err) {
    if (/disallowed/i.test(String(err))) throw err;
    throw new TypeError(`${fn}: the bytes are not a valid WebAssembly module (expected weightinit's core.shared.wasm): ${String(err)}`);
  }
}

/** @internal */
export async function instantiateCore(source: unknown): Promise<CoreExports> {
  const s = await source;
  if (isModule(s)) return check(await WebAssembly.instantiate(s as WebAssembly.Module, imports()));
  if (isResponse(s)) {
    if (!s.ok) throw new TypeError(`weightinit.load: fetching the wasm failed: HTTP ${s.status} ${s.statusText} (${s.url})`);
    // instantiate from the bytes: streaming compilation needs the application/wasm content type
    return check(await instantiateBytes(await s.arrayBuffer()));
  }
  if (isBytes(s)) return check(await instantiateBytes(bufferSource(s)));
  throw bad('weightinit.load', s);
}

async function instantiateBytes(bytes: BufferSource): Promise<WebAssembly.Instance> {
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes);
  } catch (err) {
    if (/disallowed/i.test(String(err))) throw err; // the runtime forbids compiling bytes (workerd during a request)
    throw new TypeError(`weightinit.load: the bytes are not a valid WebAssembly module (expected weightinit's core.wasm): ${String(err)}`);
  }
  return WebAssembly.instantiate(module, imports());
}

/** Decodes base64 without Buffer (not every runtime has it). */
/** @internal */
export function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
