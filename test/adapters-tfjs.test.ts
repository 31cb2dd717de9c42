// weightinit/tfjs on the tfjs cpu backend: real Initializers in real layers, the statistics of
// the tfjs layout, training, save/load, initModel's decisions, and owned copies (no aliasing of
// wasm memory, whatever the program allocates or frees afterwards).
import '@tensorflow/tfjs-backend-cpu';
// tensor.flatten() and the other chained ops (tfjs's own Orthogonal, the default LSTM recurrent
// initializer, needs them); the '@tensorflow/tfjs' bundle registers them the same way
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transpose } from '../src/adapters/layout.js';
import {
  initializer, initModel, setWeights, TFJS_INITIALIZERS, toTfTensor, useInstance, WeightInitInitializer, type Decision,
} from '../src/adapters/tfjs.js';
import { load, type Tensor, type WeightInit } from '../src/index.js';

let wi: WeightInit;
beforeAll(async () => {
  await tf.setBackend('cpu');
  wi = await load({ seed: 2024 });
});
afterAll(() => {
  tf.disposeVariables();
});

type Call = (shape: readonly number[], o: Record<string, unknown>) => Tensor;
const call = (name: string): Call => (wi as unknown as Record<string, Call>)[name]!;

function stats(a: ArrayLike<number>): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]!;
    m = Math.max(m, Math.abs(a[i]!));
  }
  const mean = s / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(v / a.length), maxAbs: m };
}

/** max |MᵀM − I| of a rows x cols row-major matrix (orthonormal columns), in float64. */
function colOrthoError(w: ArrayLike<number>, rows: number, cols: number, gain = 1): number {
  let err = 0;
  for (let a = 0; a < cols; a++) {
    for (let b = a; b < cols; b++) {
      let d = 0;
      for (let r = 0; r < rows; r++) d += w[r * cols + a]! * w[r * cols + b]!;
      err = Math.max(err, Math.abs(d / (gain * gain) - (a === b ? 1 : 0)));
    }
  }
  return err;
}

const kernelOf = (layer: tfl.LayersModel['layers'][number], i = 0): Float32Array => layer.getWeights()[i]!.dataSync() as Float32Array;

