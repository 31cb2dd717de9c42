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
import { BLOCK, WORDS, blockWords, fillNormal, mix64, walkBegin, walkBlock, walkBlockStart, walkFirst, walkHi, walkLo, walkNext } from './rng';
import { FORMAT_F32, halfClampBound, storeHalves } from './convert';
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

// ---------------------------------------------------------------------------------------
// The fast path, for intervals that hold at least half of the normal's mass (docs/truncnormal.md).
//
//   y_i = element i of normal(mean, std) of the same key (fillNormal: float32 Box-Muller)
//   lo <= y_i <= hi:  x_i = y_i                           (kept: our normal restricted to [a, b])
//   otherwise:        x_i = standard(w_i) as above, mapped and clamped as above, where
//                     w_i = high 32 bits of splitmix64 output i of the key mix64(key XOR "TRUNCFBK")
//                     (a word of its own, independent of y_i: index-pure)
// P(x_i ∈ A) = N(A∩[a,b]) + (1 - N([a,b]))·TN(A) = TN(A): the truncated normal's law. The caller
// (src/init/truncated.ts) takes this path when N([a,b]) >= 1/2; for ±2σ 4.55% of the elements
// take the fallback.
//
// Per block: fillNormal writes the block's y (in place in the output, in L1); one SIMD pass left-packs the
// offsets of the values outside [lo, hi] (NaN included) into a list; the fallback runs over the
// list in short passes with independent iterations (words; p; Φ⁻¹'s central rational on f64x2,
// two Horner chains interleaved; the values), then ndtri's tail branch, two at a time, for the
// entries whose p is outside the central region. One long chain per entry measured latency-bound
// (~1.6x slower); the f64 arithmetic is `standard`'s and `ndtri`'s, operation for operation.
// For float16 / bfloat16 output the block is made as float32 in the thread's WORDS scratch, then
// one pass clamps it into the half bounds and writes the half bits (storeHalves).

/** "TRUNCFBK": the fallback words' key is mix64(key XOR this). */
const FALLBACK_SALT: u64 = 0x5452554e4346424b;
/** splitmix64's increment, as in rng.ts (Steele, Lea & Flood 2014), 11400714819323198485. */
const GAMMA: u64 = 0x9e3779b97f4a7c15;

/**
 * `standard`'s central-branch constants, each twice (one f64x2 each, in this order: 2^-32, 1/2,
 * 0.425, 0.180625 = 0.425², A7..A0, B7..B1, 1). Loaded from memory: measured faster than
 * materialising each v128 constant inside the loop.
 */
const LANES: usize = memory.data<f64>([
  TWO_POW_M32, TWO_POW_M32,
  0.5, 0.5,
  0.425, 0.425,
  0.180625, 0.180625,
  A7, A7,
  A6, A6,
  A5, A5,
  A4, A4,
  A3, A3,
  A2, A2,
  A1, A1,
  A0, A0,
  B7, B7,
  B6, B6,
  B5, B5,
  B4, B4,
  B3, B3,
  B2, B2,
  B1, B1,
  1.0, 1.0,
]);

/**
 * ndtri's tail branch for r <= 5 (AS 241's C and D, the same decimal literals as
 * assembly/inline/ndtri.ts, so the same float64 constants), each twice: 1.6, C7..C0, D7..D1, 1.
 * test/truncnormal-fast.test.ts checks the fallback against the float64 path's formula bit for bit.
 */
const TAIL_LANES: usize = memory.data<f64>([
  1.6, 1.6,
  7.7454501427834140764e-4, 7.7454501427834140764e-4,
  2.2723844989269184583e-2, 2.2723844989269184583e-2,
  2.4178072517745061177e-1, 2.4178072517745061177e-1,
  1.2704582524523683826, 1.2704582524523683826,
  3.6478483247632046050, 3.6478483247632046050,
  5.7694972214606914055, 5.7694972214606914055,
  4.6303378461565452959, 4.6303378461565452959,
  1.4234371107496835773, 1.4234371107496835773,
  1.05075007164441684324e-9, 1.05075007164441684324e-9,
  5.4759380849953449460e-4, 5.4759380849953449460e-4,
  1.5198666563616457197e-2, 1.5198666563616457197e-2,
  1.4810397642748007459e-1, 1.4810397642748007459e-1,
  6.8976733498510000455e-1, 6.8976733498510000455e-1,
  1.6763848301838038494, 1.6763848301838038494,
  2.0531916266377588219, 2.0531916266377588219,
  1.0, 1.0,
]);

