// propagate(): a float64 reference on a small net, then the signal-propagation theory of
// Glorot & Bengio (2010) and He et al. (2015) on deep ones, then bad arguments.
//
// Notation: n = width, B = batch, q_l = E[a_l²] (the activation's second moment over batch and
// units, `activation.secondMoment`), q_0 the input's. Every band below is derived in the comment
// above its assertion from the theory and the sample size; seeds are fixed, nothing was tuned.
import { describe, expect, it } from 'vitest';
import { makeBackend } from './helpers/lab-backend.js';
import { propagate, type LabBackend, type PropagateOptions, type PropagateResult } from '../src/lab/index.js';

const backend = makeBackend();
const u = 2 ** -24; // float32 unit roundoff
const fr = Math.fround;
/** γ_k = k·u/(1 − k·u): the bound on recursive summation of k terms (Higham, eq. 3.5). */
const gamma = (k: number): number => (k * u) / (1 - k * u);

// ---------------------------------------------------------------------------------------------
// float64 references of the activations

const SELU_L = 1.0507009873554805;
const SELU_A = 1.6732632423543772;
const GC = Math.sqrt(2 / Math.PI);
const sig = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const geluW = (x: number): number => 2 * GC * (x + 0.044715 * x ** 3);
interface Act {
  f: (x: number) => number;
  /** Lipschitz constant of f (max |f'|) */
  lip: number;
  /** condition number of the argument the kernel computes (gelu's w), see lab-kernels.test.ts */
  cond: (x: number) => number;
}
const ACTS: Record<string, Act> = {
  linear: { f: (x) => x, lip: 1, cond: () => 0 },
  tanh: { f: Math.tanh, lip: 1, cond: () => 0 },
  sigmoid: { f: sig, lip: 0.25, cond: () => 0 },
  relu: { f: (x) => Math.max(x, 0), lip: 1, cond: () => 0 },
  leaky_relu: { f: (x) => (x > 0 ? x : fr(0.2) * x), lip: 1, cond: () => 0 },
  elu: { f: (x) => (x > 0 ? x : Math.expm1(x)), lip: 1, cond: () => 0 },
  selu: { f: (x) => (x > 0 ? SELU_L * x : SELU_L * SELU_A * Math.expm1(x)), lip: SELU_L * SELU_A, cond: () => 0 },
  // gelu' = σ(w) + x·σ(w)(1 − σ(w))·w'(x) peaks at 1.13 (near x = 2.4 for the tanh form): 1.2 bounds it
  gelu: { f: (x) => x * sig(geluW(x)), lip: 1.2, cond: (x) => Math.abs(geluW(x)) },
};

