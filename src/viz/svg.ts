// Plots as SVG strings: histograms (overlaid or in panels), line plots (linear or log y) and
// ridgelines of per-layer histograms. Pure functions, no DOM: the CLI writes them to files (and
// PNG through png.ts), the lab page puts them into the document. Every text is escaped.

/** A histogram to draw: `edges` has counts.length + 1 increasing numbers. */
export interface HistData {
  edges: readonly number[];
  counts: readonly number[];
}

export interface HistSeries extends HistData {
  label: string;
  color?: string;
}

export interface LineSeries {
  label: string;
  /** x values (default 1, 2, ..., n, or 0, 1, ... with `xFrom`). */
  x?: readonly number[];
  y: readonly number[];
  color?: string;
  dashed?: boolean;
}

/** Okabe & Ito's colour-blind-safe palette (black moved last). */
export const PALETTE: readonly string[] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

const FONT = 'DejaVu Sans, Verdana, Arial, sans-serif';

/** Text escaped for XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number with at most 4 significant digits and no float noise. */
function num(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 100) / 100) : '0';
}

// ---------------------------------------------------------------------------- ticks

export interface Ticks {
  /** The axis domain, widened to whole steps. */
  lo: number;
  hi: number;
  /** Tick values, each a multiple of `step`. */
  values: number[];
  step: number;
}

/** 1, 2 or 5 times a power of ten: the step of about `count` ticks over [lo, hi]. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

/** Nice ticks for a linear axis: multiples of 1, 2 or 5 × 10^k; the domain is widened to whole steps. */
export function niceTicks(lo: number, hi: number, count = 5): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= d;
    hi += d;
  }
  const step = niceStep(hi - lo, count);
  const a = Math.floor(lo / step + 1e-9);
  const b = Math.ceil(hi / step - 1e-9);
  const values: number[] = [];
  for (let k = a; k <= b; k++) values.push(clean(k * step, step));
  return { lo: clean(a * step, step), hi: clean(b * step, step), values, step };
}

/** k·step without float noise (0.30000000000000004 -> 0.3). */
function clean(x: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(x.toFixed(Math.min(20, digits)));
}

/** Ticks of a log10 axis: the powers of ten covering [lo, hi] (lo > 0), thinned to at most `max`. */
export function logTicks(lo: number, hi: number, max = 8): Ticks {
  if (!(lo > 0) || !Number.isFinite(lo)) lo = 1e-12;
  if (!(hi > 0) || !Number.isFinite(hi)) hi = lo * 10;
  if (hi < lo) [lo, hi] = [hi, lo];
  let a = Math.floor(Math.log10(lo) + 1e-9);
  let b = Math.ceil(Math.log10(hi) - 1e-9);
  if (a === b) {
    a -= 1;
    b += 1;
  }
  const every = Math.ceil((b - a + 1) / max);
  const values: number[] = [];
  for (let k = a; k <= b; k++) if ((k - a) % every === 0) values.push(Number(`1e${k}`));
  return { lo: Number(`1e${a}`), hi: Number(`1e${b}`), values, step: every };
}

/** A tick label: plain decimals for moderate values, 1e-5 style for powers of ten far from 1. */
export function formatTick(v: number, step: number, log = false): string {
  if (v === 0) return '0';
  const e = Math.log10(Math.abs(v));
  if (log || Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3) {
    if (Math.abs(e - Math.round(e)) < 1e-9) return Math.abs(Math.round(e)) <= 2 && !log ? String(v) : `${v < 0 ? '-' : ''}1e${Math.round(e)}`;
    const m = v / 10 ** Math.floor(e);
    return `${Number(m.toFixed(2))}e${Math.floor(e)}`;
  }
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(Math.min(20, digits));
}

// ---------------------------------------------------------------------------- frame

