// Output element types. Every initializer draws float32 values; other dtypes are those values
// converted in the kernel (float16/bfloat16: round to nearest, ties to even; float64: widened,
// exact). So switching dtype never changes the draw, only its precision.
import type { CoreExports, OutputType } from './instance.js';
import type { DTypeInfo } from './tensor.js';
import { FLOAT32 } from './tensor.js';
import { show } from './validate.js';

export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16';
export const DTYPES: readonly DType[] = ['float32', 'float64', 'float16', 'bfloat16'];

type F16Ctor = DTypeInfo['array'];
/** The runtime's Float16Array if it has one (Node 24+, recent browsers), else undefined. */
const Float16Ctor = (globalThis as unknown as { Float16Array?: F16Ctor }).Float16Array;

export const FLOAT64: DTypeInfo<Float64Array> = { name: 'float64', bytes: 8, array: Float64Array };
/** float16: a Float16Array view where the runtime has one, else the raw bit patterns as Uint16Array. */
export const FLOAT16: DTypeInfo = { name: 'float16', bytes: 2, array: Float16Ctor ?? Uint16Array };
/** bfloat16 has no typed array anywhere: raw bit patterns (the high half of a float32). */
export const BFLOAT16: DTypeInfo<Uint16Array> = { name: 'bfloat16', bytes: 2, array: Uint16Array };

interface ConvertExports {
  f32ToF16(src: number, dst: number, count: number): void;
  f32ToBf16(src: number, dst: number, count: number): void;
  f32ToF64(src: number, dst: number, count: number): void;
}

/** Validates a dtype option and returns how produce() writes it (undefined: float32). */
export function outputType(fn: string, core: CoreExports, dtype: unknown): OutputType | undefined {
  if (dtype === undefined || dtype === 'float32') return undefined;
  const k = core as unknown as ConvertExports;
  switch (dtype) {
    case 'float64':
      return { info: FLOAT64, convert: (s, d, n) => k.f32ToF64(s, d, n) };
    case 'float16':
      return { info: FLOAT16, convert: (s, d, n) => k.f32ToF16(s, d, n) };
    case 'bfloat16':
      return { info: BFLOAT16, convert: (s, d, n) => k.f32ToBf16(s, d, n) };
    default:
      throw new (typeof dtype === 'string' ? RangeError : TypeError)(
        `${fn}: dtype must be one of ${DTYPES.map((d) => JSON.stringify(d)).join(', ')}, got ${show(dtype)}`,
      );
  }
}

export { FLOAT32 };
