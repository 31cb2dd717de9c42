// The lab's kernels: one plain MLP layer forward and backward in float32, for showing what an
// initialization does to a deep network (src/lab/, docs/lab.md).
//
//   forward     Y[B×out] = X[B×in] · Wᵀ + b          W stored PyTorch-style [out, in]
//   backward    dX[B×in] = dY · W                    dW[out×in] = α · dYᵀ · X     db = α · Σ_rows dY
//   activation  A = f(Z),  D = f'(Z)  (elementwise; the backward multiplies by D)
//
// All products go through one matrix kernel, gemm(): a 4×8 register tile of C, the inner
// dimension walked in order. Every element of C is the plain sequential float32 sum over k of
// the float32 products, Σ_k fl(a_k·b_k) added left to right, whatever the tile, lane or tail
// that computed it: no FMA, no relaxed SIMD, no reassociation. Results are bit-identical on
// every runtime and for any tiling.
//
// Activation kinds (the TypeScript side has the same table, src/lab/backend.ts):
//   0 linear   1 tanh   2 sigmoid   3 relu   4 leaky relu (param = negative slope)
//   5 elu (param = alpha)   6 selu   7 gelu, tanh approximation (Hendrycks & Gimpel 2016)
//
// Kernels never allocate and never validate: the TypeScript side does both.
import { transposeScale } from './orthogonal';

// ---------------------------------------------------------------------------------------------
// Matrix products

// One 4-lane C vector: C = (acc ? C : 0) + alpha · s.
// @ts-ignore: decorator
@inline function put(p: usize, s: v128, alpha: v128, acc: bool): void {
  const v = f32x4.mul(s, alpha);
  v128.store(p, acc ? f32x4.add(v128.load(p), v) : v);
}

// @ts-ignore: decorator
@inline function put1(p: usize, s: f32, alpha: f32, acc: bool): void {
  const v = s * alpha;
  store<f32>(p, acc ? load<f32>(p) + v : v);
}

/**
 * C tile of 4 rows x 8 columns (2 vectors a row): 8 accumulators, per k two B loads and four
 * A broadcasts.  a: A[m0, 0]; b: B[0, n0]; c: C[m0, n0]; strides in bytes.
 *   [a0 a0 a0 a0] x [b0 b1 b2 b3 | b4 b5 b6 b7]  =>  row 0 of the tile += ...   (rows 1..3 alike)
 */
// @ts-ignore: decorator
@inline function tile4x8(c: usize, ldc: usize, a: usize, sam: usize, sak: usize, b: usize, ldb: usize, K: i32, alpha: v128, acc: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let pa = a, pb = b;
  const a1 = sam, a2 = sam << 1, a3 = sam * 3;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let v = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(v, b0));
    c01 = f32x4.add(c01, f32x4.mul(v, b1));
    v = v128.load32_splat(pa + a1);
    c10 = f32x4.add(c10, f32x4.mul(v, b0));
    c11 = f32x4.add(c11, f32x4.mul(v, b1));
    v = v128.load32_splat(pa + a2);
    c20 = f32x4.add(c20, f32x4.mul(v, b0));
    c21 = f32x4.add(c21, f32x4.mul(v, b1));
    v = v128.load32_splat(pa + a3);
    c30 = f32x4.add(c30, f32x4.mul(v, b0));
    c31 = f32x4.add(c31, f32x4.mul(v, b1));
    pa += sak;
    pb += ldb;
  }
  put(c, c00, alpha, acc); put(c + 16, c01, alpha, acc);
  put(c + ldc, c10, alpha, acc); put(c + ldc + 16, c11, alpha, acc);
  put(c + 2 * ldc, c20, alpha, acc); put(c + 2 * ldc + 16, c21, alpha, acc);
  put(c + 3 * ldc, c30, alpha, acc); put(c + 3 * ldc + 16, c31, alpha, acc);
}

/** C tile of 4 rows x 4 columns (the column edge between a multiple of 8 and of 4). */
// @ts-ignore: decorator
@inline function tile4x4(c: usize, ldc: usize, a: usize, sam: usize, sak: usize, b: usize, ldb: usize, K: i32, alpha: v128, acc: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let pa = a, pb = b;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(pa), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(pa + sam), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(pa + 2 * sam), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(pa + 3 * sam), b0));
    pa += sak;
    pb += ldb;
  }
  put(c, c0, alpha, acc);
  put(c + ldc, c1, alpha, acc);
  put(c + 2 * ldc, c2, alpha, acc);
  put(c + 3 * ldc, c3, alpha, acc);
}

