// The per-tensor summary of a write: statistics of the values actually written, accumulated
// chunk by chunk through the model writer's observe hook (no tensor is ever held whole), and
// the plain-text table the CLI and the demo print.
import { bfloat16ToNumber, halfToNumber } from '../dtype.js';
import { engineOf } from '../engine/engine.js';
import type { TensorOut } from '../io/common.js';
import type { Plan, PlanEntry } from '../model/plan.js';
import type { WritePlanOptions } from '../model/write.js';
import type { WeightInit } from '../weightinit.js';

/** Running count, mean, M2 (sum of squared deviations), min and max; chunks merged by Chan et al.'s pairwise formula. */
export class RunningStats {
  count = 0;
  mean = 0;
  m2 = 0;
  min = Infinity;
  max = -Infinity;
  /** Values that were NaN or ±Infinity (left out of mean and std). */
  nonFinite = 0;

  /** Adds `n` values read by `get(i)`, i in [0, n). One pass, shifted by the chunk's first finite value. */
  addChunk(n: number, get: (i: number) => number): void {
    let shift = NaN;
    let s = 0;
    let q = 0;
    let c = 0;
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < n; i++) {
      const x = get(i);
      if (!Number.isFinite(x)) {
        this.nonFinite++;
        continue;
      }
      if (c === 0) shift = x;
      const d = x - shift;
      s += d;
      q += d * d;
      c++;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    this.min = min;
    this.max = max;
    if (c === 0) return;
    const mean = shift + s / c;
    const m2 = Math.max(0, q - (s * s) / c);
    this.mergeMoments(c, mean, m2);
  }

  /** Adds the values of a typed array of numbers (fast path, no closure per element). */
  addArray(v: Float32Array | Float64Array): void {
    const n = v.length;
    if (n === 0) return;
    const shift = v[0]!;
    if (!Number.isFinite(shift)) {
      this.addChunk(n, (i) => v[i]!);
      return;
    }
    let s = 0;
    let q = 0;
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      const d = x - shift;
      s += d;
      q += d * d;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (!Number.isFinite(q) || !Number.isFinite(min) || !Number.isFinite(max)) {
      // a NaN or infinity somewhere: count it apart, element by element
      this.addChunk(n, (i) => v[i]!);
      return;
    }
    this.min = min;
    this.max = max;
    this.mergeMoments(n, shift + s / n, Math.max(0, q - (s * s) / n));
  }

  /** Adds `n` half-precision bit patterns decoded through `table` (65536 entries). */
  addBits(bits: Uint16Array, table: Float32Array, n = bits.length): void {
    if (n === 0) return;
    const shift = table[bits[0]!]!;
    if (!Number.isFinite(shift)) {
      this.addChunk(n, (i) => table[bits[i]!]!);
      return;
    }
    let s = 0;
    let q = 0;
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < n; i++) {
      const x = table[bits[i]!]!;
      const d = x - shift;
      s += d;
      q += d * d;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (!Number.isFinite(q) || !Number.isFinite(min) || !Number.isFinite(max)) {
      this.addChunk(n, (i) => table[bits[i]!]!);
      return;
    }
    this.min = min;
    this.max = max;
    this.mergeMoments(n, shift + s / n, Math.max(0, q - (s * s) / n));
  }

  /**
   * Adds the sums of a run of values (assembly/stats.ts): `count` finite values with
   * Σ(x − shift) = s and Σ(x − shift)² = q, their min and max, and `nonFinite` values left out.
   */
  addSums(count: number, shift: number, s: number, q: number, min: number, max: number, nonFinite: number): void {
    this.nonFinite += nonFinite;
    if (count === 0) return;
    if (min < this.min) this.min = min;
    if (max > this.max) this.max = max;
    this.mergeMoments(count, shift + s / count, Math.max(0, q - (s * s) / count));
  }

  /** Adds another accumulator's values (as if they had been added here). */
  merge(other: RunningStats): void {
    this.nonFinite += other.nonFinite;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    if (other.count > 0) this.mergeMoments(other.count, other.mean, other.m2);
  }

  private mergeMoments(n: number, mean: number, m2: number): void {
    if (this.count === 0) {
      this.count = n;
      this.mean = mean;
      this.m2 = m2;
      return;
    }
    const total = this.count + n;
    const delta = mean - this.mean;
    this.mean += (delta * n) / total;
    this.m2 += m2 + (delta * delta * this.count * n) / total;
    this.count = total;
  }

  /** Population standard deviation (NaN with no values). */
  get std(): number {
    return this.count === 0 ? NaN : Math.sqrt(this.m2 / this.count);
  }

  toJSON(): { count: number; mean: number | null; std: number | null; min: number | null; max: number | null; nonFinite: number } {
    const f = (x: number) => (Number.isFinite(x) ? x : null);
    return { count: this.count, mean: f(this.count === 0 ? NaN : this.mean), std: f(this.std), min: f(this.min), max: f(this.max), nonFinite: this.nonFinite };
  }
}

let BF16: Float32Array | undefined;
let F16: Float32Array | undefined;

/** The float value of every bfloat16 bit pattern (a 256 KiB table, built once). */
export function bf16Table(): Float32Array {
  if (BF16 === undefined) {
    BF16 = new Float32Array(65536);
    for (let b = 0; b < 65536; b++) BF16[b] = bfloat16ToNumber(b);
  }
  return BF16;
}

