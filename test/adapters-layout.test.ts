// weightinit/layout: PyTorch [out, in, ...k] <-> tf [...k, in, out], checked element by element
// against a brute-force index mapping written independently of the implementation.
import { beforeAll, describe, expect, it } from 'vitest';
import { tfToTorch, torchToTf, transpose } from '../src/adapters/layout.js';
import { load, type WeightInit } from '../src/index.js';

let wi: WeightInit;
beforeAll(async () => {
  wi = await load({ seed: 11 });
});

/** Row-major flat index of a multi-index. */
function flat(idx: readonly number[], shape: readonly number[]): number {
  let f = 0;
  for (let a = 0; a < shape.length; a++) f = f * shape[a]! + idx[a]!;
  return f;
}

/** Every multi-index of a shape, in row-major order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((a, d) => a * d, 1);
  for (let f = 0; f < n; f++) {
    const idx = new Array<number>(shape.length);
    let r = f;
    for (let a = shape.length - 1; a >= 0; a--) {
      idx[a] = r % shape[a]!;
      r = Math.floor(r / shape[a]!);
    }
    yield idx;
  }
}

/** The brute-force reference: tf[k..., i, o] = torch[o, i, k...]. */
function referenceTorchToTf(src: ArrayLike<number>, torchShape: readonly number[]): { data: number[]; shape: number[] } {
  const r = torchShape.length;
  const [o, i, ...k] = torchShape as [number, number, ...number[]];
  const tfShape = [...k, i, o];
  const out = new Array<number>(src.length);
  for (const idx of indices(torchShape)) {
    const [oo, ii, ...kk] = idx as [number, number, ...number[]];
    out[flat([...kk, ii, oo], tfShape)] = src[flat(idx, torchShape)]!;
  }
  expect(tfShape.length).toBe(r);
  return { data: out, shape: tfShape };
}

const SHAPES = [
  [3, 5],
  [1, 7],
  [4, 3, 2],
  [6, 4, 3, 3],
  [5, 2, 3, 1, 4],
  [2, 3, 4, 5, 2, 3],
  [4, 0, 3, 3],
];

describe('torchToTf / tfToTorch', () => {
  it('move every element where the brute-force index mapping says, for ranks 2 to 6', () => {
    for (const shape of SHAPES) {
      const n = shape.reduce((a, d) => a * d, 1);
      const src = Float32Array.from({ length: n }, (_, j) => j + 0.5);
      const ref = referenceTorchToTf(src, shape);
      const got = torchToTf(src, shape);
      expect(got.shape).toEqual(ref.shape);
      expect(got.data).toBeInstanceOf(Float32Array);
      expect(Array.from(got.data)).toEqual(ref.data);
      const back = tfToTorch(got.data, got.shape);
      expect(back.shape).toEqual(shape);
      expect(Array.from(back.data)).toEqual(Array.from(src));
    }
  });

  it('tfToTorch is the brute-force inverse on its own input (not only on torchToTf output)', () => {
    const tfShape = [3, 3, 4, 6];
    const n = 3 * 3 * 4 * 6;
    const src = Float64Array.from({ length: n }, (_, j) => Math.sin(j));
    const got = tfToTorch(src, tfShape);
    expect(got.shape).toEqual([6, 4, 3, 3]);
    for (const [k0, k1, i, o] of indices(tfShape) as Generator<[number, number, number, number]>) {
      expect(got.data[flat([o, i, k0, k1], got.shape)]).toBe(src[flat([k0, k1, i, o], tfShape)]);
    }
  });

  it('keep every bit: NaN payloads in float64, float16 / bfloat16 bit patterns in Uint16Array', () => {
    const f64 = new Float64Array(6);
    const u = new Uint32Array(f64.buffer);
    for (let j = 0; j < 6; j++) {
      u[2 * j] = 0x1234 + j; // low word: a NaN payload
      u[2 * j + 1] = 0x7ff80000 + j;
    }
    const got = torchToTf(f64, [2, 3]);
    const gu = new Uint32Array(got.data.buffer);
    const ref = referenceTorchToTf(Array.from({ length: 6 }, (_, j) => j), [2, 3]).data;
    ref.forEach((from, to) => {
      expect(gu[2 * to]).toBe(u[2 * from]);
      expect(gu[2 * to + 1]).toBe(u[2 * from + 1]);
    });
    const bits = Uint16Array.from({ length: 12 }, (_, j) => 0x7c01 + j * 257);
    const g16 = torchToTf(bits, [3, 2, 2]);
    expect(g16.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(g16.data)).toEqual(referenceTorchToTf(bits, [3, 2, 2]).data);
  });

  it('take a weightinit Tensor (its own shape, any dtype) and return an owned copy, never wasm memory', () => {
    const t = wi.kaimingUniform([8, 4, 3, 3], { a: Math.sqrt(5), seed: 3 });
    const ref = referenceTorchToTf(t.data, t.shape);
    const got = torchToTf(t);
    expect(got.shape).toEqual([3, 3, 4, 8]);
    expect(got.data.buffer).not.toBe(wi.memory.buffer);
    t.free();
    // reuse the freed region and grow memory: the copy keeps its values
    const keep = Array.from({ length: 40 }, () => wi.normal([64 * 1024]));
    expect(Array.from(got.data)).toEqual(ref.data);
    for (const k of keep) k.free();
    const h = wi.normal([5, 3], { dtype: 'bfloat16', seed: 4 });
    const hg = torchToTf(h);
    expect(hg.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(hg.data)).toEqual(referenceTorchToTf(h.data, h.shape).data);
    h.free();
  });

  it('plain arrays give plain arrays; ranks 0 and 1 come back as copies', () => {
    const got = torchToTf([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(got).toEqual({ data: [1, 4, 2, 5, 3, 6], shape: [3, 2] });
    const b = new Float32Array([1, 2, 3]);
    const c = torchToTf(b, [3]);
    expect(c.shape).toEqual([3]);
    expect(c.data).not.toBe(b);
    expect(Array.from(c.data)).toEqual([1, 2, 3]);
    expect(tfToTorch(new Float32Array([7]), []).data[0]).toBe(7);
  });

  it('transpose: any permutation, checked by brute force', () => {
    const shape = [2, 3, 4];
    const src = Float32Array.from({ length: 24 }, (_, j) => j);
    for (const perm of [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0]]) {
      const got = transpose(src, shape, perm);
      expect(got.shape).toEqual(perm.map((p) => shape[p]));
      for (const idx of indices(shape)) {
        expect(got.data[flat(perm.map((p) => idx[p]!), got.shape)]).toBe(src[flat(idx, shape)]);
      }
    }
  });

  it('bad input: clear errors', () => {
    expect(() => torchToTf(new Float32Array(5), [2, 3])).toThrow(/shape \[2, 3\] has 6 elements but the data has 5/);
    expect(() => torchToTf(new Float32Array(6) as Float32Array)).toThrow(/give the shape/);
    expect(() => torchToTf({} as unknown as Float32Array, [1])).toThrow(TypeError);
    expect(() => torchToTf(['a'] as unknown as number[], [1])).toThrow(/data\[0\] must be a number/);
    expect(() => transpose(new Float32Array(6), [2, 3], [0, 0])).toThrow(/permutation/);
    expect(() => torchToTf(new Float32Array(6), [2, -3])).toThrow(RangeError);
  });
});
