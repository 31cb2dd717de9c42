// Orthogonal and delta-orthogonal initialization: a Gaussian matrix from the library's normal
// stream, orthonormalised in wasm by block Gram-Schmidt with re-orthogonalisation (BCGS2,
// assembly/orthogonal.ts). Each is a method of the loaded instance (declaration merging below)
// and runs through WeightInit.produce, so seed, out, range and dtype behave as everywhere else.
// docs/orthogonal.md: algorithm, accuracy, measured speed.
import { outputType } from './dtype.js';
import { WeightInit, type Kernel, type Shape } from './instance.js';
import type { Key } from './seed.js';
import type { Tensor, TypedArray } from './tensor.js';
import type { InitOptions, Result } from './initializers.js';
import { checkOptionNames, checkShape, num, show, sizeOf } from './validate.js';

export interface OrthogonalOptions extends InitOptions {
  /** Multiplies the orthogonal matrix (default 1): QᵀQ = gain²·I (PyTorch `gain`, Keras/JAX `scale`). */
  gain?: number;
}

export interface DeltaOrthogonalOptions extends OrthogonalOptions {
  /** 'torch' (default): [out, in, ...kernel]; 'tf': [...kernel, in, out] (the JAX/TF layout). */
  layout?: 'torch' | 'tf';
}

/** The kernels of assembly/orthogonal.ts. */
interface OrthoExports {
  orthoScratchBytes(k: number): number;
  orthonormalizeRows(v: number, k: number, n: number, scratch: number): void;
  transposeScale(src: number, dst: number, rows: number, cols: number, s: number): void;
  scaleInPlace(p: number, count: number, s: number): void;
}

declare module './instance.js' {
  interface WeightInit {
    /**
     * A (semi-)orthogonal matrix, Haar-distributed, times `gain` (Saxe, McClelland & Ganguli 2014;
     * PyTorch `orthogonal_`, Keras/tfjs `Orthogonal`, JAX `orthogonal`). rows = shape[0],
     * cols = the product of the other dimensions; the result has orthonormal columns when
     * rows >= cols and orthonormal rows otherwise: WᵀW = gain²·I (tall/square) or WWᵀ = gain²·I (wide).
     *
     * How: with k = min(rows, cols), n = max(rows, cols), G = normal([k, n]) with this call's key
     * (exactly `wi.normal([k, n], { seed })`); its rows are orthonormalised in order by block
     * Gram-Schmidt with re-orthogonalisation (the Q of a QR of Gᵀ with R's diagonal positive, so
     * no sign fix is needed). W = that k x n matrix (wide or square) or its transpose (tall).
     * max |WᵀW/gain² - I| is about 1.2e-7 up to 2048² (docs/orthogonal.md).
     * @example const w = wi.orthogonal([512, 256, 3, 3], { gain: Math.SQRT2, seed: 1 });
     */
    orthogonal<O extends OrthogonalOptions>(shape: Shape, opts?: O): Result<O>;
    /**
     * Delta-orthogonal convolution kernel (Xiao et al. 2018, "Dynamical isometry and a mean field
     * theory of CNNs"; JAX `delta_orthogonal`): zeros, except the spatial centre (index (k-1)//2 in
     * every kernel dimension, as JAX), which holds an orthogonal matrix times gain. 3-, 4- or 5-D.
     * Layout 'torch' (default) [out, in, ...kernel]: W[:, :, centre] = orthogonal([out, in]);
     * layout 'tf' [...kernel, in, out]: W[centre, :, :] = orthogonal([in, out]). Needs out >= in.
     * @example const w = wi.deltaOrthogonal([64, 32, 3, 3], { seed: 2 });
     */
    deltaOrthogonal<O extends DeltaOrthogonalOptions>(shape: Shape, opts?: O): Result<O>;
  }
}

type Opts = Record<string, unknown>;
type Any = Tensor<TypedArray> | TypedArray;
const COMMON = ['seed', 'out', 'range', 'dtype'];
/** Elements per fillNormal call (its count is an i32). */
const NORMAL_CALL = 1 << 28;