export interface PlotOptions {
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Axis {
  ticks: Ticks;
  log: boolean;
  /** data value -> pixel */
  map: (v: number) => number;
}

function linearAxis(t: Ticks, p0: number, p1: number, log = false): Axis {
  if (log) {
    const a = Math.log10(t.lo);
    const b = Math.log10(t.hi);
    return { ticks: t, log, map: (v) => p0 + ((Math.log10(Math.max(v, t.lo / 1e3)) - a) / (b - a)) * (p1 - p0) };
  }
  return { ticks: t, log, map: (v) => p0 + ((v - t.lo) / (t.hi - t.lo)) * (p1 - p0) };
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${num(x)}" y="${num(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(s)}</text>`;
}

/** Axes, grid, tick labels and axis labels of one plot area. */
function frame(box: Box, xa: Axis, ya: Axis, o: { xLabel?: string | undefined; yLabel?: string | undefined; title?: string | undefined; small?: boolean }): string {
  const fs = o.small === true ? 9 : 11;
  const parts: string[] = [];
  parts.push(`<g class="axes" font-size="${fs}">`);
  for (const v of ya.ticks.values) {
    const y = ya.map(v);
    parts.push(`<line class="grid" x1="${num(box.x)}" x2="${num(box.x + box.w)}" y1="${num(y)}" y2="${num(y)}" stroke="#e4e4e4"/>`);
    parts.push(`<line x1="${num(box.x - 4)}" x2="${num(box.x)}" y1="${num(y)}" y2="${num(y)}" stroke="#333"/>`);
    parts.push(text(box.x - 6, y + fs * 0.35, formatTick(v, ya.ticks.step, ya.log), 'class="ytick" text-anchor="end"'));
  }
  for (const v of xa.ticks.values) {
    const x = xa.map(v);
    parts.push(`<line x1="${num(x)}" x2="${num(x)}" y1="${num(box.y + box.h)}" y2="${num(box.y + box.h + 4)}" stroke="#333"/>`);
    parts.push(text(x, box.y + box.h + 6 + fs, formatTick(v, xa.ticks.step, xa.log), 'class="xtick" text-anchor="middle"'));
  }
  parts.push(`<rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.w)}" height="${num(box.h)}" fill="none" stroke="#333"/>`);
  if (o.xLabel) parts.push(text(box.x + box.w / 2, box.y + box.h + 2 * fs + 12, o.xLabel, 'class="xlabel" text-anchor="middle"'));
  if (o.yLabel) {
    const cx = box.x - (o.small === true ? 34 : 52);
    const cy = box.y + box.h / 2;
    parts.push(text(cx, cy, o.yLabel, `class="ylabel" text-anchor="middle" transform="rotate(-90 ${num(cx)} ${num(cy)})"`));
  }
  if (o.title) parts.push(text(box.x + box.w / 2, box.y - 8, o.title, `class="title" text-anchor="middle" font-size="${fs + 2}" font-weight="bold"`));
  parts.push('</g>');
  return parts.join('');
}

function legend(x: number, y: number, items: { label: string; color: string; dashed?: boolean | undefined; fill?: boolean }[]): string {
  if (items.length === 0) return '';
  const parts = ['<g class="legend" font-size="11">'];
  const w = Math.max(...items.map((i) => i.label.length)) * 6.6 + 34;
  parts.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(items.length * 16 + 6)}" fill="#fff" fill-opacity="0.85" stroke="#bbb"/>`);
  items.forEach((it, i) => {
    const yy = y + 12 + i * 16;
    if (it.fill === true) parts.push(`<rect x="${num(x + 6)}" y="${num(yy - 8)}" width="18" height="10" fill="${it.color}" fill-opacity="0.6" stroke="${it.color}"/>`);
    else parts.push(`<line x1="${num(x + 6)}" x2="${num(x + 24)}" y1="${num(yy - 3)}" y2="${num(yy - 3)}" stroke="${it.color}" stroke-width="2"${it.dashed === true ? ' stroke-dasharray="5 3"' : ''}/>`);
    parts.push(text(x + 30, yy, it.label));
  });
  parts.push('</g>');
  return parts.join('');
}

