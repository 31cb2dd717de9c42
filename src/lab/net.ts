// A plain MLP in wasm memory: layer l (1-based) maps a_{l−1} (batch × widths[l−1]) to
//   z_l = a_{l−1}·W_lᵀ + b_l,   a_l = f_l(z_l),   d_l = f_l'(z_l)
// and back:
//   h_l = g_l ⊙ d_l              (g_l = ∂ℓ/∂a_l per example, h_l = ∂ℓ/∂z_l)
//   ∂L/∂W_l = (1/B)·h_lᵀ·a_{l−1},   ∂L/∂b_l = (1/B)·Σ_rows h_l,   g_{l−1} = h_l·W_l
// with L = (1/B)·Σ_i ℓ_i the batch mean of per-example losses.
import { mix64 } from '../engine/keys.js';
import { ACTIVATION_CODES, type Activation, type LabBackend } from './backend.js';
import { autoRange, fractionBelow, fractionOutside, fractionZero, histogram, moments, summarize, type Histogram, type Moments, type Summary } from './stats.js';

// ---------------------------------------------------------------------------------------------
// Seeds: every random tensor of the lab has its own seed, a pure function of (seed, stream, index)

const M64 = (1n << 64n) - 1n;
const GAMMA = 0x9e3779b97f4a7c15n;

export const STREAM = Object.freeze({ input: 1, weight: 2, outputGradient: 3, teacher: 4, data: 5, noise: 6 });

/** A 53-bit seed for tensor `index` of `stream`: splitmix64(seed + (stream·2^32 + index + 1)·γ) >> 11. */
export function subSeed(seed: number, stream: number, index: number): number {
  const z = (BigInt(seed) + (BigInt(stream) * 2n ** 32n + BigInt(index) + 1n) * GAMMA) & M64;
  return Number(mix64(z) >> 11n);
}

// ---------------------------------------------------------------------------------------------
// Allocation: everything the lab allocates goes through one arena, freed in one place

export class Arena {
  readonly #backend: LabBackend;
  readonly #ptrs: number[] = [];
  constructor(backend: LabBackend) {
    this.#backend = backend;
  }
  alloc(floats: number): number {
    const p = this.#backend.alloc(Math.max(4, floats * 4));
    this.#ptrs.push(p);
    return p;
  }
  /** Frees everything, newest first; safe to call twice. */
  freeAll(): void {
    while (this.#ptrs.length > 0) this.#backend.free(this.#ptrs.pop()!);
  }
}

/** A fresh float32 view (memory may have grown since the last one). */
export function view(backend: LabBackend, ptr: number, n: number): Float32Array {
  return new Float32Array(backend.memory.buffer, ptr, n);
}

// ---------------------------------------------------------------------------------------------
// The network

export interface Layer {
  nin: number;
  nout: number;
  kind: number;
  /** Pointers: weight [nout, nin], bias [nout], activation a_l and derivative d_l [batch, nout]. */
  w: number;
  b: number;
  a: number;
  d: number;
}

/** Floats an Mlp allocates (for the size check before anything is allocated). */
export function mlpFloats(widths: readonly number[], batch: number, ownInput: boolean): number {
  let total = ownInput ? batch * widths[0]! : 0;
  let maxw = 0;
  let maxwt = 0;
  for (let l = 1; l < widths.length; l++) {
    const nin = widths[l - 1]!;
    const nout = widths[l]!;
    total += nin * nout + nout + 2 * batch * nout;
    maxw = Math.max(maxw, nin, nout);
    maxwt = Math.max(maxwt, nin * nout);
  }
  // z, h, g0, g1 (batch × max width), wt and dW (max in·out), db (max width)
  return total + 4 * batch * maxw + 2 * maxwt + maxw + 64 * (widths.length + 8);
}

export class Mlp {
  readonly layers: Layer[] = [];
  readonly batch: number;
  readonly widths: readonly number[];
  /** Input a_0 (batch × widths[0]); may be pointed at any batch of rows in memory. */
  input: number;
  readonly #be: LabBackend;
  readonly #param: number;
  readonly #z: number;
  readonly #h: number;
  readonly #wt: number;
  readonly #dw: number;
  readonly #db: number;
  /** g0 holds the top gradient before backward(); after it, ∂ℓ/∂a_0 if asked for. */
  #g0: number;
  #g1: number;

