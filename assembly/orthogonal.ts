// Orthogonal initialization: block classical Gram-Schmidt with re-orthogonalisation (BCGS2)
// on the rows of a row-major float32 matrix, plus the transpose/scale kernels around it. The
// panel loop itself runs in TypeScript (src/init/orthogonal.ts orthonormalize), so that the
// projections, nearly all the work, can be shared with the worker pool: orthoProject on
// disjoint pairs of panel rows, without changing a bit.
// Algorithm notes and measurements: docs/orthogonal.md.
//
//   V: k x n, row-major, k <= n, each row contiguous (row i at v + 4·n·i)
//   for each panel P = rows [j, j + b):                          (b = PANEL, last panel shorter)
//     pass 1:  P -= (P Qᵀ) Q        Q = rows [0, j), already orthonormal    (block dots, block axpy)
//              CGS2 inside P, normalise each row                           (the "intra" step)
//     pass 2:  the same again on the now-orthonormal P                     ("twice is enough"),
//              skipped when every row of P kept >= 1/sqrt(2) of its norm in pass 1 (DGKS)
//   Rows whose norm collapses are re-orthogonalised one by one, or replaced by a unit
//   direction e_c orthogonalised against every earlier row (see settle()).
//
// Kernels never allocate and never validate: the TypeScript side does both.
import { axpy1, axpy4x1, axpy4x2, dot1, dot4x1, dot4x2, scaleRow, sumsq64 } from './inline/linalg';

/** Rows per panel. 16 keeps a panel of 2048-float rows (128 KiB) in L2 next to a 4-row Q block. */
export const ORTHO_PANEL: i32 = 16;

/** A row whose norm fell below 2^-40 of what it had (squared: 2^-80) is treated as zero. */
const COLLAPSED2: f64 = 8.271806125530277e-25; // 2^-80
/** "Twice is enough" (Kahan, Parlett): a pass that keeps >= 1/2 of the norm (1/4 squared) is final. */
const KEPT2: f64 = 0.25;
/**
 * Selective second pass (Daniel, Gragg, Kaufman & Stewart 1976 criterion, eta = 1/sqrt(2)):
 * a panel whose every row kept at least 1/sqrt(2) of its norm through pass 1 (1/2 squared)
 * lost no significant digits, so pass 2 would change it only at rounding level: skip it.
 */
const SELECT2: f64 = 0.5;

/** Rows per panel (ORTHO_PANEL), for the panel loop in TypeScript. */
export function orthoPanelRows(): i32 {
  return ORTHO_PANEL;
}

/** Bytes of scratch the panel loop needs for k rows: k·PANEL float32 coefficients + PANEL float64 norms. */
export function orthoScratchBytes(k: i32): i32 {
  return k * ORTHO_PANEL * 4 + ORTHO_PANEL * 8;
}

/**
 * The projection of panel rows [2·t0, min(2·t1, B)) (p_t = v + (j + t)·rs; pairs of rows, the
 * last pair may be a single row) against Q = rows [0, j) (q_i = v + i·rs): first all their
 * coefficients C[i·B + t] = q_i . p_t, 4 Q rows x 2 panel rows per kernel call (Q swept once),
 * then the update p_t -= sum over i of C[i·B + t] q_i, 4 Q rows at a time in order of i (Q swept
 * again). j is a multiple of 4.
 * W: where the updated rows go (B rows of n floats). W = the panel itself updates in place; any
 * other W gets the rows copied in first and P is left as it was, so making the same rows again
 * (a piece redone for a worker taken for dead) gives the same values. A call reads and writes
 * only its own panel rows, so threads may take disjoint pairs at once; each coefficient and each
 * element sees the same operations in the same order whatever the pairs, so the split never
 * changes a bit.
 */
