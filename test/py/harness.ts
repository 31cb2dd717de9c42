// Shared by the io tests: deterministic test tensors with their expected bytes computed
// independently of the writers (DataView, element by element), the Python reference readers,
// and temporary directories.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TensorOut, TensorSource, WriteDType } from '../../src/io/common.js';

export const PY_DIR = dirname(fileURLToPath(import.meta.url));

/** Runs a script of test/py with python3 and parses its JSON output. Missing python3 or numpy is a failure, never a skip. */
export function runPython<T>(script: string, args: string[]): T {
  const r = spawnSync('python3', [join(PY_DIR, script), ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error !== undefined) {
    throw new Error(`python3 could not be started (${r.error.message}): the independent-reader tests need python3 with numpy installed`);
  }
  if (r.status !== 0) {
    if (/No module named '?numpy/.test(r.stderr)) throw new Error('numpy is not installed for python3: the independent-reader tests need it (pip install numpy)');
    throw new Error(`${script} ${args.join(' ')} exited with ${r.status}: ${r.stderr.trim()}`);
  }
  return JSON.parse(r.stdout) as T;
}

/** Runs a python3 program given as text (numpy available), returning its stdout. Same failure rules as runPython. */
export function runPythonCode(code: string): string {
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error !== undefined) {
    throw new Error(`python3 could not be started (${r.error.message}): the independent-reader tests need python3 with numpy installed`);
  }
  if (r.status !== 0) {
    if (/No module named '?numpy/.test(r.stderr)) throw new Error('numpy is not installed for python3: the independent-reader tests need it (pip install numpy)');
    throw new Error(`python3 -c exited with ${r.status}: ${r.stderr.trim()}`);
  }
  return r.stdout;
}

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = 'weightinit-io-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function listDir(dir: string): string[] {
  return readdirSync(dir).sort();
}

// --- deterministic values ------------------------------------------------------------------

/** A 32-bit integer hash (splitmix-like) of (seed, i): the test data, nothing to do with the library's generator. */
function hash32(seed: number, i: number): number {
  let x = (Math.imul(i, 0x9e3779b9) ^ Math.imul(seed + 1, 0x85ebca6b)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Element i of a test tensor, as the number it stands for (F32/F64) or its bit pattern
 * (F16/BF16, finite values only: the all-ones exponent is avoided).
 */
export function element(dtype: WriteDType, seed: number, i: number): number {
  const h = hash32(seed, i);
  switch (dtype) {
    case 'F64':
      return (h / 2 ** 32 - 0.5) * 6 + i * 1e-7;
    case 'F32':
      return Math.fround((h / 2 ** 32 - 0.5) * 4);
    case 'F16': {
      const bits = h & 0xffff;
      return ((bits >>> 10) & 0x1f) === 0x1f ? bits & ~0x0400 : bits;
    }
    case 'BF16': {
      const bits = h & 0xffff;
      return ((bits >>> 7) & 0xff) === 0xff ? bits & ~0x0080 : bits;
    }
  }
}

/** The value a half bit pattern stands for (IEEE binary16), decoded from the definition. */
export function f16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >>> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m === 0 ? sign * Infinity : NaN;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** The value a bfloat16 bit pattern stands for: the high half of a float32. */
export function bf16Value(bits: number): number {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setUint32(0, bits << 16, false);
  return dv.getFloat32(0, false);
}

export function valueOf(dtype: WriteDType, e: number): number {
  return dtype === 'F16' ? f16Value(e) : dtype === 'BF16' ? bf16Value(e) : e;
}

const SIZE: Record<WriteDType, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

/** The little-endian bytes of elements [0, count) of a test tensor, encoded one by one with DataView. */
export function expectedBytes(dtype: WriteDType, seed: number, count: number): Uint8Array {
  const out = new Uint8Array(count * SIZE[dtype]);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < count; i++) {
    const e = element(dtype, seed, i);
    if (dtype === 'F32') dv.setFloat32(i * 4, e, true);
    else if (dtype === 'F64') dv.setFloat64(i * 8, e, true);
    else dv.setUint16(i * 2, e, true);
  }
  return out;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Population mean and std of a test tensor's values, in float64 (two passes). */
export function expectedStats(dtype: WriteDType, seed: number, count: number): { mean: number | null; std: number | null } {
  if (count === 0) return { mean: null, std: null };
  let s = 0;
  for (let i = 0; i < count; i++) s += valueOf(dtype, element(dtype, seed, i));
  const mean = s / count;
  let q = 0;
  for (let i = 0; i < count; i++) q += (valueOf(dtype, element(dtype, seed, i)) - mean) ** 2;
  return { mean, std: Math.sqrt(q / count) };
}

export interface TestSourceLog {
  calls: { start: number; count: number; outLength: number; outType: string }[];
}

/**
 * A TensorSource of test values, computed element by element on demand (no array held).
 * `log` records every write call; `throwAt` makes the call covering that element throw.
 */
export function testSource(name: string, shape: readonly number[], dtype: WriteDType, seed: number, extra: { log?: TestSourceLog; throwAt?: number } = {}): TensorSource {
  return {
    name,
    shape,
    dtype,
    write(start: number, count: number, out: TensorOut) {
      extra.log?.calls.push({ start, count, outLength: out.length, outType: out.constructor.name });
      if (extra.throwAt !== undefined && extra.throwAt >= start && extra.throwAt < start + count) throw new Error(`test source fails at element ${extra.throwAt}`);
      const dst = out.BYTES_PER_ELEMENT === 2 ? new Uint16Array(out.buffer, out.byteOffset, out.length) : (out as Float32Array | Float64Array);
      for (let i = 0; i < count; i++) dst[i] = element(dtype, seed, start + i);
    },
  };
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}

export function elementBytes(dtype: WriteDType): number {
  return SIZE[dtype];
}
