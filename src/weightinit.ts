// THE class: every public method is a typed one-line call into the plain functions of
// init/ (grouped by family), with its documentation here. The engine behind it (kernels,
// heap, keys, produce) is a private field and never part of the public types.
import type { CoreExports } from './engine/abi.js';
import { attachEngine, Engine } from './engine/engine.js';
import { keyFromBigInt, namedKey, parseName } from './engine/keys.js';
import type { Layout } from './fans.js';
import { normal, uint32, uniform, type NormalOptions, type Uint32Options, type UniformOptions } from './init/basic.js';
import type { InitOptions, Result, Shape } from './init/common.js';
import { deltaOrthogonal, orthogonal, type DeltaOrthogonalOptions, type OrthogonalOptions } from './init/orthogonal.js';
import {
  constant, dirac, eye, filled, sparse, type ConstantOptions, type DiracOptions, type EyeOptions, type SparseOptions,
} from './init/structured.js';
import { truncatedNormal, type TruncatedNormalOptions } from './init/truncated.js';
import {
  glorot, he, lecun, varianceScaling,
  type GlorotNormalOptions, type GlorotOptions, type HeNormalOptions, type HeOptions, type LecunNormalOptions,
  type LecunUniformOptions, type VarianceScalingOptions,
} from './init/variance.js';
import { labBackend } from './lab/host.js';
import { initModel, planModel, type Plan, type PlanOptions } from './model/plan.js';
import { propagate, trainProbe, type PropagateOptions, type PropagateResult, type TrainProbeOptions, type TrainProbeResult } from './lab/index.js';
import { closeScope, openScope, Tensor, type TypedArray } from './tensor.js';
import { parameter, type ParameterMethod, type ParameterOptions } from './tutorial.js';
import {
  fillOf, streamOf, type ChunkArray, type ChunkSink, type StreamChunk, type StreamInitOptions, type StreamMethod, type StreamOptions,
  type StreamProgress,
} from './stream.js';

/** Options of `load()` / `loadSync()` that shape the instance. */
export interface LoadOptions {
  /** Root seed of the instance's key sequence and named keys: makes every unseeded call of a program reproducible. */
  seed?: number | bigint;
  /** Default weight layout of every call that reads fans or conv axes ('torch', the default, or 'tf' for tfjs/Keras/JAX kernels). */
  layout?: Layout;
  /**
   * Worker threads for large fills and orthogonal's large projections (default 0): a count, or
   * 'auto' (one per core beyond the calling thread). Output is bit-identical to one thread.
   * `load()` only; see `threads`.
   */
  workers?: number | 'auto';
}

type R<O> = Result<O>;

export class WeightInit {
  readonly #e: Engine;

