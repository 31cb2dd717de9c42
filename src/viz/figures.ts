// The lab's figures, shared by `weightinit diagnose` / `weightinit hist` and the lab page:
// per-layer std lines, per-layer histogram ridgelines, loss curves, initializer histograms.
import type { PropagateResult, TrainProbeResult } from '../lab/index.js';
import { gridSvg, histogramSvg, linePlotSvg, PALETTE, ridgelineSvg, type HistSeries } from './svg.js';

/** One configuration's results, labelled (e.g. "heNormal"). */
export interface Config {
  label: string;
  result: PropagateResult;
  train?: TrainProbeResult | undefined;
}

const color = (i: number): string => PALETTE[i % PALETTE.length]!;

/** Per-layer std of the activations (solid) and of the back-propagated gradients (dashed), log y. */
export function stdFigure(configs: readonly Config[], o: { width?: number; height?: number } = {}): string {
  const series = configs.flatMap((c, i) => [
    { label: `${c.label} activation`, y: c.result.layers.map((l) => l.activation.std), color: color(i) },
    { label: `${c.label} gradient`, y: c.result.layers.map((l) => l.gradient.std), color: color(i), dashed: true },
  ]);
  const net = configs[0]?.result;
  return linePlotSvg(series, {
    logY: true,
    width: o.width ?? 560,
    height: o.height ?? 340,
    title: net ? `Per-layer std (${net.activation}, ${net.layers.length} layers of ${net.widths[1]})` : 'Per-layer std',
    xLabel: 'layer',
    yLabel: 'std (log scale)',
  });
}

/** Ridgeline of one configuration's per-layer activation (or gradient) histograms, layer 1 at the top. */
export function ridgeFigure(c: Config, what: 'activation' | 'gradient', i = 0, o: { width?: number } = {}): string {
  const layers = c.result.layers;
  return ridgelineSvg([{ label: c.label, color: color(i), rows: layers.map((l) => l[what].histogram) }], {
    width: o.width ?? 280,
    rowHeight: Math.max(6, Math.min(18, Math.floor(420 / Math.max(1, layers.length)))),
    scale: 'sqrt',
    title: `${c.label}: ${what}s`,
    xLabel: what === 'activation' ? 'activation value' : 'gradient value',
    yLabel: 'layer',
    rowLabels: layers.map((l) => String(l.layer)),
  });
}

/** Loss curves of the training probe (log y), with each run's constant-predictor baseline dotted. */
export function lossFigure(configs: readonly Config[], o: { width?: number; height?: number } = {}): string {
  const series = configs.flatMap((c, i) =>
    c.train === undefined
      ? []
      : [
          { label: c.label, x: c.train.loss.map((_, k) => k), y: c.train.loss, color: color(i) },
          { label: `${c.label} baseline`, x: [0, Math.max(1, c.train.steps - 1)], y: [c.train.baselineLoss, c.train.baselineLoss], color: color(i), dashed: true },
        ],
  );
  const t = configs.find((c) => c.train !== undefined)?.train;
  return linePlotSvg(series, {
    logY: true,
    width: o.width ?? 560,
    height: o.height ?? 320,
    title: t ? `Training probe: SGD lr ${t.lr}, ${t.widths.length - 1} layers of ${t.widths[1]}` : 'Training probe',
    xLabel: 'step',
    yLabel: 'minibatch MSE (log scale)',
  });
}

/** Everything `diagnose` shows, as one SVG: std lines, activation and gradient ridgelines, loss curves. */
export function diagnoseFigure(configs: readonly Config[]): string {
  const parts = [stdFigure(configs, { width: 280 * Math.max(2, configs.length), height: 340 })];
  if (configs.some((c) => c.train !== undefined)) parts.push(lossFigure(configs, { width: 280 * Math.max(2, configs.length), height: 340 }));
  const ridges = [...configs.map((c, i) => ridgeFigure(c, 'activation', i)), ...configs.map((c, i) => ridgeFigure(c, 'gradient', i))];
  const top = gridSvg(parts, { columns: 1 });
  const bottom = gridSvg(ridges, { columns: Math.max(2, configs.length) });
  const r = configs[0]?.result;
  return gridSvg([top, bottom], { columns: 1, title: r ? `weightinit diagnose: ${configs.map((c) => c.label).join(' vs ')}, ${r.activation}` : 'weightinit diagnose' });
}

/** Initializer histograms side by side (panels) or overlaid. */
export function initFigure(series: readonly HistSeries[], o: { overlay?: boolean; title?: string; columns?: number } = {}): string {
  return histogramSvg(series, {
    mode: o.overlay === true ? 'overlay' : 'panels',
    title: o.title ?? 'Initializer histograms',
    xLabel: 'weight value',
    ...(o.columns !== undefined ? { columns: o.columns } : {}),
    ...(o.overlay === true ? { width: 720, height: 400 } : {}),
  });
}
