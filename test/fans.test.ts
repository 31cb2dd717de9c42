// computeFans and calculateGain against the tables of PyTorch (torch.nn.init), Keras
// (compute_fans) and JAX (_compute_fans), with every expected number worked out by hand here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calculateGain, computeFans } from '../src/index.js';

describe('computeFans', () => {
  // [shape, options, fanIn, fanOut, receptiveField]
  const table: [number[], object | undefined, number, number, number][] = [
    // PyTorch [out, in, ...kernel]: fan_in = in·∏k, fan_out = out·∏k
    [[10, 20], undefined, 20, 10, 1], // nn.Linear(20, 10).weight
    [[16, 3, 5], undefined, 15, 80, 5], // Conv1d(3, 16, 5)
    [[64, 3, 7, 7], undefined, 147, 3136, 49], // Conv2d(3, 64, 7)
    [[8, 4, 3, 3, 3], undefined, 108, 216, 27], // Conv3d(4, 8, 3)
    [[1, 1000], { layout: 'torch' }, 1000, 1, 1],
    [[0, 5], undefined, 5, 0, 1],
    // Keras / TF [...kernel, in, out]
    [[20, 10], { layout: 'tf' }, 20, 10, 1],
    [[5, 3, 16], { layout: 'tf' }, 15, 80, 5],
    [[7, 7, 3, 64], { layout: 'tf' }, 147, 3136, 49],
    [[3, 3, 3, 4, 8], { layout: 'tf' }, 108, 216, 27],
    [[7], { layout: 'tf' }, 7, 7, 1], // Keras: a vector of n counts n in and n out
    [[], { layout: 'tf' }, 1, 1, 1], // Keras: a scalar counts 1 and 1
    // JAX explicit axes: receptive field = everything else (not batch)
    [[7, 7, 3, 64], { inAxis: -2, outAxis: -1 }, 147, 3136, 49],
    [[64, 3, 7, 7], { inAxis: 1, outAxis: 0 }, 147, 3136, 49],
    [[2, 3, 4, 5], { inAxis: [0, 1], outAxis: 3 }, 24, 20, 4],
    [[6, 3, 4, 5], { inAxis: 1, outAxis: 2, batchAxis: 0 }, 15, 20, 5],
  ];
  for (const [shape, opts, fi, fo, rf] of table) {
    it(`${JSON.stringify(shape)} ${JSON.stringify(opts ?? {})} -> in ${fi}, out ${fo}`, () => {
      expect(computeFans(shape, opts as never)).toEqual({ fanIn: fi, fanOut: fo, receptiveField: rf });
    });
  }

  it('torch and tf layouts agree on the same weight transposed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 3 }), (o, i, k) => {
        const t = computeFans([o, i, ...k]);
        const f = computeFans([...k, i, o], { layout: 'tf' });
        expect(t).toEqual(f);
        const prod = k.reduce((a, b) => a * b, 1);
        expect(t.fanIn).toBe(i * prod);
        expect(t.fanOut).toBe(o * prod);
      }),
    );
  });

  const bad: [string, () => unknown, typeof RangeError, RegExp][] = [
    ['1-D torch', () => computeFans([5]), RangeError, /1-D shape \[5\].*"torch" layout.*at least 2 dimensions.*layout: "tf"/],
    ['0-D torch', () => computeFans([]), RangeError, /0-D shape \[\]/],
    ['1-D with axes', () => computeFans([5], { inAxis: 0 }), RangeError, /1-D shape \[5\] with inAxis\/outAxis/],
    ['unknown layout', () => computeFans([3, 3], { layout: 'nchw' as never }), RangeError, /layout must be one of "torch".*"tf".*got "nchw"/],
    ['axis out of range', () => computeFans([3, 3], { inAxis: 2 }), RangeError, /inAxis must hold integer axes in \[-2, 1\].*got 2/],
    ['axes clash', () => computeFans([3, 4], { outAxis: 0 }), RangeError, /distinct axes/],
    ['layout and axes', () => computeFans([3, 4], { layout: 'tf', inAxis: 0, outAxis: 1 }), TypeError, /either layout or inAxis/],
    ['unknown option', () => computeFans([3, 4], { in_axis: 0 } as never), TypeError, /unknown option "in_axis"; valid options are "layout", "inAxis", "outAxis", "batchAxis"/],
    ['bad dim', () => computeFans([3, -4]), RangeError, /shape\[1\] must be a non-negative integer, got -4/],
    ['axis type', () => computeFans([3, 4], { inAxis: '0' as never }), TypeError, /inAxis must be an integer axis or an array of axes, got "0"/],
  ];
  for (const [label, f, type, msg] of bad) {
    it(`rejects ${label}`, () => {
      expect(f).toThrow(type);
      expect(f).toThrow(msg);
    });
  }
});

describe('calculateGain (PyTorch table)', () => {
  const table: [string, number | undefined, number][] = [
    ['linear', undefined, 1],
    ['conv1d', undefined, 1],
    ['conv2d', undefined, 1],
    ['conv3d', undefined, 1],
    ['conv_transpose1d', undefined, 1],
    ['conv_transpose2d', undefined, 1],
    ['conv_transpose3d', undefined, 1],
    ['sigmoid', undefined, 1],
    ['tanh', undefined, 5 / 3],
    ['relu', undefined, Math.sqrt(2)],
    ['leaky_relu', undefined, Math.sqrt(2 / (1 + 0.01 * 0.01))], // default slope 0.01
    ['leaky_relu', 0, Math.sqrt(2)],
    ['leaky_relu', 0.2, Math.sqrt(2 / 1.04)],
    ['leaky_relu', Math.sqrt(5), Math.sqrt(2 / 6)], // nn.Linear's default a = √5 -> gain √(1/3)
    ['selu', undefined, 0.75],
    ['relu', 123, Math.sqrt(2)], // param is read only for leaky_relu
  ];
  for (const [nl, p, g] of table) {
    it(`${nl}(${p ?? ''}) = ${g}`, () => {
      expect(calculateGain(nl as never, p)).toBeCloseTo(g, 15);
    });
  }
  it('an unknown name lists the known ones', () => {
    expect(() => calculateGain('gelu' as never)).toThrow(RangeError);
    expect(() => calculateGain('gelu' as never)).toThrow(
      /unsupported nonlinearity "gelu"; known ones are "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"/,
    );
  });
  it('a non-number slope is a TypeError', () => {
    expect(() => calculateGain('leaky_relu', '0.2' as never)).toThrow(TypeError);
    expect(() => calculateGain('leaky_relu', Number.NaN)).toThrow(RangeError);
  });
});
