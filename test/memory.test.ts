// Zero-copy views and the wasm heap: growth never hands out a detached view, freed memory
// is reused, use after free throws.
import { describe, expect, it } from 'vitest';
import { CHUNK, engineOf } from '../src/engine/engine.js';
import { load } from './helpers/load.js';

describe('memory', () => {
  it('earlier tensors keep their values through several memory.grow calls', async () => {
    const w = await load({ seed: 1 });
    const sizes: number[] = [];
    const tensors = [];
    const copies: Float32Array[] = [];
    let grows = 0;
    let last = w.memory.buffer.byteLength;
    for (let i = 0; i < 8; i++) {
      const t = w.normal([(1 << 22) + i * 999], { seed: i });
      const held = t.data; // a view taken before later allocations
      tensors.push(t);
      copies.push(t.toArray());
      sizes.push(held.length);
      const now = w.memory.buffer.byteLength;
      if (now > last) grows++;
      last = now;
    }
    expect(grows).toBeGreaterThanOrEqual(4);
    tensors.forEach((t, i) => {
      expect(t.data.length).toBe(sizes[i]);
      let same = true;
      const d = t.data;
      const c = copies[i]!;
      for (let k = 0; k < d.length; k += 97) if (d[k] !== c[k]) same = false;
      expect(same).toBe(true);
      expect(d[d.length - 1]).toBe(c[c.length - 1]);
    });
    tensors.forEach((t) => t.free());
  });

  it('free then reallocate 100,000 times with bounded memory', async () => {
    const w = await load({ seed: 2 });
    const keep = w.uniform([1000]); // something live below, so the heap is not trivially empty
    let peak = 0;
    for (let i = 0; i < 100_000; i++) {
      const t = w.uniform([1 + ((i * 7919) % 5000)], { seed: i });
      if (i % 3 === 0) {
        const u = w.normal([1 + (i % 777)]);
        u.free();
      }
      t.free();
      peak = Math.max(peak, w.memory.buffer.byteLength);
    }
    // live: `keep` and the instance's scratch region (CHUNK float32 + CHUNK 8-byte elements, allocated at load)
    expect(engineOf(w).heap.liveCount).toBe(2);
    expect(peak).toBeLessThanOrEqual(4 * 65536 + engineOf(w).heap.liveBytes + (1 << 20));
    keep.free();
    expect(engineOf(w).heap.liveCount).toBe(1);
  });

  it('holes are reused and neighbours coalesce', async () => {
    const w = await load({ seed: 3 });
    const a = w.uniform([10_000]);
    const pa = a.byteOffset;
    const b = w.uniform([10_000]);
    const c = w.uniform([10_000]);
    const pb = b.byteOffset;
    b.free();
    const d = w.uniform([5_000]);
    expect(d.byteOffset).toBe(pb);
    a.free();
    d.free();
    const e = w.uniform([20_000]); // fits the coalesced a+b hole
    expect(e.byteOffset).toBe(pa);
    expect(e.byteOffset).toBeLessThan(c.byteOffset);
    c.free();
    e.free();
  });

  it('use after free throws; free twice is harmless; toArray copies survive', async () => {
    const w = await load({ seed: 4 });
    const t = w.normal([100], { seed: 1 });
    const copy = t.toArray();
    t.free();
    expect(() => t.data).toThrow(/freed/);
    expect(() => t.toArray()).toThrow(/freed/);
    expect(() => t.free()).not.toThrow();
    expect(copy.length).toBe(100);
    expect(copy.buffer).not.toBe(w.memory.buffer);
  });

  it('Symbol.dispose frees (using declarations)', async () => {
    const w = await load({ seed: 5 });
    const before = engineOf(w).heap.liveCount;
    {
      const t = w.normal([10]);
      t[Symbol.dispose]();
      expect(t.freed).toBe(true);
    }
    expect(engineOf(w).heap.liveCount).toBe(before);
  });

  it('a failed allocation leaves no live memory behind', async () => {
    const w = await load({ seed: 6 });
    const before = engineOf(w).heap.liveCount; // the scratch region
    expect(() => w.normal([2 ** 31])).toThrow(RangeError);
    expect(engineOf(w).heap.liveCount).toBe(before);
    const t = w.normal([10], { seed: 1 });
    expect(t.data.length).toBe(10);
    t.free();
  });

  it('out fills arrays far larger than the wasm memory it uses (chunked through one scratch buffer)', async () => {
    const w = await load({ seed: 8 });
    const n = 3 * (1 << 24) + 5; // 192 MiB of float32
    const out = new Float32Array(n);
    w.normal([n], { seed: 4, out });
    expect(w.memory.buffer.byteLength).toBeLessThan(4 << 20);
    // spot-check against range tensors, which are the in-memory path
    for (const at of [0, 1 << 24, n - 1000]) {
      const t = w.normal([n], { seed: 4, range: [at, at + 1000] });
      expect(Array.from(out.subarray(at, at + 1000))).toEqual(Array.from(t.data));
      t.free();
    }
  });

  it('random alloc/free of mixed dtypes never overlaps: every live tensor keeps its values (fixed-seed fuzz)', async () => {
    const w = await load({ seed: 10 });
    const dtypes = ['float32', 'float64', 'float16', 'bfloat16'] as const;
    let state = 99;
    const rnd = (n: number): number => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % n;
    };
    const live: { t: { data: ArrayLike<number>; free(): void; byteOffset: number; byteLength: number }; copy: number[] }[] = [];
    for (let step = 0; step < 3000; step++) {
      if (live.length > 0 && rnd(3) === 0) {
        const [gone] = live.splice(rnd(live.length), 1);
        gone!.t.free();
      } else {
        const dtype = dtypes[rnd(4)]!;
        const t = w.normal([1 + rnd(20_000)], { dtype, seed: step }) as unknown as (typeof live)[number]['t'];
        live.push({ t, copy: Array.from(t.data).slice(0, 64) });
      }
      if (step % 500 === 499) {
        const spans = live.map((l) => [l.t.byteOffset, l.t.byteOffset + l.t.byteLength] as const).sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
        for (const l of live) expect(Array.from(l.t.data).slice(0, 64)).toEqual(l.copy);
      }
    }
    live.forEach((l) => l.t.free());
    // what stays is the instance's one scratch region (CHUNK float32 + CHUNK 8-byte elements),
    // allocated at load
    expect(engineOf(w).heap.liveCount).toBe(1);
    expect(engineOf(w).heap.liveBytes).toBe(CHUNK * 12);
  });

  it('zero-element tensors are valid and empty', async () => {
    const w = await load({ seed: 7 });
    const t = w.normal([3, 0, 5]);
    expect(t.size).toBe(0);
    expect(t.data.length).toBe(0);
    expect(t.shape).toEqual([3, 0, 5]);
    t.free();
  });
});