/** C tile of 1 row x 4 columns (the row edge). */
// @ts-ignore: decorator
@inline function tile1x4(c: usize, a: usize, sak: usize, b: usize, ldb: usize, K: i32, alpha: v128, acc: bool): void {
  let c0 = f32x4.splat(0);
  let pa = a, pb = b;
  for (let k = 0; k < K; k++) {
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(pa), v128.load(pb)));
    pa += sak;
    pb += ldb;
  }
  put(c, c0, alpha, acc);
}

/** One C element, scalar: the same sequential sum a SIMD lane computes. */
// @ts-ignore: decorator
@inline function tile1x1(c: usize, a: usize, sak: usize, b: usize, ldb: usize, K: i32, alpha: f32, acc: bool): void {
  let s: f32 = 0;
  let pa = a, pb = b;
  for (let k = 0; k < K; k++) {
    s += load<f32>(pa) * load<f32>(pb);
    pa += sak;
    pb += ldb;
  }
  put1(c, s, alpha, acc);
}

/**
 * C[m, n] = (acc ? C[m, n] : 0) + alpha · Σ_{k<K} A[m, k] · B[k, n]     (m < M, n < N)
 * C: row-major M×N.  B: row-major K×N.  A[m, k] at a + 4·(m·sam + k·sak) (element strides),
 * so A can be read as given (sam = K, sak = 1) or transposed (sam = 1, sak = M).
 *
 * Column strips of 8 outside, row blocks of 4 inside: a strip of B (K rows x 32 bytes) stays
 * in L1 while every row block of A streams past it.
 */
function gemm(c: usize, a: usize, b: usize, M: i32, N: i32, K: i32, sam: i32, sak: i32, alpha: f32, acc: bool): void {
  const ldc = <usize>N << 2;
  const ldb = <usize>N << 2;
  const sm = <usize>sam << 2;
  const sk = <usize>sak << 2;
  const av = f32x4.splat(alpha);
  const M4 = M & ~3;
  const N8 = N & ~7;
  const N4 = N & ~3;
  let n = 0;
  for (; n < N8; n += 8) {
    const on = <usize>n << 2;
    let m = 0;
    for (; m < M4; m += 4) tile4x8(c + <usize>m * ldc + on, ldc, a + <usize>m * sm, sm, sk, b + on, ldb, K, av, acc);
    for (; m < M; m++) {
      tile1x4(c + <usize>m * ldc + on, a + <usize>m * sm, sk, b + on, ldb, K, av, acc);
      tile1x4(c + <usize>m * ldc + on + 16, a + <usize>m * sm, sk, b + on + 16, ldb, K, av, acc);
    }
  }
  for (; n < N4; n += 4) {
    const on = <usize>n << 2;
    let m = 0;
    for (; m < M4; m += 4) tile4x4(c + <usize>m * ldc + on, ldc, a + <usize>m * sm, sm, sk, b + on, ldb, K, av, acc);
    for (; m < M; m++) tile1x4(c + <usize>m * ldc + on, a + <usize>m * sm, sk, b + on, ldb, K, av, acc);
  }
  for (; n < N; n++) {
    const on = <usize>n << 2;
    for (let m = 0; m < M; m++) tile1x1(c + <usize>m * ldc + on, a + <usize>m * sm, sk, b + on, ldb, K, alpha, acc);
  }
}

/**
 * Y[B×nout] = X[B×nin] · Wᵀ + bias, W row-major [nout, nin] (PyTorch's nn.Linear layout).
 * wt: scratch of nin·nout floats for Wᵀ. Each Y element is bias + (Σ_k x_k·w_k, in order).
 */
export function labLinearForward(y: usize, x: usize, w: usize, bias: usize, wt: usize, B: i32, nin: i32, nout: i32): void {
  transposeScale(w, wt, nout, nin, 1.0);
  const rs = <usize>nout << 2;
  for (let i = 0; i < B; i++) memory.copy(y + <usize>i * rs, bias, rs);
  gemm(y, x, wt, B, nout, nin, nin, 1, 1.0, true);
}

/** dX[B×nin] = dY[B×nout] · W, W row-major [nout, nin]. */
export function labLinearBackwardInput(dx: usize, dy: usize, w: usize, B: i32, nin: i32, nout: i32): void {
  gemm(dx, dy, w, B, nin, nout, nout, 1, 1.0, false);
}

/** dW[nout×nin] = alpha · dYᵀ · X  (dY: B×nout, X: B×nin); the sum runs over the batch in order. */
export function labLinearBackwardWeight(dw: usize, dy: usize, x: usize, B: i32, nin: i32, nout: i32, alpha: f32): void {
  gemm(dw, dy, x, nout, nin, B, 1, nout, alpha, false);
}