// Per-thread scratch (assembly/thread.ts), one region of TRUNC_SCRATCH_BYTES. Per block, for the
// list of rejected elements (padded to a multiple of 4 by repeating its last entry):
//   REJECTED  i32  offsets (within the block) of the rejected elements (+ slack for 16-byte stores)
//   FB_W      u32  their fallback words
//   FB_P      f64  p as `standard` passes it to ndtri, sign bit set where it negates the result
//   FB_Z      f64  z where p is in Φ⁻¹'s central region
//   FB_TAIL   i32  the list entries whose p is not
const LIST: i32 = BLOCK + 16;
const REJECTED_AT: i32 = 0;
const FB_W_AT: i32 = REJECTED_AT + LIST * 4;
const FB_P_AT: i32 = FB_W_AT + LIST * 4;
const FB_Z_AT: i32 = FB_P_AT + LIST * 8;
const FB_TAIL_AT: i32 = FB_Z_AT + LIST * 8;
/** Bytes of per-thread scratch this file needs (64-byte aligned; assembly/thread.ts). */
export const TRUNC_SCRATCH_BYTES: i32 = (FB_TAIL_AT + LIST * 4 + 63) & ~63;
let REJECTED: usize = memory.data(TRUNC_SCRATCH_BYTES, 64);
let FB_W: usize = REJECTED + <usize>FB_W_AT;
let FB_P: usize = REJECTED + <usize>FB_P_AT;
let FB_Z: usize = REJECTED + <usize>FB_Z_AT;
let FB_TAIL: usize = REJECTED + <usize>FB_TAIL_AT;
/** Points this thread's scratch at its own region (an instance sharing the memory). */
export function setTruncScratch(base: usize): void {
  REJECTED = base;
  FB_W = base + <usize>FB_W_AT;
  FB_P = base + <usize>FB_P_AT;
  FB_Z = base + <usize>FB_Z_AT;
  FB_TAIL = base + <usize>FB_TAIL_AT;
}

/** Left-pack table for 4 lanes: row m holds the numbers of the lanes whose bit is set in m, in order. */
const PACK_LANES: usize = memory.data<i32>([
  0, 0, 0, 0,
  0, 0, 0, 0,
  1, 0, 0, 0,
  0, 1, 0, 0,
  2, 0, 0, 0,
  0, 2, 0, 0,
  1, 2, 0, 0,
  0, 1, 2, 0,
  3, 0, 0, 0,
  0, 3, 0, 0,
  1, 3, 0, 0,
  0, 1, 3, 0,
  2, 3, 0, 0,
  0, 2, 3, 0,
  1, 2, 3, 0,
  0, 1, 2, 3,
]);

/** Word i of the fallback stream: the high half of splitmix64 output `index` of the fallback key fb. */
// @ts-ignore: decorator
@inline function fallbackWord(fb: u64, index: u64): u32 {
  return <u32>(mix64(fb + (index + 1) * GAMMA) >> 32);
}

// @ts-ignore: decorator
@inline function clampTo(mean: f64, std: f64, z: f64, lo: f32, hi: f32): f32 {
  let x = <f32>(mean + std * z);
  x = x < lo ? lo : x;
  return x > hi ? hi : x;
}

/**
 * Truncated normal values for elements [start, start + count) of key (keyLo, keyHi): the same
 * law as fillTruncNormal, by the normal stream with an inverse-CDF fallback (above). Same
 * arguments; for intervals with N([alpha, beta]) >= 1/2 (the caller decides). `format` 0 writes
 * float32; 1 / 2 (assembly/convert.ts) float16 / bfloat16 bits of the float32 value clamped into
 * [clampLo, clampHi] (the float32 values of the half bounds), each block made as float32 in the
 * thread's scratch first.
 */
