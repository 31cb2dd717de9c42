// TensorFlow.js hand-off ('weightinit/tfjs'): real tfjs-layers Initializers backed by weightinit,
// owned-copy tensors for setWeights, and initModel, which re-initializes a built LayersModel by
// layer type and activation through the model planner (src/model/plan.ts), so its rules,
// recipes and named keys are the ones the rest of weightinit uses.
//
// Every array handed to tfjs is an owned copy (Tensor.take() / a fresh Float32Array): the tfjs
// cpu backend keeps the array it is given, so a view of wasm memory would change under the
// model when wasm memory is reused or grows (docs/memory.md).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { parseSeed } from '../engine/keys.js';
import { computeFans } from '../fans.js';
import { isPlainObject, readShape, show, showList } from '../init/options.js';
import { halfToNumber } from '../dtype.js';
import { typedArrayLength, typedArrayTag } from '../init/show.js';
import { planModel, type PlanEntry } from '../model/plan.js';
import type { Recipe, Rule } from '../model/recipes.js';
import type { Activation, ModelInfo, TensorKind, TensorSpec } from '../model/spec.js';
import { Tensor, type TypedArray } from '../tensor.js';
import { WeightInit } from '../weightinit.js';
import { transpose } from './layout.js';

/** A tfjs-layers Initializer (the class tfjs-layers does not export). */
export type TfInitializer = ReturnType<typeof tfl.initializers.zeros>;
/** A tfjs-layers Layer. */
export type TfLayer = tfl.LayersModel['layers'][number];
/** A tfjs-layers LayerVariable (a layer weight). */
export type TfWeight = tfl.LayerVariable;

/** The weightinit initializers `initializer()` wraps. */
export const TFJS_INITIALIZERS = [
  'uniform', 'normal', 'truncatedNormal', 'varianceScaling',
  'glorotUniform', 'glorotNormal', 'xavierUniform', 'xavierNormal',
  'heUniform', 'heNormal', 'kaimingUniform', 'kaimingNormal',
  'lecunUniform', 'lecunNormal',
  'orthogonal', 'deltaOrthogonal',
  'constant', 'zeros', 'ones', 'eye', 'dirac', 'sparse',
] as const;
export type TfjsInitializerName = (typeof TFJS_INITIALIZERS)[number];

/** Initializers that read fans or conv axes: called with layout 'tf' unless the options give a layout or axes. */
const TF_LAYOUT = new Set<string>([
  'varianceScaling', 'glorotUniform', 'glorotNormal', 'xavierUniform', 'xavierNormal', 'heUniform', 'heNormal',
  'kaimingUniform', 'kaimingNormal', 'lecunUniform', 'lecunNormal', 'orthogonal', 'deltaOrthogonal', 'dirac',
]);
const AXIS_OPTIONS = ['layout', 'inAxis', 'outAxis', 'batchAxis'];

/** The serialized form: `getConfig()` of a WeightInitInitializer, `{ className: 'WeightInit', config }` in model JSON. */
export interface WeightInitConfig {
  /** The weightinit method, e.g. 'heNormal'. */
  name: TfjsInitializerName;
  /** Its options (JSON: a bigint seed is written as a decimal string). */
  options: Record<string, unknown>;
}

let explicitInstance: WeightInit | undefined;
let lastInstance: WeightInit | undefined;

function checkInstance(fn: string, wi: unknown): WeightInit {
  if (!(wi instanceof WeightInit)) throw new TypeError(`${fn}: the first argument must be a weightinit instance (const wi = await load()), got ${show(wi)}`);
  return wi;
}

/**
 * The instance that initializers rebuilt from a saved model draw from (they are created by
 * tfjs from their JSON config, without one). Without this call they use the last instance
 * passed to `initializer()` or `initModel()`.
 */
export function useInstance(wi: WeightInit): void {
  explicitInstance = checkInstance('weightinit/tfjs useInstance', wi);
}

