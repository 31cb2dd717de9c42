// The lab kernels (assembly/lab.ts) on a bare core.wasm instance: matrix products bit for bit
// against a float32 sequential-sum model and within the float64 error bound, activations and
// their derivatives against float64 references.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LabExports } from '../src/lab/index.js';

const bytes = readFileSync(new URL('../build/core.wasm', import.meta.url));
const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort() { throw new Error('abort'); } } });
const ex = inst.exports as unknown as LabExports & { memory: WebAssembly.Memory; heapBase(): number };
const base = (ex.heapBase() + 63) & ~63;

/** Bump allocation from heapBase, reset per test: returns float32 byte addresses. */
function arena(...floats: number[]): number[] {
  let top = base;
  const ptrs = floats.map((n) => {
    const p = top;
    top = (top + 4 * n + 63) & ~63;
    return p;
  });
  const need = top - ex.memory.buffer.byteLength;
  if (need > 0) ex.memory.grow(Math.ceil(need / 65536));
  return ptrs;
}
const f32 = (p: number, n: number): Float32Array => new Float32Array(ex.memory.buffer, p, n);

/** A small fixed-seed generator for test data (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function fill(v: Float32Array, r: () => number, scale = 1): void {
  for (let i = 0; i < v.length; i++) v[i] = (2 * r() - 1) * scale;
}

const fr = Math.fround;
const u = 2 ** -24; // unit roundoff of float32

// Sizes that hit every path: tiles 4x8, 4x4, 1x4 and scalar, with and without edges.
const SHAPES: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [4, 8, 16], [13, 19, 23], [8, 12, 5], [17, 33, 64], [5, 4, 9]];

describe('matrix kernels', () => {
  for (const [B, nin, nout] of SHAPES) {
    it(`forward, backward-input, backward-weight ${B}x${nin}->${nout}: bit-identical to the sequential float32 sum, within γ_K·Σ|a·b| of float64`, () => {
      const r = rng(B * 1000 + nin * 10 + nout);
      const [x, w, b, wt, y, dy, dx, dw, db] = arena(B * nin, nout * nin, nout, nout * nin, B * nout, B * nout, B * nin, nout * nin, nout);
      fill(f32(x!, B * nin), r);
      fill(f32(w!, nout * nin), r, 0.5);
      fill(f32(b!, nout), r, 0.1);
      fill(f32(dy!, B * nout), r);
      ex.labLinearForward(y!, x!, w!, b!, wt!, B, nin, nout);
      ex.labLinearBackwardInput(dx!, dy!, w!, B, nin, nout);
      const alpha = fr(1 / B);
      ex.labLinearBackwardWeight(dw!, dy!, x!, B, nin, nout, alpha);
      ex.labColumnSums(db!, dy!, B, nout, alpha);
      const X = f32(x!, B * nin), W = f32(w!, nout * nin), Bv = f32(b!, nout), DY = f32(dy!, B * nout);
      const Y = f32(y!, B * nout), DX = f32(dx!, B * nin), DW = f32(dw!, nout * nin), DB = f32(db!, nout);
      // The model of every output element: s = 0; s = fl(s + fl(a_k·b_k)) for k in order; then the
      // kernel's one final operation (bias + s, or alpha·s). Equality is exact (no tolerance).
      // The float64 bound: recursive summation of K products gives |fl − exact| <= γ_K·Σ|a_k·b_k|
      // with γ_K = K·u/(1 − K·u) (Higham, Accuracy and Stability, eq. 3.5); one more rounding for
      // the final operation gives γ_{K+1}·(|bias| + Σ|a_k·b_k|).
      const gamma = (k: number): number => (k * u) / (1 - k * u);
      const check = (got: number, a: (k: number) => number, bb: (k: number) => number, K: number, final: (s: number) => number, exact: (s: number) => number, extra: number): void => {
        let s = 0;
        let s64 = 0;
        let abs = 0;
        for (let k = 0; k < K; k++) {
          s = fr(s + fr(a(k) * bb(k)));
          s64 += a(k) * bb(k);
          abs += Math.abs(a(k) * bb(k));
        }
        expect(got).toBe(final(s));
        expect(Math.abs(got - exact(s64))).toBeLessThanOrEqual(gamma(K + 1) * (abs + extra));
      };
      for (let i = 0; i < B; i++) {
        for (let j = 0; j < nout; j++) {
          check(Y[i * nout + j]!, (k) => X[i * nin + k]!, (k) => W[j * nin + k]!, nin, (s) => fr(Bv[j]! + s), (s) => Bv[j]! + s, Math.abs(Bv[j]!));
        }
        for (let k2 = 0; k2 < nin; k2++) {
          check(DX[i * nin + k2]!, (j) => DY[i * nout + j]!, (j) => W[j * nin + k2]!, nout, (s) => s, (s) => s, 0);
        }
      }
      for (let j = 0; j < nout; j++) {
        for (let k2 = 0; k2 < nin; k2++) {
          // alpha = fl(1/B) is part of the kernel's input; the float64 reference uses the same alpha
          check(DW[j * nin + k2]!, (i) => DY[i * nout + j]!, (i) => X[i * nin + k2]!, B, (s) => fr(s * alpha), (s) => s * alpha, 0);
        }
        check(DB[j]!, (i) => DY[i * nout + j]!, () => 1, B, (s) => fr(s * alpha), (s) => s * alpha, 0);
      }
    });
  }

  it('axpy and elementwise product, with tails', () => {
    for (const n of [1, 3, 4, 7, 64, 67]) {
      const r = rng(n);
      const [a, b, c] = arena(n, n, n);
      fill(f32(a!, n), r);
      fill(f32(b!, n), r);
      const A = Float32Array.from(f32(a!, n));
      const Bv = Float32Array.from(f32(b!, n));
      ex.labMul(c!, a!, b!, n);
      ex.labAxpy(a!, b!, n, -0.375);
      for (let i = 0; i < n; i++) {
        expect(f32(c!, n)[i]).toBe(fr(A[i]! * Bv[i]!));
        expect(f32(a!, n)[i]).toBe(fr(A[i]! + fr(-0.375 * Bv[i]!)));
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Activations

const SELU_L = 1.0507009873554805;
const SELU_A = 1.6732632423543772;
const GC = Math.sqrt(2 / Math.PI);
const sig = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
/** gelu's sigmoid argument w = 2u = 2·√(2/π)·(x + 0.044715·x³) */
const geluW = (x: number): number => 2 * GC * (x + 0.044715 * x ** 3);

