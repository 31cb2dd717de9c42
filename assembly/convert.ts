// float32 -> float16 / bfloat16 / float64 conversion of a run of values.
//
// float16 (IEEE 754 binary16): 1 sign, 5 exponent (bias 15), 10 fraction bits.
// bfloat16: the top 16 bits of a float32, rounded: 1 sign, 8 exponent, 7 fraction bits.
// Rounding is to nearest, ties to even, like every IEEE conversion. NaN stays NaN (quiet,
// sign and top payload bits kept); values beyond the largest finite value round to ±inf.
// Kernels trust their input: (src, dst, count) pointers to float32 input and output.

/** f32 bit pattern -> binary16 bit pattern, round to nearest even. */
// @ts-ignore: decorator
@inline export function halfBits(x: u32): u32 {
  const sign = (x >>> 16) & 0x8000;
  const a = x & 0x7fffffff;
  if (a >= 0x7f800000) {
    // inf stays inf; NaN keeps its top fraction bits and is made quiet (bit 9 set)
    return a == 0x7f800000 ? sign | 0x7c00 : sign | 0x7e00 | ((a >>> 13) & 0x3ff);
  }
  // 65520 = 65504 + half an ulp (16): from there on the result rounds to infinity
  if (a >= 0x477ff000) return sign | 0x7c00; // 65520.0
  if (a >= 0x38800000) {
    // normal half (|x| >= 2^-14): rebias the exponent by 127 - 15 = 112, then round off
    // the 13 low fraction bits; a carry out of the fraction correctly bumps the exponent
    const r = a - 0x38000000; // 112 << 23
    return sign | ((r + 0xfff + ((r >>> 13) & 1)) >>> 13);
  }
  // subnormal half or zero: the result is |x| / 2^-24 rounded to an integer in [0, 1024]
  // (1024 is the bit pattern of the smallest normal, 2^-14). |x|·2^24 is exact in float32 and
  // f32.nearest rounds ties to even.
  const m = <u32>nearest<f32>(reinterpret<f32>(a) * 16777216.0); // 2^24
  return sign | m;
}

