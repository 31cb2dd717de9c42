// trainProbe(): gradient descent on one linear layer lands on the least-squares solution of the
// normal equations (float64, in the test); on a 20-layer ReLU net He trains where N(0, 0.01)
// cannot move; bad arguments.
import { describe, expect, it } from 'vitest';
import { makeBackend } from './helpers/lab-backend.js';
import { trainProbe, type LabBackend, type TrainProbeOptions, type TrainProbeResult } from '../src/lab/index.js';

const backend = makeBackend();
const u = 2 ** -24;
const gamma = (k: number): number => (k * u) / (1 - k * u);

// ---------------------------------------------------------------------------------------------
// float64 linear algebra for the reference

/** Eigenvalues of a symmetric matrix (cyclic Jacobi rotations until the off-diagonal part is below 1e-15 of the norm). */
function symEigenvalues(M: number[][]): number[] {
  const n = M.length;
  const a = M.map((r) => r.slice());
  const norm = Math.sqrt(a.flat().reduce((s, x) => s + x * x, 0));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (Math.sqrt(off) < 1e-15 * norm) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!, akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!, aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((r, i) => r[i]!);
}

/** Solves S x = b for symmetric positive definite S (Cholesky). */
function choleskySolve(S: number[][], b: number[]): number[] {
  const n = S.length;
  const Lm = S.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = S[i]![j]!;
      for (let k = 0; k < j; k++) s -= Lm[i]![k]! * Lm[j]![k]!;
      Lm[i]![j] = i === j ? Math.sqrt(s) : s / Lm[j]![j]!;
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= Lm[i]![k]! * y[k]!;
    y[i] = s / Lm[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= Lm[k]![i]! * x[k]!;
    x[i] = s / Lm[i]![i]!;
  }
  return x;
}

const norm2 = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('one linear layer: gradient descent converges to the least-squares solution', () => {
  it('‖θ − θ*‖ within ρ^steps·‖θ_0 − θ*‖ + the float32 floor, for every output', async () => {
    const be = await backend;
    const d = 16, out = 4, Bn = 256, steps = 300;
    const base: TrainProbeOptions = {
      widths: [d, out], activation: 'linear', init: 'lecunNormal', batch: Bn, seed: 5, task: 'linear', noise: 0.5, steps: 0, lr: 0,
    };
    // the data and the initial weights, from a run of 0 steps
    const r0 = trainProbe(be, { ...base, returnData: true, returnWeights: true });
    const X = r0.data!.inputs, Y = r0.data!.targets;
    const W0 = r0.weights![0]!.weight, b0 = r0.weights![0]!.bias;
    // A = [X, 1] (the bias is the last coordinate). Loss L = (1/(B·out))·Σ(ŷ − y)², so for each
    // output j the gradient is H(θ_j − θ*_j) with H = (2/(B·out))·AᵀA, θ* = (AᵀA)⁻¹AᵀY.
    const p = d + 1;
    const A = (i: number, k: number): number => (k < d ? X[i * d + k]! : 1);
    const AtA = Array.from({ length: p }, (_, a) => Array.from({ length: p }, (_, b) => {
      let s = 0;
      for (let i = 0; i < Bn; i++) s += A(i, a) * A(i, b);
      return s;
    }));
    const H = AtA.map((r) => r.map((x) => (2 / (Bn * out)) * x));
    const ev = symEigenvalues(H);
    const lmax = Math.max(...ev), lmin = Math.min(...ev);
    // Gradient descent e ← (I − lr·H)e contracts by ρ = max|1 − lr·λ| = 1 − λ_min/λ_max at lr = 1/λ_max.
    const lr = 1 / lmax;
    const rho = 1 - lmin / lmax;
    const r = trainProbe(be, { ...base, steps, lr, returnWeights: true });
    const W = r.weights![0]!.weight, b = r.weights![0]!.bias;
    for (let j = 0; j < out; j++) {
      const rhs = Array.from({ length: p }, (_, k) => {
        let s = 0;
        for (let i = 0; i < Bn; i++) s += A(i, k) * Y[i * out + j]!;
        return s;
      });
      const star = choleskySolve(AtA, rhs);
      const theta = [...Array.from(W.subarray(j * d, (j + 1) * d)), b[j]!];
      const theta0 = [...Array.from(W0.subarray(j * d, (j + 1) * d)), b0[j]!];
      // The float32 floor. At θ ≈ θ* every step adds a perturbation η with
      //   ‖η‖ <= lr·‖δg‖ + u·(‖θ*‖ + lr·‖g‖)      (the gradient's error, the rounding of the update)
      // and the iteration keeps ‖e‖ <= sup‖η‖/(1 − ρ). The gradient's error, per coordinate k:
      //   |δg_k| <= (1/B)·Σ_i |δG_i|·|A_ik| + γ_{B+1}·(1/B)·Σ_i |G_i·A_ik|,
      //   |δG_i| <= (2/out)·γ_{d+1}·(|b| + Σ_k |x_ik·θ_k|) + u·|G_i|,  G_i = (2/out)·r_i
      // (ŷ's dot product, the float32 store of G, then the dW / db sums), r the residual at θ*.
      const resid = Array.from({ length: Bn }, (_, i) => star.reduce((s, t, k) => s + t * A(i, k), 0) - Y[i * out + j]!);
      const G = resid.map((x) => (2 / out) * x);
      const dG = resid.map((_, i) => {
        let S = Math.abs(star[d]!);
        for (let k = 0; k < d; k++) S += Math.abs(X[i * d + k]! * star[k]!);
        return (2 / out) * gamma(d + 1) * S + u * Math.abs(G[i]!);
      });
      const dg = Array.from({ length: p }, (_, k) => {
        let s1 = 0, s2 = 0;
        for (let i = 0; i < Bn; i++) {
          s1 += dG[i]! * Math.abs(A(i, k));
          s2 += Math.abs(G[i]! * A(i, k));
        }
        return s1 / Bn + (gamma(Bn + 1) * s2) / Bn;
      });
      const floor = (lr * norm2(dg) + u * norm2(star)) / (1 - rho);
      const e0 = norm2(theta0.map((t, k) => t - star[k]!));
      const e = norm2(theta.map((t, k) => t - star[k]!));
      // (1 + 1e-3): the neglected second-order terms (products of two rounding errors)
      expect(e).toBeLessThanOrEqual((rho ** steps * e0 + floor) * (1 + 1e-3));
    }
    expect(r.loss.length).toBe(steps);
    expect(be.live()).toBe(0);
  });
});

