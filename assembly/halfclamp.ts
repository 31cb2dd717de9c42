// Keeps float16 / bfloat16 values inside bounds after rounding (docs/stream.md, "dtypes"): a
// value that rounding carried onto or past a bound becomes the nearest half value inside.
//
// Half bit patterns are sign and magnitude. key(b) = 0x8000 + b for b >= 0 (sign clear) and
// 0x8000 - (b & 0x7fff) for negatives maps them to u16 in value order, with -0 and +0 on one
// key. Per 8 lanes: key, clamp to [loKey, hiKey] with unsigned min/max, and where the key
// changed write the half value of the clamped key (so untouched lanes keep their bits, -0 too).

// @ts-ignore: decorator
@inline function keyOf(b: v128): v128 {
  const s = i16x8.shr_s(b, 15); // all ones in negative lanes
  const m = v128.and(b, i16x8.splat(0x7fff));
  // negative lanes: 0x8000 - m = 0x8000 + ((m ^ -1) + 1); positive: 0x8000 + m
  return i16x8.add(i16x8.splat(<i16>0x8000), i16x8.sub(v128.xor(m, s), s));
}

// @ts-ignore: decorator
@inline function bitsOf(k: v128): v128 {
  const v = i16x8.sub(k, i16x8.splat(<i16>0x8000)); // the signed value order, 0 for zero
  const s = i16x8.shr_s(v, 15);
  const mag = i16x8.sub(v128.xor(v, s), s); // |v|
  return v128.or(mag, v128.and(s, i16x8.splat(<i16>0x8000)));
}

// @ts-ignore: decorator
@inline function keyScalar(b: u32): u32 {
  return b & 0x8000 ? 0x8000 - (b & 0x7fff) : 0x8000 + b;
}

/** Clamps `count` half values at p into the keys [loKey, hiKey] (see above). */
export function clampHalfBits(p: usize, count: i32, loKey: u32, hiKey: u32, lo: u32, hi: u32): void {
  const kl = i16x8.splat(<i16>loKey);
  const kh = i16x8.splat(<i16>hiKey);
  let i = 0;
  for (; i + 8 <= count; i += 8) {
    const a = p + (<usize>i << 1);
    const b = v128.load(a);
    const k = keyOf(b);
    const c = i16x8.min_u(i16x8.max_u(k, kl), kh);
    const changed = v128.not(i16x8.eq(c, k));
    if (v128.any_true(changed)) v128.store(a, v128.bitselect(bitsOf(c), b, changed));
  }
  for (; i < count; i++) {
    const a = p + (<usize>i << 1);
    const k = keyScalar(<u32>load<u16>(a));
    if (k < loKey) store<u16>(a, <u16>lo);
    else if (k > hiKey) store<u16>(a, <u16>hi);
  }
}
