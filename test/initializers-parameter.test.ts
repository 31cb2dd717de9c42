// The weight-initialization tutorial's parameter() / Parameter (src/tutorial.ts): its formulas, checked against numbers written here.
import { describe, expect, it } from 'vitest';
import { Parameter } from '../src/index.js';
import { wi as shared } from './helpers/load.js';
import { meanStd } from './helpers/stats.js';

describe('parameter(inputSize, outputSize, method)', () => {
  const nIn = 784;
  const nOut = 256;
  const cases: [string, Record<string, number>, 'normal' | 'uniform', number][] = [
    ['xavier', {}, 'normal', 1 / Math.sqrt(784)], // the blog's xavier: N(0, gain²/n_in) = LeCun normal
    ['xavier', { gain: 2 }, 'normal', 2 / Math.sqrt(784)],
    ['he', {}, 'normal', Math.sqrt(2 / 784)],
    ['he_leaky', { alpha: 0.2 }, 'normal', Math.sqrt(2 / (1.04 * 784))],
    ['he_leaky', {}, 'normal', Math.sqrt(2 / (1.0001 * 784))],
    ['normal', {}, 'normal', 0.01],
    ['normal', { gain: 0.5 }, 'normal', 0.5],
    ['uniform', {}, 'uniform', 1 / Math.sqrt(784)], // nn.Linear's default bound
    ['uniform', { gain: 3 }, 'uniform', 3 / Math.sqrt(784)],
  ];
  for (const [method, o, kind, s] of cases) {
    it(`${method} ${JSON.stringify(o)}: ${kind} ${s.toPrecision(5)}`, async () => {
      const w = await shared();
      const t = w.parameter(nIn, nOut, method as never, { ...o, seed: 3 });
      expect(t.shape).toEqual([784, 256]);
      const d = Array.from(t.data);
      const { std } = meanStd(d);
      if (kind === 'normal') {
        expect(Math.abs(std / s - 1)).toBeLessThan(0.01);
      } else {
        const max = d.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
        expect(max).toBeLessThanOrEqual(Math.fround(s));
        expect(max).toBeGreaterThan(0.999 * s);
        expect(Math.abs(std / (s / Math.sqrt(3)) - 1)).toBeLessThan(0.01);
      }
    });
  }
  it("the blog's xavier is not Glorot: std 1/√784, not √(2/(784+256))", async () => {
    const w = await shared();
    const { std } = meanStd(w.parameter(784, 256, 'xavier', { seed: 3 }).data);
    expect(Math.abs(std - Math.sqrt(2 / 1040))).toBeGreaterThan(0.005);
  });
  it('Parameter methods equal parameter() with the same options', async () => {
    const w = await shared();
    const p = new Parameter(w, 50, 40, { seed: 11, gain: 1.5 });
    expect(p.he().toArray()).toEqual(w.parameter(50, 40, 'he', { seed: 11, gain: 1.5 }).toArray());
    expect(p.heLeaky(0.3).toArray()).toEqual(w.parameter(50, 40, 'he_leaky', { seed: 11, gain: 1.5, alpha: 0.3 }).toArray());
    expect(p.xavier().toArray()).toEqual(w.parameter(50, 40, 'xavier', { seed: 11, gain: 1.5 }).toArray());
    expect(p.random().toArray()).toEqual(w.parameter(50, 40, 'normal', { seed: 11, gain: 1.5 }).toArray());
    expect(p.uniform().toArray()).toEqual(w.parameter(50, 40, 'uniform', { seed: 11, gain: 1.5 }).toArray());
    expect(w.parameter(50, 40, 'he', { seed: 11, dtype: 'float64' }).dtype).toBe('float64');
  });
});