describe('initializer(): a real tfjs Initializer for every weightinit initializer', () => {
  const cases: [string, number[], Record<string, unknown>][] = [
    ['uniform', [4, 6], { low: -0.5, high: 0.5 }],
    ['normal', [4, 6], { std: 0.3 }],
    ['truncatedNormal', [4, 6], { std: 0.3, a: -0.4, b: 0.4 }],
    ['varianceScaling', [3, 3, 4, 6], { scale: 2, mode: 'fanOut', distribution: 'uniform' }],
    ['glorotUniform', [4, 6], {}],
    ['glorotNormal', [4, 6], { distribution: 'truncatedNormal' }],
    ['xavierUniform', [4, 6], { gain: 2 }],
    ['xavierNormal', [4, 6], {}],
    ['heUniform', [3, 3, 4, 6], {}],
    ['heNormal', [4, 6], { nonlinearity: 'leaky_relu', a: 0.1 }],
    ['kaimingUniform', [4, 6], { a: Math.sqrt(5) }],
    ['kaimingNormal', [4, 6], { mode: 'fanOut' }],
    ['lecunUniform', [4, 6], {}],
    ['lecunNormal', [4, 6], {}],
    ['orthogonal', [3, 3, 4, 6], { gain: 1.5 }],
    ['deltaOrthogonal', [3, 3, 4, 6], {}],
    ['constant', [4, 6], { value: 0.25 }],
    ['zeros', [4, 6], {}],
    ['ones', [4, 6], {}],
    ['eye', [4, 6], { gain: 2 }],
    ['dirac', [3, 3, 4, 4], {}],
    ['sparse', [6, 4], { sparsity: 0.5, std: 0.1 }],
  ];

  it('covers every name in TFJS_INITIALIZERS', () => {
    expect(cases.map((c) => c[0]).sort()).toEqual([...TFJS_INITIALIZERS].sort());
  });

  it.each(cases)('%s: apply() equals the weightinit call in tfjs layout, and the layer built with it holds those values', (name, shape, opts) => {
    const init = initializer(wi, name as (typeof TFJS_INITIALIZERS)[number], { ...opts, seed: 77 });
    expect(init).toBeInstanceOf(WeightInitInitializer);
    expect(init).toBeInstanceOf(Object.getPrototypeOf(tfl.initializers.zeros().constructor) as new () => unknown);
    let expected: Float32Array;
    const tfLayout = !['uniform', 'normal', 'truncatedNormal', 'constant', 'zeros', 'ones', 'eye', 'sparse'].includes(name);
    if (name === 'sparse') {
      const t = wi.sparse([shape[1]!, shape[0]!], { ...opts, seed: 77 } as unknown as { sparsity: number });
      expected = transpose(t, undefined, [1, 0]).data as Float32Array;
      t.free();
    } else {
      expected = call(name)(shape, { ...opts, seed: 77, ...(tfLayout ? { layout: 'tf' } : {}) }).take() as Float32Array;
    }
    const t = init.apply(shape);
    expect(t.shape).toEqual(shape);
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.dataSync())).toEqual(Array.from(expected));
    t.dispose();
    // used by a layer: dense for 2-D shapes [in, out], conv2d for [kh, kw, in, out]
    const layer =
      shape.length === 2
        ? tfl.layers.dense({ units: shape[1]!, inputShape: [shape[0]!], kernelInitializer: init })
        : tfl.layers.conv2d({ filters: shape[3]!, kernelSize: [shape[0]!, shape[1]!], inputShape: [8, 8, shape[2]!], kernelInitializer: init });
    tfl.sequential({ layers: [layer] });
    expect(Array.from(kernelOf(layer))).toEqual(Array.from(expected));
  });

  it('works as biasInitializer, recurrentInitializer and embeddingsInitializer', () => {
    const lstm = tfl.layers.lstm({
      units: 8,
      inputShape: [5, 3],
      kernelInitializer: initializer(wi, 'glorotUniform'),
      recurrentInitializer: initializer(wi, 'orthogonal'),
      biasInitializer: initializer(wi, 'constant', { value: 0.5 }),
      unitForgetBias: false,
    });
    const emb = tfl.layers.embedding({ inputDim: 20, outputDim: 4, embeddingsInitializer: initializer(wi, 'normal', { std: 0.02, seed: 5 }) });
    tfl.sequential({ layers: [lstm] });
    tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [3] }), emb] });
    const [, rec, bias] = lstm.getWeights();
    expect(rec!.shape).toEqual([8, 32]);
    // [8, 32] in tf layout: rows = 8 < cols = 32, so the rows are orthonormal: W Wᵀ = I
    const r = rec!.dataSync();
    let err = 0;
    for (let a = 0; a < 8; a++) for (let b = 0; b < 8; b++) {
      let d = 0;
      for (let c = 0; c < 32; c++) d += r[a * 32 + c]! * r[b * 32 + c]!;
      err = Math.max(err, Math.abs(d - (a === b ? 1 : 0)));
    }
    expect(err).toBeLessThan(1e-6);
    expect(Array.from(bias!.dataSync())).toEqual(new Array(32).fill(0.5));
    expect(Array.from(emb.getWeights()[0]!.dataSync())).toEqual(Array.from(wi.normal([20, 4], { std: 0.02, seed: 5 }).take()));
  });

  it('each call without seed/name takes a fresh key from the sequence; seed and name fix it', async () => {
    const a = await load({ seed: 9 });
    const b = await load({ seed: 9 });
    const init = initializer(a, 'heNormal');
    const x1 = init.apply([16, 8]).dataSync();
    const x2 = init.apply([16, 8]).dataSync();
    expect(Array.from(x1)).not.toEqual(Array.from(x2));
    // the same program on an instance with the same root seed draws the same values
    expect(Array.from(x1)).toEqual(Array.from(b.heNormal([16, 8], { layout: 'tf' }).take()));
    expect(Array.from(x2)).toEqual(Array.from(b.heNormal([16, 8], { layout: 'tf' }).take()));
    const fixed = initializer(a, 'normal', { seed: 3n });
    expect(Array.from(fixed.apply([10]).dataSync())).toEqual(Array.from(fixed.apply([10]).dataSync()));
    const named = initializer(a, 'normal', { name: 'dense/kernel', std: 0.1 });
    expect(Array.from(named.apply([6, 2]).dataSync())).toEqual(Array.from(b.normal([6, 2], { name: 'dense/kernel', std: 0.1 }).take()));
  });

  it('bad arguments: clear errors before anything is drawn', () => {
    expect(() => initializer(wi, 'kaiming' as 'heNormal')).toThrow(/unknown initializer "kaiming"/);
    expect(() => initializer({} as WeightInit, 'heNormal')).toThrow(/weightinit instance/);
    expect(() => initializer(wi, 'normal', { out: new Float32Array(4) })).toThrow(/option "out" cannot be used/);
    expect(() => initializer(wi, 'normal', { range: [0, 2] })).toThrow(/option "range"/);
    expect(() => initializer(wi, 'normal', { dtype: 'float16' })).toThrow(/float32/);
    expect(() => initializer(wi, 'normal', { seed: -1 })).toThrow(RangeError);
    expect(() => initializer(wi, 'normal').apply([2, 2], 'int32')).toThrow(/float32/);
    // a bad option reaches weightinit's own check when the layer is built
    expect(() => initializer(wi, 'normal', { sdt: 1 }).apply([2, 2])).toThrow(/unknown option "sdt"/);
  });
});

