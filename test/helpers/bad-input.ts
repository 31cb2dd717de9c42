// The shared bad-input check: the call throws the given error type with a message naming the
// value, before anything is allocated, written, or drawn from the instance's key sequence.
import { engineOf } from '../../src/engine/engine.js';
import { expect, it } from 'vitest';
import type { WeightInit } from '../../src/weightinit.js';
import { load } from './load.js';

export type BadCall = [label: string, f: (w: WeightInit) => unknown, type: typeof RangeError | typeof TypeError, message: RegExp];

export function badInputCases(cases: readonly BadCall[]): void {
  for (const [label, f, type, message] of cases) {
    it(`${label}: ${type.name} ${message}`, async () => {
      const w = await load({ seed: 9 });
      const twin = await load({ seed: 9 });
      const live = engineOf(w).heap.liveCount;
      const bytes = w.memory.buffer.byteLength;
      let caught: unknown;
      try {
        f(w);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(type);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).toMatch(/^weightinit\./);
      expect(engineOf(w).heap.liveCount).toBe(live);
      expect(w.memory.buffer.byteLength).toBe(bytes);
      // the key sequence did not move: the next unseeded draw equals a fresh twin's first one
      expect(Array.from(w.normal([8]).data)).toEqual(Array.from(twin.normal([8]).data));
    });
  }
}
