// weightinit hist: what an initializer's values look like — terminal histograms, SVG and PNG
// figures, JSON. `--figure` draws the seed articles' side-by-side figure (Gaussian, Xavier, He,
// He for LeakyReLU on one shape).
import { load } from '../index.js';
import { parseInitSpec, guard, intArg, numArg, parse, UsageError, writeFigures, type InitSpecArg } from '../viz/cli-util.js';
import { initFigure } from '../viz/figures.js';
import { renderTerminal } from '../viz/histogram.js';
import { fmtNum } from '../viz/terminal.js';
import { binValues, summarizeValues, toNumbers } from '../viz/values.js';

/**
 * The figure's initializers. The Gaussian is N(0, 0.01²), the "small random numbers" init of
 * the articles' Gaussian example (std 1 would dwarf the others by 10x on this shape); He for
 * LeakyReLU uses PyTorch's a = 0.2 (std √(2/((1 + a²)·fan_in))).
 */
export const FIGURE = ['normal:std=0.01', 'glorotNormal', 'heNormal', 'heNormal:a=0.2'] as const;

const DTYPES = ['float32', 'float64', 'float16', 'bfloat16'] as const;

export const HIST_HELP = `weightinit hist - histograms of an initializer's values

Usage:
  weightinit hist INITIALIZER [--shape 256,128] [options]
  weightinit hist --figure [--shape 256,128] [--svg FILE] [--png FILE]
  weightinit hist INITIALIZER --compare glorotNormal,heNormal,heNormal:a=0.2 [...]

INITIALIZER is a method name with options after colons: heNormal, heNormal:a=0.2:mode=fanOut,
normal:std=0.01, uniform:low=-1:high=1.

Options:
  --shape A,B,...   tensor shape (default 256,128: fan_in 128, fan_out 256 in PyTorch layout)
  --gain G  --a A  --mode M  --std S  --mean M  --low L  --high H  --scale S
  --distribution D  --nonlinearity N
                    options of INITIALIZER (not of the --compare ones: give those after colons)
  --layout L        torch (default) | tf, for every initializer
  --dtype D         float32 (default) | float64 | float16 | bfloat16
  --compare LIST    more initializers, comma-separated, drawn next to INITIALIZER
  --figure          the articles' figure: ${FIGURE.join(', ')}
  --seed N          tensor seed (default 1; every initializer draws from the same seed)
  --bins N          bins (default 40 in the terminal and files)
  --overlay         SVG/PNG: one axes with the histograms overlaid (default: side by side)
  --svg FILE        write the figure as SVG
  --png FILE        write the figure as PNG (needs @resvg/resvg-wasm and dejavu-fonts-ttf)
  --json            print shape, statistics and histograms as JSON
  --help            this text

Exit status: 0 done, 2 usage error, 1 failure.
`;

const OPTION_FLAGS = ['gain', 'a', 'mode', 'std', 'mean', 'low', 'high', 'scale', 'distribution', 'nonlinearity'] as const;

function parseShape(v: string | undefined): number[] {
  if (v === undefined) return [256, 128];
  if (!/^\d+(,\d+)*$/.test(v)) throw new UsageError(`--shape must be positive integers separated by commas, e.g. 256,128, got ${JSON.stringify(v)}`);
  const s = v.split(',').map(Number);
  if (s.some((d) => d < 1 || d > 1 << 24) || s.reduce((a, b) => a * b, 1) > 1 << 26) throw new UsageError(`--shape ${JSON.stringify(v)}: every size must be in [1, 2^24] and at most 2^26 elements in all`);
  return s;
}

export interface HistSeriesResult {
  spec: string;
  name: string;
  options: Record<string, unknown>;
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  histogram: { edges: number[]; counts: number[] };
}

