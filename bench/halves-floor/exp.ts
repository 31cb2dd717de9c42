// An experiment, not part of the library: half output converted in registers inside the block
// generator, written straight to the destination, and a floor that does not round at all.
// Compared against assembly/rng.ts's fillUniform / fillNormal (re-exported unchanged) by
// bench/halves-floor/run.mjs.
import { storeHalves, halfClampBound, FORMAT_F16, FORMAT_BF16 } from '../../assembly/convert';
export { fillUniform, fillNormal, heapBase } from '../../assembly/rng';

// the library's generator pieces (assembly/rng.ts): block seeding, state rotation, the float below high
import { BLOCK, STEPS, SEED, SCRATCH, nextDown, rotl, seedBlock } from '../../assembly/rng';

const MODE_UNIFORM: i32 = 1;
const MODE_NORMAL: i32 = 2;

// Output variants (compile-time after inlining)
const V_F32: i32 = 0;
const V_F16: i32 = 1; // exact float16, in registers (convert.ts eight()'s method)
const V_BF16_32: i32 = 2; // exact bfloat16, 32-bit lanes: x + 0x7fff + odd, high halves
const V_BF16_16: i32 = 3; // exact bfloat16, 16-bit lanes: H + (avgr_u(L, (H & 1) + 0x7ffe) >> 15)
const V_BF16_FLOOR_NARROW: i32 = 4; // NOT exact: truncation, shr_u 16 + narrow
const V_BF16_FLOOR_SHUF: i32 = 5; // NOT exact: truncation, i8x16.shuffle of the high halves
const V_BF16_16G: i32 = 6; // exact bfloat16, 16-bit lanes: H - gt_u(L, 0x8000 - odd)

const K: usize = memory.data<i32>([
  0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff, // 0: |x|
  0xfff - 0x38000000, 0xfff - 0x38000000, 0xfff - 0x38000000, 0xfff - 0x38000000, // 16
  1, 1, 1, 1, // 32
  0x38800000, 0x38800000, 0x38800000, 0x38800000, // 48: 2^-14
  0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000, // 64: 0.5
  0x80008000, 0x80008000, 0x80008000, 0x80008000, // 80
  0x7fff, 0x7fff, 0x7fff, 0x7fff, // 96
  0x00010001, 0x00010001, 0x00010001, 0x00010001, // 112: 1 in 16-bit lanes
  0x7ffe7ffe, 0x7ffe7ffe, 0x7ffe7ffe, 0x7ffe7ffe, // 128: 0x7ffe in 16-bit lanes
  0x80008000, 0x80008000, 0x80008000, 0x80008000, // 144: 0x8000 in 16-bit lanes
], 16);

