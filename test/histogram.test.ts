import { describe, expect, it } from 'vitest';
import { histogram, renderTerminal } from '../src/viz/histogram.js';

describe('histogram', () => {
  it('bins values by hand-countable rules', () => {
    const h = histogram([0, 0.1, 0.26, 0.5, 0.74, 0.99, 1], 4, 0, 1);
    // bins [0, .25) [.25, .5) [.5, .75) [.75, 1]: 0 and .1 | .26 | .5 and .74 | .99 and 1
    expect(Array.from(h.counts)).toEqual([2, 1, 2, 2]);
    expect(h.outside).toBe(0);
  });

  it('counts values outside explicit bounds, and NaN', () => {
    const h = histogram([-1, 0.5, 2, Number.NaN], 2, 0, 1);
    expect(Array.from(h.counts)).toEqual([0, 1]);
    expect(h.outside).toBe(3);
    expect(h.total).toBe(4);
  });

  it('uses the data range by default and survives constant data', () => {
    const h = histogram([3, 3, 3], 5);
    expect(h.lo).toBe(3);
    expect(h.hi).toBe(4);
    expect(h.counts[0]).toBe(3);
  });

  it('renders one column per bin, full blocks at the peak', () => {
    const txt = renderTerminal(histogram([0, 1, 1, 1, 1], 2, 0, 1), 2).split('\n');
    expect(txt).toHaveLength(3);
    expect(txt[0]).toBe('│ █│');
    expect(txt[1]).toBe('│▄█│');
  });
});
