// float16 / bfloat16 / float64 output: the conversion kernels against an independent reference
// (decode every pattern, pick the nearest by value in float64, ties to the even pattern), all
// 65,536 patterns round-tripped, edge cases, and "dtype never changes the draw".
import { engineOf } from '../src/engine/engine.js';
import { describe, expect, it } from 'vitest';
import type { WeightInit } from '../src/weightinit.js';
import { wi as shared } from './helpers/load.js';

// ---- reference, written from the IEEE 754 definitions ----

/** binary16 pattern -> number. */
function halfValue(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f === 0 ? s * Infinity : Number.NaN;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}
/** bfloat16 pattern -> number. */
function bf16Value(h: number): number {
  const b = new DataView(new ArrayBuffer(4));
  b.setUint32(0, h << 16);
  return b.getFloat32(0);
}
/** The finite non-negative half values, ascending, indexed by their pattern (0 .. 0x7bff). */
const HALVES = Array.from({ length: 0x7c00 }, (_, i) => halfValue(i));

/** Round-to-nearest-even reference: the pattern whose value is nearest to x (x a float32 value). */
function refHalf(x: number): number {
  if (Number.isNaN(x)) return -1; // checked separately
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  // beyond 65504 + half an ulp (32/2 = 16): infinity; exactly 65520 is a tie with an odd max -> even = inf
  if (a >= 65520) return sign | 0x7c00;
  // binary search the largest pattern with value <= a
  let lo = 0;
  let hi = HALVES.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (HALVES[mid]! <= a) lo = mid;
    else hi = mid - 1;
  }
  if (HALVES[lo] === a || lo === HALVES.length - 1) return sign | lo;
  const dLo = a - HALVES[lo]!;
  const dHi = HALVES[lo + 1]! - a;
  if (dLo < dHi) return sign | lo;
  if (dHi < dLo) return sign | (lo + 1);
  return sign | (lo % 2 === 0 ? lo : lo + 1);
}
function refBf16(x: number, bits: number): number {
  if (Number.isNaN(x)) return -1;
  const lo = bits >>> 16; // truncation toward zero
  const vLo = bf16Value(lo);
  if (vLo === x) return lo;
  // next pattern away from zero; past the largest finite value IEEE rounds as if the exponent
  // went on (0x7f80 would be 2^128), and a result there is infinity
  const vHi = ((lo + 1) & 0x7fff) === 0x7f80 ? Math.sign(x) * 2 ** 128 : bf16Value(lo + 1);
  const dLo = Math.abs(x - vLo);
  const dHi = Math.abs(vHi - x);
  if (dLo < dHi) return lo;
  if (dHi < dLo) return lo + 1;
  return lo % 2 === 0 ? lo : lo + 1;
}

// ---- kernels through the instance ----
interface Conv {
  f32ToF16(s: number, d: number, n: number): void;
  f32ToBf16(s: number, d: number, n: number): void;
  f32ToF64(s: number, d: number, n: number): void;
}
function convert(w: WeightInit, bits: Uint32Array, kind: 'f16' | 'bf16'): Uint16Array {
  const n = bits.length;
  const src = engineOf(w).heap.alloc(n * 4);
  const dst = engineOf(w).heap.alloc(n * 2);
  try {
    new Uint32Array(w.memory.buffer, src, n).set(bits);
    const k = engineOf(w).core as unknown as Conv;
    if (kind === 'f16') k.f32ToF16(src, dst, n);
    else k.f32ToBf16(src, dst, n);
    return new Uint16Array(w.memory.buffer, dst, n).slice();
  } finally {
    engineOf(w).heap.free(src);
    engineOf(w).heap.free(dst);
  }
}
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const bitsOf = (x: number) => ((f32[0] = x), u32[0]!);
const valueOf = (b: number) => ((u32[0] = b), f32[0]!);