/** out[j] = alpha · Σ_i X[i, j] over the rows i < rows in order (the bias gradient). */
export function labColumnSums(out: usize, x: usize, rows: i32, cols: i32, alpha: f32): void {
  const rs = <usize>cols << 2;
  const av = f32x4.splat(alpha);
  const c4 = cols & ~3;
  let j = 0;
  for (; j < c4; j += 4) {
    let s = f32x4.splat(0);
    let p = x + (<usize>j << 2);
    for (let i = 0; i < rows; i++) {
      s = f32x4.add(s, v128.load(p));
      p += rs;
    }
    v128.store(out + (<usize>j << 2), f32x4.mul(s, av));
  }
  for (; j < cols; j++) {
    let s: f32 = 0;
    let p = x + (<usize>j << 2);
    for (let i = 0; i < rows; i++) {
      s += load<f32>(p);
      p += rs;
    }
    store<f32>(out + (<usize>j << 2), s * alpha);
  }
}

/** y[i] += alpha · x[i] (the SGD step, alpha = −lr). */
export function labAxpy(y: usize, x: usize, count: i32, alpha: f32): void {
  const av = f32x4.splat(alpha);
  const n4 = count & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(av, v128.load(x + o))));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

/** out[i] = a[i] · b[i] (the backward through an activation: dZ = dA ⊙ f'(Z)); out may be a or b. */
export function labMul(out: usize, a: usize, b: usize, count: i32): void {
  const n4 = count & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

// ---------------------------------------------------------------------------------------------
// Elementwise math on 4 lanes

const LOG2E: f32 = 1.44269504088896341; // log2(e)
// ln 2 split in two (Cody & Waite), as in Cephes expf.c: C1 has 9 significant bits, so n·C1
// is exact for |n| <= 2^15 and x − n·C1 loses nothing.
const LN2_HI: f32 = 0.693359375; // 355/512
const LN2_LO: f32 = -2.12194440e-4; // ln 2 − 355/512
// Cephes expf.c polynomial for e^r on |r| <= ln2/2: 1 + r + r²·P(r)
const EP0: f32 = 1.9875691500e-4;
const EP1: f32 = 1.3981999507e-3;
const EP2: f32 = 8.3334519073e-3;
const EP3: f32 = 4.1665795894e-2;
const EP4: f32 = 1.6666665459e-1;
const EP5: f32 = 5.0000001201e-1;
/** Below this e^x is replaced by 0 (e^-87 = 1.6e-38, just above FLT_MIN = 1.18e-38). */
const EXP_LO: f32 = -87.0;

/**
 * e^x for x <= 0 on 4 lanes (Cephes expf: n = round(x·log2 e), r = x − n·ln 2, e^r by a degree-7
 * polynomial, times 2^n built in the exponent bits). x < −87 gives 0. Callers only pass x <= 0,
 * so 2^n (n in [−126, 0]) is always a normal float32.
 */
// @ts-ignore: decorator
@inline function expNeg(x: v128): v128 {
  const lo = f32x4.lt(x, f32x4.splat(EXP_LO));
  const xc = f32x4.max(x, f32x4.splat(EXP_LO));
  const fn = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(fn, f32x4.splat(LN2_HI))), f32x4.mul(fn, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(EP0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EP1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EP2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EP3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EP4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(EP5));
  const e = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const two = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fn), i32x4.splat(127)), 23); // 2^n
  return v128.andnot(f32x4.mul(e, two), lo);
}

// 1/k! for the expm1 series
const I2: f32 = 0.5;
const I3: f32 = 0.16666666666666666; // 1/3!
const I4: f32 = 0.041666666666666664; // 1/4!
const I5: f32 = 0.008333333333333333; // 1/5!
const I6: f32 = 0.001388888888888889; // 1/6!
const I7: f32 = 1.984126984126984e-4; // 1/7!
const I8: f32 = 2.48015873015873e-5; // 1/8!
const I9: f32 = 2.7557319223985893e-6; // 1/9!
/** −ln 2: below it e^x < 1/2, so e^x − 1 has no cancellation; above it the series is used. */
const NEG_LN2: f32 = -0.6931471805599453;

/**
 * e^x − 1 for x <= 0 on 4 lanes. On [−ln 2, 0] the Taylor series to x⁹ (truncation below
 * 0.693¹⁰/10! = 7e-9 relative); below, e^x − 1 with e^x < 1/2, where the subtraction cannot lose
 * more than half an ulp of a result of magnitude >= 1/2.
 */