/** PyTorch's snake_case nonlinearity names; tfjs turns string values camelCase when it reads model JSON. */
function snake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Options from a user or a config, normalized and checked for what a tfjs initializer can take. */
function readInitOptions(fn: string, name: string, options: unknown): Record<string, unknown> {
  if (options === undefined || options === null) return {};
  if (!isPlainObject(options)) throw new TypeError(`${fn}: options must be a plain object, got ${show(options)}`);
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || v === null) continue;
    if (k === 'out' || k === 'range') throw new TypeError(`${fn}: option ${JSON.stringify(k)} cannot be used here: tfjs asks for the whole tensor of the layer's shape`);
    if (k === 'dtype' && v !== 'float32') throw new TypeError(`${fn}: tfjs weights are float32; got dtype ${show(v)} (give no dtype)`);
    if (k === 'seed' && typeof v === 'string') {
      if (!/^[0-9]+$/.test(v)) throw new TypeError(`${fn}: a seed given as a string must be decimal digits, got ${show(v)}`);
      o[k] = BigInt(v);
    } else if (k === 'nonlinearity' && typeof v === 'string') o[k] = snake(v);
    else o[k] = v;
  }
  if (o.seed !== undefined) parseSeed(`weightinit.${name}`, o.seed);
  return o;
}

// tfjs-layers checks `instanceof Initializer` and exports no such class: take it from a built-in one.
const InitializerBase = Object.getPrototypeOf(tfl.initializers.zeros().constructor) as abstract new () => TfInitializer;

/**
 * A tfjs-layers Initializer drawing from weightinit. Usually made with `initializer(wi, name, options)`.
 * Registered with tfjs serialization as 'WeightInit', so a model that uses it saves and loads
 * with its config ({ name, options }) intact.
 */
export class WeightInitInitializer extends InitializerBase {
  /** The class name in model JSON. */
  static readonly className = 'WeightInit';
  /** The weightinit method. */
  readonly method: TfjsInitializerName;
  /** Its options as given (normalized: a string seed read as a bigint). */
  readonly options: Readonly<Record<string, unknown>>;
  readonly #wi: WeightInit | undefined;

  /** tfjs calls `new WeightInitInitializer(config)` when it loads a model; then the instance comes from useInstance(). */
  constructor(config: { name: string; options?: Record<string, unknown> }, wi?: WeightInit) {
    super();
    const fn = 'weightinit/tfjs initializer';
    if (!isPlainObject(config)) throw new TypeError(`${fn}: config must be { name, options }, got ${show(config)}`);
    const name = config.name;
    if (typeof name !== 'string' || !(TFJS_INITIALIZERS as readonly string[]).includes(name)) {
      throw new RangeError(`${fn}: unknown initializer ${show(name)}; one of ${TFJS_INITIALIZERS.join(', ')}`);
    }
    this.method = name as TfjsInitializerName;
    this.options = Object.freeze(readInitOptions(fn, name, config.options));
    this.#wi = wi;
  }

  /** The tensor of `shape` (tfjs layout), float32, over an owned copy. Each call without `seed`/`name` takes a fresh key. */
  override apply(shape: number[], dtype?: tf.DataType): tf.Tensor {
    const fn = `weightinit/tfjs ${this.method}`;
    if (dtype !== undefined && dtype !== 'float32') throw new TypeError(`${fn}: weightinit makes float32 weights; the layer asked for ${show(dtype)}`);
    const wi = this.#wi ?? explicitInstance ?? lastInstance;
    if (wi === undefined) {
      throw new Error(`${fn}: no weightinit instance: this initializer was rebuilt from a saved model; call useInstance(wi) from 'weightinit/tfjs' first`);
    }
    const dims = readShape(fn, shape);
    const data = draw(wi, this.method, dims, this.options);
    return tf.tensor(data, dims, 'float32');
  }

  /** { name, options }: plain JSON (a bigint seed as a decimal string). */
  override getConfig(): tf.serialization.ConfigDict {
    const options: Record<string, tf.serialization.ConfigDictValue> = {};
    for (const [k, v] of Object.entries(this.options)) options[k] = typeof v === 'bigint' ? v.toString() : (v as tf.serialization.ConfigDictValue);
    return { name: this.method, options };
  }
}
tf.serialization.registerClass(WeightInitInitializer as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);

type Call = (shape: readonly number[], opts: Record<string, unknown>) => Tensor;

