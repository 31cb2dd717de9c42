// A pool of fill workers over one shared wasm memory. Each worker runs core.wasm (the shared
// build) on the same memory with its own scratch region and waits on a control block; the
// calling thread hands out block-aligned parts of a fill, does its own part, then waits with
// Atomics.wait (so the API stays synchronous). Values do not depend on how a fill is split:
// every 1024-element block is a pure function of (key, block) (docs/stream.md).
//
// Where it runs: Node and Deno (node:worker_threads, which can be unreferenced), Bun (Web Workers
// from a Blob URL, which Bun can unreference too), and inside Web Workers of a cross-origin-isolated page. A browser page's main thread may not block
// (Atomics.wait throws there), and workerd has no workers: there the pool is not created and
// fills run on the calling thread.
import { WORKER_SOURCE } from './worker-source.js';

/** A remote-capable kernel: its index in the worker's table and its parameters. */
export interface RemoteKernel {
  readonly id: number;
  readonly params: readonly number[];
}

/** One part of a fill: float32 elements [start, start + count) of key, written (converted) at dst. */
export interface Part {
  readonly dst: number;
  readonly start: number;
  readonly count: number;
}

const STATE = 0;
/** Set when the caller gave up on a worker: it stops before its next piece of work. */
const CANCEL = 5;
const CONTROL_BYTES = 1280;

interface Handle {
  alive: boolean;
  readonly control: Int32Array;
  readonly numbers: Float64Array;
  readonly text: Uint8Array;
  terminate(): void;
}

/** Whether this thread may block in Atomics.wait (false on a browser page's main thread). */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

type Spawn = (onMessage: (m: unknown) => void, onError: (e: unknown) => void) => { post(m: unknown): void; terminate(): void; unref(): void };

/** How this runtime starts a worker from WORKER_SOURCE, or undefined if it cannot. */
async function spawner(): Promise<Spawn | undefined> {
  const g = globalThis as {
    process?: { versions?: { node?: string; bun?: string }; getBuiltinModule?: (id: string) => unknown };
    Worker?: unknown;
    Blob?: unknown;
    URL?: { createObjectURL?: unknown };
  };
  // Node and Deno: worker_threads. Deno's Web Workers cannot be unreferenced, its worker_threads can.
  // Bun keeps its Web Workers (unref() exists there too).
  const isNodeLike = g.process?.versions?.bun === undefined && typeof g.process?.getBuiltinModule === 'function';
  if (isNodeLike) {
    // process.getBuiltinModule (Node >= 20.16): no import statement, so bundlers for other platforms see nothing to resolve
    const wt = g.process?.getBuiltinModule?.('node:worker_threads') as
      | { Worker: new (code: string, o: { eval: true; execArgv: string[] }) => { on(ev: string, f: (x: unknown) => void): void; postMessage(m: unknown): void; terminate(): Promise<number>; unref(): void } }
      | undefined;
    if (wt === undefined) return undefined;
    return (onMessage, onError) => {
      // no inherited flags: --input-type=module would make the eval'd source a module
      const w = new wt.Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
      w.on('message', onMessage);
      w.on('error', onError);
      return { post: (m) => w.postMessage(m), terminate: () => void w.terminate(), unref: () => w.unref() };
    };
  }
  if (typeof g.Worker !== 'function' || typeof g.Blob !== 'function' || typeof g.URL?.createObjectURL !== 'function') return undefined;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  return (onMessage, onError) => {
    // a module worker: the kind every runtime supports, and the source is valid as a module
    const w = new Worker(url, { type: 'module' }) as Worker & { unref?: () => void };
    w.onmessage = (ev) => onMessage(ev.data);
    w.onerror = (ev) => onError(ev);
    return { post: (m) => w.postMessage(m), terminate: () => w.terminate(), unref: () => w.unref?.() };
  };
}

export class Pool {
  readonly #workers: Handle[];
  #closed = false;

  private constructor(workers: Handle[]) {
    this.#workers = workers;
  }