/** f32 bit pattern -> bfloat16 bit pattern, round to nearest even. */
// @ts-ignore: decorator
@inline export function bfloatBits(x: u32): u32 {
  if ((x & 0x7fffffff) > 0x7f800000) return (x >>> 16) | 0x40; // quiet NaN, payload top kept
  // add just under half an ulp, plus 1 when the kept part is odd (ties to even); overflow
  // carries into the exponent and reaches the infinity pattern 0x7f80 exactly when it should
  return (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}

// The output formats of the generator kernels (their `format` argument): float32 values, or
// float16 / bfloat16 bit patterns rounded to nearest even, written straight from the lanes.
export const FORMAT_F32: i32 = 0;
export const FORMAT_F16: i32 = 1;
export const FORMAT_BF16: i32 = 2;

/**
 * halfBits on four lanes of |x| (sign bit clear), for |x| < 65520 (every value that does not
 * round to infinity; NaN and overflow are halfLanes's), bit for bit and without branches: both
 * cases are computed and each lane keeps its own (after Giesen's float_to_half_fast3_rtne).
 * The constants come in as arguments, so a loop can keep them in registers (V8 builds a
 * v128.const anew at every use): bias = 0xfff − (112 << 23), one = 1, min = 2^-14, half = 0.5
 * in every lane.
 */
// @ts-ignore: decorator
@inline function halfMagnitude(a: v128, bias: v128, one: v128, min: v128, half: v128): v128 {
  // normal half: rebias the exponent by -112 and round off the 13 low fraction bits, i.e.
  // (a - (112 << 23) + 0xfff + odd) >> 13 with odd = bit 13 of a (the rebias leaves it as it is).
  // Below 2^-14 the arithmetic shift gives a number below the subnormal result (negative, or
  // under 2^-14 · 2^24 = 1024 and the subnormal count of the same |x|), so max picks per lane.
  const normal = i32x4.shr_s(i32x4.add(i32x4.add(a, bias), v128.and(i32x4.shr_u(a, 13), one)), 13);
  // subnormal half or zero: |x| + 0.5 in float32 lands in [0.5, 1), whose ulp is 2^-24, so the
  // add rounds |x| to a multiple of 2^-24 (ties to even, exactly like nearest(|x|·2^24)) and
  // the fraction bits of the sum (its bits minus those of 0.5) are the count, 0 ..= 1024. |x| is
  // capped at 2^-14 first, so for normal halves this is 1024, at most the normal result.
  const subnormal = i32x4.sub(f32x4.add(i32x4.min_s(a, min), half), half);
  return i32x4.max_s(normal, subnormal);
}

/**
 * halfBits on four lanes at once, bit for bit, for every float32 (NaN and overflow included).
 *
 *   [x0, x1, x2, x3] (f32 bits) => [h0, h1, h2, h3] (binary16 bits in the low 16 of each lane)
 */
// @ts-ignore: decorator
@inline function halfLanes(x: v128): v128 {
  const sign = v128.and(i32x4.shr_u(x, 16), i32x4.splat(0x8000));
  const a = v128.and(x, i32x4.splat(0x7fffffff)); // |x|; signed compares below are safe on it
  const m = halfMagnitude(a, i32x4.splat(0xfff - 0x38000000), i32x4.splat(1), i32x4.splat(0x38800000), f32x4.splat(0.5));
  const h = v128.bitselect(i32x4.splat(0x7c00), m, i32x4.gt_s(a, i32x4.splat(0x477fefff))); // >= 65520.0, inf, NaN
  // NaN: quiet (bit 9) with the top 10 fraction bits, on top of the 0x7c00 just selected
  const nan = i32x4.gt_s(a, i32x4.splat(0x7f800000));
  const payload = v128.or(v128.and(i32x4.shr_u(a, 13), i32x4.splat(0x3ff)), i32x4.splat(0x200));
  return v128.or(v128.or(h, v128.and(payload, nan)), sign);
}

/** bfloatBits on four lanes, for every float32 but NaN, in the high 16 bits of each lane (bias = 0x7fff, one = 1). */
// @ts-ignore: decorator
@inline function bfloatRound(x: v128, bias: v128, one: v128): v128 {
  return i32x4.add(i32x4.add(x, bias), v128.and(i32x4.shr_u(x, 16), one));
}

/**
 * The lane constants of storeHalves's loops, loaded into locals before them (a load is opaque to
 * the optimizer, which would otherwise turn them back into v128.const at every use).
 */
const LANES: usize = memory.data<i32>([
  0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, // 0: |x|
  0xfff - 0x38000000, 0xfff - 0x38000000, 0xfff - 0x38000000, 0xfff - 0x38000000, // 16: float16 rebias and round
  1, 1, 1, 1, // 32
  0x38800000, 0x38800000, 0x38800000, 0x38800000, // 48: 2^-14
  0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000, // 64: 0.5
  0x80008000, 0x80008000, 0x80008000, 0x80008000, // 80: bit 15 of each 16-bit lane
  0x7fff, 0x7fff, 0x7fff, 0x7fff, // 96: bfloat16 round
], 16);

/**
 * A clamp bound for storeHalves: c (a half value, as float32), or `none` (±Infinity) where the
 * clamp would change nothing: the values never go beyond `extreme`, and extreme rounds to c's
 * half itself, so (rounding being monotonic) no value rounds beyond c.
 */
// @ts-ignore: decorator
@inline export function halfClampBound(format: i32, extreme: f32, c: f32, none: f32): f32 {
  const e = reinterpret<u32>(extreme);
  const b = reinterpret<u32>(c);
  return (format == FORMAT_F16 ? halfBits(e) == halfBits(b) : bfloatBits(e) == bfloatBits(b)) ? none : c;
}

/**
 * float32 values at src, clamped into [lo, hi] (pmin then pmax), as `format` (float16 /
 * bfloat16, rounded to nearest even) bits at dst: how the generators write half output, a block
 * at a time from L1. The values are never NaN (lo <= hi neither), and for float16 stay below 65520
 * in magnitude after the clamp (a draw that would round to infinity is refused before any kernel
 * runs); on those the bits are f32ToF16's / f32ToBf16's.
 */
export function storeHalves(format: i32, src: usize, dst: usize, count: i32, lo: f32, hi: f32): void {
  // without bounds (±Infinity) the clamp is left out: the same values
  if (lo == -Infinity && hi == Infinity) {
    if (format == FORMAT_F16) storeF16(src, dst, count);
    else storeBf16(src, dst, count);
  } else if (format == FORMAT_F16) storeF16Clamped(src, dst, count, lo, hi);
  else storeBf16Clamped(src, dst, count, lo, hi);
}

// One function per variant (not copies inlined side by side in storeHalves, which the optimizer
// folds into one loop that tests the format).
function storeF16(src: usize, dst: usize, count: i32): void {
  halfRun(FORMAT_F16, false, src, dst, count, 0, 0);
}
function storeBf16(src: usize, dst: usize, count: i32): void {
  halfRun(FORMAT_BF16, false, src, dst, count, 0, 0);
}
function storeF16Clamped(src: usize, dst: usize, count: i32, lo: f32, hi: f32): void {
  halfRun(FORMAT_F16, true, src, dst, count, lo, hi);
}
function storeBf16Clamped(src: usize, dst: usize, count: i32, lo: f32, hi: f32): void {
  halfRun(FORMAT_BF16, true, src, dst, count, lo, hi);
}

// @ts-ignore: decorator
@inline function halfRun(format: i32, clamp: bool, src: usize, dst: usize, count: i32, lo: f32, hi: f32): void {
  const l = f32x4.splat(lo);
  const h = f32x4.splat(hi);
  const abs = v128.load(LANES, 0);
  const f16Bias = v128.load(LANES, 16);
  const one = v128.load(LANES, 32);
  const min = v128.load(LANES, 48);
  const half = v128.load(LANES, 64);
  const sign = v128.load(LANES, 80);
  const bf16Bias = v128.load(LANES, 96);
  let i = 0;
  // 16 at a time (a whole block is 64 of them): half the loop's own overhead per value
  for (; i + 16 <= count; i += 16) {
    const p = src + (<usize>i << 2);
    const q = dst + (<usize>i << 1);
    eight(format, clamp, p, q, l, h, abs, f16Bias, one, min, half, sign, bf16Bias);
    eight(format, clamp, p + 32, q + 16, l, h, abs, f16Bias, one, min, half, sign, bf16Bias);
  }
  for (; i < count; i++) {
    let x = load<f32>(src + (<usize>i << 2));
    if (clamp) {
      x = hi < x ? hi : x; // pmin
      x = x < lo ? lo : x; // pmax
    }
    const b = reinterpret<u32>(x);
    store<u16>(dst + (<usize>i << 1), <u16>(format == FORMAT_F16 ? halfBits(b) : bfloatBits(b)));
  }
}

/** Eight float32 values at p, clamped into [l, h] if `clamp`, as eight half patterns at q (halfRun's constants). */
// @ts-ignore: decorator
@inline function eight(
  format: i32, clamp: bool, p: usize, q: usize, l: v128, h: v128,
  abs: v128, f16Bias: v128, one: v128, min: v128, half: v128, sign: v128, bf16Bias: v128,
): void {
  let x0 = v128.load(p);
  let x1 = v128.load(p, 16);
  if (clamp) {
    x0 = f32x4.pmax(f32x4.pmin(x0, h), l);
    x1 = f32x4.pmax(f32x4.pmin(x1, h), l);
  }
  if (format == FORMAT_F16) {
    // the magnitudes narrow losslessly (each below 0x7c00). Narrowing the floats' bits with
    // signed saturation keeps each one's sign in bit 15: a negative float (a negative i32
    // below -32768: no NaN here) saturates to 0x8000, a positive one to at most 0x7fff
    const m0 = halfMagnitude(v128.and(x0, abs), f16Bias, one, min, half);
    const m1 = halfMagnitude(v128.and(x1, abs), f16Bias, one, min, half);
    v128.store(q, v128.or(i16x8.narrow_i32x4_u(m0, m1), v128.and(i16x8.narrow_i32x4_s(x0, x1), sign)));
  } else {
    v128.store(q, i16x8.narrow_i32x4_u(i32x4.shr_u(bfloatRound(x0, bf16Bias, one), 16), i32x4.shr_u(bfloatRound(x1, bf16Bias, one), 16)));
  }
}

export function f32ToF16(src: usize, dst: usize, count: i32): void {
  let i = 0;
  // 8 at a time: two vectors of four lanes, narrowed into one vector of eight u16 (lossless:
  // every lane is already in 0 ..= 0xffff)
  for (; i + 8 <= count; i += 8) {
    const p = src + (<usize>i << 2);
    const h0 = halfLanes(v128.load(p));
    const h1 = halfLanes(v128.load(p, 16));
    v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(h0, h1));
  }
  for (; i < count; i++) {
    store<u16>(dst + (<usize>i << 1), <u16>halfBits(load<u32>(src + (<usize>i << 2))));
  }
}

