// pure-rand peer: its xoroshiro128+ generator (mutable in pure-rand 8) with its own uniform
// distributions, and a textbook Box-Muller on top (both outputs of each pair used).
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat32 } from 'pure-rand/distribution/uniformFloat32';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

const TWO_PI = 6.283185307179586; // 2*pi

/** Fills `out` with uniforms in [0, 1) from pure-rand's uniformFloat32 (24-bit). */
export function pureRandUniform(out, seed) {
  const rng = xoroshiro128plus(seed);
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = uniformFloat32(rng);
  return out;
}

/**
 * Fills `out` with standard normals: Box-Muller, r = sqrt(-2 ln(1 - u1)), z = r cos / r sin
 * (2 pi u2), with 53-bit uniforms from uniformFloat64 (1 - u1 is in (0, 1], so log is finite).
 */
export function pureRandBoxMuller(out, seed) {
  const rng = xoroshiro128plus(seed);
  const n = out.length;
  let i = 0;
  while (i < n) {
    const r = Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng)));
    const a = TWO_PI * uniformFloat64(rng);
    out[i++] = r * Math.cos(a);
    if (i < n) out[i++] = r * Math.sin(a);
  }
  return out;
}
