// A model spec: the list of tensors a model has (name, shape) and, for each, what it is (kind)
// and what follows it (activation) - the data the initialization rules work from. Plain JSON,
// described by spec.schema.json (JSON Schema draft 2020-12) next to this file.
//
//   { "tensors": [ { "name": "fc1.weight", "shape": [256, 784], "kind": "linear", "activation": "relu" } ] }
//
// parseSpec validates untrusted input by hand (no schema library at run time) and returns a
// frozen, normalized copy. This module is data only: it imports nothing from the initializers.

/**
 * What a tensor is. Fans come from the shape and `layout` for the weight kinds.
 *
 * | kind | what | shape (torch layout) |
 * |---|---|---|
 * | `linear` | dense / fully connected weight | [out, in] |
 * | `conv` | convolution kernel | [out, in/groups, ...k] |
 * | `bias` | additive bias of a linear, conv or attention layer | [out] |
 * | `norm_weight` | scale (gamma) of LayerNorm, RMSNorm, BatchNorm, GroupNorm (also BatchNorm's running_var) | [features] |
 * | `norm_bias` | shift (beta) of a normalization layer (also BatchNorm's running_mean) | [features] |
 * | `embedding` | token (or type) embedding table | [num, dim] |
 * | `position_embedding` | learned position table | [positions, dim] |
 * | `recurrent_input` | RNN/LSTM/GRU input-to-hidden weight, gates stacked | [gates·hidden, in] |
 * | `recurrent_hidden` | RNN/LSTM/GRU hidden-to-hidden weight, gates stacked | [gates·hidden, hidden] |
 * | `recurrent_bias` | RNN/LSTM/GRU biases (b_ih, b_hh) | [gates·hidden] |
 * | `attention_qkv` | query, key, value projections (separate or fused) | [out, in] |
 * | `attention_out` | attention output projection, added into the residual stream | [out, in] |
 * | `mlp_out` | MLP output (down) projection, added into the residual stream | [out, in] |
 *
 * `attention_out` and `mlp_out` are the residual projections (GPT-2 scales their std by
 * 1/√(2·nLayer)); otherwise they are initialized like `linear`.
 */
export const KINDS = [
  'linear',
  'conv',
  'bias',
  'norm_weight',
  'norm_bias',
  'embedding',
  'position_embedding',
  'recurrent_input',
  'recurrent_hidden',
  'recurrent_bias',
  'attention_qkv',
  'attention_out',
  'mlp_out',
] as const;
export type TensorKind = (typeof KINDS)[number];

