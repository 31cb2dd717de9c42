// float16 / bfloat16 output written by the generators themselves (uniform, normal, the truncated
// normal's fast path and the presets on them): every value equals an independent reference, the
// float32 fill of the same key rounded to the nearest half value (ties to the even pattern) and
// clamped as docs/stream.md says ("dtypes"): a half value that rounding carried onto or past a
// bound becomes the nearest half value inside the bounds ([a, b], or [low, high) for uniform).
// Over many seeds, sizes that are not multiples of a block, `range`, `out` views and the pool.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeightInit } from '../src/weightinit.js';
import { load, wi as shared } from './helpers/load.js';

type Half = 'float16' | 'bfloat16';

// ---- the reference, from the formats' definitions ----

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The value of a pattern. */
function valueOf(dtype: Half, h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  if (dtype === 'bfloat16') {
    U32[0] = h << 16;
    return F32[0]!;
  }
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f === 0 ? s * Infinity : Number.NaN;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** The finite non-negative values of each half type, ascending, indexed by their pattern. */
const POSITIVE: Record<Half, Float64Array> = {
  float16: Float64Array.from({ length: 0x7c00 }, (_, p) => valueOf('float16', p)),
  bfloat16: Float64Array.from({ length: 0x7f80 }, (_, p) => valueOf('bfloat16', p)),
};

/** Round to nearest, ties to the even pattern (x finite and within the type's range). */
function round(dtype: Half, x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  const v = POSITIVE[dtype];
  let lo = 0;
  let hi = v.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (v[mid]! <= a) lo = mid;
    else hi = mid - 1;
  }
  if (v[lo] === a) return sign | lo;
  if (lo === v.length - 1) throw new Error(`${x} is beyond ${dtype}'s range`);
  const below = a - v[lo]!;
  const above = v[lo + 1]! - a;
  return sign | (below < above ? lo : above < below ? lo + 1 : lo % 2 === 0 ? lo : lo + 1);
}

/** A value's pattern; zero is the positive one. */
function patternOf(dtype: Half, x: number): number {
  return x === 0 ? 0 : round(dtype, x);
}

/** Every finite value of each half type, ascending. */
const ALL: Record<Half, number[]> = {
  float16: [...POSITIVE.float16].flatMap((v) => [v, -v]).sort((p, q) => p - q),
  bfloat16: [...POSITIVE.bfloat16].flatMap((v) => [v, -v]).sort((p, q) => p - q),
};

/** The half values inside the bounds: the smallest >= lo, the largest <= hi (< hi when open). */
function halfBounds(dtype: Half, lo: number, hi: number, hiOpen: boolean): [number, number] {
  const all = ALL[dtype];
  const least = all.find((v) => v >= lo)!;
  const most = all.filter((v) => (hiOpen ? v < hi : v <= hi)).pop()!;
  return [least, most];
}

/** The documented result: float32 values rounded, then values past a bound replaced by the bound's pattern. */
function reference(dtype: Half, f32: Float32Array, bounds?: { lo: number; hi: number; hiOpen: boolean }): Uint16Array {
  const [least, most] = bounds === undefined ? [-Infinity, Infinity] : halfBounds(dtype, bounds.lo, bounds.hi, bounds.hiOpen);
  return Uint16Array.from(f32, (x) => {
    const h = round(dtype, x);
    const v = valueOf(dtype, h);
    if (v < least) return patternOf(dtype, least);
    if (v > most) return patternOf(dtype, most);
    return h;
  });
}

// ---- the calls ----

type Draw = {
  name: string;
  /** The draw with extra options (dtype, seed, range, out). */
  fill: (w: WeightInit, n: number, o: Record<string, unknown>) => unknown;
  bounds?: { lo: number; hi: number; hiOpen: boolean };
  /** The one dtype the draw is for (no value of the other lies in its bounds). */
  only?: Half;
};

const uniform = (low: number, high: number): Draw => ({
  name: `uniform [${low}, ${high})`,
  fill: (w, n, o) => w.uniform([n], { low, high, ...o }),
  bounds: { lo: low, hi: high, hiOpen: true },
});
const normal = (mean: number, std: number): Draw => ({ name: `normal(${mean}, ${std})`, fill: (w, n, o) => w.normal([n], { mean, std, ...o }) });
const truncated = (mean: number, std: number, a: number, b: number): Draw => ({
  name: `truncatedNormal(${mean}, ${std}) on [${a}, ${b}]`,
  fill: (w, n, o) => w.truncatedNormal([n], { mean, std, a, b, ...o }),
  bounds: { lo: a, hi: b, hiOpen: false },
});

