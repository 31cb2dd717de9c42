// Orthogonal initialization on the worker pool: each large projection of the panel loop is cut
// into pieces (pairs of panel rows: their coefficients, then their update) made by the workers
// and the calling thread. No cut may change a bit, a piece made twice must give the same values,
// and a worker that dies mid-call must not change the result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineOf, REMOTE } from '../src/engine/engine.js';
import { orthonormalizeRows } from '../src/init/orthogonal.js';
import type { Pool } from '../src/engine/pool.js';
import { load, type WeightInit } from '../src/index.js';
import { bytesOf, expectSameBits } from './helpers/hostile.js';

/**
 * Counts the pool's runs of the projection task while f runs: how many, the pieces the workers
 * made, and which run (0-based) first had a piece redone for a worker taken for dead (-1 none).
 */
function counted(pool: Pool, f: () => void): { runs: number; byWorkers: number; lossAt: number } {
  const run = pool.run.bind(pool);
  let runs = 0;
  let byWorkers = 0;
  let lossAt = -1;
  pool.run = (...a: Parameters<Pool['run']>) => {
    run(...a);
    if (a[0].id !== REMOTE.orthoProject) return;
    if (pool.lastSplit.redone > 0 && lossAt < 0) lossAt = runs;
    runs++;
    byWorkers += pool.lastSplit.pieces - pool.lastSplit.caller - pool.lastSplit.redone;
  };
  try {
    f();
  } finally {
    delete (pool as { run?: unknown }).run; // back to the prototype's
  }
  return { runs, byWorkers, lossAt };
}

// Every case is large enough for some projections to be shared (rows before the panel x row
// length x 16 >= PARALLEL_PROJECTION, src/init/orthogonal.ts; the test checks the pool ran). Shapes whose sides are not multiples of 4 or 16 cut
// the last panel short and leave a scalar column tail.
const cases: [string, (w: WeightInit, o: Record<string, unknown>) => unknown][] = [
  ['wide [600, 1000]', (w, o) => w.orthogonal([600, 1000], o)],
  ['tall [1001, 603], gain 2 (the transpose of a 603 x 1001 row problem)', (w, o) => w.orthogonal([1001, 603], { gain: 2, ...o })],
  ['square [520, 520] as bfloat16', (w, o) => w.orthogonal([520, 520], { dtype: 'bfloat16', ...o })],
  ['conv [3, 3, 100, 600], layout tf (a 900 x 600 matrix)', (w, o) => w.orthogonal([3, 3, 100, 600], { layout: 'tf', ...o })],
  ['deltaOrthogonal [700, 600, 3]', (w, o) => w.deltaOrthogonal([700, 600, 3], o)],
];

