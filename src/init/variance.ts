// Variance scaling: the one primitive, and the presets that are one-line calls of it
// (Glorot/Xavier, He/Kaiming, LeCun). As in JAX's initializers, each preset only fixes
// scale, mode and distribution.
import { COMMON, type Engine, type Kernel } from '../engine/engine.js';
import { FAN_OPTIONS, fansOf, type FanOptions } from '../fans.js';
import { calculateGain, NONLINEARITIES, type Nonlinearity } from '../gain.js';
import type { Tensor, TypedArray } from '../tensor.js';
import type { InitOptions } from './common.js';
import {
  choice, IN_OUT_MODES, nonNegative, num, readGain, readMode, readOptions, readShape, show,
  type CanonicalMode, type Distribution, type FanMode, type Opts,
} from './options.js';
import { truncKernel } from './truncated.js';

/**
 * Standard deviation of a standard normal truncated to (-2, 2):
 * √(1 - 4φ(2)/(Φ(2) - Φ(-2))) = 0.87962566103423978 (the constant JAX and Keras divide by, so
 * that a ±2σ truncated normal has variance exactly scale/n).
 */
export const TRUNC2_STD = 0.87962566103423978;

export type { Distribution, FanMode };

export interface VarianceScalingOptions extends InitOptions, FanOptions {
  /** Variance scale (default 1), >= 0. */
  scale?: number;
  /** Which fan divides the scale (default 'fanIn'). PyTorch's snake_case spellings are accepted too. */
  mode?: FanMode;
  /** 'normal' (untruncated), 'truncatedNormal' (±2σ, variance-corrected) or 'uniform' (default 'truncatedNormal', as Keras). */
  distribution?: Distribution;
}
export interface GlorotOptions extends InitOptions, FanOptions {
  /** PyTorch's gain (default 1): std and bound are multiplied by it. */
  gain?: number;
}
export interface GlorotNormalOptions extends GlorotOptions {
  /** 'normal' (default, PyTorch) or 'truncatedNormal' (Keras, JAX). */
  distribution?: 'normal' | 'truncatedNormal';
}
export interface HeOptions extends InitOptions, FanOptions {
  /** Negative slope of the rectifier after this layer (PyTorch's `a`, default 0); used when nonlinearity is 'leaky_relu'. */
  a?: number;
  /** 'fanIn' (default) keeps the forward pass's variance, 'fanOut' the backward pass's. */
  mode?: 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';
  /** The nonlinearity after this layer, for calculateGain (default 'leaky_relu', PyTorch's default; with a = 0 it equals 'relu'). */
  nonlinearity?: Nonlinearity;
}
export interface HeNormalOptions extends HeOptions {
  distribution?: 'normal' | 'truncatedNormal';
}
export interface LecunNormalOptions extends InitOptions, FanOptions {
  distribution?: 'normal' | 'truncatedNormal';
}
export type LecunUniformOptions = InitOptions & FanOptions;

const NORMALS: readonly Distribution[] = ['normal', 'truncatedNormal'];

/** What a variance-scaled call draws: the distribution and its std (normal) or bound (uniform). */
export interface ScaledDraw {
  readonly distribution: Distribution;
  /** std of the untruncated normal (truncatedNormal: before truncation, so the result has variance scale/n). */
  readonly std?: number;
  /** Bound of the uniform U(-bound, bound). */
  readonly bound?: number;
}

/** The draw for variance `variance` from `dist`, with the float32 parameters the kernels use. */
export function scaledDraw(variance: number, dist: Distribution): ScaledDraw {
  if (dist === 'uniform') return { distribution: dist, bound: Math.fround(Math.sqrt(3 * variance)) };
  if (dist === 'normal') return { distribution: dist, std: Math.fround(Math.sqrt(variance)) };
  return { distribution: dist, std: Math.sqrt(variance) / TRUNC2_STD };
}

function scaledKernel(e: Engine, d: ScaledDraw): Kernel {
  if (d.distribution === 'uniform') return d.bound! > 0 ? e.uniformKernel(-d.bound!, d.bound!) : e.constantKernel(0);
  if (d.distribution === 'normal') return d.std! > 0 ? e.normalKernel(0, d.std!) : e.constantKernel(0);
  const std = d.std!;
  if (!(Math.fround(2 * std) > 0)) return e.constantKernel(0);
  return truncKernel(e, 0, std, -2 * std, 2 * std, -2, 2);
}