describe('a 20-layer ReLU net on a teacher task: He trains, N(0, 0.01) cannot', () => {
  // widths 64 → 19 hidden layers of 64 → 8 outputs; teacher: 2 layers of 64, tanh, LeCun normal;
  // full-batch gradient descent on 128 samples, 200 steps at lr = 0.01, the same seed and data.
  const opts = (init: TrainProbeOptions['init']): TrainProbeOptions => ({
    widths: [64, ...new Array<number>(19).fill(64), 8], activation: 'relu', init, batch: 128, seed: 1,
    task: 'teacher', steps: 200, lr: 0.01, recordAt: [0, 100, 200],
  });
  const run = async (init: TrainProbeOptions['init']): Promise<TrainProbeResult> => trainProbe(await backend, opts(init));
  const he = run('heNormal');
  const small = run({ name: 'normal', options: { std: 0.01 } });

  it('N(0, 0.01) stays at or above the best constant predictor; He ends lower', async () => {
    const s = await small;
    const h = await he;
    // N(0, 0.01) on width 64: each layer multiplies the second moment of the signal by
    // n·σ²/2 = 64·10⁻⁴/2 = 3.2·10⁻³ forward, and the gradient's the same backward, so after 19
    // hidden layers the output depends on x through a factor ~(3.2·10⁻³)^9.5 ≈ 10⁻²⁴ (and the
    // hidden weights' gradients carry the same factor, so SGD cannot enlarge them): the net is a
    // constant in x, and no constant beats the per-output mean, whose loss is baselineLoss.
    expect(s.finalLoss).toBeGreaterThanOrEqual(s.baselineLoss * (1 - 1e-6));
    expect(h.finalLoss).toBeLessThan(s.finalLoss);
    expect((await backend).live()).toBe(0);
  });

  it('at step 0 the first layer\'s weight gradient of N(0, 0.01) vanishes next to He\'s', async () => {
    // ∂L/∂W_1 = (1/B)·h_1ᵀ·x: h_1 has passed 19 layers backward, each scaling the second moment by
    // 3.2·10⁻³ for N(0, 0.01) and by ~1 for He (and the output gradient is the same size for both,
    // the prediction error of an O(1) target): std ratio <= (3.2·10⁻³)^9.5·(a few) ~ 10⁻²³.
    const s = await small;
    const h = await he;
    const g1 = (r: TrainProbeResult): number => r.records[0]!.layers[0]!.weightGradient.std;
    expect(g1(s)).toBeLessThan(1e-10 * g1(h));
  });

  it('records at the requested steps, the loss curve, the last layer linear', async () => {
    const h = await he;
    expect(h.records.map((r) => r.step)).toEqual([0, 100, 200]);
    expect(h.loss.length).toBe(200);
    expect(h.records[0]!.loss).toBe(h.loss[0]);
    expect(h.records[1]!.loss).toBe(h.loss[100]);
    for (const rec of h.records) {
      expect(rec.layers.length).toBe(20);
      expect(rec.layers[19]!.nonlinearity).toBe('linear');
      expect(rec.layers[0]!.nonlinearity).toBe('relu');
    }
    // the targets are scaled to mean square 1 (no noise here)
    expect(h.baselineLoss).toBeLessThanOrEqual(1);
  });
});

