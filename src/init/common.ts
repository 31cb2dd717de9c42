// The options every filler takes, and the type of what a filler returns.
import type { ArrayOf, DType } from '../dtype.js';
import type { Tensor, TypedArray } from '../tensor.js';

/** A tensor shape: non-negative integers. */
export type Shape = readonly number[];
/** A seed: a non-negative safe integer or a bigint up to 2^64 − 1. */
export type Seed = number | bigint;

/** Options every filler takes. */
export interface CommonOptions {
  /** Fixed tensor key: a non-negative safe integer or a bigint up to 2^64-1. Without it (and without `name`) the instance's key sequence supplies one. */
  seed?: Seed;
  /**
   * The tensor's name: its key is derived from the instance's root seed and this name
   * (docs/stream.md), so adding, removing or reordering other tensors never changes it.
   */
  name?: string;
  /** Only the flat elements [start, end) of the full tensor; bit-identical to slicing the full result. */
  range?: readonly [number, number];
}

/** Options every initializer takes: the common ones, the output dtype and an `out` target. */
export interface InitOptions extends CommonOptions {
  /** Output element type (default 'float32'). Lower precisions are the float32 draw rounded to nearest even; float64 is it widened. */
  dtype?: DType;
  /**
   * A caller-owned array to fill instead of allocating (any size, SharedArrayBuffer and
   * other realms too): Float32Array (float32), Float64Array (float64), Float16Array or
   * Uint16Array (float16), Uint16Array (bfloat16). The call returns it.
   */
  out?: TypedArray;
}

/** The Tensor a call returns for options O. */
type TensorOf<O> = Tensor<'dtype' extends keyof O ? ArrayOf<O['dtype' & keyof O]> : Float32Array>;

/**
 * What a call returns: the filled `out` when one is given, else a Tensor whose `data` is the
 * dtype's array type (a union where `dtype` or `out` is not known at compile time).
 */
export type Result<O> = 'out' extends keyof O
  ? undefined extends O['out' & keyof O]
    ? TensorOf<O> | Exclude<O['out' & keyof O], undefined>
    : O['out' & keyof O]
  : TensorOf<O>;