function orthoCore(wi: WeightInit): OrthoExports {
  return wi.core as unknown as OrthoExports;
}

function gainOf(fn: string, v: unknown): number {
  const g = num(fn, 'gain', v, 1);
  const r = Math.fround(g);
  if (!Number.isFinite(r)) throw new RangeError(`${fn}: gain must be a finite float32 (|gain| <= 3.4028234663852886e38), got ${show(v)}`);
  return r;
}

/**
 * Writes W = gain · orthogonal(rows x cols) for key into dst (rows·cols float32, row-major).
 * Allocates its scratch (and, for tall matrices, the k x n work matrix) on the wasm heap and
 * frees it before returning.
 */
function orthogonalInto(wi: WeightInit, dst: number, rows: number, cols: number, gain: number, key: Key): void {
  const k = Math.min(rows, cols);
  const n = Math.max(rows, cols);
  const size = k * n;
  if (size === 0) return;
  const core = orthoCore(wi);
  const heap = wi.heap;
  const tall = rows > cols;
  const v = tall ? heap.alloc(size * 4) : dst;
  let scratch = -1;
  try {
    for (let s = 0; s < size; s += NORMAL_CALL) wi.core.fillNormal(v + s * 4, s, Math.min(NORMAL_CALL, size - s), key.lo, key.hi, 0, 1);
    scratch = heap.alloc(core.orthoScratchBytes(k));
    core.orthonormalizeRows(v, k, n, scratch);
    if (tall) core.transposeScale(v, dst, k, n, gain);
    else if (gain !== 1) core.scaleInPlace(dst, size, gain);
  } finally {
    if (scratch >= 0) heap.free(scratch);
    if (tall) heap.free(v);
  }
}

/**
 * A produce() kernel for a matrix that must be made whole: on the in-memory float32 path (one
 * call covering everything) it is written straight into the output; otherwise (out, dtype,
 * range: calls chunk by chunk) it is made once into a heap buffer and copied from. `done()`
 * frees that buffer.
 */
function wholeKernel(wi: WeightInit, size: number, make: (dst: number, key: Key) => void): { kernel: Kernel; done: () => void } {
  let whole = -1;
  const kernel: Kernel = (p, start, count, key) => {
    if (start === 0 && count === size && whole < 0) {
      make(p, key);
      return;
    }
    if (whole < 0) {
      const ptr = wi.heap.alloc(size * 4);
      try {
        make(ptr, key);
      } catch (err) {
        wi.heap.free(ptr);
        throw err;
      }
      whole = ptr;
    }
    const buf = wi.memory.buffer;
    new Float32Array(buf, p, count).set(new Float32Array(buf, whole + start * 4, count));
  };
  return {
    kernel,
    done: () => {
      if (whole >= 0) wi.heap.free(whole);
      whole = -1;
    },
  };
}

function run(wi: WeightInit, fn: string, shape: number[], o: Opts, size: number, make: (dst: number, key: Key) => void): Any {
  const { kernel, done } = wholeKernel(wi, size, make);
  try {
    return wi.produce({ fn, shape, opts: o, kernel });
  } finally {
    done();
  }
}

const proto = WeightInit.prototype as unknown as Record<string, (this: WeightInit, ...a: unknown[]) => Any>;

proto.orthogonal = function (shape, opts) {
  const fn = 'weightinit.orthogonal';
  const o = checkOptionNames(fn, opts, ['gain', ...COMMON]);
  const s = checkShape(fn, shape);
  if (s.length < 2) {
    throw new RangeError(`${fn}: shape must have at least 2 dimensions (rows = shape[0], cols = the product of the rest), got ${show(shape)} (${s.length}-D)`);
  }
  const gain = gainOf(fn, o.gain);
  outputType(fn, this.core, o.dtype); // validate dtype before anything else happens
  const size = sizeOf(s);
  const rows = s[0]!;
  const cols = rows === 0 ? 0 : size / rows;
  return run(this, fn, s, o, size, (dst, key) => orthogonalInto(this, dst, rows, cols, gain, key));
};

