// The plotting module: well-formed SVG (a small XML checker), the expected number of bars,
// lines and ridges for given data, nice tick values, escaped text; PNG: size from the IHDR chunk
// and pixels that are not all background (decoded with node:zlib).
import { describe, expect, it } from 'vitest';
import { checkXml, readPng } from './helpers/viz-check.js';
import { svgToPng } from '../src/viz/png.js';
import { escapeXml, gridSvg, histogramSvg, linePlotSvg, logTicks, niceTicks, ridgelineSvg, svgSize } from '../src/viz/svg.js';
import { bar, sparkline, table } from '../src/viz/terminal.js';
import { binValues, halfToNumber, bfloat16ToNumber, summarizeValues } from '../src/viz/values.js';

const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;
const ticksOf = (s: string, cls: string): number[] => [...s.matchAll(new RegExp(`class="${cls}"[^>]*>([^<]*)<`, 'g'))].map((m) => Number(m[1]));

function isNice(step: number): boolean {
  const m = step / 10 ** Math.floor(Math.log10(step));
  return [1, 2, 5, 10].some((x) => Math.abs(m - x) < 1e-9);
}

function gauss(n: number, std: number, seed = 7): number[] {
  let s = seed;
  const u = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  return Array.from({ length: n }, () => std * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

describe('ticks', () => {
  it('linear ticks are multiples of 1, 2 or 5 × 10^k covering the data', () => {
    for (const [lo, hi] of [[0, 1], [-0.557, 0.524], [0.0013, 0.0987], [-3, 1234], [12, 12], [-1e-6, 3e-6], [0, 7.3], [5, 5.01]] as const) {
      const t = niceTicks(lo, hi);
      expect(isNice(t.step), `${lo}..${hi}: step ${t.step}`).toBe(true);
      expect(t.lo).toBeLessThanOrEqual(lo);
      expect(t.hi).toBeGreaterThanOrEqual(hi);
      expect(t.values.length).toBeGreaterThanOrEqual(2);
      expect(t.values.length).toBeLessThanOrEqual(12);
      for (const v of t.values) expect(Math.abs(v / t.step - Math.round(v / t.step))).toBeLessThan(1e-9);
      for (const v of t.values) expect(String(v).length, `${v} has float noise`).toBeLessThan(12);
    }
    expect(niceTicks(0, 1).values).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.557, 0.524).values).toEqual([-0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6]);
  });
  it('log ticks are powers of ten', () => {
    const t = logTicks(8.07e-4, 1.32);
    expect(t.values).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1, 10]);
    for (const v of logTicks(1e-30, 1e5).values) expect(Math.abs(Math.log10(v) - Math.round(Math.log10(v)))).toBeLessThan(1e-12);
    expect(logTicks(1e-30, 1e5).values.length).toBeLessThanOrEqual(8);
  });
});