/** Edge cases: signed zeros, subnormal boundaries, max/overflow boundaries, ties, inf, NaN. */
const EDGE = [
  0, -0, 1, -1, 65504, -65504, 65519.99609375, 65520, 65536, 1e9, Infinity, -Infinity,
  2 ** -14, 2 ** -24, 2 ** -25, 2 ** -25 * 1.0000001, 3 * 2 ** -25, 2 ** -26, 1.401298464324817e-45,
  1 + 2 ** -11, 1 + 3 * 2 ** -11, 1 + 2 ** -11 + 2 ** -20, 2048 + 1, 2048 + 3, 0.1, -0.1, 3.4028234663852886e38,
  1 + 2 ** -8, 1 + 3 * 2 ** -8, 1.00390625 + 2 ** -20,
].map(bitsOf);
const NANS = [0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000, 0xff812345];

/** 2^20 float32 patterns from a fixed LCG, spread over every exponent. */
function randomBits(n: number): Uint32Array {
  const out = new Uint32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s;
  }
  return out;
}

describe('float16 conversion (round to nearest even)', () => {
  it('every finite half pattern round-trips (all 65,536 patterns, NaNs stay NaN)', async () => {
    const w = await shared();
    const pats = Array.from({ length: 65536 }, (_, i) => i);
    const bits = Uint32Array.from(pats, (p) => bitsOf(halfValue(p)));
    const out = convert(w, bits, 'f16');
    for (const p of pats) {
      if (Number.isNaN(halfValue(p))) {
        expect(Number.isNaN(halfValue(out[p]!)), `pattern ${p.toString(16)}`).toBe(true);
      } else if (out[p] !== p) {
        expect(out[p]!.toString(16), `pattern ${p.toString(16)}`).toBe(p.toString(16));
      }
    }
  });
  it('halfway points between neighbouring halves round to the even one', async () => {
    const w = await shared();
    const mids: number[] = [];
    for (let p = 0; p < 0x7bff; p++) mids.push((HALVES[p]! + HALVES[p + 1]!) / 2); // exact in float32
    const bits = Uint32Array.from(mids, bitsOf);
    const out = convert(w, bits, 'f16');
    mids.forEach((m, p) => {
      expect(valueOf(bits[p]!)).toBe(m);
      const even = p % 2 === 0 ? p : p + 1;
      if (out[p] !== even) expect(`${m}: ${out[p]}`).toBe(`${m}: ${even}`);
    });
  });
  it('edge cases and 2^20 random float32 patterns match the reference', async () => {
    const w = await shared();
    const bits = Uint32Array.from([...EDGE, ...randomBits(1 << 20)]);
    const out = convert(w, bits, 'f16');
    let bad = 0;
    for (let i = 0; i < bits.length; i++) {
      if (Number.isNaN(valueOf(bits[i]!))) {
        if (!Number.isNaN(halfValue(out[i]!))) bad++;
        continue;
      }
      const want = refHalf(valueOf(bits[i]!));
      if (out[i] !== want && bad++ < 5) expect(`${valueOf(bits[i]!)} -> ${out[i]}`).toBe(`${valueOf(bits[i]!)} -> ${want}`);
    }
    expect(bad).toBe(0);
    // spot checks written out: overflow, the smallest subnormal tie, -0
    expect(convert(w, Uint32Array.of(bitsOf(65520), bitsOf(65519.99609375), bitsOf(2 ** -25), bitsOf(3 * 2 ** -25), bitsOf(-0)), 'f16')).toEqual(
      Uint16Array.of(0x7c00, 0x7bff, 0x0000, 0x0002, 0x8000),
    );
  });
  it('NaN stays NaN with its sign; infinities stay infinite', async () => {
    const w = await shared();
    const out = convert(w, Uint32Array.from([...NANS, bitsOf(Infinity), bitsOf(-Infinity)]), 'f16');
    NANS.forEach((b, i) => {
      expect(Number.isNaN(halfValue(out[i]!))).toBe(true);
      expect(out[i]! >> 15).toBe(b >>> 31);
    });
    expect([...out.slice(NANS.length)]).toEqual([0x7c00, 0xfc00]);
  });
});

