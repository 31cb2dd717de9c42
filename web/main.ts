// The lab page: three panels over one weightinit instance, imported as a user's page imports it.
import { load } from 'weightinit';
import type { PropagateResult, TrainProbeResult } from '../src/lab/index.js';
import { initFigure, lossFigure, ridgeFigure, stdFigure, type Config } from '../src/viz/figures.js';
import { binValues, summarizeValues, toNumbers } from '../src/viz/values.js';

const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'leaky_relu', 'elu', 'selu', 'gelu', 'linear'];
const INITS: Record<string, { name: string; options?: Record<string, unknown> }> = {
  glorotNormal: { name: 'glorotNormal' },
  heNormal: { name: 'heNormal' },
  'heNormal (fan_out)': { name: 'heNormal', options: { mode: 'fanOut' } },
  lecunNormal: { name: 'lecunNormal' },
  orthogonal: { name: 'orthogonal' },
  'orthogonal (gain √2)': { name: 'orthogonal', options: { gain: Math.SQRT2 } },
  'normal (std 0.01)': { name: 'normal', options: { std: 0.01 } },
  'normal (std 1)': { name: 'normal', options: { std: 1 } },
};

interface LabState {
  /** Completed renders per panel. */
  renders: { init: number; depth: number; train: number };
  /** The per-layer activation std last plotted, per configuration. */
  std: { A: number[]; B: number[] };
  errors: string[];
  busy: boolean;
}
const state: LabState = { renders: { init: 0, depth: 0, train: 0 }, std: { A: [], B: [] }, errors: [], busy: false };
(globalThis as unknown as { lab: LabState }).lab = state;

const $ = <T extends HTMLElement = HTMLInputElement>(id: string): T => document.getElementById(id) as T;
const val = (id: string): string => $<HTMLInputElement>(id).value;
const numv = (id: string, lo: number, hi: number, int = true): number => {
  const x = Number(val(id));
  if (!Number.isFinite(x) || x < lo || x > hi || (int && !Number.isInteger(x))) throw new RangeError(`${id}: must be ${int ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${val(id)}`);
  return x;
};

function fail(e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  state.errors.push(msg);
  $('errors').textContent = msg;
}

const wi = await load({ seed: 1 });
$('isolation').textContent = globalThis.crossOriginIsolated ? 'This page is cross-origin isolated.' : '';

for (const p of ['a', 'b']) {
  $<HTMLSelectElement>(`${p}-activation`).innerHTML = ACTIVATIONS.map((a) => `<option>${a}</option>`).join('');
  $<HTMLSelectElement>(`${p}-init`).innerHTML = Object.keys(INITS).map((k) => `<option>${k}</option>`).join('');
}
$<HTMLSelectElement>('a-init').value = 'glorotNormal';
$<HTMLSelectElement>('b-init').value = 'heNormal';

// ---- panel 1
function renderInit(): void {
  const fanIn = numv('fan-in', 1, 4096);
  const fanOut = numv('fan-out', 1, 4096);
  const layout = val('layout') as 'torch' | 'tf';
  const shape = layout === 'tf' ? [fanIn, fanOut] : [fanOut, fanIn];
  const dtype = val('dtype');
  const gain = numv('gain', 0, 100, false);
  const alpha = numv('alpha', 0, 100, false);
  const std = numv('normal-std', 0, 100, false);
  const specs: [string, string, Record<string, unknown>][] = [
    [`normal (std ${std})`, 'normal', { std }],
    [`Xavier normal${gain === 1 ? '' : ` (gain ${gain})`}`, 'glorotNormal', { gain, layout }],
    ['He normal', 'heNormal', { layout }],
    [`He normal, leaky (α ${alpha})`, 'heNormal', { a: alpha, layout }],
  ];
  const methods = wi as unknown as Record<string, (s: number[], o: Record<string, unknown>) => { data: ArrayLike<number>; free(): void }>;
  const series = specs.map(([label, name, o]) => {
    const t = methods[name]!(shape, { ...o, seed: 7, dtype });
    const v = toNumbers(t.data, dtype);
    t.free();
    return { label: `${label}: std ${summarizeValues(v).std.toPrecision(3)}`, ...binValues(v, 50) };
  });
  $('init-plot').innerHTML = initFigure(series, {
    overlay: val('overlay') === 'overlay',
    title: `shape [${shape.join(', ')}] (${layout} layout), ${dtype}`,
    columns: val('overlay') === 'overlay' ? 1 : 4,
  });
  state.renders.init++;
}

