// The progress display in-process with a fake clock: on a terminal one bar redrawn with \r at
// most 10 times a second (and at each finished file), plain lines per 10% otherwise; and the
// streaming statistics against two-pass float64 references, the wasm kernel's against the
// JavaScript accumulator's.
import { describe, expect, it } from 'vitest';
import { Progress } from '../src/cli/progress.js';
import { addValues, RunningStats, statsObserver } from '../src/cli/table.js';
import { engineOf } from '../src/engine/engine.js';
import type { Plan, PlanEntry } from '../src/model/plan.js';
import { load } from './helpers/load.js';
import { meanStd } from './helpers/stats.js';

function feed(tty: boolean): { out: string; writes: number } {
  let out = '';
  let writes = 0;
  let now = 0;
  const p = new Progress({ write: (s: string) => ((out += s), writes++), isTTY: tty, columns: 120 }, [{ path: 'm.safetensors', dataBytes: 1000, tensors: 4 }], () => now);
  // 100 updates over 1 second: 10 ms apart
  for (let i = 1; i <= 100; i++) {
    now = i * 10;
    p.update({ path: 'm.safetensors', bytesWritten: i * 10, totalBytes: 1000, tensorsDone: Math.floor(i / 25), tensorCount: 4, name: 't' });
  }
  p.finish();
  return { out, writes };
}

describe('Progress', () => {
  it('on a terminal: \\r redraws, at most one per 100 ms plus the final one, bytes, tensors, rate and ETA', () => {
    const { out, writes } = feed(true);
    expect(writes).toBeLessThanOrEqual(10 + 2 + 1);
    expect(out.startsWith('\r[')).toBe(true);
    expect(out).toMatch(/100% +1000 B \/ 1000 B +tensors 4\/4 +[\d.]+ (B|KiB)\/s +ETA 0\.0s/);
    expect(out.endsWith('\n')).toBe(true);
    expect(out.split('\n')).toHaveLength(2); // one line, redrawn
  });
  it('elsewhere: one plain line per 10%, no \\r', () => {
    const { out } = feed(false);
    const lines = out.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^ 10% /);
    expect(lines[9]).toMatch(/^100% /);
    expect(out).not.toContain('\r');
  });
});

describe('RunningStats', () => {
  it('chunked float32 equals two-pass float64, also with a large offset (no cancellation)', () => {
    const v = new Float32Array(100_003);
    for (let i = 0; i < v.length; i++) v[i] = 1000 + Math.sin(i) * 0.001;
    const st = new RunningStats();
    for (let i = 0; i < v.length; i += 7_777) st.addArray(v.subarray(i, i + 7_777));
    const r = meanStd(v); // two-pass float64
    expect(st.count).toBe(v.length);
    expect(Math.abs(st.mean - r.mean)).toBeLessThan(1e-9);
    expect(Math.abs(st.std - r.std) / r.std).toBeLessThan(1e-6);
  });
  it('bfloat16 and float16 bit patterns are decoded; NaN and infinities are counted apart', () => {
    const st = new RunningStats();
    addValues(st, 'BF16', new Uint16Array([0x3f80, 0x4000, 0x7fc0, 0xff80])); // 1, 2, NaN, -inf
    expect([st.count, st.mean, st.min, st.max, st.nonFinite]).toEqual([2, 1.5, 1, 2, 2]);
    const h = new RunningStats();
    addValues(h, 'F16', new Uint16Array([0x3c00, 0xc000, 0x0001])); // 1, -2, 2^-24
    expect(h.count).toBe(3);
    expect(h.min).toBe(-2);
    expect(h.mean).toBeCloseTo((1 - 2 + 2 ** -24) / 3, 12);
  });
});

describe('statsObserver (the wasm sums)', () => {
  /** Deterministic pseudo-random 16-bit words. */
  const words = (n: number, seed: number): Uint16Array => {
    const w = new Uint16Array(n);
    let x = seed >>> 0 || 1;
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      w[i] = x & 0xffff;
    }
    return w;
  };
  const entry = (name: string, dtype: PlanEntry['dtype']) => ({ name, dtype }) as PlanEntry;

  for (const workers of [0, 1]) {
    it(`equals the JavaScript accumulator for float32, bfloat16, float16 and float64 chunks, NaN and infinities counted apart (${workers ? 'shared memory' : 'own memory'})`, async () => {
      const wi = await load({ seed: 1, workers });
      const e = engineOf(wi);
      const entries = [entry('f32', 'float32'), entry('bf16', 'bfloat16'), entry('f16', 'float16'), entry('f64', 'float64')];
      const stats = new Map<string, RunningStats>();
      const obs = statsObserver(wi, { seed: 1n, recipe: 'test', rules: [], entries } as Plan, stats);
      const ref = new Map(entries.map((x) => [x.name, new RunningStats()]));
      const region = e.heap.alloc(1 << 16, 'test chunks');
      let seed = 7;
      for (const n of [1, 7, 8, 9, 1000, 4099]) {
        for (const x of entries) {
          // random words: every half pattern (NaN and infinities among them); float32 values of modest range with an inf and a NaN in some chunks
          let values: Float32Array | Uint16Array | Float64Array;
          if (x.dtype === 'float32') {
            values = new Float32Array(n).map((_, i) => Math.sin(seed * 1000 + i) * 3 + 0.25);
            if (n > 100) values[n >> 1] = seed % 2 ? NaN : -Infinity;
          } else if (x.dtype === 'float64') values = new Float64Array(n).map((_, i) => Math.cos(seed + i));
          else values = words(n, seed);
          seed++;
          addValues(ref.get(x.name)!, x.dtype === 'float32' ? 'F32' : x.dtype === 'float64' ? 'F64' : x.dtype === 'bfloat16' ? 'BF16' : 'F16', values);
          // alternately a chunk in wasm memory (summed in place) and one outside it (copied to the staging region)
          if (seed % 2 === 0 && values.byteLength <= 1 << 16) {
            const Kind = values.constructor as Float32ArrayConstructor;
            const inWasm = new Kind(e.memory.buffer, region, values.length);
            inWasm.set(values as Float32Array);
            obs.observe(x, 0, inWasm);
          } else obs.observe(x, 0, values);
        }
      }
      obs.release();
      e.heap.free(region);
      for (const x of entries) {
        const a = stats.get(x.name)!;
        const b = ref.get(x.name)!;
        expect([a.count, a.min, a.max, a.nonFinite], x.name).toEqual([b.count, b.min, b.max, b.nonFinite]);
        expect(Math.abs(a.mean - b.mean), x.name).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b.mean), b.std));
        expect(Math.abs(a.std - b.std), x.name).toBeLessThanOrEqual(1e-12 * b.std);
      }
      expect(stats.get('f16')!.nonFinite).toBeGreaterThan(0);
      expect(stats.get('f32')!.nonFinite).toBeGreaterThan(0);
    });
  }
});

