// @inline dot / axpy helpers for Gram-Schmidt on contiguous float32 rows.
//
// Every body walks x = 0, 4, 8, ... over 4-lane f32x4 chunks, then a scalar tail for the
// last n % 4 elements. No FMA and no relaxed SIMD: every runtime rounds identically.
// Pointers are byte addresses of float32 rows; n is the row length in elements.
//
// Lane sums use one fixed order:  [a, b, c, d]  =>  (a + b) + (c + d),  then + the scalar tail.

/** (a + b) + (c + d) of the four f32 lanes of v. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** (a + b) of the two f64 lanes of v. */
// @ts-ignore: decorator
@inline export function hsum64(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Sum of squares of row p (n floats), accumulated in float64 (2 x f64x2 lanes). */
// @ts-ignore: decorator
@inline export function sumsq64(p: usize, n: i32): f64 {
  let a = f64x2.splat(0);
  let b = f64x2.splat(0);
  const n4 = n & ~3;
  let x = 0;
  for (; x < n4; x += 4) {
    const v = v128.load(p + (<usize>x << 2));
    //  [v0 v1 v2 v3]  =>  lo = [v0 v1] as f64,  hi = [v2 v3] as f64
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3));
    a = f64x2.add(a, f64x2.mul(lo, lo));
    b = f64x2.add(b, f64x2.mul(hi, hi));
  }
  let s = hsum64(f64x2.add(a, b));
  for (; x < n; x++) {
    const t = <f64>load<f32>(p + (<usize>x << 2));
    s += t * t;
  }
  return s;
}

/** Multiplies row p (n floats) by s in place. */
// @ts-ignore: decorator
@inline export function scaleRow(p: usize, n: i32, s: f32): void {
  const sv = f32x4.splat(s);
  const n4 = n & ~3;
  let x = 0;
  for (; x < n4; x += 4) {
    const a = p + (<usize>x << 2);
    v128.store(a, f32x4.mul(v128.load(a), sv));
  }
  for (; x < n; x++) {
    const a = p + (<usize>x << 2);
    store<f32>(a, load<f32>(a) * s);
  }
}

/**
 * Eight dot products at once: rows q0..q3 against rows p0, p1. Each q chunk is loaded once
 * and used twice, each p chunk once and used four times (6 loads, 8 mul, 8 add per chunk).
 * Results go to c[a * ldc + t] (a = 0..3, t = 0..1), ldc in elements.
 */
// @ts-ignore: decorator
@inline export function dot4x2(q0: usize, q1: usize, q2: usize, q3: usize, p0: usize, p1: usize, n: i32, c: usize, ldc: i32): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0);
  let s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  // two chunks per iteration: the second uses the load's immediate offset (16 bytes), so one
  // address computation per row serves 8 floats
  const n8 = n & ~7;
  const n4 = n & ~3;
  let x = 0;
  for (; x < n8; x += 8) {
    const o = <usize>x << 2;
    {
      const a = v128.load(p0 + o);
      const b = v128.load(p1 + o);
      const v0 = v128.load(q0 + o);
      s00 = f32x4.add(s00, f32x4.mul(v0, a));
      s01 = f32x4.add(s01, f32x4.mul(v0, b));
      const v1 = v128.load(q1 + o);
      s10 = f32x4.add(s10, f32x4.mul(v1, a));
      s11 = f32x4.add(s11, f32x4.mul(v1, b));
      const v2 = v128.load(q2 + o);
      s20 = f32x4.add(s20, f32x4.mul(v2, a));
      s21 = f32x4.add(s21, f32x4.mul(v2, b));
      const v3 = v128.load(q3 + o);
      s30 = f32x4.add(s30, f32x4.mul(v3, a));
      s31 = f32x4.add(s31, f32x4.mul(v3, b));
    }
    {
      const a = v128.load(p0 + o, 16);
      const b = v128.load(p1 + o, 16);
      const v0 = v128.load(q0 + o, 16);
      s00 = f32x4.add(s00, f32x4.mul(v0, a));
      s01 = f32x4.add(s01, f32x4.mul(v0, b));
      const v1 = v128.load(q1 + o, 16);
      s10 = f32x4.add(s10, f32x4.mul(v1, a));
      s11 = f32x4.add(s11, f32x4.mul(v1, b));
      const v2 = v128.load(q2 + o, 16);
      s20 = f32x4.add(s20, f32x4.mul(v2, a));
      s21 = f32x4.add(s21, f32x4.mul(v2, b));
      const v3 = v128.load(q3 + o, 16);
      s30 = f32x4.add(s30, f32x4.mul(v3, a));
      s31 = f32x4.add(s31, f32x4.mul(v3, b));
    }
  }
  for (; x < n4; x += 4) {
    const o = <usize>x << 2;
    const a = v128.load(p0 + o);
    const b = v128.load(p1 + o);
    const v0 = v128.load(q0 + o);
    s00 = f32x4.add(s00, f32x4.mul(v0, a));
    s01 = f32x4.add(s01, f32x4.mul(v0, b));
    const v1 = v128.load(q1 + o);
    s10 = f32x4.add(s10, f32x4.mul(v1, a));
    s11 = f32x4.add(s11, f32x4.mul(v1, b));
    const v2 = v128.load(q2 + o);
    s20 = f32x4.add(s20, f32x4.mul(v2, a));
    s21 = f32x4.add(s21, f32x4.mul(v2, b));
    const v3 = v128.load(q3 + o);
    s30 = f32x4.add(s30, f32x4.mul(v3, a));
    s31 = f32x4.add(s31, f32x4.mul(v3, b));
  }
  let t00 = hsum(s00), t01 = hsum(s01), t10 = hsum(s10), t11 = hsum(s11);
  let t20 = hsum(s20), t21 = hsum(s21), t30 = hsum(s30), t31 = hsum(s31);
  for (; x < n; x++) {
    const o = <usize>x << 2;
    const a = load<f32>(p0 + o);
    const b = load<f32>(p1 + o);
    const v0 = load<f32>(q0 + o), v1 = load<f32>(q1 + o), v2 = load<f32>(q2 + o), v3 = load<f32>(q3 + o);
    t00 += v0 * a; t01 += v0 * b;
    t10 += v1 * a; t11 += v1 * b;
    t20 += v2 * a; t21 += v2 * b;
    t30 += v3 * a; t31 += v3 * b;
  }
  const r = <usize>ldc << 2;
  store<f32>(c, t00); store<f32>(c, t01, 4);
  store<f32>(c + r, t10); store<f32>(c + r, t11, 4);
  store<f32>(c + 2 * r, t20); store<f32>(c + 2 * r, t21, 4);
  store<f32>(c + 3 * r, t30); store<f32>(c + 3 * r, t31, 4);
}