describe('statistics in tfjs layout', () => {
  it('heNormal on a Dense [32, 64] kernel has std √(2/32) (fan_in = 32 from the tf layout); constant bias exact', () => {
    const dense = tfl.layers.dense({ units: 64, inputShape: [32], kernelInitializer: initializer(wi, 'heNormal', { seed: 101 }), biasInitializer: initializer(wi, 'constant', { value: 0.01 }) });
    tfl.sequential({ layers: [dense] });
    const [k, b] = dense.getWeights();
    expect(k!.shape).toEqual([32, 64]);
    const s = stats(k!.dataSync());
    const sigma = Math.sqrt(2 / 32);
    // The band. n = 2048 independent N(0, σ²) draws. The sample mean has standard error σ/√n;
    // the sample std has standard error σ/√(2n) (delta method: Var(s²) = 2σ⁴/n for a normal,
    // and s = √(s²) divides that error by 2σ). We allow 5 standard errors each: a correct
    // draw leaves the band with probability < 1e-6, while the classic mistake (fan_in read as
    // the torch layout's shape[1] = 64) gives std √(2/64) = 0.71σ, 18 standard errors away.
    const n = 2048;
    expect(Math.abs(s.mean)).toBeLessThan((5 * sigma) / Math.sqrt(n));
    expect(Math.abs(s.std - sigma)).toBeLessThan((5 * sigma) / Math.sqrt(2 * n));
    expect(Array.from(b!.dataSync())).toEqual(new Array(64).fill(Math.fround(0.01)));
  });

  it('heUniform and glorotUniform on a Conv2D [3, 3, 16, 32] kernel: bound and std from fan_in = 144, fan_out = 288', () => {
    const conv = tfl.layers.conv2d({ filters: 32, kernelSize: 3, inputShape: [8, 8, 16], kernelInitializer: initializer(wi, 'heUniform', { seed: 5 }), biasInitializer: initializer(wi, 'glorotUniform', { seed: 6 }) });
    tfl.sequential({ layers: [conv] });
    const [k, b] = conv.getWeights();
    expect(k!.shape).toEqual([3, 3, 16, 32]);
    const bound = Math.sqrt(6 / 144);
    const s = stats(k!.dataSync());
    const n = 3 * 3 * 16 * 32;
    // U(−b, b): σ = b/√3; Var(s²) = (μ₄ − σ⁴)/n with μ₄ = 9σ⁴/5, so the std's standard error
    // is σ·√(0.8/n)/2 = σ·√(0.2/n). 5 standard errors again; every value within the bound, and
    // with n = 4608 draws the largest reaches 0.99·b unless the draw is wrong (P = 0.99^4608).
    expect(s.maxAbs).toBeLessThanOrEqual(Math.fround(bound));
    expect(s.maxAbs).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(s.std - bound / Math.sqrt(3))).toBeLessThan(5 * (bound / Math.sqrt(3)) * Math.sqrt(0.2 / n));
    // glorotUniform on a 1-D bias [32] in tf layout: fan_in = fan_out = 32, bound √(6/64)
    expect(stats(b!.dataSync()).maxAbs).toBeLessThanOrEqual(Math.fround(Math.sqrt(6 / 64)));
  });

  it("orthogonal with layout 'tf' on [3, 3, 16, 32]: the [144, 32] matrix has orthonormal columns", () => {
    const conv = tfl.layers.conv2d({ filters: 32, kernelSize: 3, inputShape: [8, 8, 16], kernelInitializer: initializer(wi, 'orthogonal', { gain: 2 }) });
    tfl.sequential({ layers: [conv] });
    const k = kernelOf(conv);
    expect(colOrthoError(k, 144, 32, 2)).toBeLessThan(1e-6);
    // and it is exactly weightinit's orthogonal in tf layout with the key the call took
    expect(colOrthoError(wi.orthogonal([3, 3, 16, 32], { layout: 'tf', seed: 1 }).take(), 144, 32)).toBeLessThan(1e-6);
  });
});

