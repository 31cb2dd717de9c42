// A pool of fill workers over one shared wasm memory. Each worker runs core.wasm (the shared
// build) on the same memory with its own scratch region and waits on a control block. A fill
// is cut into block-aligned pieces; a shared counter hands out the next piece, and every
// participant (each worker and the calling thread) takes pieces until none are left, so a
// worker whose core is busy with something else makes fewer. The caller then waits with
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

/**
 * A fill: elements [start, end) of key's stream, written (converted) at dst, `bytes` bytes per
 * output element. Or any work cut into units [start, end) the same way (a task kernel that
 * ignores dst and the key), with `size`: the units per piece, which the caller chose.
 */
export interface Fill {
  readonly dst: number;
  readonly start: number;
  readonly end: number;
  readonly bytes: number;
  readonly size?: number;
}

/** Who made the pieces of a run: all of them, the calling thread's share, those it redid for a worker taken for dead. */
export interface Split {
  readonly pieces: number;
  readonly caller: number;
  readonly redone: number;
}

/**
 * Elements per piece: a fill of n elements on t threads is cut into pieces of about n / (8t),
 * but no larger than PIECE and no smaller than PIECE_MIN (nor than needed to stay within
 * MAX_PIECES), rounded up to a block multiple. Small pieces let every thread take several even
 * in mid-sized fills; large ones keep the hand-out's cost per piece small (a kernel call, two
 * atomic operations and a mark per piece: with 64K-element pieces a 64M uniform fill on 2 threads
 * scaled 1.65–1.69× where 256K pieces give 1.85–1.90×; bench/results-threads-ab.md).
 */
export const PIECE = 1 << 18;
export const PIECE_MIN = 1 << 14;
/** Pieces per thread aimed at when a fill is small enough for pieces below PIECE. */
const PIECES_PER_THREAD = 8;
/** The most pieces a fill is cut into: larger fills get larger pieces. */
export const MAX_PIECES = 4096;
const BLOCK = 1024;