export function fillTruncNormalFast(
  out: usize, start: f64, count: i32, keyLo: u32, keyHi: u32,
  mean: f64, std: f64, alpha: f64, beta: f64, lo: f32, hi: f32,
  format: i32, clampLo: f32, clampHi: f32,
): void {
  setup(alpha, beta);
  const fb = mix64(((<u64>keyHi << 32) | <u64>keyLo) ^ FALLBACK_SALT);
  // values stay in [lo, hi]: a half bound that lo (hi) rounds to needs no clamp
  if (format != FORMAT_F32) {
    clampLo = halfClampBound(format, lo, clampLo, -Infinity);
    clampHi = halfClampBound(format, hi, clampHi, Infinity);
  }
  let g = <u64>start;
  const end = g + <u64>count;
  while (g < end) {
    // a block at a time, so fallback's passes (and storeHalves) read what fillNormal just wrote from L1
    let next = (g / <u64>BLOCK + 1) * <u64>BLOCK;
    if (next > end) next = end;
    const n = <i32>(next - g);
    const p = format == FORMAT_F32 ? out + (<usize>(g - <u64>start) << 2) : WORDS;
    fillNormal(p, <f64>g, n, keyLo, keyHi, <f32>mean, <f32>std, FORMAT_F32, 0, 0);
    fallback(p, n, g, fb, mean, std, lo, hi);
    if (format != FORMAT_F32) storeHalves(format, p, out + (<usize>(g - <u64>start) << 1), n, clampLo, clampHi);
    g = next;
  }
}

/**
 * The block of n float32 normal values at p (element g first) made truncated: the values
 * outside [lo, hi] replaced by the inverse CDF of their fallback words (the stream of key fb).
 */