/** One draw as an owned Float32Array in tfjs layout. */
function draw(wi: WeightInit, method: string, shape: readonly number[], options: Readonly<Record<string, unknown>>): Float32Array {
  const o: Record<string, unknown> = { ...options };
  if (TF_LAYOUT.has(method) && !AXIS_OPTIONS.some((k) => o[k] !== undefined)) o.layout = 'tf';
  const call = (wi as unknown as Record<string, Call>)[method]!;
  if (method === 'sparse' && shape.length === 2) {
    // PyTorch's sparse_ on the [out, in] weight of the same layer, transposed to tfjs's [in, out]
    const t = call([shape[1]!, shape[0]!], o);
    try {
      return transpose(t, undefined, [1, 0]).data as Float32Array;
    } finally {
      t.free();
    }
  }
  return call(shape, o).take() as Float32Array;
}

/**
 * A real tfjs-layers Initializer (use it as kernelInitializer, biasInitializer,
 * recurrentInitializer, embeddingsInitializer, ...) that draws with weightinit.
 *
 * Fan-based initializers (varianceScaling, glorot/xavier, he/kaiming, lecun), orthogonal,
 * deltaOrthogonal and dirac are called with `layout: 'tf'`, the layout of tfjs kernels
 * ([in, out], [...kernel, in, out]); orthogonal then flattens all but the last axis, as Keras.
 * sparse on a 2-D kernel is PyTorch's sparse_ on the same layer's [out, in] weight, transposed.
 *
 * Keys: each call of the initializer (each layer it builds) takes a fresh key from `wi`'s
 * sequence, so `load({ seed })` makes the whole model reproducible; with `seed` or `name`
 * in the options every call draws the same values (a fixed key).
 * @example
 * tf.layers.dense({ units: 64, kernelInitializer: initializer(wi, 'heNormal'), biasInitializer: initializer(wi, 'zeros') })
 */
export function initializer(wi: WeightInit, name: TfjsInitializerName, options?: Record<string, unknown>): WeightInitInitializer {
  const w = checkInstance('weightinit/tfjs initializer', wi);
  const init = new WeightInitInitializer({ name, ...(options !== undefined ? { options } : {}) }, w);
  lastInstance = w;
  return init;
}

/**
 * A float32 tf.Tensor over an owned copy of a weightinit Tensor (any dtype: float64 rounded,
 * float16/bfloat16 widened) or a Float32Array/Float64Array/Float16Array. The source is not
 * freed. `shape` defaults to the tensor's own (an array's: [length]).
 * @example layer.setWeights([toTfTensor(w), toTfTensor(b)])
 */
export function toTfTensor(src: Tensor<TypedArray> | TypedArray, shape?: readonly number[]): tf.Tensor {
  const fn = 'weightinit/tfjs toTfTensor';
  let data: Float32Array;
  let dims: number[];
  if (src instanceof Tensor) {
    if (src.freed) throw new Error(`${fn}: this tensor was freed; its data is gone`);
    const v = src.data;
    data = new Float32Array(src.size);
    if (src.dtype === 'bfloat16') {
      const u = new Uint32Array(data.buffer);
      for (let i = 0; i < data.length; i++) u[i] = (v as Uint16Array)[i]! << 16;
    } else if (src.dtype === 'float16' && typedArrayTag(v) === 'Uint16Array') {
      for (let i = 0; i < data.length; i++) data[i] = halfToNumber((v as Uint16Array)[i]!);
    } else if (src.dtype === 'uint32') {
      throw new TypeError(`${fn}: a uint32 tensor holds raw generator words, not weights`);
    } else data.set(v as Float32Array);
    dims = shape === undefined ? [...src.shape] : readShape(fn, shape);
  } else {
    const tag = typedArrayTag(src);
    if (tag !== 'Float32Array' && tag !== 'Float64Array' && tag !== 'Float16Array') {
      throw new TypeError(`${fn}: expected a weightinit Tensor or a Float32Array, Float64Array or Float16Array (a Uint16Array could be float16 or bfloat16 bits: pass the Tensor), got ${show(src)}`);
    }
    data = new Float32Array(typedArrayLength(src));
    data.set(src as Float32Array);
    dims = shape === undefined ? [data.length] : readShape(fn, shape);
  }
  const n = dims.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new RangeError(`${fn}: shape ${showList(dims)} holds ${n} elements but the data has ${data.length}`);
  return tf.tensor(data, dims, 'float32');
}

