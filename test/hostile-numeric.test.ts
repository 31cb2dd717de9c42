// Hostile numbers: truncatedNormal at the edges of float32/float64 (fast-check with fixed
// seeds), overflow of normal/uniform/variance-scaled draws, extreme constants and gains,
// -0 everywhere, half-precision outputs, and error messages that must quote what was passed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calculateGain, computeFans, load, loadSync } from '../src/index.js';
import type { WeightInit } from '../src/weightinit.js';
import { bytesOf, expectRejected, expectTwinInStep, pair, rejectionProblem, valuesOf } from './helpers/hostile.js';

const FLT_MAX = 3.4028234663852886e38;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 next to x (a float32) towards +Infinity / -Infinity; written here, not taken from src/. */
function nextUp(x: number): number {
  if (x === 0) return 2 ** -149;
  f32[0] = x;
  u32[0] = x > 0 ? u32[0]! + 1 : u32[0]! - 1;
  return f32[0]!;
}
function nextDown(x: number): number {
  return -nextUp(-x);
}
/** Smallest finite float32 >= x, or Infinity. */
function ceilF32(x: number): number {
  if (x > FLT_MAX) return Infinity;
  if (x <= -FLT_MAX) return -FLT_MAX;
  const r = Math.fround(x);
  return r >= x ? r : nextUp(r);
}
/** Largest finite float32 <= x, or -Infinity. */
function floorF32(x: number): number {
  if (x < -FLT_MAX) return -Infinity;
  if (x >= FLT_MAX) return FLT_MAX;
  const r = Math.fround(x);
  return r <= x ? r : nextDown(r);
}

/** When truncatedNormal must accept (mean, std, a, b): the contract, computed independently. */
function truncValid(mean: number, std: number, a: number, b: number): boolean {
  const finiteF32 = (v: number) => Number.isFinite(v) && Number.isFinite(Math.fround(v));
  return finiteF32(mean) && finiteF32(std) && Math.fround(std) > 0 && !Number.isNaN(a) && !Number.isNaN(b) && a < b && ceilF32(a) <= floorF32(b);
}

/** Problems with one truncatedNormal call: a wrong accept/reject decision, NaN, or a value outside [a, b]. */
function truncProblems(w: WeightInit, mean: number, std: number, a: number, b: number, dtype: 'float32' | 'float64'): string | undefined {
  const label = `truncatedNormal({ mean: ${mean}, std: ${std}, a: ${a}, b: ${b}, dtype: ${dtype} })`;
  const valid = truncValid(mean, std, a, b);
  if (!valid) {
    const { problem } = rejectionProblem(w, () => w.truncatedNormal([67], { mean, std, a, b, dtype, seed: 11 }), RangeError, 'truncatedNormal');
    return problem === undefined ? undefined : `${label}: ${problem}`;
  }
  let t;
  try {
    t = w.truncatedNormal([67], { mean, std, a, b, dtype, seed: 11 });
  } catch (e) {
    return `${label}: rejected a valid call: ${(e as Error).message}`;
  }
  const vals = Array.from(t.data as ArrayLike<number>);
  t.free();
  const nan = vals.filter((v) => Number.isNaN(v)).length;
  const outside = vals.filter((v) => v < a || v > b);
  if (nan > 0 || outside.length > 0) return `${label}: ${nan} NaN, ${outside.length} outside [a, b], e.g. ${outside[0]}`;
  return undefined;
}

const EXTREMES = [
  0, -0, 1, -1, 2, -2, 0.5, 1e-300, -1e-300, 1e-45, 1.4e-45, 1.401298464324817e-45, 7e-46, 5e-324, 1e-38, 1.1754943508222875e-38, 1e10,
  1e30, -1e30, 1e38, -1e38, 3e38, -3e38, 3.4e38, -3.4e38, FLT_MAX, -FLT_MAX, 3.4028235677973366e38, 3.5e38, -3.5e38, 1e39, -1e39,
  1e155, -1e155, 1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, Number.NaN,
];

