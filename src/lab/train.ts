// trainProbe(): does the initialization let plain SGD train a deep MLP? A short regression run
// with a loss curve and per-layer statistics at chosen steps.
import { ACTIVATION_CODES, type Activation, type LabBackend } from './backend.js';
import { Arena, mlpFloats, Mlp, StatsCollector, STREAM, subSeed, view, type LayerStats } from './net.js';
import {
  checkBackend, checkBytes, readBool, readFinite, readInt, readNetwork, readOptions, readSteps, readTeacher, show, TRAIN_KEYS,
  type TrainProbeOptions,
} from './options.js';
import { drawNormal, drawWeights } from './propagate.js';
import { moments, type Moments } from './stats.js';

/** Statistics of one recorded step (taken before that step's update). */
export interface TrainRecord {
  step: number;
  /** The minibatch loss at this step. */
  loss: number;
  layers: LayerStats[];
  /** ∂ℓ/∂a_0 */
  inputGradient: Moments;
}

export interface TrainProbeResult {
  widths: number[];
  activation: Activation;
  init: { name: string; options: Record<string, unknown> };
  task: 'teacher' | 'linear';
  steps: number;
  lr: number;
  batch: number;
  samples: number;
  seed: number;
  /** loss[k]: mean squared error on the minibatch of step k, before its update (k < steps). */
  loss: number[];
  /** Mean squared error over all samples after the last step. */
  finalLoss: number;
  /** The loss of the best constant prediction (each output's mean over the data set): Σ_j Var(y_j) / d_L. */
  baselineLoss: number;
  records: TrainRecord[];
  /** With returnWeights: the trained parameters, [out, in] and [out] per layer. */
  weights?: { weight: Float32Array; bias: Float32Array }[];
  /** With returnData: the training set, inputs (samples × widths[0]) and targets (samples × widths[L]), row-major. */
  data?: { inputs: Float32Array; targets: Float32Array };
}

const FN = 'weightinit.trainProbe';
const TASKS = ['teacher', 'linear'] as const;
const MAX_STEPS = 1_000_000;
const MAX_SAMPLES = 1 << 24;

function paramFor(a: Activation): number {
  return a === 'leaky_relu' ? 0.01 : a === 'elu' ? 1 : 0;
}

/**
 * Trains a plain MLP (every layer Linear + activation, the last layer Linear only) with plain SGD
 * on a fixed regression data set: inputs X ~ N(0, 1) (samples × widths[0]); targets from a
 * fixed random network (task 'teacher': `teacher.depth` layers of `teacher.width`, LeCun normal
 * weights, `teacher.activation` hidden, linear output; task 'linear': one LeCun normal linear
 * map), scaled by one constant so that their mean square over the data set is 1, plus
 * N(0, noise²). Loss: mean squared error over the batch and the outputs. Minibatches are the
 * consecutive blocks of `batch` rows, in order, cycling (no shuffling); samples = batch is
 * full-batch gradient descent.
 */