/**
 * Sets a layer's weights (in `layer.weights` order) from weightinit Tensors or float arrays,
 * through owned copies; the tfjs tensors made on the way are disposed. The sources are not freed.
 * @example setWeights(dense, [wi.heNormal([784, 256], { layout: 'tf' }), wi.zeros([256])])
 */
export function setWeights(layer: TfLayer, sources: readonly (Tensor<TypedArray> | TypedArray)[]): void {
  const fn = 'weightinit/tfjs setWeights';
  const vars = layer.weights;
  if (!Array.isArray(sources) || sources.length !== vars.length) {
    throw new RangeError(`${fn}: layer ${JSON.stringify(layer.name)} has ${vars.length} weights (${vars.map((v) => v.name).join(', ')}); got ${Array.isArray(sources) ? sources.length : show(sources)}`);
  }
  tf.tidy(() => {
    const ts = sources.map((s, i) => toTfTensor(s, vars[i]!.shape as number[]));
    layer.setWeights(ts);
  });
}

// ---------------------------------------------------------------- initModel

/** One weight's decision: the plan entry (rule, initializer, options, std/bound/value, named key) and its layer. */
export interface Decision extends Omit<PlanEntry, 'std' | 'why' | 'shape' | 'options'> {
  shape: number[];
  options: Record<string, unknown>;
  std?: number;
  why: string;
  /** The layer that owns the weight. */
  layer: string;
  /** Its tfjs class name (Dense, Conv2D, LSTM, ...). */
  layerClass: string;
  /** LSTM with unitForgetBias: the forget-gate quarter of the bias was set to 1 after the fill. */
  forgetBias?: 1;
}

export interface InitModelOptions {
  /** Root of the named keys: weight `n` gets key namedKey(seed, n). Default `wi.rootSeed`, so the key equals `wi.keyOf(n)`. */
  seed?: number | bigint;
  /** A recipe name ('best-practice' (default), 'pytorch', 'gpt2', 'llama') or a Recipe. */
  recipe?: string | Recipe;
  /** Rules tried before the recipe's (match by kind, activation, or name glob over the tfjs weight names). */
  rules?: readonly Rule[];
  /** LSTM forget-gate bias 1 (Jozefowicz et al. 2015): true or false for every LSTM; default each layer's own `unitForgetBias` (tfjs default true). */
  unitForgetBias?: boolean;
  /** Model facts the recipe may read (`nLayer`, `initializerRange`); recurrent layers set `hidden` to their own size. */
  model?: ModelInfo;
}

/** tfjs activation class names → the planner's activations. */
const ACTIVATION: Readonly<Record<string, Activation>> = {
  linear: 'linear', softmax: 'linear', logSoftmax: 'linear',
  relu: 'relu', relu6: 'relu', softplus: 'relu',
  elu: 'elu', selu: 'selu',
  tanh: 'tanh', softsign: 'tanh',
  sigmoid: 'sigmoid', hardSigmoid: 'sigmoid',
  gelu: 'gelu', gelu_new: 'gelu',
  swish: 'silu', mish: 'silu',
};

/** Layers an activation looks through (what they do commutes with, or is set up for, the activation after them). */
const PASS_THROUGH = new Set([
  'BatchNormalization', 'LayerNormalization', 'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise',
  'GaussianDropout', 'AlphaDropout', 'Flatten', 'Reshape', 'Permute', 'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D',
  'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D', 'ZeroPadding2D', 'Cropping2D',
]);

interface LayerActivation {
  activation?: Activation;
  negativeSlope?: number;
}