describe('statsObserver over every half pattern', () => {
  /** The value of a float16 pattern, decoded here from the IEEE 754 binary16 layout. */
  const f16 = (b: number): number => {
    const sign = b & 0x8000 ? -1 : 1;
    const exp = (b >> 10) & 0x1f;
    const frac = b & 0x3ff;
    if (exp === 0x1f) return frac === 0 ? sign * Infinity : NaN;
    return sign * (exp === 0 ? frac * 2 ** -24 : (1024 + frac) * 2 ** (exp - 25));
  };
  /** The value of a bfloat16 pattern: the top half of a float32. */
  const bf16 = (b: number): number => new Float32Array(new Uint32Array([b << 16]).buffer)[0]!;
  /** count, two-pass mean and population std, min, max and non-finite count of a run. */
  const reference = (values: number[]) => {
    const fin = values.filter(Number.isFinite);
    let s = 0;
    for (const x of fin) s += x;
    const mean = s / fin.length;
    let q = 0;
    for (const x of fin) q += (x - mean) ** 2;
    return { count: fin.length, mean, std: Math.sqrt(q / fin.length), min: Math.min(...fin), max: Math.max(...fin), nonFinite: values.length - fin.length };
  };

  for (const [dtype, decode] of [['float16', f16], ['bfloat16', bf16]] as const) {
    it(`all 65,536 ${dtype} patterns: finite ones in long runs (the SIMD path), the non-finite apart, equal to a reference written here`, async () => {
      const wi = await load({ seed: 1, workers: 0 });
      const e = engineOf(wi);
      const finite: number[] = [];
      const other: number[] = [];
      for (let b = 0; b < 65536; b++) (Number.isFinite(decode(b)) ? finite : other).push(b);
      // runs of 4093 in pattern order (groups of 8 through the SIMD loop, then a scalar tail of 5)
      const runs: number[][] = [];
      for (let i = 0; i < finite.length; i += 4093) runs.push(finite.slice(i, i + 4093));
      runs.push(other, [finite[100]!, other[0]!, ...finite.slice(200, 300)]); // non-finite only, and mixed
      const entries = runs.map((_, i) => ({ name: `run${i}`, dtype }) as PlanEntry);
      const stats = new Map<string, RunningStats>();
      const obs = statsObserver(wi, { seed: 1n, recipe: 'test', rules: [], entries } as Plan, stats);
      const region = e.heap.alloc(2 * 4096, 'test runs');
      runs.forEach((run, i) => {
        const words = Uint16Array.from(run);
        if (i % 2 === 0) {
          const inWasm = new Uint16Array(e.memory.buffer, region, words.length);
          inWasm.set(words);
          obs.observe(entries[i]!, 0, inWasm);
        } else obs.observe(entries[i]!, 0, words);
      });
      obs.release();
      e.heap.free(region);
      runs.forEach((run, i) => {
        const got = stats.get(`run${i}`)!;
        const want = reference(run.map(decode));
        expect([got.count, got.nonFinite], `run ${i}`).toEqual([want.count, want.nonFinite]);
        if (want.count === 0) return;
        expect([got.min, got.max], `run ${i}`).toEqual([want.min, want.max]);
        const scale = Math.max(Math.abs(want.min), Math.abs(want.max));
        expect(Math.abs(got.mean - want.mean), `run ${i} mean`).toBeLessThanOrEqual(1e-12 * scale);
        expect(Math.abs(got.std - want.std), `run ${i} std`).toBeLessThanOrEqual(1e-9 * Math.max(want.std, 1e-300) + 1e-12 * scale);
      });
      expect(stats.get(`run${runs.length - 2}`)!.nonFinite).toBe(dtype === 'float16' ? 2048 : 256);
    });
  }
});
