// Reading and checking the lab's options. Everything is validated here, before anything is
// allocated: a bad value is a TypeError (wrong type) or RangeError (right type, bad value)
// whose message names the function, the option, the value and what is allowed.
import { isPlainObject } from '../init/options.js';
import { ACTIVATION_CODES, ACTIVATIONS, INITIALIZERS, type Activation, type InitializerName, type LabBackend } from './backend.js';

/** An initializer: its name, or its name and options (the library's options for that method, without `seed` / `out`). */
export type InitSpec = InitializerName | { name: InitializerName; options?: Record<string, unknown> };

/** The network and the measurement, shared by propagate() and trainProbe(). */
export interface NetworkOptions {
  /** Layer widths [in, out of layer 1, ..., out of layer L]; or give `depth` and `width`. */
  widths?: readonly number[];
  /** Number of linear layers L (with `width`): widths = L + 1 times `width`. */
  depth?: number;
  width?: number;
  /** The nonlinearity after every linear layer (trainProbe: every layer but the last). */
  activation: Activation;
  /** leaky_relu's negative slope (default 0.01); only with activation 'leaky_relu'. */
  slope?: number;
  /** The weight initializer of every layer (PyTorch layout [out, in]). */
  init: InitSpec;
  /** Every bias: 'zeros' (default) or this constant. */
  bias?: 'zeros' | number;
  /** Examples per forward pass. */
  batch: number;
  /** Non-negative safe integer: input, weights and output gradient (or data) are pure functions of it. */
  seed: number;
  /** Histogram bins (default 50). */
  bins?: number;
  /** Fixed histogram range for activations (default: [−1, 1] tanh, [0, 1] sigmoid, else each layer's [min, max]). */
  activationRange?: readonly [number, number];
  /** Fixed histogram range for gradients (default: each layer's [−max|g|, max|g|]). */
  gradientRange?: readonly [number, number];
}

export interface PropagateOptions extends NetworkOptions {
  /** batch × widths[0] input values (row-major); default: standard normal from `seed`. */
  input?: Float32Array;
  /** Also return copies of every weight, bias, pre-activation, activation and gradient. */
  capture?: boolean;
}

/** The fixed random teacher network of task 'teacher'. */
export interface TeacherOptions {
  /** Linear layers (default 2). */
  depth?: number;
  /** Hidden width (default widths[0]). */
  width?: number;
  /** Hidden nonlinearity (default 'tanh'); the teacher's last layer is linear. */
  activation?: Activation;
}

export interface TrainProbeOptions extends NetworkOptions {
  /** 'teacher': regress a fixed random MLP's output; 'linear': a fixed random linear map. */
  task: 'teacher' | 'linear';
  /** SGD steps. */
  steps: number;
  /** Learning rate (plain SGD, no momentum, no weight decay). */
  lr: number;
  /** Steps at which to record per-layer statistics (0 ..= steps; default [0, steps]). */
  recordAt?: readonly number[];
  /** Training-set size, a multiple of `batch` (default `batch`: full-batch gradient descent). */
  samples?: number;
  /** Std of Gaussian noise added to the targets (default 0). */
  noise?: number;
  teacher?: TeacherOptions;
  /** Also return copies of the trained weights and biases. */
  returnWeights?: boolean;
  /** Also return the training set (inputs and targets). */
  returnData?: boolean;
}

/** A network, as read and checked. */
export interface NetSpec {
  widths: number[];
  activation: Activation;
  kind: number;
  /** leaky slope, elu alpha (1), otherwise 0 */
  param: number;
  init: { name: InitializerName; options: Record<string, unknown> };
  bias: number;
  batch: number;
  seed: number;
  bins: number;
  activationRange: [number, number] | undefined;
  gradientRange: [number, number] | undefined;
}

export const MAX_WIDTH = 65536;
export const MAX_LAYERS = 4096;
export const MAX_BATCH = 65536;
export const MAX_BINS = 100000;
/** The lab's wasm allocations must fit in 2 GiB (wasm32 memory ends at 4 GiB; leave room). */
export const MAX_BYTES = 2 ** 31;

const NETWORK_KEYS = ['widths', 'depth', 'width', 'activation', 'slope', 'init', 'bias', 'batch', 'seed', 'bins', 'activationRange', 'gradientRange'] as const;
export const PROPAGATE_KEYS: readonly string[] = [...NETWORK_KEYS, 'input', 'capture'];
export const TRAIN_KEYS: readonly string[] = [...NETWORK_KEYS, 'task', 'steps', 'lr', 'recordAt', 'samples', 'noise', 'teacher', 'returnWeights', 'returnData'];
const TEACHER_KEYS: readonly string[] = ['depth', 'width', 'activation'];
/** Options the lab sets itself and an init spec may not carry. */
const INIT_RESERVED: readonly string[] = ['seed', 'out', 'range', 'dtype'];