function fallback(p: usize, n: i32, g: u64, fb: u64, mean: f64, std: f64, lo: f32, hi: f32): void {
  const loV = f32x4.splat(lo);
  const hiV = f32x4.splat(hi);
  const meanV = f64x2.splat(mean);
  const stdV = f64x2.splat(std);
  const paV = f64x2.splat(gPA);
  const qbV = f64x2.splat(gQB);
  const zV = f64x2.splat(gZ);
  const sign = i64x2.splat(0x8000000000000000);
  const four = i32x4.splat(4);
  // left-pack the offsets of the values outside [lo, hi] (the test is for inside, so NaN is out)
  let rejected = 0;
  let j = 0;
  let jv = i32x4.splat(0);
  for (; j + 4 <= n; j += 4) {
    const y = v128.load(p + (<usize>j << 2));
    const m = i32x4.bitmask(v128.and(f32x4.ge(y, loV), f32x4.le(y, hiV))) ^ 15;
    v128.store(REJECTED + (<usize>rejected << 2), i32x4.add(v128.load(PACK_LANES + (<usize>m << 4)), jv));
    rejected += popcnt(m);
    jv = i32x4.add(jv, four);
  }
  for (; j < n; j++) {
    const y = load<f32>(p + (<usize>j << 2));
    store<i32>(REJECTED + (<usize>rejected << 2), j);
    rejected += i32(!(y >= lo && y <= hi));
  }
  if (rejected == 0) return;
  // pad the list to a multiple of 4 with copies of its last entry (same element, same value)
  v128.store(REJECTED + (<usize>rejected << 2), i32x4.splat(load<i32>(REJECTED + (<usize>(rejected - 1) << 2))));
  rejected = (rejected + 3) & ~3;

  // The fallback, in passes whose iterations are independent and short (one long chain of
  // hash, p and Horner per entry measured latency-bound): the words; p; Φ⁻¹'s central rational;
  // the values; the entries outside the central region. Same operations in the same order as
  // `standard` and `ndtri`, so the same bits.
  for (let k = 0; k < rejected; k++) {
    store<u32>(FB_W + (<usize>k << 2), fallbackWord(fb, g + <u64>load<i32>(REJECTED + (<usize>k << 2))));
  }
  for (let k = 0; k < rejected; k += 2) {
    const w = v128.load64_zero(FB_W + (<usize>k << 2));
    const half = v128.load(LANES, 16);
    const scale = v128.load(LANES, 0);
    const u = f64x2.mul(f64x2.add(f64x2.convert_low_i32x4_u(w), half), scale);
    const v = f64x2.mul(f64x2.add(f64x2.convert_low_i32x4_u(v128.not(w)), half), scale); // 1 - u
    const pL = f64x2.add(paV, f64x2.mul(u, zV));
    const qU = f64x2.add(qbV, f64x2.mul(v, zV));
    const up = f64x2.gt(pL, half); // the lanes that use the upper tail and negate
    v128.store(FB_P + (<usize>k << 3), v128.or(v128.bitselect(qU, pL, up), v128.and(up, sign)));
  }
  let tails = 0;
  for (let k = 0; k < rejected; k += 4) {
    const spa = v128.load(FB_P + (<usize>k << 3));
    const spb = v128.load(FB_P + (<usize>k << 3), 16);
    const half = v128.load(LANES, 16);
    const qa = f64x2.sub(v128.andnot(spa, sign), half);
    const qb = f64x2.sub(v128.andnot(spb, sign), half);
    const ra = f64x2.sub(v128.load(LANES, 48), f64x2.mul(qa, qa));
    const rb = f64x2.sub(v128.load(LANES, 48), f64x2.mul(qb, qb));
    let na = f64x2.add(f64x2.mul(v128.load(LANES, 64), ra), v128.load(LANES, 80));
    let nb = f64x2.add(f64x2.mul(v128.load(LANES, 64), rb), v128.load(LANES, 80));
    let da = f64x2.add(f64x2.mul(v128.load(LANES, 192), ra), v128.load(LANES, 208));
    let db = f64x2.add(f64x2.mul(v128.load(LANES, 192), rb), v128.load(LANES, 208));
    na = f64x2.add(f64x2.mul(na, ra), v128.load(LANES, 96));
    nb = f64x2.add(f64x2.mul(nb, rb), v128.load(LANES, 96));
    da = f64x2.add(f64x2.mul(da, ra), v128.load(LANES, 224));
    db = f64x2.add(f64x2.mul(db, rb), v128.load(LANES, 224));
    na = f64x2.add(f64x2.mul(na, ra), v128.load(LANES, 112));
    nb = f64x2.add(f64x2.mul(nb, rb), v128.load(LANES, 112));
    da = f64x2.add(f64x2.mul(da, ra), v128.load(LANES, 240));
    db = f64x2.add(f64x2.mul(db, rb), v128.load(LANES, 240));
    na = f64x2.add(f64x2.mul(na, ra), v128.load(LANES, 128));
    nb = f64x2.add(f64x2.mul(nb, rb), v128.load(LANES, 128));
    da = f64x2.add(f64x2.mul(da, ra), v128.load(LANES, 256));
    db = f64x2.add(f64x2.mul(db, rb), v128.load(LANES, 256));
    na = f64x2.add(f64x2.mul(na, ra), v128.load(LANES, 144));
    nb = f64x2.add(f64x2.mul(nb, rb), v128.load(LANES, 144));
    da = f64x2.add(f64x2.mul(da, ra), v128.load(LANES, 272));
    db = f64x2.add(f64x2.mul(db, rb), v128.load(LANES, 272));
    na = f64x2.add(f64x2.mul(na, ra), v128.load(LANES, 160));
    nb = f64x2.add(f64x2.mul(nb, rb), v128.load(LANES, 160));
    da = f64x2.add(f64x2.mul(da, ra), v128.load(LANES, 288));
    db = f64x2.add(f64x2.mul(db, rb), v128.load(LANES, 288));
    na = f64x2.mul(f64x2.add(f64x2.mul(na, ra), v128.load(LANES, 176)), qa);
    nb = f64x2.mul(f64x2.add(f64x2.mul(nb, rb), v128.load(LANES, 176)), qb);
    da = f64x2.add(f64x2.mul(da, ra), v128.load(LANES, 304));
    db = f64x2.add(f64x2.mul(db, rb), v128.load(LANES, 304));
    // negated where the sign bit is set (the upper lanes), as `standard` does
    v128.store(FB_Z + (<usize>k << 3), v128.xor(f64x2.div(na, da), v128.and(spa, sign)));
    v128.store(FB_Z + (<usize>k << 3), v128.xor(f64x2.div(nb, db), v128.and(spb, sign)), 16);
    // list the entries outside the central region (|p - 1/2| > 0.425)
    const lim = v128.load(LANES, 32);
    const tm = (i64x2.bitmask(f64x2.le(f64x2.abs(qa), lim)) | (i64x2.bitmask(f64x2.le(f64x2.abs(qb), lim)) << 2)) ^ 15;
    v128.store(FB_TAIL + (<usize>tails << 2), i32x4.add(v128.load(PACK_LANES + (<usize>tm << 4)), i32x4.splat(k)));
    tails += popcnt(tm);
  }
  for (let k = 0; k < rejected; k += 4) {
    // x = mean + std·z rounded to float32 and clamped, as clampTo (pmax(x, lo) = x < lo ? lo : x,
    // pmin(x, hi) = hi < x ? hi : x); the entries outside the central region are rewritten below
    const xa = f32x4.demote_f64x2_zero(f64x2.add(meanV, f64x2.mul(stdV, v128.load(FB_Z + (<usize>k << 3)))));
    const xb = f32x4.demote_f64x2_zero(f64x2.add(meanV, f64x2.mul(stdV, v128.load(FB_Z + (<usize>k << 3), 16))));
    const x = f32x4.pmin(f32x4.pmax(v128.shuffle<i64>(xa, xb, 0, 2), loV), hiV);
    const offs = v128.load(REJECTED + (<usize>k << 2));
    store<f32>(p + (<usize>i32x4.extract_lane(offs, 0) << 2), f32x4.extract_lane(x, 0));
    store<f32>(p + (<usize>i32x4.extract_lane(offs, 1) << 2), f32x4.extract_lane(x, 1));
    store<f32>(p + (<usize>i32x4.extract_lane(offs, 2) << 2), f32x4.extract_lane(x, 2));
    store<f32>(p + (<usize>i32x4.extract_lane(offs, 3) << 2), f32x4.extract_lane(x, 3));
  }
  // ndtri's tail branch for the rest, two at a time. p < 1/2 there, so ndtri takes
  // r = sqrt(-ln p) and returns -num/den; r <= 5 always (p >= 2^-33·N([α,β]) >= 2^-34 gives
  // r <= 4.9), and a pair where it is not takes ndtri itself
  let t = 0;
  for (; t < tails; t += 2) {
    // an odd count repeats the last entry (same value, written twice)
    const k0 = load<i32>(FB_TAIL + (<usize>t << 2));
    const k1 = t + 1 < tails ? load<i32>(FB_TAIL + (<usize>t << 2), 4) : k0;
    const s0 = load<u64>(FB_P + (<usize>k0 << 3));
    const s1 = load<u64>(FB_P + (<usize>k1 << 3));
    const p0 = reinterpret<f64>(s0 & 0x7fffffffffffffff);
    const p1 = reinterpret<f64>(s1 & 0x7fffffffffffffff);
    let r = f64x2.sqrt(f64x2.replace_lane(f64x2.splat(-Math.log(p0)), 1, -Math.log(p1)));
    let z0: f64, z1: f64;
    if (p0 < 0.5 && p1 < 0.5 && i64x2.all_true(f64x2.le(r, f64x2.splat(5.0)))) {
      r = f64x2.sub(r, v128.load(TAIL_LANES, 0));
      let num = f64x2.add(f64x2.mul(v128.load(TAIL_LANES, 16), r), v128.load(TAIL_LANES, 32));
      let den = f64x2.add(f64x2.mul(v128.load(TAIL_LANES, 144), r), v128.load(TAIL_LANES, 160));
      num = f64x2.add(f64x2.mul(num, r), v128.load(TAIL_LANES, 48));
      den = f64x2.add(f64x2.mul(den, r), v128.load(TAIL_LANES, 176));
      num = f64x2.add(f64x2.mul(num, r), v128.load(TAIL_LANES, 64));
      den = f64x2.add(f64x2.mul(den, r), v128.load(TAIL_LANES, 192));
      num = f64x2.add(f64x2.mul(num, r), v128.load(TAIL_LANES, 80));
      den = f64x2.add(f64x2.mul(den, r), v128.load(TAIL_LANES, 208));
      num = f64x2.add(f64x2.mul(num, r), v128.load(TAIL_LANES, 96));
      den = f64x2.add(f64x2.mul(den, r), v128.load(TAIL_LANES, 224));
      num = f64x2.add(f64x2.mul(num, r), v128.load(TAIL_LANES, 112));
      den = f64x2.add(f64x2.mul(den, r), v128.load(TAIL_LANES, 240));
      num = f64x2.add(f64x2.mul(num, r), v128.load(TAIL_LANES, 128));
      den = f64x2.add(f64x2.mul(den, r), v128.load(TAIL_LANES, 256));
      const z = f64x2.neg(f64x2.div(num, den));
      z0 = f64x2.extract_lane(z, 0);
      z1 = f64x2.extract_lane(z, 1);
    } else {
      z0 = ndtri(p0);
      z1 = ndtri(p1);
    }
    z0 = reinterpret<f64>(reinterpret<u64>(z0) ^ (s0 & 0x8000000000000000));
    z1 = reinterpret<f64>(reinterpret<u64>(z1) ^ (s1 & 0x8000000000000000));
    store<f32>(p + (<usize>load<i32>(REJECTED + (<usize>k0 << 2)) << 2), clampTo(mean, std, z0, lo, hi));
    store<f32>(p + (<usize>load<i32>(REJECTED + (<usize>k1 << 2)) << 2), clampTo(mean, std, z1, lo, hi));
  }
}

/** Φ⁻¹(p) and Q(x), exported for tests of the float64 math. */
export function normalQuantile(p: f64): f64 {
  return ndtri(p);
}
export function normalUpperTail(x: f64): f64 {
  return normalQ(x);
}