export function orthoProject(v: usize, n: i32, j: i32, B: i32, C: usize, W: usize, t0: i32, t1: i32): void {
  const rs = <usize>n << 2;
  const P = v + <usize>j * rs;
  const ldc = B;
  const a = t0 << 1;
  const z = min(t1 << 1, B);
  if (W != P) memory.copy(W + <usize>a * rs, P + <usize>a * rs, <usize>(z - a) * rs);
  for (let i = 0; i < j; i += 4) {
    const q0 = v + <usize>i * rs;
    const c = C + ((<usize>i * <usize>B) << 2);
    let t = a;
    for (; t + 2 <= z; t += 2) {
      const p = P + <usize>t * rs;
      dot4x2(q0, q0 + rs, q0 + 2 * rs, q0 + 3 * rs, p, p + rs, n, c + (<usize>t << 2), ldc);
    }
    if (t < z) dot4x1(q0, q0 + rs, q0 + 2 * rs, q0 + 3 * rs, P + <usize>t * rs, n, c + (<usize>t << 2), ldc);
  }
  for (let i = 0; i < j; i += 4) {
    const q0 = v + <usize>i * rs;
    const c = C + ((<usize>i * <usize>B) << 2);
    let t = a;
    for (; t + 2 <= z; t += 2) {
      const p = W + <usize>t * rs;
      axpy4x2(q0, q0 + rs, q0 + 2 * rs, q0 + 3 * rs, p, p + rs, n, c + (<usize>t << 2), ldc);
    }
    if (t < z) axpy4x1(q0, q0 + rs, q0 + 2 * rs, q0 + 3 * rs, W + <usize>t * rs, n, c + (<usize>t << 2), ldc);
  }
}

/** One classical Gram-Schmidt pass of row p against rows [0, j) of v: coefficients to C[0..j). */
function projectOne(v: usize, n: i32, j: i32, p: usize, C: usize): void {
  const rs = <usize>n << 2;
  let i = 0;
  for (; i + 4 <= j; i += 4) {
    const q0 = v + <usize>i * rs;
    dot4x1(q0, q0 + rs, q0 + 2 * rs, q0 + 3 * rs, p, n, C + (<usize>i << 2), 1);
  }
  for (; i < j; i++) store<f32>(C + (<usize>i << 2), dot1(v + <usize>i * rs, p, n));
  i = 0;
  for (; i + 4 <= j; i += 4) {
    const q0 = v + <usize>i * rs;
    axpy4x1(q0, q0 + rs, q0 + 2 * rs, q0 + 3 * rs, p, n, C + (<usize>i << 2), 1);
  }
  for (; i < j; i++) axpy1(v + <usize>i * rs, p, n, load<f32>(C + (<usize>i << 2)));
}

/** Scales row p to unit length given its squared norm (computed in float64). */
// @ts-ignore: decorator
@inline function normalise(p: usize, n: i32, norm2: f64): void {
  scaleRow(p, n, <f32>(1.0 / Math.sqrt(norm2)));
}

/**
 * The careful path for row `idx`: re-orthogonalise it against rows [0, idx) until a pass
 * keeps at least half its norm (at most 4 passes); if it collapses (or `fresh`), replace it
 * by unit directions e_c, c = idx, idx + 1, ... (mod n), orthogonalised the same way, until
 * one survives. Rows [0, idx) span at most idx < n dimensions, so some e_c always does.
 */
function settle(v: usize, n: i32, idx: i32, C: usize, fresh: bool): void {
  const rs = <usize>n << 2;
  const p = v + <usize>idx * rs;
  if (!fresh) {
    let before = sumsq64(p, n);
    for (let pass = 0; pass < 4 && before > 0; pass++) {
      projectOne(v, n, idx, p, C);
      const after = sumsq64(p, n);
      if (after >= KEPT2 * before) {
        normalise(p, n, after);
        return;
      }
      if (!(after > COLLAPSED2 * before)) break;
      before = after;
    }
  }
  for (let m = 0; m < n; m++) {
    const c = (idx + m) % n;
    memory.fill(p, 0, rs);
    store<f32>(p + (<usize>c << 2), 1.0);
    let before: f64 = 1.0;
    for (let pass = 0; pass < 4; pass++) {
      projectOne(v, n, idx, p, C);
      const after = sumsq64(p, n);
      if (!(after > COLLAPSED2)) break;
      if (after >= KEPT2 * before) {
        normalise(p, n, after);
        return;
      }
      before = after;
    }
  }
}

/**
 * CGS2 inside the panel (rows j .. j+B-1, already projected against rows [0, j)), then
 * normalisation; returns the smallest (norm after / norm before)² of the panel's rows.
 * `first`: NRM holds each row's squared norm before the panel was touched;
 * a row that fell below 2^-40 of it is replaced (settle, fresh). Otherwise rows came in with
 * unit norm, and one that lost more than half of it is re-orthogonalised row by row.
 */