describe('propagate against float64 loops on a small net', () => {
  const widths = [7, 13, 5, 9]; // odd sizes: every tile edge and scalar tail of the kernels
  const batch = 6;
  for (const [name, act] of Object.entries(ACTS)) {
    it(`${name}: wiring exact (float32 model), forward within the propagated float64 bound`, async () => {
      const be = await backend;
      const r = propagate(be, {
        widths, activation: name as PropagateOptions['activation'], ...(name === 'leaky_relu' ? { slope: 0.2 } : {}),
        init: 'xavierUniform', bias: 0.1, batch, seed: 11, capture: true,
      });
      const c = r.capture!;
      const L = widths.length - 1;
      // 1. Wiring, bit for bit: each layer's z is exactly the kernel's float32 sum of that layer's
      //    captured input and weights (z = fl(b + Σ_k fl(a_k·w_k)), k in order), and the backward
      //    pass feeds each layer the right tensors: h = fl(g ⊙ f'(z)), g_{l−1} = Σ_j fl(h_j·W_jk),
      //    ∂L/∂W = fl(fl(1/B)·Σ_i fl(h_ij·a_ik)), all sums sequential float32.
      for (let l = 1; l <= L; l++) {
        const nin = widths[l - 1]!, nout = widths[l]!;
        const a = l === 1 ? c.input : c.activations[l - 2]!;
        const W = c.weights[l - 1]!, b = c.biases[l - 1]!, z = c.preactivations[l - 1]!;
        const g = c.gradients[l - 1]!, d = c.derivatives[l - 1]!, dW = c.weightGradients[l - 1]!;
        const gIn = l === 1 ? c.inputGradient : c.gradients[l - 2]!;
        const h = g.map((x, i) => fr(x * d[i]!));
        const alpha = fr(1 / batch);
        for (let i = 0; i < batch; i++) {
          for (let j = 0; j < nout; j++) {
            let s = 0;
            for (let k = 0; k < nin; k++) s = fr(s + fr(a[i * nin + k]! * W[j * nin + k]!));
            expect(z[i * nout + j]).toBe(fr(b[j]! + s));
          }
          for (let k = 0; k < nin; k++) {
            let s = 0;
            for (let j = 0; j < nout; j++) s = fr(s + fr(h[i * nout + j]! * W[j * nin + k]!));
            expect(gIn[i * nin + k]).toBe(s);
          }
        }
        for (let j = 0; j < nout; j++) {
          for (let k = 0; k < nin; k++) {
            let s = 0;
            for (let i = 0; i < batch; i++) s = fr(s + fr(h[i * nout + j]! * a[i * nin + k]!));
            expect(dW[j * nin + k]).toBe(fr(s * alpha));
          }
        }
      }
      // 2. The forward pass in float64 from the same input, weights and biases, against the
      //    float32 result, element by element. Bound, propagated layer by layer (first order in u):
      //      E_l = Lip_f·(Σ_k |W_jk|·E_{l−1,k} + γ_{n+1}·(|b_j| + Σ_k |â_k·W_jk|)) + 8u·(1 + cond)·|f(ẑ)| + 1e-30
      //    (E_0 = 0): the input error carried through the layer, the float32 dot product's error
      //    (Higham eq. 3.5, n products plus the bias), and the activation kernel's own error
      //    (bound tested in lab-kernels.test.ts; values below 1e-30 may be flushed to 0).
      //    The factor 1 + 1e-6 covers the neglected O(u²) terms.
      let ref: number[] = Array.from(c.input);
      let err: number[] = new Array<number>(ref.length).fill(0);
      for (let l = 1; l <= L; l++) {
        const nin = widths[l - 1]!, nout = widths[l]!;
        const aHat = l === 1 ? c.input : c.activations[l - 2]!;
        const W = c.weights[l - 1]!, b = c.biases[l - 1]!, z = c.preactivations[l - 1]!, out = c.activations[l - 1]!;
        const nextRef: number[] = [], nextErr: number[] = [];
        for (let i = 0; i < batch; i++) {
          for (let j = 0; j < nout; j++) {
            let s = b[j]!, carried = 0, abs = Math.abs(b[j]!);
            for (let k = 0; k < nin; k++) {
              s += ref[i * nin + k]! * W[j * nin + k]!;
              carried += Math.abs(W[j * nin + k]!) * err[i * nin + k]!;
              abs += Math.abs(aHat[i * nin + k]! * W[j * nin + k]!);
            }
            const zHat = z[i * nout + j]!;
            const e = act.lip * (carried + gamma(nin + 1) * abs) + 8 * u * (1 + act.cond(zHat)) * Math.abs(act.f(zHat)) + 1e-30;
            const y = act.f(s);
            const got = out[i * nout + j]!;
            expect(Math.abs(got - y)).toBeLessThanOrEqual(e * (1 + 1e-6));
            nextRef.push(y);
            nextErr.push(e);
          }
        }
        ref = nextRef;
        err = nextErr;
      }
      expect(be.live()).toBe(0);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Theory on deep nets
//
// Forward, ReLU, zero bias, Gaussian weights of variance σ² (He et al. 2015, eqs. 7-10): given
// the previous layer, each pre-activation of example i is z_ij ~ N(0, σ²·‖a_{l−1,i}‖²),
// independent over the n_out units, so with ξ = relu(z)²:
//   E[ξ] = σ²‖a‖²/2,  Var[ξ] = E[relu(z)⁴] − E[ξ]² = (3/2 − 1/4)·σ⁴‖a‖⁴ = (5/4)·σ⁴‖a‖⁴,
// and the per-element ratio ρ_i = (‖a_{l,i}‖²/n_out) / (‖a_{l−1,i}‖²/n_in) has mean n_in·σ²/2 and
// relative variance (5/4)/(1/4)/n_out = 5/n_out. The batch ratio q_l/q_{l−1} is a weighted mean
// of the ρ_i (weights ‖a_{l−1,i}‖², summing to 1), so its relative variance is at most 5/n_out
// (Cauchy-Schwarz), whatever the correlation between examples. Per layer:
//   He (σ² = 2/n_in):     q_l/q_{l−1} = 1 ± √(5/n)      Glorot, square (σ² = 1/n): ½·(1 ± √(5/n))
// Across layers the log-ratios add as martingale increments: ln(q_l/q_0) has standard deviation
// at most √(5l/n) and a drift of at most −(5/(2n)) per layer (E ln(1 + ε) ≈ −Var ε / 2).
// Bands: 5 standard deviations for one layer (normal approximation, CLT over n units: P < 6e-7,
// so < 3e-5 over 50 layers), 4 for a sum over layers (P < 1.3e-4 for the path, by the
// reflection principle).
//
// Backward (He et al. 2015, eqs. 11-14), under their assumption that f'(z) and the gradient are
// independent of the weights they meet: g_{l−1} = (g_l ⊙ 1[z_l > 0])·W_l, so per element
//   E[g_{l−1}²] = σ²·n_out·½·E[g_l²],
// = E[g_l²] for σ² = 2/n_out (He, mode fan_out), ½·E[g_l²] for Glorot on square layers. Relative
// variance per layer and example: 2/n_in (a χ²_{n_in} over the input units) + 3/n_out (the mask over
// Gaussian-like g: Σg⁴/(Σg²)² ≈ 3/n_out), = 5/n on square layers: the same bands.

const N = 512;
const B = 128;
const DEPTH = 50;

function sd(k: number, n: number): number {
  return Math.sqrt((5 * k) / n);
}

describe('ReLU: He keeps the signal, Glorot halves it every layer (width 512, batch 128, 50 layers)', () => {
  const run = async (init: PropagateOptions['init']): Promise<PropagateResult> =>
    propagate(await backend, { depth: DEPTH, width: N, activation: 'relu', init, batch: B, seed: 1 });
  const he = run('heNormal'); // PyTorch default: fan_in, a = 0, gain √2
  const heOut = run({ name: 'heNormal', options: { mode: 'fanOut' } });
  const glorot = run('glorotNormal');

  it('He (fan_in): ln(q_l/q_0) within [−4√(5l/n) − 5l/(2n), 4√(5l/n)] for every l = 1..50', async () => {
    const r = await he;
    const q0 = r.input.secondMoment;
    for (const s of r.layers) {
      const l = s.layer;
      const x = Math.log(s.activation.secondMoment / q0);
      expect(x).toBeGreaterThanOrEqual(-4 * sd(l, N) - (5 * l) / (2 * N));
      expect(x).toBeLessThanOrEqual(4 * sd(l, N));
    }
  });

  it('He: the per-layer ratio q_l/q_{l−1} within 1 ± 5√(5/n)', async () => {
    const r = await he;
    let prev = r.input.secondMoment;
    for (const s of r.layers) {
      const ratio = s.activation.secondMoment / prev;
      expect(Math.abs(ratio - 1)).toBeLessThanOrEqual(5 * sd(1, N));
      prev = s.activation.secondMoment;
    }
  });

  it('Glorot on square layers: every ratio q_l/q_{l−1} within ½·(1 ± 5√(5/n)); mean log-ratio ln ½ ± 4√(5/(nL))', async () => {
    const r = await glorot;
    let prev = r.input.secondMoment;
    for (const s of r.layers) {
      const ratio = s.activation.secondMoment / prev;
      expect(Math.abs(ratio - 0.5)).toBeLessThanOrEqual(0.5 * 5 * sd(1, N));
      prev = s.activation.secondMoment;
    }
    // over L layers: (1/L)·ln(q_L/q_0) has sd <= √(5L/n)/L = √(5/(nL)) and drift >= −5/(2n)
    const slope = Math.log(r.layers[DEPTH - 1]!.activation.secondMoment / r.input.secondMoment) / DEPTH;
    expect(slope).toBeGreaterThanOrEqual(Math.log(0.5) - 4 * Math.sqrt(5 / (N * DEPTH)) - 5 / (2 * N));
    expect(slope).toBeLessThanOrEqual(Math.log(0.5) + 4 * Math.sqrt(5 / (N * DEPTH)));
  });

  it('relu dead fraction (a = 0 exactly, f\' = 0) is ½ ± 5·½/√n at every layer', async () => {
    // z_ij = w_j·a_i is symmetric (w and −w equally likely), so P(z <= 0) = ½ for every unit; the
    // units are independent given the previous layer and each unit's batch fraction lies in
    // [0, 1] (variance <= ¼), so the layer's fraction has sd <= ½/√n.
    for (const r of [await he, await glorot]) {
      for (const s of r.layers) expect(Math.abs(s.activation.dead - 0.5)).toBeLessThanOrEqual((5 * 0.5) / Math.sqrt(N));
    }
  });

  it('on square layers He fan_out and fan_in are the same weights, so the same pass', async () => {
    const a = await he;
    const b = await heOut;
    expect(b.layers.map((s) => s.activation.secondMoment)).toEqual(a.layers.map((s) => s.activation.secondMoment));
    expect(b.layers.map((s) => s.gradient.secondMoment)).toEqual(a.layers.map((s) => s.gradient.secondMoment));
  });

  it('He (fan_out) backward: ln(E[g_l²]/E[g_L²]) within the band of L − l layers, down to the input gradient', async () => {
    const r = await heOut;
    const top = r.layers[DEPTH - 1]!.gradient.secondMoment; // g_L = G ~ N(0, 1)
    const check = (g2: number, k: number): void => {
      const x = Math.log(g2 / top);
      expect(x).toBeGreaterThanOrEqual(-4 * sd(k, N) - (5 * k) / (2 * N));
      expect(x).toBeLessThanOrEqual(4 * sd(k, N));
    };
    for (const s of r.layers) check(s.gradient.secondMoment, DEPTH - s.layer);
    check(r.inputGradient.secondMoment, DEPTH);
  });

  it('Glorot backward: the gradient loses half its second moment per layer (mean log-ratio ln ½ ± 4√(5/(nL)))', async () => {
    const r = await glorot;
    const top = r.layers[DEPTH - 1]!.gradient.secondMoment;
    const slope = Math.log(r.inputGradient.secondMoment / top) / DEPTH;
    expect(slope).toBeGreaterThanOrEqual(Math.log(0.5) - 4 * Math.sqrt(5 / (N * DEPTH)) - 5 / (2 * N));
    expect(slope).toBeLessThanOrEqual(Math.log(0.5) + 4 * Math.sqrt(5 / (N * DEPTH)));
  });

  it('histograms: every value counted once, edges increasing, relu bins start at 0', async () => {
    const r = await he;
    for (const s of [r.layers[0]!, r.layers[DEPTH - 1]!]) {
      for (const h of [s.activation.histogram, s.gradient.histogram]) {
        expect(h.counts.length).toBe(50);
        expect(h.edges.length).toBe(51);
        for (let k = 0; k < 50; k++) expect(h.edges[k + 1]!).toBeGreaterThan(h.edges[k]!);
        expect(h.counts.reduce((x, y) => x + y, 0) + h.below + h.above + h.nonFinite).toBe(B * N);
      }
      expect(s.activation.histogram.edges[0]).toBe(0);
      // the dead half sits in the first bin
      expect(s.activation.histogram.counts[0]! / (B * N)).toBeGreaterThanOrEqual(s.activation.dead);
    }
  });
});

describe('non-square layers: fan_in keeps the forward pass, fan_out the backward pass (He et al. 2015, Sec. 2.2)', () => {
  // widths 256, 512, 256, 512, ... (10 layers: 5 widening, 5 narrowing). Per layer (see above):
  //   forward  q_l/q_{l−1}         = n_in·σ²/2      (fan_in: 1;           fan_out: n_in/n_out)
  //   backward E[g_{l−1}²]/E[g_l²] = n_out·σ²/2     (fan_in: n_out/n_in;  fan_out: 1)
  // Summed over the 5 widening layers (n_in = 256, n_out = 512), the log-ratios are 0 or ±5·ln 2;
  // sd <= √(5 · 5/256) forward (5/n_out per layer, <= 5/256) and √(5·(2/256 + 3/512)) backward.
  const widths = [256, ...Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 512 : 256))];
  const sumWidening = (r: PropagateResult, key: 'forward' | 'backward'): number => {
    let s = 0;
    for (let l = 1; l < widths.length; l++) {
      if (widths[l]! <= widths[l - 1]!) continue;
      const st = r.layers[l - 1]!;
      if (key === 'forward') s += Math.log(st.activation.secondMoment / (l === 1 ? r.input.secondMoment : r.layers[l - 2]!.activation.secondMoment));
      else s += Math.log((l === 1 ? r.inputGradient.secondMoment : r.layers[l - 2]!.gradient.secondMoment) / st.gradient.secondMoment);
    }
    return s;
  };
  const bandF = 4 * Math.sqrt(5 * (5 / 256)) + (5 * 5) / (2 * 256);
  const bandB = 4 * Math.sqrt(5 * (2 / 256 + 3 / 512)) + (5 * 5) / (2 * 256);

  it('fan_in: forward Σ ln ratio ≈ 0, backward ≈ 5·ln 2', async () => {
    const r = propagate(await backend, { widths, activation: 'relu', init: 'heNormal', batch: B, seed: 2 });
    expect(Math.abs(sumWidening(r, 'forward'))).toBeLessThanOrEqual(bandF);
    expect(Math.abs(sumWidening(r, 'backward') - 5 * Math.LN2)).toBeLessThanOrEqual(bandB);
  });

  it('fan_out: forward ≈ −5·ln 2, backward ≈ 0', async () => {
    const r = propagate(await backend, { widths, activation: 'relu', init: { name: 'heNormal', options: { mode: 'fanOut' } }, batch: B, seed: 2 });
    expect(Math.abs(sumWidening(r, 'forward') + 5 * Math.LN2)).toBeLessThanOrEqual(bandF);
    expect(Math.abs(sumWidening(r, 'backward'))).toBeLessThanOrEqual(bandB);
  });
});

describe('tanh: N(0, 1) weights saturate, Glorot does not (width 512, batch 128, 10 layers)', () => {
  const t = Math.atanh(0.9); // |tanh z| > 0.9  <=>  |z| > 1.4722
  it('N(0, 1): more than half of the units saturated at every layer 1..10 (layer 5 included)', async () => {
    // Given the previous layer, z_ij ~ N(0, ‖a_{l−1,i}‖²) (unit-variance weights), and a normal
    // density never exceeds φ(0)/σ, so P(|z| <= t) <= 2t·φ(0)/‖a‖ = 1.1746/‖a‖. Layer 1: ‖x‖² is
    // χ²_512, above 512 − 4·√1024 = 384, so ‖x‖ >= 19.6 and at most 6% unsaturated. Deeper: a
    // saturated unit contributes >= 0.81 to ‖a‖², so with >= half saturated ‖a‖ >= √(0.81·256) =
    // 14.4 and at most 8.2% are not. Sampling (units independent given the previous layer, a
    // unit's batch fraction in [0, 1]): sd <= ½/√512 = 0.022. So the fraction is >= 1 − 0.082 −
    // 4·0.022 = 0.83 at every layer; the brief's claim is > 50%.
    const r = propagate(await backend, { depth: 10, width: N, activation: 'tanh', init: 'normal', batch: B, seed: 3 });
    for (const s of r.layers) expect(s.activation.saturated!).toBeGreaterThan(0.83);
  });

  it('Glorot: layer 1 at 2Q(1.4722) = 0.1410 ± 4·√(p(1 − p)/n), every later layer under 5%', async () => {
    // Square layers, σ² = 1/n: layer 1 has z ~ N(0, ‖x‖²/n) ≈ N(0, 1), so p_1 = 2Q(atanh 0.9) =
    // 0.140962 (Python: math.erfc(1.4722194895832204/√2)); sd <= √(p(1 − p)/n) = 0.0154 (units
    // independent given the input). Layer 2: z ~ N(0, q_1) with q_1 = E[tanh²(N(0,1))] = 0.39429
    // (quadrature), p_2 = 2Q(1.4722/√0.39429) = 0.0190; q_l falls with l (tanh is a contraction
    // for Glorot on square layers: E[tanh² z] < E[z²]), so p_l <= p_2 and
    // p_l + 4·√(p_2/n) = 0.0190 + 0.0244 = 0.043 < 0.05.
    const r = propagate(await backend, { depth: 10, width: N, activation: 'tanh', init: 'glorotNormal', batch: B, seed: 3 });
    const p1 = 0.1409616160746589;
    expect(Math.abs(r.layers[0]!.activation.saturated! - p1)).toBeLessThanOrEqual(4 * Math.sqrt((p1 * (1 - p1)) / N));
    for (const s of r.layers.slice(1)) expect(s.activation.saturated!).toBeLessThan(0.05);
  });

  it('sigmoid saturation is a < 0.05 or a > 0.95 (the same 10% of the range as tanh: σ(z) = (1 + tanh(z/2))/2)', async () => {
    const x = new Float32Array(4 * 4);
    // with widths [4, 4], eye weights and zero bias, z = x exactly
    x.set([-3, -2.9444, -2.94, 0, 0.5, 2.9, 2.95, 3, 10, -10, 1, -1, 0, 0, 0, 0]);
    const r = propagate(await backend, { widths: [4, 4], activation: 'sigmoid', init: 'eye', batch: 4, seed: 0, input: x });
    // σ(z) < 0.05 <=> z < −2.944439; > 0.95 <=> z > 2.944439: −3, −10, 2.95, 3, 10 (5 of 16)
    expect(r.layers[0]!.activation.saturated).toBe(5 / 16);
  });
});

// ---------------------------------------------------------------------------------------------
// Bad arguments: the error type and message, nothing allocated (or everything freed)

describe('bad arguments', () => {
  const ok: PropagateOptions = { widths: [4, 3], activation: 'relu', init: 'heNormal', batch: 2, seed: 1 };
  const cases: [string, unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    ['options not an object', 5, TypeError, /^weightinit\.propagate: options must be a plain object/],
    ['unknown option', { ...ok, stddev: 1 }, TypeError, /unknown option "stddev" in options; valid options are "widths"/],
    ['no activation', { ...ok, activation: undefined }, TypeError, /activation is required, one of "linear", "tanh"/],
    ['unknown activation', { ...ok, activation: 'swish' }, RangeError, /activation must be one of .*"gelu", got "swish"/],
    ['activation not a string', { ...ok, activation: 3 }, TypeError, /activation must be one of .*got 3/],
    ['widths too short', { ...ok, widths: [4] }, RangeError, /widths must list at least 2 sizes/],
    ['zero width', { ...ok, widths: [4, 0] }, RangeError, /widths\[1\] must be an integer in \[1, 65536\], got 0/],
    ['fractional width', { ...ok, widths: [4, 2.5] }, RangeError, /widths\[1\] must be an integer in \[1, 65536\], got 2\.5/],
    ['widths not an array', { ...ok, widths: '4,3' }, TypeError, /widths must be an array, got "4,3"/],
    ['widths and depth', { ...ok, depth: 3 }, TypeError, /either widths or depth and width, not both/],
    ['depth without width', { activation: 'relu', init: 'heNormal', batch: 2, seed: 1, depth: 3 }, TypeError, /give widths, or depth and width/],
    ['slope with relu', { ...ok, slope: 0.1 }, TypeError, /slope is only read for activation "leaky_relu", got activation "relu"/],
    ['slope not finite', { ...ok, activation: 'leaky_relu', slope: NaN }, RangeError, /slope must be a finite number, got NaN/],
    ['no init', { ...ok, init: undefined }, TypeError, /init is required/],
    ['unknown init', { ...ok, init: 'kaiming' }, RangeError, /init name must be one of "uniform", .*"sparse", got "kaiming"/],
    ['init sets seed', { ...ok, init: { name: 'normal', options: { seed: 3 } } }, TypeError, /init\.options may not set "seed"/],
    ['init spec key', { ...ok, init: { name: 'normal', opts: {} } }, TypeError, /unknown option "opts" in init; valid options are "name", "options"/],
    ['bias string', { ...ok, bias: 'ones' }, TypeError, /bias must be "zeros" or a finite number, got "ones"/],
    ['bias infinite', { ...ok, bias: Infinity }, RangeError, /bias must be "zeros" or a finite number, got Infinity/],
    ['batch 0', { ...ok, batch: 0 }, RangeError, /batch must be an integer in \[1, 65536\], got 0/],
    ['batch string', { ...ok, batch: '2' }, TypeError, /batch must be an integer in \[1, 65536\], got "2"/],
    ['no seed', { ...ok, seed: undefined }, TypeError, /seed is required/],
    ['negative seed', { ...ok, seed: -1 }, RangeError, /seed must be an integer in \[0, 9007199254740991\], got -1/],
    ['bins 0', { ...ok, bins: 0 }, RangeError, /bins must be an integer in \[1, 100000\], got 0/],
    ['range reversed', { ...ok, activationRange: [1, 0] }, RangeError, /activationRange must be \[low, high\] with low < high, got \[1, 0\]/],
    ['range length', { ...ok, gradientRange: [1] }, RangeError, /gradientRange must be \[low, high\], got \[1\]/],
    ['input length', { ...ok, input: new Float32Array(7) }, RangeError, /input must hold batch × widths\[0\] = 2 × 4 = 8 values, got 7/],
    ['input type', { ...ok, input: new Float64Array(8) }, TypeError, /input must be a Float32Array of batch × widths\[0\] = 8 values, got a Float64Array of 8/],
    ['capture not boolean', { ...ok, capture: 1 }, TypeError, /capture must be true or false, got 1/],
    ['too large', { ...ok, widths: [65536, 65536], batch: 65536 }, RangeError, /needs \d+ MiB of wasm memory; at most 2048 MiB/],
  ];
  for (const [label, opts, type, message] of cases) {
    it(`${label}: ${type.name}`, async () => {
      const be = await backend;
      const before = be.allocs();
      expect(() => propagate(be, opts as PropagateOptions)).toThrow(type);
      expect(() => propagate(be, opts as PropagateOptions)).toThrow(message);
      expect(be.allocs()).toBe(before); // thrown before anything was allocated
      expect(be.live()).toBe(0);
    });
  }

  it('a backend that is not one: TypeError', () => {
    expect(() => propagate({} as LabBackend, ok)).toThrow(/^weightinit\.propagate: backend must provide memory, alloc, free, exports, init and normal/);
  });

  it('an initializer that rejects its options throws before the lab allocates', async () => {
    const be = await backend;
    const before = be.allocs();
    // sparse without its required sparsity: the library's own error, unchanged
    expect(() => propagate(be, { ...ok, init: 'sparse' })).toThrow(/sparsity/);
    expect(be.allocs()).toBe(before);
  });

  it('a failure inside the run frees everything allocated', async () => {
    const be = await backend;
    let calls = 0;
    const failing: LabBackend = {
      memory: be.memory, alloc: (n) => be.alloc(n), free: (p) => be.free(p), init: be.init, normal: be.normal,
      exports: { ...be.exports, labActivate: (...args) => { if (++calls === 2) throw new Error('kernel failed'); be.exports.labActivate(...args); } },
    };
    const before = be.allocs();
    expect(() => propagate(failing, { ...ok, widths: [4, 3, 3] })).toThrow('kernel failed');
    expect(be.allocs()).toBeGreaterThan(before);
    expect(be.live()).toBe(0);
  });
});
