// A plain float64 reference for orthogonal initialization, written independently of the wasm
// kernel: classical Gram-Schmidt with re-orthogonalisation (CGS2, every row projected twice
// against all earlier rows), one row at a time, no blocking, no SIMD.

/** Orthonormalises the k rows (length n, k <= n) of a row-major matrix, in order, in float64. */
export function gramSchmidtRows64(a: ArrayLike<number>, k: number, n: number): Float64Array {
  const q = Float64Array.from(a as ArrayLike<number>);
  const c = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const p = i * n;
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        let s = 0;
        for (let x = 0; x < n; x++) s += q[j * n + x]! * q[p + x]!;
        c[j] = s;
      }
      for (let j = 0; j < i; j++) {
        const cj = c[j]!;
        for (let x = 0; x < n; x++) q[p + x]! -= cj * q[j * n + x]!;
      }
    }
    let s = 0;
    for (let x = 0; x < n; x++) s += q[p + x]! ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let x = 0; x < n; x++) q[p + x]! *= inv;
  }
  return q;
}

/** Transpose of a row-major rows x cols matrix. */
export function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = a[r * cols + c]!;
  return t;
}

/**
 * max |WᵀW/gain² - I| (rows >= cols) or max |WWᵀ/gain² - I| (rows < cols) of a row-major
 * rows x cols matrix, in float64.
 */
export function orthogonalityError(w: ArrayLike<number>, rows: number, cols: number, gain = 1): number {
  // work on the k vectors of length n: columns (tall) or rows (wide)
  const tall = rows >= cols;
  const k = tall ? cols : rows;
  const n = tall ? rows : cols;
  const v = tall ? transpose(w, rows, cols) : Float64Array.from(w as ArrayLike<number>);
  const g2 = gain * gain;
  let err = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      const pi = i * n;
      const pj = j * n;
      for (let x = 0; x < n; x++) s += v[pi + x]! * v[pj + x]!;
      err = Math.max(err, Math.abs(s / g2 - (i === j ? 1 : 0)));
    }
  }
  return err;
}

/** Determinant of a small square matrix (Gaussian elimination with partial pivoting, float64). */
export function det(a: ArrayLike<number>, n: number): number {
  const m = Float64Array.from(a as ArrayLike<number>);
  let d = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[p * n + c]!)) p = r;
    if (m[p * n + c] === 0) return 0;
    if (p !== c) {
      for (let x = 0; x < n; x++) [m[c * n + x], m[p * n + x]] = [m[p * n + x]!, m[c * n + x]!];
      d = -d;
    }
    d *= m[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / m[c * n + c]!;
      for (let x = c; x < n; x++) m[r * n + x]! -= f * m[c * n + x]!;
    }
  }
  return d;
}