interface Ref {
  kind: number;
  param: number;
  f: (x: number) => number;
  d: (x: number) => number;
  /** Amplification of rounding in an argument the kernel computes (gelu's w): cond(σ, w) <= |w|. */
  cond: (x: number) => number;
}
const REFS: Record<string, Ref> = {
  linear: { kind: 0, param: 0, f: (x) => x, d: () => 1, cond: () => 0 },
  tanh: { kind: 1, param: 0, f: Math.tanh, d: (x) => 1 - Math.tanh(x) ** 2, cond: () => 0 },
  sigmoid: { kind: 2, param: 0, f: sig, d: (x) => sig(x) * sig(-x), cond: () => 0 },
  relu: { kind: 3, param: 0, f: (x) => Math.max(x, 0), d: (x) => (x > 0 ? 1 : 0), cond: () => 0 },
  leaky_relu: { kind: 4, param: 0.2, f: (x) => (x > 0 ? x : fr(0.2) * x), d: (x) => (x > 0 ? 1 : fr(0.2)), cond: () => 0 },
  elu: { kind: 5, param: 1, f: (x) => (x > 0 ? x : Math.expm1(x)), d: (x) => (x > 0 ? 1 : Math.exp(x)), cond: () => 0 },
  selu: { kind: 6, param: 0, f: (x) => (x > 0 ? SELU_L * x : SELU_L * SELU_A * Math.expm1(x)), d: (x) => (x > 0 ? SELU_L : SELU_L * SELU_A * Math.exp(x)), cond: () => 0 },
  gelu: { kind: 7, param: 0, f: (x) => x * sig(geluW(x)), d: (x) => { const s = sig(geluW(x)); return s + x * s * (1 - s) * 2 * GC * (1 + 3 * 0.044715 * x * x); }, cond: (x) => Math.abs(geluW(x)) },
};

