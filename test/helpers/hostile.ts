// Shared machinery of the hostile suites (test/hostile*.test.ts): instance state snapshots,
// bit-exact comparisons, the "rejected cleanly" check, and the table of shape-taking methods.
import { expect } from 'vitest';
import { engineOf } from '../../src/engine/engine.js';
import { load, Tensor } from '../../src/index.js';
import type { WeightInit } from '../../src/weightinit.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFn = (...a: any[]) => any;

/** The instance as a bag of untyped methods (hostile calls do not typecheck, on purpose). */
export function api(w: WeightInit): Record<string, AnyFn> {
  return w as unknown as Record<string, AnyFn>;
}

export const ROOT = 4242;

/** Two instances with the same root seed: one to attack, one to compare with. */
export async function pair(seed: number = ROOT): Promise<[WeightInit, WeightInit]> {
  return [await load({ seed }), await load({ seed })];
}

// intrinsic getters, so a subclass or an own property cannot lie to the checks themselves
const TAProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const taBuffer = Object.getOwnPropertyDescriptor(TAProto, 'buffer')!.get!;
const taByteOffset = Object.getOwnPropertyDescriptor(TAProto, 'byteOffset')!.get!;
const taByteLength = Object.getOwnPropertyDescriptor(TAProto, 'byteLength')!.get!;
const taTag = Object.getOwnPropertyDescriptor(TAProto, Symbol.toStringTag)!.get!;

/** An owned copy of the bytes of a Tensor's data or of any typed array (any realm, subclass or not). */
export function bytesOf(v: unknown): Uint8Array {
  const ta = v instanceof Tensor ? (v.data as unknown) : v;
  if (taTag.call(ta) === undefined) throw new TypeError(`bytesOf: not a typed array or Tensor: ${Object.prototype.toString.call(v)}`);
  const buf = taBuffer.call(ta) as ArrayBufferLike;
  const off = taByteOffset.call(ta) as number;
  const len = taByteLength.call(ta) as number;
  return new Uint8Array(buf, off, len).slice();
}

/** FNV-1a 32 of bytes, as hex: a short fingerprint (pure JS, no Node internals). */
export function digest(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193) >>> 0;
  return `${b.length}B:${h.toString(16).padStart(8, '0')}`;
}

/** Bit-identical, with the first differing byte in the failure message. */
export function expectSameBits(actual: unknown, expected: unknown, label = ''): void {
  const a = actual instanceof Uint8Array && !(actual instanceof Tensor) ? actual : bytesOf(actual);
  const b = expected instanceof Uint8Array && !(expected instanceof Tensor) ? expected : bytesOf(expected);
  let first = -1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) {
      first = i;
      break;
    }
  }
  expect({ label, byteLength: a.length, firstDifferentByte: first }).toEqual({ label, byteLength: b.length, firstDifferentByte: -1 });
}

/** What a rejected call must leave as it was. */
export interface Snapshot {
  live: number;
  liveBytes: number;
  memoryBytes: number;
  nextKey: { lo: number; hi: number };
}

export function snapshot(w: WeightInit): Snapshot {
  const e = engineOf(w);
  const k = e.keys.peek();
  return { live: e.heap.liveCount, liveBytes: e.heap.liveBytes, memoryBytes: w.memory.buffer.byteLength, nextKey: { lo: k.lo, hi: k.hi } };
}

export type ErrorType = typeof RangeError | typeof TypeError;

function describeThrown(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : `the non-Error ${String(e)}`;
}

/**
 * What is wrong with how a call was rejected, or undefined when it threw `type` with a
 * message starting `weightinit.<fn>: ` (and matching `re`) and left the instance untouched:
 * nothing allocated, memory not grown, no key taken, the given `out` arrays byte-identical.
 */
export function rejectionProblem(
  w: WeightInit, f: () => unknown, type: ErrorType, fn: string, re?: RegExp, outs: unknown[] = [],
): { problem: string | undefined; error: Error | undefined } {
  const before = snapshot(w);
  const outBefore = outs.map((o) => bytesOf(o));
  let caught: unknown = undefined;
  let threw = false;
  try {
    f();
  } catch (e) {
    threw = true;
    caught = e;
  }
  const error = caught instanceof Error ? caught : undefined;
  const problem = ((): string | undefined => {
    if (!threw) return `accepted (returned) instead of throwing a ${type.name}`;
    if (!(caught instanceof type)) return `threw ${describeThrown(caught)} instead of a ${type.name}`;
    const msg = (caught as Error).message;
    if (!msg.startsWith(`weightinit.${fn}: `)) return `message does not start with "weightinit.${fn}: ": ${JSON.stringify(msg)}`;
    if (re !== undefined && !re.test(msg)) return `message does not match ${String(re)}: ${JSON.stringify(msg)}`;
    const after = snapshot(w);
    if (JSON.stringify(after) !== JSON.stringify(before)) return `instance state changed: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`;
    for (let i = 0; i < outs.length; i++) {
      const now = bytesOf(outs[i]);
      if (now.length !== outBefore[i]!.length || now.some((b, j) => b !== outBefore[i]![j])) return `out #${i} was written`;
    }
    return undefined;
  })();
  return { problem, error };
}

