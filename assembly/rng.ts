// The block generator: splitmix64 seeding + xoshiro128++ in 2 x 4 SIMD lanes.
// The contract (what every value is a function of) is written out in docs/stream.md.
//
//   block b of tensor key K  ->  splitmix64(K) outputs 16b .. 16b+15  ->  8 lane states
//   lane j: s0 = lo(o[2j]), s1 = hi(o[2j]), s2 = lo(o[2j+1]), s3 = hi(o[2j+1])
//   vector A = lanes 0..3, vector B = lanes 4..7; one step yields [A0 A1 A2 A3 B0 B1 B2 B3]
//
// Kernels never allocate and never validate: the TypeScript side does both.
import { FORMAT_F32, halfClampBound, storeHalves } from './convert';

/** Elements per block. Every block starts its own generator state. */
export const BLOCK: i32 = 1024;
/** Steps per block: each step advances all 8 lanes once and yields 8 words. */
export const STEPS: i32 = BLOCK >> 3;

// splitmix64 constants (Steele, Lea & Flood 2014; Vigna's splitmix64.c)
const GAMMA: u64 = 0x9e3779b97f4a7c15; // golden-ratio increment, 11400714819323198485
const MIX1: u64 = 0xbf58476d1ce4e5b9; // 13787848793156543929
const MIX2: u64 = 0x94d049bb133111eb; // 10723151780598845931

/** splitmix64's output function applied to counter value z. */
// @ts-ignore: decorator
@inline export function mix64(z: u64): u64 {
  z = (z ^ (z >> 30)) * MIX1;
  z = (z ^ (z >> 27)) * MIX2;
  return z ^ (z >> 31);
}

/** splitmix64 output number n (0-based) of the stream seeded with key. Exported for tests. */
export function splitmix64At(keyLo: u32, keyHi: u32, n: f64): u64 {
  const key = (<u64>keyHi << 32) | <u64>keyLo;
  return mix64(key + (<u64>n + 1) * GAMMA);
}

// Per-thread scratch. The main instance uses static areas; an instance in a worker that
// shares the memory points them at a region of its own (setRngScratch), so threads never
// write each other's scratch.
/** Bytes of per-thread scratch this file needs (SEED, SCRATCH, WORDS, 64-byte aligned). */
export const RNG_SCRATCH_BYTES: i32 = 128 + BLOCK * 4 * 2;
// Seed area: word w (0..3) of lane j (0..7) at index w*8 + j, so each v128 load is one
// state word of four lanes.
export let SEED: usize = memory.data(128, 64);
/** Scratch for partial blocks (first/last block of a range): one block of 32-bit words. */
export let SCRATCH: usize = memory.data(BLOCK * 4, 64);
/** A second block-sized scratch for kernels that transform a block of words. */
export let WORDS: usize = memory.data(BLOCK * 4, 64);

/** Points this thread's scratch at [base, base + RNG_SCRATCH_BYTES) (base 64-byte aligned). */
export function setRngScratch(base: usize): void {
  SEED = base;
  SCRATCH = base + 128;
  WORDS = base + 128 + BLOCK * 4;
}

/** Writes the 32 seed words of block `block` of key (keyLo, keyHi) into SEED. */
// @ts-ignore: decorator
@inline export function seedBlock(keyLo: u32, keyHi: u32, block: u64): void {
  const key = (<u64>keyHi << 32) | <u64>keyLo;
  let z = key + block * 16 * GAMMA;
  for (let j = 0; j < 8; j++) {
    z += GAMMA;
    const o0 = mix64(z);
    z += GAMMA;
    const o1 = mix64(z);
    store<u32>(SEED + ((0 * 8 + j) << 2), <u32>o0);
    store<u32>(SEED + ((1 * 8 + j) << 2), <u32>(o0 >> 32));
    store<u32>(SEED + ((2 * 8 + j) << 2), <u32>o1);
    store<u32>(SEED + ((3 * 8 + j) << 2), <u32>(o1 >> 32));
  }
}

