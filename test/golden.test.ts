// Golden vectors from the reference algorithms, compiled here with gcc.
// The C below (written from Vigna's published algorithm descriptions: splitmix64.c and
// xoshiro128plusplus.c, prng.di.unimi.it) printed every expected number in this file:
//
//   static uint64_t sm_x;
//   static uint64_t splitmix64_next(void) {
//     uint64_t z = (sm_x += 0x9e3779b97f4a7c15ULL);
//     z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
//     z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
//     return z ^ (z >> 31);
//   }
//   static inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
//   static uint32_t s[4];
//   static uint32_t xoshiro128pp_next(void) {
//     uint32_t result = rotl(s[0] + s[3], 7) + s[0];
//     uint32_t t = s[1] << 9;
//     s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11);
//     return result;
//   }
//   /* block b of key K: sm_x = K + 16*b*gamma; lane j takes o0 = next(), o1 = next():
//      s = {lo(o0), hi(o0), lo(o1), hi(o1)}; out[8*t + j] = lane j's t-th output */
//   for each (K, b): sm_x = K + b * 16 * 0x9e3779b97f4a7c15ULL;
//     for (j = 0; j < 8; j++) { o0 = splitmix64_next(); o1 = splitmix64_next(); st[j] = ... }
//     for (j = 0; j < 8; j++) { s = st[j]; for (t = 0; t < 128; t++) out[8*t + j] = xoshiro128pp_next(); }
//     print out[0..15], out[1016], out[1023]
import { engineOf } from '../src/engine/engine.js';
import { describe, expect, it } from 'vitest';
import { wi } from './helpers/load.js';

describe('splitmix64 (seeding)', () => {
  it('matches the reference C for seed 1234567', async () => {
    const w = await wi();
    const expected = [6457827717110365317n, 3203168211198807973n, 9817491932198370423n, 4593380528125082431n, 16408922859458223821n];
    const got = expected.map((_, i) => BigInt.asUintN(64, engineOf(w).core.splitmix64At(1234567, 0, i)));
    expect(got).toEqual(expected);
  });
});

describe('xoshiro128++ block stream (uint32)', () => {
  const cases: { key: bigint; block: number; first16: number[]; at1016: number; at1023: number }[] = [
    { key: 0n, block: 0, first16: [1179900579, 3397927179, 196233325, 2213036243, 45298269, 4276302344, 1315193778, 3297944923, 1938959192, 945494525, 539297106, 1043665402, 2540003226, 1385115576, 2159294336, 2415726981], at1016: 70025649, at1023: 1422093823 },
    { key: 0n, block: 5, first16: [1250713957, 2804021543, 3559533191, 403773577, 3660729519, 4264018158, 1175542684, 3536639911, 3841077137, 3266127851, 1417658915, 1671948189, 275108228, 1061439632, 2882261764, 1801509735], at1016: 1516167773, at1023: 3657097446 },
    { key: 0x0123456789abcdefn, block: 0, first16: [2785953498, 3126904156, 3162450460, 828423801, 3651608102, 50356241, 2232837849, 2253615599, 1381613784, 3780176191, 668060190, 1841033127, 2162551127, 3165696568, 4278046824, 2188138250], at1016: 2561222397, at1023: 1940424174 },
    { key: 0x0123456789abcdefn, block: 5, first16: [516326315, 324121252, 782866640, 2309466063, 2989695148, 1571551966, 156297852, 3489555461, 4230280672, 2931046261, 2076370868, 2313738246, 648409170, 523455221, 34738674, 1540498668], at1016: 1343236435, at1023: 3931492266 },
  ];
  for (const c of cases) {
    it(`key ${c.key.toString(16)} block ${c.block}`, async () => {
      const w = await wi();
      const t = w.uint32((c.block + 1) * 1024, { seed: c.key, range: [c.block * 1024, c.block * 1024 + 1024] });
      const d = t.data;
      expect(Array.from(d.subarray(0, 16))).toEqual(c.first16);
      expect(d[1016]).toBe(c.at1016);
      expect(d[1023]).toBe(c.at1023);
      t.free();
    });
  }

  it('the plain reference xoshiro128++ with state (1,2,3,4)', () => {
    // the C's first 8 outputs for s = {1, 2, 3, 4}: the TS transcription below is the C's algorithm
    const out = refXoshiro([1, 2, 3, 4], 8);
    expect(out).toEqual([641, 1573767, 3222811527, 3517856514, 836907274, 4247214768, 3867114732, 1355841295]);
  });

  it('every word of whole blocks equals the transcription seeded as docs/stream.md says (keys and blocks the C did not print)', async () => {
    const w = await wi();
    const M = (1n << 64n) - 1n;
    const G = 0x9e3779b97f4a7c15n;
    const mix = (z: bigint): bigint => {
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
      return z ^ (z >> 31n);
    };
    for (const [key, block] of [[0xdeadbeefcafef00dn, 3], [M, 0], [42n, 1000]] as const) {
      let x = (key + BigInt(block) * 16n * G) & M;
      const want = new Array<number>(1024);
      for (let j = 0; j < 8; j++) {
        x = (x + G) & M;
        const o0 = mix(x);
        x = (x + G) & M;
        const o1 = mix(x);
        const lane = refXoshiro([Number(o0 & 0xffffffffn), Number(o0 >> 32n), Number(o1 & 0xffffffffn), Number(o1 >> 32n)], 128);
        lane.forEach((v, t) => (want[8 * t + j] = v));
      }
      const t = w.uint32((block + 1) * 1024, { seed: key, range: [block * 1024, block * 1024 + 1024] });
      expect(Array.from(t.data)).toEqual(want);
      t.free();
    }
  });
});

/** A scalar TS transcription of the reference algorithm (the C above). */
function refXoshiro(seed: number[], n: number): number[] {
  const s = Uint32Array.from(seed);
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push((rotl((s[0]! + s[3]!) >>> 0, 7) + s[0]!) >>> 0);
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
  }
  return out;
}