  /** kinds[l − 1]: activation code of layer l; ownInput: allocate a_0 (else set `input`). */
  constructor(be: LabBackend, arena: Arena, widths: readonly number[], kinds: readonly number[], param: number, batch: number, ownInput: boolean) {
    this.#be = be;
    this.#param = param;
    this.batch = batch;
    this.widths = widths;
    let maxw = 0;
    let maxwt = 0;
    for (let l = 1; l < widths.length; l++) {
      maxw = Math.max(maxw, widths[l - 1]!, widths[l]!);
      maxwt = Math.max(maxwt, widths[l - 1]! * widths[l]!);
    }
    this.input = ownInput ? arena.alloc(batch * widths[0]!) : 0;
    for (let l = 1; l < widths.length; l++) {
      const nin = widths[l - 1]!;
      const nout = widths[l]!;
      this.layers.push({
        nin, nout, kind: kinds[l - 1]!,
        w: arena.alloc(nin * nout), b: arena.alloc(nout), a: arena.alloc(batch * nout), d: arena.alloc(batch * nout),
      });
    }
    this.#z = arena.alloc(batch * maxw);
    this.#h = arena.alloc(batch * maxw);
    this.#g0 = arena.alloc(batch * maxw);
    this.#g1 = arena.alloc(batch * maxw);
    this.#wt = arena.alloc(maxwt);
    this.#dw = arena.alloc(maxwt);
    this.#db = arena.alloc(maxw);
  }

  /** The output a_L. */
  get output(): number {
    return this.layers[this.layers.length - 1]!.a;
  }

  /** Where backward() reads the top gradient ∂ℓ/∂a_L (batch × widths[L]). */
  get topGradient(): number {
    return this.#g0;
  }