/** The largest float32 below x (x finite). */
// @ts-ignore: decorator
@inline export function nextDown(x: f32): f32 {
  const bits = reinterpret<u32>(x);
  if (x > 0) return reinterpret<f32>(bits - 1);
  if (x == 0) return reinterpret<f32>(<u32>0x80000001); // -1.4e-45, the negative subnormal next to 0
  return reinterpret<f32>(bits + 1);
}

// @ts-ignore: decorator
@inline export function rotl(x: v128, k: i32): v128 {
  return v128.or(i32x4.shl(x, k), i32x4.shr_u(x, 32 - k));
}

// What a step produces from a block's state, chosen by a compile-time constant after inlining.
export const MODE_U32: i32 = 0;
export const MODE_UNIFORM: i32 = 1;
export const MODE_NORMAL: i32 = 2;

/**
 * Generates the whole block `block` into dst (1024 x 4 bytes), transformed by `mode`.
 * Inlined into each kernel with a constant mode, so the untaken branches fold away.
 * p0, p1: (low, high) for uniform, (mean, std) for normal; top: the largest uniform value, at
 * most the float32 below high (uniformTop).
 */
// @ts-ignore: decorator
@inline function genBlock(mode: i32, dst: usize, keyLo: u32, keyHi: u32, block: u64, p0: f32, p1: f32, top: f32): void {
  seedBlock(keyLo, keyHi, block);
  let a0 = v128.load(SEED, 0);
  let a1 = v128.load(SEED, 32);
  let a2 = v128.load(SEED, 64);
  let a3 = v128.load(SEED, 96);
  let b0 = v128.load(SEED, 16);
  let b1 = v128.load(SEED, 48);
  let b2 = v128.load(SEED, 80);
  let b3 = v128.load(SEED, 112);
  const scale24 = f32x4.splat((p1 - p0) * 5.9604644775390625e-8); // (high - low) * 2^-24
  const low = f32x4.splat(p0);
  // uniform values stay in [low, high): at most the largest float32 below high (or less, top)
  const below = f32x4.splat(top);
  const mean = f32x4.splat(p0);
  const sd = f32x4.splat(p1);
  // Two steps per iteration: the second step's words do not depend on the first step's
  // transform, so an out-of-order core overlaps the two (Box-Muller gains ~30% from it).
  for (let t = 0; t < STEPS; t += 2) {
    // xoshiro128++ (Blackman & Vigna 2018): result = rotl(s0 + s3, 7) + s0
    const ra = i32x4.add(rotl(i32x4.add(a0, a3), 7), a0);
    const rb = i32x4.add(rotl(i32x4.add(b0, b3), 7), b0);
    // state transition, shared by every xoshiro128 variant
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
    // the same for step t + 1
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
    const p = dst + (<usize>t << 5);
    if (mode == MODE_U32) {
      v128.store(p, ra, 0);
      v128.store(p, rb, 16);
      v128.store(p, ra2, 32);
      v128.store(p, rb2, 48);
    } else if (mode == MODE_UNIFORM) {
      // (high - low) * 2^-24 is exact (a power-of-two scaling), so scale24 * k rounds exactly
      // like (high - low) * (k * 2^-24): one multiply saved, same bits. The clamp is pmin
      // (below < x ? below : x): equal to min here, since x is never NaN and below and x are
      // never zeros of opposite sign, and cheaper (min must order NaN and ±0; ~1.26x measured).
      v128.store(p, f32x4.pmin(f32x4.add(low, f32x4.mul(scale24, f32x4.convert_i32x4_s(i32x4.shr_u(ra, 8)))), below), 0);
      v128.store(p, f32x4.pmin(f32x4.add(low, f32x4.mul(scale24, f32x4.convert_i32x4_s(i32x4.shr_u(rb, 8)))), below), 16);
      v128.store(p, f32x4.pmin(f32x4.add(low, f32x4.mul(scale24, f32x4.convert_i32x4_s(i32x4.shr_u(ra2, 8)))), below), 32);
      v128.store(p, f32x4.pmin(f32x4.add(low, f32x4.mul(scale24, f32x4.convert_i32x4_s(i32x4.shr_u(rb2, 8)))), below), 48);
    } else {
      boxMuller(p, ra, rb, mean, sd);
      boxMuller(p + 32, ra2, rb2, mean, sd);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Box-Muller on 4 lanes with our own log and sin/cos (float32, no FMA, so every runtime
// rounds identically). Polynomial coefficients: Cephes single precision (S. Moshier),
// logf.c and sinf.c/cosf.c; accuracy measured in test/normal.test.ts.

// @ts-ignore: decorator
@inline function boxMuller(p: usize, ra: v128, rb: v128, mean: v128, sd: v128): void {
  // u1 = (f32(ra) + 0.5) * 2^-32 in (0, 1]: smallest 2^-33, so |z| reaches sqrt(66 ln 2) = 6.76
  const u1 = f32x4.mul(f32x4.add(f32x4.convert_i32x4_u(ra), f32x4.splat(0.5)), f32x4.splat(2.3283064365386963e-10)); // 2^-32
  // std folded into the radius: (std * r) * cos, one multiply per pair saved
  const r = f32x4.mul(sd, f32x4.sqrt(minus2ln(u1)));
  // The angle: the top 24 bits of rb, as a signed integer k in [-2^23, 2^23), give
  // phi = k * (pi/4) / 2^23 in [-pi/4, pi/4) (exact, no range reduction needed); the low three
  // bits pick one of the 8 symmetries of the square (swap cos/sin, negate each), which carries
  // the arc around 0 onto the whole circle with uniform density.
  const x = f32x4.mul(f32x4.convert_i32x4_s(i32x4.shr_s(rb, 8)), f32x4.splat(9.3626756034457910e-8)); // pi/4 / 2^23
  const z = f32x4.mul(x, x);
  // sin x on [-pi/4, pi/4]: x + x^3 (S1 + S2 z + S3 z^2)
  let sn = f32x4.add(f32x4.mul(f32x4.splat(-1.9515295891e-4), z), f32x4.splat(8.3321608736e-3));
  sn = f32x4.add(f32x4.mul(sn, z), f32x4.splat(-1.6666654611e-1));
  sn = f32x4.add(f32x4.mul(f32x4.mul(sn, z), x), x);
  // cos x on [-pi/4, pi/4]: 1 - z/2 + z^2 (C1 + C2 z + C3 z^2)
  let cs = f32x4.add(f32x4.mul(f32x4.splat(2.443315711809948e-5), z), f32x4.splat(-1.388731625493765e-3));
  cs = f32x4.add(f32x4.mul(cs, z), f32x4.splat(4.166664568298827e-2));
  cs = f32x4.add(f32x4.sub(f32x4.mul(f32x4.mul(cs, z), z), f32x4.mul(z, f32x4.splat(0.5))), f32x4.splat(1.0));
  //   bit 0 of rb: swap  (c, s) -> (s, c)     bit 1: negate the first     bit 2: negate the second
  const swap = i32x4.shr_s(i32x4.shl(rb, 31), 31);
  const first = v128.xor(v128.bitselect(sn, cs, swap), v128.and(i32x4.shl(rb, 30), i32x4.splat(0x80000000)));
  const second = v128.xor(v128.bitselect(cs, sn, swap), v128.and(i32x4.shl(rb, 29), i32x4.splat(0x80000000)));
  v128.store(p, f32x4.add(mean, f32x4.mul(r, first)), 0);
  v128.store(p, f32x4.add(mean, f32x4.mul(r, second)), 16);
}

/**
 * -2 ln(u) for 4 positive, normal float32 lanes: the squared Box-Muller radius.
 *   u = m * 2^e, m in [sqrt(1/2), sqrt(2));  s = (m - 1) / (m + 1), |s| <= 0.1716
 *   ln m = 2 atanh(s) = 2s + s^3 (2/3 + 2/5 s^2 + 2/7 s^4 + 2/9 s^6)   (truncation < 1e-9 relative)
 *   ln u = e * ln2 + ln m, with ln2 split in two (Cody & Waite) so e * ln2_hi is exact.
 * The factor -2 is folded into every constant: scaling by a power of two commutes with
 * rounding, so this is bit-identical to computing ln u and multiplying by -2, one multiply less.
 */
// @ts-ignore: decorator
@inline function minus2ln(u: v128): v128 {
  let e = i32x4.sub(i32x4.shr_u(u, 23), i32x4.splat(126));
  let m = v128.or(v128.and(u, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // [0.5, 1)
  const small = f32x4.lt(m, f32x4.splat(0.70710678118654752440)); // sqrt(1/2)
  e = i32x4.add(e, small); // small lanes are all-ones = -1
  m = f32x4.add(m, v128.and(m, small)); // doubled where small: m in [sqrt(1/2), sqrt(2))
  const s = f32x4.div(f32x4.sub(m, f32x4.splat(1.0)), f32x4.add(m, f32x4.splat(1.0)));
  const s2 = f32x4.mul(s, s);
  let t = f32x4.add(f32x4.mul(s2, f32x4.splat(-0.44444444444444444)), f32x4.splat(-0.57142857142857143)); // -2 * (2/9, 2/7)
  t = f32x4.add(f32x4.mul(t, s2), f32x4.splat(-0.8)); // -2 * 2/5
  t = f32x4.add(f32x4.mul(t, s2), f32x4.splat(-1.3333333333333333)); // -2 * 2/3
  const ef = f32x4.convert_i32x4_s(e);
  const lnm = f32x4.add(f32x4.mul(s, f32x4.splat(-4.0)), f32x4.mul(f32x4.mul(s, s2), t)); // -2 * (2s + s^3 t)
  // -2 ln2 = -2 * (0.693359375 (exact in 9 bits) - 2.12194440e-4)
  return f32x4.add(f32x4.add(lnm, f32x4.mul(ef, f32x4.splat(4.24388880e-4))), f32x4.mul(ef, f32x4.splat(-1.38671875)));
}

// ---------------------------------------------------------------------------------------
// Kernels. ABI: (out, start, count, keyLo, keyHi, params...) fills elements
// [start, start + count) of the tensor's flat index space; out points at element `start`.

// The block walk every kernel shares: the blocks that elements [start, start + count) touch,
// in order, and for each the part [walkLo, walkHi) of the range inside it. Usage:
//   walkBegin(start, count); while (walkNext()) { ... walkBlock, walkBlockStart, walkLo, walkHi ... }
// Element i of the range is written at out + (i - walkFirst) * elementBytes.
let walkEnd: u64 = 0;
let walkNextBlock: u64 = 0;
/** First element of the range. */
export let walkFirst: u64 = 0;
/** The current block's index and its first element (walkBlock · BLOCK). */
export let walkBlock: u64 = 0;
export let walkBlockStart: u64 = 0;
/** The current block's part of the range: elements [walkLo, walkHi). */
export let walkLo: u64 = 0;
export let walkHi: u64 = 0;

// @ts-ignore: decorator
@inline export function walkBegin(start: f64, count: i32): void {
  walkFirst = <u64>start;
  walkEnd = walkFirst + <u64>count;
  walkNextBlock = walkFirst / <u64>BLOCK;
}

// @ts-ignore: decorator
@inline export function walkNext(): bool {
  const bs = walkNextBlock * <u64>BLOCK;
  if (bs >= walkEnd) return false;
  walkBlock = walkNextBlock;
  walkBlockStart = bs;
  walkLo = bs > walkFirst ? bs : walkFirst;
  const be = bs + <u64>BLOCK;
  walkHi = be < walkEnd ? be : walkEnd;
  walkNextBlock++;
  return true;
}

// Output formats (assembly/convert.ts FORMAT_*): float32 is written straight into place (a
// partial block through SCRATCH); a float16 / bfloat16 block is made as float32 in SCRATCH (L1)
// and storeHalves clamps it into [c0, c1] (the float32 values of the half bounds) and writes the
// rounded half bits.
// @ts-ignore: decorator
@inline function fillRange(mode: i32, format: i32, out: usize, start: f64, count: i32, keyLo: u32, keyHi: u32, p0: f32, p1: f32, c0: f32, c1: f32): void {
  const shift: usize = format == FORMAT_F32 ? 2 : 1; // log2 of an output element's bytes
  // uniform as halves: the upper half bound joins the clamp below high in the generator (the
  // smaller of the two; the same values, pmin after pmin), and the lower one is left out where
  // low rounds to it (values are never below low)
  const below = nextDown(p1);
  const uniformHalf = mode == MODE_UNIFORM && format != FORMAT_F32;
  const top = uniformHalf && c1 < below ? c1 : below;
  const lo: f32 = uniformHalf ? halfClampBound(format, p0, c0, -Infinity) : c0;
  const hi: f32 = uniformHalf ? Infinity : c1;
  walkBegin(start, count);
  while (walkNext()) {
    const dst = out + (<usize>(walkLo - walkFirst) << shift);
    if (format == FORMAT_F32 && walkLo == walkBlockStart && walkHi == walkBlockStart + <u64>BLOCK) {
      genBlock(mode, dst, keyLo, keyHi, walkBlock, p0, p1, top);
    } else {
      genBlock(mode, SCRATCH, keyLo, keyHi, walkBlock, p0, p1, top);
      const from = SCRATCH + (<usize>(walkLo - walkBlockStart) << 2);
      const n = <i32>(walkHi - walkLo);
      if (format == FORMAT_F32) memory.copy(dst, from, <usize>n << 2);
      else storeHalves(format, from, dst, n, lo, hi);
    }
  }
}

/** Raw 32-bit xoshiro128++ words, in block order. */
export function fillU32(out: usize, start: f64, count: i32, keyLo: u32, keyHi: u32): void {
  fillRange(MODE_U32, FORMAT_F32, out, start, count, keyLo, keyHi, 0, 0, 0, 0);
}

/**
 * Uniform values in [low, high): float32 (format 0), or float16 / bfloat16 bits (format 1 / 2,
 * assembly/convert.ts) of the float32 value clamped into [clampLo, clampHi] (the float32 values
 * of the half bounds), rounded to nearest even.
 */
export function fillUniform(out: usize, start: f64, count: i32, keyLo: u32, keyHi: u32, low: f32, high: f32, format: i32, clampLo: f32, clampHi: f32): void {
  fillRange(MODE_UNIFORM, format, out, start, count, keyLo, keyHi, low, high, clampLo, clampHi);
}

/**
 * Normal values with the given mean and std (Box-Muller): float32 (format 0), or float16 /
 * bfloat16 bits (format 1 / 2) of the float32 value clamped into [clampLo, clampHi] (±Infinity:
 * no bounds), rounded to nearest even.
 */
export function fillNormal(out: usize, start: f64, count: i32, keyLo: u32, keyHi: u32, mean: f32, std: f32, format: i32, clampLo: f32, clampHi: f32): void {
  fillRange(MODE_NORMAL, format, out, start, count, keyLo, keyHi, mean, std, clampLo, clampHi);
}

/**
 * Writes the 1024 raw words of block `block` into dst (4096 bytes). For kernels that
 * transform the stream in a second pass over an L1-resident block (truncated normal, ...).
 */
export function blockWords(dst: usize, keyLo: u32, keyHi: u32, block: f64): void {
  genBlock(MODE_U32, dst, keyLo, keyHi, <u64>block, 0, 0, 0);
}

/** First address the TS allocator may use (above data segments). */
export function heapBase(): usize {
  return __heap_base;
}
