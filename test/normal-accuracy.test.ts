// Box-Muller accuracy: the kernel's float32 polynomials (log, sin, cos) against float64
// Math.log/cos/sin applied to the very same generator words.
import { describe, expect, it } from 'vitest';
import { wi } from './helpers/load.js';

/**
 * Reference normal pair for words (a, b) as docs/stream.md defines it, in float64 from the
 * kernel's float32 inputs: radius from a, angle phi in [-pi/4, pi/4) from b's top 24 bits
 * (signed), and b's low 3 bits choosing swap / negate-first / negate-second.
 */
function reference(a: number, b: number): [number, number] {
  const u1 = Math.fround(Math.fround(Math.fround(a) + 0.5) * 2 ** -32);
  const r = Math.sqrt(-2 * Math.log(u1));
  const phi = (((b | 0) >> 8) * (Math.PI / 4)) / 2 ** 23;
  const [c, s] = [Math.cos(phi), Math.sin(phi)];
  let first = b & 1 ? s : c;
  let second = b & 1 ? c : s;
  if (b & 2) first = -first;
  if (b & 4) second = -second;
  return [r * first, r * second];
}

describe('Box-Muller polynomial accuracy (documented in README: max abs error)', () => {
  it('every value within 1e-6 absolute and 5e-7·(|z| + 0.1) of float64, over 4M draws', async () => {
    const w = await wi();
    const n = 1 << 22;
    const words = w.uint32(n, { seed: 99 });
    const z = w.normal([n], { seed: 99 });
    const u = words.data;
    const v = z.data;
    let maxAbs = 0;
    let maxScaled = 0;
    let maxZ = 0;
    for (let t = 0; t < n; t += 8) {
      for (let j = 0; j < 4; j++) {
        const [c, s] = reference(u[t + j]!, u[t + 4 + j]!);
        const e0 = Math.abs(v[t + j]! - c);
        const e1 = Math.abs(v[t + 4 + j]! - s);
        maxAbs = Math.max(maxAbs, e0, e1);
        maxScaled = Math.max(maxScaled, e0 / (Math.abs(c) + 0.1), e1 / (Math.abs(s) + 0.1));
        maxZ = Math.max(maxZ, Math.abs(c), Math.abs(s));
      }
    }
    console.log(`Box-Muller vs float64: max abs error ${maxAbs.toExponential(3)}, max error/(|z|+0.1) ${maxScaled.toExponential(3)}, max |z| ${maxZ.toFixed(3)}`);
    expect(maxAbs).toBeLessThan(1e-6);
    expect(maxScaled).toBeLessThan(5e-7);
    words.free();
    z.free();
  });

  it('2^26 draws reach past 5σ and never beyond the bound sqrt(66 ln 2) ≈ 6.76 (u1 >= 2^-33)', async () => {
    // the smallest u1 is 0.5 · 2^-32 = 2^-33, so no |z| can exceed sqrt(-2 ln 2^-33) = sqrt(66 ln 2)
    const r = Math.sqrt(66 * Math.LN2);
    const w = await wi();
    const z = w.normal([1 << 26], { seed: 3 });
    let m = 0;
    for (const x of z.data) m = Math.max(m, Math.abs(x));
    z.free();
    expect(m).toBeGreaterThan(5.0);
    expect(m).toBeLessThanOrEqual(r * (1 + 1e-6));
  });
});
