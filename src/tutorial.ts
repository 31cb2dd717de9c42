// The API of a weight-initialization tutorial, kept as that tutorial defines it:
// parameter(inputSize, outputSize, method, { gain, alpha, seed }) and a Parameter class.
// Its formulas differ from the library presets where the tutorial's do: its 'xavier' is
// N(0, gain²/n_in), which is LeCun normal scaled by gain, NOT Glorot (Glorot averages fan_in
// and fan_out: use wi.glorotNormal for that).
//
//   method      distribution                       with n_in = inputSize
//   'xavier'    N(0, gain² / n_in)                 (LeCun normal · gain; gain default 1)
//   'he'        N(0, 2 / n_in)                     (He normal for ReLU)
//   'he_leaky'  N(0, 2 / ((1 + α²) · n_in))        (He normal for LeakyReLU; alpha default 0.01)
//   'normal'    N(0, gain²)                        (plain small Gaussian; gain default 0.01)
//   'uniform'   U(-gain/√n_in, gain/√n_in)         (gain default 1: PyTorch nn.Linear's default weight)
// The weight matrix has shape [inputSize, outputSize] (x · W, as in the tutorial's numpy code).
import { DTYPES, type DType } from './dtype.js';
import { parseName, parseSeed } from './engine/keys.js';
import type { Engine } from './engine/engine.js';
import { choice, count, num, readOptions, readShape, show } from './init/options.js';
import type { Tensor, TypedArray } from './tensor.js';

export type ParameterMethod = 'xavier' | 'he' | 'he_leaky' | 'normal' | 'uniform';
export const PARAMETER_METHODS: readonly ParameterMethod[] = ['xavier', 'he', 'he_leaky', 'normal', 'uniform'];
const PARAMETER_OPTIONS = ['gain', 'alpha', 'seed', 'name', 'dtype', 'out', 'range'] as const;

export interface ParameterOptions {
  /** Scale of 'xavier' (default 1), 'normal' (its std, default 0.01) and 'uniform' (default 1). */
  gain?: number;
  /** LeakyReLU negative slope of 'he_leaky' (default 0.01). */
  alpha?: number;
  seed?: number | bigint;
  name?: string;
  dtype?: DType;
  /** A caller-owned array to fill (see InitOptions.out). */
  out?: TypedArray;
  /** Only the flat elements [start, end). */
  range?: readonly [number, number];
}

/** The std (normal methods) or bound (uniform) for a method, n_in inputs. */
export function parameterScale(method: ParameterMethod, nIn: number, gain: number | undefined, alpha: number): number {
  const n = Math.max(1, nIn);
  switch (method) {
    case 'xavier':
      return (gain ?? 1) / Math.sqrt(n);
    case 'he':
      return Math.sqrt(2 / n);
    case 'he_leaky':
      return Math.sqrt(2 / ((1 + alpha * alpha) * n));
    case 'normal':
      return gain ?? 0.01;
    case 'uniform':
      return (gain ?? 1) / Math.sqrt(n);
  }
}

/** @internal */
export function parameter(e: Engine, inputSize: unknown, outputSize: unknown, method: unknown, opts: unknown): Tensor<TypedArray> | TypedArray {
  const fn = 'weightinit.parameter';
  const nIn = count(fn, 'inputSize', inputSize);
  const nOut = count(fn, 'outputSize', outputSize);
  if (method === undefined) throw new TypeError(`${fn}: method is required: one of ${PARAMETER_METHODS.map((x) => JSON.stringify(x)).join(', ')}`);
  const m = choice(fn, 'method', method, PARAMETER_METHODS, 'he');
  const o = readOptions(fn, opts, PARAMETER_OPTIONS);
  const shape = readShape(fn, [nIn, nOut]); // rejects sizes beyond Number.MAX_SAFE_INTEGER
  const { gain, alpha } = parameterValues(fn, o);
  const scale = Math.fround(parameterScale(m, nIn, gain, alpha));
  if (!Number.isFinite(scale) || scale < 0 || !Number.isFinite(Math.fround(6.764 * scale))) {
    throw new RangeError(`${fn}: gain must give a scale >= 0 with 6.764·scale a finite float32, got gain ${show(o.gain)}`);
  }
  const rest: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const k of ['seed', 'name', 'dtype', 'out', 'range'] as const) if (o[k] !== undefined) rest[k] = o[k];
  const kernel = scale === 0 ? e.constantKernel(0) : m === 'uniform' ? e.uniformKernel(-scale, scale) : e.normalKernel(0, scale);
  return e.produce({ fn, shape, opts: rest, kernel, maxAbs: m === 'uniform' ? scale : 6.764 * scale, ...(m === 'uniform' && scale > 0 ? { bounds: { lo: -scale, hi: scale, hiOpen: true } } : {}) });
}

