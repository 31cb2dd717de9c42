// weightinit/onnx with a real ONNX Runtime (onnxruntime-node, its bundled CPU binary): a model
// written in the test (MatMul + Add, protobuf by hand) runs on weights from toOrtTensor, and its
// output equals a float64 reference. If onnxruntime-node cannot load here, the import below
// fails and so does this file, with the loader's reason: it never skips.
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ortData, toOrtTensor } from '../src/adapters/onnx.js';
import { load, type WeightInit } from '../src/index.js';
import { matMulAdd, onnxModel } from './adapters-onnx-proto.js';

let wi: WeightInit;
beforeAll(async () => {
  wi = await load({ seed: 5 });
});

/** y = x·W + b in float64 from the exact inputs, and Σ|x·w| + |b| per output (the error scale). */
function reference(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number) {
  const y = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = b[j]!;
      let a = Math.abs(b[j]!);
      for (let t = 0; t < k; t++) {
        s += x[i * k + t]! * w[t * n + j]!;
        a += Math.abs(x[i * k + t]! * w[t * n + j]!);
      }
      y[i * n + j] = s;
      scale[i * n + j] = a;
    }
  }
  return { y, scale };
}

describe('toOrtTensor with onnxruntime-node', () => {
  it(`loads (onnxruntime-node ${ort.env.versions.node ?? '?'}, common ${ort.env.versions.common})`, () => {
    expect(ort.env.versions.common).toBe('1.30.0');
    expect(typeof ort.InferenceSession.create).toBe('function');
  });

  it('runs MatMul + Add on float32 weights from weightinit; output equals the float64 reference within float32 rounding', async () => {
    const [m, k, n] = [3, 16, 5];
    const session = await ort.InferenceSession.create(matMulAdd('float32', m, k, n));
    const x = wi.normal([m, k], { seed: 1 });
    const W = wi.glorotUniform([k, n], { layout: 'tf', seed: 2 });
    const b = wi.uniform([n], { low: -0.1, high: 0.1, seed: 3 });
    const feeds = { x: toOrtTensor(ort, x), W: toOrtTensor(ort, W), b: toOrtTensor(ort, b) };
    expect(feeds.W.type).toBe('float32');
    expect(feeds.W.dims).toEqual([k, n]);
    const ref = reference(x.data, W.data, b.data, m, k, n);
    // the ort tensors own their data: free the sources and churn wasm memory before running
    for (const t of [x, W, b]) t.free();
    const churn = Array.from({ length: 40 }, () => wi.normal([64 * 1024], { std: 1e6 }));
    const { y } = await session.run(feeds);
    for (const t of churn) t.free();
    expect(y!.dims).toEqual([m, n]);
    expect(y!.type).toBe('float32');
    const out = y!.data as Float32Array;
    // float32 evaluation of a k-term dot product plus a bias: each of the k + 1 roundings
    // (products and sums) errs by at most u = 2^-24 relative, so |ŷ − y| ≤ (k + 1)·u·Σ|terms|
    // (+ u·|y| for the final rounding); any order of summation, FMA or not, stays within it
    for (let i = 0; i < m * n; i++) {
      const tol = (k + 2) * 2 ** -24 * ref.scale[i]!;
      expect(Math.abs(out[i]! - ref.y[i]!), `y[${i}]`).toBeLessThanOrEqual(tol);
    }
    await session.release();
  });

  it('float64 weights run as double: agrees with the reference within float64 rounding', async () => {
    const [m, k, n] = [2, 8, 4];
    const session = await ort.InferenceSession.create(matMulAdd('float64', m, k, n));
    const x = wi.normal([m, k], { seed: 4, dtype: 'float64' });
    const W = wi.heNormal([k, n], { layout: 'tf', seed: 5, dtype: 'float64' });
    const b = wi.constant([n], { value: 0.25, dtype: 'float64' });
    const ref = reference(x.data, W.data, b.data, m, k, n);
    const { y } = await session.run({ x: toOrtTensor(ort, x), W: toOrtTensor(ort, W), b: toOrtTensor(ort, b) });
    expect(y!.type).toBe('float64');
    const out = y!.data as Float64Array;
    for (let i = 0; i < m * n; i++) expect(Math.abs(out[i]! - ref.y[i]!)).toBeLessThanOrEqual((k + 2) * 2 ** -53 * ref.scale[i]!);
    for (const t of [x, W, b]) t.free();
    await session.release();
  });

  it("float16 (Uint16Array bits, or a Float16Array where the runtime has one) goes in as 'float16': Cast to float32 gives the exact half values", async () => {
    const session = await ort.InferenceSession.create(
      onnxModel({
        nodes: [{ op: 'Cast', inputs: ['h'], outputs: ['f'], ints: { to: 1 } }],
        inputs: [{ name: 'h', type: 'float16', dims: [4, 6] }],
        outputs: [{ name: 'f', type: 'float32', dims: [4, 6] }],
      }),
    );
    const h = wi.normal([4, 6], { dtype: 'float16', seed: 6 });
    const f32 = wi.normal([4, 6], { seed: 6 }).take();
    const th = toOrtTensor(ort, h);
    expect(th.type).toBe('float16');
    // the same bits from the raw data array (Uint16Array or Float16Array)
    const fromArray = toOrtTensor(ort, h.data, [4, 6]);
    const bits = new Uint16Array(h.data.buffer, h.data.byteOffset, 24).slice();
    h.free();
    const { f } = await session.run({ h: th });
    const { f: f2 } = await session.run({ h: fromArray });
    const got = f!.data as Float32Array;
    expect(Array.from(f2!.data as Float32Array)).toEqual(Array.from(got));
    for (let i = 0; i < 24; i++) {
      // decode the half bits independently: sign, 5-bit exponent, 10-bit mantissa
      const v = bits[i]!;
      const e = (v >> 10) & 31;
      const mant = v & 1023;
      const half = (v & 0x8000 ? -1 : 1) * (e === 0 ? mant * 2 ** -24 : (1 + mant / 1024) * 2 ** (e - 15));
      expect(got[i]).toBe(half);
      expect(Math.abs(half - f32[i]!)).toBeLessThanOrEqual(Math.abs(f32[i]!) * 2 ** -11 + 2 ** -25);
    }
    await session.release();
  });

  it('types, dims and errors', () => {
    const bf = wi.normal([2, 2], { dtype: 'bfloat16' });
    expect(() => toOrtTensor(ort, bf)).toThrow(/no bfloat16 type/);
    bf.free();
    expect(ortData(new Float64Array(3)).type).toBe('float64');
    expect(ortData(new Uint16Array(3)).type).toBe('float16');
    const u = wi.uint32(8, { seed: 1 });
    expect(toOrtTensor(ort, u).type).toBe('uint32');
    u.free();
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = toOrtTensor(ort, a, [2, 3]);
    expect(t.dims).toEqual([2, 3]);
    expect(t.data).not.toBe(a); // a copy, even of a caller array
    a[0] = 100;
    expect((t.data as Float32Array)[0]).toBe(1);
    expect(toOrtTensor(ort, a).dims).toEqual([6]);
    expect(() => toOrtTensor(ort, a, [4])).toThrow(/dims \[4\] hold 4 elements but the data has 6/);
    expect(() => toOrtTensor({} as typeof ort, a)).toThrow(/ONNX Runtime module/);
    expect(() => toOrtTensor(ort, new Int8Array(2) as unknown as Float32Array)).toThrow(/Int8Array/);
    const gone = wi.normal([2]);
    gone.free();
    expect(() => toOrtTensor(ort, gone)).toThrow(/freed/);
  });
});
