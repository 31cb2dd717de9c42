// The lab page's main thread: controls and drawing only. weightinit runs in a dedicated module
// Web Worker (web/lab-worker.ts), as a user's page would run it to get threads: there
// `load({ workers: 'auto' })` may block on its fill workers, which a page's main thread may not.
// Every request is asynchronous; a newer request for a panel supersedes the older one (whose
// reply, if it still comes, is ignored); errors are shown on the page.
import { initFigure, lossFigure, ridgeFigure, stdFigure, type Config } from '../src/viz/figures.js';
import type { LabReply, LabRequest, LabState, NetConfig, Panel } from './protocol.js';

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

const state: LabState = { renders: { init: 0, depth: 0, train: 0 }, std: { A: [], B: [] }, errors: [], busy: false, threads: 0, workerIsolated: null };
(globalThis as unknown as { lab: LabState }).lab = state;

const $ = <T extends HTMLElement = HTMLInputElement>(id: string): T => document.getElementById(id) as T;
const val = (id: string): string => $<HTMLInputElement>(id).value;
const numv = (id: string, lo: number, hi: number, int = true): number => {
  const x = Number(val(id));
  if (!Number.isFinite(x) || x < lo || x > hi || (int && !Number.isInteger(x))) throw new RangeError(`${id}: must be ${int ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${val(id)}`);
  return x;
};

// ---- errors: the current one of each source, listed under the panels
const shown = new Map<string, string>();
function showErrors(): void {
  $('errors').textContent = [...shown.values()].join('\n');
}
function fail(source: string, e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  state.errors.push(msg);
  shown.set(source, msg);
  showErrors();
}
function clearError(source: string): void {
  if (shown.delete(source)) showErrors();
}

// ---- the worker and its requests
const worker = new Worker(new URL('./lab-worker.ts', import.meta.url), { type: 'module', name: 'weightinit lab' });
/** The newest request of each panel still waiting for its reply. */
const pending = new Map<Panel, LabRequest>();
let nextId = 1;
const updateBusy = (): void => {
  state.busy = pending.size > 0;
};
function send(r: LabRequest): void {
  pending.set(r.panel, r);
  updateBusy();
  worker.postMessage(r);
}
/** Builds a panel's request from the controls; a bad control is shown as an error and sends nothing. */
function request(panel: Panel): void {
  let r: LabRequest;
  try {
    r = build(panel, nextId++);
  } catch (e) {
    fail(panel, e);
    return;
  }
  clearError(panel);
  send(r);
}

function build(panel: Panel, id: number): LabRequest {
  if (panel === 'init') {
    return {
      panel, id, fanIn: numv('fan-in', 1, 4096), fanOut: numv('fan-out', 1, 4096), layout: val('layout') as 'torch' | 'tf', dtype: val('dtype'),
      gain: numv('gain', 0, 100, false), alpha: numv('alpha', 0, 100, false), std: numv('normal-std', 0, 100, false),
    };
  }
  const configs = [config('a'), config('b')];
  if (panel === 'depth') return { panel, id, configs, batch: numv('batch', 1, 1024), seed: numv('seed', 0, 2 ** 31) };
  return { panel, id, configs, depth: numv('t-depth', 1, 100), width: numv('t-width', 2, 512), steps: numv('t-steps', 1, 5000), lr: numv('t-lr', 0, 10, false), seed: numv('seed', 0, 2 ** 31) };
}

function config(p: 'a' | 'b'): NetConfig {
  const key = val(`${p}-init`);
  const i = INITS[key]!;
  const activation = val(`${p}-activation`);
  return { label: `${p.toUpperCase()}: ${key}, ${activation}`, activation, init: { name: i.name, options: i.options ?? {} }, depth: numv(`${p}-depth`, 1, 200), width: numv(`${p}-width`, 2, 2048) };
}

function threadsText(m: Extract<LabReply, { type: 'ready' }>): string {
  const where = 'weightinit runs in a Web Worker';
  if (m.threads > 1) return `${where} on ${m.threads} threads (cross-origin isolated).`;
  if (!m.isolated) return `${where} on 1 thread: the page is not cross-origin isolated, so there is no shared memory for more.`;
  return `${where} on 1 thread (cross-origin isolated; ${m.cores} core${m.cores === 1 ? '' : 's'} reported).`;
}