export function trainProbe(backend: LabBackend, options: TrainProbeOptions): TrainProbeResult {
  checkBackend(FN, backend);
  const o = readOptions(FN, 'options', options, TRAIN_KEYS);
  const spec = readNetwork(FN, o);
  const { widths, batch, seed } = spec;
  const L = widths.length - 1;
  const d0 = widths[0]!;
  const dL = widths[L]!;
  if (o.task === undefined) throw new TypeError(`${FN}: task is required, one of "teacher", "linear"`);
  if (typeof o.task !== 'string') throw new TypeError(`${FN}: task must be one of "teacher", "linear", got ${show(o.task)}`);
  if (!(TASKS as readonly string[]).includes(o.task)) throw new RangeError(`${FN}: task must be one of "teacher", "linear", got ${show(o.task)}`);
  const task = o.task as 'teacher' | 'linear';
  if (o.steps === undefined) throw new TypeError(`${FN}: steps is required, an integer in [0, ${MAX_STEPS}]`);
  const steps = readInt(FN, 'steps', o.steps, 0, MAX_STEPS);
  if (o.lr === undefined) throw new TypeError(`${FN}: lr is required, a finite number >= 0`);
  const lr = readFinite(FN, 'lr', o.lr, 'a finite number >= 0');
  if (lr < 0) throw new RangeError(`${FN}: lr must be a finite number >= 0, got ${show(lr)}`);
  const samples = o.samples === undefined ? batch : readInt(FN, 'samples', o.samples, 1, MAX_SAMPLES);
  if (samples % batch !== 0) throw new RangeError(`${FN}: samples must be a multiple of batch (${batch}), got ${samples}`);
  let noise = 0;
  if (o.noise !== undefined) {
    noise = readFinite(FN, 'noise', o.noise, 'a finite number >= 0');
    if (noise < 0) throw new RangeError(`${FN}: noise must be a finite number >= 0, got ${show(noise)}`);
  }
  if (task === 'linear' && o.teacher !== undefined) throw new TypeError(`${FN}: teacher is only read for task "teacher"`);
  const t = readTeacher(FN, o.teacher, d0);
  const recordAt = o.recordAt === undefined ? [...new Set([0, steps])] : readSteps(FN, 'recordAt', o.recordAt, steps);
  const returnWeights = readBool(FN, 'returnWeights', o.returnWeights);
  const returnData = readBool(FN, 'returnData', o.returnData);

  const tWidths = task === 'linear' ? [d0, dL] : [d0, ...new Array<number>(t.depth - 1).fill(t.width), dL];
  const tKinds = tWidths.slice(1).map((_, i) => (i === tWidths.length - 2 ? 0 : ACTIVATION_CODES[t.activation]));
  checkBytes(FN, 4 * (mlpFloats(widths, batch, false) + mlpFloats(tWidths, batch, false) + samples * d0));

  // every draw first, into JS memory
  const weights = drawWeights(backend, spec, STREAM.weight);
  const tWeights = drawWeights(backend, { widths: tWidths, init: { name: 'lecunNormal', options: {} }, seed }, STREAM.teacher);
  const X = drawNormal(backend, samples * d0, subSeed(seed, STREAM.data, 0));
  const noiseDraw = noise > 0 ? drawNormal(backend, samples * dL, subSeed(seed, STREAM.noise, 0)) : undefined;

  const arena = new Arena(backend);
  try {
    const xAll = arena.alloc(samples * d0);
    view(backend, xAll, samples * d0).set(X);
    const nb = samples / batch;
    const rowBytes = 4 * batch * d0;

    // targets: the teacher's output, scaled to mean square 1, plus noise
    const Y = new Float32Array(samples * dL);
    {
      const tArena = new Arena(backend);
      try {
        const teacher = new Mlp(backend, tArena, tWidths, tKinds, paramFor(t.activation), batch, false);
        for (let l = 1; l < tWidths.length; l++) teacher.setLayer(l, tWeights[l - 1]!, 0);
        for (let m = 0; m < nb; m++) {
          teacher.input = xAll + m * rowBytes;
          teacher.forward();
          Y.set(teacher.view(teacher.output, batch * dL), m * batch * dL);
        }
      } finally {
        tArena.freeAll();
      }
      let ms = 0;
      for (let i = 0; i < Y.length; i++) ms += Y[i]! * Y[i]!;
      ms /= Y.length;
      const c = ms > 0 ? 1 / Math.sqrt(ms) : 1;
      for (let i = 0; i < Y.length; i++) Y[i] = Y[i]! * c + (noiseDraw === undefined ? 0 : noise * noiseDraw[i]!);
    }
    const baselineLoss = constantLoss(Y, samples, dL);

    const kinds = new Array<number>(L).fill(spec.kind);
    kinds[L - 1] = ACTIVATION_CODES.linear;
    const net = new Mlp(backend, arena, widths, kinds, spec.param, batch, false);
    for (let l = 1; l <= L; l++) net.setLayer(l, weights[l - 1]!, spec.bias);

    /** Loss of the current output against minibatch m's targets; with grad, writes G = ∂ℓ/∂ŷ to the top gradient. */
    const lossOf = (m: number, grad: boolean): number => {
      const yhat = net.view(net.output, batch * dL);
      const G = grad ? net.view(net.topGradient, batch * dL) : undefined;
      const off = m * batch * dL;
      let s = 0;
      for (let i = 0; i < batch * dL; i++) {
        const r = yhat[i]! - Y[off + i]!;
        s += r * r;
        if (G !== undefined) G[i] = (2 / dL) * r;
      }
      return s / (batch * dL);
    };

    const loss: number[] = [];
    const records: TrainRecord[] = [];
    let next = 0;
    for (let step = 0; step <= steps; step++) {
      const record = recordAt[next] === step;
      if (step === steps && !record) break;
      const m = step % nb;
      net.input = xAll + m * rowBytes;
      const stats = record ? new StatsCollector(net, spec) : undefined;
      net.forward(stats?.forward);
      const l = lossOf(m, true);
      if (step < steps) loss.push(l);
      const gIn = net.backward({ lr: step < steps ? lr : 0, inputGradient: record, ...(stats ? { onLayer: stats.backward } : {}) });
      if (stats !== undefined) {
        records.push({ step, loss: l, layers: stats.result(), inputGradient: moments(gIn!) });
        next++;
      }
    }

    let total = 0;
    for (let m = 0; m < nb; m++) {
      net.input = xAll + m * rowBytes;
      net.forward();
      total += lossOf(m, false);
    }
    const result: TrainProbeResult = {
      widths, activation: spec.activation, init: { name: spec.init.name, options: spec.init.options }, task, steps, lr, batch, samples, seed,
      loss, finalLoss: total / nb, baselineLoss, records,
    };
    if (returnWeights) {
      result.weights = net.layers.map((ly) => ({
        weight: Float32Array.from(net.view(ly.w, ly.nin * ly.nout)),
        bias: Float32Array.from(net.view(ly.b, ly.nout)),
      }));
    }
    if (returnData) result.data = { inputs: X, targets: Y };
    return result;
  } finally {
    arena.freeAll();
  }
}

/** Mean over outputs of each output's variance over the samples (float64, two passes). */
function constantLoss(Y: Float32Array, samples: number, d: number): number {
  let total = 0;
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < samples; i++) s += Y[i * d + j]!;
    const mean = s / samples;
    let v = 0;
    for (let i = 0; i < samples; i++) {
      const r = Y[i * d + j]! - mean;
      v += r * r;
    }
    total += v / samples;
  }
  return total / d;
}