describe('bfloat16 conversion (round to nearest even)', () => {
  it('every bfloat16 pattern round-trips (all 65,536 patterns, NaNs stay NaN)', async () => {
    const w = await shared();
    const bits = Uint32Array.from({ length: 65536 }, (_, p) => p << 16);
    const out = convert(w, bits, 'bf16');
    for (let p = 0; p < 65536; p++) {
      if (Number.isNaN(bf16Value(p))) expect(Number.isNaN(bf16Value(out[p]!))).toBe(true);
      else if (out[p] !== p) expect(out[p]!.toString(16)).toBe(p.toString(16));
    }
  });
  it('ties (low half exactly 0x8000) go to the even pattern; both SIMD body and scalar tail', async () => {
    const w = await shared();
    // 13 values: 8 through the SIMD body, 5 through the scalar tail
    const pats = [0x3f80, 0x3f81, 0x7f7f, 0xff7f, 0x0000, 0x8001, 0x4049, 0x404a, 0x3f80, 0x3f81, 0x7f7f, 0x0001, 0xc2f6];
    const bits = Uint32Array.from(pats, (p) => ((p << 16) | 0x8000) >>> 0);
    const out = convert(w, bits, 'bf16');
    pats.forEach((p, i) => expect(out[i]).toBe(p % 2 === 0 ? p : p + 1));
    // 0x7f7f8000 is the tie between the largest finite and infinity: even = infinity 0x7f80
    expect(out[2]).toBe(0x7f80);
  });
  it('edge cases and 2^20 random float32 patterns match the reference', async () => {
    const w = await shared();
    const bits = Uint32Array.from([...EDGE, ...randomBits(1 << 20)]);
    const out = convert(w, bits, 'bf16');
    let bad = 0;
    for (let i = 0; i < bits.length; i++) {
      const v = valueOf(bits[i]!);
      if (Number.isNaN(v)) {
        if (!Number.isNaN(bf16Value(out[i]!))) bad++;
        continue;
      }
      const want = refBf16(v, bits[i]!);
      if (out[i] !== want && bad++ < 5) expect(`${v} -> ${out[i]}`).toBe(`${v} -> ${want}`);
    }
    expect(bad).toBe(0);
  });
  it('NaN stays NaN (quiet, sign kept) in the SIMD body and the tail', async () => {
    const w = await shared();
    const bits = Uint32Array.from([...NANS, ...NANS, 0x7f800000, 0xff800000]);
    const out = convert(w, bits, 'bf16');
    [...NANS, ...NANS].forEach((b, i) => {
      expect(Number.isNaN(bf16Value(out[i]!))).toBe(true);
      expect(out[i]! >> 15).toBe(b >>> 31);
    });
    expect([...out.slice(10)]).toEqual([0x7f80, 0xff80]);
  });
});

/** Bounds a draw keeps: [lo, hi], or [lo, hi) when open. */
interface Bounds {
  lo: number;
  hi: number;
  open: boolean;
}

/**
 * The documented rule for half dtypes on bounded draws (docs/stream.md): the rounded value, or,
 * where rounding carried it onto or past a bound, the nearest half value inside the bounds.
 * Half values are ordered by their bit patterns (positives ascending, negatives descending).
 */
function keepInside(bits: number, value: (b: number) => number, bounds: Bounds | undefined): number {
  if (bounds === undefined) return bits;
  const down = (b: number): number => (b & 0x8000 ? b + 1 : b === 0 ? 0x8001 : b - 1);
  const up = (b: number): number => (b & 0x8000 ? (b === 0x8000 ? 1 : b - 1) : b + 1);
  let b = bits;
  while (bounds.open ? value(b) >= bounds.hi : value(b) > bounds.hi) b = down(b);
  while (value(b) < bounds.lo) b = up(b);
  return b;
}