// the control block of a worker (src/engine/worker-source.ts has the full layout)
const STATE = 0;
const PROGRESS = 4;
/** Set when the caller gave up on a worker: it stops before its next piece of work. */
const CANCEL = 5;
/** The piece the worker is making (-1 none). */
const PIECE_AT = 6;
/** Tests only: ms the worker sits on each piece it takes (-1 forever). */
const HOLD = 7;
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
  /** The shared block: [0] the next piece to take, [1 + p] the generation of the last run that finished piece p. */
  readonly #shared: Int32Array;
  #generation = 0;
  #closed = false;
  /** The largest and smallest piece (elements; rounded up to blocks when used); tests and benches may change them. */
  piece = PIECE;
  pieceMin = PIECE_MIN;
  /** Who made the pieces of the last run that completed. */
  lastSplit: Split = { pieces: 0, caller: 0, redone: 0 };

  private constructor(workers: Handle[], shared: Int32Array) {
    this.#workers = workers;
    this.#shared = shared;
  }

  /** Starts `n` workers on `module` (the shared build) over `memory`, each with its scratch region. Undefined where workers cannot run. */
  static async start(n: number, module: WebAssembly.Module, memory: WebAssembly.Memory, scratch: readonly number[]): Promise<Pool | undefined> {
    if (n < 1 || !canBlock()) return undefined;
    const spawn = await spawner();
    if (spawn === undefined) return undefined;
    const handles: Handle[] = [];
    const shared = new SharedArrayBuffer(4 * (MAX_PIECES + 3));
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeout = new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Error('weightinit: fill workers did not start within 30 s')), 30_000);
      });
      await Promise.race([timeout, Promise.all(
        Array.from({ length: n }, (_, i) => {
          const sab = new SharedArrayBuffer(CONTROL_BYTES);
          Atomics.store(new Int32Array(sab), PIECE_AT, -1); // no piece yet
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
            w.post({ module, memory, control: sab, shared, scratch: scratch[i] });
          });
        }),
      )]);
    } catch (err) {
      for (const h of handles) h.terminate();
      throw err;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
    return new Pool(handles, new Int32Array(shared));
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

  /** For tests: the piece worker i is making (-1 none). */
  pieceOfForTest(i: number): number {
    const h = this.#workers[i];
    return h === undefined ? -1 : Atomics.load(h.control, PIECE_AT);
  }

  /** For tests: worker i sits `ms` on every piece it takes before making it (-1: forever, a stuck worker; 0: normal). */
  holdForTest(i: number, ms: number): void {
    const h = this.#workers[i];
    if (h !== undefined) Atomics.store(h.control, HOLD, ms);
  }

  /**
   * Makes `fill` on the live workers and the calling thread: the fill is cut into pieces (a
   * block multiple in size, cut at multiples of it in the global index, so every cut is a block
   * boundary; PIECE says how large; a task with `size` is cut into pieces of that many units
   * instead), and each participant takes the next piece from a shared
   * counter until none are left; `local(dst, start, count)` makes one on this thread. Then the
   * caller waits for the workers to finish their current piece. A worker that makes no progress
   * for `stallMs` is taken for dead: it leaves the pool, and every piece not marked finished in
   * this run (the one it held, whenever it died) is made here, with the same values. An error on
   * this thread stops the hand-out; a worker's error stops that worker. Either is rethrown here
   * (a worker's with its type and message) once every worker finished its current piece.
   */
  run(
    kernel: RemoteKernel, convertId: number, key: { lo: number; hi: number }, fill: Fill,
    local: (dst: number, start: number, count: number) => void, stallMs = 2000,
  ): void {
    if (this.#closed) throw new Error('weightinit: the worker pool is closed');
    const { dst, start, end, bytes } = fill;
    const n = end - start;
    if (!(n > 0)) return;
    const live = this.#live();
    // a block multiple (or the task's own size), and never more than MAX_PIECES pieces (the start rounded down adds at most one)
    const aim = Math.min(this.piece, Math.max(this.pieceMin, n / (PIECES_PER_THREAD * (live.length + 1))));
    const size = fill.size !== undefined
      ? Math.max(fill.size, Math.ceil(n / (MAX_PIECES - 1)))
      : Math.max(Math.ceil(Math.max(aim, BLOCK) / BLOCK), Math.ceil(n / (MAX_PIECES - 1) / BLOCK)) * BLOCK;
    const base = Math.floor(start / size) * size;
    const pieces = Math.ceil((end - base) / size);
    const make = (p: number): void => {
      const a = Math.max(start, base + p * size);
      local(dst + (a - start) * bytes, a, Math.min(end, base + (p + 1) * size) - a);
    };
    // the generation tells this run's finished pieces from earlier runs' (and from a worker taken
    // for dead that still marks one: it can only write an older generation)
    const gen = (this.#generation = this.#generation >= 0x3fffffff ? 1 : this.#generation + 1);
    const S = this.#shared;
    Atomics.store(S, 0, 0);
    for (const h of live) {
      h.control[1] = kernel.id;
      h.control[2] = convertId;
      h.control[8] = gen;
      h.control[9] = pieces;
      h.control[10] = size;
      const f = h.numbers;
      f[0] = dst;
      f[1] = start;
      f[2] = end;
      f[3] = key.lo;
      f[4] = key.hi;
      for (let j = 0; j < 11; j++) f[5 + j] = j < kernel.params.length ? kernel.params[j]! : 0;
      // the task's words above are published by this store (the worker reads them after loading state 1)
      Atomics.store(h.control, STATE, 1);
      Atomics.notify(h.control, STATE);
    }
    let hereError: unknown;
    let caller = 0;
    try {
      for (let p = Atomics.add(S, 0, 1); p < pieces; p = Atomics.add(S, 0, 1)) {
        make(p);
        Atomics.store(S, 1 + p, gen);
        caller++;
      }
    } catch (err) {
      hereError = err;
      Atomics.store(S, 0, pieces); // hand out no more pieces
    }
    let workerError: string | undefined;
    for (const h of live) {
      let seen = Atomics.load(h.control, PROGRESS);
      while (Atomics.load(h.control, STATE) === 1) {
        if (Atomics.wait(h.control, STATE, 1, stallMs) === 'timed-out' && Atomics.load(h.control, STATE) === 1) {
          const now = Atomics.load(h.control, PROGRESS);
          if (now === seen) {
            // no progress for stallMs: the worker is gone (or wedged); its piece is made below
            h.alive = false;
            // tell it to stop before its next piece should it only be stalled
            Atomics.store(h.control, CANCEL, 1);
            h.terminate();
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
    // every worker has finished or was taken for dead: a piece without this run's mark (a dead
    // worker's, taken but never finished) is made here; the marks were stored after the values
    let redone = 0;
    for (let p = 0; p < pieces; p++) {
      if (Atomics.load(S, 1 + p) !== gen) {
        make(p);
        Atomics.store(S, 1 + p, gen);
        redone++;
      }
    }
    this.lastSplit = { pieces, caller, redone };
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