/** Four dot products: rows q0..q3 against row p. Results to c[a * ldc], a = 0..3. */
// @ts-ignore: decorator
@inline export function dot4x1(q0: usize, q1: usize, q2: usize, q3: usize, p: usize, n: i32, c: usize, ldc: i32): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  const n4 = n & ~3;
  let x = 0;
  for (; x < n4; x += 4) {
    const o = <usize>x << 2;
    const a = v128.load(p + o);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(q0 + o), a));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(q1 + o), a));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(q2 + o), a));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(q3 + o), a));
  }
  let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
  for (; x < n; x++) {
    const o = <usize>x << 2;
    const a = load<f32>(p + o);
    t0 += load<f32>(q0 + o) * a;
    t1 += load<f32>(q1 + o) * a;
    t2 += load<f32>(q2 + o) * a;
    t3 += load<f32>(q3 + o) * a;
  }
  const r = <usize>ldc << 2;
  store<f32>(c, t0);
  store<f32>(c + r, t1);
  store<f32>(c + 2 * r, t2);
  store<f32>(c + 3 * r, t3);
}

/** One dot product q . p (two interleaved accumulators, summed as s0 + s1). */
// @ts-ignore: decorator
@inline export function dot1(q: usize, p: usize, n: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  const n8 = n & ~7;
  let x = 0;
  for (; x < n8; x += 8) {
    const o = <usize>x << 2;
    s0 = f32x4.add(s0, f32x4.mul(v128.load(q + o), v128.load(p + o)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(q + o, 16), v128.load(p + o, 16)));
  }
  let t = hsum(f32x4.add(s0, s1));
  for (; x < n; x++) {
    const o = <usize>x << 2;
    t += load<f32>(q + o) * load<f32>(p + o);
  }
  return t;
}

/**
 * p0 -= c00 q0 + c10 q1 + c20 q2 + c30 q3 and p1 -= c01 q0 + ... + c31 q3, coefficients read
 * from c[a * ldc + t]. Inside: ((c0 q0 + c1 q1) + (c2 q2 + c3 q3)), then one subtraction.
 */
