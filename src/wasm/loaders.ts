// load/loadSync, shared by every entry point. Entries differ only in where the wasm comes
// from when the caller passes none: the inlined base64 (default), the `.wasm` file imported
// as a compiled Module (workerd), or nowhere (`weightinit/module`: the caller supplies it).
import { parseSeed, randomRoot } from '../engine/keys.js';
import { readLayout } from '../fans.js';
import { readOptions, type Opts } from '../init/options.js';
import { WeightInit, type LoadOptions } from '../weightinit.js';
import { compileSource, instantiateCore, instantiateCoreSync, type WasmSource } from './load.js';
import type { ThreadSupport } from './threads.js';
import { readWorkers } from './workers-option.js';
import './globals.js';

export interface LoadSourceOptions extends LoadOptions {
  /** Where the wasm comes from: a compiled Module, bytes, or a Response. Default: the entry's own module. */
  module?: WasmSource;
  /** The shared-memory build (`weightinit/core.shared.wasm`) for `workers`: a compiled Module, bytes or a Response. Default: the entry's own. */
  sharedModule?: WasmSource;
}

/** An entry point's built-in wasm, or undefined where the caller must supply it. */
export type DefaultModule = (() => WebAssembly.Module | Promise<WebAssembly.Module>) | undefined;

function instanceOptions(fn: string, o: Opts): { root: bigint; layout: ReturnType<typeof readLayout> } {
  return { root: o.seed === undefined ? randomRoot() : parseSeed(fn, o.seed), layout: readLayout(fn, o.layout) };
}

/** @internal */
export async function loadFrom(builtIn: DefaultModule, opts?: LoadSourceOptions, builtInShared?: DefaultModule, threads?: ThreadSupport): Promise<WeightInit> {
  const fn = 'weightinit.load';
  const o = readOptions(fn, opts, ['seed', 'layout', 'module', 'workers', 'sharedModule']);
  const { root, layout } = instanceOptions(fn, o);
  const workers = readWorkers(fn, o.workers);
  if (workers > 0 && threads !== undefined && threads.poolPossible()) {
    let shared = o.sharedModule as WasmSource | undefined;
    if (shared === undefined && builtInShared !== undefined) shared = await builtInShared();
    if (shared !== undefined) {
      const module = await compileSource(fn, shared);
      return WeightInit.fromEngine(await threads.startShared(module, workers, (core) => WeightInit.engine(core, root, layout)));
    }
  }
  let source = o.module as WasmSource | undefined;
  if (source === undefined) {
    if (builtIn === undefined) {
      throw new TypeError(
        `${fn}: this entry point ('weightinit/module') has no built-in wasm; pass { module }: a WebAssembly.Module, ` +
          "the bytes of 'weightinit/core.wasm', or a Response for it. Or import from 'weightinit', which inlines it.",
      );
    }
    source = await builtIn();
  }
  return WeightInit.fromEngine(WeightInit.engine(await instantiateCore(source), root, layout));
}

/** @internal */
export function loadSyncFrom(moduleOrBytes: WebAssembly.Module | ArrayBuffer | ArrayBufferView, opts?: LoadOptions): WeightInit {
  const fn = 'weightinit.loadSync';
  const o = readOptions(fn, opts, ['seed', 'layout']);
  const { root, layout } = instanceOptions(fn, o);
  return WeightInit.fromEngine(WeightInit.engine(instantiateCoreSync(moduleOrBytes), root, layout));
}
