// The worker pool: load({ workers }) splits large fills by blocks across worker threads over
// a shared memory. Thread count, part boundaries and output path never change a bit, since
// every 1024-element block is a pure function of (key, block) (docs/stream.md).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineOf, PARALLEL_MIN } from '../src/engine/engine.js';
import { MAX_PIECES } from '../src/engine/pool.js';
import { load, type WeightInit } from '../src/index.js';

type Arr = Float32Array | Float64Array | Uint16Array | Uint32Array;
const bytes = (v: unknown): Uint8Array => {
  const a = (v as { toArray?: () => Arr }).toArray?.() ?? (v as Arr);
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
};
function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// sizes above the parallel threshold that are not multiples of the block
const N = 3 * (PARALLEL_MIN + 259); // divisible by 3 (for the [N/3, 3] matrices), not by 1024
const cases: [string, (w: WeightInit, o: Record<string, unknown>) => unknown][] = [
  ['uniform', (w, o) => w.uniform([N], { low: -1, high: 2, ...o })],
  ['normal', (w, o) => w.normal([N], { std: 0.5, ...o })],
  ['uint32', (w, o) => w.uint32(N, o)],
  ['truncatedNormal ±2', (w, o) => w.truncatedNormal([N], o)],
  ['truncatedNormal far tail [3, 4]', (w, o) => w.truncatedNormal([N], { a: 3, b: 4, ...o })],
  ['heNormal truncated', (w, o) => w.heNormal([N / 3, 3], { distribution: 'truncatedNormal', ...o })],
  ['glorotUniform float16', (w, o) => w.glorotUniform([N / 3, 3], { dtype: 'float16', ...o })],
  ['lecunNormal bfloat16', (w, o) => w.lecunNormal([N / 3, 3], { dtype: 'bfloat16', ...o })],
  ['normal float64', (w, o) => w.normal([N], { dtype: 'float64', ...o })],
  ['uniform bfloat16 (bounds kept after rounding)', (w, o) => w.uniform([N], { low: 0, high: 1, dtype: 'bfloat16', ...o })],
  ['sparse (the mask stays on the calling thread)', (w, o) => w.sparse([N / 3, 3], { sparsity: 0.3, ...o })],
];