function intra(v: usize, n: i32, j: i32, B: i32, C: usize, NRM: usize, first: bool): f64 {
  const rs = <usize>n << 2;
  let keep: f64 = 1;
  const P = v + <usize>j * rs;
  for (let t = 0; t < B; t++) {
    const p = P + <usize>t * rs;
    if (t > 0) {
      projectOne(P, n, t, p, C);
      projectOne(P, n, t, p, C);
    }
    const nf = sumsq64(p, n);
    if (first) {
      const n0 = load<f64>(NRM + (<usize>t << 3));
      if (nf > COLLAPSED2 * n0) { normalise(p, n, nf); keep = min(keep, nf / n0); }
      else { settle(v, n, j + t, C, true); keep = 0; }
    } else {
      if (nf >= KEPT2) normalise(p, n, nf);
      else settle(v, n, j + t, C, false);
    }
  }
  return keep;
}

/** Squared norms of the panel's rows (v + (j + t)·rs, t < B), in float64, to NRM[t]: before the panel is touched. */
export function orthoNorms(v: usize, n: i32, j: i32, B: i32, NRM: usize): void {
  const rs = <usize>n << 2;
  const P = v + <usize>j * rs;
  for (let t = 0; t < B; t++) store<f64>(NRM + (<usize>t << 3), sumsq64(P + <usize>t * rs, n));
}

/**
 * The panel's own step after a projection: CGS2 inside it and normalisation (intra).
 * `first`: after pass 1; returns 1 when pass 2 must follow (some row kept less than
 * 1/sqrt(2) of its norm, SELECT2), else 0. After pass 2 it returns 0.
 */
export function orthoIntra(v: usize, n: i32, j: i32, B: i32, C: usize, NRM: usize, first: bool): i32 {
  const keep = intra(v, n, j, B, C, NRM, first);
  return first && keep < SELECT2 ? 1 : 0;
}

/**
 * dst (cols x rows) = transpose of src (rows x cols) times s, both row-major float32, no overlap.
 * 64 x 64 tiles of 4 x 4 SIMD transposes; scalar for the edges (rows or cols not a multiple of 4).
 *   rows a b c d  ->  [a0 b0 a1 b1] [a2 b2 a3 b3] [c0 d0 c1 d1] [c2 d2 c3 d3]  ->  columns [a0 b0 c0 d0] ...
 */
export function transposeScale(src: usize, dst: usize, rows: i32, cols: i32, s: f32): void {
  const T = 64;
  const sv = f32x4.splat(s);
  const rows4 = rows & ~3;
  const cols4 = cols & ~3;
  const srs = <usize>cols << 2;
  const drs = <usize>rows << 2;
  for (let r0 = 0; r0 < rows4; r0 += T) {
    const r1 = min(rows4, r0 + T);
    for (let c0 = 0; c0 < cols4; c0 += T) {
      const c1 = min(cols4, c0 + T);
      for (let r = r0; r < r1; r += 4) {
        const sa = src + <usize>r * srs;
        for (let c = c0; c < c1; c += 4) {
          const o = <usize>c << 2;
          const a = v128.load(sa + o);
          const b = v128.load(sa + srs + o);
          const cc = v128.load(sa + 2 * srs + o);
          const d = v128.load(sa + 3 * srs + o);
          const t0 = f32x4.shuffle(a, b, 0, 4, 1, 5);
          const t1 = f32x4.shuffle(a, b, 2, 6, 3, 7);
          const t2 = f32x4.shuffle(cc, d, 0, 4, 1, 5);
          const t3 = f32x4.shuffle(cc, d, 2, 6, 3, 7);
          const da = dst + <usize>c * drs + (<usize>r << 2);
          v128.store(da, f32x4.mul(f32x4.shuffle(t0, t2, 0, 1, 4, 5), sv));
          v128.store(da + drs, f32x4.mul(f32x4.shuffle(t0, t2, 2, 3, 6, 7), sv));
          v128.store(da + 2 * drs, f32x4.mul(f32x4.shuffle(t1, t3, 0, 1, 4, 5), sv));
          v128.store(da + 3 * drs, f32x4.mul(f32x4.shuffle(t1, t3, 2, 3, 6, 7), sv));
        }
      }
    }
  }
  // edges: the last rows % 4 rows (all columns) and the last cols % 4 columns (all rows)
  for (let r = rows4; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(dst + <usize>c * drs + (<usize>r << 2), load<f32>(src + <usize>r * srs + (<usize>c << 2)) * s);
  }
  for (let r = 0; r < rows4; r++) {
    for (let c = cols4; c < cols; c++) store<f32>(dst + <usize>c * drs + (<usize>r << 2), load<f32>(src + <usize>r * srs + (<usize>c << 2)) * s);
  }
}

/** p[0 .. count) *= s. */
export function scaleInPlace(p: usize, count: i32, s: f32): void {
  scaleRow(p, count, s);
}