/** A short, safe rendering of any value for an error message. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || v === undefined || typeof v === 'boolean') return String(v);
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (Array.isArray(v)) return v.length <= 8 ? `[${v.map(show).join(', ')}]` : `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${Object.prototype.toString.call(v).slice(8, -1)} of ${(v as { length?: number }).length ?? v.byteLength}`;
  return 'an object';
}

const list = (xs: readonly string[]): string => xs.map((x) => JSON.stringify(x)).join(', ');


/** A null-prototype copy of the own enumerable data properties; unknown keys are errors; undefined counts as absent. */
export function readOptions(fn: string, what: string, v: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(v)) throw new TypeError(`${fn}: ${what} must be a plain object ({ ... }), got ${show(v)}`);
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Reflect.ownKeys(v)) {
    if (typeof key === 'symbol') throw new TypeError(`${fn}: ${what} must have string keys only`);
    if (!allowed.includes(key)) throw new TypeError(`${fn}: unknown option ${JSON.stringify(key)} in ${what}; valid options are ${list(allowed)}`);
    const d = Reflect.getOwnPropertyDescriptor(v, key);
    if (d === undefined) continue;
    if (!('value' in d)) throw new TypeError(`${fn}: option ${JSON.stringify(key)} is a getter/setter; pass a plain value`);
    if (d.value !== undefined) out[key] = d.value;
  }
  return out;
}

export function readInt(fn: string, name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must be an integer in [${min}, ${max}], got ${show(v)}`);
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new RangeError(`${fn}: ${name} must be an integer in [${min}, ${max}], got ${show(v)}`);
  return v;
}

export function readFinite(fn: string, name: string, v: unknown, what = 'a finite number'): number {
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must be ${what}, got ${show(v)}`);
  if (!Number.isFinite(v)) throw new RangeError(`${fn}: ${name} must be ${what}, got ${show(v)}`);
  return v;
}

export function readActivation(fn: string, name: string, v: unknown): Activation {
  if (typeof v !== 'string') throw new TypeError(`${fn}: ${name} must be one of ${list(ACTIVATIONS)}, got ${show(v)}`);
  if (!(ACTIVATIONS as readonly string[]).includes(v)) throw new RangeError(`${fn}: ${name} must be one of ${list(ACTIVATIONS)}, got ${show(v)}`);
  return v as Activation;
}

function readArray(fn: string, name: string, v: unknown, maxLen: number): unknown[] {
  if (!Array.isArray(v)) throw new TypeError(`${fn}: ${name} must be an array, got ${show(v)}`);
  if (v.length > maxLen) throw new RangeError(`${fn}: ${name} has ${v.length} entries; at most ${maxLen} are allowed`);
  const out: unknown[] = [];
  for (let i = 0; i < v.length; i++) {
    const d = Reflect.getOwnPropertyDescriptor(v, i);
    if (d === undefined || !('value' in d)) throw new TypeError(`${fn}: ${name}[${i}] must be a plain value (no holes, no getters)`);
    out.push(d.value);
  }
  return out;
}

function readRange(fn: string, name: string, v: unknown): [number, number] | undefined {
  if (v === undefined) return undefined;
  const a = readArray(fn, name, v, 2);
  if (a.length !== 2) throw new RangeError(`${fn}: ${name} must be [low, high], got ${show(v)}`);
  const lo = readFinite(fn, `${name}[0]`, a[0]);
  const hi = readFinite(fn, `${name}[1]`, a[1]);
  if (!(lo < hi)) throw new RangeError(`${fn}: ${name} must be [low, high] with low < high, got ${show(v)}`);
  return [lo, hi];
}

function readInit(fn: string, v: unknown): NetSpec['init'] {
  const names = INITIALIZERS as readonly string[];
  let name: unknown = v;
  let options: Record<string, unknown> = {};
  if (isPlainObject(v)) {
    const o = readOptions(fn, 'init', v, ['name', 'options']);
    name = o.name;
    if (o.options !== undefined) {
      if (!isPlainObject(o.options)) throw new TypeError(`${fn}: init.options must be a plain object, got ${show(o.options)}`);
      options = { ...o.options };
      for (const k of INIT_RESERVED) {
        if (k in options) throw new TypeError(`${fn}: init.options may not set ${JSON.stringify(k)} (the lab sets seed and out for every layer, in float32)`);
      }
    }
    if (name === undefined) throw new TypeError(`${fn}: init.name is required, one of ${list(names)}`);
  } else if (typeof v !== 'string') {
    throw new TypeError(`${fn}: init must be an initializer name or { name, options }, got ${show(v)}`);
  }
  if (typeof name !== 'string') throw new TypeError(`${fn}: init name must be one of ${list(names)}, got ${show(name)}`);
  if (!names.includes(name)) throw new RangeError(`${fn}: init name must be one of ${list(names)}, got ${show(name)}`);
  return { name: name as InitializerName, options };
}

