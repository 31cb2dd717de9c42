// sparse()'s zero pattern: Floyd's k-subset per column into a row-major bitmap, then applied
// to each chunk of output. Kernels never allocate: the caller provides the bitmap.
//
//   mask key   M = mix64(K XOR "SPARSEMK")
//   column c, draw j (j = rows-k .. rows-1): w = splitmix64 output c·rows + j of M,
//     t = floor((w >>> 11) · 2^-53 · (j + 1)) in float64; add t, or j if t is already chosen.
//   Bit r·cols + c of the bitmap is set when row r of column c is zero (bit = flat index).
import { mix64 } from './rng';

// splitmix64's increment (as in rng.ts, where it is module-private)
const GAMMA: u64 = 0x9e3779b97f4a7c15;
/** Domain constant XORed into the tensor key for the mask key ("SPARSEMK"). */
const SPARSE_DOMAIN: u64 = 0x5350415253454d4b;
const TWO_M53: f64 = 1.1102230246251565e-16; // 2^-53

/**
 * Bytes of the bitmap sparseMask needs: (rows + 1)·cols bits rounded up to whole u64 words.
 * The extra row catches a draw t = j + 1 = rows (the float64 product can round up to j + 1),
 * which, as in the original rule, zeroes nothing inside the tensor.
 */
export function sparseMaskBytes(rows: f64, cols: f64): f64 {
  const bits = (<u64>rows + 1) * <u64>cols;
  return <f64>(((bits + 63) >> 6) << 3);
}

// @ts-ignore: decorator
@inline function testBit(bits: usize, i: u64): bool {
  return ((<u32>load<u8>(bits + <usize>(i >> 3)) >> <u32>(i & 7)) & 1) != 0;
}
// @ts-ignore: decorator
@inline function setBit(bits: usize, i: u64): void {
  const p = bits + <usize>(i >> 3);
  store<u8>(p, <u32>load<u8>(p) | (<u32>1 << <u32>(i & 7)));
}

/**
 * Clears the bitmap at `bits` (sparseMaskBytes(rows, cols) bytes) and sets the bits of the
 * k zero rows of every column, for tensor key (keyLo, keyHi).
 */
export function sparseMask(bits: usize, rows: f64, cols: f64, k: f64, keyLo: u32, keyHi: u32): void {
  memory.fill(bits, 0, <usize>sparseMaskBytes(rows, cols));
  if (k <= 0) return;
  const mk = mix64(((<u64>keyHi << 32) | <u64>keyLo) ^ SPARSE_DOMAIN);
  const r = <u64>rows;
  const nc = <u64>cols;
  const j0 = r - <u64>k;
  for (let c: u64 = 0; c < nc; c++) {
    // splitmix64 output n is mix64(M + (n + 1)·GAMMA); n = c·rows + j
    let z = mk + (c * r + j0 + 1) * GAMMA;
    for (let j = j0; j < r; j++) {
      const w = mix64(z);
      z += GAMMA;
      const t = <u64>Math.floor(<f64>(w >> 11) * TWO_M53 * <f64>(j + 1));
      const bt = t * nc + c;
      if (testBit(bits, bt)) setBit(bits, j * nc + c);
      else setBit(bits, bt);
    }
  }
}

/**
 * Zeroes the float32 elements at out whose flat indices [start, start + count) have their bit
 * set in the bitmap (out holds element `start` first).
 */
export function sparseApply(out: usize, bits: usize, start: f64, count: i32): void {
  if (count <= 0) return;
  const s = <u64>start;
  const e = s + <u64>count;
  let wi = s >> 6;
  const wEnd = (e + 63) >> 6;
  for (; wi < wEnd; wi++) {
    let w = load<u64>(bits + <usize>(wi << 3));
    if (w == 0) continue;
    const base = wi << 6;
    if (base < s) w &= <u64>-1 << (s - base);
    if (base + 64 > e) w &= ~(<u64>-1 << (e - base));
    while (w != 0) {
      const i = base + ctz(w);
      store<f32>(out + <usize>((i - s) << 2), 0);
      w &= w - 1;
    }
  }
}