function activationOfLayer(layer: TfLayer): LayerActivation | undefined {
  const cls = layer.getClassName();
  const cfg = layer.getConfig();
  switch (cls) {
    case 'ReLU': case 'ThresholdedReLU': case 'PReLU': return { activation: 'relu' };
    case 'ELU': return { activation: 'elu' };
    case 'Softmax': return { activation: 'linear' };
    case 'LeakyReLU': {
      const alpha = typeof cfg.alpha === 'number' ? cfg.alpha : 0.3;
      return { activation: 'leaky_relu', negativeSlope: alpha };
    }
  }
  if (typeof cfg.activation === 'string') return { activation: ACTIVATION[cfg.activation] ?? 'linear' };
  return undefined;
}

/** The nonlinearity after a layer: its own, else (when linear) a following activation layer, looking through PASS_THROUGH layers. */
function followingActivation(layer: TfLayer): LayerActivation {
  const own = activationOfLayer(layer);
  if (own !== undefined && own.activation !== 'linear') return own;
  let at: TfLayer = layer;
  for (let depth = 0; depth < 4; depth++) {
    const next = new Set<TfLayer>();
    for (const node of at.outboundNodes) if (node.outboundLayer !== undefined) next.add(node.outboundLayer);
    if (next.size !== 1) break;
    const [n] = next as unknown as [TfLayer];
    const cls = n.getClassName();
    if (PASS_THROUGH.has(cls)) {
      at = n;
      continue;
    }
    const a = cls === 'Activation' || ['ReLU', 'ThresholdedReLU', 'PReLU', 'ELU', 'Softmax', 'LeakyReLU'].includes(cls) ? activationOfLayer(n) : undefined;
    if (a !== undefined) return a;
    break;
  }
  return own ?? {};
}

interface Found {
  layer: TfLayer;
  cls: string;
  /** The class whose weight naming applies (an RNN's cell: LSTMCell → LSTM). */
  as: string;
  config: tf.serialization.ConfigDict;
  variables: TfWeight[];
}

/** Leaf layers that own weights, through nested models and wrappers (Bidirectional, TimeDistributed). */
function leaves(layer: TfLayer, out: Found[], seen: Set<unknown>): void {
  if (seen.has(layer)) return;
  seen.add(layer);
  const l = layer as unknown as { layers?: TfLayer[]; forwardLayer?: TfLayer; backwardLayer?: TfLayer; layer?: TfLayer; cell?: TfLayer };
  if (Array.isArray(l.layers)) {
    for (const c of l.layers) leaves(c, out, seen);
    return;
  }
  if (l.forwardLayer !== undefined && l.backwardLayer !== undefined) {
    leaves(l.forwardLayer, out, seen);
    leaves(l.backwardLayer, out, seen);
    return;
  }
  if (l.layer !== undefined && typeof (l.layer as { getClassName?: unknown }).getClassName === 'function') {
    leaves(l.layer, out, seen);
    return;
  }
  const cls = layer.getClassName();
  const cell = cls === 'RNN' && l.cell !== undefined && typeof l.cell.getClassName === 'function' ? l.cell : undefined;
  const as = cell !== undefined ? cell.getClassName().replace(/Cell$/, '') : cls;
  const variables = layer.weights;
  if (variables.length === 0) {
    // a layer of a kind that always has weights has none only when it was never built
    // (layers inside wrappers may hold weights without their own `built` flag)
    const weighted = ['kernel', 'depthwise_kernel', 'gamma', 'embeddings'].some((w) => kindOf(as, w) !== undefined);
    if (weighted && !(layer as { built?: boolean }).built) {
      throw new Error(`weightinit/tfjs initModel: layer ${JSON.stringify(layer.name)} (${cls}) has no weights yet: give the model's first layer an inputShape, or run the model once, before initModel`);
    }
    return;
  }
  const config = (cell ?? layer).getConfig();
  out.push({ layer, cls, as, config, variables });
}

