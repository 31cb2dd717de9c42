// The typed ABI of core.wasm: every export of assembly/index.ts, once. Nothing else in the
// TypeScript layer declares a kernel's signature, and no cast reaches a kernel.
//
// Conventions (assembly/index.ts): pointers and counts only; kernels never allocate or
// validate. `start` is an element index (f64, exact below 2^53); keys are two uint32 halves.

/** The kernels of core.wasm. */
export interface CoreKernels {
  /** First address the TS heap may use (above the module's static data). */
  heapBase(): number;
  /** Raw xoshiro128++ words of elements [start, start + count). */
  fillU32(out: number, start: number, count: number, keyLo: number, keyHi: number): void;
  /**
   * Values in [low, high): float32 (format 0), or float16 / bfloat16 bits (format 1 / 2) of the
   * float32 value clamped into [clampLo, clampHi], rounded to nearest even.
   */
  fillUniform(out: number, start: number, count: number, keyLo: number, keyHi: number, low: number, high: number, format: number, clampLo: number, clampHi: number): void;
  /** N(mean, std²) by Box-Muller: float32 (format 0), or float16 / bfloat16 bits (format 1 / 2) of the value clamped into [clampLo, clampHi]. */
  fillNormal(out: number, start: number, count: number, keyLo: number, keyHi: number, mean: number, std: number, format: number, clampLo: number, clampHi: number): void;
  /** The 1024 raw words of one block. */
  blockWords(dst: number, keyLo: number, keyHi: number, block: number): void;
  /** splitmix64 output n of the stream seeded with the key. */
  splitmix64At(keyLo: number, keyHi: number, n: number): bigint;
  /** Truncated normal by the float64 inverse CDF; standardised bounds alpha < beta, output clamped into [lo, hi]. */
  fillTruncNormal(
    out: number, start: number, count: number, keyLo: number, keyHi: number,
    mean: number, std: number, alpha: number, beta: number, lo: number, hi: number,
  ): void;
  /**
   * The same law for intervals with N([alpha, beta]) >= 1/2: the standard normal stream where it
   * falls inside, the inverse CDF on a word of a derived key elsewhere (docs/truncnormal.md).
   * float32 (format 0), or float16 / bfloat16 bits (format 1 / 2) of the value clamped into [clampLo, clampHi].
   */
  fillTruncNormalFast(
    out: number, start: number, count: number, keyLo: number, keyHi: number,
    mean: number, std: number, alpha: number, beta: number, lo: number, hi: number,
    format: number, clampLo: number, clampHi: number,
  ): void;
  /** Φ⁻¹(p) in float64 (Wichura AS 241). */
  normalQuantile(p: number): number;
  /** Q(x) = 1 − Φ(x) in float64. */
  normalUpperTail(x: number): number;
  /** float32 → float16 bits / bfloat16 bits (round to nearest even) / float64. */
  f32ToF16(src: number, dst: number, count: number): void;
  f32ToBf16(src: number, dst: number, count: number): void;
  f32ToF64(src: number, dst: number, count: number): void;
  /** Rows per panel of the orthogonal panel loop. */
  orthoPanelRows(): number;
  /** Scratch bytes the orthogonal panel loop needs for k rows. */
  orthoScratchBytes(k: number): number;
  /** Squared norms (float64) of panel rows [j, j + B) to NRM. */
  orthoNorms(v: number, n: number, j: number, B: number, NRM: number): void;
  /** The projection of panel row pairs [t0, t1) against rows [0, j): coefficients to C, then the update, written at W. */
  orthoProject(v: number, n: number, j: number, B: number, C: number, W: number, t0: number, t1: number): void;
  /** CGS2 inside the panel and normalisation; 1 when a second pass must follow (first pass only). */
  orthoIntra(v: number, n: number, j: number, B: number, C: number, NRM: number, first: number): number;
  /** dst = s · srcᵀ for a rows x cols src. */
  transposeScale(src: number, dst: number, rows: number, cols: number, s: number): void;
  /** p[0..count) *= s. */
  scaleInPlace(p: number, count: number, s: number): void;
  /** Bytes of sparse()'s zero bitmap. */
  sparseMaskBytes(rows: number, cols: number): number;
  /** Sets the bits of the k zero rows of every column. */
  sparseMask(bits: number, rows: number, cols: number, k: number, keyLo: number, keyHi: number): void;
  /** Zeroes the float32 elements [start, start + count) whose bits are set. */
  sparseApply(out: number, bits: number, start: number, count: number): void;
  /** Bytes of per-thread scratch an instance sharing the memory needs (assembly/thread.ts). */
  threadScratchBytes(): number;
  /** Points this instance's per-thread scratch at [base, base + threadScratchBytes()). */
  setThreadScratch(base: number): void;
  /** Clamps count float16/bfloat16 patterns at p into the value-order keys [loKey, hiKey]; lo/hi are those keys' patterns (assembly/halfclamp.ts). */
  clampHalfBits(p: number, count: number, loKey: number, hiKey: number, lo: number, hi: number): void;
  // The lab's MLP (assembly/lab.ts, docs/lab.md): float32, no FMA, fixed summation order.
  /** y[B×nout] = x[B×nin]·wᵀ + bias (w is [nout, nin]; wt is nin·nout floats of scratch for wᵀ). */
  labLinearForward(y: number, x: number, w: number, bias: number, wt: number, B: number, nin: number, nout: number): void;
  /** dx[B×nin] = dy[B×nout]·w. */
  labLinearBackwardInput(dx: number, dy: number, w: number, B: number, nin: number, nout: number): void;
  /** dw[nout×nin] = alpha·dyᵀ·x. */
  labLinearBackwardWeight(dw: number, dy: number, x: number, B: number, nin: number, nout: number, alpha: number): void;
  /** out[cols] = alpha·(column sums of x[rows×cols]). */
  labColumnSums(out: number, x: number, rows: number, cols: number, alpha: number): void;
  /** y += alpha·x. */
  labAxpy(y: number, x: number, count: number, alpha: number): void;
  /** out = a·b elementwise. */
  labMul(out: number, a: number, b: number, count: number): void;
  /** y = activation(z) (kind: see src/lab). */
  labActivate(y: number, z: number, count: number, kind: number, param: number): void;
  /** d = activation'(z) given y = activation(z). */
  labActDerivative(d: number, z: number, y: number, count: number, kind: number, param: number): void;
  /** Statistics sums of count float32 / bfloat16 / float16 values at p: finite count, Σ(x − shift), Σ(x − shift)², min, max, non-finite count as six float64 at out (assembly/stats.ts). */
  statsF32(p: number, count: number, shift: number, out: number): void;
  statsBf16(p: number, count: number, shift: number, out: number): void;
  statsF16(p: number, count: number, shift: number, out: number): void;
}

