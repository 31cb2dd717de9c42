// Starting an instance with a worker pool (load({ workers })): the shared-memory build of
// core.wasm on a shared WebAssembly.Memory, the same module in every worker. Where shared
// memory, blocking waits or workers are missing, the instance runs on the calling thread.
import { Engine } from '../engine/engine.js';
import { canBlock, Pool } from '../engine/pool.js';
import { bindCore } from '../engine/abi.js';

/** Whether this thread can run a pool: shared memory exists and it may block waiting for workers. */
export function poolPossible(): boolean {
  return typeof SharedArrayBuffer === 'function' && canBlock();
}

/** Instantiates the shared build over a fresh shared memory and starts `n` workers on it. */
export async function startShared(module: WebAssembly.Module, n: number, makeEngine: (core: ReturnType<typeof bindCore>) => Engine): Promise<Engine> {
  const memory = new WebAssembly.Memory({ initial: 32, maximum: 65536, shared: true });
  const instance = await WebAssembly.instantiate(module, {
    env: {
      memory,
      abort(_m: number, _f: number, line: number, col: number): never {
        throw new Error(`weightinit: core.wasm aborted at line ${line}:${col}`);
      },
    },
  });
  const engine = makeEngine(bindCore(instance.exports));
  const perWorker = engine.core.threadScratchBytes() + 65536 * 4;
  const scratch = Array.from({ length: n }, () => engine.heap.alloc(perWorker, "a worker's scratch"));
  let pool: Pool | undefined;
  try {
    pool = await Pool.start(n, module, memory, scratch);
  } catch {
    pool = undefined; // workers could not start: this instance runs on the calling thread
  }
  if (pool === undefined) for (const p of scratch) engine.heap.free(p);
  engine.pool = pool;
  return engine;
}

/** What an entry point hands to loadFrom so `load({ workers })` can start a pool (absent in workerd's entry: no pool code there). */
export const THREADS = { poolPossible, startShared };
export type ThreadSupport = typeof THREADS;
