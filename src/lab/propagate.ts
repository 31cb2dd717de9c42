// propagate(): what an initialization does to one forward and one backward pass of a deep MLP.
import type { Activation, LabBackend } from './backend.js';
import { Arena, mlpFloats, Mlp, StatsCollector, STREAM, subSeed, view, type LayerStats } from './net.js';
import { checkBackend, checkBytes, PROPAGATE_KEYS, readBool, readNetwork, readOptions, show, type InitSpec, type NetSpec, type PropagateOptions } from './options.js';
import { moments, type Moments } from './stats.js';

/** Copies of every tensor of the pass (propagate's `capture: true`); index l − 1 is layer l. */
export interface Capture {
  input: Float32Array;
  weights: Float32Array[];
  biases: Float32Array[];
  preactivations: Float32Array[];
  activations: Float32Array[];
  /** f'(z_l) as the kernel computed it (what the backward pass multiplies by). */
  derivatives: Float32Array[];
  /** ∂ℓ/∂a_l per example; gradients[L − 1] is the output gradient G. */
  gradients: Float32Array[];
  weightGradients: Float32Array[];
  biasGradients: Float32Array[];
  /** ∂ℓ/∂a_0 */
  inputGradient: Float32Array;
}

export interface PropagateResult {
  widths: number[];
  activation: Activation;
  init: { name: string; options: Record<string, unknown> };
  bias: number;
  batch: number;
  seed: number;
  /** The input a_0. */
  input: Moments;
  /** Layer 1 .. L. */
  layers: LayerStats[];
  /** ∂ℓ/∂a_0, the gradient that reaches the input. */
  inputGradient: Moments;
  capture?: Capture;
}

const FN = 'weightinit.propagate';

/** Weights of every layer, drawn into JS memory through the backend (errors surface here, before any wasm allocation). */
export function drawWeights(backend: LabBackend, spec: Pick<NetSpec, 'widths' | 'init' | 'seed'>, stream: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let l = 1; l < spec.widths.length; l++) {
    const nin = spec.widths[l - 1]!;
    const nout = spec.widths[l]!;
    const w = new Float32Array(nin * nout);
    backend.init(spec.init.name, [nout, nin], { ...spec.init.options, seed: subSeed(spec.seed, stream, l) }, w);
    out.push(w);
  }
  return out;
}

/** Standard normal values from the backend into JS memory. */
export function drawNormal(backend: LabBackend, count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  backend.normal(count, seed, out);
  return out;
}

/**
 * One forward and one backward pass of a plain MLP — layer l: z_l = a_{l−1}·W_lᵀ + b_l,
 * a_l = f(z_l), every layer with the activation — on a batch of standard normal inputs (or
 * `input`). The backward pass starts from a standard normal output gradient G (batch × widths[L],
 * seed-fixed): the per-example loss is ℓ_i = Σ_j G_ij·a_L,ij, so ∂ℓ/∂a_L = G, and the weight
 * gradient is the batch mean ∂L/∂W, L = (1/B)·Σ_i ℓ_i.
 *
 * Returns per-layer statistics (docs/lab.md has every definition).
 * @example
 * const r = propagate(backend, { depth: 30, width: 512, activation: 'relu', init: 'heNormal', batch: 256, seed: 1 });
 * r.layers.map((s) => s.activation.secondMoment); // ~1 at every depth (He et al. 2015)
 */
export function propagate(backend: LabBackend, options: PropagateOptions): PropagateResult {
  checkBackend(FN, backend);
  const o = readOptions(FN, 'options', options, PROPAGATE_KEYS);
  const spec = readNetwork(FN, o);
  const { widths, batch, seed } = spec;
  const L = widths.length - 1;
  const nIn = batch * widths[0]!;
  let input: Float32Array | undefined;
  if (o.input !== undefined) {
    if (Object.prototype.toString.call(o.input) !== '[object Float32Array]') throw new TypeError(`${FN}: input must be a Float32Array of batch × widths[0] = ${nIn} values, got ${show(o.input)}`);
    if ((o.input as Float32Array).length !== nIn) throw new RangeError(`${FN}: input must hold batch × widths[0] = ${batch} × ${widths[0]} = ${nIn} values, got ${(o.input as Float32Array).length}`);
    input = o.input as Float32Array;
  }
  const capture = readBool(FN, 'capture', o.capture);
  checkBytes(FN, 4 * mlpFloats(widths, batch, true));

  // every draw first, into JS memory: an initializer that rejects its options throws here
  const weights = drawWeights(backend, spec, STREAM.weight);
  const x = input ?? drawNormal(backend, nIn, subSeed(seed, STREAM.input, 0));
  const G = drawNormal(backend, batch * widths[L]!, subSeed(seed, STREAM.outputGradient, 0));

  const arena = new Arena(backend);
  try {
    const net = new Mlp(backend, arena, widths, new Array<number>(L).fill(spec.kind), spec.param, batch, true);
    view(backend, net.input, nIn).set(x);
    for (let l = 1; l <= L; l++) net.setLayer(l, weights[l - 1]!, spec.bias);
    const stats = new StatsCollector(net, spec);
    const cap: Capture | undefined = capture
      ? {
        input: Float32Array.from(x), weights: weights.map((w) => Float32Array.from(w)),
        biases: [], preactivations: [], activations: [], derivatives: [], gradients: [], weightGradients: [], biasGradients: [],
        inputGradient: new Float32Array(0),
      }
      : undefined;
    net.forward((l, z, a, d) => {
      stats.forward(l, z, a, d);
      if (cap !== undefined) {
        cap.preactivations[l - 1] = Float32Array.from(z);
        cap.activations[l - 1] = Float32Array.from(a);
        cap.derivatives[l - 1] = Float32Array.from(d);
        cap.biases[l - 1] = Float32Array.from(net.view(net.layers[l - 1]!.b, widths[l]!));
      }
    });
    view(backend, net.topGradient, G.length).set(G);
    const gIn = net.backward({
      inputGradient: true,
      onLayer: (l, g, h, w, dw, db) => {
        stats.backward(l, g, h, w, dw);
        if (cap !== undefined) {
          cap.gradients[l - 1] = Float32Array.from(g);
          cap.weightGradients[l - 1] = Float32Array.from(dw);
          cap.biasGradients[l - 1] = Float32Array.from(db);
        }
      },
    })!;
    const result: PropagateResult = {
      widths, activation: spec.activation, init: { name: spec.init.name, options: spec.init.options },
      bias: spec.bias, batch, seed, input: moments(x), layers: stats.result(), inputGradient: moments(gIn),
    };
    if (cap !== undefined) {
      cap.inputGradient = Float32Array.from(gIn);
      result.capture = cap;
    }
    return result;
  } finally {
    arena.freeAll();
  }
}

export type { InitSpec, PropagateOptions };
