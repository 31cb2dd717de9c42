// The initializers of torch.nn.init, jax.nn.initializers, Keras and tfjs: one primitive,
// varianceScaling, thin presets on it, and the structured fillers (constant, eye, dirac,
// sparse, truncated normal). Each is a method of the loaded instance (declaration merging
// below), runs through WeightInit.produce and so supports seed, out, range and dtype.
// docs/initializers.md maps every initializer of the four libraries onto these calls.
import type { DType } from './dtype.js';
import { FAN_OPTIONS, fansOf, type FanOptions } from './fans.js';
import { calculateGain, NONLINEARITIES, type Nonlinearity } from './gain.js';
import { WeightInit, type CommonOptions, type Kernel, type Shape } from './instance.js';
import type { Tensor, TypedArray } from './tensor.js';
import { checkOptionNames, checkShape, num, show } from './validate.js';

/**
 * Standard deviation of a standard normal truncated to (-2, 2):
 * √(1 - 4φ(2)/(Φ(2) - Φ(-2))) = 0.87962566103423978 (the constant JAX and Keras divide by, so
 * that a ±2σ truncated normal has variance exactly scale/n).
 */
export const TRUNC2_STD = 0.87962566103423978;

/** Options every initializer takes. */
export interface InitOptions extends CommonOptions {
  /** Output element type (default 'float32'). Lower precisions are the float32 draw rounded to nearest even; float64 is it widened. */
  dtype?: DType;
  /** A caller-owned array to fill (Float32Array, Float64Array for float64, Uint16Array/Float16Array for float16/bfloat16). */
  out?: TypedArray;
}

export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg' | 'fanGeoAvg' | 'fan_in' | 'fan_out' | 'fan_avg' | 'fan_geo_avg';
export type Distribution = 'normal' | 'truncatedNormal' | 'uniform';

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

export interface TruncatedNormalOptions extends InitOptions {
  /** Mean of the normal before truncation (default 0). */
  mean?: number;
  /** Std of the normal before truncation (default 1), > 0. */
  std?: number;
  /** Lower bound, ABSOLUTE as in PyTorch (default -2); may be -Infinity. */
  a?: number;
  /** Upper bound, ABSOLUTE as in PyTorch (default 2); may be Infinity. */
  b?: number;
}
export interface ConstantOptions extends InitOptions {
  /** The value (default 0); stored as float32 (then converted to dtype). */
  value?: number;
}
export interface EyeOptions extends InitOptions {
  /** Diagonal value (default 1), as Keras `Identity(gain)`. */
  gain?: number;
}
export interface DiracOptions extends InitOptions {
  /** Groups (default 1): shape[0] (torch) or shape[-1] (tf) must be divisible by it. */
  groups?: number;
  /** 'torch' (default): [out, in, ...kernel]; 'tf': [...kernel, in, out]. */
  layout?: 'torch' | 'tf';
}
export interface SparseOptions extends InitOptions {
  /** Fraction of each column set to zero, in [0, 1]: ceil(sparsity · rows) zeros per column. Required, as in PyTorch. */
  sparsity: number;
  /** Std of the non-zero normal values (default 0.01). */
  std?: number;
}

export type { Result } from './instance.js';

