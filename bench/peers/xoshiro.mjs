// Plain-JS peer: xoshiro128+ (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128plus.c),
// scalar, state held in four int32 locals so V8 keeps it in registers. Seeded with splitmix32.
// This is what a careful JS author writes without SIMD or wasm: the best pure-JS baseline.

/** 2^-24 (5.9604644775390625e-8): one step of a 24-bit float in [0, 1). */
const TWO_M24 = 5.9604644775390625e-8;
/** 2^-31 (4.656612873077393e-10): int32 -> [-1, 1). */
const TWO_M31 = 4.656612873077393e-10;

/** splitmix32 (Vigna's 32-bit variant of splitmix64) for seeding: never an all-zero state. */
function seedState(seed) {
  let z = seed | 0;
  const s = new Int32Array(4);
  for (let i = 0; i < 4; i++) {
    z = (z + 0x9e3779b9) | 0;
    let t = z;
    t = Math.imul(t ^ (t >>> 16), 0x85ebca6b);
    t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35);
    s[i] = t ^ (t >>> 16);
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

/** Fills `out` with uniforms in [0, 1), multiples of 2^-24 (top 24 bits of xoshiro128+). */
export function xoshiroUniform(out, seed) {
  const st = seedState(seed);
  let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const r = (s0 + s3) | 0;
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    out[i] = (r >>> 8) * TWO_M24;
  }
  return out;
}

/**
 * Fills `out` with standard normals: Marsaglia's polar method on xoshiro128+ pairs.
 * u, v = full 32-bit words scaled to [-1, 1); reject s = u^2 + v^2 outside (0, 1);
 * both z = u * f and v * f with f = sqrt(-2 ln s / s) are used.
 */
export function xoshiroPolar(out, seed) {
  const st = seedState(seed);
  let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
  const n = out.length;
  let i = 0;
  while (i < n) {
    let r = (s0 + s3) | 0;
    let t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const u = r * TWO_M31;
    r = (s0 + s3) | 0;
    t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    const v = r * TWO_M31;
    const s = u * u + v * v;
    if (s >= 1 || s === 0) continue;
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    out[i++] = u * f;
    if (i < n) out[i++] = v * f;
  }
  return out;
}
