// The messages between the lab page (web/main.ts, which only draws) and its worker
// (web/lab-worker.ts, which runs weightinit). Everything is plain data: structured-cloned
// objects, arrays and Float64Arrays, never a view of the library's wasm memory.
import type { PropagateResult, TrainProbeResult } from '../src/lab/index.js';

export type Panel = 'init' | 'depth' | 'train';

/** One side of the comparison (A or B) as the page's controls give it. */
export interface NetConfig {
  label: string;
  activation: string;
  init: { name: string; options: Record<string, unknown> };
  depth: number;
  width: number;
}

export interface InitRequest {
  panel: 'init';
  id: number;
  fanIn: number;
  fanOut: number;
  layout: 'torch' | 'tf';
  dtype: string;
  gain: number;
  alpha: number;
  std: number;
}

export interface DepthRequest {
  panel: 'depth';
  id: number;
  configs: NetConfig[];
  batch: number;
  seed: number;
}

export interface TrainRequest {
  panel: 'train';
  id: number;
  configs: NetConfig[];
  depth: number;
  width: number;
  steps: number;
  lr: number;
  seed: number;
}

export type LabRequest = InitRequest | DepthRequest | TrainRequest;

/** One initializer's histogram, binned in the worker. */
export interface InitSeries {
  label: string;
  edges: number[];
  counts: number[];
}

export type LabReply =
  /** Sent once, when weightinit has loaded in the worker. */
  | { type: 'ready'; threads: number; isolated: boolean; cores: number }
  /** weightinit failed to load: every request will fail with this message. */
  | { type: 'failed'; message: string }
  /** Progress of a request, for the panel's status line. */
  | { type: 'status'; panel: Panel; id: number; text: string }
  | { type: 'error'; panel: Panel; id: number; message: string }
  | { type: 'init'; panel: 'init'; id: number; title: string; series: InitSeries[] }
  | { type: 'depth'; panel: 'depth'; id: number; results: { label: string; result: PropagateResult; ms: number }[] }
  | { type: 'train'; panel: 'train'; id: number; results: { label: string; train: TrainProbeResult; ms: number }[] };

/** What the page exposes as `globalThis.lab` (read by test/lab-page.test.ts). */
export interface LabState {
  /** Completed renders per panel. */
  renders: { init: number; depth: number; train: number };
  /** The per-layer activation std last plotted, per configuration. */
  std: { A: number[]; B: number[] };
  /** Every error shown on the page, in order. */
  errors: string[];
  /** Whether a request is outstanding. */
  busy: boolean;
  /** Threads weightinit runs on in the worker (0 until it has loaded). */
  threads: number;
  /** Whether the worker is cross-origin isolated (null until it has loaded). */
  workerIsolated: boolean | null;
}