declare module './instance.js' {
  interface WeightInit {
    /**
     * The one primitive: variance `scale / n`, n from the fans by `mode`:
     * fanIn → fan_in, fanOut → fan_out, fanAvg → (fan_in + fan_out)/2, fanGeoAvg → √(fan_in·fan_out)
     * (n is at least 1, as Keras and tfjs do, so zero-element shapes never divide by zero).
     * - 'normal': N(0, scale/n), untruncated.
     * - 'truncatedNormal': N(0, σ²) truncated to ±2σ with σ = √(scale/n) / 0.87962566103423978, so the
     *   variance after truncation is exactly scale/n (JAX `variance_scaling`, Keras `VarianceScaling`).
     * - 'uniform': U(-√(3·scale/n), √(3·scale/n)).
     * @example wi.varianceScaling([256, 128], { scale: 2, mode: 'fanIn', distribution: 'normal', seed: 1 }) // He normal
     */
    varianceScaling<O extends VarianceScalingOptions>(shape: Shape, opts?: O): Result<O>;
    /**
     * Glorot/Xavier uniform (Glorot & Bengio 2010): U(-b, b), b = gain·√(6/(fan_in + fan_out)).
     * = varianceScaling({ scale: gain², mode: 'fanAvg', distribution: 'uniform' }). Also known as xavierUniform.
     * @example wi.glorotUniform([128, 256], { seed: 3 })
     */
    glorotUniform<O extends GlorotOptions>(shape: Shape, opts?: O): Result<O>;
    /** Alias of glorotUniform (PyTorch `xavier_uniform_`). */
    xavierUniform<O extends GlorotOptions>(shape: Shape, opts?: O): Result<O>;
    /**
     * Glorot/Xavier normal (Glorot & Bengio 2010): N(0, σ²), σ = gain·√(2/(fan_in + fan_out)), untruncated as
     * PyTorch `xavier_normal_`; `distribution: 'truncatedNormal'` gives the Keras/JAX `glorot_normal`.
     * = varianceScaling({ scale: gain², mode: 'fanAvg' }). Also known as xavierNormal.
     */
    glorotNormal<O extends GlorotNormalOptions>(shape: Shape, opts?: O): Result<O>;
    /** Alias of glorotNormal (PyTorch `xavier_normal_`). */
    xavierNormal<O extends GlorotNormalOptions>(shape: Shape, opts?: O): Result<O>;
    /**
     * He/Kaiming uniform (He et al. 2015): U(-b, b), b = gain·√(3/fan), gain = calculateGain(nonlinearity, a).
     * PyTorch defaults a = 0, mode 'fanIn', nonlinearity 'leaky_relu' give b = √(6/fan_in). For LeakyReLU with
     * slope α: b = √(6/((1+α²)·fan_in)). = varianceScaling({ scale: gain², mode, distribution: 'uniform' }).
     * Also known as kaimingUniform.
     */
    heUniform<O extends HeOptions>(shape: Shape, opts?: O): Result<O>;
    /** Alias of heUniform (PyTorch `kaiming_uniform_`, same `a`, `mode`, `nonlinearity` and defaults). */
    kaimingUniform<O extends HeOptions>(shape: Shape, opts?: O): Result<O>;
    /**
     * He/Kaiming normal (He et al. 2015): N(0, σ²), σ = gain/√fan, gain = calculateGain(nonlinearity, a);
     * defaults σ = √(2/fan_in); LeakyReLU: σ = √(2/((1+α²)·fan_in)). Untruncated as PyTorch `kaiming_normal_`;
     * `distribution: 'truncatedNormal'` gives Keras/JAX `he_normal`. Also known as kaimingNormal.
     */
    heNormal<O extends HeNormalOptions>(shape: Shape, opts?: O): Result<O>;
    /** Alias of heNormal (PyTorch `kaiming_normal_`). */
    kaimingNormal<O extends HeNormalOptions>(shape: Shape, opts?: O): Result<O>;
    /** LeCun uniform (LeCun et al. 1998, Efficient BackProp): U(-√(3/fan_in), √(3/fan_in)). */
    lecunUniform<O extends LecunUniformOptions>(shape: Shape, opts?: O): Result<O>;
    /**
     * LeCun normal (LeCun et al. 1998; the SELU paper's init, Klambauer et al. 2017): N(0, 1/fan_in), untruncated;
     * `distribution: 'truncatedNormal'` gives Keras/JAX `lecun_normal`.
     */
    lecunNormal<O extends LecunNormalOptions>(shape: Shape, opts?: O): Result<O>;
    /**
     * Truncated normal with PyTorch `trunc_normal_` semantics: N(mean, std²) conditioned on [a, b], where a and b are
     * ABSOLUTE values (defaults -2, 2: with std = 0.02 they truncate nothing). Exact for any interval, even far in a
     * tail: float64 inverse CDF on the tail side (no rejection loop), rounded to float32 and clamped into [a, b].
     * @example wi.truncatedNormal([768, 768], { std: 0.02, a: -0.04, b: 0.04 })
     */
    truncatedNormal<O extends TruncatedNormalOptions>(shape: Shape, opts?: O): Result<O>;
    /** Every element = value (PyTorch `constant_`, Keras/tfjs `Constant`, JAX `constant`). */
    constant<O extends ConstantOptions>(shape: Shape, opts?: O): Result<O>;
    /** Every element = 0. */
    zeros<O extends InitOptions>(shape: Shape, opts?: O): Result<O>;
    /** Every element = 1. */
    ones<O extends InitOptions>(shape: Shape, opts?: O): Result<O>;
    /** 2-D identity, rectangular allowed: gain on the main diagonal (PyTorch `eye_`, Keras `Identity(gain)`). */
    eye<O extends EyeOptions>(shape: Shape, opts?: O): Result<O>;
    /**
     * Dirac delta for 3-, 4-, 5-D convolution weights (PyTorch `dirac_`): the convolution copies input
     * channels; with `groups`, each group of out channels copies its inputs.
     */
    dirac<O extends DiracOptions>(shape: Shape, opts?: O): Result<O>;
    /**
     * Sparse 2-D matrix (Martens 2010, PyTorch `sparse_`): N(0, std²) with ceil(sparsity·rows) zeros in every
     * column. Which rows are zero is a pure function of (seed, column), like every value.
     */
    sparse<O extends SparseOptions>(shape: Shape, opts: O): Result<O>;
  }
}