describe('4. truncatedNormal at the extremes', () => {
  it('the brief\'s table: a/b at ±1e39, ±Infinity, ±1e155, ±3.4e38, tiny intervals, std 1e-300 / 1e-45 / 1e30, mean ±3e38', async () => {
    const w = await load({ seed: 3 });
    const problems: string[] = [];
    const table: [number, number, number, number][] = [
      [0, 1, -1e39, 1e39], [0, 1, -Infinity, Infinity], [0, 1, 1e155, Infinity], [0, 1, -Infinity, -1e155], [0, 1, -1e155, 1e155],
      [0, 1, -3.4e38, 3.4e38], [0, 1, 3.4e38, Infinity], [0, 1, -Infinity, -3.4e38], [0, 1, 3.4e38, 3.5e38], [0, 1, 1e39, 1e40],
      [0, 1, 1, 1 + 2 ** -52], [0, 1, 0.1, 0.1 + 1e-17], [0, 1, 1e10, 1e10 + 1e3], [0, 1, 37, 38], [0, 1, -38, -37], [0, 1, 0, 5e-324],
      [0, 1e-300, -1, 1], [0, 1e-45, -1, 1], [0, 1e-45, 1e-45, 3e-45], [0, 1e30, -1e-30, 1e-30], [0, 1e30, -Infinity, Infinity],
      [3e38, 1, -Infinity, Infinity], [-3e38, 1, -Infinity, Infinity], [3e38, 3e38, -Infinity, Infinity], [-3e38, 3e38, 3e38, Infinity],
      [3e38, 1, -Infinity, -3e38], [-3e38, 1, 3e38, Infinity], [3.4e38, 3.4e38, -Infinity, Infinity], [0, 3.4e38, 3.3e38, 3.4e38],
      [0, 1, -2, 2], [5, 1e-45, -2, 2], [0, 1, -1e-45, 1e-45], [0, 1, 2 ** -149, 2 ** -148],
    ];
    for (const [mean, std, a, b] of table) {
      for (const dtype of ['float32', 'float64'] as const) {
        const p = truncProblems(w, mean, std, a, b, dtype);
        if (p !== undefined) problems.push(p);
      }
    }
    expect(problems).toEqual([]);
  });

  it('fast-check over mean/std/a/b including extreme doubles: accepted calls stay inside [a, b] with no NaN; the rest are RangeErrors', async () => {
    const w = await load({ seed: 3 });
    const num = fc.oneof(fc.constantFrom(...EXTREMES), fc.double(), fc.double({ min: -10, max: 10, noNaN: true }));
    const problems: string[] = [];
    fc.assert(
      fc.property(num, num, num, num, (mean, std, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]; // mostly ordered intervals, so most calls are accepted ...
        for (const [x, y] of [[lo, hi], [a, b]] as const) { // ... and the given order too
          const p = truncProblems(w, mean, std, x, y, 'float32');
          if (p !== undefined) problems.push(p);
        }
        return problems.length === 0;
      }),
      { seed: 42, numRuns: 3000 },
    );
    expect(problems).toEqual([]);
  });

  it('the rejections say why (a >= b, no float32 in [a, b], std <= 0, std rounding to 0, NaN bound)', async () => {
    const [w, twin] = await pair();
    expectRejected(w, () => w.truncatedNormal([4], { a: 1, b: 1 }), RangeError, 'truncatedNormal', /a must be less than b.*a = 1, b = 1/);
    expectRejected(w, () => w.truncatedNormal([4], { a: 1e39, b: 1e40 }), RangeError, 'truncatedNormal', /no finite float32 value lies in \[a, b\] = \[1e\+39, 1e\+40\]/);
    expectRejected(w, () => w.truncatedNormal([4], { a: 0.1, b: 0.1 + 1e-17 }), RangeError, 'truncatedNormal', /no finite float32 value/);
    expectRejected(w, () => w.truncatedNormal([4], { std: 0 }), RangeError, 'truncatedNormal', /std must be > 0/);
    expectRejected(w, () => w.truncatedNormal([4], { std: 1e-300 }), RangeError, 'truncatedNormal', /std must be > 0.*1e-300/);
    expectRejected(w, () => w.truncatedNormal([4], { a: Number.NaN }), RangeError, 'truncatedNormal', /a must be a number.*NaN/);
    expectRejected(w, () => w.truncatedNormal([4], { mean: 1e39 }), RangeError, 'truncatedNormal', /mean.*1e\+39/);
    expectTwinInStep(w, twin);
  });
});

