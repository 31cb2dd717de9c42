// Sums for the statistics of written values: over `count` float32 values, bfloat16 or float16
// bit patterns at p, with d = x − shift in float64 (shift: a value of the run, so the sums do
// not cancel): the number of finite values, Σd, Σd², min and max of the finite values, and the
// number of non-finite values (NaN, ±inf, left out of the rest). Written as six float64 at out.
//
// Per 4 values: the lanes widened to two float64 pairs; Σd and Σd² kept in four pairs of
// accumulators (two groups of 4 values per iteration, so the adds do not wait on each other);
// min / max by pmin / pmax. A run whose sums come out non-finite holds a NaN or infinity: it
// is summed again one value at a time, counting those apart.

// @ts-ignore: decorator
@inline const KIND_F32: i32 = 0;
// @ts-ignore: decorator
@inline const KIND_BF16: i32 = 1;
// @ts-ignore: decorator
@inline const KIND_F16: i32 = 2;

/** float16 bit patterns in the low 16 bits of four lanes → float32 (exact, inf and NaN kept). */
// @ts-ignore: decorator
@inline function halfLanesToF32(h: v128): v128 {
  const mag = v128.and(h, i32x4.splat(0x7fff));
  // normal and subnormal: the bits shifted into a float32's place, scaled by 2^112 (exact)
  const scaled = f32x4.mul(i32x4.shl(mag, 13), f32x4.splat(5.192296858534828e33));
  // exponent 31 (inf, NaN): the float32 exponent all ones, the fraction kept
  const special = i32x4.ge_u(mag, i32x4.splat(0x7c00));
  const inf = v128.or(i32x4.splat(0x7f800000), i32x4.shl(v128.and(mag, i32x4.splat(0x3ff)), 13));
  return v128.or(v128.bitselect(inf, scaled, special), i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16));
}

// @ts-ignore: decorator
@inline function halfToF32(h: u32): f32 {
  const mag = h & 0x7fff;
  const bits: u32 = mag >= 0x7c00 ? 0x7f800000 | ((mag & 0x3ff) << 13) : reinterpret<u32>(reinterpret<f32>(mag << 13) * <f32>5.192296858534828e33);
  return reinterpret<f32>(bits | ((h & 0x8000) << 16));
}

/** Four values starting at element i, as float32 lanes. */
// @ts-ignore: decorator
@inline function lanes(p: usize, i: i32, kind: i32): v128 {
  if (kind == KIND_F32) return v128.load(p + (<usize>i << 2));
  const w = i32x4.extend_low_i16x8_u(v128.load64_zero(p + (<usize>i << 1)));
  return kind == KIND_BF16 ? i32x4.shl(w, 16) : halfLanesToF32(w);
}

// @ts-ignore: decorator
@inline function valueAt(p: usize, i: i32, kind: i32): f32 {
  if (kind == KIND_F32) return load<f32>(p + (<usize>i << 2));
  const h = <u32>load<u16>(p + (<usize>i << 1));
  return kind == KIND_BF16 ? reinterpret<f32>(h << 16) : halfToF32(h);
}

// @ts-ignore: decorator
@inline function sums(p: usize, count: i32, shift: f64, out: usize, kind: i32): void {
  const sh = f64x2.splat(shift);
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let s2 = f64x2.splat(0);
  let s3 = f64x2.splat(0);
  let q0 = f64x2.splat(0);
  let q1 = f64x2.splat(0);
  let q2 = f64x2.splat(0);
  let q3 = f64x2.splat(0);
  let mn = f32x4.splat(Infinity);
  let mx = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 8 <= count; i += 8) {
    const a = lanes(p, i, kind);
    const b = lanes(p, i + 4, kind);
    const a0 = f64x2.sub(f64x2.promote_low_f32x4(a), sh);
    const a1 = f64x2.sub(f64x2.promote_low_f32x4(i8x16.shuffle(a, a, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15)), sh);
    const b0 = f64x2.sub(f64x2.promote_low_f32x4(b), sh);
    const b1 = f64x2.sub(f64x2.promote_low_f32x4(i8x16.shuffle(b, b, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15)), sh);
    s0 = f64x2.add(s0, a0);
    s1 = f64x2.add(s1, a1);
    s2 = f64x2.add(s2, b0);
    s3 = f64x2.add(s3, b1);
    q0 = f64x2.add(q0, f64x2.mul(a0, a0));
    q1 = f64x2.add(q1, f64x2.mul(a1, a1));
    q2 = f64x2.add(q2, f64x2.mul(b0, b0));
    q3 = f64x2.add(q3, f64x2.mul(b1, b1));
    mn = f32x4.pmin(f32x4.pmin(mn, a), b);
    mx = f32x4.pmax(f32x4.pmax(mx, a), b);
  }
  const sv = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  const qv = f64x2.add(f64x2.add(q0, q1), f64x2.add(q2, q3));
  let s = f64x2.extract_lane(sv, 0) + f64x2.extract_lane(sv, 1);
  let q = f64x2.extract_lane(qv, 0) + f64x2.extract_lane(qv, 1);
  let lo = min(min(f32x4.extract_lane(mn, 0), f32x4.extract_lane(mn, 1)), min(f32x4.extract_lane(mn, 2), f32x4.extract_lane(mn, 3)));
  let hi = max(max(f32x4.extract_lane(mx, 0), f32x4.extract_lane(mx, 1)), max(f32x4.extract_lane(mx, 2), f32x4.extract_lane(mx, 3)));
  for (; i < count; i++) {
    const x = valueAt(p, i, kind);
    const d = <f64>x - shift;
    s += d;
    q += d * d;
    lo = min(lo, x);
    hi = max(hi, x);
  }
  let finite = <f64>count;
  let nonFinite = 0.0;
  if (!isFinite(q) || !isFinite(s) || !isFinite(lo) || !isFinite(hi)) {
    // a NaN or infinity somewhere (pmin / pmax may have skipped a NaN, the sums did not)
    s = 0;
    q = 0;
    lo = Infinity;
    hi = -Infinity;
    finite = 0;
    for (let j = 0; j < count; j++) {
      const x = valueAt(p, j, kind);
      if (!isFinite(x)) {
        nonFinite += 1;
        continue;
      }
      const d = <f64>x - shift;
      s += d;
      q += d * d;
      lo = min(lo, x);
      hi = max(hi, x);
      finite += 1;
    }
  }
  store<f64>(out, finite);
  store<f64>(out, s, 8);
  store<f64>(out, q, 16);
  store<f64>(out, <f64>lo, 24);
  store<f64>(out, <f64>hi, 32);
  store<f64>(out, nonFinite, 40);
}

/** The sums of `count` float32 values at p (see above). */
export function statsF32(p: usize, count: i32, shift: f64, out: usize): void {
  sums(p, count, shift, out, KIND_F32);
}

/** The sums of `count` bfloat16 bit patterns at p. */
export function statsBf16(p: usize, count: i32, shift: f64, out: usize): void {
  sums(p, count, shift, out, KIND_BF16);
}

/** The sums of `count` float16 bit patterns at p. */
export function statsF16(p: usize, count: i32, shift: f64, out: usize): void {
  sums(p, count, shift, out, KIND_F16);
}
