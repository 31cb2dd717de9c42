// The progress display in-process with a fake clock: on a terminal one bar redrawn with \r at
// most 10 times a second (and at each finished file), plain lines per 10% otherwise; and the
// streaming statistics against two-pass float64 references.
import { describe, expect, it } from 'vitest';
import { Progress } from '../src/cli/progress.js';
import { addValues, RunningStats } from '../src/cli/table.js';

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
  const ref = (v: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]!;
    const mean = s / v.length;
    let q = 0;
    for (let i = 0; i < v.length; i++) q += (v[i]! - mean) ** 2;
    return { mean, std: Math.sqrt(q / v.length) };
  };
  it('chunked float32 equals two-pass float64, also with a large offset (no cancellation)', () => {
    const v = new Float32Array(100_003);
    for (let i = 0; i < v.length; i++) v[i] = 1000 + Math.sin(i) * 0.001;
    const st = new RunningStats();
    for (let i = 0; i < v.length; i += 7_777) st.addArray(v.subarray(i, i + 7_777));
    const r = ref(v);
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