// ---- panel 2
function config(p: 'a' | 'b'): { label: string; activation: string; init: { name: string; options: Record<string, unknown> }; depth: number; width: number } {
  const key = val(`${p}-init`);
  const i = INITS[key]!;
  const activation = val(`${p}-activation`);
  return { label: `${p.toUpperCase()}: ${key}, ${activation}`, activation, init: { name: i.name, options: i.options ?? {} }, depth: numv(`${p}-depth`, 1, 200), width: numv(`${p}-width`, 2, 2048) };
}

const idle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

async function renderDepth(): Promise<void> {
  const batch = numv('batch', 1, 1024);
  const seed = numv('seed', 0, 2 ** 31);
  const configs: Config[] = [];
  for (const p of ['a', 'b'] as const) {
    const c = config(p);
    $('depth-status').textContent = `running ${c.label} …`;
    await idle();
    const t0 = performance.now();
    const result: PropagateResult = wi.propagate({ depth: c.depth, width: c.width, activation: c.activation as never, init: c.init as never, batch, seed, bins: 40 });
    configs.push({ label: c.label, result });
    $('depth-status').textContent = `${c.label}: ${(performance.now() - t0).toFixed(0)} ms`;
  }
  state.std.A = configs[0]!.result.layers.map((l) => l.activation.std);
  state.std.B = configs[1]!.result.layers.map((l) => l.activation.std);
  $('std-plot').innerHTML = stdFigure(configs, { width: 760, height: 360 });
  $('ridge-plots').innerHTML = [...configs.map((c, i) => ridgeFigure(c, 'activation', i, { width: 300 })), ...configs.map((c, i) => ridgeFigure(c, 'gradient', i, { width: 300 }))].join('');
  $('depth-status').textContent = `${configs.map((c) => c.label).join(' / ')}: batch ${batch}, seed ${seed}`;
  state.renders.depth++;
}

// ---- panel 3
async function renderTrain(): Promise<void> {
  const depth = numv('t-depth', 1, 100);
  const width = numv('t-width', 2, 512);
  const steps = numv('t-steps', 1, 5000);
  const lr = numv('t-lr', 0, 10, false);
  const seed = numv('seed', 0, 2 ** 31);
  const configs: Config[] = [];
  for (const p of ['a', 'b'] as const) {
    const c = config(p);
    $('train-status').textContent = `training ${c.label} …`;
    await idle();
    // depth − 1 hidden layers of `width`, 8 linear outputs, full batch of 128 (the example of docs/lab.md)
    const widths = [width, ...new Array<number>(Math.max(0, depth - 1)).fill(width), 8];
    const train: TrainProbeResult = wi.trainProbe({ widths, activation: c.activation as never, init: c.init as never, batch: 128, seed, task: 'teacher', steps, lr });
    configs.push({ label: c.label, result: undefined as never, train });
  }
  $('loss-plot').innerHTML = lossFigure(configs, { width: 760, height: 340 });
  $('train-status').textContent = configs.map((c) => `${c.label}: final ${c.train!.finalLoss.toPrecision(3)} (baseline ${c.train!.baselineLoss.toPrecision(3)})`).join('; ');
  state.renders.train++;
}

// ---- wiring: one queue, so a change never runs while another render is in flight
let queue: Promise<void> = Promise.resolve();
function schedule(...jobs: (() => void | Promise<void>)[]): void {
  queue = queue.then(async () => {
    state.busy = true;
    for (const j of jobs) {
      try {
        await j();
      } catch (e) {
        fail(e);
      }
    }
    state.busy = false;
  });
}
for (const id of ['fan-in', 'fan-out', 'gain', 'alpha', 'normal-std', 'dtype', 'layout', 'overlay']) $(id).addEventListener('change', () => schedule(renderInit));
for (const id of ['a-activation', 'a-init', 'a-depth', 'a-width', 'b-activation', 'b-init', 'b-depth', 'b-width', 'batch', 'seed']) {
  $(id).addEventListener('change', () => schedule(renderDepth, ...(id.endsWith('depth') || id.endsWith('width') || id === 'batch' ? [] : [renderTrain])));
}
for (const id of ['t-depth', 't-width', 't-steps', 't-lr']) $(id).addEventListener('change', () => schedule(renderTrain));
schedule(renderInit, renderDepth, renderTrain);
