// What the lab needs from its host: wasm memory with an allocator, the lab kernels of core.wasm
// (assembly/lab.ts) and two fillers (an initializer by name, standard normal inputs). The
// library's class provides one; a test can build one over a bare core.wasm instance.

/** The lab kernels of core.wasm (assembly/lab.ts). Pointers are byte addresses in `memory`. */
export interface LabExports {
  /** Y[B×nout] = X[B×nin]·Wᵀ + bias, W row-major [nout, nin]; wt: scratch of nin·nout floats. */
  labLinearForward(y: number, x: number, w: number, bias: number, wt: number, batch: number, nin: number, nout: number): void;
  /** dX[B×nin] = dY[B×nout]·W. */
  labLinearBackwardInput(dx: number, dy: number, w: number, batch: number, nin: number, nout: number): void;
  /** dW[nout×nin] = alpha·dYᵀ·X. */
  labLinearBackwardWeight(dw: number, dy: number, x: number, batch: number, nin: number, nout: number, alpha: number): void;
  /** out[j] = alpha·Σ_i X[i, j]. */
  labColumnSums(out: number, x: number, rows: number, cols: number, alpha: number): void;
  /** y += alpha·x. */
  labAxpy(y: number, x: number, count: number, alpha: number): void;
  /** out = a ⊙ b. */
  labMul(out: number, a: number, b: number, count: number): void;
  /** y = f(z) for an activation code (ACTIVATION_CODES); param: leaky slope or elu alpha. */
  labActivate(y: number, z: number, count: number, kind: number, param: number): void;
  /** d = f'(z), from z and y = f(z). */
  labActDerivative(d: number, z: number, y: number, count: number, kind: number, param: number): void;
}

/** Everything propagate() and trainProbe() use. */
export interface LabBackend {
  /** The wasm memory the kernels address. Its buffer is re-read after every alloc (it may grow). */
  readonly memory: WebAssembly.Memory;
  /** A 64-byte aligned block of at least `bytes` bytes in `memory`. */
  alloc(bytes: number): number;
  /** Releases a block from alloc. */
  free(ptr: number): void;
  /** The lab kernels. */
  readonly exports: LabExports;
  /**
   * Fills `out` (a JS-owned Float32Array of ∏shape elements) with initializer `name` for a
   * weight of `shape` = [out, in] (PyTorch layout); `opts` are the initializer's options with
   * `seed` set by the lab. Must not touch the lab's allocations.
   */
  init(name: string, shape: number[], opts: Record<string, unknown>, out: Float32Array): void;
  /** Fills `out` (JS-owned) with standard normal values, a pure function of `seed`. */
  normal(count: number, seed: number, out: Float32Array): void;
}

/** Activations, spelled as PyTorch's calculate_gain spells them (gelu: the tanh approximation). */
export type Activation = 'linear' | 'tanh' | 'sigmoid' | 'relu' | 'leaky_relu' | 'elu' | 'selu' | 'gelu';

/** The kernel's code for each activation (the table at the top of assembly/lab.ts). */
export const ACTIVATION_CODES: Readonly<Record<Activation, number>> = Object.freeze({
  linear: 0, tanh: 1, sigmoid: 2, relu: 3, leaky_relu: 4, elu: 5, selu: 6, gelu: 7,
});

export const ACTIVATIONS = Object.freeze(Object.keys(ACTIVATION_CODES) as Activation[]);

/** The initializer names the lab accepts (the public method names of the library). */
export const INITIALIZERS = Object.freeze([
  'uniform', 'normal', 'truncatedNormal', 'varianceScaling',
  'glorotUniform', 'glorotNormal', 'xavierUniform', 'xavierNormal',
  'heUniform', 'heNormal', 'kaimingUniform', 'kaimingNormal',
  'lecunUniform', 'lecunNormal', 'orthogonal', 'constant', 'zeros', 'ones', 'eye', 'sparse',
] as const);

export type InitializerName = (typeof INITIALIZERS)[number];
