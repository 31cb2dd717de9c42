// Small terminal plots: sparklines and horizontal bars, one character cell per value.

const SPARK = '▁▂▃▄▅▆▇█';

/**
 * One block character per value, scaled between the smallest and largest finite value (on a
 * log10 scale with `log`, non-positive values then shown as a space). `lo`/`hi` fix the scale
 * (so two sparklines can share it).
 */
export function sparkline(values: readonly number[], o: { log?: boolean; lo?: number; hi?: number } = {}): string {
  const t = (v: number): number => (o.log === true ? (v > 0 ? Math.log10(v) : NaN) : v);
  const xs = values.map(t);
  const finite = xs.filter(Number.isFinite);
  const lo = o.lo !== undefined ? t(o.lo) : Math.min(...finite);
  const hi = o.hi !== undefined ? t(o.hi) : Math.max(...finite);
  return xs
    .map((x) => {
      if (!Number.isFinite(x)) return ' ';
      if (!(hi > lo)) return SPARK[3];
      const k = Math.round(((Math.min(hi, Math.max(lo, x)) - lo) / (hi - lo)) * (SPARK.length - 1));
      return SPARK[k];
    })
    .join('');
}

const EIGHTHS = ' ▏▎▍▌▋▊▉█';

/** A horizontal bar of `fraction` (0..1) of `width` cells, in eighths of a cell. */
export function bar(fraction: number, width = 20): string {
  const f = Number.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  return ('█'.repeat(full) + (rest > 0 ? EIGHTHS[rest] : '')).padEnd(width, ' ');
}

/** A number in at most `width` characters: fixed for moderate values, exponent form otherwise. */
export function fmtNum(x: number, digits = 3): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(Math.max(0, digits - 1));
  return x.toPrecision(digits);
}

/** Left-aligned table with columns padded to their widest cell (numbers right-aligned). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = (c: string): boolean => /^[-+]?([\d.]|NaN|Inf)/.test(c);
  const line = (cells: readonly string[], head: boolean): string =>
    cells.map((c, i) => (!head && numeric(c) ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ').trimEnd();
  return [line(header, true), ...rows.map((r) => line(r, false))].join('\n');
}