/** The float value of every IEEE binary16 bit pattern (a 256 KiB table, built once). */
export function f16Table(): Float32Array {
  if (F16 === undefined) {
    F16 = new Float32Array(65536);
    for (let b = 0; b < 65536; b++) F16[b] = halfToNumber(b);
  }
  return F16;
}

/** Adds the values of a chunk in a writer's element type (F16/BF16: bit patterns, or a Float16Array for F16). */
export function addValues(st: RunningStats, dtype: 'F32' | 'F64' | 'F16' | 'BF16', out: TensorOut | ArrayBufferView, count = (out as { length: number }).length): void {
  if (dtype === 'F32' || dtype === 'F64') {
    st.addArray(out as Float32Array | Float64Array);
    return;
  }
  const bits = out instanceof Uint16Array ? out : new Uint16Array(out.buffer, out.byteOffset, count);
  st.addBits(bits, dtype === 'BF16' ? bf16Table() : f16Table(), count);
}

/**
 * One RunningStats per plan entry (by name, into `stats`) and the `observe` hook of writePlan
 * that feeds them: the sums of each chunk of written values come from a SIMD kernel
 * (assembly/stats.ts) over the chunk where it lies in wasm memory (the model writer's buffers
 * are there when the memory is shared), else over a copy in a staging region; float64 chunks
 * are summed here. `release()` frees the wasm memory it took.
 */
export function statsObserver(wi: WeightInit, plan: Plan, stats: Map<string, RunningStats>): { observe: NonNullable<WritePlanOptions['observe']>; release(): void } {
  for (const e of plan.entries) stats.set(e.name, new RunningStats());
  const e = engineOf(wi);
  const k = e.core;
  const sums = e.heap.alloc(48, 'the statistics sums');
  let staging = 0;
  let stagingBytes = 0;
  return {
    observe(entry, _start, values) {
      const st = stats.get(entry.name)!;
      const n = values.length;
      if (n === 0) return;
      if (values instanceof Float64Array) {
        st.addArray(values);
        return;
      }
      const bytes = values.byteLength;
      let p = values.byteOffset;
      if (!e.heap.ownsBuffer(values.buffer)) {
        if (stagingBytes < bytes) {
          if (staging !== 0) e.heap.free(staging);
          staging = 0;
          staging = e.heap.alloc(bytes, 'the statistics staging region');
          stagingBytes = bytes;
        }
        new Uint8Array(e.memory.buffer, staging, bytes).set(new Uint8Array(values.buffer, values.byteOffset, bytes));
        p = staging;
      }
      const mem = e.memory.buffer;
      let shift: number;
      if (entry.dtype === 'float32') {
        shift = new Float32Array(mem, p, 1)[0]!;
      } else {
        const b = new Uint16Array(mem, p, 1)[0]!;
        shift = entry.dtype === 'bfloat16' ? bfloat16ToNumber(b) : halfToNumber(b);
      }
      if (!Number.isFinite(shift)) shift = 0;
      (entry.dtype === 'float32' ? k.statsF32 : entry.dtype === 'bfloat16' ? k.statsBf16 : k.statsF16)(p, n, shift, sums);
      const r = new Float64Array(e.memory.buffer, sums, 6);
      st.addSums(r[0]!, shift, r[1]!, r[2]!, r[3]!, r[4]!, r[5]!);
    },
    release() {
      e.heap.free(sums);
      if (staging !== 0) e.heap.free(staging);
      staging = 0;
    },
  };
}

/** A number in 4 significant digits, or exponent notation when very small or large. */
export function num(x: number | undefined | null): string {
  if (x === undefined || x === null || Number.isNaN(x)) return '-';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-3 || a >= 1e5) return x.toExponential(2);
  return x.toPrecision(4).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** What the formulas say a tensor's values should look like: `std 0.02`, `= 1`. */
export function expected(e: PlanEntry): string {
  if (e.value !== undefined) return `= ${num(e.value)}`;
  if (e.std !== undefined) return num(e.std);
  return '-';
}

/** Pads columns to a table; numeric columns (by index) right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (right.has(i) ? c.padStart(w[i]!) : i === r.length - 1 ? c : c.padEnd(w[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n') + '\n';
}

export const SUMMARY_HEADER = ['tensor', 'shape', 'dtype', 'rule', 'initializer', 'mean', 'std', 'expected std'] as const;

/** One summary row per plan entry: name, shape, dtype, rule, initializer, measured mean and std, the std the formulas give. */
export function summaryRow(e: PlanEntry, st: RunningStats | undefined): string[] {
  const has = st !== undefined && st.count > 0;
  return [e.name, `[${e.shape.join(', ')}]`, e.dtype, e.rule, e.initializer, has ? num(st.mean) : '-', has ? num(st.std) : '-', expected(e)];
}

/** The whole summary table, or the first and last `edge` rows with a "... N more" line between when `edge` is given. */
export function summaryTable(plan: Plan, stats: ReadonlyMap<string, RunningStats>, edge?: number): string {
  let entries: readonly (PlanEntry | undefined)[] = plan.entries;
  if (edge !== undefined && plan.entries.length > 2 * edge + 1) entries = [...plan.entries.slice(0, edge), undefined, ...plan.entries.slice(-edge)];
  const skipped = plan.entries.length - (entries.length - 1);
  const rows = entries.map((e) => (e === undefined ? [`... ${skipped} more`, '', '', '', '', '', '', ''] : summaryRow(e, stats.get(e.name))));
  return formatTable(SUMMARY_HEADER, rows, new Set([5, 6, 7]));
}
