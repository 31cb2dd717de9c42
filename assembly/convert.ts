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

/**
 * halfBits on four lanes at once, bit for bit, without branches: every case is computed and
 * each lane keeps its own (Giesen's float_to_half_fast3_rtne, plus halfBits's NaN rule).
 *
 *   [x0, x1, x2, x3] (f32 bits) => [h0, h1, h2, h3] (binary16 bits in the low 16 of each lane)
 */
// @ts-ignore: decorator
@inline function halfLanes(x: v128): v128 {
  const sign = v128.and(i32x4.shr_u(x, 16), i32x4.splat(0x8000));
  const a = v128.and(x, i32x4.splat(0x7fffffff)); // |x|; signed compares below are safe on it
  // normal half: rebias by 112 << 23, then add 0xfff + odd and drop the 13 low fraction bits
  const r = i32x4.sub(a, i32x4.splat(0x38000000)); // 112 << 23
  const odd = v128.and(i32x4.shr_u(r, 13), i32x4.splat(1));
  const normal = i32x4.shr_u(i32x4.add(i32x4.add(r, i32x4.splat(0xfff)), odd), 13);
  // subnormal half or zero: |x| + 0.5 in float32 lands in [0.5, 1), whose ulp is 2^-24, so the
  // add rounds |x| to a multiple of 2^-24 (ties to even, exactly like nearest(|x|·2^24)) and
  // the fraction bits of the sum are the count, 0 ..= 1024
  const subnormal = i32x4.sub(f32x4.add(a, f32x4.splat(0.5)), i32x4.splat(0x3f000000)); // 0.5
  let h = v128.bitselect(normal, subnormal, i32x4.gt_s(a, i32x4.splat(0x387fffff))); // >= 2^-14
  h = v128.bitselect(i32x4.splat(0x7c00), h, i32x4.gt_s(a, i32x4.splat(0x477fefff))); // >= 65520.0, inf, NaN
  // NaN: quiet (bit 9) with the top 10 fraction bits, on top of the 0x7c00 just selected
  const nan = i32x4.gt_s(a, i32x4.splat(0x7f800000));
  const payload = v128.or(v128.and(i32x4.shr_u(a, 13), i32x4.splat(0x3ff)), i32x4.splat(0x200));
  return v128.or(v128.or(h, v128.and(payload, nan)), sign);
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
    const r0 = i32x4.add(i32x4.add(x0, i32x4.splat(0x7fff)), v128.and(i32x4.shr_u(x0, 16), i32x4.splat(1)));
    const r1 = i32x4.add(i32x4.add(x1, i32x4.splat(0x7fff)), v128.and(i32x4.shr_u(x1, 16), i32x4.splat(1)));
    // NaN lanes: (x >>> 16) | 0x40 instead
    const n0 = i32x4.gt_u(v128.and(x0, i32x4.splat(0x7fffffff)), i32x4.splat(0x7f800000));
    const n1 = i32x4.gt_u(v128.and(x1, i32x4.splat(0x7fffffff)), i32x4.splat(0x7f800000));
    const q0 = v128.or(x0, i32x4.splat(0x00400000));
    const q1 = v128.or(x1, i32x4.splat(0x00400000));
    const s0 = v128.bitselect(q0, r0, n0);
    const s1 = v128.bitselect(q1, r1, n1);
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