/** 8 float32 (x0, x1) -> 8 halves, by variant. */
// @ts-ignore: decorator
@inline function toHalves(w: i32, x0: v128, x1: v128,
  abs: v128, f16Bias: v128, one: v128, min: v128, half: v128, sign: v128, bfBias: v128, one16: v128, c7ffe: v128, c8000: v128): v128 {
  const v = w % 10;
  if (v == V_F16) {
    const m0 = halfMagnitude(v128.and(x0, abs), f16Bias, one, min, half);
    const m1 = halfMagnitude(v128.and(x1, abs), f16Bias, one, min, half);
    return v128.or(i16x8.narrow_i32x4_u(m0, m1), v128.and(i16x8.narrow_i32x4_s(x0, x1), sign));
  } else if (v == V_BF16_32) {
    const r0 = i32x4.add(i32x4.add(x0, bfBias), v128.and(i32x4.shr_u(x0, 16), one));
    const r1 = i32x4.add(i32x4.add(x1, bfBias), v128.and(i32x4.shr_u(x1, 16), one));
    return i16x8.narrow_i32x4_u(i32x4.shr_u(r0, 16), i32x4.shr_u(r1, 16));
  } else if (v == V_BF16_16) {
    const H = i8x16.shuffle(x0, x1, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
    const L = i8x16.shuffle(x0, x1, 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29);
    const carry = i16x8.shr_u(i16x8.avgr_u(L, i16x8.add(v128.and(H, one16), c7ffe)), 15);
    return i16x8.add(H, carry);
  } else if (v == V_BF16_16G) {
    const H = i8x16.shuffle(x0, x1, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
    const L = i8x16.shuffle(x0, x1, 0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29);
    // carry iff L + 0x7fff + odd >= 0x10000 iff L > 0x8000 - odd
    return i16x8.sub(H, i16x8.gt_u(L, i16x8.sub(c8000, v128.and(H, one16))));
  } else if (v == V_BF16_FLOOR_NARROW) {
    return i16x8.narrow_i32x4_u(i32x4.shr_u(x0, 16), i32x4.shr_u(x1, 16));
  } else {
    return i8x16.shuffle(x0, x1, 2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
  }
}

// @ts-ignore: decorator
@inline function halfMagnitude(a: v128, bias: v128, one: v128, min: v128, half: v128): v128 {
  const normal = i32x4.shr_s(i32x4.add(i32x4.add(a, bias), v128.and(i32x4.shr_u(a, 13), one)), 13);
  const subnormal = i32x4.sub(f32x4.add(i32x4.min_s(a, min), half), half);
  return i32x4.max_s(normal, subnormal);
}

// @ts-ignore: decorator
@inline function genBlock(mode: i32, v: i32, clamp: bool, dst: usize, keyLo: u32, keyHi: u32, block: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void {
  seedBlock(keyLo, keyHi, block);
  let a0 = v128.load(SEED, 0);
  let a1 = v128.load(SEED, 32);
  let a2 = v128.load(SEED, 64);
  let a3 = v128.load(SEED, 96);
  let b0 = v128.load(SEED, 16);
  let b1 = v128.load(SEED, 48);
  let b2 = v128.load(SEED, 80);
  let b3 = v128.load(SEED, 112);
  const scale24 = f32x4.splat((p1 - p0) * 5.9604644775390625e-8);
  const low = f32x4.splat(p0);
  const below = f32x4.splat(top);
  const mean = f32x4.splat(p0);
  const sd = f32x4.splat(p1);
  const cl = f32x4.splat(lo);
  const ch = f32x4.splat(hi);
  // v >= 10: the same variant (v - 10) with the constants as v128.const at each use
  const inl = v >= 10;
  const abs = inl ? i32x4.splat(0x7fffffff) : v128.load(K, 0);
  const f16Bias = inl ? i32x4.splat(0xfff - 0x38000000) : v128.load(K, 16);
  const one = inl ? i32x4.splat(1) : v128.load(K, 32);
  const min = inl ? i32x4.splat(0x38800000) : v128.load(K, 48);
  const half = inl ? i32x4.splat(0x3f000000) : v128.load(K, 64);
  const sign = inl ? i32x4.splat(0x80008000) : v128.load(K, 80);
  const bfBias = inl ? i32x4.splat(0x7fff) : v128.load(K, 96);
  const one16 = inl ? i32x4.splat(0x00010001) : v128.load(K, 112);
  const c7ffe = inl ? i32x4.splat(0x7ffe7ffe) : v128.load(K, 128);
  const c8000 = inl ? i32x4.splat(0x80008000) : v128.load(K, 144);
  for (let t = 0; t < STEPS; t += 2) {
    const ra = i32x4.add(rotl(i32x4.add(a0, a3), 7), a0);
    const rb = i32x4.add(rotl(i32x4.add(b0, b3), 7), b0);
    let ta = i32x4.shl(a1, 9);
    let tb = i32x4.shl(b1, 9);
    a2 = v128.xor(a2, a0);
    b2 = v128.xor(b2, b0);
    a3 = v128.xor(a3, a1);
    b3 = v128.xor(b3, b1);
    a1 = v128.xor(a1, a2);
    b1 = v128.xor(b1, b2);
    a0 = v128.xor(a0, a3);
    b0 = v128.xor(b0, b3);
    a2 = v128.xor(a2, ta);
    b2 = v128.xor(b2, tb);
    a3 = rotl(a3, 11);
    b3 = rotl(b3, 11);
    const ra2 = i32x4.add(rotl(i32x4.add(a0, a3), 7), a0);
    const rb2 = i32x4.add(rotl(i32x4.add(b0, b3), 7), b0);
    ta = i32x4.shl(a1, 9);
    tb = i32x4.shl(b1, 9);
    a2 = v128.xor(a2, a0);
    b2 = v128.xor(b2, b0);
    a3 = v128.xor(a3, a1);
    b3 = v128.xor(b3, b1);
    a1 = v128.xor(a1, a2);
    b1 = v128.xor(b1, b2);
    a0 = v128.xor(a0, a3);
    b0 = v128.xor(b0, b3);
    a2 = v128.xor(a2, ta);
    b2 = v128.xor(b2, tb);
    a3 = rotl(a3, 11);
    b3 = rotl(b3, 11);
    if (mode == MODE_UNIFORM) {
      let y0 = f32x4.pmin(f32x4.add(low, f32x4.mul(scale24, f32x4.convert_i32x4_s(i32x4.shr_u(ra, 8)))), below);
      let y1 = f32x4.pmin(f32x4.add(low, f32x4.mul(scale24, f32x4.convert_i32x4_s(i32x4.shr_u(rb, 8)))), below);
      let y2 = f32x4.pmin(f32x4.add(low, f32x4.mul(scale24, f32x4.convert_i32x4_s(i32x4.shr_u(ra2, 8)))), below);
      let y3 = f32x4.pmin(f32x4.add(low, f32x4.mul(scale24, f32x4.convert_i32x4_s(i32x4.shr_u(rb2, 8)))), below);
      emit(v, clamp, dst, t, 0, y0, y1, cl, ch, abs, f16Bias, one, min, half, sign, bfBias, one16, c7ffe, c8000);
      emit(v, clamp, dst, t, 1, y2, y3, cl, ch, abs, f16Bias, one, min, half, sign, bfBias, one16, c7ffe, c8000);
    } else {
      const r = bmRadius(ra, sd);
      const s = bmSin(rb);
      const c = bmCos(rb);
      const swap = i32x4.shr_s(i32x4.shl(rb, 31), 31);
      const y0 = f32x4.add(mean, f32x4.mul(r, v128.xor(v128.bitselect(s, c, swap), v128.and(i32x4.shl(rb, 30), i32x4.splat(0x80000000)))));
      const y1 = f32x4.add(mean, f32x4.mul(r, v128.xor(v128.bitselect(c, s, swap), v128.and(i32x4.shl(rb, 29), i32x4.splat(0x80000000)))));
      emit(v, clamp, dst, t, 0, y0, y1, cl, ch, abs, f16Bias, one, min, half, sign, bfBias, one16, c7ffe, c8000);
      const r2 = bmRadius(ra2, sd);
      const s2 = bmSin(rb2);
      const c2 = bmCos(rb2);
      const swap2 = i32x4.shr_s(i32x4.shl(rb2, 31), 31);
      const y2 = f32x4.add(mean, f32x4.mul(r2, v128.xor(v128.bitselect(s2, c2, swap2), v128.and(i32x4.shl(rb2, 30), i32x4.splat(0x80000000)))));
      const y3 = f32x4.add(mean, f32x4.mul(r2, v128.xor(v128.bitselect(c2, s2, swap2), v128.and(i32x4.shl(rb2, 29), i32x4.splat(0x80000000)))));
      emit(v, clamp, dst, t, 1, y2, y3, cl, ch, abs, f16Bias, one, min, half, sign, bfBias, one16, c7ffe, c8000);
    }
  }
}

/** Writes 8 values (y0, y1) of step pair `half` (0 or 1) of iteration t. */
// @ts-ignore: decorator
@inline function emit(v: i32, clamp: bool, dst: usize, t: i32, h: i32, y0: v128, y1: v128, cl: v128, ch: v128,
  abs: v128, f16Bias: v128, one: v128, min: v128, half: v128, sign: v128, bfBias: v128, one16: v128, c7ffe: v128, c8000: v128): void {
  if (v == V_F32) {
    const p = dst + (<usize>t << 5) + (<usize>h << 5);
    v128.store(p, y0, 0);
    v128.store(p, y1, 16);
  } else {
    if (clamp) {
      y0 = f32x4.pmax(f32x4.pmin(y0, ch), cl);
      y1 = f32x4.pmax(f32x4.pmin(y1, ch), cl);
    }
    v128.store(dst + (<usize>t << 4) + (<usize>h << 4), toHalves(v, y0, y1, abs, f16Bias, one, min, half, sign, bfBias, one16, c7ffe, c8000));
  }
}

// @ts-ignore: decorator
@inline function bmRadius(ra: v128, sd: v128): v128 {
  const u1 = f32x4.mul(f32x4.add(f32x4.convert_i32x4_u(ra), f32x4.splat(0.5)), f32x4.splat(2.3283064365386963e-10));
  return f32x4.mul(sd, f32x4.sqrt(minus2ln(u1)));
}
// @ts-ignore: decorator
@inline function bmSin(rb: v128): v128 {
  const x = f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_s(rb, 8)), f32x4.splat(9.3626756034457910e-8));
  const z = f32x4.mul(x, x);
  let sn = f32x4.add(f32x4.mul(f32x4.splat(-1.9515295891e-4), z), f32x4.splat(8.3321608736e-3));
  sn = f32x4.add(f32x4.mul(sn, z), f32x4.splat(-1.6666654611e-1));
  return f32x4.add(f32x4.mul(f32x4.mul(sn, z), x), x);
}
// @ts-ignore: decorator
@inline function bmCos(rb: v128): v128 {
  const x = f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_s(rb, 8)), f32x4.splat(9.3626756034457910e-8));
  const z = f32x4.mul(x, x);
  let cs = f32x4.add(f32x4.mul(f32x4.splat(2.443315711809948e-5), z), f32x4.splat(-1.388731625493765e-3));
  cs = f32x4.add(f32x4.mul(cs, z), f32x4.splat(4.166664568298827e-2));
  return f32x4.add(f32x4.sub(f32x4.mul(f32x4.mul(cs, z), z), f32x4.mul(z, f32x4.splat(0.5))), f32x4.splat(1.0));
}
// @ts-ignore: decorator
@inline function minus2ln(u: v128): v128 {
  let e = i32x4.sub(i32x4.shr_u(u, 23), i32x4.splat(126));
  let m = v128.or(v128.and(u, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000));
  const small = f32x4.lt(m, f32x4.splat(0.70710678118654752440));
  e = i32x4.add(e, small);
  m = f32x4.add(m, v128.and(m, small));
  const s = f32x4.div(f32x4.sub(m, f32x4.splat(1.0)), f32x4.add(m, f32x4.splat(1.0)));
  const s2 = f32x4.mul(s, s);
  let t = f32x4.add(f32x4.mul(s2, f32x4.splat(-0.44444444444444444)), f32x4.splat(-0.57142857142857143));
  t = f32x4.add(f32x4.mul(t, s2), f32x4.splat(-0.8));
  t = f32x4.add(f32x4.mul(t, s2), f32x4.splat(-1.3333333333333333));
  const ef = f32x4.convert_i32x4_s(e);
  const lnm = f32x4.add(f32x4.mul(s, f32x4.splat(-4.0)), f32x4.mul(f32x4.mul(s, s2), t));
  return f32x4.add(f32x4.add(lnm, f32x4.mul(ef, f32x4.splat(4.24388880e-4))), f32x4.mul(ef, f32x4.splat(-1.38671875)));
}

