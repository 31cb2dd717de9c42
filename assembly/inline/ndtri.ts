// Φ⁻¹, the standard normal quantile, in float64.
//
// Wichura, M. J. (1988). Algorithm AS 241: The Percentage Points of the Normal Distribution.
// Applied Statistics 37(3), 477–484 (PPND16: about 1e-16 relative accuracy).
//   |p - 0.5| <= 0.425:  z = q·A(r)/B(r),  q = p - 0.5, r = 0.180625 - q²
//   otherwise:           r = sqrt(-ln(min(p, 1 - p)))
//                        r <= 5: z = C(r - 1.6)/D(r - 1.6);  r > 5: z = E(r - 5)/F(r - 5)
//                        sign of z = sign of q
// The tails are evaluated from min(p, 1 - p) as given: callers that have the small tail
// probability pass it directly (never 1 - tiny), so deep tails keep full precision.
// Coefficients: AS 241 Table (PPND16), decimal as published.

// The central region's rational A(r)/B(r) (B0 = 1). Exported: the f64x2 pair path of the
// truncated normal evaluates the same polynomials with these same constants, in the same
// order, so both paths give the same bits.
export const A0: f64 = 3.387132872796366608;
export const A1: f64 = 1.3314166789178437745e2;
export const A2: f64 = 1.9715909503065514427e3;
export const A3: f64 = 1.3731693765509461125e4;
export const A4: f64 = 4.5921953931549871457e4;
export const A5: f64 = 6.7265770927008700853e4;
export const A6: f64 = 3.3430575583588128105e4;
export const A7: f64 = 2.5090809287301226727e3;
export const B1: f64 = 4.2313330701600911252e1;
export const B2: f64 = 6.8718700749205790830e2;
export const B3: f64 = 5.3941960214247511077e3;
export const B4: f64 = 2.1213794301586595867e4;
export const B5: f64 = 3.9307895800092710610e4;
export const B6: f64 = 2.8729085735721942674e4;
export const B7: f64 = 5.2264952788528545610e3;

// @ts-ignore: decorator
@inline export function ndtri(p: f64): f64 {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    const num = (((((((A7 * r + A6) * r + A5) * r + A4) * r + A3) * r + A2) * r + A1) * r + A0) * q;
    const den = ((((((B7 * r + B6) * r + B5) * r + B4) * r + B3) * r + B2) * r + B1) * r + 1.0;
    return num / den;
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1.0 - p));
  let z: f64;
  if (r <= 5.0) {
    r -= 1.6;
    const num =
      ((((((7.7454501427834140764e-4 * r + 2.2723844989269184583e-2) * r + 2.4178072517745061177e-1) * r +
        1.2704582524523683826) * r + 3.6478483247632046050) * r + 5.7694972214606914055) * r +
        4.6303378461565452959) * r + 1.4234371107496835773;
    const den =
      ((((((1.05075007164441684324e-9 * r + 5.4759380849953449460e-4) * r + 1.5198666563616457197e-2) * r +
        1.4810397642748007459e-1) * r + 6.8976733498510000455e-1) * r + 1.6763848301838038494) * r +
        2.0531916266377588219) * r + 1.0;
    z = num / den;
  } else {
    r -= 5.0;
    const num =
      ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.2426609473880784386e-3) * r +
        2.6532189526576123093e-2) * r + 2.9656057182850489123e-1) * r + 1.7848265399172913358) * r +
        5.4637849111641143699) * r + 6.6579046435011037772;
    const den =
      ((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.8686913114561329590e-4) * r + 1.4875361290850614853e-2) * r + 1.3692988092273580531e-1) * r +
        5.9983220655588793769e-1) * r + 1.0;
    z = num / den;
  }
  return q < 0 ? -z : z;
}
