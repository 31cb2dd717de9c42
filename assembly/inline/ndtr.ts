// The standard normal upper tail Q(x) = 1 - Φ(x) = erfc(x/√2)/2 in float64, with full relative
// precision in both tails, and the Mills ratio R(x) = Q(x)/φ(x) for the far tail.
//
//   y = |x|/√2
//   y < 2:   erf y = (2/√π) e^(-y²) Σ_{n>=0} 2^n y^(2n+1) / (1·3·5···(2n+1))   (all terms positive:
//            no cancellation; Abramowitz & Stegun 7.1.6)
//   y >= 2:  erfc y = e^(-y²)/√π · 1/(y + (1/2)/(y + 1/(y + (3/2)/(y + 2/(y + ...)))))
//            (A&S 7.1.14 continued fraction, evaluated by the modified Lentz method)
//   Q(x) = erfc(y)/2 for x >= 0, 1 - erfc(y)/2 for x < 0.
// These run a few times per kernel call (for the bounds), never per element: loops are bounded.

const SQRT1_2: f64 = 0.70710678118654752440; // 1/√2
const TWO_OVER_SQRTPI: f64 = 1.1283791670955125739; // 2/√π
const INV_SQRTPI: f64 = 0.56418958354775628695; // 1/√π

/** erfc(y) for y >= 0. */
export function erfcPos(y: f64): f64 {
  if (y < 2.0) {
    // series for erf, then the complement (erfc(2) = 4.7e-3, so at most ~2 digits are lost)
    const y2 = y * y;
    let term = y;
    let sum = y;
    for (let n = 1; n < 200; n++) {
      term *= (2.0 * y2) / <f64>(2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1.0 - TWO_OVER_SQRTPI * Math.exp(-y2) * sum;
  }
  // modified Lentz for  f = y + a1/(y + a2/(y + ...)),  a_k = k/2
  const tiny: f64 = 1e-300;
  let f = y;
  let c = y;
  let d: f64 = 0.0;
  for (let k = 1; k < 500; k++) {
    const a = <f64>k * 0.5;
    d = y + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = y + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1.0) < 1e-16) break;
  }
  return (Math.exp(-y * y) * INV_SQRTPI) / f;
}

/** Q(x) = P(Z > x) for a standard normal Z; Q(+inf) = 0, Q(-inf) = 1. */
export function normalQ(x: f64): f64 {
  if (x != x) return x;
  // erfc(27) < 1e-318: past |x| = 38.5 the tails are 0 and 1 in float64 (this also covers ±inf)
  if (x > 38.5) return 0.0;
  if (x < -38.5) return 1.0;
  if (x >= 0) return 0.5 * erfcPos(x * SQRT1_2);
  return 1.0 - 0.5 * erfcPos(-x * SQRT1_2);
}

/**
 * Mills ratio R(x) = Q(x)/φ(x) for x >= 20, by its continued fraction
 *   R(x) = 1/(x + 1/(x + 2/(x + 3/(x + ...))))   (Laplace; A&S 26.2.14)
 * evaluated bottom-up at a fixed depth of 24 (for x >= 20 the truncation error is far below
 * float64 resolution).
 */
// @ts-ignore: decorator
@inline export function millsRatio(x: f64): f64 {
  let t = x;
  for (let k = 24; k >= 1; k--) t = x + <f64>k / t;
  return 1.0 / t;
}