function kindOf(as: string, short: string): TensorKind | undefined {
  switch (as) {
    case 'Dense':
      return short === 'kernel' ? 'linear' : short === 'bias' ? 'bias' : undefined;
    case 'Conv1D': case 'Conv2D': case 'Conv3D': case 'Conv2DTranspose': case 'Conv3DTranspose':
    case 'DepthwiseConv2D': case 'SeparableConv1D': case 'SeparableConv2D':
      return short === 'bias' ? 'bias' : /kernel$/.test(short) ? 'conv' : undefined;
    case 'Embedding':
      return short === 'embeddings' ? 'embedding' : undefined;
    case 'LSTM': case 'GRU': case 'SimpleRNN': case 'ConvLSTM2D':
      return short === 'kernel' ? 'recurrent_input' : short === 'recurrent_kernel' ? 'recurrent_hidden' : short === 'bias' ? 'recurrent_bias' : undefined;
    case 'BatchNormalization':
      return short === 'gamma' || short === 'moving_variance' ? 'norm_weight' : short === 'beta' || short === 'moving_mean' ? 'norm_bias' : undefined;
    case 'LayerNormalization':
      return short === 'gamma' ? 'norm_weight' : short === 'beta' ? 'norm_bias' : undefined;
  }
  return undefined;
}

/** The spec tensors of one leaf layer (tfjs names and shapes, layout 'tf'). */
function specOf(f: Found): TensorSpec[] {
  const act = followingActivation(f.layer);
  const shortOf = (v: TfWeight) => v.originalName.slice(v.originalName.lastIndexOf('/') + 1);
  // fans of the layer's main kernel, for its bias (the pytorch recipe's U(±1/√fan_in))
  let kernelFanIn: number | undefined;
  const tensors: TensorSpec[] = [];
  for (const v of f.variables) {
    const short = shortOf(v);
    const kind = kindOf(f.as, short);
    const shape = [...(v.shape as number[])];
    const t: { -readonly [K in keyof TensorSpec]: TensorSpec[K] } = { name: v.name, shape, layout: 'tf' };
    if (kind !== undefined) t.kind = kind;
    if (act.activation !== undefined && kind !== 'norm_weight' && kind !== 'norm_bias') {
      t.activation = act.activation;
      if (act.activation === 'leaky_relu' && act.negativeSlope !== undefined) t.negativeSlope = act.negativeSlope;
    }
    if (short === 'depthwise_kernel' && shape.length >= 3) {
      // each output of a depthwise conv sums one input channel over the kernel window: fan_in = the window
      // (PyTorch's groups = in_channels conv; Keras/tfjs count every input channel)
      const rf = shape.slice(0, -2).reduce((a, d) => a * d, 1);
      t.fanIn = Math.max(1, rf);
      t.fanOut = Math.max(1, rf * shape[shape.length - 1]!);
    }
    if (kind === 'linear' || kind === 'conv') {
      if (short === 'kernel' || short === 'pointwise_kernel' || kernelFanIn === undefined) {
        kernelFanIn = t.fanIn ?? (shape.length >= 1 ? computeFans(shape, { layout: 'tf' }).fanIn : undefined);
      }
    }
    tensors.push(t);
  }
  for (const t of tensors) {
    if (t.kind === 'bias' && t.fanIn === undefined && kernelFanIn !== undefined && kernelFanIn >= 1) (t as { fanIn?: number }).fanIn = kernelFanIn;
  }
  return tensors;
}

function hiddenOf(f: Found): number | undefined {
  const u = f.config.units ?? f.config.filters;
  return typeof u === 'number' && Number.isSafeInteger(u) && u > 0 ? u : undefined;
}

/**
 * Re-initializes every weight of a built tf.LayersModel by layer type and activation, through
 * the model planner: the spec has the tfjs weight names, kinds from the layer classes (Dense →
 * linear, Conv*D/DepthwiseConv2D/SeparableConv → conv, Embedding → embedding, LSTM/GRU/SimpleRNN
 * kernel → recurrent_input, recurrent_kernel → recurrent_hidden, bias → recurrent_bias,
 * BatchNormalization gamma/moving_variance → norm_weight and beta/moving_mean → norm_bias,
 * LayerNormalization gamma/beta, other biases → bias), the activation from the layer config
 * (or a following Activation/ReLU/LeakyReLU/ELU layer, looking through normalization, dropout
 * and pooling), and layout 'tf'. Every weight's key is the named key of (seed, weight name).
 *
 * Defaults (recipe 'best-practice'): He normal before rectifiers, LeCun normal before SELU,
 * Glorot uniform otherwise, biases 0 (0.01 before ReLU), embeddings N(0, 0.02), recurrent
 * kernels Glorot uniform, recurrent_kernel orthogonal, recurrent biases 0 (LSTM forget gate 1),
 * norms 1/0 (moving mean 0, moving variance 1).
 *
 * All values are drawn before any weight is written (a failure writes nothing), and each is
 * written as an owned copy. Returns every decision, in model order.
 * @example
 * const decisions = initModel(wi, model, { recipe: 'best-practice' });
 */
