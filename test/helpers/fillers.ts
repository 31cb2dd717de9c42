// The fillers the shared property suite runs against. Each entry calls one initializer with
// the given common options; add every new filler here so it gets the whole suite.
import type { WeightInit } from '../../src/instance.js';

export interface FillerCase {
  readonly name: string;
  /** A shape the filler accepts (at least a few thousand elements, not a multiple of 1024). */
  readonly shape: number[];
  readonly call: (wi: WeightInit, shape: number[], opts: Record<string, unknown>) => unknown;
  /** Typed array constructor of `out` for this filler. */
  readonly out?: new (n: number) => ArrayLike<number> & { subarray(a: number, b: number): unknown };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const any = (f: unknown) => f as (...a: any[]) => unknown;

export const fillers: FillerCase[] = [
  { name: 'uniform', shape: [37, 113], call: (w, s, o) => w.uniform(s, { low: -2, high: 3, ...o }) },
  { name: 'normal', shape: [37, 113], call: (w, s, o) => w.normal(s, { mean: 1, std: 0.5, ...o }) },
  { name: 'uint32', shape: [4181], call: (w, s, o) => any(w.uint32.bind(w))(s[0], o), out: Uint32Array },
];