function open(width: number, height: number, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="${FONT}" role="img" aria-label="${escapeXml(label)}"><rect width="100%" height="100%" fill="#fff"/>`;
}

function extent(xs: Iterable<number>, keep: (v: number) => boolean = Number.isFinite): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of xs) {
    if (!keep(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** Count per unit of x divided by the total: the histogram as a probability density. */
export function density(h: HistData): number[] {
  const total = h.counts.reduce((a, c) => a + c, 0);
  return h.counts.map((c, k) => {
    const w = h.edges[k + 1]! - h.edges[k]!;
    return total > 0 && w > 0 ? c / total / w : 0;
  });
}

// ---------------------------------------------------------------------------- histograms

export interface HistogramPlotOptions extends PlotOptions {
  /** 'overlay': every series in one axes, translucent (default); 'panels': one axes each, in a row (or `columns`). */
  mode?: 'overlay' | 'panels';
  columns?: number;
  /** y as a probability density (default) or as raw counts. */
  y?: 'density' | 'count';
}

/**
 * Histograms as bars. Each bar is a `<rect class="bar">`; overlay mode draws the series over each
 * other with fill-opacity 0.45, panels mode gives every series its own axes (small multiples).
 */
export function histogramSvg(series: readonly HistSeries[], o: HistogramPlotOptions = {}): string {
  const mode = o.mode ?? 'overlay';
  const yKind = o.y ?? 'density';
  const heights = series.map((s) => (yKind === 'density' ? density(s) : s.counts.slice()));
  const colors = series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]!);
  if (mode === 'overlay') {
    const W = o.width ?? 640;
    const H = o.height ?? 380;
    const box: Box = { x: 70, y: o.title ? 34 : 16, w: W - 90, h: 0 };
    box.h = H - box.y - 56;
    const xa = linearAxis(niceTicks(...extent(series.flatMap((s) => [s.edges[0]!, s.edges[s.edges.length - 1]!]))), box.x, box.x + box.w);
    const ya = linearAxis(niceTicks(0, extent(heights.flat())[1]), box.y + box.h, box.y);
    const parts = [open(W, H, o.title ?? 'histogram')];
    parts.push(frame(box, xa, ya, { title: o.title, xLabel: o.xLabel ?? 'value', yLabel: o.yLabel ?? yKind }));
    series.forEach((s, i) => parts.push(bars(s, heights[i]!, xa, ya, colors[i]!, series.length > 1 ? 0.45 : 0.75)));
    if (series.length > 1 || series[0]?.label) parts.push(legend(box.x + box.w - legendWidth(series) - 6, box.y + 6, series.map((s, i) => ({ label: s.label, color: colors[i]!, fill: true }))));
    parts.push('</svg>');
    return parts.join('');
  }
  const cols = Math.max(1, Math.min(series.length, o.columns ?? series.length));
  const rows = Math.max(1, Math.ceil(series.length / cols));
  const pw = o.width !== undefined ? o.width / cols : 300;
  const ph = o.height !== undefined ? (o.height - (o.title ? 26 : 0)) / rows : 240;
  const W = pw * cols;
  const top = o.title ? 26 : 0;
  const H = ph * rows + top;
  const parts = [open(W, H, o.title ?? 'histograms')];
  if (o.title) parts.push(text(W / 2, 18, o.title, 'class="title" text-anchor="middle" font-size="14" font-weight="bold"'));
  series.forEach((s, i) => {
    const cx = (i % cols) * pw;
    const cy = top + Math.floor(i / cols) * ph;
    const box: Box = { x: cx + 58, y: cy + 28, w: pw - 72, h: ph - 28 - 48 };
    const xa = linearAxis(niceTicks(s.edges[0]!, s.edges[s.edges.length - 1]!, 4), box.x, box.x + box.w);
    const ya = linearAxis(niceTicks(0, extent(heights[i]!)[1], 4), box.y + box.h, box.y);
    parts.push(`<g class="panel">`);
    parts.push(frame(box, xa, ya, { title: s.label, xLabel: o.xLabel ?? 'value', yLabel: i % cols === 0 ? (o.yLabel ?? yKind) : undefined, small: true }));
    parts.push(bars(s, heights[i]!, xa, ya, colors[i]!, 0.75));
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}

function legendWidth(series: readonly { label: string }[]): number {
  return Math.max(...series.map((s) => s.label.length)) * 6.6 + 34;
}

function bars(s: HistData, h: readonly number[], xa: Axis, ya: Axis, color: string, opacity: number): string {
  const parts = [`<g class="series" fill="${color}" fill-opacity="${opacity}" stroke="${color}" stroke-width="0.5">`];
  const y0 = ya.map(0);
  for (let k = 0; k < s.counts.length; k++) {
    const x0 = xa.map(s.edges[k]!);
    const x1 = xa.map(s.edges[k + 1]!);
    const y = ya.map(h[k]!);
    parts.push(`<rect class="bar" x="${num(x0)}" y="${num(y)}" width="${num(Math.max(0, x1 - x0))}" height="${num(Math.max(0, y0 - y))}"/>`);
  }
  parts.push('</g>');
  return parts.join('');
}

// ---------------------------------------------------------------------------- lines

export interface LinePlotOptions extends PlotOptions {
  /** log10 y axis (non-positive values are clipped to the bottom). */
  logY?: boolean;
}

/** Line plot: one `<path class="line">` per series, a legend, nice (or power-of-ten) ticks. */
export function linePlotSvg(series: readonly LineSeries[], o: LinePlotOptions = {}): string {
  const W = o.width ?? 640;
  const H = o.height ?? 360;
  const log = o.logY === true;
  const box: Box = { x: 72, y: o.title ? 34 : 16, w: W - 92, h: 0 };
  box.h = H - box.y - 56;
  const xs = series.map((s) => s.x ?? s.y.map((_, i) => i + 1));
  const xa = linearAxis(niceTicks(...extent(xs.flat()), 6), box.x, box.x + box.w);
  const [ylo, yhi] = extent(series.flatMap((s) => s.y), log ? (v) => Number.isFinite(v) && v > 0 : Number.isFinite);
  const ya = linearAxis(log ? logTicks(ylo, yhi) : niceTicks(Math.min(0, ylo) === 0 && ylo >= 0 && ylo < (yhi - ylo) ? 0 : ylo, yhi), box.y + box.h, box.y, log);
  const parts = [open(W, H, o.title ?? 'line plot')];
  parts.push(frame(box, xa, ya, { title: o.title, xLabel: o.xLabel, yLabel: o.yLabel }));
  parts.push(`<clipPath id="c${clipId}"><rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.w)}" height="${num(box.h)}"/></clipPath>`);
  const clip = `c${clipId++}`;
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    let d = '';
    let pen = false;
    s.y.forEach((v, k) => {
      const ok = Number.isFinite(v) && (!log || v > 0);
      if (!ok) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${num(xa.map(xs[i]![k]!))} ${num(ya.map(v))}`;
      pen = true;
    });
    if (d === '') d = `M${num(box.x)} ${num(box.y + box.h)}`;
    parts.push(`<path class="line" clip-path="url(#${clip})" d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed === true ? ' stroke-dasharray="6 3"' : ''}/>`);
  });
  parts.push(legend(box.x + box.w - legendWidth(series) - 6, box.y + 6, series.map((s, i) => ({ label: s.label, color: s.color ?? PALETTE[i % PALETTE.length]!, dashed: s.dashed }))));
  parts.push('</svg>');
  return parts.join('');
}

let clipId = 0;

// ---------------------------------------------------------------------------- ridgeline

export interface RidgelineOptions extends PlotOptions {
  /** Labels of the rows, top to bottom (default "1", "2", ...). */
  rowLabels?: readonly string[];
  /** Height of each curve relative to its own peak ('sqrt' lifts the tails; default 'linear'). */
  scale?: 'linear' | 'sqrt';
  /** Row spacing in pixels (default 22). */
  rowHeight?: number;
  /** How many row spacings a curve at its peak rises (default 1.6: neighbours overlap). */
  overlap?: number;
}

/**
 * A ridgeline: one row per histogram (per layer), all on a shared x axis, every curve scaled to
 * its own peak density, so a distribution that narrows shows as a spike (Glorot & Bengio 2010,
 * Figs. 6-7). Several series share the rows, drawn translucent: each row holds one
 * `<path class="ridge">` per series.
 */
export function ridgelineSvg(series: readonly { label: string; color?: string; rows: readonly HistData[] }[], o: RidgelineOptions = {}): string {
  const n = Math.max(0, ...series.map((s) => s.rows.length));
  const rh = o.rowHeight ?? 22;
  const rise = rh * (o.overlap ?? 1.6);
  const W = o.width ?? 420;
  const top = (o.title ? 34 : 12) + rise;
  const box: Box = { x: 64, y: top - rise, w: W - 84, h: rise + Math.max(0, n - 1) * rh };
  const H = box.y + box.h + 56 + (series.length > 1 ? 0 : 0);
  const all = series.flatMap((s) => s.rows.flatMap((r) => (r.edges.length > 0 ? [r.edges[0]!, r.edges[r.edges.length - 1]!] : [])));
  const xa = linearAxis(niceTicks(...extent(all), 5), box.x, box.x + box.w);
  const parts = [open(W, H, o.title ?? 'ridgeline')];
  // y axis: row labels instead of numbers
  const noY: Axis = { ticks: { lo: 0, hi: 1, values: [], step: 1 }, log: false, map: () => 0 };
  parts.push(frame(box, xa, noY, { title: o.title, xLabel: o.xLabel }));
  if (o.yLabel) {
    const cx = box.x - 46;
    const cy = box.y + box.h / 2;
    parts.push(text(cx, cy, o.yLabel, `class="ylabel" font-size="11" text-anchor="middle" transform="rotate(-90 ${num(cx)} ${num(cy)})"`));
  }
  parts.push('<g class="rows" font-size="9">');
  const every = Math.max(1, Math.ceil(n / 16));
  for (let r = 0; r < n; r++) {
    const base = top + r * rh;
    if (r % every === 0 || r === n - 1) parts.push(text(box.x - 6, base, o.rowLabels?.[r] ?? String(r + 1), 'class="rowlabel" text-anchor="end"'));
  }
  for (let r = n - 1; r >= 0; r--) {
    const base = top + r * rh;
    series.forEach((s, i) => {
      const h = s.rows[r];
      if (h === undefined) return;
      const color = s.color ?? PALETTE[i % PALETTE.length]!;
      const d = density(h).map((v) => (o.scale === 'sqrt' ? Math.sqrt(v) : v));
      const peak = Math.max(0, ...d);
      let path = `M${num(xa.map(h.edges[0] ?? 0))} ${num(base)}`;
      for (let k = 0; k < d.length; k++) {
        const y = base - (peak > 0 ? (d[k]! / peak) * rise : 0);
        path += `L${num(xa.map(h.edges[k]!))} ${num(y)}L${num(xa.map(h.edges[k + 1]!))} ${num(y)}`;
      }
      path += `L${num(xa.map(h.edges[h.edges.length - 1] ?? 0))} ${num(base)}Z`;
      parts.push(`<path class="ridge" d="${path}" fill="${color}" fill-opacity="${series.length > 1 ? 0.35 : 0.55}" stroke="${color}" stroke-width="0.8"/>`);
    });
  }
  parts.push('</g>');
  if (series.length > 1) parts.push(legend(box.x + box.w - legendWidth(series) - 4, 4, series.map((s, i) => ({ label: s.label, color: s.color ?? PALETTE[i % PALETTE.length]!, fill: true }))));
  parts.push('</svg>');
  return parts.join('');
}

// ---------------------------------------------------------------------------- composition

/** Reads width and height from an SVG string made here. */
export function svgSize(svg: string): { width: number; height: number } {
  const m = /^<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"/.exec(svg);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : { width: 0, height: 0 };
}

/** Lays out SVGs made here in a grid (row by row, `columns` per row) as one SVG, with an optional title. */
export function gridSvg(parts: readonly string[], o: { columns?: number; title?: string } = {}): string {
  const cols = Math.max(1, o.columns ?? parts.length);
  const sizes = parts.map(svgSize);
  const top = o.title ? 30 : 0;
  const rowH: number[] = [];
  const colW: number[] = [];
  sizes.forEach((s, i) => {
    const r = Math.floor(i / cols);
    const c = i % cols;
    rowH[r] = Math.max(rowH[r] ?? 0, s.height);
    colW[c] = Math.max(colW[c] ?? 0, s.width);
  });
  const W = colW.reduce((a, b) => a + b, 0);
  const H = top + rowH.reduce((a, b) => a + b, 0);
  const out = [open(W, H, o.title ?? 'figure')];
  if (o.title) out.push(text(W / 2, 21, o.title, 'class="title" text-anchor="middle" font-size="16" font-weight="bold"'));
  parts.forEach((p, i) => {
    const r = Math.floor(i / cols);
    const c = i % cols;
    const x = colW.slice(0, c).reduce((a, b) => a + b, 0);
    const y = top + rowH.slice(0, r).reduce((a, b) => a + b, 0);
    out.push(p.replace(/^<svg /, `<svg x="${num(x)}" y="${num(y)}" `));
  });
  out.push('</svg>');
  return out.join('');
}