export async function run(args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  return guard('hist', err, async () => {
    const { values: v, positionals } = parse('hist', args, {
      shape: { type: 'string' }, gain: { type: 'string' }, a: { type: 'string' }, mode: { type: 'string' }, std: { type: 'string' },
      mean: { type: 'string' }, low: { type: 'string' }, high: { type: 'string' }, scale: { type: 'string' }, distribution: { type: 'string' },
      nonlinearity: { type: 'string' }, layout: { type: 'string' }, dtype: { type: 'string' }, compare: { type: 'string' },
      figure: { type: 'boolean' }, seed: { type: 'string' }, bins: { type: 'string' }, overlay: { type: 'boolean' },
      svg: { type: 'string' }, png: { type: 'string' },
    });
    if (v.help === true) {
      out(HIST_HELP);
      return;
    }
    if (positionals.length > 1) throw new UsageError(`give one INITIALIZER (more with --compare), got ${positionals.length}: ${positionals.join(' ')}`);
    const specs: InitSpecArg[] = [];
    if (positionals[0] !== undefined) {
      const main = parseInitSpec(positionals[0], 'INITIALIZER');
      for (const f of OPTION_FLAGS) {
        const s = v[f] as string | undefined;
        if (s === undefined) continue;
        main.options[f] = f === 'mode' || f === 'distribution' || f === 'nonlinearity' ? s : (numArg(`--${f}`, s) as number);
      }
      specs.push(main);
    } else {
      for (const f of OPTION_FLAGS) if (v[f] !== undefined) throw new UsageError(`--${f} needs an INITIALIZER (options of --compare entries go after colons: heNormal:a=0.2)`);
    }
    if (v.compare !== undefined) {
      if (v.compare === '') throw new UsageError('--compare needs a comma-separated list of initializers');
      for (const s of v.compare.split(',')) specs.push(parseInitSpec(s, '--compare'));
    }
    if (v.figure === true) for (const s of FIGURE) specs.push(parseInitSpec(s, '--figure'));
    if (specs.length === 0) throw new UsageError('give an INITIALIZER, --compare LIST or --figure');
    const shape = parseShape(v.shape);
    const dtype = v.dtype ?? 'float32';
    if (!(DTYPES as readonly string[]).includes(dtype)) throw new UsageError(`--dtype must be one of ${DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`);
    const layout = v.layout;
    if (layout !== undefined && layout !== 'torch' && layout !== 'tf') throw new UsageError(`--layout must be torch or tf, got ${JSON.stringify(layout)}`);
    const seed = intArg('--seed', v.seed, 1, 0, Number.MAX_SAFE_INTEGER);
    const bins = intArg('--bins', v.bins, 40, 1, 1000);

    const wi = await load({ seed });
    const methods = wi as unknown as Record<string, (shape: number[], o: Record<string, unknown>) => { data: ArrayLike<number>; free(): void }>;
    const results: HistSeriesResult[] = [];
    for (const s of specs) {
      const options: Record<string, unknown> = { ...s.options, seed, dtype, ...(layout !== undefined ? { layout } : {}) };
      let values: Float64Array;
      try {
        const t = methods[s.name]!(shape, options);
        values = toNumbers(t.data, dtype);
        t.free();
      } catch (e) {
        if (e instanceof TypeError || e instanceof RangeError) throw new UsageError(`${s.spec}: ${e.message}`);
        throw e;
      }
      const sum = summarizeValues(values);
      results.push({ spec: s.spec, name: s.name, options: s.options, ...sum, histogram: binValues(values, bins) });
    }
    const svg = v.svg !== undefined || v.png !== undefined
      ? initFigure(results.map((r) => ({ label: `${r.spec} (std ${fmtNum(r.std, 3)})`, ...r.histogram })), {
          overlay: v.overlay === true,
          title: `Initializer histograms, shape [${shape.join(', ')}]${dtype === 'float32' ? '' : `, ${dtype}`}`,
          ...(results.length > 4 ? { columns: Math.ceil(results.length / 2) } : {}),
        })
      : '';
    const files = await writeFigures(svg, { svg: v.svg, png: v.png });
    if (v.json === true) {
      out(JSON.stringify({ command: 'hist', shape, dtype, seed, layout: layout ?? 'torch', series: results, files }, null, 2) + '\n');
      return;
    }
    for (const r of results) {
      out(`${r.spec}  [${shape.join(', ')}] ${dtype}  mean ${fmtNum(r.mean, 4)}  std ${fmtNum(r.std, 4)}  min ${fmtNum(r.min)}  max ${fmtNum(r.max)}\n`);
      const h = { lo: r.histogram.edges[0]!, hi: r.histogram.edges[bins]!, counts: Uint32Array.from(r.histogram.counts), outside: 0, total: r.count };
      out(renderTerminal(h, 6) + '\n\n');
    }
    for (const f of files) out(`wrote ${f}\n`);
  });
}
