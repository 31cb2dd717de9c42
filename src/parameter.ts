// The seed blog's API: parameter(inputSize, outputSize, method, { gain, alpha, seed }) and the
// Parameter class. Its formulas are kept as the blog wrote them and differ from the library
// presets where the blog did: its 'xavier' is N(0, gain²/n_in), which is LeCun normal scaled
// by gain, NOT Glorot (Glorot averages fan_in and fan_out: use wi.glorotNormal for that).
//
//   method      distribution                       with n_in = inputSize
//   'xavier'    N(0, gain² / n_in)                 (LeCun normal · gain; gain default 1)
//   'he'        N(0, 2 / n_in)                     (He normal for ReLU)
//   'he_leaky'  N(0, 2 / ((1 + α²) · n_in))        (He normal for LeakyReLU; alpha default 0.01)
//   'normal'    N(0, gain²)                        (plain small Gaussian; gain default 0.01)
//   'uniform'   U(-gain/√n_in, gain/√n_in)         (gain default 1: PyTorch nn.Linear's default weight)
// The weight matrix has shape [inputSize, outputSize] (x · W, as in the blog's numpy code).
import { WeightInit } from './instance.js';
import { runKernel } from './initializers.js';
import type { DType } from './dtype.js';
import type { Tensor, TypedArray } from './tensor.js';
import { checkOptionNames, count, num, show } from './validate.js';

export type ParameterMethod = 'xavier' | 'he' | 'he_leaky' | 'normal' | 'uniform';
export const PARAMETER_METHODS: readonly ParameterMethod[] = ['xavier', 'he', 'he_leaky', 'normal', 'uniform'];

export interface ParameterOptions {
  /** Scale of 'xavier' (default 1), 'normal' (its std, default 0.01) and 'uniform' (default 1). */
  gain?: number;
  /** LeakyReLU negative slope of 'he_leaky' (default 0.01). */
  alpha?: number;
  seed?: number | bigint;
  dtype?: DType;
}

declare module './instance.js' {
  interface WeightInit {
    /**
     * A [inputSize, outputSize] weight matrix by the seed blog's formulas (see src/parameter.ts):
     * 'xavier' N(0, gain²/n_in) (= LeCun normal · gain, not Glorot), 'he' N(0, 2/n_in),
     * 'he_leaky' N(0, 2/((1+α²)·n_in)), 'normal' N(0, gain²) (gain default 0.01),
     * 'uniform' U(±gain/√n_in).
     * @example const w = wi.parameter(784, 256, 'he', { seed: 1 });
     */
    parameter(inputSize: number, outputSize: number, method: ParameterMethod, opts?: ParameterOptions): Tensor<TypedArray>;
  }
}

/** The std (normal methods) or bound (uniform) for a method, n_in inputs. @internal */
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

(WeightInit.prototype as unknown as Record<string, unknown>).parameter = function (
  this: WeightInit,
  inputSize: unknown,
  outputSize: unknown,
  method: unknown,
  opts?: unknown,
): Tensor<TypedArray> {
  const fn = 'weightinit.parameter';
  const nIn = count(fn, 'inputSize', inputSize);
  const nOut = count(fn, 'outputSize', outputSize);
  if (typeof method !== 'string' || !(PARAMETER_METHODS as readonly string[]).includes(method)) {
    throw new (typeof method === 'string' ? RangeError : TypeError)(
      `${fn}: method must be one of ${PARAMETER_METHODS.map((m) => JSON.stringify(m)).join(', ')}, got ${show(method)}`,
    );
  }
  const o = checkOptionNames(fn, opts, ['gain', 'alpha', 'seed', 'dtype']);
  const gain = o.gain === undefined ? undefined : num(fn, 'gain', o.gain, 1);
  const alpha = num(fn, 'alpha', o.alpha, 0.01);
  const scale = Math.fround(parameterScale(method as ParameterMethod, nIn, gain, alpha));
  if (!Number.isFinite(scale) || scale < 0) throw new RangeError(`${fn}: gain must give a finite float32 scale >= 0, got ${show(o.gain)}`);
  const shape = [nIn, nOut];
  const rest: Record<string, unknown> = {};
  if (o.seed !== undefined) rest.seed = o.seed;
  if (o.dtype !== undefined) rest.dtype = o.dtype;
  const kernel =
    scale === 0 ? (p: number, _s: number, n: number) => void new Float32Array(this.memory.buffer, p, n).fill(0)
    : method === 'uniform' ? this.uniformKernel(-scale, scale)
    : this.normalKernel(0, scale);
  return runKernel(this, fn, shape, rest, kernel) as Tensor<TypedArray>;
};

/**
 * The seed blog's class: one layer's weight matrix and the ways to initialise it.
 * @example
 * const p = new Parameter(wi, 784, 256, { seed: 1 });
 * const w = p.heLeaky(0.2);
 */
export class Parameter {
  readonly wi: WeightInit;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly options: ParameterOptions;

  constructor(wi: WeightInit, inputSize: number, outputSize: number, options: ParameterOptions = {}) {
    const fn = 'weightinit.Parameter';
    if (!(wi instanceof WeightInit)) throw new TypeError(`${fn}: the first argument must be a loaded instance (await load()), got ${show(wi)}`);
    this.wi = wi;
    this.inputSize = count(fn, 'inputSize', inputSize);
    this.outputSize = count(fn, 'outputSize', outputSize);
    checkOptionNames(fn, options, ['gain', 'alpha', 'seed', 'dtype']);
    this.options = { ...options };
  }

  /** N(0, 2/n_in). */
  he(): Tensor<TypedArray> {
    return this.wi.parameter(this.inputSize, this.outputSize, 'he', this.options);
  }
  /** N(0, 2/((1+α²)·n_in)); alpha defaults to the options' alpha, else 0.01. */
  heLeaky(alpha?: number): Tensor<TypedArray> {
    const o = alpha === undefined ? this.options : { ...this.options, alpha };
    return this.wi.parameter(this.inputSize, this.outputSize, 'he_leaky', o);
  }
  /** The blog's "xavier": N(0, gain²/n_in) — LeCun normal scaled by gain, not Glorot. */
  xavier(): Tensor<TypedArray> {
    return this.wi.parameter(this.inputSize, this.outputSize, 'xavier', this.options);
  }
  /** N(0, gain²), gain default 0.01. */
  random(): Tensor<TypedArray> {
    return this.wi.parameter(this.inputSize, this.outputSize, 'normal', this.options);
  }
  /** U(-gain/√n_in, gain/√n_in), gain default 1. */
  uniform(): Tensor<TypedArray> {
    return this.wi.parameter(this.inputSize, this.outputSize, 'uniform', this.options);
  }
}
