// Histograms of tensor values: binning, and a terminal rendering with Unicode blocks.

export interface Histogram {
  readonly lo: number;
  readonly hi: number;
  readonly counts: Uint32Array;
  /** Values outside [lo, hi] (only when lo/hi were given). */
  readonly outside: number;
  readonly total: number;
}

/** Bins `values` into `bins` equal-width bins over [lo, hi] (default: the data's range). */
export function histogram(values: ArrayLike<number>, bins = 40, lo?: number, hi?: number): Histogram {
  let min = Infinity;
  let max = -Infinity;
  if (lo === undefined || hi === undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const a = lo ?? (Number.isFinite(min) ? min : 0);
  let b = hi ?? (Number.isFinite(max) ? max : 1);
  if (b <= a) b = a + 1;
  const counts = new Uint32Array(bins);
  const scale = bins / (b - a);
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= a && v <= b)) {
      outside++;
      continue;
    }
    counts[Math.min(bins - 1, Math.floor((v - a) * scale))]!++;
  }
  return { lo: a, hi: b, counts, outside, total: values.length };
}

const BARS = ' ▁▂▃▄▅▆▇█';

/** A histogram as `rows` lines of Unicode block characters, one column per bin. */
export function renderTerminal(h: Histogram, rows = 6): string {
  let peak = 0;
  for (const c of h.counts) peak = Math.max(peak, c);
  const lines: string[] = [];
  for (let r = rows - 1; r >= 0; r--) {
    let line = '';
    for (const c of h.counts) {
      const height = peak === 0 ? 0 : (c / peak) * rows;
      const fill = Math.max(0, Math.min(8, Math.round((height - r) * 8)));
      line += BARS[fill];
    }
    lines.push(`│${line}│`);
  }
  const left = fmt(h.lo);
  const right = fmt(h.hi);
  const width = h.counts.length + 2;
  lines.push(left + ' '.repeat(Math.max(1, width - left.length - right.length)) + right);
  return lines.join('\n');
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 || (Math.abs(x) < 0.01 && x !== 0) ? x.toExponential(1) : x.toFixed(3);
}