// @ts-ignore: decorator
@inline export function axpy4x2(q0: usize, q1: usize, q2: usize, q3: usize, p0: usize, p1: usize, n: i32, c: usize, ldc: i32): void {
  const r = <usize>ldc << 2;
  const c00 = load<f32>(c), c01 = load<f32>(c, 4);
  const c10 = load<f32>(c + r), c11 = load<f32>(c + r, 4);
  const c20 = load<f32>(c + 2 * r), c21 = load<f32>(c + 2 * r, 4);
  const c30 = load<f32>(c + 3 * r), c31 = load<f32>(c + 3 * r, 4);
  const w00 = f32x4.splat(c00), w01 = f32x4.splat(c01);
  const w10 = f32x4.splat(c10), w11 = f32x4.splat(c11);
  const w20 = f32x4.splat(c20), w21 = f32x4.splat(c21);
  const w30 = f32x4.splat(c30), w31 = f32x4.splat(c31);
  const n8 = n & ~7;
  const n4 = n & ~3;
  let x = 0;
  for (; x < n8; x += 8) {
    const o = <usize>x << 2;
    {
      const v0 = v128.load(q0 + o), v1 = v128.load(q1 + o), v2 = v128.load(q2 + o), v3 = v128.load(q3 + o);
      const a = f32x4.add(f32x4.add(f32x4.mul(w00, v0), f32x4.mul(w10, v1)), f32x4.add(f32x4.mul(w20, v2), f32x4.mul(w30, v3)));
      const b = f32x4.add(f32x4.add(f32x4.mul(w01, v0), f32x4.mul(w11, v1)), f32x4.add(f32x4.mul(w21, v2), f32x4.mul(w31, v3)));
      v128.store(p0 + o, f32x4.sub(v128.load(p0 + o), a));
      v128.store(p1 + o, f32x4.sub(v128.load(p1 + o), b));
    }
    {
      const v0 = v128.load(q0 + o, 16), v1 = v128.load(q1 + o, 16), v2 = v128.load(q2 + o, 16), v3 = v128.load(q3 + o, 16);
      const a = f32x4.add(f32x4.add(f32x4.mul(w00, v0), f32x4.mul(w10, v1)), f32x4.add(f32x4.mul(w20, v2), f32x4.mul(w30, v3)));
      const b = f32x4.add(f32x4.add(f32x4.mul(w01, v0), f32x4.mul(w11, v1)), f32x4.add(f32x4.mul(w21, v2), f32x4.mul(w31, v3)));
      v128.store(p0 + o, f32x4.sub(v128.load(p0 + o, 16), a), 16);
      v128.store(p1 + o, f32x4.sub(v128.load(p1 + o, 16), b), 16);
    }
  }
  for (; x < n4; x += 4) {
    const o = <usize>x << 2;
    const v0 = v128.load(q0 + o), v1 = v128.load(q1 + o), v2 = v128.load(q2 + o), v3 = v128.load(q3 + o);
    const a = f32x4.add(f32x4.add(f32x4.mul(w00, v0), f32x4.mul(w10, v1)), f32x4.add(f32x4.mul(w20, v2), f32x4.mul(w30, v3)));
    const b = f32x4.add(f32x4.add(f32x4.mul(w01, v0), f32x4.mul(w11, v1)), f32x4.add(f32x4.mul(w21, v2), f32x4.mul(w31, v3)));
    v128.store(p0 + o, f32x4.sub(v128.load(p0 + o), a));
    v128.store(p1 + o, f32x4.sub(v128.load(p1 + o), b));
  }
  for (; x < n; x++) {
    const o = <usize>x << 2;
    const v0 = load<f32>(q0 + o), v1 = load<f32>(q1 + o), v2 = load<f32>(q2 + o), v3 = load<f32>(q3 + o);
    store<f32>(p0 + o, load<f32>(p0 + o) - ((c00 * v0 + c10 * v1) + (c20 * v2 + c30 * v3)));
    store<f32>(p1 + o, load<f32>(p1 + o) - ((c01 * v0 + c11 * v1) + (c21 * v2 + c31 * v3)));
  }
}

/** p -= c0 q0 + c1 q1 + c2 q2 + c3 q3, coefficients from c[a * ldc]. */
// @ts-ignore: decorator
@inline export function axpy4x1(q0: usize, q1: usize, q2: usize, q3: usize, p: usize, n: i32, c: usize, ldc: i32): void {
  const r = <usize>ldc << 2;
  const c0 = load<f32>(c), c1 = load<f32>(c + r), c2 = load<f32>(c + 2 * r), c3 = load<f32>(c + 3 * r);
  const w0 = f32x4.splat(c0), w1 = f32x4.splat(c1), w2 = f32x4.splat(c2), w3 = f32x4.splat(c3);
  const n4 = n & ~3;
  let x = 0;
  for (; x < n4; x += 4) {
    const o = <usize>x << 2;
    const a = f32x4.add(
      f32x4.add(f32x4.mul(w0, v128.load(q0 + o)), f32x4.mul(w1, v128.load(q1 + o))),
      f32x4.add(f32x4.mul(w2, v128.load(q2 + o)), f32x4.mul(w3, v128.load(q3 + o))),
    );
    v128.store(p + o, f32x4.sub(v128.load(p + o), a));
  }
  for (; x < n; x++) {
    const o = <usize>x << 2;
    store<f32>(p + o, load<f32>(p + o) - ((c0 * load<f32>(q0 + o) + c1 * load<f32>(q1 + o)) + (c2 * load<f32>(q2 + o) + c3 * load<f32>(q3 + o))));
  }
}

/** p -= c q. */
// @ts-ignore: decorator
@inline export function axpy1(q: usize, p: usize, n: i32, c: f32): void {
  const w = f32x4.splat(c);
  const n4 = n & ~3;
  let x = 0;
  for (; x < n4; x += 4) {
    const o = <usize>x << 2;
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(w, v128.load(q + o))));
  }
  for (; x < n; x++) {
    const o = <usize>x << 2;
    store<f32>(p + o, load<f32>(p + o) - c * load<f32>(q + o));
  }
}