// @ts-ignore: decorator
@inline function expm1Neg(x: v128): v128 {
  let p = f32x4.splat(I9);
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(I8));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(I7));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(I6));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(I5));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(I4));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(I3));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(I2));
  p = f32x4.add(f32x4.mul(f32x4.mul(p, x), x), x);
  const e = f32x4.sub(expNeg(x), f32x4.splat(1));
  return v128.bitselect(p, e, f32x4.ge(x, f32x4.splat(NEG_LN2)));
}

// Cephes tanhf.c: |x| < 0.625 uses x + x³·P(x²); beyond, (1 − t)/(1 + t) with t = e^(−2|x|).
const TANH_SMALL: f32 = 0.625;
const TP0: f32 = -5.70498872745e-3;
const TP1: f32 = 2.06390887954e-2;
const TP2: f32 = -5.37397155531e-2;
const TP3: f32 = 1.33314422036e-1;
const TP4: f32 = -3.33332819422e-1;
const SIGN: i32 = <i32>0x80000000; // the float32 sign bit

/** tanh on 4 lanes. Large |x|: t <= e^-1.25 = 0.29, so 1 − t and 1 + t lose nothing. */
// @ts-ignore: decorator
@inline function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(TP0);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(TP1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(TP2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(TP3));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(TP4));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const t = expNeg(f32x4.mul(ax, f32x4.splat(-2)));
  const one = f32x4.splat(1);
  const big = f32x4.div(f32x4.sub(one, t), f32x4.add(one, t));
  // copy x's sign onto big
  const signed = v128.or(big, v128.and(x, i32x4.splat(SIGN)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(TANH_SMALL)));
}

/** sigmoid on 4 lanes: t = e^(−|x|); 1/(1 + t) for x >= 0, t/(1 + t) for x < 0 (no cancellation). */
// @ts-ignore: decorator
@inline function sigmoid4(x: v128): v128 {
  const t = expNeg(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), t));
  return v128.bitselect(s, f32x4.mul(t, s), f32x4.ge(x, f32x4.splat(0)));
}

const SELU_LAMBDA: f32 = 1.0507009873554805; // λ, Klambauer et al. 2017
const SELU_LAMBDA_ALPHA: f32 = 1.7580993408473766; // λ·α, α = 1.6732632423543772
const GELU_C: f32 = 0.7978845608028654; // √(2/π)
const GELU_A: f32 = 0.044715; // Hendrycks & Gimpel 2016, the tanh approximation
const GELU_3A: f32 = 0.134145; // 3·0.044715

/** 2u for gelu: u = √(2/π)·(x + 0.044715·x³). */
// @ts-ignore: decorator
@inline function gelu2u(x: v128): v128 {
  const x2 = f32x4.mul(x, x);
  const inner = f32x4.add(x, f32x4.mul(f32x4.mul(x2, x), f32x4.splat(GELU_A)));
  return f32x4.mul(inner, f32x4.splat(2 * GELU_C));
}

/** f(z) on 4 lanes for activation `kind` (param: leaky slope or elu alpha). */
// @ts-ignore: decorator
@inline function activate4(z: v128, kind: i32, param: f32): v128 {
  const zero = f32x4.splat(0);
  switch (kind) {
    case 1: return tanh4(z);
    case 2: return sigmoid4(z);
    case 3: return f32x4.max(z, zero); // relu (wasm max: max(−0, +0) = +0, NaN stays NaN)
    case 4: return v128.bitselect(z, f32x4.mul(z, f32x4.splat(param)), f32x4.gt(z, zero));
    case 5: return v128.bitselect(z, f32x4.mul(expm1Neg(f32x4.min(z, zero)), f32x4.splat(param)), f32x4.gt(z, zero));
    case 6: {
      const neg = f32x4.mul(expm1Neg(f32x4.min(z, zero)), f32x4.splat(SELU_LAMBDA_ALPHA));
      return v128.bitselect(f32x4.mul(z, f32x4.splat(SELU_LAMBDA)), neg, f32x4.gt(z, zero));
    }
    case 7: return f32x4.mul(z, sigmoid4(gelu2u(z))); // 0.5·z·(1 + tanh u) = z·sigmoid(2u)
    default: return z;
  }
}

