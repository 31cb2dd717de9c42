// Output element types. Every initializer draws float32 values; other dtypes are those values
// converted in the kernel (float16/bfloat16: round to nearest, ties to even; float64: widened,
// exact). So switching dtype never changes the draw, only its precision.
//
//   dtype       Tensor.data                                          accepted as `out`
//   float32     Float32Array                                         Float32Array
//   float64     Float64Array                                         Float64Array
//   float16     Float16Array where the runtime has one               Float16Array or Uint16Array
//               (Node 24+, Deno, Bun, recent browsers), else the      (both hold the same bits)
//               bit patterns as Uint16Array
//   bfloat16    the bit patterns as Uint16Array (no typed array      Uint16Array
//               exists for it anywhere)
import type { DTypeInfo, TypedArray } from './tensor.js';

export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16';
export const DTYPES: readonly DType[] = ['float32', 'float64', 'float16', 'bfloat16'];

/** The array type of each dtype's data. */
export interface DTypeArrays {
  float32: Float32Array;
  float64: Float64Array;
  /** Float16Array where the runtime has it, else Uint16Array bit patterns. */
  float16: Float16Array | Uint16Array;
  bfloat16: Uint16Array;
}

/** The array type of `data` for a dtype; a union where the dtype is not a literal. */
export type ArrayOf<D> = D extends keyof DTypeArrays ? DTypeArrays[D] : Float32Array;

type Ctor = DTypeInfo['array'];
/** The runtime's Float16Array if it has one, else undefined. */
export const Float16Ctor: Ctor | undefined = (globalThis as { Float16Array?: Ctor }).Float16Array;

export const FLOAT32: DTypeInfo<Float32Array> = { name: 'float32', bytes: 4, array: Float32Array, outKinds: ['Float32Array'] };
export const FLOAT64: DTypeInfo<Float64Array> = { name: 'float64', bytes: 8, array: Float64Array, outKinds: ['Float64Array'] };
export const FLOAT16: DTypeInfo = {
  name: 'float16',
  bytes: 2,
  array: Float16Ctor ?? Uint16Array,
  outKinds: Float16Ctor === undefined ? ['Uint16Array'] : ['Float16Array', 'Uint16Array'],
};
export const BFLOAT16: DTypeInfo<Uint16Array> = { name: 'bfloat16', bytes: 2, array: Uint16Array, outKinds: ['Uint16Array'] };
export const UINT32: DTypeInfo<Uint32Array> = { name: 'uint32', bytes: 4, array: Uint32Array, outKinds: ['Uint32Array'] };

export const DTYPE_INFO: Readonly<Record<DType, DTypeInfo>> = { float32: FLOAT32, float64: FLOAT64, float16: FLOAT16, bfloat16: BFLOAT16 };

/** This realm's constructor for a typed array kind (by tag), to copy into an `out` of that kind. */
export function arrayOfKind(kind: string): { new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray } {
  switch (kind) {
    case 'Float32Array': return Float32Array;
    case 'Float64Array': return Float64Array;
    case 'Uint16Array': return Uint16Array;
    case 'Uint32Array': return Uint32Array;
    case 'Float16Array': return Float16Ctor!;
    default: throw new Error(`weightinit: internal error, no array kind ${kind}`);
  }
}

// Decoding half bit patterns to numbers (for checks, statistics and framework hand-off).

/** The value of an IEEE half-precision bit pattern. */
export function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f === 0 ? s * Infinity : NaN;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The value of a bfloat16 bit pattern (the top 16 bits of a float32). */
export function bfloat16ToNumber(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}