describe('svg', () => {
  const a = binValues(gauss(5000, 1), 30);
  const b = binValues(gauss(5000, 0.5, 3), 20);
  it('histogram: one rect.bar per bin and series, in overlay and in panels; parses as XML; tick labels are the nice values', () => {
    for (const mode of ['overlay', 'panels'] as const) {
      const svg = histogramSvg([{ label: 'A <x> & "y"', ...a }, { label: 'B', ...b }], { mode, title: 'T & <t>' });
      const { elements, texts } = checkXml(svg);
      expect(count(svg, /class="bar"/g)).toBe(50);
      expect(elements.get('svg')).toBe(1);
      expect(texts).toContain('A &lt;x&gt; &amp; &quot;y&quot;');
      const xt = ticksOf(svg, 'xtick');
      expect(xt.length).toBeGreaterThan(2);
      for (const v of xt) expect(Number.isFinite(v)).toBe(true);
      const steps = xt.slice(1).map((v, i) => v - xt[i]!).filter((d) => d > 0); // a drop starts the next panel
      for (const s of steps) expect(isNice(Number(s.toPrecision(6)))).toBe(true);
      if (mode === 'overlay') expect(svg).toContain('fill-opacity="0.45"');
    }
  });
  it('line plot: one path.line per series, log axis with power-of-ten labels, gaps for non-positive values', () => {
    const svg = linePlotSvg(
      [{ label: 'act', y: [1, 0.5, 0.25, 0.125] }, { label: 'grad', y: [1e-3, 0, 1e-2, 1e-1], dashed: true }, { label: 'empty', y: [] }],
      { logY: true, title: 'std', xLabel: 'layer', yLabel: 'std' },
    );
    checkXml(svg);
    expect(count(svg, /class="line"/g)).toBe(3);
    expect(ticksOf(svg, 'ytick')).toEqual([1e-3, 1e-2, 1e-1, 1]);
    expect(svg).toMatch(/d="M[\d.]+ [\d.]+M/); // the 0 breaks the second line
    const lin = linePlotSvg([{ label: 'loss', x: [0, 1, 2], y: [3, 2, 0.5] }]);
    checkXml(lin);
    expect(ticksOf(lin, 'ytick')[0]).toBe(0);
  });
  it('ridgeline: one path.ridge per row and series; row labels; composes into a grid', () => {
    const rows = Array.from({ length: 30 }, (_, l) => binValues(gauss(2000, 0.9 ** l, l + 1), 25));
    const svg = ridgelineSvg([{ label: 'He', rows }, { label: 'Xavier', rows: rows.slice(0, 29) }], { title: 'acts', rowLabels: rows.map((_, l) => `L${l + 1}`) });
    checkXml(svg);
    expect(count(svg, /class="ridge"/g)).toBe(59);
    expect(svg).toContain('>L1<');
    expect(svg).toContain('>L30<');
    const g = gridSvg([svg, histogramSvg([{ label: 'x', ...a }])], { columns: 2, title: 'fig' });
    const { elements } = checkXml(g);
    expect(elements.get('svg')).toBe(3);
    const s1 = svgSize(svg);
    expect(svgSize(g).width).toBe(s1.width + svgSize(histogramSvg([{ label: 'x', ...a }])).width);
  });
  it('escapes text', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
  it('the checker rejects what is not well formed', () => {
    expect(() => checkXml('<svg><g></svg>')).toThrow();
    expect(() => checkXml('<svg a="1" a="2"/>')).toThrow();
    expect(() => checkXml('<svg>a & b</svg>')).toThrow();
    expect(() => checkXml('<svg/><svg/>')).toThrow();
  });
});

describe('terminal and values', () => {
  it('sparkline, bar, table', () => {
    expect(sparkline([1, 10, 100, 1000], { log: true })).toBe('▁▃▆█');
    expect(sparkline([0, 1], { log: true })).toBe(' ▄');
    expect(bar(0.5, 4)).toBe('██  ');
    expect(table(['a', 'bb'], [['1', 'x'], ['100', 'yy']])).toBe('a    bb\n  1  x\n100  yy');
  });
  it('decodes half and bfloat16 bit patterns; summary and bins', () => {
    expect(halfToNumber(0x3c00)).toBe(1);
    expect(halfToNumber(0xc000)).toBe(-2);
    expect(halfToNumber(0x0001)).toBe(2 ** -24);
    expect(bfloat16ToNumber(0x3f80)).toBe(1);
    expect(bfloat16ToNumber(0xc040)).toBe(-3);
    const s = summarizeValues([1, 2, 3, 4]);
    expect(s).toMatchObject({ mean: 2.5, min: 1, max: 4 });
    expect(s.std).toBeCloseTo(Math.sqrt(1.25), 12);
    const h = binValues([0, 0.5, 1, 1], 2);
    expect(h.edges).toEqual([0, 0.5, 1]);
    expect(h.counts).toEqual([1, 3]);
  });
});

describe('png', () => {
  it('renders an SVG to a PNG of its size (and scaled), with drawn pixels', async () => {
    const svg = histogramSvg([{ label: 'N(0,1)', ...binValues(gauss(4000, 1), 30) }], { title: 'png test', width: 320, height: 200 });
    const png = await svgToPng(svg);
    const r = readPng(png);
    expect([r.width, r.height]).toEqual([320, 200]);
    expect(r.nonBackground).toBeGreaterThan(320 * 200 * 0.05);
    const r2 = readPng(await svgToPng(svg, { scale: 2 }));
    expect([r2.width, r2.height]).toEqual([640, 400]);
  });
  it('text is rendered with the shipped font (a title-only SVG is not blank)', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="10" y="28" font-family="DejaVu Sans" font-size="20">weightinit</text></svg>';
    expect(readPng(await svgToPng(svg)).nonBackground).toBeGreaterThan(100);
  });
});