  /** Starts `n` workers on `module` (the shared build) over `memory`, each with its scratch region. Undefined where workers cannot run. */
  static async start(n: number, module: WebAssembly.Module, memory: WebAssembly.Memory, scratch: readonly number[]): Promise<Pool | undefined> {
    if (n < 1 || !canBlock()) return undefined;
    const spawn = await spawner();
    if (spawn === undefined) return undefined;
    const handles: Handle[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Error('weightinit: fill workers did not start within 30 s')), 30_000);
      });
      await Promise.race([timeout, Promise.all(
        Array.from({ length: n }, (_, i) => {
          const sab = new SharedArrayBuffer(CONTROL_BYTES);
          return new Promise<void>((ready, fail) => {
            const w = spawn(
              (m) => {
                if (m !== 'ready') return fail(new Error(`weightinit: a fill worker failed to start: ${String(m)}`));
                w.unref(); // started: from now on an open pool never keeps the process alive (Node, Deno, Bun)
                ready();
              },
              (e) => fail(e instanceof Error ? e : new Error(`weightinit: a fill worker failed: ${String((e as { message?: unknown }).message ?? e)}`)),
            );
            handles.push({ alive: true, control: new Int32Array(sab), numbers: new Float64Array(sab, 64, 16), text: new Uint8Array(sab, 256), terminate: () => w.terminate() });
            w.post({ module, memory, control: sab, scratch: scratch[i] });
          });
        }),
      )]);
    } catch (err) {
      for (const h of handles) h.terminate();
      throw err;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    return new Pool(handles);
  }

  /** Live worker threads (the calling thread not counted). */
  get size(): number {
    return this.#closed ? 0 : this.#live().length;
  }

  #live(): Handle[] {
    return this.#workers.filter((h) => h.alive);
  }

  /** For tests: ends worker i as a crash would, without telling the pool. */
  killForTest(i: number): void {
    this.#workers[i]?.terminate();
  }

  /**
   * Runs parts[i] on live worker i while `here()` runs on the calling thread, then waits for
   * all. A worker that makes no progress for `stallMs` is taken for dead: it leaves the pool
   * and the calling thread makes its part (the same values). A worker's error is rethrown
   * here with the same message, after every part finished.
   */
  run(
    kernel: RemoteKernel, convertId: number, key: { lo: number; hi: number }, parts: readonly Part[], here: () => void,
    redo: (p: Part) => void, stallMs = 2000,
  ): void {
    if (this.#closed) throw new Error('weightinit: the worker pool is closed');
    const live = this.#live();
    parts.forEach((p, i) => {
      const h = live[i]!;
      h.control[1] = kernel.id;
      h.control[2] = convertId;
      const f = h.numbers;
      f[0] = p.dst;
      f[1] = p.start;
      f[2] = p.count;
      f[3] = key.lo;
      f[4] = key.hi;
      for (let j = 0; j < 11; j++) f[5 + j] = j < kernel.params.length ? kernel.params[j]! : 0;
      Atomics.store(h.control, STATE, 1);
      Atomics.notify(h.control, STATE);
    });
    let hereError: unknown;
    try {
      here();
    } catch (err) {
      hereError = err;
    }
    let workerError: string | undefined;
    for (let i = 0; i < parts.length; i++) {
      const h = live[i]!;
      let seen = Atomics.load(h.control, 4);
      while (Atomics.load(h.control, STATE) === 1) {
        if (Atomics.wait(h.control, STATE, 1, stallMs) === 'timed-out' && Atomics.load(h.control, STATE) === 1) {
          const now = Atomics.load(h.control, 4);
          if (now === seen) {
            // no progress for stallMs: the worker is gone (or wedged); make its part here
            h.alive = false;
            // tell it to stop between pieces should it only be stalled (it checks this flag before each one)
            Atomics.store(h.control, CANCEL, 1);
            h.terminate();
            redo(parts[i]!);
            break;
          }
          seen = now;
        }
      }
      if (!h.alive) continue;
      if (Atomics.load(h.control, STATE) === 3) workerError ??= new TextDecoder().decode(h.text.slice(0, h.control[3]));
      Atomics.store(h.control, STATE, 0);
    }
    if (hereError !== undefined) throw hereError;
    if (workerError !== undefined) {
      // the worker's error, with its type where it is a standard one
      const cut = workerError.indexOf('\u0000');
      const name = cut < 0 ? 'Error' : workerError.slice(0, cut);
      const message = cut < 0 ? workerError : workerError.slice(cut + 1);
      const E = name === 'TypeError' ? TypeError : name === 'RangeError' ? RangeError : name === 'RuntimeError' ? WebAssembly.RuntimeError : Error;
      throw new E(message);
    }
  }

  /** Ends the workers. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const h of this.#workers) {
      Atomics.store(h.control, STATE, 4);
      Atomics.notify(h.control, STATE);
      h.terminate();
    }
  }
}