  view(ptr: number, n: number): Float32Array {
    return view(this.#be, ptr, n);
  }

  setLayer(l: number, weight: Float32Array, bias: number): void {
    const L = this.layers[l - 1]!;
    this.view(L.w, L.nin * L.nout).set(weight);
    this.view(L.b, L.nout).fill(bias);
  }

  /** Forward pass; onLayer(l, z_l, a_l, d_l) sees each layer's views while z_l is still there. */
  forward(onLayer?: (l: number, z: Float32Array, a: Float32Array, d: Float32Array) => void): void {
    const k = this.#be.exports;
    let x = this.input;
    for (let l = 1; l <= this.layers.length; l++) {
      const L = this.layers[l - 1]!;
      const n = this.batch * L.nout;
      k.labLinearForward(this.#z, x, L.w, L.b, this.#wt, this.batch, L.nin, L.nout);
      k.labActivate(L.a, this.#z, n, L.kind, this.#param);
      k.labActDerivative(L.d, this.#z, L.a, n, L.kind, this.#param);
      if (onLayer !== undefined) onLayer(l, this.view(this.#z, n), this.view(L.a, n), this.view(L.d, n));
      x = L.a;
    }
  }

  /**
   * Backward pass from the top gradient at `topGradient`. onLayer(l, g_l, h_l, W_l, dW_l, db_l)
   * sees each layer before its update; with lr > 0 each layer then takes the SGD step
   * W −= lr·∂L/∂W, b −= lr·∂L/∂b (g_{l−1} is computed with the old W first). With inputGradient,
   * returns a view of ∂ℓ/∂a_0 (valid until the next pass).
   */
  backward(opts: {
    lr?: number;
    inputGradient?: boolean;
    onLayer?: (l: number, g: Float32Array, h: Float32Array, w: Float32Array, dw: Float32Array, db: Float32Array) => void;
  }): Float32Array | undefined {
    const k = this.#be.exports;
    const B = this.batch;
    const lr = opts.lr ?? 0;
    let g = this.#g0;
    let gn = this.#g1;
    for (let l = this.layers.length; l >= 1; l--) {
      const L = this.layers[l - 1]!;
      const x = l === 1 ? this.input : this.layers[l - 2]!.a;
      const n = B * L.nout;
      k.labMul(this.#h, g, L.d, n);
      k.labLinearBackwardWeight(this.#dw, this.#h, x, B, L.nin, L.nout, 1 / B);
      k.labColumnSums(this.#db, this.#h, B, L.nout, 1 / B);
      if (l > 1 || opts.inputGradient === true) k.labLinearBackwardInput(gn, this.#h, L.w, B, L.nin, L.nout);
      if (opts.onLayer !== undefined) {
        opts.onLayer(l, this.view(g, n), this.view(this.#h, n), this.view(L.w, L.nin * L.nout), this.view(this.#dw, L.nin * L.nout), this.view(this.#db, L.nout));
      }
      if (lr !== 0) {
        k.labAxpy(L.w, this.#dw, L.nin * L.nout, -lr);
        k.labAxpy(L.b, this.#db, L.nout, -lr);
      }
      [g, gn] = [gn, g];
    }
    // after the last swap g holds ∂ℓ/∂a_0 (when computed); the next pass writes its top gradient to g0 again
    return opts.inputGradient === true ? this.view(g, B * this.widths[0]!) : undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Per-layer statistics

/** Statistics of one layer's forward and backward pass. */
export interface LayerStats {
  /** 1-based layer index. */
  layer: number;
  fanIn: number;
  fanOut: number;
  /** The layer's nonlinearity. */
  nonlinearity: Activation;
  /** z_l = a_{l−1}·Wᵀ + b; `negative`: fraction with z < 0. */
  preactivation: Moments & { negative: number };
  /** a_l = f(z_l). */
  activation: Moments & {
    histogram: Histogram;
    /** tanh: |a| > 0.9; sigmoid: a < 0.05 or a > 0.95 (both: within 10% of the range's ends); null for unbounded activations. */
    saturated: number | null;
    /** Fraction whose derivative f'(z), as the backward pass uses it, is exactly 0 (relu: a = 0). */
    dead: number;
  };
  /** g_l = ∂ℓ/∂a_l, per example (the back-propagated gradient arriving at this layer's output). */
  gradient: Moments & { histogram: Histogram };
  /** h_l = ∂ℓ/∂z_l = g_l ⊙ f'(z_l). */
  preactivationGradient: Moments;
  /** W_l at this pass (before the step). */
  weight: Moments;
  /** ∂L/∂W_l, the batch mean. */
  weightGradient: Moments;
  /** weightGradient.std / weight.std (Infinity or NaN when weight.std is 0). */
  ratio: number;
}

export const SATURATION = Object.freeze({ tanh: 0.9, sigmoidLow: 0.05, sigmoidHigh: 0.95 });

export interface StatsConfig {
  bins: number;
  activationRange: [number, number] | undefined;
  gradientRange: [number, number] | undefined;
}

function saturation(kind: number, a: Float32Array): number | null {
  if (kind === ACTIVATION_CODES.tanh) return fractionOutside(a, -SATURATION.tanh, SATURATION.tanh);
  if (kind === ACTIVATION_CODES.sigmoid) return fractionOutside(a, SATURATION.sigmoidLow, SATURATION.sigmoidHigh);
  return null;
}

function activationRange(kind: number, a: Float32Array, s: Summary, given: [number, number] | undefined): [number, number] {
  if (given !== undefined) return given;
  if (kind === ACTIVATION_CODES.tanh) return [-1, 1];
  if (kind === ACTIVATION_CODES.sigmoid) return [0, 1];
  return autoRange(a, s, false);
}

const NAMES = Object.keys(ACTIVATION_CODES) as Activation[];

const plain = (s: Summary): Moments => ({ mean: s.mean, std: s.std, secondMoment: s.secondMoment });

export class StatsCollector {
  readonly layers: Partial<LayerStats>[] = [];
  readonly #cfg: StatsConfig;
  readonly #net: Mlp;
  constructor(net: Mlp, cfg: StatsConfig) {
    this.#net = net;
    this.#cfg = cfg;
  }

  readonly forward = (l: number, z: Float32Array, a: Float32Array, d: Float32Array): void => {
    const L = this.#net.layers[l - 1]!;
    const sa = summarize(a);
    const [lo, hi] = activationRange(L.kind, a, sa, this.#cfg.activationRange);
    this.layers[l - 1] = {
      layer: l, fanIn: L.nin, fanOut: L.nout, nonlinearity: NAMES[L.kind]!,
      preactivation: { ...moments(z), negative: fractionBelow(z, 0) },
      activation: {
        ...plain(sa),
        histogram: histogram(a, this.#cfg.bins, lo, hi),
        saturated: saturation(L.kind, a),
        dead: fractionZero(d),
      },
    };
  };

  readonly backward = (l: number, g: Float32Array, h: Float32Array, w: Float32Array, dw: Float32Array): void => {
    const s = this.layers[l - 1]!;
    const sg = summarize(g);
    const [lo, hi] = this.#cfg.gradientRange ?? autoRange(g, sg, true);
    s.gradient = { ...plain(sg), histogram: histogram(g, this.#cfg.bins, lo, hi) };
    s.preactivationGradient = moments(h);
    s.weight = moments(w);
    s.weightGradient = moments(dw);
    s.ratio = s.weightGradient.std / s.weight.std;
  };

  result(): LayerStats[] {
    return this.layers as LayerStats[];
  }
}