proto.deltaOrthogonal = function (shape, opts) {
  const fn = 'weightinit.deltaOrthogonal';
  const o = checkOptionNames(fn, opts, ['gain', 'layout', ...COMMON]);
  const s = checkShape(fn, shape);
  if (s.length < 3 || s.length > 5) {
    throw new RangeError(`${fn}: shape must be 3-, 4- or 5-D (a conv1d/2d/3d weight), got ${show(shape)} (${s.length}-D)`);
  }
  const layout = o.layout ?? 'torch';
  if (layout !== 'torch' && layout !== 'tf') {
    throw new (typeof layout === 'string' ? RangeError : TypeError)(
      `${fn}: layout must be one of "torch" ([out, in, ...kernel]), "tf" ([...kernel, in, out]), got ${show(layout)}`,
    );
  }
  const gain = gainOf(fn, o.gain);
  outputType(fn, this.core, o.dtype);
  const r = s.length;
  const outC = layout === 'torch' ? s[0]! : s[r - 1]!;
  const inC = layout === 'torch' ? s[1]! : s[r - 2]!;
  if (outC < inC) {
    throw new RangeError(
      `${fn}: out channels (${outC}) must be >= in channels (${inC}) for an orthogonal centre, got shape ${show(shape)} (layout ${JSON.stringify(layout)}: ` +
        `${layout === 'torch' ? '[out, in, ...kernel]' : '[...kernel, in, out]'})`,
    );
  }
  const kdims = layout === 'torch' ? s.slice(2) : s.slice(0, r - 2);
  let centre = 0;
  let ksize = 1;
  for (const d of kdims) {
    centre = centre * d + Math.floor((d - 1) / 2);
    ksize *= d;
  }
  const size = sizeOf(s);
  const m = outC * inC;
  const wi = this;
  const make = (dst: number, key: Key): void => {
    const buf0 = wi.memory.buffer;
    new Float32Array(buf0, dst, size).fill(0);
    if (size === 0) return;
    // torch: the [out, in] matrix (orthonormal columns); tf: the [in, out] one (orthonormal rows)
    const mat = wi.heap.alloc(m * 4);
    try {
      if (layout === 'torch') orthogonalInto(wi, mat, outC, inC, gain, key);
      else orthogonalInto(wi, mat, inC, outC, gain, key);
      const buf = wi.memory.buffer;
      const w = new Float32Array(buf, dst, size);
      const a = new Float32Array(buf, mat, m);
      if (layout === 'torch') {
        for (let e = 0; e < m; e++) w[e * ksize + centre] = a[e]!;
      } else {
        w.set(a, centre * m);
      }
    } finally {
      wi.heap.free(mat);
    }
  };
  return run(this, fn, s, o, size, make);
};

/**
 * @internal Test entry: orthonormalises the k rows (length n, k <= n) of a caller's matrix with
 * the wasm kernel and returns the result. Any input, including rank-deficient ones: rows that
 * collapse are replaced by unit directions e_c orthogonalised against the earlier rows.
 */
export function orthonormalizeRows(wi: WeightInit, data: Float32Array, k: number, n: number): Float32Array {
  if (!(k <= n) || data.length !== k * n) throw new RangeError(`orthonormalizeRows: need k <= n and k·n elements, got k = ${k}, n = ${n}, ${data.length} elements`);
  const core = orthoCore(wi);
  const v = wi.heap.alloc(Math.max(4, k * n * 4));
  const scratch = wi.heap.alloc(core.orthoScratchBytes(k));
  try {
    new Float32Array(wi.memory.buffer, v, k * n).set(data);
    core.orthonormalizeRows(v, k, n, scratch);
    return new Float32Array(wi.memory.buffer, v, k * n).slice();
  } finally {
    wi.heap.free(scratch);
    wi.heap.free(v);
  }
}