const COMMON = ['seed', 'out', 'range', 'dtype'];
type Opts = Record<string, unknown>;
type Any = Tensor<TypedArray> | TypedArray;

/** Runs one filler through produce(); `draws = false` for constants, which must not advance the key sequence. @internal */
export function runKernel(wi: WeightInit, fn: string, shape: number[], o: Opts, kernel: Kernel, draws = true): Any {
  return wi.produce({ fn, shape, opts: o, kernel, draws });
}

function f32View(wi: WeightInit, ptr: number, n: number): Float32Array {
  return new Float32Array(wi.memory.buffer, ptr, n);
}

function constantKernel(wi: WeightInit, value: number): Kernel {
  return (p, _s, n) => {
    f32View(wi, p, n).fill(value);
  };
}

const MODES: Record<string, 'fanIn' | 'fanOut' | 'fanAvg' | 'fanGeoAvg'> = {
  fanIn: 'fanIn', fanOut: 'fanOut', fanAvg: 'fanAvg', fanGeoAvg: 'fanGeoAvg',
  fan_in: 'fanIn', fan_out: 'fanOut', fan_avg: 'fanAvg', fan_geo_avg: 'fanGeoAvg',
};

function checkMode(fn: string, v: unknown, allowed: readonly string[]): 'fanIn' | 'fanOut' | 'fanAvg' | 'fanGeoAvg' {
  if (v === undefined) return 'fanIn';
  if (typeof v !== 'string' || !allowed.includes(v)) {
    throw new (typeof v === 'string' ? RangeError : TypeError)(`${fn}: mode must be one of ${allowed.map((m) => JSON.stringify(m)).join(', ')}, got ${show(v)}`);
  }
  return MODES[v]!;
}

function checkDistribution(fn: string, v: unknown, allowed: readonly Distribution[], dflt: Distribution): Distribution {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new (typeof v === 'string' ? RangeError : TypeError)(
      `${fn}: distribution must be one of ${allowed.map((m) => JSON.stringify(m)).join(', ')}, got ${show(v)}`,
    );
  }
  return v as Distribution;
}

function nonNegative(fn: string, name: string, v: unknown, dflt: number): number {
  const x = num(fn, name, v, dflt);
  if (x < 0) throw new RangeError(`${fn}: ${name} must be >= 0, got ${show(v)}`);
  return x;
}

