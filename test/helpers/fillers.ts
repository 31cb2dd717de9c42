// The fillers the shared property suite runs against. Each entry calls one initializer with
// the given common options; add every new filler here so it gets the whole suite.
import type { WeightInit } from '../../src/weightinit.js';

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

const mat = (s: number[]): number[] => (s.length !== 1 ? s : s[0]! % 3 === 0 ? [3, s[0]! / 3] : [1, s[0]!]);

export const fillers: FillerCase[] = [
  { name: 'uniform', shape: [37, 113], call: (w, s, o) => w.uniform(s, { low: -2, high: 3, ...o }) },
  { name: 'normal', shape: [37, 113], call: (w, s, o) => w.normal(s, { mean: 1, std: 0.5, ...o }) },
  { name: 'uint32', shape: [4181], call: (w, s, o) => any(w.uint32.bind(w))(s[0], o), out: Uint32Array },
  // initializers (src/initializers.ts): they need a matrix; the suite's 1-D shapes become [3, n/3] or [1, n]
  { name: 'truncatedNormal [3, 4]', shape: [37, 113], call: (w, s, o) => w.truncatedNormal(mat(s), { a: 3, b: 4, ...o }) },
  { name: 'heNormal truncated', shape: [37, 113, 3], call: (w, s, o) => w.heNormal(mat(s), { distribution: 'truncatedNormal', ...o }) },
  { name: 'glorotUniform', shape: [37, 113], call: (w, s, o) => w.glorotUniform(mat(s), o) },
  { name: 'sparse', shape: [37, 113], call: (w, s, o) => w.sparse(mat(s), { sparsity: 0.4, ...o }) },
  { name: 'kaimingNormal float16', shape: [37, 113], call: (w, s, o) => w.kaimingNormal(mat(s), { dtype: 'float16', ...o }), out: Uint16Array },
  { name: 'lecunUniform bfloat16', shape: [37, 113], call: (w, s, o) => w.lecunUniform(mat(s), { dtype: 'bfloat16', ...o }), out: Uint16Array },
  { name: 'xavierNormal float64', shape: [37, 113], call: (w, s, o) => w.xavierNormal(mat(s), { dtype: 'float64', ...o }), out: Float64Array },
];
