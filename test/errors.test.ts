// Bad input: a RangeError or TypeError naming the value and what is allowed, before any
// kernel runs; nothing allocated, nothing written, the key sequence not advanced.
import { describe, expect, it } from 'vitest';
import { load, loadSync } from '../src/index.js';
import { badInputCases, type BadCall } from './helpers/bad-input.js';


const cases: BadCall[] = [
  ['negative dim', (w) => w.normal([3, -1]), RangeError, /shape\[1\] must be a non-negative integer, got -1/],
  ['fractional dim', (w) => w.uniform([2.5, 3]), RangeError, /shape\[0\] must be a non-negative integer, got 2.5/],
  ['NaN dim', (w) => w.normal([Number.NaN]), RangeError, /shape\[0\].*got NaN/],
  ['string dim', (w) => w.normal(['3' as unknown as number]), TypeError, /shape\[0\].*got "3"/],
  ['non-array shape', (w) => w.normal(12 as unknown as number[]), TypeError, /shape must be an array.*got 12/],
  ['too many elements', (w) => w.normal([2 ** 30, 2 ** 30]), RangeError, /more than Number.MAX_SAFE_INTEGER/],
  ['std < 0', (w) => w.normal([3], { std: -1 }), RangeError, /std must be >= 0, got -1/],
  ['std NaN', (w) => w.normal([3], { std: Number.NaN }), RangeError, /std must be a finite number, got NaN/],
  ['mean Infinity', (w) => w.normal([3], { mean: Infinity }), RangeError, /mean must be a finite number, got Infinity/],
  ['mean string', (w) => w.normal([3], { mean: '0' as unknown as number }), TypeError, /mean must be a number, got "0"/],
  ['std beyond float32', (w) => w.normal([3], { std: 1e39 }), RangeError, /std must be representable as a finite float32/],
  ['low >= high', (w) => w.uniform([3], { low: 1, high: 1 }), RangeError, /low must be less than high \(as float32\), got low = 1, high = 1/],
  ['low > high', (w) => w.uniform([3], { low: 2, high: -2 }), RangeError, /low must be less than high/],
  ['high - low overflows', (w) => w.uniform([3], { low: -3e38, high: 3e38 }), RangeError, /high - low must be a finite float32/],
  ['unknown option', (w) => w.normal([3], { stddev: 2 } as never), TypeError, /unknown option "stddev"; valid options are "mean", "std", "seed", "name", "out", "range"/],
  ['options not object', (w) => w.normal([3], 5 as never), TypeError, /options must be a plain object \(\{ ... \}\), got 5/],
  ['negative seed', (w) => w.normal([3], { seed: -1 }), RangeError, /seed must be a non-negative safe integer.*got -1/],
  ['fractional seed', (w) => w.normal([3], { seed: 1.5 }), RangeError, /seed must be a non-negative safe integer.*got 1.5/],
  ['unsafe seed', (w) => w.normal([3], { seed: 2 ** 53 }), RangeError, /seed must be a non-negative safe integer/],
  ['bigint seed too big', (w) => w.normal([3], { seed: 2n ** 64n }), RangeError, /bigint in \[0, 2\^64-1\], got 18446744073709551616n/],
  ['negative bigint seed', (w) => w.normal([3], { seed: -1n }), RangeError, /got -1n/],
  ['string seed', (w) => w.normal([3], { seed: '1' as never }), TypeError, /seed must be a non-negative integer or bigint, got "1"/],
  ['out wrong type', (w) => w.normal([3], { out: new Float64Array(3) as never }), TypeError, /out must be a Float32Array, got Float64Array\(3\)/],
  ['out wrong length', (w) => w.normal([3, 4], { out: new Float32Array(11) }), RangeError, /out has 11 elements, but 12 are to be written/],
  ['out plain array', (w) => w.normal([3], { out: [0, 0, 0] as never }), TypeError, /out must be a Float32Array/],
  ['uint32 out wrong type', (w) => w.uint32(3, { out: new Float32Array(3) as never }), TypeError, /out must be a Uint32Array/],
  ['range beyond end', (w) => w.normal([10], { range: [0, 11] }), RangeError, /range must be \[start, end\] integers with 0 <= start <= end <= 10.*got \[0, 11\]/],
  ['range reversed', (w) => w.normal([10], { range: [5, 4] }), RangeError, /got \[5, 4\]/],
  ['range negative', (w) => w.normal([10], { range: [-1, 4] }), RangeError, /got \[-1, 4\]/],
  ['range not a pair', (w) => w.normal([10], { range: [1] as never }), TypeError, /range must be \[start, end\]/],
  ['range with out of other length', (w) => w.normal([10], { range: [2, 5], out: new Float32Array(10) }), RangeError, /out has 10 elements, but 3/],
  ['uint32 count negative', (w) => w.uint32(-5), RangeError, /count must be a non-negative integer, got -5/],
  ['uint32 count string', (w) => w.uint32('5' as never), TypeError, /count must be a non-negative integer, got "5"/],
];

describe('bad input', () => {
  badInputCases(cases);

  it('a failed call writes nothing into out', async () => {
    const w = await load({ seed: 1 });
    const out = new Float32Array(12).fill(7);
    expect(() => w.normal([12], { out, std: -2 })).toThrow(RangeError);
    expect(() => w.normal([12], { out, range: [0, 13] })).toThrow(RangeError);
    expect(Array.from(out)).toEqual(new Array(12).fill(7));
  });

  it('load and loadSync reject bad sources and options', async () => {
    await expect(load({ module: 'core.wasm' as never })).rejects.toThrow(/wasm source must be a WebAssembly.Module.*got "core.wasm"/);
    expect(() => loadSync(42 as never)).toThrow(TypeError);
    await expect(load({ seed: -3 })).rejects.toThrow(RangeError);
    await expect(load({ sed: 3 } as never)).rejects.toThrow(/unknown option "sed"/);
    expect(() => loadSync(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))).toThrow(/not weightinit core.wasm/);
  });
});