/** f'(z) on 4 lanes, from z and y = f(z). */
// @ts-ignore: decorator
@inline function derivative4(z: v128, y: v128, kind: i32, param: f32): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (kind) {
    case 1: return f32x4.mul(f32x4.sub(one, y), f32x4.add(one, y)); // 1 − y² as (1 − y)(1 + y)
    case 2: return f32x4.mul(y, f32x4.sub(one, y)); // y(1 − y)
    case 3: return v128.and(one, f32x4.gt(z, zero)); // 1 for z > 0, else 0 (as PyTorch)
    case 4: return v128.bitselect(one, f32x4.splat(param), f32x4.gt(z, zero));
    case 5: return v128.bitselect(one, f32x4.add(y, f32x4.splat(param)), f32x4.gt(z, zero)); // α·e^z = y + α
    case 6: return v128.bitselect(f32x4.splat(SELU_LAMBDA), f32x4.add(y, f32x4.splat(SELU_LAMBDA_ALPHA)), f32x4.gt(z, zero));
    case 7: {
      // y = z·s, s = sigmoid(2u):  y' = s + z·s(1 − s)·2u',  2u' = 2√(2/π)(1 + 3·0.044715·z²),
      // s(1 − s) = t/(1 + t)² with t = e^(−|2u|) (no cancellation on either side)
      const w = gelu2u(z);
      const t = expNeg(f32x4.neg(f32x4.abs(w)));
      const q = f32x4.div(one, f32x4.add(one, t));
      const s = v128.bitselect(q, f32x4.mul(t, q), f32x4.ge(w, zero));
      const ss = f32x4.mul(f32x4.mul(t, q), q);
      const du = f32x4.mul(f32x4.add(one, f32x4.mul(f32x4.mul(z, z), f32x4.splat(GELU_3A))), f32x4.splat(2 * GELU_C));
      return f32x4.add(s, f32x4.mul(f32x4.mul(z, ss), du));
    }
    default: return one;
  }
}

// Tails: the last count % 4 elements go through the same 4-lane code (unused lanes zero), so an
// element's value never depends on where it sits in the array.

// @ts-ignore: decorator
@inline function loadTail(p: usize, r: i32): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (r > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (r > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

// @ts-ignore: decorator
@inline function storeTail(p: usize, v: v128, r: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (r > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (r > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// The per-element switch on `kind` is resolved once: each exported kernel calls an @inline loop
// with a constant kind, so every case compiles to its own branch-free loop.

// @ts-ignore: decorator
@inline function activateLoop(y: usize, z: usize, count: i32, kind: i32, param: f32): void {
  const n4 = count & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, activate4(v128.load(z + o), kind, param));
  }
  const r = count - n4;
  if (r > 0) {
    const o = <usize>i << 2;
    storeTail(y + o, activate4(loadTail(z + o, r), kind, param), r);
  }
}

// @ts-ignore: decorator
@inline function derivativeLoop(d: usize, z: usize, y: usize, count: i32, kind: i32, param: f32): void {
  const n4 = count & ~3;
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    v128.store(d + o, derivative4(v128.load(z + o), v128.load(y + o), kind, param));
  }
  const r = count - n4;
  if (r > 0) {
    const o = <usize>i << 2;
    storeTail(d + o, derivative4(loadTail(z + o, r), loadTail(y + o, r), kind, param), r);
  }
}

/** y[i] = f(z[i]) for activation `kind` (table at the top); y may be z. */
export function labActivate(y: usize, z: usize, count: i32, kind: i32, param: f32): void {
  switch (kind) {
    case 1: activateLoop(y, z, count, 1, param); break;
    case 2: activateLoop(y, z, count, 2, param); break;
    case 3: activateLoop(y, z, count, 3, param); break;
    case 4: activateLoop(y, z, count, 4, param); break;
    case 5: activateLoop(y, z, count, 5, param); break;
    case 6: activateLoop(y, z, count, 6, param); break;
    case 7: activateLoop(y, z, count, 7, param); break;
    default: if (y != z) memory.copy(y, z, <usize>count << 2);
  }
}

/** d[i] = f'(z[i]) given z and y = f(z) (labActivate's output); d may be z or y. */
export function labActDerivative(d: usize, z: usize, y: usize, count: i32, kind: i32, param: f32): void {
  switch (kind) {
    case 1: derivativeLoop(d, z, y, count, 1, param); break;
    case 2: derivativeLoop(d, z, y, count, 2, param); break;
    case 3: derivativeLoop(d, z, y, count, 3, param); break;
    case 4: derivativeLoop(d, z, y, count, 4, param); break;
    case 5: derivativeLoop(d, z, y, count, 5, param); break;
    case 6: derivativeLoop(d, z, y, count, 6, param); break;
    case 7: derivativeLoop(d, z, y, count, 7, param); break;
    default: derivativeLoop(d, z, y, count, 0, param);
  }
}