/** The option values parameter() reads (seed, name and dtype are checked where they are used). */
function parameterValues(fn: string, o: Readonly<Record<string, unknown>>): { gain: number | undefined; alpha: number } {
  return { gain: o.gain === undefined ? undefined : num(fn, 'gain', o.gain, 1), alpha: num(fn, 'alpha', o.alpha, 0.01) };
}

/** Checks the options a Parameter keeps, as parameter() will read them. */
function checkParameterOptions(fn: string, o: Readonly<Record<string, unknown>>): void {
  parameterValues(fn, o);
  choice(fn, 'dtype', o.dtype, DTYPES, 'float32');
  if (o.seed !== undefined && o.name !== undefined) throw new TypeError(`${fn}: give seed or name, not both`);
  if (o.seed !== undefined) parseSeed(fn, o.seed);
  if (o.name !== undefined) parseName(fn, o.name);
}

/** The instance methods Parameter needs (a loaded WeightInit has it). */
export interface ParameterSource {
  parameter(inputSize: number, outputSize: number, method: ParameterMethod, opts?: ParameterOptions): unknown;
}

/**
 * The tutorial's class: one layer's weight matrix and the ways to initialise it.
 * @example
 * const p = new Parameter(wi, 784, 256, { seed: 1 });
 * const w = p.heLeaky(0.2);
 */
export class Parameter {
  readonly wi: ParameterSource;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly options: ParameterOptions;

  constructor(wi: ParameterSource, inputSize: number, outputSize: number, options: ParameterOptions = {}) {
    const fn = 'weightinit.Parameter';
    if (wi === null || typeof wi !== 'object' || typeof (wi as { parameter?: unknown }).parameter !== 'function') {
      throw new TypeError(`${fn}: the first argument must be a loaded instance (await load()), got ${show(wi)}`);
    }
    this.wi = wi;
    this.inputSize = count(fn, 'inputSize', inputSize);
    this.outputSize = count(fn, 'outputSize', outputSize);
    const o = readOptions(fn, options, ['gain', 'alpha', 'seed', 'name', 'dtype']);
    checkParameterOptions(fn, o);
    this.options = { ...o } as ParameterOptions;
    readShape(fn, [this.inputSize, this.outputSize]);
  }

  /** N(0, 2/n_in). */
  he(): Tensor<TypedArray> {
    return this.wi.parameter(this.inputSize, this.outputSize, 'he', this.options) as Tensor<TypedArray>;
  }
  /** N(0, 2/((1+α²)·n_in)); alpha defaults to the options' alpha, else 0.01. */
  heLeaky(alpha?: number): Tensor<TypedArray> {
    const o = alpha === undefined ? this.options : { ...this.options, alpha };
    return this.wi.parameter(this.inputSize, this.outputSize, 'he_leaky', o) as Tensor<TypedArray>;
  }
  /** The tutorial's "xavier": N(0, gain²/n_in) — LeCun normal scaled by gain, not Glorot. */
  xavier(): Tensor<TypedArray> {
    return this.wi.parameter(this.inputSize, this.outputSize, 'xavier', this.options) as Tensor<TypedArray>;
  }
  /** N(0, gain²), gain default 0.01. */
  random(): Tensor<TypedArray> {
    return this.wi.parameter(this.inputSize, this.outputSize, 'normal', this.options) as Tensor<TypedArray>;
  }
  /** U(-gain/√n_in, gain/√n_in), gain default 1. */
  uniform(): Tensor<TypedArray> {
    return this.wi.parameter(this.inputSize, this.outputSize, 'uniform', this.options) as Tensor<TypedArray>;
  }
}