/** The smallest float32 >= x (x not NaN). */
function f32Up(x: number): number {
  const r = Math.fround(x);
  return r >= x ? r : nextF32(r, 1);
}
/** The largest float32 <= x. */
function f32Down(x: number): number {
  const r = Math.fround(x);
  return r <= x ? r : nextF32(r, -1);
}
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
/** The float32 next to r (a float32) in direction dir. */
function nextF32(r: number, dir: 1 | -1): number {
  if (r === 0) return dir * 1.401298464324817e-45;
  F32[0] = r;
  U32[0] = U32[0]! + ((r > 0) === (dir > 0) ? 1 : -1);
  return F32[0]!;
}
const FLT_MAX = 3.4028234663852886e38;

/** @internal truncated-normal kernel: standardised bounds alpha < beta; values clamped into the float32s of [a, b]. */
export function truncKernel(wi: WeightInit, mean: number, std: number, a: number, b: number, alpha: number, beta: number): Kernel {
  const lo = Math.max(f32Up(a), -FLT_MAX);
  const hi = Math.min(f32Down(b), FLT_MAX);
  const k = wi.core as unknown as {
    fillTruncNormal(o: number, s: number, n: number, kl: number, kh: number, m: number, sd: number, al: number, be: number, lo: number, hi: number): void;
  };
  return (p, s, n, key) => k.fillTruncNormal(p, s, n, key.lo, key.hi, mean, std, alpha, beta, lo, hi);
}

/** The kernel for variance v (std² of the result) drawn from `dist`. */
function scaledKernel(wi: WeightInit, variance: number, dist: Distribution): Kernel {
  if (dist === 'uniform') {
    const limit = Math.fround(Math.sqrt(3 * variance));
    if (!(limit > 0)) return constantKernel(wi, 0);
    return wi.uniformKernel(-limit, limit);
  }
  if (dist === 'normal') {
    const std = Math.fround(Math.sqrt(variance));
    if (!(std > 0)) return constantKernel(wi, 0);
    return wi.normalKernel(0, std);
  }
  const std = Math.sqrt(variance) / TRUNC2_STD;
  if (!(Math.fround(2 * std) > 0)) return constantKernel(wi, 0);
  return truncKernel(wi, 0, std, -2 * std, 2 * std, -2, 2);
}

function finiteF32(fn: string, name: string, v: unknown): void {
  if (!Number.isFinite(Math.fround(v as number))) {
    throw new RangeError(`${fn}: ${name} makes the std or bound overflow float32, got ${show(v)}`);
  }
}

/** Shared body of varianceScaling and the presets: fans, variance, kernel, produce. */
function scaled(wi: WeightInit, fn: string, shape: unknown, o: Opts, scale: number, mode: 'fanIn' | 'fanOut' | 'fanAvg' | 'fanGeoAvg', dist: Distribution): Any {
  const s = checkShape(fn, shape);
  const f = fansOf(fn, s, o);
  const n =
    mode === 'fanIn' ? f.fanIn : mode === 'fanOut' ? f.fanOut : mode === 'fanAvg' ? (f.fanIn + f.fanOut) / 2 : Math.sqrt(f.fanIn * f.fanOut);
  const variance = scale / Math.max(1, n);
  finiteF32(fn, 'scale', Math.sqrt(3 * variance) / TRUNC2_STD);
  const kernel = scaledKernel(wi, variance, dist);
  return runKernel(wi, fn, s, o, kernel);
}

const proto = WeightInit.prototype as unknown as Record<string, (this: WeightInit, ...a: unknown[]) => Any>;

proto.varianceScaling = function (shape, opts) {
  const fn = 'weightinit.varianceScaling';
  const o = checkOptionNames(fn, opts, ['scale', 'mode', 'distribution', ...FAN_OPTIONS, ...COMMON]);
  const scale = nonNegative(fn, 'scale', o.scale, 1);
  const mode = checkMode(fn, o.mode, Object.keys(MODES));
  const dist = checkDistribution(fn, o.distribution, ['normal', 'truncatedNormal', 'uniform'], 'truncatedNormal');
  return scaled(this, fn, shape, o, scale, mode, dist);
};