describe('heap growth and free-space search', () => {
  it('memory grows O(log n) times: 4,000 live 64 KiB tensors take at most 20 grows', async () => {
    // growth by at least half the memory: from ~1 MiB to 262 MiB is log1.5(262) ≈ 14 grows; an
    // allocator that grows by exactly what each allocation needs would grow ~4,000 times
    const w = await load({ seed: 11 });
    const heap = engineOf(w).heap;
    const g0 = heap.grows;
    const ts = Array.from({ length: 4000 }, (_, i) => w.uniform([16384], { seed: i }));
    expect(heap.grows - g0).toBeLessThanOrEqual(20);
    expect(heap.grows - g0).toBeGreaterThanOrEqual(5);
    // every other one freed, then the holes refilled: no growth, each hole reused
    const bytes = w.memory.buffer.byteLength;
    for (let i = 0; i < ts.length; i += 2) ts[i]!.free();
    for (let i = 0; i < ts.length; i += 2) ts[i] = w.zeros([16384]);
    expect(w.memory.buffer.byteLength).toBe(bytes);
    expect(ts[1]!.data[5]).toBe(w.uniform([16384], { seed: 1 }).data[5]);
    ts.forEach((t) => t.free());
  });

  it('refills a tensor in place through out = t.data, for every dtype, even when the call grows memory', async () => {
    const w = await load({ seed: 12 });
    for (const dtype of ['float32', 'float64', 'float16', 'bfloat16'] as const) {
      const t = w.zeros([5000], { dtype });
      w.normal([5000], { out: t.data, seed: 4, dtype } as never);
      const want = w.normal([5000], { seed: 4, dtype });
      expect(new Uint8Array(t.toArray().buffer)).toEqual(new Uint8Array(want.toArray().buffer));
      // orthogonal allocates its work matrix during the call: memory may grow under `out`
      const big = w.zeros([700, 700], { dtype });
      w.orthogonal([700, 700], { out: big.data, seed: 5, dtype } as never);
      expect(new Uint8Array(big.toArray().buffer)).toEqual(new Uint8Array(w.orthogonal([700, 700], { seed: 5, dtype }).toArray().buffer));
    }
  });
});

describe('heap quarantine', () => {
  it('a quarantined region at the top of the heap is reused after growth, never lost', async () => {
    const w = await load({ seed: 13 });
    const heap = engineOf(w).heap;
    if (heap.resizable) return expect(heap.quarantined).toBe(0); // views survive growth here: nothing is quarantined
    const a = heap.alloc(1000);
    const q = heap.alloc(7000); // the topmost region
    heap.release(q); // as the backstop does for a dropped tensor whose view was seen
    expect(heap.quarantined).toBe(1);
    const big = heap.alloc(64 << 20); // grows memory: q is now free, and must not be lost
    expect(heap.quarantined).toBe(0);
    heap.free(big);
    heap.free(a);
    // everything above the scratch region is free again: a region of q's size lands where a was
    const again = heap.alloc(7040);
    expect(again).toBe(a);
    heap.free(again);
  });
});