describe('worker pool', () => {
  let one: WeightInit;
  const pools: WeightInit[] = [];
  beforeAll(async () => {
    one = await load({ seed: 3 });
    for (const workers of [1, 2, 3]) pools.push(await load({ seed: 3, workers }));
  }, 60_000);
  afterAll(() => pools.forEach((w) => w.close()));

  it('an out in the instance\'s own memory is filled in place even after the memory grew (a view over an older buffer object)', async () => {
    const w = await load({ seed: 3, workers: 1 });
    const e = engineOf(w);
    const n = PARALLEL_MIN * 2 + 77;
    const t = w.zeros([n]);
    const view = t.data as Float32Array; // made now: over the memory's buffer object of this moment
    const big = w.zeros([(e.memory.buffer.byteLength >> 2) + 1]); // grows the memory
    expect(e.heap.ownsBuffer(view.buffer)).toBe(true);
    expect(e.heap.ownsBuffer(new SharedArrayBuffer(8))).toBe(false);
    expect(e.heap.ownsBuffer(new ArrayBuffer(8))).toBe(false);
    const what: string[] = [];
    const alloc = e.heap.alloc.bind(e.heap);
    e.heap.alloc = (bytes: number, label?: string) => (what.push(label ?? ''), alloc(bytes, label));
    try {
      w.normal([n], { seed: 5, out: view });
    } finally {
      e.heap.alloc = alloc;
    }
    // drawn straight into the view's region: no temporary region and no copy
    expect(what).toEqual([]);
    expect(same(bytes(t), bytes(one.normal([n], { seed: 5 })))).toBe(true);
    big.free();
    t.free();
    w.close();
  });

  it('starts the requested workers: threads = 1 + workers', () => {
    expect(one.threads).toBe(1);
    expect(pools.map((w) => w.threads)).toEqual([2, 3, 4]);
  });

  for (const [name, f] of cases) {
    it(`${name}: 1, 2, 3 workers give the bits of one thread (in memory, out, range)`, () => {
      const want = bytes(f(one, { seed: 9 }));
      const sub = bytes(f(one, { seed: 9, range: [1000, N - 5] }));
      for (const w of pools) {
        expect(same(bytes(f(w, { seed: 9 })), want), `${w.threads} threads`).toBe(true);
        expect(same(bytes(f(w, { seed: 9, range: [1000, N - 5] })), sub), `${w.threads} threads, range`).toBe(true);
        const probe = f(w, { seed: 9 }) as { toArray(): Arr };
        const out = new (probe.toArray().constructor as new (n: number) => Arr)(N);
        f(w, { seed: 9, out });
        expect(same(bytes(out), want), `${w.threads} threads, out`).toBe(true);
        // out inside the instance's own shared memory (the model writer's buffers): filled in place
        const e = engineOf(w);
        const at = e.heap.alloc(out.byteLength);
        const own = new (out.constructor as new (b: ArrayBufferLike, o: number, n: number) => Arr)(e.memory.buffer, at, N);
        f(w, { seed: 9, out: own });
        expect(same(bytes(own), want), `${w.threads} threads, out in its own memory`).toBe(true);
        e.heap.free(at);
      }
    });
  }

  it('unseeded calls take keys in the same order with and without workers', async () => {
    const a = await load({ seed: 44 });
    const b = await load({ seed: 44, workers: 2 });
    for (let i = 0; i < 3; i++) expect(same(bytes(a.normal([N])), bytes(b.normal([N])))).toBe(true);
    b.close();
  });

  it('a worker that dies is left out; its part is made on the calling thread, same bits', async () => {
    const w = await load({ seed: 3, workers: 2 });
    const pool = engineOf(w).pool!;
    pool.killForTest(0);
    // the dead worker makes no progress: after the stall time its part is redone here
    const got = bytes(w.normal([N], { std: 0.5, seed: 9 }));
    expect(same(got, bytes(one.normal([N], { std: 0.5, seed: 9 })))).toBe(true);
    expect(w.threads).toBe(2);
    w.close();
  }, 30_000);

  it('an error inside a worker reaches the caller with its type and message; the pool keeps working', async () => {
    const w = await load({ seed: 3, workers: 1 });
    const e = engineOf(w);
    let caught: unknown;
    try {
      e.pool!.run({ id: 99, params: [] }, 0, { lo: 0, hi: 0 }, { dst: 0, start: 0, end: 1024, bytes: 4 }, () => undefined);
    } catch (err) {
      caught = err;
    }
    // the worker's kernel table has no entry 99: calling undefined is a TypeError there
    expect(caught).toBeInstanceOf(TypeError);
    expect((caught as Error).message).toMatch(/not a function/);
    expect(same(bytes(w.normal([N], { std: 0.5, seed: 9 })), bytes(one.normal([N], { std: 0.5, seed: 9 })))).toBe(true);
    w.close();
  });

  it('close() is idempotent; afterwards fills run on the calling thread', async () => {
    const w = await load({ seed: 3, workers: 1 });
    w.close();
    w.close();
    expect(w.threads).toBe(1);
    expect(same(bytes(w.normal([N], { std: 0.5, seed: 9 })), bytes(one.normal([N], { std: 0.5, seed: 9 })))).toBe(true);
  });

  it("workers: 'auto' starts one worker per core beyond the calling thread; bad values are errors", async () => {
    const { availableParallelism } = await import('node:os');
    const w = await load({ seed: 1, workers: 'auto' });
    expect(w.threads).toBe(Math.max(1, availableParallelism()));
    w.close();
    await expect(load({ workers: -1 })).rejects.toThrow(/workers must be 'auto' or an integer from 0 to 256, got -1/);
    await expect(load({ workers: 'many' as never })).rejects.toThrow(TypeError);
  });

  it('a process with an open pool exits by itself', () => {
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
      const { load } = await import(${JSON.stringify(dist)});
      const wi = await load({ seed: 1, workers: 2 });
      console.log(wi.threads, wi.normal([${N}]).size);
    `], { encoding: 'utf8', timeout: 30_000 });
    expect(r.signal).toBe(null);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`3 ${N}`);
  });
});

describe('worker pool in Deno and Bun', () => {
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  const script = (close: boolean): string => `
    import { load } from ${JSON.stringify(dist)};
    const a = await load({ seed: 1 });
    const b = await load({ seed: 1, workers: 1 });
    const equal = (x, y) => {
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
      return true;
    };
    const same = equal(a.normal([${N}], { seed: 3 }).toArray(), b.normal([${N}], { seed: 3 }).toArray());
    // large enough for orthogonal's projections to be shared (test/orthogonal-pool.test.ts)
    const sameOrthogonal = equal(a.orthogonal([600, 1000], { seed: 3 }).toArray(), b.orthogonal([600, 1000], { seed: 3 }).toArray());
    console.log(JSON.stringify({ threads: b.threads, same, sameOrthogonal }));
    ${close ? 'b.close();' : ''}
  `;
  const bin = (name: string): string => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

  it('Deno runs a pool (node:worker_threads) with no permissions, same bits (fills and orthogonal), and exits with the pool open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wi-deno-'));
    const file = join(dir, 'pool.mjs');
    writeFileSync(file, script(false));
    // deno run with no --allow-* flag and no prompt: starting the pool needs no permission
    const r = spawnSync(bin('deno'), ['run', '--no-prompt', file], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(r.signal).toBe(null); // not killed by the timeout: the open pool did not keep Deno alive
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ threads: 2, same: true, sameOrthogonal: true });
  });

  it('Deno: close() ends the pool and the process exits', () => {
    const r = spawnSync(bin('deno'), ['eval', '--ext=js', script(true)], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ threads: 2, same: true, sameOrthogonal: true });
  });

  it('Bun runs a pool, same bits (fills and orthogonal), and exits with the pool open', () => {
    const r = spawnSync(bin('bun'), ['--eval', script(false)], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ threads: 2, same: true, sameOrthogonal: true });
  });
});

describe('the engine under Object.prototype pollution', () => {
  it('a polluted dtype name (Object.prototype.float32) changes nothing', async () => {
    const twin = await load({ seed: 21 });
    const want = bytes(twin.uniform([4096], { low: -1, high: 1, seed: 5 }));
    const proto = Object.prototype as Record<string, unknown>;
    for (const v of [Infinity, 1e9, 0, 'x']) {
      proto.float32 = v;
      proto.float16 = v;
      try {
        const w = await load({ seed: 21 });
        expect(same(bytes(w.uniform([4096], { low: -1, high: 1, seed: 5 })), want), String(v)).toBe(true);
        expect(w.uniform([8], { dtype: 'float16', seed: 1 }).size).toBe(8);
      } finally {
        delete proto.float32;
        delete proto.float16;
      }
    }
  });
});

describe('worker pool: pieces taken in turn', () => {
  const ONE = 1 << 22; // 4M elements: pieces of ONE / (8 threads) up to PIECE: 16 on 2 threads, 32 on 4
  let one: WeightInit;
  beforeAll(async () => {
    one = await load({ seed: 3 });
  }, 60_000);

  /** The pool's fill of [start, end) of key 77's normal stream into fresh memory, and one thread's, as bytes. */
  function direct(w: WeightInit, start: number, end: number, opts: { slowHere?: number; onPiece?: (i: number) => void; stallMs?: number } = {}): { got: Uint8Array; want: Uint8Array } {
    const e = engineOf(w);
    const k = e.normalKernel(0, 1);
    const key = { lo: 77, hi: 5 };
    const n = end - start;
    const at = e.heap.alloc(n * 4);
    const ref = e.heap.alloc(n * 4);
    try {
      let i = 0;
      e.pool!.run(k.remote!, 0, key, { dst: at, start, end, bytes: 4 }, (d, s, c) => {
        opts.onPiece?.(i++);
        if (opts.slowHere !== undefined) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, opts.slowHere);
        k(d, s, c, key);
      }, opts.stallMs);
      k(ref, start, n, key);
      return { got: new Uint8Array(e.memory.buffer, at, n * 4).slice(), want: new Uint8Array(e.memory.buffer, ref, n * 4).slice() };
    } finally {
      e.heap.free(at);
      e.heap.free(ref);
    }
  }

  /** Blocks (up to 10 s) until worker i of the pool has taken a piece. */
  function waitForPiece(pool: NonNullable<ReturnType<typeof engineOf>['pool']>, i: number): void {
    const tick = new Int32Array(new SharedArrayBuffer(4));
    for (let t = 0; t < 10_000 && pool.pieceOfForTest(i) < 0; t++) Atomics.wait(tick, 0, 0, 1);
    expect(pool.pieceOfForTest(i), `worker ${i} took a piece`).toBeGreaterThanOrEqual(0);
  }

  it('a slow worker makes few pieces: the calling thread takes the rest (same bits)', async () => {
    for (const workers of [1, 3]) {
      const w = await load({ seed: 3, workers });
      const pool = engineOf(w).pool!;
      for (let i = 0; i < workers; i++) pool.holdForTest(i, 100); // each piece a worker takes costs it 100 ms more
      const got = bytes(w.normal([ONE], { std: 0.5, seed: 9 }));
      expect(same(got, bytes(one.normal([ONE], { std: 0.5, seed: 9 }))), `${workers} workers`).toBe(true);
      const split = pool.lastSplit;
      expect(split.pieces).toBe(workers === 1 ? 16 : 32);
      // a fixed split would leave this thread 1 / (1 + workers) of them; here the held workers make
      // a piece or a few while this thread makes the rest
      expect(split.caller, `${workers} workers`).toBeGreaterThan(split.pieces / 2);
      expect(split.redone).toBe(0);
      expect(w.threads).toBe(1 + workers);
      w.close();
    }
  }, 30_000);

  it('an unhindered worker takes its share of the pieces', async () => {
    const w = await load({ seed: 3, workers: 1 });
    // this thread sleeps 5 ms per piece: the worker, not held, makes most of them
    const { got, want } = direct(w, 0, ONE, { slowHere: 5 });
    expect(same(got, want)).toBe(true);
    const split = engineOf(w).pool!.lastSplit;
    expect(split.caller).toBeLessThan(split.pieces / 2);
    w.close();
  }, 30_000);

  it('a worker stuck on a piece is taken for dead: its piece is redone here, same bits', async () => {
    const w = await load({ seed: 3, workers: 2 });
    const pool = engineOf(w).pool!;
    pool.holdForTest(0, -1); // takes one piece, then never finishes it
    pool.holdForTest(1, 50); // and the other cannot take every piece before it does
    // after its first piece this thread waits (up to 10 s) until the stuck worker holds one
    const { got, want } = direct(w, 0, ONE, { onPiece: (i) => { if (i === 0) waitForPiece(pool, 0); }, stallMs: 300 });
    expect(same(got, want)).toBe(true);
    expect(pool.lastSplit.redone).toBe(1);
    expect(w.threads).toBe(2);
    // the pool goes on with the worker left
    expect(same(bytes(w.normal([ONE], { seed: 4 })), bytes(one.normal([ONE], { seed: 4 })))).toBe(true);
    w.close();
  }, 30_000);

  it('a worker killed in the middle of a fill: the piece it held is redone here, same bits', async () => {
    const w = await load({ seed: 3, workers: 1 });
    const pool = engineOf(w).pool!;
    pool.holdForTest(0, 10_000);
    // after this thread's first piece, once the worker sits on one, the worker is killed
    const { got, want } = direct(w, 0, ONE, { onPiece: (i) => { if (i === 0) { waitForPiece(pool, 0); pool.killForTest(0); } }, stallMs: 300 });
    expect(same(got, want)).toBe(true);
    expect(pool.lastSplit.redone).toBe(1);
    expect(w.threads).toBe(1);
    w.close();
  }, 30_000);

  it("an error on the calling thread stops the hand-out and is rethrown after the workers' pieces; the pool keeps working", async () => {
    const w = await load({ seed: 3, workers: 2 });
    const e = engineOf(w);
    const k = e.normalKernel(0, 1);
    const at = e.heap.alloc(ONE * 4);
    const pool = e.pool!;
    pool.holdForTest(0, 5);
    pool.holdForTest(1, 5);
    let made = 0;
    let caught: unknown;
    try {
      pool.run(k.remote!, 0, { lo: 1, hi: 2 }, { dst: at, start: 0, end: ONE, bytes: 4 }, (d, s, c) => {
        if (++made === 3) throw new RangeError('boom here');
        k(d, s, c, { lo: 1, hi: 2 });
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RangeError);
    expect((caught as Error).message).toBe('boom here');
    expect(made).toBe(3);
    e.heap.free(at);
    pool.holdForTest(0, 0);
    pool.holdForTest(1, 0);
    expect(w.threads).toBe(3);
    expect(same(bytes(w.normal([ONE], { seed: 4 })), bytes(one.normal([ONE], { seed: 4 })))).toBe(true);
    w.close();
  }, 30_000);

  it('small and odd sizes, starts and piece sizes: every piece boundary, same bits', async () => {
    const w = await load({ seed: 3, workers: 2 });
    const pool = engineOf(w).pool!;
    for (const piece of [1024, 3000, 1 << 16]) {
      pool.piece = pool.pieceMin = piece;
      for (const [start, n] of [[0, 1], [0, 1023], [0, 1025], [5, 1024], [1023, 2], [3071, 3074], [1000, 7 * 1024 + 3], [12345, 99_999], [1 << 20, 1 << 16]] as const) {
        const { got, want } = direct(w, start, start + n);
        expect(same(got, want), `piece ${piece}, [${start}, ${start + n})`).toBe(true);
        expect(pool.lastSplit.pieces).toBeLessThanOrEqual(Math.ceil(n / Math.ceil(piece / 1024) / 1024) + 1);
      }
    }
    // a fill that would have more pieces than the bound gets larger ones
    pool.piece = pool.pieceMin = 1024;
    const { got, want } = direct(w, 7, 7 + (1 << 23));
    expect(same(got, want)).toBe(true);
    expect(pool.lastSplit.pieces).toBeLessThanOrEqual(MAX_PIECES);
    w.close();
  }, 60_000);

  // fills through the engine with pieces of 3 blocks, so ranges and outs cut through many of them
  const S = PARALLEL_MIN + 4099;
  const dtypeCases: [string, (w: WeightInit, o: Record<string, unknown>) => unknown][] = [];
  for (const dtype of ['float32', 'float16', 'bfloat16', 'float64'] as const) {
    dtypeCases.push(
      [`uniform ${dtype}`, (w, o) => w.uniform([S], { low: -1, high: 1, dtype, ...o })],
      [`uniform [0, 1) ${dtype}`, (w, o) => w.uniform([S], { low: 0, high: 1, dtype, ...o })],
      [`normal ${dtype}`, (w, o) => w.normal([S], { std: 2, dtype, ...o })],
      [`truncatedNormal ±2 ${dtype}`, (w, o) => w.truncatedNormal([S], { dtype, ...o })],
      [`truncatedNormal [3, 4] ${dtype}`, (w, o) => w.truncatedNormal([S], { a: 3, b: 4, dtype, ...o })],
    );
  }
  dtypeCases.push(['uint32', (w, o) => w.uint32(S, o)]);
  for (const [name, f] of dtypeCases) {
    it(`${name}: pieces of 3 blocks, 1 and 3 workers, in memory, range at and beside piece boundaries, out: same bits`, async () => {
      for (const workers of [1, 3]) {
        const w = await load({ seed: 3, workers });
        const e = engineOf(w);
        e.pool!.piece = 3 * 1024;
        const want = bytes(f(one, { seed: 11 }));
        expect(same(bytes(f(w, { seed: 11 })), want), `${workers} workers`).toBe(true);
        const elem = want.length / S;
        for (const [a, b] of [[3072, S], [3071, S - 1], [3073, S - 3072 * 2], [1, S - 1]] as const) {
          const sub = bytes(f(one, { seed: 11, range: [a, b] }));
          expect(same(sub, want.subarray(a * elem, b * elem))).toBe(true);
          expect(same(bytes(f(w, { seed: 11, range: [a, b] })), sub), `${workers} workers, range [${a}, ${b})`).toBe(true);
        }
        const probe = f(one, { seed: 11, range: [0, 1] }) as { toArray(): Arr };
        const out = new (probe.toArray().constructor as new (n: number) => Arr)(S);
        f(w, { seed: 11, out });
        expect(same(bytes(out), want), `${workers} workers, out`).toBe(true);
        const at = e.heap.alloc(out.byteLength + 8);
        // out in the instance's own memory, one element past an aligned address
        const own = new (out.constructor as new (b: ArrayBufferLike, o: number, n: number) => Arr)(e.memory.buffer, at + out.BYTES_PER_ELEMENT, S);
        f(w, { seed: 11, out: own });
        expect(same(bytes(own), want), `${workers} workers, out in its own memory`).toBe(true);
        e.heap.free(at);
        w.close();
      }
    }, 60_000);
  }
});