describe('dtype on initializers: the float32 draw, converted', () => {
  // glorotUniform [37, 113]: U(-b, b) with b = √(6/(113 + 37)), as float32
  const glorot = Math.fround(Math.sqrt(6 / 150));
  const calls: [string, (w: WeightInit, o: Record<string, unknown>) => unknown, Bounds?][] = [
    ['heNormal', (w, o) => w.heNormal([37, 113], o)],
    ['glorotUniform', (w, o) => w.glorotUniform([37, 113], o), { lo: -glorot, hi: glorot, open: true }],
    ['truncatedNormal', (w, o) => w.truncatedNormal([37, 113], { std: 0.02, a: -0.03, b: 0.05, ...o }), { lo: -0.03, hi: 0.05, open: false }],
    ['sparse', (w, o) => w.sparse([37, 113], { sparsity: 0.3, ...o })],
    ['eye', (w, o) => w.eye([37, 113], { gain: 0.3, ...o })],
    ['constant', (w, o) => w.constant([37, 113], { value: 0.1, ...o })],
  ];
  for (const [name, call, bounds] of calls) {
    it(`${name}: float64 = float32 widened, float16/bfloat16 = float32 rounded (reference)`, async () => {
      const w = await shared();
      const base = (call(w, { seed: 77 }) as { toArray(): Float32Array }).toArray();
      const t64 = call(w, { seed: 77, dtype: 'float64' }) as { dtype: string; data: Float64Array; shape: readonly number[] };
      expect(t64.dtype).toBe('float64');
      expect(t64.data).toBeInstanceOf(Float64Array);
      expect(t64.shape).toEqual([37, 113]);
      expect(Array.from(t64.data)).toEqual(Array.from(base));
      const t16raw = call(w, { seed: 77, dtype: 'float16' }) as { dtype: string; data: Uint16Array | Float16Array };
      // float16 data is a Float16Array where the runtime has one (Node 24+), else Uint16Array bit patterns
      const F16 = (globalThis as { Float16Array?: unknown }).Float16Array;
      expect(t16raw.data.constructor).toBe(F16 ?? Uint16Array);
      const t16 = { dtype: t16raw.dtype, data: new Uint16Array(t16raw.data.buffer, t16raw.data.byteOffset, t16raw.data.length) };
      const tb = call(w, { seed: 77, dtype: 'bfloat16' }) as { dtype: string; data: Uint16Array };
      expect(t16.dtype).toBe('float16');
      expect(tb.dtype).toBe('bfloat16');
      expect(tb.data).toBeInstanceOf(Uint16Array);
      for (let i = 0; i < base.length; i++) {
        const b = bitsOf(base[i]!);
        const want16 = keepInside(refHalf(base[i]!), halfValue, bounds);
        const wantB = keepInside(refBf16(base[i]!, b), bf16Value, bounds);
        if (t16.data[i] !== want16) expect([i, t16.data[i]]).toEqual([i, want16]);
        if (tb.data[i] !== wantB) expect([i, tb.data[i]]).toEqual([i, wantB]);
      }
      // out and range with a dtype: the same values
      const out = new Uint16Array(base.length - 1000);
      call(w, { seed: 77, dtype: 'bfloat16', out, range: [500, base.length - 500] });
      expect(Array.from(out)).toEqual(Array.from(tb.data.subarray(500, base.length - 500)));
      const out64 = new Float64Array(base.length);
      call(w, { seed: 77, dtype: 'float64', out: out64 });
      expect(Array.from(out64)).toEqual(Array.from(base));
    });
  }
});

describe('dtype on the core uniform and normal', () => {
  it('float64/float16/bfloat16 are the float32 draw converted', async () => {
    const w = await shared();
    for (const [call, bounds] of [
      [(o: Record<string, unknown>) => w.uniform([5000], { low: -3, high: 2, ...o }), { lo: -3, hi: 2, open: true }],
      [(o: Record<string, unknown>) => w.normal([5000], { mean: 1, std: 0.1, ...o }), undefined],
    ] as const) {
      const base = (call({ seed: 4 }) as { toArray(): Float32Array }).toArray();
      expect(Array.from((call({ seed: 4, dtype: 'float64' }) as unknown as { data: Float64Array }).data)).toEqual(Array.from(base));
      const hv = (call({ seed: 4, dtype: 'float16' }) as unknown as { data: Uint16Array | Float16Array }).data;
      const h = new Uint16Array(hv.buffer, hv.byteOffset, hv.length); // the bit patterns, whatever the array type
      const b = (call({ seed: 4, dtype: 'bfloat16' }) as unknown as { data: Uint16Array }).data;
      for (let i = 0; i < base.length; i++) {
        expect(h[i]).toBe(keepInside(refHalf(base[i]!), halfValue, bounds));
        expect(b[i]).toBe(keepInside(refBf16(base[i]!, bitsOf(base[i]!)), bf16Value, bounds));
      }
    }
  });
});