describe('minibatches and records', () => {
  it('samples = 4·batch cycles through 4 minibatches in order; recordAt at the last step takes no step', async () => {
    const be = await backend;
    const base: TrainProbeOptions = {
      widths: [8, 16, 2], activation: 'tanh', init: 'glorotUniform', batch: 16, samples: 64, seed: 4, task: 'teacher',
      teacher: { depth: 3, width: 12, activation: 'relu' }, steps: 9, lr: 0.05, recordAt: [9, 3, 3], returnWeights: true,
    };
    const r = trainProbe(be, base);
    expect(r.records.map((x) => x.step)).toEqual([3, 9]);
    expect(r.loss.length).toBe(9);
    // step 9 is recorded after the last update, on minibatch 9 mod 4 = 1, without a step: the
    // weights equal those of a run without that record
    const r2 = trainProbe(be, { ...base, recordAt: [] });
    expect(Array.from(r2.weights![0]!.weight)).toEqual(Array.from(r.weights![0]!.weight));
    expect(r2.loss).toEqual(r.loss);
    expect(r2.finalLoss).toBe(r.finalLoss);
    expect(be.live()).toBe(0);
  });
});

describe('bad arguments', () => {
  const ok: TrainProbeOptions = { widths: [4, 3], activation: 'relu', init: 'heNormal', batch: 2, seed: 1, task: 'linear', steps: 3, lr: 0.1 };
  const cases: [string, unknown, typeof TypeError | typeof RangeError, RegExp][] = [
    ['options not an object', null, TypeError, /^weightinit\.trainProbe: options must be a plain object/],
    ['unknown option', { ...ok, epochs: 3 }, TypeError, /unknown option "epochs" in options; valid options are .*"task", "steps", "lr"/],
    ['no task', { ...ok, task: undefined }, TypeError, /task is required, one of "teacher", "linear"/],
    ['unknown task', { ...ok, task: 'classify' }, RangeError, /task must be one of "teacher", "linear", got "classify"/],
    ['no steps', { ...ok, steps: undefined }, TypeError, /steps is required/],
    ['negative steps', { ...ok, steps: -1 }, RangeError, /steps must be an integer in \[0, 1000000\], got -1/],
    ['no lr', { ...ok, lr: undefined }, TypeError, /lr is required/],
    ['negative lr', { ...ok, lr: -0.1 }, RangeError, /lr must be a finite number >= 0, got -0\.1/],
    ['lr NaN', { ...ok, lr: NaN }, RangeError, /lr must be a finite number >= 0, got NaN/],
    ['samples not a multiple of batch', { ...ok, samples: 5 }, RangeError, /samples must be a multiple of batch \(2\), got 5/],
    ['negative noise', { ...ok, noise: -1 }, RangeError, /noise must be a finite number >= 0, got -1/],
    ['teacher with task linear', { ...ok, teacher: { depth: 2 } }, TypeError, /teacher is only read for task "teacher"/],
    ['teacher activation', { ...ok, task: 'teacher', teacher: { activation: 'swish' } }, RangeError, /teacher\.activation must be one of .*got "swish"/],
    ['teacher key', { ...ok, task: 'teacher', teacher: { layers: 2 } }, TypeError, /unknown option "layers" in teacher; valid options are "depth", "width", "activation"/],
    ['recordAt beyond steps', { ...ok, recordAt: [5] }, RangeError, /recordAt\[0\] must be an integer in \[0, 3\], got 5/],
    ['recordAt not an array', { ...ok, recordAt: 2 }, TypeError, /recordAt must be an array, got 2/],
    ['returnWeights not boolean', { ...ok, returnWeights: 'yes' }, TypeError, /returnWeights must be true or false, got "yes"/],
    ['network option checked too', { ...ok, activation: 'swish' }, RangeError, /^weightinit\.trainProbe: activation must be one of/],
  ];
  for (const [label, opts, type, message] of cases) {
    it(`${label}: ${type.name}`, async () => {
      const be = await backend;
      const before = be.allocs();
      expect(() => trainProbe(be, opts as TrainProbeOptions)).toThrow(type);
      expect(() => trainProbe(be, opts as TrainProbeOptions)).toThrow(message);
      expect(be.allocs()).toBe(before);
      expect(be.live()).toBe(0);
    });
  }

  it('a failure inside the run (teacher or student) frees everything allocated', async () => {
    const be = await backend;
    for (const failAt of [1, 3]) {
      let calls = 0;
      const failing: LabBackend = {
        memory: be.memory, alloc: (n) => be.alloc(n), free: (p) => be.free(p), init: be.init, normal: be.normal,
        exports: { ...be.exports, labLinearForward: (...args) => { if (++calls === failAt) throw new Error('kernel failed'); be.exports.labLinearForward(...args); } },
      };
      expect(() => trainProbe(failing, { ...ok, task: 'teacher' })).toThrow('kernel failed');
      expect(be.live()).toBe(0);
    }
  });
});
