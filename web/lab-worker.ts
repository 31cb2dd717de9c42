// The lab page's worker: a dedicated module Web Worker that loads weightinit as a user's worker
// would, with `workers: 'auto'` (one fill worker per core beyond this thread, over shared wasm
// memory, where the page is cross-origin isolated; this thread alone where it is not), and
// answers the page's requests with plain data. Requests run one at a time in arrival order; a
// request that a newer one for the same panel has superseded is dropped, before it starts or
// between its two configurations.
import { load } from 'weightinit';
import type { TrainProbeResult } from '../src/lab/index.js';
import { binValues, summarizeValues, toNumbers } from '../src/viz/values.js';
import type { DepthRequest, InitRequest, LabReply, LabRequest, Panel, TrainRequest } from './protocol.js';

type WeightInit = Awaited<ReturnType<typeof load>>;
interface WorkerScope {
  postMessage(m: LabReply): void;
  onmessage: ((ev: MessageEvent<LabRequest>) => void) | null;
  crossOriginIsolated?: boolean;
  navigator: { hardwareConcurrency?: number };
}
const scope = globalThis as unknown as WorkerScope;
const post = (m: LabReply): void => scope.postMessage(m);
const describe = (e: unknown): string => (e instanceof Error ? (e.name === 'Error' ? e.message : `${e.name}: ${e.message}`) : String(e));

const loaded: Promise<WeightInit | Error> = load({ workers: 'auto' }).then(
  (wi) => {
    post({ type: 'ready', threads: wi.threads, isolated: scope.crossOriginIsolated === true, cores: scope.navigator.hardwareConcurrency ?? 1 });
    return wi;
  },
  (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: 'failed', message: `weightinit failed to load: ${describe(err)}` });
    return err;
  },
);

/** The newest request id per panel: anything older is superseded. */
const latest: Record<Panel, number> = { init: -1, depth: -1, train: -1 };
const current = (r: LabRequest): boolean => latest[r.panel] === r.id;
const queue: LabRequest[] = [];
let running = false;

/** Lets queued messages arrive (so a newer request can supersede the one in progress). */
const breathe = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

scope.onmessage = (ev) => {
  const r = ev.data;
  latest[r.panel] = Math.max(latest[r.panel], r.id);
  queue.push(r);
  void pump();
};

async function pump(): Promise<void> {
  if (running) return;
  running = true;
  try {
    const wi = await loaded;
    while (queue.length > 0) {
      const r = queue.shift()!;
      if (!current(r)) continue;
      try {
        if (wi instanceof Error) throw wi;
        if (r.panel === 'init') initPanel(wi, r);
        else if (r.panel === 'depth') await depthPanel(wi, r);
        else await trainPanel(wi, r);
      } catch (e) {
        post({ type: 'error', panel: r.panel, id: r.id, message: describe(e) });
      }
    }
  } finally {
    running = false;
  }
}

/** Panel 1: the four initializers on one shape, from one seed, binned here. */
function initPanel(wi: WeightInit, r: InitRequest): void {
  const shape = r.layout === 'tf' ? [r.fanIn, r.fanOut] : [r.fanOut, r.fanIn];
  const specs: [string, string, Record<string, unknown>][] = [
    [`normal (std ${r.std})`, 'normal', { std: r.std }],
    [`Xavier normal${r.gain === 1 ? '' : ` (gain ${r.gain})`}`, 'glorotNormal', { gain: r.gain, layout: r.layout }],
    ['He normal', 'heNormal', { layout: r.layout }],
    [`He normal, leaky (α ${r.alpha})`, 'heNormal', { a: r.alpha, layout: r.layout }],
  ];
  const methods = wi as unknown as Record<string, (s: number[], o: Record<string, unknown>) => { data: ArrayLike<number>; free(): void }>;
  const series = specs.map(([label, name, o]) => {
    const t = methods[name]!(shape, { ...o, seed: 7, dtype: r.dtype });
    let v: Float64Array;
    try {
      v = toNumbers(t.data, r.dtype);
    } finally {
      t.free();
    }
    return { label: `${label}: std ${summarizeValues(v).std.toPrecision(3)}`, ...binValues(v, 50) };
  });
  post({ type: 'init', panel: 'init', id: r.id, title: `shape [${shape.join(', ')}] (${r.layout} layout), ${r.dtype}`, series });
}

/** Panel 2: propagate for both configurations. */
async function depthPanel(wi: WeightInit, r: DepthRequest): Promise<void> {
  const results: Extract<LabReply, { type: 'depth' }>['results'] = [];
  for (const c of r.configs) {
    post({ type: 'status', panel: 'depth', id: r.id, text: `running ${c.label} …` });
    await breathe();
    if (!current(r)) return;
    const t0 = performance.now();
    const result = wi.propagate({ depth: c.depth, width: c.width, activation: c.activation as never, init: c.init as never, batch: r.batch, seed: r.seed, bins: 40 });
    results.push({ label: c.label, result, ms: performance.now() - t0 });
  }
  post({ type: 'depth', panel: 'depth', id: r.id, results });
}

/** Panel 3: trainProbe for both configurations (depth − 1 hidden layers of `width`, 8 linear outputs, full batch of 128). */
async function trainPanel(wi: WeightInit, r: TrainRequest): Promise<void> {
  const results: { label: string; train: TrainProbeResult; ms: number }[] = [];
  const widths = [r.width, ...new Array<number>(Math.max(0, r.depth - 1)).fill(r.width), 8];
  for (const c of r.configs) {
    post({ type: 'status', panel: 'train', id: r.id, text: `training ${c.label} …` });
    await breathe();
    if (!current(r)) return;
    const t0 = performance.now();
    const train = wi.trainProbe({ widths, activation: c.activation as never, init: c.init as never, batch: 128, seed: r.seed, task: 'teacher', steps: r.steps, lr: r.lr });
    results.push({ label: c.label, train, ms: performance.now() - t0 });
  }
  post({ type: 'train', panel: 'train', id: r.id, results });
}