/** The nonlinearity that follows a layer (PyTorch's `calculate_gain` names, plus gelu and silu). `linear`: none. */
export const ACTIVATIONS = ['linear', 'relu', 'leaky_relu', 'tanh', 'sigmoid', 'gelu', 'silu', 'selu', 'elu'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/**
 * How a weight's axes are ordered. `torch`: [out, in, ...kernel] (nn.Linear, nn.ConvNd).
 * `tf`: [...kernel, in, out] (Keras, tfjs, JAX/Flax; and GPT-2's Conv1D, whose weight is [in, out]).
 */
export const LAYOUTS = ['torch', 'tf'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** Element types a tensor may ask for (the initializers' names). */
export const SPEC_DTYPES = ['float32', 'float64', 'float16', 'bfloat16'] as const;
export type SpecDType = (typeof SPEC_DTYPES)[number];

/** One tensor of a model. */
export interface TensorSpec {
  /** The state-dict / checkpoint name, e.g. `h.0.attn.c_attn.weight`. Unique within a spec. */
  readonly name: string;
  /** Non-negative integers; `[]` is a scalar. */
  readonly shape: readonly number[];
  readonly kind?: TensorKind;
  /** The nonlinearity that follows the layer this weight belongs to. */
  readonly activation?: Activation;
  /** LeakyReLU's negative slope; only with `activation: 'leaky_relu'`. */
  readonly negativeSlope?: number;
  /** Axis order (default: the spec's `layout`, else `torch`). */
  readonly layout?: Layout;
  /** Overrides the fan-in computed from shape and layout (positive integer). */
  readonly fanIn?: number;
  /** Overrides the fan-out computed from shape and layout (positive integer). */
  readonly fanOut?: number;
  readonly dtype?: SpecDType;
}

/** Model-level facts the rules may need (all optional). Names follow the Hugging Face configs where there is one. */
export interface ModelInfo {
  /** e.g. `gpt2`, `llama`, `mlp`. */
  readonly family?: string;
  /** e.g. `gpt2`, `llama-3.2-1b`. */
  readonly name?: string;
  /** Number of layers / blocks (GPT-2's `n_layer`, Llama's `num_hidden_layers`; GPT-2 scales residual projections by 1/√(2·nLayer)). */
  readonly nLayer?: number;
  /** Hidden size (GPT-2's `n_embd`, Llama's `hidden_size`, an LSTM's `hidden_size`). */
  readonly hidden?: number;
  /** MLP inner size (GPT-2's `n_inner`, Llama's `intermediate_size`). */
  readonly intermediate?: number;
  readonly nHead?: number;
  /** Key/value heads (grouped-query attention). */
  readonly nKvHead?: number;
  readonly vocab?: number;
  /** Context length (GPT-2's `n_positions`). */
  readonly nCtx?: number;
  /** Input features (an MLP's or LSTM's input size). */
  readonly input?: number;
  /** The output head shares the token embedding (so it has no tensor of its own). */
  readonly tiedEmbeddings?: boolean;
  /** The std of the normal init in the Hugging Face config (`initializer_range`, 0.02 for GPT-2 and Llama). */
  readonly initializerRange?: number;
}

export interface ModelSpec {
  /** A JSON Schema reference, allowed so spec files can point editors at spec.schema.json. */
  readonly $schema?: string;
  /** Default layout of every tensor that does not give one. */
  readonly layout?: Layout;
  readonly model?: ModelInfo;
  readonly tensors: readonly TensorSpec[];
}

/** Field names, in the order they are written; the schema test checks spec.schema.json has exactly these. */
export const SPEC_FIELDS = ['$schema', 'layout', 'model', 'tensors'] as const;
export const TENSOR_FIELDS = ['name', 'shape', 'kind', 'activation', 'negativeSlope', 'layout', 'fanIn', 'fanOut', 'dtype'] as const;
export const MODEL_FIELDS = ['family', 'name', 'nLayer', 'hidden', 'intermediate', 'nHead', 'nKvHead', 'vocab', 'nCtx', 'input', 'tiedEmbeddings', 'initializerRange'] as const;
export const REQUIRED_SPEC_FIELDS = ['tensors'] as const;
export const REQUIRED_TENSOR_FIELDS = ['name', 'shape'] as const;

/** A spec that failed validation. `path` locates the value, e.g. `tensors[3].shape[1]`. */
export class SpecError extends Error {
  override name = 'SpecError';
  readonly path: string;
  constructor(message: string, path: string) {
    super(message);
    this.path = path;
  }
}

function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'function') return 'a function';
  return 'an object';
}

const isPlainObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The own enumerable data properties of an object, each read once (accessors rejected: reading them could run code). */
function ownData(v: object, where: string, label: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const key of Reflect.ownKeys(v)) {
    if (typeof key === 'symbol') continue;
    const d = Object.getOwnPropertyDescriptor(v, key);
    if (d === undefined || !d.enumerable) continue;
    if (!('value' in d)) throw new SpecError(`${label} has an accessor property ${JSON.stringify(key)}; only plain data is accepted`, where);
    out.set(key, d.value);
  }
  return out;
}