describe('training and persistence', () => {
  it('a tf.sequential model built with weightinit initializers trains: the loss falls', async () => {
    const local = await load({ seed: 31 });
    const x = local.normal([256, 8], { seed: 1 }).take();
    const wTrue = local.normal([8, 1], { seed: 2 }).take();
    const y = new Float32Array(256);
    for (let i = 0; i < 256; i++) for (let j = 0; j < 8; j++) y[i]! += x[i * 8 + j]! * wTrue[j]!;
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 32, inputShape: [8], activation: 'relu', kernelInitializer: initializer(local, 'heNormal'), biasInitializer: initializer(local, 'zeros') }),
        tfl.layers.dense({ units: 1, kernelInitializer: initializer(local, 'glorotUniform'), biasInitializer: initializer(local, 'zeros') }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const xs = tf.tensor2d(x, [256, 8]);
    const ys = tf.tensor2d(y, [256, 1]);
    const h = await model.fit(xs, ys, { epochs: 30, batchSize: 64, shuffle: false, verbose: 0 });
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1]!).toBeLessThan(0.2 * loss[0]!);
    xs.dispose();
    ys.dispose();
  });

  it('save and load keep the initializer config (nonlinearity, distribution, bigint seed, name) and the weights', async () => {
    const cfgs = {
      kernel: { nonlinearity: 'leaky_relu', a: 0.1, mode: 'fanOut', distribution: 'truncatedNormal', seed: 2n ** 60n + 7n },
      bias: { value: 0.5 },
      second: { name: 'head/kernel', gain: 5 / 3, layout: 'tf' },
    };
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 6, inputShape: [4], kernelInitializer: initializer(wi, 'heNormal', cfgs.kernel), biasInitializer: initializer(wi, 'constant', cfgs.bias) }),
        tfl.layers.dense({ units: 2, kernelInitializer: initializer(wi, 'xavierUniform', cfgs.second) }),
      ],
    });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const json = JSON.stringify(saved!.modelTopology);
    expect(json).toContain('"class_name":"WeightInit"');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    const [d1, d2] = loaded.layers as [tfl.LayersModel['layers'][number] & { kernelInitializer: unknown; biasInitializer: unknown }, tfl.LayersModel['layers'][number] & { kernelInitializer: unknown }];
    for (const [got, name, opts] of [[d1.kernelInitializer, 'heNormal', cfgs.kernel], [d1.biasInitializer, 'constant', cfgs.bias], [d2.kernelInitializer, 'xavierUniform', cfgs.second]] as const) {
      expect(got).toBeInstanceOf(WeightInitInitializer);
      const g = got as WeightInitInitializer;
      expect(g.method).toBe(name);
      expect(g.options).toEqual(opts);
      const asJson = Object.fromEntries(Object.entries(opts).map(([k, v]) => [k, typeof v === 'bigint' ? v.toString() : v]));
      expect(g.getConfig()).toEqual({ name, options: asJson });
    }
    const probe = tf.tensor2d([[1, 2, 3, 4]]);
    expect(Array.from((loaded.predict(probe) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(probe) as tf.Tensor).dataSync()));
    // the topology alone (no weights): tfjs builds the layers with the rebuilt initializers,
    // which draw from the instance given to useInstance(); the fixed-seed kernel is the same
    useInstance(wi);
    const rebuilt = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: saved!.modelTopology! }));
    expect(Array.from(kernelOf(rebuilt.layers[0]!))).toEqual(Array.from(kernelOf(model.layers[0]!)));
    expect(Array.from(kernelOf(rebuilt.layers[1]!))).toEqual(Array.from(kernelOf(model.layers[1]!)));
    probe.dispose();
  });
});