// @ts-ignore: decorator
@inline function fillRange(mode: i32, v: i32, out: usize, start: f64, count: i32, keyLo: u32, keyHi: u32, p0: f32, p1: f32, c0: f32, c1: f32): void {
  const shift: usize = v == V_F32 ? 2 : 1;
  const format = v % 10 == V_F16 ? FORMAT_F16 : FORMAT_BF16;
  const below = nextDown(p1);
  const uniformHalf = mode == MODE_UNIFORM && v != V_F32;
  const top = uniformHalf && c1 < below ? c1 : below;
  const lo: f32 = uniformHalf ? halfClampBound(format, p0, c0, -Infinity) : c0;
  const hi: f32 = uniformHalf ? Infinity : c1;
  const noClamp = lo == -Infinity && hi == Infinity;
  const first = <u64>start;
  const end = first + <u64>count;
  let b = first / <u64>BLOCK;
  for (;; b++) {
    const bs = b * <u64>BLOCK;
    if (bs >= end) break;
    const wlo = bs > first ? bs : first;
    const be = bs + <u64>BLOCK;
    const whi = be < end ? be : end;
    const dst = out + (<usize>(wlo - first) << shift);
    if (wlo == bs && whi == be) {
      if (v == V_F32) genBlock(mode, v, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi);
      else if (mode == 1 && v == 1) { if (noClamp) blk_u1_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_u1_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 1 && v == 2) { if (noClamp) blk_u2_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_u2_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 1 && v == 3) { if (noClamp) blk_u3_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_u3_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 1 && v == 4) { if (noClamp) blk_u4_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_u4_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 1 && v == 5) { if (noClamp) blk_u5_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_u5_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 1 && v == 6) { if (noClamp) blk_u6_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_u6_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 1 && v == 11) { if (noClamp) blk_u11_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_u11_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 1 && v == 12) { if (noClamp) blk_u12_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_u12_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 1 && v == 13) { if (noClamp) blk_u13_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_u13_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 1 && v == 14) { if (noClamp) blk_u14_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_u14_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 1 && v == 16) { if (noClamp) blk_u16_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_u16_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 2 && v == 1) { if (noClamp) blk_n1_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_n1_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 2 && v == 2) { if (noClamp) blk_n2_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_n2_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 2 && v == 3) { if (noClamp) blk_n3_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_n3_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 2 && v == 4) { if (noClamp) blk_n4_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_n4_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 2 && v == 5) { if (noClamp) blk_n5_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_n5_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 2 && v == 6) { if (noClamp) blk_n6_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_n6_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 2 && v == 11) { if (noClamp) blk_n11_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_n11_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 2 && v == 12) { if (noClamp) blk_n12_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_n12_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 2 && v == 13) { if (noClamp) blk_n13_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_n13_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 2 && v == 14) { if (noClamp) blk_n14_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_n14_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
      else if (mode == 2 && v == 16) { if (noClamp) blk_n16_0(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); else blk_n16_1(dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
    } else {
      genBlock(mode, V_F32, false, SCRATCH, keyLo, keyHi, b, p0, p1, top, lo, hi);
      const from = SCRATCH + (<usize>(wlo - bs) << 2);
      const n = <i32>(whi - wlo);
      if (v == V_F32) memory.copy(dst, from, <usize>n << 2);
      else storeHalves(format, from, dst, n, lo, hi);
    }
  }
}

// One function per (mode, variant, clamp): copies inlined side by side get folded by the optimizer into one loop testing `clamp`.
function blk_u1_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 1, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u1_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 1, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u2_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 2, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u2_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 2, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u3_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 3, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u3_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 3, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u4_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 4, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u4_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 4, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u5_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 5, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u5_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 5, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u6_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 6, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u6_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 6, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u11_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 11, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u11_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 11, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u12_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 12, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u12_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 12, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u13_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 13, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u13_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 13, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u14_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 14, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u14_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 14, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u16_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 16, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_u16_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(1, 16, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n1_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 1, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n1_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 1, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n2_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 2, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n2_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 2, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n3_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 3, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n3_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 3, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n4_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 4, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n4_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 4, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n5_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 5, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n5_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 5, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n6_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 6, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n6_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 6, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n11_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 11, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n11_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 11, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n12_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 12, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n12_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 12, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n13_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 13, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n13_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 13, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n14_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 14, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n14_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 14, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n16_0(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 16, false, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }
function blk_n16_1(dst: usize, keyLo: u32, keyHi: u32, b: u64, p0: f32, p1: f32, top: f32, lo: f32, hi: f32): void { genBlock(2, 16, true, dst, keyLo, keyHi, b, p0, p1, top, lo, hi); }

function u0(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_UNIFORM, 0, o, s, n, kl, kh, a, b, c0, c1); }
function u1(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_UNIFORM, 1, o, s, n, kl, kh, a, b, c0, c1); }
function u2(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_UNIFORM, 2, o, s, n, kl, kh, a, b, c0, c1); }
function u3(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_UNIFORM, 3, o, s, n, kl, kh, a, b, c0, c1); }
function u4(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_UNIFORM, 4, o, s, n, kl, kh, a, b, c0, c1); }
function u5(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_UNIFORM, 5, o, s, n, kl, kh, a, b, c0, c1); }
function u6(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_UNIFORM, 6, o, s, n, kl, kh, a, b, c0, c1); }
function n0(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_NORMAL, 0, o, s, n, kl, kh, a, b, c0, c1); }
function n1(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_NORMAL, 1, o, s, n, kl, kh, a, b, c0, c1); }
function n2(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_NORMAL, 2, o, s, n, kl, kh, a, b, c0, c1); }
function n3(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_NORMAL, 3, o, s, n, kl, kh, a, b, c0, c1); }
function n4(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_NORMAL, 4, o, s, n, kl, kh, a, b, c0, c1); }
function n5(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_NORMAL, 5, o, s, n, kl, kh, a, b, c0, c1); }
function n6(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_NORMAL, 6, o, s, n, kl, kh, a, b, c0, c1); }