/** An array's elements as own data, read once. */
function ownItems(v: unknown[], where: string, label: string): unknown[] {
  const n = v.length;
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const d = Object.getOwnPropertyDescriptor(v, i);
    if (d === undefined) throw new SpecError(`${label}[${i}] is missing (a hole in the array)`, `${where}[${i}]`);
    if (!('value' in d)) throw new SpecError(`${label}[${i}] is an accessor; only plain data is accepted`, `${where}[${i}]`);
    out.push(d.value);
  }
  return out;
}

function rejectUnknown(fields: Map<string, unknown>, known: readonly string[], where: string, label: string): void {
  for (const k of fields.keys()) {
    if (!known.includes(k)) {
      const near = known.find((f) => f.toLowerCase() === k.toLowerCase().replace(/[_-]/g, ''));
      throw new SpecError(`${label} has an unknown field ${JSON.stringify(k)}${near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : ''}; known: ${known.join(', ')}`, where === '' ? k : `${where}.${k}`);
    }
  }
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string, label: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new SpecError(`${label} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${show(v)}`, path);
  }
  return v as T;
}

function positiveInt(v: unknown, path: string, label: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new SpecError(`${label} must be a positive integer, got ${show(v)}`, path);
  return v;
}

function parseTensor(v: unknown, i: number, specLayout: Layout | undefined): TensorSpec {
  const base = `tensors[${i}]`;
  if (!isPlainObject(v)) throw new SpecError(`${base} must be an object with name and shape, got ${show(v)}`, base);
  const f = ownData(v, base, base);
  const name = f.get('name');
  if (typeof name !== 'string' || name === '') throw new SpecError(`${base}.name must be a non-empty string, got ${show(name)}`, `${base}.name`);
  const label = `${base} (${JSON.stringify(name)})`;
  rejectUnknown(f, TENSOR_FIELDS, base, label);
  const shapeV = f.get('shape');
  if (!Array.isArray(shapeV)) throw new SpecError(`${label}.shape must be an array of non-negative integers, got ${show(shapeV)}`, `${base}.shape`);
  const shape = ownItems(shapeV, `${base}.shape`, `${label}.shape`).map((d, j) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new SpecError(`${label}.shape[${j}] must be a non-negative integer, got ${show(d)}`, `${base}.shape[${j}]`);
    }
    return d;
  });
  if (!Number.isSafeInteger(shape.reduce((a, d) => a * d, 1))) throw new SpecError(`${label}.shape [${shape.join(', ')}] has more than 2^53 - 1 elements`, `${base}.shape`);
  const out: { -readonly [K in keyof TensorSpec]: TensorSpec[K] } = { name, shape: Object.freeze(shape) };
  const kind = f.get('kind');
  if (kind !== undefined) out.kind = oneOf(kind, KINDS, `${base}.kind`, `${label}.kind`);
  const act = f.get('activation');
  if (act !== undefined) out.activation = oneOf(act, ACTIVATIONS, `${base}.activation`, `${label}.activation`);
  const slope = f.get('negativeSlope');
  if (slope !== undefined) {
    if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new SpecError(`${label}.negativeSlope must be a finite number, got ${show(slope)}`, `${base}.negativeSlope`);
    if (out.activation !== 'leaky_relu') throw new SpecError(`${label}.negativeSlope is only meaningful with activation "leaky_relu", got activation ${show(out.activation)}`, `${base}.negativeSlope`);
    out.negativeSlope = slope;
  }
  const layout = f.get('layout');
  if (layout !== undefined) out.layout = oneOf(layout, LAYOUTS, `${base}.layout`, `${label}.layout`);
  else if (specLayout !== undefined) out.layout = specLayout;
  const fanIn = f.get('fanIn');
  if (fanIn !== undefined) out.fanIn = positiveInt(fanIn, `${base}.fanIn`, `${label}.fanIn`);
  const fanOut = f.get('fanOut');
  if (fanOut !== undefined) out.fanOut = positiveInt(fanOut, `${base}.fanOut`, `${label}.fanOut`);
  const dtype = f.get('dtype');
  if (dtype !== undefined) out.dtype = oneOf(dtype, SPEC_DTYPES, `${base}.dtype`, `${label}.dtype`);
  return Object.freeze(out);
}

