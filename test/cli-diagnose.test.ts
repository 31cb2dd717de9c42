// `weightinit hist` and `weightinit diagnose` run in process through their run() functions:
// every command, the --json shape, SVG/PNG files, bad arguments -> exit 2 naming the argument.
// Small nets keep this fast; one end-to-end run goes through dist/cli/main.js when it
// dispatches the commands.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as diagnose } from '../src/cli/diagnose.js';
import { FIGURE, run as hist } from '../src/cli/hist.js';
import { checkXml, readPng } from './helpers/viz-check.js';

const TMP = join('.tmp', 'cli-diagnose');
mkdirSync(TMP, { recursive: true });

async function call(fn: typeof hist, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await fn(args, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

describe('weightinit hist', () => {
  it('terminal histogram with statistics', async () => {
    const r = await call(hist, ['heNormal', '--shape', '256,128']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^heNormal {2}\[256, 128\] float32 {2}mean \S+ {2}std 0\.12/);
    expect(r.out).toContain('█');
  });
  it('--json: shape, statistics and histograms; the std follows the formula', async () => {
    const r = await call(hist, ['heNormal', '--shape', '64,32', '--compare', 'glorotUniform,heNormal:a=0.2:mode=fanOut', '--json', '--bins', '20']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { shape: number[]; series: { spec: string; std: number; count: number; histogram: { edges: number[]; counts: number[] } }[] };
    expect(j.shape).toEqual([64, 32]);
    expect(j.series.map((s) => s.spec)).toEqual(['heNormal', 'glorotUniform', 'heNormal:a=0.2:mode=fanOut']);
    for (const s of j.series) {
      expect(s.count).toBe(2048);
      expect(s.histogram.edges).toHaveLength(21);
      expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(2048);
    }
    const expected = [Math.sqrt(2 / 32), Math.sqrt(6 / 96) / Math.sqrt(3), Math.sqrt(2 / 1.04 / 64)];
    j.series.forEach((s, i) => expect(Math.abs(s.std / expected[i]! - 1)).toBeLessThan(0.06));
  });
  it('flags set the positional initializer options; --dtype float16 and bfloat16 decode', async () => {
    const r = await call(hist, ['normal', '--std', '0.5', '--mean', '2', '--dtype', 'bfloat16', '--json']);
    expect(r.code, r.err).toBe(0);
    const s = (JSON.parse(r.out) as { series: { mean: number; std: number }[] }).series[0]!;
    expect(s.mean).toBeCloseTo(2, 1);
    expect(s.std).toBeCloseTo(0.5, 1);
    const h = await call(hist, ['glorotNormal', '--gain', '2', '--dtype', 'float16', '--json']);
    expect((JSON.parse(h.out) as { series: { std: number }[] }).series[0]!.std).toBeCloseTo(2 * Math.sqrt(2 / 384), 2);
  });
  it('--figure writes the side-by-side SVG and PNG', async () => {
    const svg = join(TMP, 'figure.svg');
    const png = join(TMP, 'figure.png');
    const r = await call(hist, ['--figure', '--svg', svg, '--png', png]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`wrote ${svg}`);
    const text = readFileSync(svg, 'utf8');
    checkXml(text);
    expect((text.match(/class="bar"/g) ?? []).length).toBe(40 * FIGURE.length);
    for (const f of FIGURE) expect(text).toContain(f);
    const p = readPng(readFileSync(png));
    expect(p.width).toBeGreaterThan(600);
    expect(p.nonBackground).toBeGreaterThan(1000);
  });
  it('bad arguments exit 2 and name the argument', async () => {
    const cases: [string[], RegExp][] = [
      [['nope'], /unknown initializer "nope"/],
      [['heNormal', '--shape', '12,x'], /--shape/],
      [['heNormal', '--dtype', 'int8'], /--dtype/],
      [['heNormal', '--gain', 'abc'], /--gain/],
      [['heNormal', '--bins', '0'], /--bins/],
      [['heNormal', '--colour'], /colour/],
      [[], /INITIALIZER/],
      [['heNormal', '--compare', 'xavier'], /--compare: unknown initializer "xavier"/],
      [['heNormal:a'], /key=value/],
      [['heNormal', '--gain', '2'], /gain/], // the library rejects gain for heNormal
      [['--std', '2'], /--std needs an INITIALIZER/],
      [['heNormal', '--layout', 'jax'], /--layout/],
    ];
    for (const [args, re] of cases) {
      const r = await call(hist, args);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(re);
      expect(r.out).toBe('');
    }
  });
  it('--help', async () => {
    const r = await call(hist, ['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('weightinit hist');
  });
});

describe('weightinit diagnose', () => {
  const small = ['--depth', '8', '--width', '64', '--batch', '64'];
  it('one initializer: the per-layer table and sparklines', async () => {
    const r = await call(diagnose, small);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('relu MLP: 8 layers of 64, batch 64, seed 1');
    expect(r.out).toMatch(/layer +act mean +act std +dead +grad std +ratio/);
    expect(r.out.split('\n').filter((l) => /^ +\d+ /.test(l))).toHaveLength(8);
    expect(r.out).toMatch(/activation std per layer/);
  });
  it('two side by side, --json: He holds the signal, Xavier halves its second moment per layer', async () => {
    const r = await call(diagnose, [...small, '--compare', 'glorotNormal', '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as {
      network: Record<string, unknown>;
      configs: { init: string; inputGradientStd: number; layers: { layer: number; activationMean: number; activationStd: number; saturated: number | null; dead: number; gradientStd: number; ratio: number }[] }[];
    };
    expect(j.network).toEqual({ depth: 8, width: 64, activation: 'relu', batch: 64, seed: 1 });
    expect(j.configs.map((c) => c.init)).toEqual(['heNormal', 'glorotNormal']);
    for (const c of j.configs) {
      expect(c.layers).toHaveLength(8);
      expect(Object.keys(c.layers[0]!).sort()).toEqual(['activationMean', 'activationStd', 'dead', 'gradientStd', 'layer', 'ratio', 'saturated']);
      expect(c.layers[0]!.saturated).toBeNull();
    }
    const [he, xa] = j.configs;
    // paired weights: the same normals at scales √2 apart, so activations are exactly 2^(l/2) apart up to rounding
    for (const l of [1, 4, 8]) expect(he!.layers[l - 1]!.activationStd / xa!.layers[l - 1]!.activationStd).toBeCloseTo(Math.SQRT2 ** l, 3);
  });
  it('tanh shows saturation; --train adds loss curves; SVG and PNG files', async () => {
    const svg = join(TMP, 'diagnose.svg');
    const png = join(TMP, 'diagnose.png');
    const r = await call(diagnose, ['--depth', '6', '--width', '32', '--batch', '32', '--activation', 'tanh', '--init', 'normal:std=1', '--compare', 'glorotNormal', '--train', '20', '--json', '--svg', svg, '--png', png]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { configs: { layers: { saturated: number }[]; train: { loss: number[]; finalLoss: number; baselineLoss: number; steps: number } }[]; files: string[] };
    expect(j.configs[0]!.layers[2]!.saturated).toBeGreaterThan(0.5);
    expect(j.configs[1]!.layers[2]!.saturated).toBeLessThan(0.1);
    for (const c of j.configs) {
      expect(c.train.loss).toHaveLength(20);
      expect(c.train.steps).toBe(20);
      expect(Number.isFinite(c.train.finalLoss)).toBe(true);
    }
    expect(j.files).toEqual([svg, png]);
    const text = readFileSync(svg, 'utf8');
    checkXml(text);
    expect((text.match(/class="ridge"/g) ?? []).length).toBe(4 * 6); // activations and gradients of both
    expect((text.match(/class="line"/g) ?? []).length).toBe(4 + 4); // std: 2 per config; loss: curve + baseline per config
    expect(readPng(readFileSync(png)).nonBackground).toBeGreaterThan(1000);
    const t = await call(diagnose, ['--depth', '4', '--width', '16', '--batch', '16', '--train', '5']);
    expect(t.out).toMatch(/training loss \(5 steps of SGD, lr 0\.01, task teacher\) per step/);
    expect(t.out).toMatch(/constant-predictor baseline/);
  });
  it('bad arguments exit 2 and name the argument', async () => {
    const cases: [string[], RegExp][] = [
      [['--depth', '0'], /--depth/],
      [['--width', 'wide'], /--width/],
      [['--activation', 'swish'], /--activation/],
      [['--init', 'heNormals'], /--init: unknown initializer/],
      [['--compare', 'foo'], /--compare/],
      [['--train', '-3'], /--train/],
      [['--lr', '0.1'], /--lr, --task and --outputs need --train/],
      [['--train', '3', '--outputs', '0'], /--outputs/],
      [['--train', '5', '--lr', '-1'], /--lr/],
      [['--task', 'cls', '--train', '2'], /--task/],
      [['--slope', '0.2'], /--slope/],
      [['--seed', '1.5'], /--seed/],
      [['extra'], /unexpected argument "extra"/],
      [['--nope'], /nope/],
      [['--init', 'heNormal:gain=2', ...small], /heNormal:gain=2: .*gain/],
      [['--depth', '4096', '--width', '65536'], /smaller/],
    ];
    for (const [args, re] of cases) {
      const r = await call(diagnose, args);
      expect(r.code, `${args.join(' ')}: ${r.err}`).toBe(2);
      expect(r.err).toMatch(re);
    }
  });
  it('--help', async () => {
    const r = await call(diagnose, ['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('--compare SPEC');
  });
});

const MAIN = join('dist', 'cli', 'main.js');
const dispatches = existsSync(MAIN) && /diagnose/.test(readFileSync(MAIN, 'utf8')) && existsSync(join('dist', 'cli', 'diagnose.js'));
describe.runIf(dispatches)('through dist/cli/main.js', () => {
  it('weightinit diagnose --json and weightinit hist in a child process', () => {
    const d = spawnSync(process.execPath, [MAIN, 'diagnose', '--depth', '3', '--width', '8', '--batch', '8', '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(d.status, d.stderr).toBe(0);
    expect((JSON.parse(d.stdout) as { configs: unknown[] }).configs).toHaveLength(1);
    const h = spawnSync(process.execPath, [MAIN, 'hist', 'heNormal', '--shape', '8,8'], { encoding: 'utf8', timeout: 60_000 });
    expect(h.status, h.stderr).toBe(0);
    expect(h.stdout).toContain('heNormal');
    const bad = spawnSync(process.execPath, [MAIN, 'diagnose', '--depth', 'x'], { encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--depth');
  });
});