worker.onmessage = (ev: MessageEvent<LabReply>) => {
  const m = ev.data;
  if (m.type === 'ready') {
    state.threads = m.threads;
    state.workerIsolated = m.isolated;
    $('threads').textContent = threadsText(m);
    return;
  }
  if (m.type === 'failed') {
    $('threads').textContent = 'weightinit did not load.';
    fail('worker', m.message);
    return;
  }
  const r = pending.get(m.panel);
  if (r === undefined || r.id !== m.id) return; // superseded
  if (m.type === 'status') {
    $(`${m.panel}-status`).textContent = m.text;
    return;
  }
  pending.delete(m.panel);
  updateBusy();
  try {
    if (m.type === 'error') {
      $(`${m.panel}-status`).textContent = 'failed (see below)';
      fail(m.panel, m.message);
    } else if (m.type === 'init') drawInit(m);
    else if (m.type === 'depth') drawDepth(m, r);
    else drawTrain(m);
  } catch (e) {
    fail(m.panel, e);
  }
};
// the worker's script failed to load or threw outside a request; a reply that cannot be decoded
worker.onerror = (ev) => {
  ev.preventDefault();
  fail('worker', `the lab worker failed: ${ev.message || 'its script did not load'}`);
  pending.clear();
  updateBusy();
};
worker.onmessageerror = () => fail('worker', 'a reply from the lab worker could not be decoded');

// ---- drawing
function drawInit(m: Extract<LabReply, { type: 'init' }>): void {
  const overlay = val('overlay') === 'overlay';
  $('init-plot').innerHTML = initFigure(m.series, { overlay, title: m.title, columns: overlay ? 1 : 4 });
  $('init-status').textContent = '';
  state.renders.init++;
}

function drawDepth(m: Extract<LabReply, { type: 'depth' }>, r: LabRequest): void {
  const configs: Config[] = m.results.map((x) => ({ label: x.label, result: x.result }));
  state.std.A = configs[0]!.result.layers.map((l) => l.activation.std);
  state.std.B = configs[1]!.result.layers.map((l) => l.activation.std);
  $('std-plot').innerHTML = stdFigure(configs, { width: 760, height: 360 });
  $('ridge-plots').innerHTML = [...configs.map((c, i) => ridgeFigure(c, 'activation', i, { width: 300 })), ...configs.map((c, i) => ridgeFigure(c, 'gradient', i, { width: 300 }))].join('');
  const { batch, seed } = r as Extract<LabRequest, { panel: 'depth' }>;
  $('depth-status').textContent = `${m.results.map((x) => `${x.label} (${x.ms.toFixed(0)} ms)`).join(' / ')}: batch ${batch}, seed ${seed}`;
  state.renders.depth++;
}

function drawTrain(m: Extract<LabReply, { type: 'train' }>): void {
  const configs: Config[] = m.results.map((x) => ({ label: x.label, result: undefined as never, train: x.train }));
  $('loss-plot').innerHTML = lossFigure(configs, { width: 760, height: 340 });
  $('train-status').textContent = m.results.map((x) => `${x.label}: final ${x.train.finalLoss.toPrecision(3)} (baseline ${x.train.baselineLoss.toPrecision(3)}, ${x.ms.toFixed(0)} ms)`).join('; ');
  state.renders.train++;
}

// ---- controls
for (const p of ['a', 'b']) {
  $<HTMLSelectElement>(`${p}-activation`).innerHTML = ACTIVATIONS.map((a) => `<option>${a}</option>`).join('');
  $<HTMLSelectElement>(`${p}-init`).innerHTML = Object.keys(INITS).map((k) => `<option>${k}</option>`).join('');
}
$<HTMLSelectElement>('a-init').value = 'glorotNormal';
$<HTMLSelectElement>('b-init').value = 'heNormal';

for (const id of ['fan-in', 'fan-out', 'gain', 'alpha', 'normal-std', 'dtype', 'layout', 'overlay']) $(id).addEventListener('change', () => request('init'));
for (const id of ['a-activation', 'a-init', 'a-depth', 'a-width', 'b-activation', 'b-init', 'b-depth', 'b-width', 'batch', 'seed']) {
  $(id).addEventListener('change', () => {
    request('depth');
    if (!(id.endsWith('depth') || id.endsWith('width') || id === 'batch')) request('train');
  });
}
for (const id of ['t-depth', 't-width', 't-steps', 't-lr']) $(id).addEventListener('change', () => request('train'));
request('init');
request('depth');
request('train');
