// Bad options of the initializers: a TypeError or RangeError that names the function, the option
// and what is allowed, thrown before anything is allocated or any key is consumed.
import { describe, expect, it } from 'vitest';
import { badInputCases } from './helpers/bad-input.js';
import { Parameter, load } from '../src/index.js';
import type { WeightInit } from '../src/weightinit.js';

type Case = [label: string, f: (w: WeightInit) => unknown, type: typeof RangeError | typeof TypeError, message: RegExp];

const cases: Case[] = [
  ['truncatedNormal std beyond float32', (w) => w.truncatedNormal([3], { std: 1e300, a: -Infinity, b: Infinity }), RangeError, /std must be representable as a finite float32.*got 1e\+300/],
  ['truncatedNormal mean beyond float32', (w) => w.truncatedNormal([3], { mean: 1e39, a: -Infinity, b: Infinity }), RangeError, /mean must be representable as a finite float32.*got 1e\+39/],
  ['1-D torch shape', (w) => w.heNormal([5]), RangeError, /^weightinit\.heNormal: cannot compute fan_in and fan_out of a 1-D shape \[5\]/],
  ['0-D torch shape', (w) => w.glorotUniform([]), RangeError, /^weightinit\.glorotUniform: .*0-D shape \[\]/],
  ['bad layout', (w) => w.lecunNormal([3, 3], { layout: 'NCHW' as never }), RangeError, /layout must be one of "torch" .*"tf" .*got "NCHW"/],
  ['bad mode', (w) => w.varianceScaling([3, 3], { mode: 'avg' as never }), RangeError, /mode must be one of "fanIn", "fanOut", "fanAvg", "fanGeoAvg", "fan_in", "fan_out", "fan_avg", "fan_geo_avg", got "avg"/],
  ['kaiming fanAvg', (w) => w.kaimingNormal([3, 3], { mode: 'fanAvg' as never }), RangeError, /mode must be one of "fanIn", "fanOut", "fan_in", "fan_out", got "fanAvg"/],
  ['bad distribution', (w) => w.varianceScaling([3, 3], { distribution: 'truncated_normal' as never }), RangeError, /distribution must be one of "normal", "truncatedNormal", "uniform", got "truncated_normal"/],
  ['preset distribution', (w) => w.heNormal([3, 3], { distribution: 'uniform' as never }), RangeError, /distribution must be one of "normal", "truncatedNormal", got "uniform"/],
  ['uniform preset has no distribution', (w) => w.heUniform([3, 3], { distribution: 'normal' } as never), TypeError, /unknown option "distribution"/],
  ['negative scale', (w) => w.varianceScaling([3, 3], { scale: -1 }), RangeError, /scale must be >= 0, got -1/],
  ['scale NaN', (w) => w.varianceScaling([3, 3], { scale: Number.NaN }), RangeError, /scale must be a finite number, got NaN/],
  ['overflowing scale', (w) => w.varianceScaling([3, 3], { scale: 1e300 }), RangeError, /scale \(or gain²\) 1e\+300 over n = 3 makes the std .* too large for float32 values/],
  ['gain string', (w) => w.glorotNormal([3, 3], { gain: '2' as never }), TypeError, /gain must be a number, got "2"/],
  ['unknown nonlinearity', (w) => w.kaimingUniform([3, 3], { nonlinearity: 'gelu' as never }), RangeError, /nonlinearity must be one of "linear", .*"selu", got "gelu"/],
  ['a not a number', (w) => w.kaimingUniform([3, 3], { a: null as never }), TypeError, /a must be a number, got null/],
  ['bad dtype', (w) => w.heNormal([3, 3], { dtype: 'float8' as never }), RangeError, /dtype must be one of "float32", "float64", "float16", "bfloat16", got "float8"/],
  ['dtype not a string', (w) => w.heNormal([3, 3], { dtype: 16 as never }), TypeError, /dtype must be one of .*got 16/],
  ['out type vs dtype', (w) => w.heNormal([3, 3], { dtype: 'float64', out: new Float32Array(9) }), TypeError, /out must be a Float64Array, got Float32Array\(9\)/],
  ['out length', (w) => w.heNormal([3, 3], { out: new Float32Array(8) }), RangeError, /out has 8 elements, but 9 are to be written/],
  ['range', (w) => w.glorotUniform([3, 3], { range: [4, 2] }), RangeError, /range must be \[start, end\].*got \[4, 2\]/],
  ['axes and layout', (w) => w.heNormal([3, 3], { layout: 'tf', inAxis: 0 }), TypeError, /either layout or inAxis/],
  ['typo option', (w) => w.glorotUniform([3, 3], { gian: 2 } as never), TypeError, /unknown option "gian"; valid options are "gain", "layout", "inAxis", "outAxis", "batchAxis", "seed", "name", "out", "range", "dtype"/],
  ['eye 3-D', (w) => w.eye([2, 2, 2]), RangeError, /^weightinit\.eye: shape must be 2-D \[rows, cols\], got \[2, 2, 2\]/],
  ['dirac 2-D', (w) => w.dirac([3, 3]), RangeError, /^weightinit\.dirac: shape must be 3-, 4- or 5-D/],
  ['dirac groups', (w) => w.dirac([6, 2, 3], { groups: 4 }), RangeError, /out-channel dimension \(6\) must be divisible by groups \(4\)/],
  ['dirac groups 0', (w) => w.dirac([6, 2, 3], { groups: 0 }), RangeError, /groups must be a positive integer, got 0/],
  ['sparse without sparsity', (w) => w.sparse([3, 3], {} as never), TypeError, /sparsity is required/],
  ['sparse sparsity > 1', (w) => w.sparse([3, 3], { sparsity: 1.5 }), RangeError, /sparsity must be in \[0, 1\], got 1.5/],
  ['sparse 1-D', (w) => w.sparse([9], { sparsity: 0.5 }), RangeError, /shape must be 2-D \[rows, cols\], got \[9\]/],
  ['sparse std < 0', (w) => w.sparse([3, 3], { sparsity: 0.5, std: -1 }), RangeError, /std must be >= 0, got -1/],
  ['constant value string', (w) => w.constant([3], { value: '1' as never }), TypeError, /value must be a number, got "1"/],
  ['parameter method', (w) => w.parameter(3, 4, 'glorot' as never), RangeError, /method must be one of "xavier", "he", "he_leaky", "normal", "uniform", got "glorot"/],
  ['parameter size', (w) => w.parameter(-3, 4, 'he'), RangeError, /inputSize must be a non-negative integer, got -3/],
  ['parameter option', (w) => w.parameter(3, 4, 'he', { slope: 1 } as never), TypeError, /unknown option "slope"; valid options are "gain", "alpha", "seed", "name", "dtype", "out", "range"/],
  ['Parameter without instance', () => new Parameter({} as never, 3, 4), TypeError, /must be a loaded instance/],
];

describe('initializers: bad input', () => {
  badInputCases(cases);
});