export function initModel(wi: WeightInit, model: tfl.LayersModel, opts: InitModelOptions = {}): Decision[] {
  const fn = 'weightinit/tfjs initModel';
  checkInstance(fn, wi);
  if (model === null || typeof model !== 'object' || !Array.isArray((model as { layers?: unknown }).layers)) {
    throw new TypeError(`${fn}: expected a tf.LayersModel (tf.sequential(...) or tf.model(...)), got ${show(model)}`);
  }
  if (!isPlainObject(opts as unknown)) throw new TypeError(`${fn}: options must be a plain object, got ${show(opts)}`);
  for (const k of Object.keys(opts)) {
    if (!['seed', 'recipe', 'rules', 'unitForgetBias', 'model'].includes(k)) {
      throw new TypeError(`${fn}: unknown option ${JSON.stringify(k)}; valid options are "seed", "recipe", "rules", "unitForgetBias", "model"`);
    }
  }
  const seed = opts.seed ?? wi.rootSeed;
  lastInstance = wi;
  const found: Found[] = [];
  leaves(model as unknown as TfLayer, found, new Set());

  const decisions: Decision[] = [];
  const values: Float32Array[] = [];
  const variables: TfWeight[] = [];
  for (const f of found) {
    const tensors = specOf(f);
    const hidden = hiddenOf(f);
    const info: ModelInfo = { ...(opts.model ?? {}), ...(hidden !== undefined && ['LSTM', 'GRU', 'SimpleRNN', 'ConvLSTM2D'].includes(f.as) ? { hidden } : {}) };
    const spec = { layout: 'tf' as const, ...(Object.keys(info).length > 0 ? { model: info } : {}), tensors };
    const plan = planModel(wi, spec, { seed, recipe: opts.recipe ?? 'best-practice', ...(opts.rules !== undefined ? { rules: opts.rules } : {}) });
    const forget = f.as === 'LSTM' || f.as === 'ConvLSTM2D' ? (opts.unitForgetBias ?? f.config.unitForgetBias !== false) : false;
    plan.entries.forEach((e, i) => {
      const v = f.variables[i]!;
      const options = { ...e.options };
      if (TF_LAYOUT.has(e.initializer) && !AXIS_OPTIONS.some((k) => options[k] !== undefined)) options.layout = 'tf';
      const call = (wi as unknown as Record<string, Call>)[e.initializer]!;
      const data = call(e.shape, { ...options, seed: BigInt(e.key), dtype: 'float32' }).take() as Float32Array;
      const d: Decision = { ...e, shape: [...e.shape], options, layer: f.layer.name, layerClass: f.cls };
      if (e.initializer === 'orthogonal' && e.shape.length > 2) {
        // layout 'tf': rows = all but the last axis (the plan's std assumes rows = shape[0])
        const cols = e.shape[e.shape.length - 1]!;
        const rows = e.shape.slice(0, -1).reduce((a, x) => a * x, 1);
        const gain = typeof options.gain === 'number' ? options.gain : 1;
        d.std = gain / Math.sqrt(Math.max(rows, cols));
      }
      if (forget && e.kind === 'recurrent_bias' && hidden !== undefined && data.length === 4 * hidden) {
        data.fill(1, hidden, 2 * hidden); // gates i, f, c, o: the f quarter
        d.forgetBias = 1;
        d.why = `${d.why}; LSTM unitForgetBias: the forget-gate quarter set to 1`;
      }
      decisions.push(d);
      values.push(data);
      variables.push(v);
    });
  }
  tf.tidy(() => {
    variables.forEach((v, i) => v.write(tf.tensor(values[i]!, v.shape as number[], 'float32')));
  });
  return decisions;
}