export function f32ToBf16(src: usize, dst: usize, count: i32): void {
  let i = 0;
  // 8 at a time: bits + 0x7fff + odd, keep the high halves (NaN lanes patched after)
  for (; i + 8 <= count; i += 8) {
    const p = src + (<usize>i << 2);
    const x0 = v128.load(p);
    const x1 = v128.load(p, 16);
    // NaN lanes: (x >>> 16) | 0x40 instead
    const n0 = i32x4.gt_u(v128.and(x0, i32x4.splat(0x7fffffff)), i32x4.splat(0x7f800000));
    const n1 = i32x4.gt_u(v128.and(x1, i32x4.splat(0x7fffffff)), i32x4.splat(0x7f800000));
    const s0 = v128.bitselect(v128.or(x0, i32x4.splat(0x00400000)), bfloatRound(x0, i32x4.splat(0x7fff), i32x4.splat(1)), n0);
    const s1 = v128.bitselect(v128.or(x1, i32x4.splat(0x00400000)), bfloatRound(x1, i32x4.splat(0x7fff), i32x4.splat(1)), n1);
    // take the high 16 bits of each 32-bit lane: narrow the shifted lanes
    v128.store(dst + (<usize>i << 1), i16x8.narrow_i32x4_u(i32x4.shr_u(s0, 16), i32x4.shr_u(s1, 16)));
  }
  for (; i < count; i++) {
    store<u16>(dst + (<usize>i << 1), <u16>bfloatBits(load<u32>(src + (<usize>i << 2))));
  }
}

/** Widening is exact: float64 values are the float32 values. */
export function f32ToF64(src: usize, dst: usize, count: i32): void {
  for (let i = 0; i < count; i++) {
    store<f64>(dst + (<usize>i << 3), <f64>load<f32>(src + (<usize>i << 2)));
  }
}