function u11(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_UNIFORM, 11, o, s, n, kl, kh, a, b, c0, c1); }
function u12(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_UNIFORM, 12, o, s, n, kl, kh, a, b, c0, c1); }
function u13(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_UNIFORM, 13, o, s, n, kl, kh, a, b, c0, c1); }
function u14(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_UNIFORM, 14, o, s, n, kl, kh, a, b, c0, c1); }
function u16(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_UNIFORM, 16, o, s, n, kl, kh, a, b, c0, c1); }
function n11(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_NORMAL, 11, o, s, n, kl, kh, a, b, c0, c1); }
function n12(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_NORMAL, 12, o, s, n, kl, kh, a, b, c0, c1); }
function n13(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_NORMAL, 13, o, s, n, kl, kh, a, b, c0, c1); }
function n14(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_NORMAL, 14, o, s, n, kl, kh, a, b, c0, c1); }
function n16(o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void { fillRange(MODE_NORMAL, 16, o, s, n, kl, kh, a, b, c0, c1); }

/** variant v (V_*): the experiment's uniform fill. */
export function xUniform(v: i32, o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void {
  switch (v) {
    case 0: u0(o, s, n, kl, kh, a, b, c0, c1); break;
    case 1: u1(o, s, n, kl, kh, a, b, c0, c1); break;
    case 2: u2(o, s, n, kl, kh, a, b, c0, c1); break;
    case 3: u3(o, s, n, kl, kh, a, b, c0, c1); break;
    case 4: u4(o, s, n, kl, kh, a, b, c0, c1); break;
    case 5: u5(o, s, n, kl, kh, a, b, c0, c1); break;
    case 6: u6(o, s, n, kl, kh, a, b, c0, c1); break;
    case 11: u11(o, s, n, kl, kh, a, b, c0, c1); break;
    case 12: u12(o, s, n, kl, kh, a, b, c0, c1); break;
    case 13: u13(o, s, n, kl, kh, a, b, c0, c1); break;
    case 14: u14(o, s, n, kl, kh, a, b, c0, c1); break;
    case 16: u16(o, s, n, kl, kh, a, b, c0, c1); break;
    default: u6(o, s, n, kl, kh, a, b, c0, c1); break;
  }
}
export function xNormal(v: i32, o: usize, s: f64, n: i32, kl: u32, kh: u32, a: f32, b: f32, c0: f32, c1: f32): void {
  switch (v) {
    case 0: n0(o, s, n, kl, kh, a, b, c0, c1); break;
    case 1: n1(o, s, n, kl, kh, a, b, c0, c1); break;
    case 2: n2(o, s, n, kl, kh, a, b, c0, c1); break;
    case 3: n3(o, s, n, kl, kh, a, b, c0, c1); break;
    case 4: n4(o, s, n, kl, kh, a, b, c0, c1); break;
    case 5: n5(o, s, n, kl, kh, a, b, c0, c1); break;
    case 6: n6(o, s, n, kl, kh, a, b, c0, c1); break;
    case 11: n11(o, s, n, kl, kh, a, b, c0, c1); break;
    case 12: n12(o, s, n, kl, kh, a, b, c0, c1); break;
    case 13: n13(o, s, n, kl, kh, a, b, c0, c1); break;
    case 14: n14(o, s, n, kl, kh, a, b, c0, c1); break;
    case 16: n16(o, s, n, kl, kh, a, b, c0, c1); break;
    default: n6(o, s, n, kl, kh, a, b, c0, c1); break;
  }
}