/** The instance's exports: the kernels and the memory. */
export interface CoreExports extends CoreKernels {
  readonly memory: WebAssembly.Memory;
}

/** Every kernel name, in assembly/index.ts order. test/abi.test.ts checks it is exactly the module's export list. */
export const KERNEL_NAMES = [
  'heapBase', 'fillU32', 'fillUniform', 'fillNormal', 'blockWords', 'splitmix64At',
  'fillTruncNormal', 'normalQuantile', 'normalUpperTail', 'fillTruncNormalFast',
  'f32ToF16', 'f32ToBf16', 'f32ToF64',
  'orthoPanelRows', 'orthoScratchBytes', 'orthoNorms', 'orthoProject', 'orthoIntra', 'transposeScale', 'scaleInPlace',
  'sparseMaskBytes', 'sparseMask', 'sparseApply', 'threadScratchBytes', 'setThreadScratch', 'clampHalfBits',
  'labLinearForward', 'labLinearBackwardInput', 'labLinearBackwardWeight', 'labColumnSums', 'labAxpy', 'labMul', 'labActivate', 'labActDerivative',
  'statsF32', 'statsBf16', 'statsF16',
] as const satisfies readonly (keyof CoreKernels)[];

// The list names every kernel of the interface: a kernel added to one and not the other fails to compile.
type Unlisted = Exclude<keyof CoreKernels, (typeof KERNEL_NAMES)[number]>;
const listComplete: [Unlisted] extends [never] ? true : { missing: Unlisted } = true;
void listComplete;

function isMemory(v: unknown): v is WebAssembly.Memory {
  return v instanceof WebAssembly.Memory || Object.prototype.toString.call(v) === '[object WebAssembly.Memory]';
}

/** Checks an instance's exports against the ABI and returns them typed. */
export function bindCore(exports: WebAssembly.Exports): CoreExports {
  const missing = KERNEL_NAMES.filter((k) => typeof exports[k] !== 'function');
  if (missing.length > 0 || !isMemory(exports.memory)) {
    throw new TypeError(
      `weightinit: the wasm module is not weightinit core.wasm (missing exports: ${[...missing, ...(isMemory(exports.memory) ? [] : ['memory'])].join(', ')})`,
    );
  }
  const core: Record<string, unknown> = { memory: exports.memory };
  for (const k of KERNEL_NAMES) core[k] = exports[k];
  return Object.freeze(core) as unknown as CoreExports;
}
