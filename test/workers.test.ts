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
    const part = { dst: 0, start: 0, count: 1024 };
    let caught: unknown;
    try {
      e.pool!.run({ id: 99, params: [] }, 0, { lo: 0, hi: 0 }, [part], () => undefined, () => undefined);
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
    const x = a.normal([${N}], { seed: 3 }).toArray(), y = b.normal([${N}], { seed: 3 }).toArray();
    let same = x.length === y.length;
    for (let i = 0; same && i < x.length; i++) if (x[i] !== y[i]) same = false;
    console.log(JSON.stringify({ threads: b.threads, same }));
    ${close ? 'b.close();' : ''}
  `;
  const bin = (name: string): string => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));

  it('Deno runs a pool (node:worker_threads) with no permissions, same bits, and exits with the pool open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wi-deno-'));
    const file = join(dir, 'pool.mjs');
    writeFileSync(file, script(false));
    // deno run with no --allow-* flag and no prompt: starting the pool needs no permission
    const r = spawnSync(bin('deno'), ['run', '--no-prompt', file], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(r.signal).toBe(null); // not killed by the timeout: the open pool did not keep Deno alive
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ threads: 2, same: true });
  });

  it('Deno: close() ends the pool and the process exits', () => {
    const r = spawnSync(bin('deno'), ['eval', '--ext=js', script(true)], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ threads: 2, same: true });
  });

  it('Bun runs a pool, same bits, and exits with the pool open', () => {
    const r = spawnSync(bin('bun'), ['--eval', script(false)], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ threads: 2, same: true });
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