function gainOf(fn: string, o: Opts): number {
  return num(fn, 'gain', o.gain, 1);
}

function glorot(name: string, uniform: boolean) {
  return function (this: WeightInit, shape: unknown, opts: unknown): Any {
    const fn = `weightinit.${name}`;
    const o = checkOptionNames(fn, opts, ['gain', ...(uniform ? [] : ['distribution']), ...FAN_OPTIONS, ...COMMON]);
    const gain = gainOf(fn, o);
    const dist = uniform ? 'uniform' : checkDistribution(fn, o.distribution, ['normal', 'truncatedNormal'], 'normal');
    return scaled(this, fn, shape, o, gain * gain, 'fanAvg', dist);
  };
}
proto.glorotUniform = glorot('glorotUniform', true);
proto.xavierUniform = glorot('xavierUniform', true);
proto.glorotNormal = glorot('glorotNormal', false);
proto.xavierNormal = glorot('xavierNormal', false);

function he(name: string, uniform: boolean) {
  return function (this: WeightInit, shape: unknown, opts: unknown): Any {
    const fn = `weightinit.${name}`;
    const o = checkOptionNames(fn, opts, ['a', 'mode', 'nonlinearity', ...(uniform ? [] : ['distribution']), ...FAN_OPTIONS, ...COMMON]);
    const a = num(fn, 'a', o.a, 0);
    const mode = checkMode(fn, o.mode, ['fanIn', 'fanOut', 'fan_in', 'fan_out']);
    const nl = o.nonlinearity ?? 'leaky_relu';
    if (typeof nl !== 'string' || !(NONLINEARITIES as readonly string[]).includes(nl)) {
      throw new (typeof nl === 'string' ? RangeError : TypeError)(
        `${fn}: nonlinearity must be one of ${NONLINEARITIES.map((x) => JSON.stringify(x)).join(', ')}, got ${show(nl)}`,
      );
    }
    const gain = calculateGain(nl as Nonlinearity, a);
    const dist = uniform ? 'uniform' : checkDistribution(fn, o.distribution, ['normal', 'truncatedNormal'], 'normal');
    return scaled(this, fn, shape, o, gain * gain, mode, dist);
  };
}
proto.heUniform = he('heUniform', true);
proto.kaimingUniform = he('kaimingUniform', true);
proto.heNormal = he('heNormal', false);
proto.kaimingNormal = he('kaimingNormal', false);

proto.lecunUniform = function (shape, opts) {
  const fn = 'weightinit.lecunUniform';
  const o = checkOptionNames(fn, opts, [...FAN_OPTIONS, ...COMMON]);
  return scaled(this, fn, shape, o, 1, 'fanIn', 'uniform');
};
proto.lecunNormal = function (shape, opts) {
  const fn = 'weightinit.lecunNormal';
  const o = checkOptionNames(fn, opts, ['distribution', ...FAN_OPTIONS, ...COMMON]);
  const dist = checkDistribution(fn, o.distribution, ['normal', 'truncatedNormal'], 'normal');
  return scaled(this, fn, shape, o, 1, 'fanIn', dist);
};

