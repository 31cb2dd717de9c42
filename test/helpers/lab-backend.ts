// A lab backend over a bare core.wasm instance, for the lab's tests: a bump allocator (reset
// when everything is freed) that counts live blocks, and initializers and normal inputs from the
// library's public API (drawn into JS arrays through `out`).
import { readFileSync } from 'node:fs';
import type { LabBackend, LabExports } from '../../src/lab/index.js';
import { load } from '../../src/index.js';

export interface TestBackend extends LabBackend {
  /** Blocks allocated and not freed. */
  live(): number;
  /** Blocks ever allocated. */
  allocs(): number;
}

export async function makeBackend(): Promise<TestBackend> {
  const bytes = readFileSync(new URL('../../build/core.wasm', import.meta.url));
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort() { throw new Error('abort'); } } });
  const ex = inst.exports as unknown as LabExports & { memory: WebAssembly.Memory; heapBase(): number };
  const base = (ex.heapBase() + 63) & ~63;
  let top = base;
  let count = 0;
  const live = new Set<number>();
  const wi = await load({ seed: 1 });
  const methods = wi as unknown as Record<string, (shape: number[], opts: Record<string, unknown>) => unknown>;
  return {
    memory: ex.memory,
    exports: ex,
    alloc(n) {
      const p = top;
      top = (top + n + 63) & ~63;
      const need = top - ex.memory.buffer.byteLength;
      if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
      live.add(p);
      count++;
      return p;
    },
    free(p) {
      if (!live.delete(p)) throw new Error(`free of ${p}: not allocated`);
      if (live.size === 0) top = base;
    },
    init(name, shape, opts, out) {
      methods[name]!.call(wi, shape, { ...opts, out });
    },
    normal(count, seed, out) {
      wi.normal([count], { seed, out });
    },
    live: () => live.size,
    allocs: () => count,
  };
}