function parseModel(v: unknown): ModelInfo {
  if (!isPlainObject(v)) throw new SpecError(`model must be an object, got ${show(v)}`, 'model');
  const f = ownData(v, 'model', 'model');
  rejectUnknown(f, MODEL_FIELDS, 'model', 'model');
  const out: Record<string, unknown> = {};
  for (const k of MODEL_FIELDS) {
    const x = f.get(k);
    if (x === undefined) continue;
    const path = `model.${k}`;
    if (k === 'family' || k === 'name') {
      if (typeof x !== 'string' || x === '') throw new SpecError(`${path} must be a non-empty string, got ${show(x)}`, path);
    } else if (k === 'tiedEmbeddings') {
      if (typeof x !== 'boolean') throw new SpecError(`${path} must be true or false, got ${show(x)}`, path);
    } else if (k === 'initializerRange') {
      if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw new SpecError(`${path} must be a positive number, got ${show(x)}`, path);
    } else positiveInt(x, path, path);
    out[k] = x;
  }
  return Object.freeze(out) as ModelInfo;
}

/**
 * Validates a model spec (a parsed JSON value, or JSON text) and returns a frozen, normalized
 * copy: only own data properties are read, each once; unknown fields are errors; a spec-level
 * `layout` is copied into every tensor that has none. Beyond spec.schema.json it checks that
 * names are unique and that a shape's element count is a safe integer.
 *
 * Errors are `SpecError`s in plain English naming the tensor and the field, e.g.
 * `tensors[3] ("h.0.attn.c_attn.weight").shape[1] must be a non-negative integer, got -5`.
 */
export function parseSpec(json: unknown): ModelSpec {
  let v = json;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown;
    } catch (e) {
      throw new SpecError(`the spec is not valid JSON (${e instanceof Error ? e.message : String(e)})`, '');
    }
  }
  if (!isPlainObject(v)) throw new SpecError(`a spec must be an object like { "tensors": [...] }, got ${show(v)}`, '');
  const f = ownData(v, '', 'the spec');
  rejectUnknown(f, SPEC_FIELDS, '', 'the spec');
  const out: { -readonly [K in keyof ModelSpec]: ModelSpec[K] } = { tensors: [] };
  const schema = f.get('$schema');
  if (schema !== undefined) {
    if (typeof schema !== 'string') throw new SpecError(`$schema must be a string, got ${show(schema)}`, '$schema');
    out.$schema = schema;
  }
  const layout = f.get('layout');
  if (layout !== undefined) out.layout = oneOf(layout, LAYOUTS, 'layout', 'layout');
  const model = f.get('model');
  if (model !== undefined) out.model = parseModel(model);
  const tensors = f.get('tensors');
  if (!Array.isArray(tensors)) throw new SpecError(`tensors must be an array of { name, shape, ... }, got ${show(tensors)}`, 'tensors');
  const seen = new Map<string, number>();
  out.tensors = Object.freeze(
    ownItems(tensors, 'tensors', 'tensors').map((t, i) => {
      const p = parseTensor(t, i, out.layout);
      const prev = seen.get(p.name);
      if (prev !== undefined) throw new SpecError(`tensors[${i}] (${JSON.stringify(p.name)}).name is also the name of tensors[${prev}]; names must be unique`, `tensors[${i}].name`);
      seen.set(p.name, i);
      return p;
    }),
  );
  return Object.freeze(out);
}

/** Total number of elements (parameters) of a spec's tensors. */
export function parameterCount(spec: ModelSpec): number {
  return spec.tensors.reduce((a, t) => a + t.shape.reduce((b, d) => b * d, 1), 0);
}