/** Allocations, frees and memory growths: the "many other weightinit calls" a program makes afterwards. */
function churn(w: WeightInit, rounds: number): number {
  let growths = 0;
  let bytes = w.memory.buffer.byteLength;
  const kept: Tensor[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = w.normal([((i * 7919) % 4096) + 1]);
    if (i % 50 === 0) kept.push(w.uniform([64 * 1024 + i])); // keeps memory growing
    else if (i % 3 === 0) t.data.fill(-7); // scribble over the region before freeing it
    t.free();
    if (w.memory.buffer.byteLength !== bytes) {
      growths++;
      bytes = w.memory.buffer.byteLength;
    }
  }
  for (const k of kept) k.free();
  return growths;
}

describe('initModel', () => {
  const decisionsOf = (ds: Decision[]) => new Map(ds.map((d) => [d.name, d]));

  it('gives each layer the documented initializer, by layer type and activation, with named keys', async () => {
    const local = await load({ seed: 4242 });
    const rnn = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 5 }),
        tfl.layers.lstm({ units: 16, returnSequences: true }),
        tfl.layers.gru({ units: 12, returnSequences: true }),
        tfl.layers.simpleRNN({ units: 10 }),
        tfl.layers.dense({ units: 32, activation: 'relu' }),
        tfl.layers.batchNormalization(),
        tfl.layers.layerNormalization(),
        tfl.layers.dense({ units: 4, activation: 'tanh' }),
      ],
    });
    const cnn = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [10, 10, 3] }),
        tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 }),
        tfl.layers.batchNormalization(),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 20 }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.dense({ units: 6, activation: 'selu' }),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const all = [...initModel(local, rnn), ...initModel(local, cnn)];
    const by = decisionsOf(all);
    const weights = [...rnn.weights, ...cnn.weights];
    // every weight once, layer by layer (model.weights lists trainable ones first)
    expect(all.map((d) => d.name).sort()).toEqual(weights.map((v) => v.name).sort());
    expect(all.map((d) => d.layer)).toEqual([...rnn.layers, ...cnn.layers].flatMap((l) => l.weights.map(() => l.name)));
    const value = (name: string) => weights.find((v) => v.name === name)!.read().dataSync() as Float32Array;
    const name = (layer: tfl.LayersModel['layers'][number], short: string) => layer.weights.find((v) => v.originalName.endsWith(`/${short}`))!.name;
    const [emb, lstm, gru, simple, dense, bn, ln, out] = rnn.layers as [tfl.LayersModel['layers'][number], ...tfl.LayersModel['layers'][number][]];
    const [conv, dw, bn2, , , d20, , dSelu, dSoft] = cnn.layers;
    const expectDecision = (n: string, initializer: string, extra: Partial<Decision> = {}) => {
      const d = by.get(n)!;
      expect(d, n).toBeDefined();
      expect(d.initializer, n).toBe(initializer);
      for (const [k, v] of Object.entries(extra)) expect((d as unknown as Record<string, unknown>)[k], `${n}.${k}`).toEqual(v);
      // every value is the weightinit call the decision records, with the named key of the weight name
      expect(d.key).toBe(local.keyOf(n).toString());
      expect(d.shape).toEqual(weights.find((v) => v.name === n)!.shape);
      return d;
    };
    const close = (a: number | undefined, b: number) => expect(a).toBeCloseTo(b, 12);

    expectDecision(name(emb!, 'embeddings'), 'normal', { kind: 'embedding', std: 0.02 });
    expectDecision(name(lstm!, 'kernel'), 'glorotUniform', { kind: 'recurrent_input' });
    expectDecision(name(lstm!, 'recurrent_kernel'), 'orthogonal', { kind: 'recurrent_hidden' });
    const lb = expectDecision(name(lstm!, 'bias'), 'zeros', { kind: 'recurrent_bias', forgetBias: 1 });
    expect(Array.from(value(lb.name))).toEqual([...new Array(16).fill(0), ...new Array(16).fill(1), ...new Array(32).fill(0)]);
    expectDecision(name(gru!, 'recurrent_kernel'), 'orthogonal');
    expectDecision(name(gru!, 'bias'), 'zeros');
    expectDecision(name(simple!, 'kernel'), 'glorotUniform');
    expectDecision(name(simple!, 'recurrent_kernel'), 'orthogonal');
    const dk = expectDecision(name(dense!, 'kernel'), 'heNormal', { kind: 'linear', activation: 'relu' });
    close(dk.std, Math.sqrt(2 / 10));
    expect(Array.from(value(name(dense!, 'bias')))).toEqual(new Array(32).fill(Math.fround(0.01)));
    for (const [layer, short, v] of [[bn, 'gamma', 1], [bn, 'beta', 0], [bn, 'moving_mean', 0], [bn, 'moving_variance', 1], [ln, 'gamma', 1], [ln, 'beta', 0]] as const) {
      expect(Array.from(value(name(layer!, short))), short).toEqual(new Array(32).fill(v));
    }
    expectDecision(name(out!, 'kernel'), 'glorotUniform', { activation: 'tanh' });
    close(by.get(name(out!, 'kernel'))!.bound, Math.sqrt(6 / 36));

    close(expectDecision(name(conv!, 'kernel'), 'heNormal', { kind: 'conv' }).std, Math.sqrt(2 / 27));
    // depthwise: fan_in is the 3x3 window (one input channel per output); the ReLU after BatchNorm counts
    const dwd = expectDecision(name(dw!, 'depthwise_kernel'), 'normal', { activation: 'relu' });
    close(dwd.std, Math.sqrt(2 / 9));
    expect(Array.from(value(name(bn2!, 'gamma')))).toEqual(new Array(16).fill(1));
    // Dense followed by LeakyReLU(0.2): He with the leaky gain √(2/(1 + 0.2²))
    const leaky = expectDecision(name(d20!, 'kernel'), 'heNormal', { activation: 'leaky_relu' });
    close(leaky.std, Math.sqrt(2 / (1 + 0.04)) / Math.sqrt(6 * 6 * 16));
    expectDecision(name(dSelu!, 'kernel'), 'lecunNormal', { activation: 'selu' });
    expectDecision(name(dSoft!, 'kernel'), 'glorotUniform');

    // the values are the recorded calls
    for (const d of all) {
      if (d.forgetBias !== undefined) continue;
      const expected = call(d.initializer)(d.shape, { ...d.options, seed: BigInt(d.key) }).take();
      expect(Array.from(value(d.name)), d.name).toEqual(Array.from(expected));
    }
    // statistics of the largest He kernel (576 x 20) agree with the recorded std (5 standard errors, as above)
    const lv = value(leaky.name);
    const s = stats(lv);
    expect(Math.abs(s.std - leaky.std!)).toBeLessThan((5 * leaky.std!) / Math.sqrt(2 * lv.length));
  });

  it('weights stay bit-identical after 2,000 weightinit allocations, frees and memory growths', async () => {
    const local = await load({ seed: 8 });
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 64, inputShape: [32], activation: 'relu' }), tfl.layers.dense({ units: 16, activation: 'tanh' })],
    });
    initModel(local, model, { recipe: 'pytorch' });
    const before = model.weights.map((v) => new Uint32Array((v.read().dataSync() as Float32Array).slice().buffer));
    const probe = tf.ones([3, 32]);
    const p0 = (model.predict(probe) as tf.Tensor).dataSync().slice();
    const growths = churn(local, 2000);
    expect(growths).toBeGreaterThan(0);
    model.weights.forEach((v, i) => expect(new Uint32Array((v.read().dataSync() as Float32Array).slice().buffer)).toEqual(before[i]));
    expect((model.predict(probe) as tf.Tensor).dataSync()).toEqual(p0);
    probe.dispose();
  });

  it('walks functional models, nested models and wrappers (Bidirectional, TimeDistributed)', async () => {
    const local = await load({ seed: 12 });
    const inner = tfl.sequential({ layers: [tfl.layers.dense({ units: 6, inputShape: [4], activation: 'elu' })] });
    const input = tfl.input({ shape: [3, 4] });
    const bi = tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 5, returnSequences: true, recurrentInitializer: initializer(local, 'zeros') }) as never, mergeMode: 'concat' });
    const td = tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 2, activation: 'sigmoid' }) });
    const out = td.apply(bi.apply(input)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    // a Sequential used as a layer of a functional model
    const x2 = tfl.input({ shape: [4] });
    const outer = tfl.model({ inputs: x2, outputs: tfl.layers.dense({ units: 1 }).apply(inner.apply(x2)) as tfl.SymbolicTensor });
    const ds = [...initModel(local, model), ...initModel(local, outer)];
    const names = [...model.weights, ...outer.weights].map((v) => v.name).sort();
    expect(ds.map((d) => d.name).sort()).toEqual(names);
    const kinds = new Map(ds.map((d) => [d.name.slice(d.name.lastIndexOf('/') + 1) + ':' + d.layerClass, d.initializer]));
    expect(kinds.get('recurrent_kernel:LSTM')).toBe('orthogonal');
    expect(kinds.get('kernel:Dense')).toBeDefined();
    expect(ds.filter((d) => d.layerClass === 'LSTM' && d.kind === 'recurrent_bias').every((d) => d.forgetBias === 1)).toBe(true);
    expect(ds.find((d) => d.activation === 'elu')!.initializer).toBe('heNormal');
    expect(ds.find((d) => d.activation === 'sigmoid' && d.kind === 'linear')!.initializer).toBe('glorotUniform');
  });

  it('rules and recipes are the planner\'s: a name glob over tfjs weight names, the pytorch recipe, a fixed seed', async () => {
    const local = await load({ seed: 1 });
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 5, inputShape: [7], name: 'fc' })] });
    const ds = initModel(local, model, {
      seed: 99,
      recipe: 'pytorch',
      rules: [{ id: 'mine', match: { name: 'fc/bias' }, init: { initializer: 'constant', options: { value: 3 } }, why: 'test' }],
    });
    const [k, b] = ds;
    expect(k!.rule).toBe('pytorch.weight');
    expect(k!.initializer).toBe('kaimingUniform');
    // U(±1/√fan_in), fan_in = 7 from the tf layout [7, 5]
    expect(k!.bound).toBeCloseTo(1 / Math.sqrt(7), 12);
    expect(stats(kernelOf(model.layers[0]!)).maxAbs).toBeLessThanOrEqual(Math.fround(1 / Math.sqrt(7)));
    expect(b!.rule).toBe('mine');
    expect(Array.from(kernelOf(model.layers[0]!, 1))).toEqual([3, 3, 3, 3, 3]);
    const rnn = tfl.sequential({ layers: [tfl.layers.lstm({ units: 3, inputShape: [2, 5], unitForgetBias: false })] });
    const rd = initModel(local, rnn, { recipe: 'pytorch', seed: 99 });
    // pytorch: every recurrent parameter U(±1/√hidden), hidden = this layer's units
    for (const d of rd) expect(d.options).toEqual({ low: -1 / Math.sqrt(3), high: 1 / Math.sqrt(3) });
    expect(rd.some((d) => d.forgetBias !== undefined)).toBe(false);
    expect(() => initModel(local, tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [2] })] }), { recipe: 'nope' })).toThrow(/unknown recipe "nope"/);
    expect(() => initModel(local, tfl.sequential({ layers: [tfl.layers.prelu({ inputShape: [3] })] }))).toThrow(/no rule .* matches tensor/);
    expect(() => initModel(local, {} as tfl.LayersModel)).toThrow(/tf.LayersModel/);
    // no inputShape: nothing built, no weights to initialize yet
    expect(() => initModel(local, { layers: [tfl.layers.dense({ units: 2 })] } as unknown as tfl.LayersModel)).toThrow(/has no weights yet/);
    expect(() => initModel(local, rnn, { seeds: 1 } as never)).toThrow(/unknown option "seeds"/);
  });
});