describe('orthogonal on the worker pool', () => {
  let one: WeightInit;
  const pools: WeightInit[] = [];
  beforeAll(async () => {
    one = await load({ seed: 5 });
    for (const workers of [1, 2, 3]) pools.push(await load({ seed: 5, workers }));
  }, 60_000);
  afterAll(() => pools.forEach((w) => w.close()));

  for (const [name, f] of cases) {
    it(`${name}: 1, 2, 3 workers give the bits of one thread, and the workers made pieces`, () => {
      const want = bytesOf(f(one, { seed: 21 }));
      for (const w of pools) {
        const pool = engineOf(w).pool!;
        let got: Uint8Array = new Uint8Array(0);
        const { runs, byWorkers } = counted(pool, () => {
          got = bytesOf(f(w, { seed: 21 }));
        });
        expectSameBits(got, want, `${w.threads} threads`);
        expect(runs, `${w.threads} threads: projections shared`).toBeGreaterThan(0);
        expect(byWorkers, `${w.threads} threads: pieces made by workers`).toBeGreaterThan(0);
      }
    }, 30_000);
  }

  it('a range and an out of a pooled orthogonal are the matching part of one thread\'s', () => {
    const want = one.orthogonal([600, 1000], { seed: 8 }).toArray() as Float32Array;
    const w = pools[1]!;
    const pool = engineOf(w).pool!;
    let part: Float32Array = new Float32Array(0);
    expect(counted(pool, () => {
      part = w.orthogonal([600, 1000], { seed: 8, range: [1234, 456_789] }).toArray() as Float32Array;
    }).runs).toBeGreaterThan(0);
    expectSameBits(bytesOf(part), bytesOf(want.subarray(1234, 456_789)));
    const out = new Float32Array(600 * 1000);
    expect(counted(pool, () => w.orthogonal([600, 1000], { seed: 8, out })).runs).toBeGreaterThan(0);
    expectSameBits(bytesOf(out), bytesOf(want));
  });

  it('no room for the workers\' region: the call runs on this thread alone, same bits, nothing left allocated', () => {
    const w = pools[0]!;
    const heap = engineOf(w).heap;
    const alloc = heap.alloc.bind(heap);
    // the workers' region of a [600, 1000] matrix: a panel copy (16 rows of 1000 floats) and 600 x 16 coefficients
    const copyBytes = 16 * 1000 * 4 + 600 * 16 * 4;
    let refused = 0;
    heap.alloc = (bytes: number, what?: string) => {
      if (bytes === copyBytes) {
        refused++;
        throw new RangeError('weightinit: out of wasm memory (test)');
      }
      return alloc(bytes, what);
    };
    let got: Uint8Array = new Uint8Array(0);
    const live = heap.liveBytes;
    try {
      const { runs } = counted(engineOf(w).pool!, () => {
        const t = w.orthogonal([600, 1000], { seed: 21 });
        got = bytesOf(t);
        t.free();
      });
      expect(runs).toBe(0);
    } finally {
      delete (heap as { alloc?: unknown }).alloc;
    }
    expect(refused).toBe(1);
    expect(heap.liveBytes).toBe(live);
    expectSameBits(got, bytesOf(one.orthogonal([600, 1000], { seed: 21 })));
  });

  it('rank-deficient rows (zero rows, duplicates, a rank-3 block) through shared projections: one thread\'s bits, orthonormal', () => {
    // 200 x 1000: projections from row 16 on reach the sharing threshold; the collapsing rows
    // take the careful path (re-orthogonalised alone, or replaced by unit directions) between them
    const k = 200;
    const n = 1000;
    const a = new Float32Array(k * n);
    for (let i = 0; i < k; i++) {
      for (let x = 0; x < n; x++) {
        a[i * n + x] = i % 37 === 5 ? 0 // zero rows
          : i >= 100 && i < 120 ? Math.sin(x * 0.01) * (i - 99) + Math.cos(x * 0.02) * (i % 3) - Math.sin(x * 0.3) // rank 3
          : Math.sin(1 + (i % 90) * 7.3 + x * 1.1) + Math.cos(x * (i % 90)); // rows 90.. repeat rows 0..
      }
    }
    const want = orthonormalizeRows(engineOf(one), a, k, n);
    for (const w of pools) {
      let got: Float32Array = new Float32Array(0);
      const { runs } = counted(engineOf(w).pool!, () => {
        got = orthonormalizeRows(engineOf(w), a, k, n);
      });
      expect(runs, `${w.threads} threads`).toBeGreaterThan(0);
      expectSameBits(got, want, `${w.threads} threads`);
    }
    expect(want.every(Number.isFinite)).toBe(true);
    let worst = 0;
    for (let i = 0; i < k; i += 7) {
      for (let j = 0; j <= i; j += 3) {
        let d = 0;
        for (let x = 0; x < n; x++) d += want[i * n + x]! * want[j * n + x]!;
        worst = Math.max(worst, Math.abs(d - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('a shared call frees everything it allocated', () => {
    const w = pools[1]!;
    const heap = engineOf(w).heap;
    const live = heap.liveBytes;
    const count = heap.liveCount;
    const { runs } = counted(engineOf(w).pool!, () => w.orthogonal([600, 1000], { seed: 4 }).free());
    expect(runs).toBeGreaterThan(0);
    expect(heap.liveBytes).toBe(live);
    expect(heap.liveCount).toBe(count);
  });

  // A worker taken for dead may have been only stalled and may still write its piece later: the
  // call gives the workers' region up for good (never freed, so nothing allocated later sits
  // there), makes that projection again on this thread, and goes on alone.
  const REGION = 16 * 1000 * 4 + 600 * 16 * 4; // a [600, 1000] call's: panel copy + coefficients
  for (const [workers, name] of [[2, 'one of two workers'], [1, 'the only worker']] as const) {
    it(`${name} stuck for good in a shared projection: taken for dead, the projection redone here, the rest alone, same bits; the region is given up`, async () => {
      const w = await load({ seed: 5, workers });
      const e = engineOf(w);
      const pool = e.pool!;
      pool.holdForTest(0, -1); // takes a piece of the first shared projection and never makes it
      const live = e.heap.liveBytes;
      let got: Uint8Array = new Uint8Array(0);
      const { runs, lossAt } = counted(pool, () => {
        const t = w.orthogonal([600, 1000], { seed: 21 });
        got = bytesOf(t);
        t.free();
      });
      expectSameBits(got, bytesOf(one.orthogonal([600, 1000], { seed: 21 })));
      // the worker held a piece of some shared projection (the first it took part in); that run
      // redid it, and no projection after it was shared
      expect(lossAt).toBeGreaterThanOrEqual(0);
      expect(runs).toBe(lossAt + 1);
      expect(w.threads).toBe(workers);
      expect(e.heap.liveBytes - live).toBe(REGION);
      // the pool goes on (one worker left, or none): a next call gives the same bits again
      expectSameBits(bytesOf(w.orthogonal([520, 520], { seed: 3 })), bytesOf(one.orthogonal([520, 520], { seed: 3 })));
      w.close();
    }, 30_000);
  }
});

describe('the projection kernel: any pairs, and a piece made twice, give the same bits', () => {
  let w: WeightInit;
  beforeAll(async () => {
    w = await load({ seed: 1 });
  });

  // k x n rows: the first j orthonormal (from orthogonal itself), a panel of B rows after them
  const n = 203; // not a multiple of 4: a scalar tail in every row
  const j = 32;

  /** A fresh matrix in wasm memory (j orthonormal rows, then B Gaussian rows), coefficient scratch and a copy area. */
  function setup(B: number): { v: number; P: number; C: number; W: number; free(): void } {
    const e = engineOf(w);
    const v = e.heap.alloc((j + B) * n * 4);
    const C = e.heap.alloc(j * B * 4);
    const W = e.heap.alloc(B * n * 4);
    // the values first: drawing them may grow the memory, which would detach a view made before
    const q = w.orthogonal([j, n], { seed: 2 }).toArray() as Float32Array;
    const g = w.normal([B, n], { seed: 3 }).toArray() as Float32Array;
    e.f32(v, j * n).set(q);
    e.f32(v + j * n * 4, B * n).set(g);
    e.f32(W, B * n).fill(Number.NaN); // anything the update forgets to write shows
    e.f32(C, j * B).fill(Number.NaN); // and any coefficient it forgets to make
    return { v, P: v + j * n * 4, C, W, free: () => [v, C, W].forEach((p) => e.heap.free(p)) };
  }

  const view = (p: number, count: number): Uint8Array => new Uint8Array(engineOf(w).memory.buffer, p, count * 4).slice();

  /** The panel and coefficients after the projection in place, all pairs in one call: what one thread does. */
  function inPlace(B: number): { panel: Uint8Array; coef: Uint8Array; before: Uint8Array } {
    const { v, P, C, free } = setup(B);
    try {
      const before = view(P, B * n);
      engineOf(w).core.orthoProject(v, n, j, B, C, P, 0, Math.ceil(B / 2));
      return { panel: view(P, B * n), coef: view(C, j * B), before };
    } finally {
      free();
    }
  }

  /** The same projection into the copy W, pairs cut at `cuts`, each piece made `times` times. */
  function cut(B: number, cuts: number[], times: number): { panel: Uint8Array; coef: Uint8Array; untouched: Uint8Array; before: Uint8Array } {
    const { v, P, C, W, free } = setup(B);
    try {
      const before = view(P, B * n);
      const c = [0, ...cuts, Math.ceil(B / 2)];
      for (let i = 0; i + 1 < c.length; i++) for (let t = 0; t < times; t++) engineOf(w).core.orthoProject(v, n, j, B, C, W, c[i]!, c[i + 1]!);
      return { panel: view(W, B * n), coef: view(C, j * B), untouched: view(P, B * n), before };
    } finally {
      free();
    }
  }

  it('the projection does something: the panel rows end orthogonal to the Q rows (to float32 rounding)', () => {
    const { panel } = inPlace(16);
    const p = new Float32Array(panel.buffer);
    const q = w.orthogonal([j, n], { seed: 2 }).toArray() as Float32Array;
    const g = w.normal([16, n], { seed: 3 }).toArray() as Float32Array;
    let worst = 0;
    let moved = 0;
    for (let t = 0; t < 16; t++) {
      for (let i = 0; i < j; i++) {
        let d = 0;
        for (let x = 0; x < n; x++) d += p[t * n + x]! * q[i * n + x]!;
        worst = Math.max(worst, Math.abs(d));
      }
      for (let x = 0; x < n; x++) moved = Math.max(moved, Math.abs(p[t * n + x]! - g[t * n + x]!));
    }
    // rows of norm ~sqrt(203) = 14: one pass leaves ~1e-5 of them along Q; the panel changed by O(1)
    expect(worst).toBeLessThan(1e-4);
    expect(moved).toBeGreaterThan(0.1);
  });

  it('pairs cut anywhere, into a copy, give the in-place bits and leave the panel as it was (even and odd panels)', () => {
    for (const [B, cuts] of [[16, []], [16, [1]], [16, [1, 2, 3, 7]], [16, [4]], [11, [2]], [11, [5]], [1, []], [3, [1]]] as const) {
      const want = inPlace(B);
      const got = cut(B, [...cuts], 1);
      expectSameBits(got.coef, want.coef, `B ${B}, pairs cut at ${cuts}: coefficients`);
      expectSameBits(got.panel, want.panel, `B ${B}, pairs cut at ${cuts}: panel`);
      expectSameBits(got.untouched, got.before, `B ${B}: the panel itself is untouched`);
    }
  });

  it('a piece made twice into the copy (a redone piece) gives the values of once', () => {
    for (const B of [16, 11]) {
      const want = inPlace(B);
      const got = cut(B, [2, 3], 2);
      expectSameBits(got.panel, want.panel, `B ${B}`);
      expectSameBits(got.coef, want.coef, `B ${B}`);
    }
  });
});
