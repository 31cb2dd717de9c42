// Truncated normal by the inverse CDF, one generator word per element (docs/stream.md):
// index-pure, no rejection loop, values never outside [lo, hi].
//
//   standardised bounds α = (a - mean)/std < β = (b - mean)/std
//   u = (w + 0.5)·2^-32 from word w (so u and 1 - u are both exact and never 0)
//   Z = P(α < X < β), computed without cancellation from whichever tails hold it
//   pL = Φ(α) + u·Z        (the lower-tail mass below the sample)
//   qU = Q(β) + (1 - u)·Z  (the upper-tail mass above it: the same point, complemented)
//   z  = Φ⁻¹(pL) if pL <= 1/2, else -Φ⁻¹(qU)
// Using the side whose tail mass is small keeps full relative precision in both tails, so
// [3, 4] or [8, 9] are sampled as exactly as [-2, 2]. x = mean + std·z is rounded to float32
// and clamped into [lo, hi] (the float32 values inside [a, b], computed by the caller).
//
// Far tail (α >= 30, where Q(α) < 1e-197 nears float64 underflow): work with
// h(x) = -ln Q(x) = x²/2 + ln√(2π) - ln R(x)  (R the Mills ratio; h' = 1/R) relative to α:
//   t = Q(x)/Q(α) = 1 - u·(1 - Q(β)/Q(α)),  solve h(x) = h(α) - ln t
// by Newton from x0 = √(α² - 2 ln t) (4 steps, fixed). β <= -30 is the mirror image.
import { WORDS, blockWords, walkBegin, walkBlock, walkBlockStart, walkFirst, walkHi, walkLo, walkNext } from './rng';
import { millsRatio, normalQ } from './inline/ndtr';
import { A0, A1, A2, A3, A4, A5, A6, A7, B1, B2, B3, B4, B5, B6, B7, ndtri } from './inline/ndtri';

const FAR: f64 = 30.0;
const TWO_POW_M32: f64 = 2.3283064365386962890625e-10; // 2^-32
const LN_SQRT_2PI: f64 = 0.91893853320467274178; // ln √(2π)

// Per-call setup, shared by the per-element transform.
let gPA: f64 = 0; // Φ(α)
let gQB: f64 = 0; // Q(β)
let gZ: f64 = 0; // Φ(β) - Φ(α)
let gMode: i32 = 0; // 0: both tails, 1: far upper tail, 2: far lower tail
let gAlpha: f64 = 0; // far mode: the bound nearer the mean (|α| mirrored to positive)
let gHAlpha: f64 = 0; // far mode: h(α)
let gOneMinusT: f64 = 0; // far mode: 1 - Q(β)/Q(α)

// @ts-ignore: decorator
@inline function h(x: f64): f64 {
  return 0.5 * x * x + LN_SQRT_2PI - Math.log(millsRatio(x));
}

function setup(alpha: f64, beta: f64): void {
  if (alpha >= FAR || beta <= -FAR) {
    // far tail: mirror the lower case onto the upper one
    const lo = alpha >= FAR ? alpha : -beta;
    const hi = alpha >= FAR ? beta : -alpha;
    gMode = alpha >= FAR ? 1 : 2;
    gAlpha = lo;
    gHAlpha = h(lo);
    // 1 - Q(hi)/Q(lo) = -expm1(-(h(hi) - h(lo)))
    gOneMinusT = hi == Infinity ? 1.0 : -Math.expm1(-(h(hi) - gHAlpha));
    return;
  }
  gMode = 0;
  gPA = normalQ(-alpha);
  gQB = normalQ(beta);
  if (alpha >= 0) gZ = normalQ(alpha) - gQB;
  else if (beta <= 0) gZ = normalQ(-beta) - gPA;
  else gZ = 1.0 - gPA - gQB;
}

// @ts-ignore: decorator
@inline function farSample(u: f64): f64 {
  // ln t = ln(1 - u·(1 - tβ)), t in (tβ, 1)
  const lnT = Math.log1p(-u * gOneMinusT);
  const target = gHAlpha - lnT;
  let x = Math.sqrt(gAlpha * gAlpha - 2.0 * lnT);
  for (let k = 0; k < 4; k++) x -= (h(x) - target) * millsRatio(x);
  return x;
}

// @ts-ignore: decorator
@inline function standard(w: u32): f64 {
  const u = (<f64>w + 0.5) * TWO_POW_M32;
  if (gMode == 0) {
    const pL = gPA + u * gZ;
    if (pL <= 0.5) return ndtri(pL);
    const v = (<f64>(0xffffffff - w) + 0.5) * TWO_POW_M32; // 1 - u, exact
    return -ndtri(gQB + v * gZ);
  }
  const z = farSample(u);
  return gMode == 1 ? z : -z;
}

/**
 * z for two words (low two u32 lanes of w) when both fall in Φ⁻¹'s central region
 * (|p - 1/2| <= 0.425), else NaN in lane 0. Mirrors `standard` and `ndtri` operation for operation.
 */