describe('owned copies: the aliasing bug cannot happen', () => {
  it('setWeights via the adapter, then w.free() and new allocations: predict is unchanged', async () => {
    const local = await load({ seed: 3 });
    const dense = tfl.layers.dense({ units: 3, inputShape: [4] });
    const model = tfl.sequential({ layers: [dense] });
    const w = local.normal([4, 3], { std: 0.5 });
    const b = local.normal([3], { std: 0.5 });
    setWeights(dense, [w, b]);
    const x = tf.tensor2d([[1, -2, 3, 0.5], [0, 1, 0, -1]]);
    const p0 = (model.predict(x) as tf.Tensor).dataSync().slice();
    w.free();
    b.free();
    churn(local, 300);
    const again = Array.from({ length: 50 }, () => local.normal([4, 3], { std: 100 }));
    expect((model.predict(x) as tf.Tensor).dataSync()).toEqual(p0);
    for (const t of again) t.free();

    // the control: what the adapter prevents. A tfjs tensor over the raw view keeps wasm memory,
    // so freeing and reusing (or growing) it changes what tfjs reads.
    const v = local.normal([4, 3], { std: 0.5 });
    const raw = tf.tensor(v.data, [4, 3]);
    const rawBefore = Array.from(raw.dataSync());
    v.free();
    const reuse = local.normal([4, 3], { std: 100 });
    churn(local, 300);
    const rawAfter = raw.dataSync();
    expect(rawAfter.length !== rawBefore.length || Array.from(rawAfter).some((y, i) => y !== rawBefore[i])).toBe(true);
    reuse.free();
    raw.dispose();
    x.dispose();
  });

  it('toTfTensor: float64, float16 and bfloat16 tensors widen to float32; shapes and errors', () => {
    const f64 = wi.normal([3, 2], { dtype: 'float64', seed: 1 });
    expect(Array.from(toTfTensor(f64).dataSync())).toEqual(Array.from(f64.data, (x) => Math.fround(x)));
    const f32 = wi.normal([3, 2], { seed: 1 }).take();
    for (const dtype of ['float16', 'bfloat16'] as const) {
      const t = wi.normal([3, 2], { dtype, seed: 1 });
      const got = toTfTensor(t).dataSync();
      // a half value is the float32 draw rounded: within 2^-8 relative (bfloat16) or 2^-11 (float16)
      got.forEach((g, i) => expect(Math.abs(g - f32[i]!)).toBeLessThanOrEqual(Math.abs(f32[i]!) * (dtype === 'float16' ? 2 ** -11 : 2 ** -8) + 1e-7));
      t.free();
    }
    expect(toTfTensor(new Float32Array([1, 2, 3, 4]), [2, 2]).shape).toEqual([2, 2]);
    expect(() => toTfTensor(new Uint16Array(4))).toThrow(/float16 or bfloat16 bits/);
    expect(() => toTfTensor(new Float32Array(4), [3])).toThrow(/holds 3 elements but the data has 4/);
    f64.free();
    expect(() => toTfTensor(f64)).toThrow(/freed/);
    const dense = tfl.layers.dense({ units: 2, inputShape: [2] });
    tfl.sequential({ layers: [dense] });
    expect(() => setWeights(dense, [new Float32Array(4)])).toThrow(/has 2 weights/);
  });
});