/** The variance scale/n for a read shape and options. @internal */
export function varianceOf(fn: string, e: Engine, shape: readonly number[], o: Opts, scale: number, mode: CanonicalMode): number {
  const f = fansOf(fn, shape, o, e.layout);
  const n = mode === 'fanIn' ? f.fanIn : mode === 'fanOut' ? f.fanOut : mode === 'fanAvg' ? (f.fanIn + f.fanOut) / 2 : Math.sqrt(f.fanIn * f.fanOut);
  const variance = scale / Math.max(1, n);
  // the largest value any distribution can produce: 6.764σ for the normal, √3σ uniform, 2σ/0.8796 truncated
  if (!Number.isFinite(Math.fround(6.764 * Math.sqrt(variance)))) {
    throw new RangeError(`${fn}: scale (or gain²) ${show(scale)} over n = ${show(n)} makes the std ${show(Math.sqrt(variance))} too large for float32 values`);
  }
  return variance;
}

/** The largest |value| a draw can produce, and its bounds (uniform: [-b, b); truncated: ±2σ). */
function drawLimits(d: ScaledDraw): { maxAbs: number; bounds?: { lo: number; hi: number; hiOpen: boolean } } {
  if (d.distribution === 'uniform') return d.bound! > 0 ? { maxAbs: d.bound!, bounds: { lo: -d.bound!, hi: d.bound!, hiOpen: true } } : { maxAbs: 0 };
  if (d.distribution === 'normal') return { maxAbs: 6.764 * d.std! };
  const b = Math.fround(2 * d.std!);
  return b > 0 ? { maxAbs: b, bounds: { lo: -b, hi: b, hiOpen: false } } : { maxAbs: 0 };
}

function scaled(e: Engine, fn: string, shape: unknown, o: Opts, scale: number, mode: CanonicalMode, dist: Distribution): Tensor<TypedArray> | TypedArray {
  const s = readShape(fn, shape);
  const variance = varianceOf(fn, e, s, o, scale, mode);
  const draw = scaledDraw(variance, dist);
  return e.produce({ fn, shape: s, opts: o, kernel: scaledKernel(e, draw), ...drawLimits(draw) });
}

/** @internal */
export function varianceScaling(e: Engine, shape: unknown, opts: unknown): Tensor<TypedArray> | TypedArray {
  const fn = 'weightinit.varianceScaling';
  const o = readOptions(fn, opts, ['scale', 'mode', 'distribution', ...FAN_OPTIONS, ...COMMON]);
  const scale = nonNegative(fn, 'scale', o.scale, 1);
  const mode = readMode(fn, o.mode);
  const dist = choice(fn, 'distribution', o.distribution, ['normal', 'truncatedNormal', 'uniform'] as const, 'truncatedNormal');
  return scaled(e, fn, shape, o, scale, mode, dist);
}

/** @internal */
export function glorot(e: Engine, name: string, uniform: boolean, shape: unknown, opts: unknown): Tensor<TypedArray> | TypedArray {
  const fn = `weightinit.${name}`;
  const o = readOptions(fn, opts, ['gain', ...(uniform ? [] : ['distribution']), ...FAN_OPTIONS, ...COMMON]);
  const gain = readGain(fn, o.gain);
  const dist: Distribution = uniform ? 'uniform' : choice(fn, 'distribution', o.distribution, NORMALS, 'normal');
  return scaled(e, fn, shape, o, gain * gain, 'fanAvg', dist);
}

/** The gain of He/Kaiming from `a` and `nonlinearity` (PyTorch's calculate_gain). */
export function heGain(fn: string, o: Opts): number {
  const a = num(fn, 'a', o.a, 0);
  const nl = choice(fn, 'nonlinearity', o.nonlinearity, NONLINEARITIES, 'leaky_relu');
  return calculateGain(nl, a);
}

/** @internal */
export function he(e: Engine, name: string, uniform: boolean, shape: unknown, opts: unknown): Tensor<TypedArray> | TypedArray {
  const fn = `weightinit.${name}`;
  const o = readOptions(fn, opts, ['a', 'mode', 'nonlinearity', ...(uniform ? [] : ['distribution']), ...FAN_OPTIONS, ...COMMON]);
  const gain = heGain(fn, o);
  const mode = readMode(fn, o.mode, IN_OUT_MODES);
  const dist: Distribution = uniform ? 'uniform' : choice(fn, 'distribution', o.distribution, NORMALS, 'normal');
  return scaled(e, fn, shape, o, gain * gain, mode, dist);
}

/** @internal */
export function lecun(e: Engine, uniform: boolean, shape: unknown, opts: unknown): Tensor<TypedArray> | TypedArray {
  const fn = uniform ? 'weightinit.lecunUniform' : 'weightinit.lecunNormal';
  const o = readOptions(fn, opts, [...(uniform ? [] : ['distribution']), ...FAN_OPTIONS, ...COMMON]);
  const dist: Distribution = uniform ? 'uniform' : choice(fn, 'distribution', o.distribution, NORMALS, 'normal');
  return scaled(e, fn, shape, o, 1, 'fanIn', dist);
}