// @ts-ignore: decorator
@inline function centralPair(w: v128): v128 {
  const scale = f64x2.splat(TWO_POW_M32);
  const half = f64x2.splat(0.5);
  const u = f64x2.mul(f64x2.add(f64x2.convert_low_i32x4_u(w), half), scale);
  const v = f64x2.mul(f64x2.add(f64x2.convert_low_i32x4_u(v128.not(w)), half), scale); // 1 - u
  const z = f64x2.splat(gZ);
  const pL = f64x2.add(f64x2.splat(gPA), f64x2.mul(u, z));
  const qU = f64x2.add(f64x2.splat(gQB), f64x2.mul(v, z));
  const upper = f64x2.gt(pL, half); // lanes that use the complement and negate
  const p = v128.bitselect(qU, pL, upper);
  const q = f64x2.sub(p, half);
  if (!i64x2.all_true(f64x2.le(f64x2.abs(q), f64x2.splat(0.425)))) {
    return f64x2.splat(NaN);
  }
  const r = f64x2.sub(f64x2.splat(0.180625), f64x2.mul(q, q));
  let num = f64x2.add(f64x2.mul(f64x2.splat(A7), r), f64x2.splat(A6));
  num = f64x2.add(f64x2.mul(num, r), f64x2.splat(A5));
  num = f64x2.add(f64x2.mul(num, r), f64x2.splat(A4));
  num = f64x2.add(f64x2.mul(num, r), f64x2.splat(A3));
  num = f64x2.add(f64x2.mul(num, r), f64x2.splat(A2));
  num = f64x2.add(f64x2.mul(num, r), f64x2.splat(A1));
  num = f64x2.mul(f64x2.add(f64x2.mul(num, r), f64x2.splat(A0)), q);
  let den = f64x2.add(f64x2.mul(f64x2.splat(B7), r), f64x2.splat(B6));
  den = f64x2.add(f64x2.mul(den, r), f64x2.splat(B5));
  den = f64x2.add(f64x2.mul(den, r), f64x2.splat(B4));
  den = f64x2.add(f64x2.mul(den, r), f64x2.splat(B3));
  den = f64x2.add(f64x2.mul(den, r), f64x2.splat(B2));
  den = f64x2.add(f64x2.mul(den, r), f64x2.splat(B1));
  den = f64x2.add(f64x2.mul(den, r), f64x2.splat(1.0));
  const zz = f64x2.div(num, den);
  return v128.bitselect(f64x2.neg(zz), zz, upper);
}

/**
 * Truncated normal float32 values for elements [start, start + count) of key (keyLo, keyHi).
 * alpha < beta are the standardised bounds (may be ±inf); lo <= hi are the float32 values
 * closest inside [a, b]; every output is clamped into [lo, hi].
 */
export function fillTruncNormal(
  out: usize, start: f64, count: i32, keyLo: u32, keyHi: u32,
  mean: f64, std: f64, alpha: f64, beta: f64, lo: f32, hi: f32,
): void {
  setup(alpha, beta);
  walkBegin(start, count);
  while (walkNext()) {
    const bs = walkBlockStart;
    const first = walkFirst;
    const i1 = walkHi;
    blockWords(WORDS, keyLo, keyHi, <f64>walkBlock);
    let i = walkLo;
    // pairs only pay off where some of the mass is central: Φ⁻¹'s central region is |z| < 1.4395
    if (gMode == 0 && alpha < 1.44 && beta > -1.44) {
      // two elements at a time: the central rational of Φ⁻¹ on f64x2 lanes (the same operations
      // in the same order as the scalar path, so the same bits); a pair with a tail lane
      // goes through the scalar path
      for (; i + 2 <= i1; i += 2) {
        const wp = WORDS + (<usize>(i - bs) << 2);
        const z = centralPair(v128.load64_zero(wp));
        let z0 = f64x2.extract_lane(z, 0);
        let z1 = f64x2.extract_lane(z, 1);
        if (z0 != z0) {
          z0 = standard(load<u32>(wp));
          z1 = standard(load<u32>(wp, 4));
        }
        let x0 = <f32>(mean + std * z0);
        let x1 = <f32>(mean + std * z1);
        x0 = x0 < lo ? lo : x0;
        x0 = x0 > hi ? hi : x0;
        x1 = x1 < lo ? lo : x1;
        x1 = x1 > hi ? hi : x1;
        const op = out + (<usize>(i - first) << 2);
        store<f32>(op, x0);
        store<f32>(op, x1, 4);
      }
    }
    for (; i < i1; i++) {
      const w = load<u32>(WORDS + (<usize>(i - bs) << 2));
      let x = <f32>(mean + std * standard(w));
      x = x < lo ? lo : x;
      x = x > hi ? hi : x;
      store<f32>(out + (<usize>(i - first) << 2), x);
    }
  }
}

/** Φ⁻¹(p) and Q(x), exported for tests of the float64 math. */
export function normalQuantile(p: f64): f64 {
  return ndtri(p);
}
export function normalUpperTail(x: f64): f64 {
  return normalQ(x);
}