describe('activation kernels against float64', () => {
  // Inputs: ±e^t for t on a fine grid over [−20, 4.5] (|x| from 2e-9 to 90), count not a multiple of 4
  const N = 200_003;
  const grid = new Float32Array(N);
  for (let i = 0; i < N; i++) grid[i] = (i & 1 ? -1 : 1) * Math.exp(-20 + (24.5 * i) / N);

  for (const [name, ref] of Object.entries(REFS)) {
    it(`${name}: f within 8u·(1 + cond) relative, f' within 16u·max(1, |f'|) absolute`, () => {
      // The bounds, from the kernels' construction (u = 2^-24):
      // - e^x (Cephes expf, published peak error 1.7e-7 ≈ 3u) plus at most 4 further roundings
      //   (1 ± t, a division, a product: tanh's (1 − t)/(1 + t) with t <= 0.29, sigmoid's t/(1 + t),
      //   elu's e^x − 1 with e^x < 1/2, or the degree-9 series) stays under 8u relative;
      // - gelu computes its sigmoid argument w with ~4 roundings, which the sigmoid amplifies by
      //   its condition number |w|·(1 − σ(w)) <= |w|: hence the (1 + cond) factor;
      // - derivatives are formed from y = f(z) ((1 − y)(1 + y), y(1 − y), y + α): an error of y
      //   is absolute in f', so f' is bounded absolutely, relative to its scale (<= λ·α for selu).
      // Outputs whose true value is below 1e-30 are skipped: e^x is flushed to 0 for x < −87
      // (e^-87 = 1.6e-38), so sigmoid and gelu return 0 there.
      const [z, y, d] = arena(N, N, N);
      f32(z!, N).set(grid);
      ex.labActivate(y!, z!, N, ref.kind, ref.param);
      ex.labActDerivative(d!, z!, y!, N, ref.kind, ref.param);
      const Y = f32(y!, N), D = f32(d!, N);
      let worstF = 0;
      let worstD = 0;
      for (let i = 0; i < N; i++) {
        const x = grid[i]!;
        const f = ref.f(x);
        const df = ref.d(x);
        if (Math.abs(f) >= 1e-30) worstF = Math.max(worstF, Math.abs(Y[i]! - f) / Math.abs(f) / (8 * u * (1 + ref.cond(x))));
        worstD = Math.max(worstD, Math.abs(D[i]! - df) / (16 * u * Math.max(1, Math.abs(df))));
      }
      expect(worstF).toBeLessThanOrEqual(1);
      expect(worstD).toBeLessThanOrEqual(1);
    });
  }

  it('exact values: relu/leaky at 0, saturation to ±1, tails in any position, NaN propagates', () => {
    const xs = [0, -0, 1, -1, 20, -20, 100, -100, NaN];
    const n = xs.length;
    const [z, y, d] = arena(n, n, n);
    f32(z!, n).set(xs);
    ex.labActivate(y!, z!, n, 3, 0);
    ex.labActDerivative(d!, z!, y!, n, 3, 0);
    expect(Array.from(f32(y!, n).slice(0, 8))).toEqual([0, 0, 1, 0, 20, 0, 100, 0]);
    expect(Array.from(f32(d!, n).slice(0, 8))).toEqual([0, 0, 1, 0, 1, 0, 1, 0]); // f'(0) = 0, as PyTorch
    ex.labActivate(y!, z!, n, 1, 0);
    expect(Array.from(f32(y!, n).slice(4, 8))).toEqual([1, -1, 1, -1]);
    ex.labActivate(y!, z!, n, 2, 0);
    expect(Array.from(f32(y!, n).slice(6, 8))).toEqual([1, 0]);
    for (const k of [1, 2, 3, 4, 5, 6, 7]) {
      ex.labActivate(y!, z!, n, k, 0.5);
      expect(Number.isNaN(f32(y!, n)[8])).toBe(true);
    }
    // position independence: the same value computed in the SIMD body and in a tail
    const m = 7;
    const [z2, y2] = arena(m, m);
    f32(z2!, m).fill(-0.3);
    for (const k of [1, 2, 5, 6, 7]) {
      ex.labActivate(y2!, z2!, m, k, 1);
      expect(new Set(f32(y2!, m)).size).toBe(1);
    }
  });
});