/** The bits of a fill's result, whatever it returned (a Tensor or the `out` array). */
function bits(r: unknown): Uint16Array {
  const data = (r as { data?: ArrayBufferView }).data ?? (r as ArrayBufferView);
  return new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2).slice();
}
function floats(r: unknown): Float32Array {
  return ((r as { data?: Float32Array }).data ?? (r as Float32Array)).slice();
}
function free(r: unknown): void {
  (r as { free?: () => void }).free?.();
}

/** The first differing index, with both patterns, or undefined. */
function firstDifference(got: Uint16Array, want: Uint16Array, f32: Float32Array): string | undefined {
  if (got.length !== want.length) return `length ${got.length}, want ${want.length}`;
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) return `element ${i}: float32 ${f32[i]} gave 0x${got[i]!.toString(16)}, want 0x${want[i]!.toString(16)}`;
  }
  return undefined;
}

function show(o: Record<string, unknown>): string {
  return JSON.stringify(o, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** Fills n elements (options o) as float32 and as dtype, and checks the half bits against the reference. */
function check(w: WeightInit, d: Draw, dtype: Half, n: number, o: Record<string, unknown>): void {
  const f32r = d.fill(w, n, o);
  const f32 = floats(f32r);
  free(f32r);
  const want = reference(dtype, f32, d.bounds);
  const r = d.fill(w, n, { ...o, dtype });
  const got = bits(r);
  free(r);
  expect(firstDifference(got, want, f32), `${d.name} ${dtype} n=${n} ${show(o)}`).toBeUndefined();
}

const DRAWS: Draw[] = [
  uniform(0, 1),
  uniform(-1, 1),
  uniform(-3.7, 2.25),
  normal(0, 1),
  normal(0.5, 0.02),
  truncated(0, 1, -2, 2),
  truncated(0.3, 0.7, -0.5, 1.5),
];
const DTYPES: Half[] = ['float16', 'bfloat16'];

describe('half output written by the generators equals the float32 draw rounded and clamped', () => {
  it('many seeds, sizes off the block grid (1 .. 70,001), every draw and dtype', async () => {
    const w = await shared();
    for (const d of DRAWS) {
      for (const dtype of DTYPES) {
        for (const [i, n] of [1, 7, 8, 1023, 1025, 3001, 70_001].entries()) check(w, d, dtype, n, { seed: 1000 + 17 * i });
      }
    }
    for (let seed = 0; seed < 24; seed++) check(w, DRAWS[seed % DRAWS.length]!, DTYPES[seed % 2]!, 2049 + seed, { seed: BigInt(seed) * 0x9e3779b97f4a7c15n % 2n ** 64n });
  });

  it('range (offsets inside and across blocks) and out views (an offset into a larger buffer)', async () => {
    const w = await shared();
    const n = 70_001;
    for (const d of DRAWS) {
      for (const dtype of DTYPES) {
        for (const range of [[0, 5], [13, 1030], [1023, 1025], [1000, 69_999], [65_535, 65_537]] as const) {
          check(w, d, dtype, n, { seed: 42, range });
          const buf = new Uint16Array(range[1] - range[0] + 9);
          const view = buf.subarray(5, 5 + range[1] - range[0]);
          const f32r = d.fill(w, n, { seed: 42, range });
          const f32 = floats(f32r);
          free(f32r);
          d.fill(w, n, { seed: 42, range, dtype, out: view });
          expect(firstDifference(view, reference(dtype, f32, d.bounds), f32), `${d.name} ${dtype} out ${range}`).toBeUndefined();
          expect([...buf.subarray(0, 5), ...buf.subarray(5 + view.length)]).toEqual(new Array(9).fill(0));
        }
      }
    }
  });

  it('the presets on these draws (uniform, normal, truncated variants)', async () => {
    const w = await shared();
    const shape = [300, 257];
    for (const dtype of DTYPES) {
      for (const [name, o] of [
        ['heUniform', {}], ['glorotUniform', {}], ['lecunUniform', {}], ['heNormal', {}], ['glorotNormal', {}],
        ['heNormal', { distribution: 'truncatedNormal' }], ['lecunNormal', { distribution: 'truncatedNormal' }],
      ] as const) {
        const call = (extra: Record<string, unknown>) => (w[name] as (s: number[], o: object) => unknown)(shape, { seed: 5, ...o, ...extra });
        const f32r = call({});
        const f32 = floats(f32r);
        free(f32r);
        // the bounds are the draw's own (uniform: ±bound; truncated: ±2σ), read back from the float32 draw's law
        const fan = 257;
        const scale = name.startsWith('he') ? Math.SQRT2 ** 2 / fan : name.startsWith('glorot') ? 2 / (300 + 257) : 1 / fan;
        const uniformBound = Math.fround(Math.sqrt(3 * scale));
        const truncStd = Math.sqrt(scale) / 0.87962566103423978;
        const bounds = name.endsWith('Uniform')
          ? { lo: -uniformBound, hi: uniformBound, hiOpen: true }
          : 'distribution' in o
            ? { lo: -Math.fround(2 * truncStd), hi: Math.fround(2 * truncStd), hiOpen: false }
            : undefined;
        const r = call({ dtype });
        const got = bits(r);
        free(r);
        expect(firstDifference(got, reference(dtype, f32, bounds), f32), `${name} ${JSON.stringify(o)} ${dtype}`).toBeUndefined();
      }
    }
  });

  it('odd cases: subnormal halves, ±0, values rounding onto a bound, the excluded upper bound', async () => {
    const w = await shared();
    const odd: Draw[] = [
      uniform(-1e-5, 1e-5), // float16: all subnormal
      uniform(-1e-38, 1e-38), // float32 subnormals; bfloat16 subnormal, float16 all ±0
      uniform(-1e-9, 1e-9), // float16: the lower bound is the half zero (−0 kept where rounding gives it)
      uniform(-(2 ** -25), 2 ** -20), // a tie at the lower bound
      uniform(0, 2 ** -24), // float16: only +0 and one subnormal... below the open bound: all +0
      uniform(0, 1e-7),
      { ...uniform(1 - 2 ** -10, 1), only: 'float16' }, // every value rounds onto 1 = high, excluded
      uniform(1 - 2 ** -7, 1), // values round onto 1 = high
      uniform(-1, 1 + 2 ** -11), // high between two halves
      uniform(-(1 + 2 ** -11), -0.5), // low between two halves, high negative
      uniform(65000, 65504), // the largest float16 values
      normal(0, 1e-6), // float16 subnormals of both signs
      normal(-3, 1e-30), // bfloat16 of tiny spreads
      truncated(0, 1, -1e-9, Infinity), // the lower bound rounds to the half zero (fast path: mass 1/2)
      truncated(0, 1, -2, 2 + 2 ** -12), // an upper bound between two halves
      truncated(1, 1e-3, 0.999, 1.001),
    ];
    for (const d of odd) {
      for (const dtype of DTYPES.filter((t) => d.only === undefined || t === d.only)) {
        for (const [i, n] of [5000, 1031].entries()) check(w, d, dtype, n, { seed: 77 + i });
      }
    }
  });

  it('signed zeros: a negative value that rounds to zero stays −0 unless the lower bound moves it', async () => {
    const w = await shared();
    const t = bits(w.uniform([20_000], { low: -1e-9, high: 1e-9, dtype: 'float16', seed: 3 }));
    expect(t.includes(0x8000)).toBe(true);
    expect(t.includes(0)).toBe(true);
    expect(t.every((h) => h === 0 || h === 0x8000)).toBe(true);
  });
});

describe('the worker pool writes the same half bits', () => {
  let pool: WeightInit;
  beforeAll(async () => {
    pool = await load({ seed: 20261123, workers: 2 });
  });
  afterAll(() => pool.close());

  it('2 workers: tensors, range and out views match the reference and one thread', async () => {
    expect(pool.threads).toBe(3);
    const one = await shared();
    const n = 300_007;
    for (const d of [...DRAWS, uniform(-1e-9, 1e-9), truncated(0, 1, -1e-9, Infinity)]) {
      for (const dtype of DTYPES) {
        check(pool, d, dtype, n, { seed: 9 });
        check(pool, d, dtype, n, { seed: 10, range: [1001, 290_003] });
        const view = new Uint16Array(n + 3).subarray(3);
        d.fill(pool, n, { seed: 11, dtype, out: view });
        const r = d.fill(one, n, { seed: 11, dtype });
        expect(firstDifference(view, bits(r), new Float32Array(n)), `${d.name} ${dtype} out`).toBeUndefined();
        free(r);
      }
    }
  });
});
