// The shared property suite, run for every filler in helpers/fillers.ts:
// same seed => same bits; different seeds differ; one call = any chunking through `out` =
// concatenated `range` slices; values do not depend on what was allocated before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../src/index.js';
import { fillers } from './helpers/fillers.js';
import { load, wi } from './helpers/load.js';

type Arr = Float32Array | Uint32Array | Uint16Array | Float64Array;

function bits(v: unknown): Uint8Array {
  const a = v instanceof Tensor ? (v.toArray() as Arr) : (v as Arr);
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

/** Index of the first differing byte, -1 when equal (fast on large arrays, unlike toEqual). */
function firstDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function release(v: unknown): void {
  if (v instanceof Tensor) v.free();
}

for (const f of fillers) {
  describe(`properties: ${f.name}`, () => {
    const size = f.shape.reduce((a, b) => a * b, 1);
    const Out = f.out ?? Float32Array;

    it(f.draws === false ? 'draws nothing: every seed gives the same bits' : 'same seed gives the same bits; different seeds differ', async () => {
      const w = await wi();
      const a = f.call(w, f.shape, { seed: 7 });
      const b = f.call(w, f.shape, { seed: 7 });
      const c = f.call(w, f.shape, { seed: 8 });
      const d = f.call(w, f.shape, { seed: 2n ** 64n - 1n });
      expect(firstDiff(bits(a), bits(b))).toBe(-1);
      if (f.draws === false) {
        expect(firstDiff(bits(a), bits(c))).toBe(-1);
        expect(firstDiff(bits(a), bits(d))).toBe(-1);
      } else {
        expect(firstDiff(bits(a), bits(c))).not.toBe(-1);
        expect(firstDiff(bits(a), bits(d))).not.toBe(-1);
      }
      [a, b, c, d].forEach(release);
    });

    it('a named key gives the same bits whatever came before, and differs from other names', async () => {
      const a = await load({ seed: 77 });
      const b = await load({ seed: 77 });
      b.normal([1234]);
      b.uniform([99], { name: 'other' });
      const x = bits(f.call(a, f.shape, { name: 'layer.weight' }));
      const y = bits(f.call(b, f.shape, { name: 'layer.weight' }));
      const z = bits(f.call(b, f.shape, { name: 'layer.bias' }));
      expect(firstDiff(x, y)).toBe(-1);
      if (f.draws === false) expect(firstDiff(x, z)).toBe(-1);
      else expect(firstDiff(x, z)).not.toBe(-1);
    });

    it('one call = any chunking through out = concatenated range slices (random cut points)', async () => {
      const w = await wi();
      const whole = bits(f.call(w, f.shape, { seed: 11 }));
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: size - 1 }), { maxLength: 6 }), async (cuts) => {
          const points = [0, ...cuts.sort((x, y) => x - y), size];
          const viaOut = new Out(size);
          const parts: Uint8Array[] = [];
          for (let i = 0; i + 1 < points.length; i++) {
            const [s, e] = [points[i]!, points[i + 1]!];
            f.call(w, f.shape, { seed: 11, range: [s, e], out: viaOut.subarray(s, e) });
            const t = f.call(w, f.shape, { seed: 11, range: [s, e] });
            parts.push(bits(t));
            release(t);
          }
          expect(firstDiff(bits(viaOut), whole)).toBe(-1);
          const cat = new Uint8Array(whole.length);
          let o = 0;
          for (const p of parts) {
            cat.set(p, o);
            o += p.length;
          }
          expect(firstDiff(cat, whole)).toBe(-1);
        }),
        { numRuns: 25, seed: 424242 },
      );
    });

    it('values do not depend on how many tensors were allocated before', async () => {
      const fresh = await load({ seed: 1 });
      const first = bits(f.call(fresh, f.shape, { seed: 5 }));
      const busy = await load({ seed: 1 });
      const junk = Array.from({ length: 17 }, (_, i) => busy.normal([1000 + i * 313]));
      const later = bits(f.call(busy, f.shape, { seed: 5 }));
      expect(firstDiff(later, first)).toBe(-1);
      junk.forEach((t) => t.free());
    });

    it('without a seed, values follow the instance root seed (reproducible programs)', async () => {
      const a = await load({ seed: 123 });
      const b = await load({ seed: 123 });
      const c = await load({ seed: 124 });
      const xa = [bits(f.call(a, f.shape, {})), bits(f.call(a, f.shape, {}))] as const;
      const xb = [bits(f.call(b, f.shape, {})), bits(f.call(b, f.shape, {}))];
      const xc = bits(f.call(c, f.shape, {}));
      expect(xa).toEqual(xb);
      if (f.draws === false) {
        // constants take no key: the sequence does not move, and the root does not matter
        expect(firstDiff(xa[0], xa[1])).toBe(-1);
        expect(firstDiff(xc, xa[0])).toBe(-1);
        expect(Array.from(a.normal([4]).data)).toEqual(Array.from((await load({ seed: 123 })).normal([4]).data));
      } else {
        expect(firstDiff(xa[0], xa[1])).not.toBe(-1);
        expect(firstDiff(xc, xa[0])).not.toBe(-1);
      }
    });

    it('out larger than one chunk and not block-aligned matches the in-memory path', async () => {
      const w = await wi();
      const n = 3 * 65536 + 777;
      const shape = f.name === 'uint32' ? [n] : [n];
      const t = f.call(w, shape, { seed: 3, range: [5, n] });
      const out = new Out(n - 5);
      f.call(w, shape, { seed: 3, range: [5, n], out });
      expect(firstDiff(bits(out), bits(t))).toBe(-1);
      release(t);
    });

    it('out may live on a SharedArrayBuffer', async () => {
      const w = await wi();
      const BYTES = (Out as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      const sab = new SharedArrayBuffer(size * BYTES);
      const out = new (Out as unknown as new (b: SharedArrayBuffer) => Arr)(sab);
      f.call(w, f.shape, { seed: 21, out });
      expect(firstDiff(bits(out), bits(f.call(w, f.shape, { seed: 21 })))).toBe(-1);
    });
  });
}