  private constructor(engine: Engine) {
    this.#e = engine;
    attachEngine(this, this.#e);
    // methods work unbound too (`const { normal } = wi`)
    for (const name of Object.getOwnPropertyNames(WeightInit.prototype)) {
      const d = Object.getOwnPropertyDescriptor(WeightInit.prototype, name)!;
      if (name !== 'constructor' && typeof d.value === 'function') {
        Object.defineProperty(this, name, { value: (d.value as (...a: unknown[]) => unknown).bind(this), writable: true, configurable: true });
      }
    }
  }

  /** @internal `load()` and `loadSync()` make instances. */
  static fromEngine(engine: Engine): WeightInit {
    return new WeightInit(engine);
  }

  /** @internal */
  static engine(core: CoreExports, root: bigint, layout: Layout): Engine {
    return new Engine(core, root, layout);
  }

  /**
   * Threads a large fill runs on: 1, or 1 + the workers `load({ workers })` started. 1 where
   * shared memory, blocking waits or workers do not exist (a page without cross-origin
   * isolation, a browser page's main thread, workerd) and after `close()`.
   */
  get threads(): number {
    return this.#e.threads;
  }

  /** Ends the worker pool (fills then run on the calling thread). Idempotent; an open pool never keeps a process alive. */
  close(): void {
    this.#e.pool?.close();
  }

  /** The root seed of this instance's key sequence (random unless `load({ seed })` fixed it). */
  get rootSeed(): bigint {
    return this.#e.keys.root;
  }

  /** The default weight layout (`load({ layout })`, else 'torch'). */
  get layout(): Layout {
    return this.#e.layout;
  }

  /** True where views survive memory growth (the runtime has `memory.toResizableBuffer`). */
  get resizableViews(): boolean {
    return this.#e.heap.resizable;
  }

  /** The wasm memory (views over tensors are views over this buffer). */
  get memory(): WebAssembly.Memory {
    return this.#e.memory;
  }

  /**
   * The key a tensor called `name` gets (`{ name }` on any filler): derived from the root seed
   * and the name alone (docs/stream.md), so other tensors never change it.
   * @example wi.normal([768, 768], { name: 'h.0.attn.c_proj.weight', std: 0.02 })
   */
  keyOf(name: string): bigint {
    const k = keyFromBigInt(namedKey(this.#e.keys.root, parseName('weightinit.keyOf', name)));
    return (BigInt(k.hi) << 32n) | BigInt(k.lo);
  }

  /**
   * Runs `fn` and frees every tensor made during it, except those it returns (a Tensor, or an
   * array or plain object of them) — explicit ownership in the spirit of tfjs `tidy`. `fn`
   * must be synchronous.
   * @example const w = wi.scope(() => { const a = wi.normal([1000]); return wi.ones([10]); }); // a is freed
   */
  scope<T>(fn: () => T): T {
    if (typeof fn !== 'function') throw new TypeError(`weightinit.scope: expected a function, got ${typeof fn}`);
    const made = openScope();
    let result: T;
    try {
      result = fn();
    } catch (err) {
      closeScope(made);
      for (const t of made) t.free();
      throw err;
    }
    closeScope(made);
    const keep = new Set<unknown>();
    try {
      if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
        throw new TypeError('weightinit.scope: fn returned a Promise; scope frees tensors when fn returns, so fn must be synchronous');
      }
      if (result instanceof Tensor) keep.add(result);
      else if (Array.isArray(result)) for (const v of result) keep.add(v);
      else if (result !== null && typeof result === 'object') for (const v of Object.values(result)) keep.add(v);
    } catch (err) {
      // the result could not be inspected (a throwing getter, a revoked Proxy): keep nothing
      for (const t of made) t.free();
      throw err;
    }
    for (const t of made) if (!keep.has(t)) t.free();
    return result;
  }

  /**
   * Uniform values in [low, high) (float32: low + (high − low)·u, u a multiple of 2^-24,
   * never rounded up to high).
   * @example const w = wi.uniform([256, 128], { low: -0.1, high: 0.1, seed: 42 });
   */
  uniform<O extends UniformOptions = {}>(shape: Shape, opts?: O): R<O> {
    return uniform(this.#e, shape, opts) as R<O>;
  }

  /**
   * Normal values N(mean, std²) by Box-Muller on 4 SIMD lanes (float32; |z| up to 6.76σ).
   * @example const w = wi.normal([1024, 1024], { std: 0.02, seed: 7 });
   */
  normal<O extends NormalOptions = {}>(shape: Shape, opts?: O): R<O> {
    return normal(this.#e, shape, opts) as R<O>;
  }

  /**
   * The raw 32-bit generator output (xoshiro128++ words) in block order, for statistical
   * test batteries. Word i is a pure function of (key, i), like every other value.
   */
  uint32<O extends Uint32Options = {}>(count: number, opts?: O): O extends { out: Uint32Array } ? Uint32Array : Tensor<Uint32Array> {
    return uint32(this.#e, count, opts) as O extends { out: Uint32Array } ? Uint32Array : Tensor<Uint32Array>;
  }

  /**
   * The one primitive: variance `scale / n`, n from the fans by `mode`:
   * fanIn → fan_in, fanOut → fan_out, fanAvg → (fan_in + fan_out)/2, fanGeoAvg → √(fan_in·fan_out)
   * (n is at least 1, as Keras and tfjs do, so zero-element shapes never divide by zero).
   * - 'normal': N(0, scale/n), untruncated.
   * - 'truncatedNormal' (default, as Keras): N(0, σ²) truncated to ±2σ with σ = √(scale/n) / 0.87962566103423978,
   *   so the variance after truncation is exactly scale/n (JAX `variance_scaling`, Keras `VarianceScaling`).
   * - 'uniform': U(−√(3·scale/n), √(3·scale/n)).
   * @example wi.varianceScaling([256, 128], { scale: 2, mode: 'fanIn', distribution: 'normal', seed: 1 }) // He normal
   */
  varianceScaling<O extends VarianceScalingOptions = {}>(shape: Shape, opts?: O): R<O> {
    return varianceScaling(this.#e, shape, opts) as R<O>;
  }

  /**
   * Glorot/Xavier uniform (Glorot & Bengio 2010, "Understanding the difficulty of training deep
   * feedforward neural networks"): U(−b, b), b = gain·√(6/(fan_in + fan_out)).
   * = varianceScaling({ scale: gain², mode: 'fanAvg', distribution: 'uniform' }). Also known as xavierUniform.
   * @example wi.glorotUniform([128, 256], { seed: 3 })
   */
  glorotUniform<O extends GlorotOptions = {}>(shape: Shape, opts?: O): R<O> {
    return glorot(this.#e, 'glorotUniform', true, shape, opts) as R<O>;
  }

  /** Alias of glorotUniform (PyTorch `xavier_uniform_`). @example wi.xavierUniform([128, 256], { gain: 5 / 3 }) */
  xavierUniform<O extends GlorotOptions = {}>(shape: Shape, opts?: O): R<O> {
    return glorot(this.#e, 'xavierUniform', true, shape, opts) as R<O>;
  }

  /**
   * Glorot/Xavier normal (Glorot & Bengio 2010): N(0, σ²), σ = gain·√(2/(fan_in + fan_out)), untruncated as
   * PyTorch `xavier_normal_`; `distribution: 'truncatedNormal'` gives the Keras/JAX `glorot_normal`.
   * = varianceScaling({ scale: gain², mode: 'fanAvg' }). Also known as xavierNormal.
   * @example wi.glorotNormal([128, 256], { seed: 3 })
   */
  glorotNormal<O extends GlorotNormalOptions = {}>(shape: Shape, opts?: O): R<O> {
    return glorot(this.#e, 'glorotNormal', false, shape, opts) as R<O>;
  }

  /** Alias of glorotNormal (PyTorch `xavier_normal_`). @example wi.xavierNormal([128, 256]) */
  xavierNormal<O extends GlorotNormalOptions = {}>(shape: Shape, opts?: O): R<O> {
    return glorot(this.#e, 'xavierNormal', false, shape, opts) as R<O>;
  }

  /**
   * He/Kaiming uniform (He et al. 2015, "Delving deep into rectifiers"): U(−b, b), b = gain·√(3/fan),
   * gain = calculateGain(nonlinearity, a). PyTorch defaults (a = 0, mode 'fanIn', nonlinearity
   * 'leaky_relu') give b = √(6/fan_in); LeakyReLU with slope α: b = √(6/((1+α²)·fan_in)).
   * = varianceScaling({ scale: gain², mode, distribution: 'uniform' }). Also known as kaimingUniform.
   * @example wi.heUniform([256, 128, 3, 3], { nonlinearity: 'relu' })
   */
  heUniform<O extends HeOptions = {}>(shape: Shape, opts?: O): R<O> {
    return he(this.#e, 'heUniform', true, shape, opts) as R<O>;
  }

  /** Alias of heUniform (PyTorch `kaiming_uniform_`, same `a`, `mode`, `nonlinearity` and defaults). @example wi.kaimingUniform([256, 128], { a: Math.sqrt(5) }) */
  kaimingUniform<O extends HeOptions = {}>(shape: Shape, opts?: O): R<O> {
    return he(this.#e, 'kaimingUniform', true, shape, opts) as R<O>;
  }

  /**
   * He/Kaiming normal (He et al. 2015): N(0, σ²), σ = gain/√fan, gain = calculateGain(nonlinearity, a);
   * defaults σ = √(2/fan_in); LeakyReLU: σ = √(2/((1+α²)·fan_in)). Untruncated as PyTorch `kaiming_normal_`;
   * `distribution: 'truncatedNormal'` gives Keras/JAX `he_normal`. Also known as kaimingNormal.
   * @example wi.heNormal([256, 128, 3, 3], { seed: 1 })
   */
  heNormal<O extends HeNormalOptions = {}>(shape: Shape, opts?: O): R<O> {
    return he(this.#e, 'heNormal', false, shape, opts) as R<O>;
  }

  /** Alias of heNormal (PyTorch `kaiming_normal_`). @example wi.kaimingNormal([256, 128], { a: 0.2 }) */
  kaimingNormal<O extends HeNormalOptions = {}>(shape: Shape, opts?: O): R<O> {
    return he(this.#e, 'kaimingNormal', false, shape, opts) as R<O>;
  }

  /**
   * LeCun uniform (LeCun et al. 1998, "Efficient BackProp"): U(−√(3/fan_in), √(3/fan_in)).
   * = varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'uniform' }).
   * @example wi.lecunUniform([256, 128])
   */
  lecunUniform<O extends LecunUniformOptions = {}>(shape: Shape, opts?: O): R<O> {
    return lecun(this.#e, true, shape, opts) as R<O>;
  }

  /**
   * LeCun normal (LeCun et al. 1998; the SELU paper's init, Klambauer et al. 2017): N(0, 1/fan_in), untruncated;
   * `distribution: 'truncatedNormal'` gives Keras/JAX `lecun_normal`.
   * @example wi.lecunNormal([256, 128], { distribution: 'truncatedNormal' })
   */
  lecunNormal<O extends LecunNormalOptions = {}>(shape: Shape, opts?: O): R<O> {
    return lecun(this.#e, false, shape, opts) as R<O>;
  }

  /**
   * Truncated normal with PyTorch `trunc_normal_` semantics: N(mean, std²) conditioned on [a, b], where a and b are
   * ABSOLUTE values (defaults −2, 2: with std = 0.02 they truncate nothing). Exact for any interval, even far in a
   * tail: float64 inverse CDF on the tail side (no rejection loop), rounded to float32 and clamped into [a, b].
   * @example wi.truncatedNormal([768, 768], { std: 0.02, a: -0.04, b: 0.04 })
   */
  truncatedNormal<O extends TruncatedNormalOptions = {}>(shape: Shape, opts?: O): R<O> {
    return truncatedNormal(this.#e, shape, opts) as R<O>;
  }

  /** Every element = value (PyTorch `constant_`, Keras/tfjs `Constant`, JAX `constant`). @example wi.constant([64], { value: 0.01 }) */
  constant<O extends ConstantOptions = {}>(shape: Shape, opts?: O): R<O> {
    return constant(this.#e, shape, opts) as R<O>;
  }

  /** Every element = 0. @example wi.zeros([256]) */
  zeros<O extends InitOptions = {}>(shape: Shape, opts?: O): R<O> {
    return filled(this.#e, 'zeros', shape, opts) as R<O>;
  }

  /** Every element = 1. @example wi.ones([768]) // a LayerNorm weight */
  ones<O extends InitOptions = {}>(shape: Shape, opts?: O): R<O> {
    return filled(this.#e, 'ones', shape, opts) as R<O>;
  }

  /** 2-D identity, rectangular allowed: gain on the main diagonal (PyTorch `eye_`, Keras `Identity(gain)`). @example wi.eye([4, 6]) */
  eye<O extends EyeOptions = {}>(shape: Shape, opts?: O): R<O> {
    return eye(this.#e, shape, opts) as R<O>;
  }

  /**
   * Dirac delta for 3-, 4-, 5-D convolution weights (PyTorch `dirac_`): the convolution copies input
   * channels; with `groups`, each group of out channels copies its inputs.
   * @example wi.dirac([16, 16, 3, 3])
   */
  dirac<O extends DiracOptions = {}>(shape: Shape, opts?: O): R<O> {
    return dirac(this.#e, shape, opts) as R<O>;
  }

  /**
   * Sparse 2-D matrix (Martens 2010, "Deep learning via Hessian-free optimization"; PyTorch `sparse_`):
   * N(0, std²) with ceil(sparsity·rows) zeros in every column. Which rows are zero is a pure function of
   * (key, column), like every value.
   * @example wi.sparse([512, 256], { sparsity: 0.9 })
   */
  sparse<O extends SparseOptions>(shape: Shape, opts: O): R<O> {
    return sparse(this.#e, shape, opts) as R<O>;
  }

  /**
   * A (semi-)orthogonal matrix, Haar-distributed, times `gain` (Saxe, McClelland & Ganguli 2014;
   * PyTorch `orthogonal_`, Keras/tfjs `Orthogonal`, JAX `orthogonal`). Layout 'torch': rows = shape[0],
   * cols = the product of the rest; layout 'tf': rows = the product of all but the last, cols = the last.
   * The result has orthonormal columns when rows >= cols and orthonormal rows otherwise:
   * WᵀW = gain²·I (tall/square) or WWᵀ = gain²·I (wide).
   *
   * How: with k = min(rows, cols), n = max(rows, cols), G = normal([k, n]) with this call's key
   * (exactly `wi.normal([k, n], { seed })`); its rows are orthonormalised in order by block
   * Gram-Schmidt with re-orthogonalisation (the Q of a QR of Gᵀ with R's diagonal positive, so
   * no sign fix is needed). W = that k x n matrix (wide or square) or its transpose (tall).
   * max |WᵀW/gain² − I| <= 1.5e-7 up to 2048² (docs/orthogonal.md).
   * @example const w = wi.orthogonal([512, 256, 3, 3], { gain: Math.SQRT2, seed: 1 });
   */
  orthogonal<O extends OrthogonalOptions = {}>(shape: Shape, opts?: O): R<O> {
    return orthogonal(this.#e, shape, opts) as R<O>;
  }

  /**
   * Delta-orthogonal convolution kernel (Xiao et al. 2018, "Dynamical isometry and a mean field
   * theory of CNNs"; JAX `delta_orthogonal`): zeros, except the spatial centre (index (k−1)//2 in
   * every kernel dimension, as JAX), which holds an orthogonal matrix times gain. 3-, 4- or 5-D.
   * Layout 'torch' [out, in, ...kernel]: W[:, :, centre] = orthogonal([out, in]);
   * layout 'tf' [...kernel, in, out]: W[centre, :, :] = orthogonal([in, out]). Needs out >= in.
   * @example const w = wi.deltaOrthogonal([64, 32, 3, 3], { seed: 2 });
   */
  deltaOrthogonal<O extends DeltaOrthogonalOptions = {}>(shape: Shape, opts?: O): R<O> {
    return deltaOrthogonal(this.#e, shape, opts) as R<O>;
  }

  /**
   * A [inputSize, outputSize] weight matrix by the formulas of a weight-initialization tutorial
   * (src/tutorial.ts): 'xavier' N(0, gain²/n_in) (= LeCun normal · gain, not Glorot), 'he' N(0, 2/n_in),
   * 'he_leaky' N(0, 2/((1+α²)·n_in)), 'normal' N(0, gain²) (gain default 0.01), 'uniform' U(±gain/√n_in).
   * @example const w = wi.parameter(784, 256, 'he', { seed: 1 });
   */
  parameter<O extends ParameterOptions = {}>(inputSize: number, outputSize: number, method: ParameterMethod, opts?: O): R<O> {
    return parameter(this.#e, inputSize, outputSize, method, opts) as R<O>;
  }

  /**
   * Runs a forward and a backward pass of a plain MLP on random input in wasm and returns, per
   * layer, the activation and back-propagated gradient statistics and histograms, the fraction
   * of saturated (tanh/sigmoid) or dead (ReLU) units and the weight-gradient to weight std ratio
   * (docs/lab.md): the early check for vanishing or exploding signals (Glorot & Bengio 2010,
   * He et al. 2015).
   * @example wi.propagate({ depth: 30, width: 512, activation: 'relu', init: 'heNormal', batch: 256, seed: 1 })
   */
  propagate(options: PropagateOptions): PropagateResult {
    return propagate(labBackend(this), options);
  }

  /**
   * Trains that MLP with plain SGD for a few hundred steps on a synthetic task (a fixed random
   * teacher network, or a linear one) and returns the loss curve and per-layer statistics at
   * chosen steps, so "slow to converge" and "never trains" show side by side (docs/lab.md).
   * @example wi.trainProbe({ depth: 20, width: 64, activation: 'relu', init: 'heNormal', batch: 64, seed: 1, task: 'teacher', steps: 200, lr: 0.01 })
   */
  trainProbe(options: TrainProbeOptions): TrainProbeResult {
    return trainProbe(labBackend(this), options);
  }

  /**
   * A tensor of any size (past wasm32's 4 GiB too) as an async iterator of `{ start, end, data }`
   * chunks covering [0, size) (or `opts.range`) in order. Each chunk is one call of `method`
   * with `range` and `out`: the same bits as that range of the in-memory tensor. Memory stays
   * bounded by one chunk (default 2^20 elements, rounded up to a multiple of 1024). `data` is a
   * fresh owned array per chunk, or one reused buffer with `reuse: true`. Bad input throws here,
   * synchronously; a call without `seed` or `name` takes its key from the sequence here too.
   * `signal` stops it between chunks (rejecting with `signal.reason`); `onProgress` follows it
   * (docs/streaming.md).
   * @example for await (const { start, data } of wi.stream('normal', [2 ** 31], { std: 0.02, seed: 1 })) await fh.write(data);
   */
  stream<M extends StreamMethod, const O extends Partial<StreamInitOptions<M>> = {}>(method: M, shape: Shape, opts?: O, options?: StreamOptions): AsyncGenerator<StreamChunk<ChunkArray<M, O>>, void, undefined> {
    return streamOf(this, method, shape, opts, options) as AsyncGenerator<StreamChunk<ChunkArray<M, O>>, void, undefined>;
  }

  /**
   * Streams a tensor like `stream()` into `sink`, awaiting `sink(chunk)` before making the next
   * chunk (backpressure), e.g. a file write. Resolves with the final progress; rejects with the
   * input error (before any chunk), the sink's error, or `signal.reason` (docs/streaming.md).
   * @example await wi.fill('normal', [2 ** 31], { seed: 1 }, async ({ data }) => { await fh.write(data); });
   */
  fill<M extends StreamMethod, const O extends Partial<StreamInitOptions<M>> = {}>(method: M, shape: Shape, opts: O | undefined, sink: ChunkSink<ChunkArray<M, O>>, options?: StreamOptions): Promise<StreamProgress> {
    return fillOf(this, method, shape, opts, sink, options);
  }

  /**
   * The initialization plan of a whole model: for every tensor of `spec` (a list of name,
   * shape and optionally kind and activation; JSON Schema `weightinit/spec.schema.json`) the rule
   * that chose its initializer, the initializer, its std or bound, and its named key (root seed
   * and tensor name, so adding, removing or reordering tensors changes no other tensor).
   * Recipes: 'pytorch', 'best-practice', 'gpt2', 'llama' (docs/model.md); `rules` come first.
   * @example wi.planModel({ tensors: [{ name: 'fc1.weight', shape: [256, 784], kind: 'linear', activation: 'relu' }] }, { seed: 1, recipe: 'best-practice' })
   */
  planModel(spec: unknown, options: PlanOptions): Plan {
    return planModel(this, spec, options);
  }

  /**
   * Initializes a whole model in wasm memory: `planModel`, then every tensor drawn with its named
   * key. For models larger than memory, write them with `writeModel` (weightinit/model) instead.
   * @example const { plan, tensors } = wi.initModel(gpt2({ nLayer: 2 }), { seed: 1, recipe: 'gpt2' });
   */
  initModel(spec: unknown, options: PlanOptions): { plan: Plan; tensors: Record<string, Tensor> } {
    return initModel(this, spec, options);
  }
}