describe('8. extreme floats everywhere', () => {
  it('normal([4], { std: 1e38 }) is a RangeError (values would overflow float32)', async () => {
    const [w, twin] = await pair();
    expectRejected(w, () => w.normal([4], { std: 1e38 }), RangeError, 'normal', /std/);
    expectRejected(w, () => w.normal([4], { mean: 3.4e38, std: 1e36 }), RangeError, 'normal', /mean/);
    expect(() => w.normal([4], { mean: 3.4e38, std: 1e32, seed: 1 }).free()).not.toThrow(); // 3.4e38 + 6.764e32 is still a float32
    expectTwinInStep(w, twin);
  });

  it('error messages quote the value as passed, not its float32 rounding', async () => {
    const [w, twin] = await pair();
    expectRejected(w, () => w.normal([4], { std: 1e38 }), RangeError, 'normal', /std = 1e\+38/);
    expectRejected(w, () => w.uniform([4], { low: 1, high: 1.000000001 }), RangeError, 'uniform', /high = 1\.000000001/);
    expectTwinInStep(w, twin);
  });

  it('fast-check: accepted normal / uniform / varianceScaling / sparse / parameter calls never produce ±Infinity or NaN (and uniform stays in [low, high))', async () => {
    const w = await load({ seed: 5 });
    const problems: string[] = [];
    const huge = fc.oneof(fc.constantFrom(...EXTREMES.filter((x) => Number.isFinite(x))), fc.double({ noNaN: true, noDefaultInfinity: true }));
    const nearEdge = fc.tuple(fc.double({ min: 1, max: 5e37, noNaN: true }), fc.double({ min: 0.9999, max: 1.0001, noNaN: true }), fc.boolean());
    const check = (label: string, f: () => unknown, inRange?: (v: number) => boolean): void => {
      let t;
      try {
        t = f() as { data: Float32Array; free(): void };
      } catch (e) {
        if (!(e instanceof RangeError || e instanceof TypeError) || !/^weightinit\.\w+: /.test(e.message)) problems.push(`${label}: threw ${String(e)}`);
        return;
      }
      const bad = Array.from(t.data).filter((v) => !Number.isFinite(v) || (inRange !== undefined && !inRange(v)));
      t.free();
      if (bad.length > 0) problems.push(`${label}: ${bad.length} bad values, e.g. ${bad[0]}`);
    };
    fc.assert(
      fc.property(huge, huge, nearEdge, (x, y, [std, k, neg]) => {
        // the boundary |mean| + 6.764·std ≈ FLT_MAX, approached from both sides
        const mean = (neg ? -1 : 1) * (FLT_MAX - 6.764 * std) * k;
        check(`normal({ mean: ${mean}, std: ${std} })`, () => w.normal([1031], { mean, std, seed: 1 }));
        check(`normal({ mean: ${x}, std: ${Math.abs(y)} })`, () => w.normal([257], { mean: x, std: Math.abs(y), seed: 2 }));
        const [low, high] = x < y ? [x, y] : [y, x];
        check(`uniform({ low: ${low}, high: ${high} })`, () => w.uniform([257], { low, high, seed: 3 }), (v) => v >= Math.fround(low) && v < Math.fround(high));
        const scale = Math.abs(x);
        for (const distribution of ['normal', 'truncatedNormal', 'uniform'] as const) {
          check(`varianceScaling([3, 5], { scale: ${scale}, distribution: ${distribution} })`, () => w.varianceScaling([3, 5], { scale, distribution, seed: 4 }));
        }
        const edgeScale = ((FLT_MAX / 6.764) ** 2) * 5 * k; // std right at the float32 limit for fan_in 5
        check(`varianceScaling([3, 5], { scale: ${edgeScale} })`, () => w.varianceScaling([3, 5], { scale: edgeScale, distribution: 'normal', seed: 4 }));
        check(`glorotNormal({ gain: ${x} })`, () => w.glorotNormal([3, 5], { gain: x, seed: 5 }));
        check(`heUniform({ a: ${x} })`, () => w.heUniform([3, 5], { a: x, seed: 5 }));
        check(`sparse({ std: ${std * k * 6} })`, () => w.sparse([7, 5], { sparsity: 0.3, std: std * k * 6, seed: 6 }));
        check(`parameter('normal', { gain: ${x} })`, () => w.parameter(5, 3, 'normal', { gain: x, seed: 7 }));
        check(`parameter('uniform', { gain: ${x} })`, () => w.parameter(5, 3, 'uniform', { gain: x, seed: 7 }));
        return problems.length === 0;
      }),
      { seed: 42, numRuns: 300 },
    );
    expect(problems).toEqual([]);
  });

  it('constant: ±1e39 are RangeErrors; Infinity, -Infinity, NaN and -0 are written as given (every dtype)', async () => {
    const [w, twin] = await pair();
    expectRejected(w, () => w.constant([4], { value: 1e39 }), RangeError, 'constant', /1e\+39/);
    expectRejected(w, () => w.constant([4], { value: -1e39 }), RangeError, 'constant', /-1e\+39/);
    expectRejected(w, () => w.constant([4], { value: 3.5e38, dtype: 'float64' }), RangeError, 'constant', /3\.5e\+38/);
    // a finite value that would round to ±Infinity in the output dtype is a RangeError, as in float32
    expectRejected(w, () => w.constant([4], { value: FLT_MAX, dtype: 'float16' }), RangeError, 'constant', /beyond float16's largest finite value 65504/);
    expectRejected(w, () => w.constant([4], { value: FLT_MAX, dtype: 'bfloat16' }), RangeError, 'constant', /beyond bfloat16's largest finite value/);
    for (const value of [Infinity, -Infinity, Number.NaN, -0, FLT_MAX, 2 ** -149]) {
      for (const dtype of ['float32', 'float64', 'float16', 'bfloat16'] as const) {
        if (value === FLT_MAX && (dtype === 'float16' || dtype === 'bfloat16')) continue;
        const got = valuesOf(w.constant([5], { value, dtype }), dtype);
        const want = dtype === 'float32' || dtype === 'float64' ? Math.fround(value) : value;
        if (dtype === 'float16' || dtype === 'bfloat16') {
          // half types: ±Infinity, NaN and -0 must survive as themselves
          if (!Number.isFinite(value) || Object.is(value, -0)) for (const v of got) expect(Object.is(v, value), `${value} as ${dtype}: got ${v}`).toBe(true);
        } else {
          for (const v of got) expect(Object.is(v, want), `${value} as ${dtype}: got ${v}`).toBe(true);
        }
      }
    }
    expectTwinInStep(w, twin);
  });

  it('gain 1e39 for eye, orthogonal, deltaOrthogonal, glorot*/xavier* is a RangeError naming the gain', async () => {
    const [w, twin] = await pair();
    const calls: [string, () => unknown][] = [
      ['eye', () => w.eye([3, 3], { gain: 1e39 })],
      ['orthogonal', () => w.orthogonal([3, 3], { gain: 1e39 })],
      ['deltaOrthogonal', () => w.deltaOrthogonal([4, 3, 3], { gain: 1e39 })],
      ['glorotUniform', () => w.glorotUniform([3, 3], { gain: 1e39 })],
      ['glorotNormal', () => w.glorotNormal([3, 3], { gain: -1e39 })],
      ['xavierUniform', () => w.xavierUniform([3, 3], { gain: 1e39 })],
      ['xavierNormal', () => w.xavierNormal([3, 3], { gain: 1e39, distribution: 'truncatedNormal' })],
    ];
    for (const [fn, f] of calls) expectRejected(w, f, RangeError, fn, /gain.*1e\+39/);
    // the largest float32 gain is accepted and stays finite
    const e = w.eye([2, 2], { gain: FLT_MAX });
    expect(Array.from(e.data)).toEqual([FLT_MAX, 0, 0, FLT_MAX]);
    const o = w.orthogonal([3, 3], { gain: 1e30, seed: 1 });
    expect(Array.from(o.data).every((v) => Number.isFinite(v))).toBe(true);
    expectTwinInStep(w, twin);
  });

  it('-0 in shapes, counts, ranges and seeds is treated as 0 (no -0 comes back)', async () => {
    const w = await load({ seed: 1 });
    const t = w.normal([-0, 3]);
    expect(Object.is(t.shape[0], 0)).toBe(true);
    expect(t.size).toBe(0);
    for (const s of [[-0], [3, -0], [-0, -0, 2]]) {
      for (const f of [(x: number[]) => w.zeros(x), (x: number[]) => w.uniform(x), (x: number[]) => w.truncatedNormal(x)]) {
        const r = f(s);
        expect(r.size).toBe(0);
        expect(r.shape.some((d) => Object.is(d, -0))).toBe(false);
      }
    }
    expect(Object.is(w.uint32(-0).size, 0)).toBe(true);
    expect(w.parameter(-0, 3, 'he').shape.some((d) => Object.is(d, -0))).toBe(false);
    const fans = computeFans([-0, 3], { layout: 'tf' });
    expect(Object.values(fans).some((v) => Object.is(v, -0))).toBe(false);
    const r = w.normal([10], { range: [-0, -0], seed: 1 });
    expect(r.shape.some((d) => Object.is(d, -0))).toBe(false);
    expect(r.size).toBe(0);
    expect(bytesOf(w.normal([8], { seed: -0 }))).toEqual(bytesOf(w.normal([8], { seed: 0 })));
    expect(bytesOf(w.normal([4, 2], { seed: 5, range: [-0, 8] }))).toEqual(bytesOf(w.normal([4, 2], { seed: 5 })));
  });

  it('calculateGain(undefined) is a TypeError; loadSync of 3 bytes is a TypeError naming what was expected', async () => {
    expect(() => calculateGain(undefined as never)).toThrow(TypeError);
    expect(() => calculateGain(undefined as never)).toThrow(/^weightinit\.calculateGain: nonlinearity must be one of .*"relu".*got undefined/);
    expect(() => calculateGain('leaky_relu', Number.NaN)).toThrow(RangeError);
    expect(() => calculateGain('leaky_relu', Infinity)).toThrow(/^weightinit\.calculateGain: .*finite.*Infinity/);
    expect(() => loadSync(new Uint8Array([1, 2, 3]))).toThrow(TypeError);
    expect(() => loadSync(new Uint8Array([1, 2, 3]))).toThrow(/^weightinit\.loadSync: .*(WebAssembly module|core\.wasm)/);
    await expect(load({ module: new Uint8Array([1, 2, 3]) })).rejects.toThrow(/^weightinit\.load: .*(WebAssembly module|core\.wasm)/);
    expect(() => loadSync(undefined as never)).toThrow(/^weightinit\.loadSync: the wasm source must be/);
  });
});

describe('half-precision outputs keep the float32 guarantees', () => {
  it('truncatedNormal with dtype float16 / bfloat16 never leaves [a, b]', async () => {
    const w = await load({ seed: 1 });
    const problems: string[] = [];
    for (const dtype of ['bfloat16', 'float16'] as const) {
      for (const [a, b, std] of [[-0.1, 0.1, 1], [1.001, 1.002, 1], [-0.03, 0.03, 0.02], [1e5, 1e6, 1e5], [-2, 2, 1]] as [number, number, number][]) {
        let vals: number[];
        try {
          vals = valuesOf(w.truncatedNormal([4096], { a, b, std, dtype, seed: 1 }), dtype);
        } catch (e) {
          if (!(e instanceof RangeError && e.message.startsWith('weightinit.truncatedNormal: '))) problems.push(`${dtype} [${a}, ${b}]: threw ${String(e)}`);
          continue;
        }
        const outside = vals.filter((v) => !(v >= a && v <= b));
        if (outside.length > 0) problems.push(`truncatedNormal([4096], { a: ${a}, b: ${b}, std: ${std}, dtype: '${dtype}', seed: 1 }): ${outside.length} of 4096 outside [a, b], e.g. ${outside[0]}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('uniform with dtype float16 / bfloat16 stays in [low, high)', async () => {
    const w = await load({ seed: 1 });
    const problems: string[] = [];
    for (const dtype of ['bfloat16', 'float16'] as const) {
      for (const [low, high] of [[0, 0.1], [-0.05, 0.05], [0, 1], [1, 2]] as [number, number][]) {
        const vals = valuesOf(w.uniform([4096], { low, high, dtype, seed: 1 }), dtype);
        const outside = vals.filter((v) => !(v >= low && v < high));
        if (outside.length > 0) problems.push(`uniform([4096], { low: ${low}, high: ${high}, dtype: '${dtype}', seed: 1 }): ${outside.length} outside [low, high), e.g. ${outside[0]}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('finite parameters never give ±Infinity in float16 (overflow is a RangeError, as it is for float32)', async () => {
    const w = await load({ seed: 1 });
    const problems: string[] = [];
    const calls: [string, () => unknown][] = [
      ["normal([4096], { std: 1e5, dtype: 'float16' })", () => w.normal([4096], { std: 1e5, dtype: 'float16', seed: 1 })],
      ["uniform([4096], { low: 0, high: 1e6, dtype: 'float16' })", () => w.uniform([4096], { low: 0, high: 1e6, dtype: 'float16', seed: 1 })],
      ["constant([4], { value: 1e6, dtype: 'float16' })", () => w.constant([4], { value: 1e6, dtype: 'float16' })],
      ["eye([2, 2], { gain: 1e6, dtype: 'float16' })", () => w.eye([2, 2], { gain: 1e6, dtype: 'float16' })],
      ["truncatedNormal([64], { a: 1e5, b: 1e6, std: 1e5, dtype: 'float16' })", () => w.truncatedNormal([64], { a: 1e5, b: 1e6, std: 1e5, dtype: 'float16', seed: 1 })],
      ["constant([4], { value: 3.4e38, dtype: 'bfloat16' })", () => w.constant([4], { value: 3.4e38, dtype: 'bfloat16' })],
    ];
    for (const [label, f] of calls) {
      let t;
      try {
        t = f();
      } catch (e) {
        if (!(e instanceof RangeError && /^weightinit\.\w+: /.test(e.message))) problems.push(`${label}: threw ${String(e)}`);
        continue;
      }
      const dtype = /bfloat16/.test(label) ? 'bfloat16' : 'float16';
      const inf = valuesOf(t, dtype).filter((v) => !Number.isFinite(v)).length;
      if (inf > 0) problems.push(`${label}: ${inf} non-finite values`);
    }
    expect(problems).toEqual([]);
  });
});
