// The fillers the shared property suite runs against: every public filler of WeightInit
// (test/api.test.ts checks that this list names every one). Each entry calls one initializer
// with the given common options.
import type { WeightInit } from '../../src/weightinit.js';

export interface FillerCase {
  readonly name: string;
  /** The WeightInit method the case calls. */
  readonly method: string;
  /** A shape the filler accepts (at least a few thousand elements, not a multiple of 1024). */
  readonly shape: number[];
  readonly call: (wi: WeightInit, shape: number[], opts: Record<string, unknown>) => unknown;
  /** Typed array constructor of `out` for this filler. */
  readonly out?: new (n: number) => ArrayLike<number> & { subarray(a: number, b: number): unknown };
  /** false for the constant fillers: their values do not depend on the key. */
  readonly draws?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const any = (f: unknown) => f as (...a: any[]) => unknown;

/** The suite's shapes as a matrix: 1-D shapes of n become [3, n/3] or [1, n]. */
const mat = (s: number[]): number[] => (s.length !== 1 ? s : s[0]! % 3 === 0 ? [3, s[0]! / 3] : [1, s[0]!]);
/** As a conv weight [out, in, k] with out >= in: [a, b] → [max, min, 1]; [n] → [1, 1, n]; 3-D as is. */
const conv = (s: number[]): number[] =>
  s.length === 1 ? [1, 1, s[0]!] : s.length === 2 ? [Math.max(s[0]!, s[1]!), Math.min(s[0]!, s[1]!), 1] : s;
/** [a, b, ...] → [a, b·...] (2-D). */
const flat2 = (s: number[]): number[] => {
  const m = mat(s);
  return [m[0]!, m.slice(1).reduce((x, y) => x * y, 1)];
};

export const fillers: FillerCase[] = [
  { name: 'uniform', method: 'uniform', shape: [37, 113], call: (w, s, o) => w.uniform(s, { low: -2, high: 3, ...o }) },
  { name: 'normal', method: 'normal', shape: [37, 113], call: (w, s, o) => w.normal(s, { mean: 1, std: 0.5, ...o }) },
  { name: 'uint32', method: 'uint32', shape: [4181], call: (w, s, o) => any(w.uint32.bind(w))(s[0], o), out: Uint32Array },
  { name: 'truncatedNormal [3, 4]', method: 'truncatedNormal', shape: [37, 113], call: (w, s, o) => w.truncatedNormal(mat(s), { a: 3, b: 4, ...o }) },
  { name: 'varianceScaling fanGeoAvg uniform', method: 'varianceScaling', shape: [37, 113], call: (w, s, o) => w.varianceScaling(mat(s), { scale: 3, mode: 'fanGeoAvg', distribution: 'uniform', ...o }) },
  { name: 'glorotUniform', method: 'glorotUniform', shape: [37, 113], call: (w, s, o) => w.glorotUniform(mat(s), o) },
  { name: 'xavierUniform tf layout', method: 'xavierUniform', shape: [37, 113], call: (w, s, o) => w.xavierUniform(mat(s), { layout: 'tf', ...o }) },
  { name: 'glorotNormal truncated', method: 'glorotNormal', shape: [37, 113], call: (w, s, o) => w.glorotNormal(mat(s), { distribution: 'truncatedNormal', ...o }) },
  { name: 'xavierNormal float64', method: 'xavierNormal', shape: [37, 113], call: (w, s, o) => w.xavierNormal(mat(s), { dtype: 'float64', ...o }), out: Float64Array },
  { name: 'heUniform', method: 'heUniform', shape: [37, 113], call: (w, s, o) => w.heUniform(mat(s), { nonlinearity: 'relu', ...o }) },
  { name: 'kaimingUniform a=√5', method: 'kaimingUniform', shape: [37, 113], call: (w, s, o) => w.kaimingUniform(mat(s), { a: Math.sqrt(5), ...o }) },
  { name: 'heNormal truncated', method: 'heNormal', shape: [37, 113, 3], call: (w, s, o) => w.heNormal(mat(s), { distribution: 'truncatedNormal', ...o }) },
  { name: 'kaimingNormal float16', method: 'kaimingNormal', shape: [37, 113], call: (w, s, o) => w.kaimingNormal(mat(s), { dtype: 'float16', ...o }), out: Uint16Array },
  { name: 'lecunUniform bfloat16', method: 'lecunUniform', shape: [37, 113], call: (w, s, o) => w.lecunUniform(mat(s), { dtype: 'bfloat16', ...o }), out: Uint16Array },
  { name: 'lecunNormal', method: 'lecunNormal', shape: [37, 113], call: (w, s, o) => w.lecunNormal(mat(s), o) },
  { name: 'sparse', method: 'sparse', shape: [37, 113], call: (w, s, o) => w.sparse(mat(s), { sparsity: 0.4, ...o }) },
  { name: 'orthogonal (wide)', method: 'orthogonal', shape: [37, 113], call: (w, s, o) => w.orthogonal(flat2(s), { gain: 1.5, ...o }) },
  { name: 'deltaOrthogonal', method: 'deltaOrthogonal', shape: [113, 37], call: (w, s, o) => w.deltaOrthogonal(conv(s), o) },
  { name: 'parameter he_leaky', method: 'parameter', shape: [37, 113], call: (w, s, o) => { const m = flat2(s); return w.parameter(m[0]!, m[1]!, 'he_leaky', { alpha: 0.2, ...(o as object) }); }, draws: true },
  { name: 'constant', method: 'constant', shape: [37, 113], call: (w, s, o) => w.constant(s, { value: -0.25, ...o }), draws: false },
  { name: 'zeros', method: 'zeros', shape: [37, 113], call: (w, s, o) => w.zeros(s, o), draws: false },
  { name: 'ones float16', method: 'ones', shape: [37, 113], call: (w, s, o) => w.ones(s, { dtype: 'float16', ...o }), out: Uint16Array, draws: false },
  { name: 'eye', method: 'eye', shape: [37, 113], call: (w, s, o) => w.eye(flat2(s), { gain: 2, ...o }), draws: false },
  { name: 'dirac', method: 'dirac', shape: [113, 37], call: (w, s, o) => w.dirac(conv(s), o), draws: false },
];