/** Checks the backend's shape (by tags, not instanceof: a Memory of another realm counts). */
export function checkBackend(fn: string, b: unknown): asserts b is LabBackend {
  const o = b as Partial<LabBackend> | null;
  if (o === null || typeof o !== 'object' || typeof o.alloc !== 'function' || typeof o.free !== 'function' ||
    typeof o.init !== 'function' || typeof o.normal !== 'function' || typeof o.exports !== 'object' || o.exports === null ||
    Object.prototype.toString.call(o.memory) !== '[object WebAssembly.Memory]') {
    throw new TypeError(`${fn}: backend must provide memory, alloc, free, exports, init and normal, got ${show(b)}`);
  }
}

/** Reads the options every lab function shares; `o` is already a checked null-prototype copy. */
export function readNetwork(fn: string, o: Record<string, unknown>): NetSpec {
  let widths: number[];
  if (o.widths !== undefined) {
    if (o.depth !== undefined || o.width !== undefined) throw new TypeError(`${fn}: give either widths or depth and width, not both`);
    const a = readArray(fn, 'widths', o.widths, MAX_LAYERS + 1);
    if (a.length < 2) throw new RangeError(`${fn}: widths must list at least 2 sizes (input and one layer's output), got ${show(o.widths)}`);
    widths = a.map((w, i) => readInt(fn, `widths[${i}]`, w, 1, MAX_WIDTH));
  } else {
    if (o.depth === undefined || o.width === undefined) throw new TypeError(`${fn}: give widths, or depth and width`);
    const depth = readInt(fn, 'depth', o.depth, 1, MAX_LAYERS);
    const width = readInt(fn, 'width', o.width, 1, MAX_WIDTH);
    widths = new Array<number>(depth + 1).fill(width);
  }
  if (o.activation === undefined) throw new TypeError(`${fn}: activation is required, one of ${list(ACTIVATIONS)}`);
  const activation = readActivation(fn, 'activation', o.activation);
  let param = 0;
  if (activation === 'leaky_relu') param = o.slope === undefined ? 0.01 : readFinite(fn, 'slope', o.slope);
  else if (o.slope !== undefined) throw new TypeError(`${fn}: slope is only read for activation "leaky_relu", got activation ${show(activation)}`);
  if (activation === 'elu') param = 1;
  if (o.init === undefined) throw new TypeError(`${fn}: init is required, one of ${list(INITIALIZERS)} or { name, options }`);
  const init = readInit(fn, o.init);
  let bias = 0;
  if (o.bias !== undefined && o.bias !== 'zeros') {
    if (typeof o.bias !== 'number') throw new TypeError(`${fn}: bias must be "zeros" or a finite number, got ${show(o.bias)}`);
    bias = readFinite(fn, 'bias', o.bias, '"zeros" or a finite number');
  }
  if (o.batch === undefined) throw new TypeError(`${fn}: batch is required, an integer in [1, ${MAX_BATCH}]`);
  const batch = readInt(fn, 'batch', o.batch, 1, MAX_BATCH);
  if (o.seed === undefined) throw new TypeError(`${fn}: seed is required, a non-negative safe integer`);
  const seed = readInt(fn, 'seed', o.seed, 0, Number.MAX_SAFE_INTEGER);
  const bins = o.bins === undefined ? 50 : readInt(fn, 'bins', o.bins, 1, MAX_BINS);
  return {
    widths, activation, kind: ACTIVATION_CODES[activation], param, init, bias, batch, seed, bins,
    activationRange: readRange(fn, 'activationRange', o.activationRange),
    gradientRange: readRange(fn, 'gradientRange', o.gradientRange),
  };
}

export function readBool(fn: string, name: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${name} must be true or false, got ${show(v)}`);
  return v;
}

export function readTeacher(fn: string, v: unknown, inWidth: number): { depth: number; width: number; activation: Activation } {
  const o = v === undefined ? (Object.create(null) as Record<string, unknown>) : readOptions(fn, 'teacher', v, TEACHER_KEYS);
  return {
    depth: o.depth === undefined ? 2 : readInt(fn, 'teacher.depth', o.depth, 1, MAX_LAYERS),
    width: o.width === undefined ? inWidth : readInt(fn, 'teacher.width', o.width, 1, MAX_WIDTH),
    activation: o.activation === undefined ? 'tanh' : readActivation(fn, 'teacher.activation', o.activation),
  };
}

export function readSteps(fn: string, name: string, v: unknown, steps: number): number[] {
  const a = readArray(fn, name, v, 10000);
  const out = a.map((s, i) => readInt(fn, `${name}[${i}]`, s, 0, steps));
  return [...new Set(out)].sort((x, y) => x - y);
}

/** Throws when the planned wasm allocation is too large (bytes as a float64 sum of the blocks). */
export function checkBytes(fn: string, bytes: number): void {
  if (bytes > MAX_BYTES) throw new RangeError(`${fn}: this network needs ${(bytes / 2 ** 20).toFixed(0)} MiB of wasm memory; at most ${MAX_BYTES / 2 ** 20} MiB are allowed (reduce batch, widths or depth)`);
}