/** rejectionProblem as an assertion; returns the error. */
export function expectRejected(w: WeightInit, f: () => unknown, type: ErrorType, fn: string, re?: RegExp, outs: unknown[] = [], label = ''): Error {
  const { problem, error } = rejectionProblem(w, f, type, fn, re, outs);
  expect(problem, `weightinit.${fn}${label === '' ? '' : ` (${label})`}`).toBeUndefined();
  return error!;
}

/** The next unseeded outputs of w equal those of its twin (no key consumed, nothing corrupted). */
export function expectTwinInStep(w: WeightInit, twin: WeightInit, label = 'next unseeded draws'): void {
  for (const [name, call] of [
    ['normal', (x: WeightInit) => x.normal([37])],
    ['uniform', (x: WeightInit) => x.uniform([37])],
    ['uint32', (x: WeightInit) => x.uint32(9)],
  ] as const) {
    const a = call(w);
    const b = call(twin);
    expectSameBits(a, b, `${label}: ${name}`);
    a.free();
    b.free();
  }
}

/** A tensor whose size agrees with its shape and its data. */
export function expectConsistent(t: unknown): void {
  expect(t).toBeInstanceOf(Tensor);
  const x = t as Tensor<Float32Array>;
  const prod = x.shape.reduce((p, d) => p * d, 1);
  expect({ size: x.size, prod, length: x.data.length }).toEqual({ size: prod, prod, length: prod });
}

/** A method that takes a shape first: a valid shape and the options it needs. */
export interface ShapedMethod {
  readonly name: string;
  readonly shape: number[];
  readonly opts: Readonly<Record<string, unknown>>;
}

export const SHAPED: readonly ShapedMethod[] = [
  { name: 'uniform', shape: [5, 6], opts: {} },
  { name: 'normal', shape: [5, 6], opts: {} },
  { name: 'varianceScaling', shape: [5, 6], opts: {} },
  { name: 'glorotUniform', shape: [5, 6], opts: {} },
  { name: 'glorotNormal', shape: [5, 6], opts: {} },
  { name: 'xavierUniform', shape: [5, 6], opts: {} },
  { name: 'xavierNormal', shape: [5, 6], opts: {} },
  { name: 'heUniform', shape: [5, 6], opts: {} },
  { name: 'heNormal', shape: [5, 6], opts: {} },
  { name: 'kaimingUniform', shape: [5, 6], opts: {} },
  { name: 'kaimingNormal', shape: [5, 6], opts: {} },
  { name: 'lecunUniform', shape: [5, 6], opts: {} },
  { name: 'lecunNormal', shape: [5, 6], opts: {} },
  { name: 'truncatedNormal', shape: [5, 6], opts: {} },
  { name: 'constant', shape: [5, 6], opts: { value: 0.5 } },
  { name: 'zeros', shape: [5, 6], opts: {} },
  { name: 'ones', shape: [5, 6], opts: {} },
  { name: 'eye', shape: [5, 6], opts: {} },
  { name: 'dirac', shape: [4, 4, 3, 3], opts: {} },
  { name: 'sparse', shape: [5, 6], opts: { sparsity: 0.5 } },
  { name: 'orthogonal', shape: [5, 6], opts: {} },
  { name: 'deltaOrthogonal', shape: [6, 4, 3, 3], opts: {} },
];

export function callShaped(w: WeightInit, m: ShapedMethod, shape: unknown, extra: Record<string, unknown> = {}): unknown {
  return api(w)[m.name]!(shape, { ...m.opts, ...extra });
}

/** The option names a method accepts, read from its own "unknown option" error (so none is missed). */
export function allowedOptions(f: (opts: Record<string, unknown>) => unknown): string[] {
  try {
    f({ __hostile_probe__: 1 });
  } catch (e) {
    const m = /valid options are (.*)$/.exec((e as Error).message);
    if (m) return [...m[1]!.matchAll(/"([^"]+)"/g)].map((x) => x[1]!);
  }
  throw new Error('allowedOptions: the call did not list its valid options');
}

/** float16 bits to a number. */
export function f16ToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 31;
  const m = h & 1023;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m !== 0 ? Number.NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

const bfF = new Float32Array(1);
const bfU = new Uint32Array(bfF.buffer);
/** bfloat16 bits to a number. */
export function bf16ToNumber(h: number): number {
  bfU[0] = h << 16;
  return bfF[0]!;
}

/** The values of a tensor or array of any dtype, as float64 numbers. */
export function valuesOf(t: unknown, dtype: string): number[] {
  const data = (t instanceof Tensor ? t.data : t) as ArrayLike<number>;
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out.push(dtype === 'float16' && taTag.call(data) === 'Uint16Array' ? f16ToNumber(v) : dtype === 'bfloat16' ? bf16ToNumber(v) : v);
  }
  return out;
}

/** Sets Object.prototype[key] (a data value or a throwing getter) for the duration of f only. */
export function polluted<T>(key: string, value: unknown, f: () => T, asThrowingGetter = false): T {
  const proto = Object.prototype as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(proto, key)) throw new Error(`polluted: Object.prototype already has ${key}`);
  if (asThrowingGetter) {
    Object.defineProperty(proto, key, {
      get() {
        throw new Error(`inherited Object.prototype.${key} was read`);
      },
      configurable: true,
    });
  } else {
    Object.defineProperty(proto, key, { value, writable: true, configurable: true, enumerable: true }); // as `Object.prototype[key] = value` would
  }
  try {
    return f();
  } finally {
    delete proto[key];
  }
}