function bound(fn: string, name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must be a number (or ±Infinity), got ${show(v)}`);
  if (Number.isNaN(v)) throw new RangeError(`${fn}: ${name} must be a number (or ±Infinity), got NaN`);
  return v;
}

proto.truncatedNormal = function (shape, opts) {
  const fn = 'weightinit.truncatedNormal';
  const o = checkOptionNames(fn, opts, ['mean', 'std', 'a', 'b', ...COMMON]);
  const s = checkShape(fn, shape);
  const mean = num(fn, 'mean', o.mean, 0);
  const std = num(fn, 'std', o.std, 1);
  if (!(std > 0)) throw new RangeError(`${fn}: std must be > 0, got ${show(o.std)}`);
  for (const [name, v] of [['mean', mean], ['std', std]] as const) {
    if (!Number.isFinite(Math.fround(v))) {
      throw new RangeError(`${fn}: ${name} must be representable as a finite float32 (|x| <= 3.4028234663852886e38), got ${show(v)}`);
    }
  }
  const a = bound(fn, 'a', o.a, -2);
  const b = bound(fn, 'b', o.b, 2);
  if (!(a < b)) throw new RangeError(`${fn}: a must be less than b (absolute bounds, as PyTorch trunc_normal_), got a = ${show(a)}, b = ${show(b)}`);
  if (f32Up(a) > f32Down(b)) {
    throw new RangeError(`${fn}: no float32 value lies in [a, b] = [${show(a)}, ${show(b)}]; widen the interval`);
  }
  const alpha = (a - mean) / std;
  const beta = (b - mean) / std;
  return runKernel(this, fn, s, o, truncKernel(this, mean, std, a, b, alpha, beta));
};

proto.constant = function (shape, opts) {
  const fn = 'weightinit.constant';
  const o = checkOptionNames(fn, opts, ['value', ...COMMON]);
  const s = checkShape(fn, shape);
  const v = o.value;
  if (typeof v !== 'number' && v !== undefined) throw new TypeError(`${fn}: value must be a number, got ${show(v)}`);
  const value = Math.fround((v as number | undefined) ?? 0); // NaN and ±Infinity are allowed, as in every library
  return runKernel(this, fn, s, o, constantKernel(this, value), false);
};
proto.zeros = function (shape, opts) {
  const fn = 'weightinit.zeros';
  const o = checkOptionNames(fn, opts, COMMON);
  return runKernel(this, fn, checkShape(fn, shape), o, constantKernel(this, 0), false);
};
proto.ones = function (shape, opts) {
  const fn = 'weightinit.ones';
  const o = checkOptionNames(fn, opts, COMMON);
  return runKernel(this, fn, checkShape(fn, shape), o, constantKernel(this, 1), false);
};

proto.eye = function (shape, opts) {
  const fn = 'weightinit.eye';
  const o = checkOptionNames(fn, opts, ['gain', ...COMMON]);
  const s = checkShape(fn, shape);
  if (s.length !== 2) throw new RangeError(`${fn}: shape must be 2-D [rows, cols], got ${show(shape)} (${s.length}-D)`);
  const gain = Math.fround(num(fn, 'gain', o.gain, 1));
  const cols = s[1]!;
  const rows = s[0]!;
  const wi = this;
  const kernel: Kernel = (p, start, n) => {
    const view = f32View(wi, p, n);
    view.fill(0);
    if (cols === 0) return;
    const end = start + n;
    for (let r = Math.floor(start / cols); r < rows && r < cols; r++) {
      const idx = r * cols + r;
      if (idx >= end) break;
      if (idx >= start) view[idx - start] = gain;
    }
  };
  return runKernel(this, fn, s, o, kernel, false);
};

proto.dirac = function (shape, opts) {
  const fn = 'weightinit.dirac';
  const o = checkOptionNames(fn, opts, ['groups', 'layout', ...COMMON]);
  const s = checkShape(fn, shape);
  if (s.length < 3 || s.length > 5) throw new RangeError(`${fn}: shape must be 3-, 4- or 5-D (a conv1d/2d/3d weight), got ${show(shape)} (${s.length}-D)`);
  const layout = o.layout ?? 'torch';
  if (layout !== 'torch' && layout !== 'tf') {
    throw new RangeError(`${fn}: layout must be one of "torch" ([out, in, ...kernel]), "tf" ([...kernel, in, out]), got ${show(layout)}`);
  }
  const g = o.groups ?? 1;
  if (typeof g !== 'number' || !Number.isSafeInteger(g) || g < 1) {
    throw new (typeof g === 'number' ? RangeError : TypeError)(`${fn}: groups must be a positive integer, got ${show(g)}`);
  }
  const r = s.length;
  const outC = layout === 'torch' ? s[0]! : s[r - 1]!;
  const inC = layout === 'torch' ? s[1]! : s[r - 2]!;
  const kdims = layout === 'torch' ? s.slice(2) : s.slice(0, r - 2);
  if (outC % g !== 0) throw new RangeError(`${fn}: the out-channel dimension (${outC}) must be divisible by groups (${g})`);
  const perGroup = outC / g;
  const minDim = Math.min(perGroup, inC);
  // flat index of the kernel centre (k // 2 in every kernel dimension)
  let centre = 0;
  let ksize = 1;
  for (const d of kdims) {
    centre = centre * d + Math.floor(d / 2);
    ksize *= d;
  }
  const ones: number[] = [];
  if (ksize > 0) {
    for (let gi = 0; gi < g; gi++) {
      for (let d = 0; d < minDim; d++) {
        const oc = gi * perGroup + d;
        ones.push(layout === 'torch' ? (oc * inC + d) * ksize + centre : (centre * inC + d) * outC + oc);
      }
    }
    ones.sort((x, y) => x - y);
  }
  const wi = this;
  const kernel: Kernel = (p, start, n) => {
    const view = f32View(wi, p, n);
    view.fill(0);
    for (const idx of ones) if (idx >= start && idx < start + n) view[idx - start] = 1;
  };
  return runKernel(this, fn, s, o, kernel, false);
};

proto.sparse = function (shape, opts) {
  const fn = 'weightinit.sparse';
  const o = checkOptionNames(fn, opts, ['sparsity', 'std', ...COMMON]);
  const s = checkShape(fn, shape);
  if (s.length !== 2) throw new RangeError(`${fn}: shape must be 2-D [rows, cols], got ${show(shape)} (${s.length}-D)`);
  if (o.sparsity === undefined) throw new TypeError(`${fn}: sparsity is required: a number in [0, 1], the fraction of each column set to zero`);
  const sparsity = num(fn, 'sparsity', o.sparsity, 0);
  if (sparsity < 0 || sparsity > 1) throw new RangeError(`${fn}: sparsity must be in [0, 1], got ${show(o.sparsity)}`);
  const std = Math.fround(nonNegative(fn, 'std', o.std, 0.01));
  if (!Number.isFinite(std)) throw new RangeError(`${fn}: std must be representable as a finite float32, got ${show(o.std)}`);
  const [rows, cols] = s as [number, number];
  const zerosPerCol = Math.ceil(sparsity * rows);
  const normal = std > 0 ? this.normalKernel(0, std) : constantKernel(this, 0);
  if (zerosPerCol === 0 || cols === 0) return runKernel(this, fn, s, o, normal);
  const wi = this;
  const core = this.core as unknown as SparseExports;
  // The zero pattern is computed once per call (on the first chunk, when the key is known)
  // into a heap bitmap of flat indices, then applied to every chunk; freed when the call ends.
  let mask = -1;
  const kernel: Kernel = (p, start, n, key) => {
    normal(p, start, n, key);
    if (mask < 0) {
      const m = wi.heap.alloc(core.sparseMaskBytes(rows, cols));
      mask = m;
      core.sparseMask(m, rows, cols, zerosPerCol, key.lo, key.hi);
    }
    core.sparseApply(p, mask, start, n);
  };
  try {
    return runKernel(this, fn, s, o, kernel);
  } finally {
    if (mask >= 0) this.heap.free(mask);
  }
};

/**
 * The sparse kernels of core.wasm (assembly/sparse.ts). sparseMask sets bit r·cols + c of a
 * (rows + 1)·cols-bit map for the zeros of sparse(): in column c, a uniformly random k-subset of
 * the rows by Floyd's algorithm (Bentley & Floyd 1987), its j-th draw being splitmix64 output
 * c·rows + j of the mask key mix64(key XOR "SPARSEMK"), mapped to [0, j] by its top 53 bits.
 * sparseApply zeroes the float32 elements [start, start + count) whose bits are set.
 */
interface SparseExports {
  sparseMaskBytes(rows: number, cols: number): number;
  sparseMask(bits: number, rows: number, cols: number, k: number, keyLo: number, keyHi: number): void;
  sparseApply(out: number, bits: number, start: number, count: number): void;
}

