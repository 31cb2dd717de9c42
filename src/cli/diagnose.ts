// weightinit diagnose: what an initialization does to a deep MLP — per-layer activation and
// gradient statistics (wi.propagate), optionally the loss curve of a short SGD run
// (wi.trainProbe), for one initializer or two side by side. Terminal table and sparklines,
// JSON, SVG/PNG figures.
import { ACTIVATIONS, type Activation, type PropagateResult, type TrainProbeResult } from '../lab/index.js';
import { load } from '../index.js';
import { guard, intArg, numArg, parse, parseInitSpec, UsageError, writeFigures, type InitSpecArg } from '../viz/cli-util.js';
import { diagnoseFigure, type Config } from '../viz/figures.js';
import { fmtNum, sparkline, table } from '../viz/terminal.js';

export const DIAGNOSE_HELP = `weightinit diagnose - what an initialization does to a deep network

Usage:
  weightinit diagnose [--depth 30] [--width 512] [--activation relu] [--init heNormal]
                      [--compare glorotNormal] [--train STEPS] [options]

Runs one forward and one backward pass of a plain MLP (depth linear layers of width units, the
activation after each) on a random standard normal batch, starting the backward pass from a
random N(0, 1) output gradient, and prints per layer: the activations' mean and std, the
saturated (tanh, sigmoid) or dead (derivative exactly 0) percentage, the back-propagated
gradient's std and |dL/dW| std / |W| std. See docs/lab.md for the definitions.

Options:
  --depth N         linear layers (default 30)
  --width N         units per layer, input included (default 512)
  --activation A    ${ACTIVATIONS.join(' | ')} (default relu)
  --slope S         leaky_relu's negative slope (default 0.01)
  --init SPEC       initializer (default heNormal); options after colons: heNormal:mode=fanOut,
                    normal:std=0.01, orthogonal:gain=1.41
  --compare SPEC    a second initializer, shown side by side
  --batch N         examples per pass (default 256)
  --seed N          seed of the input, weights and gradients (default 1)
  --bins N          histogram bins for --svg/--png/--json (default 50)
  --train STEPS     also train the same net with plain SGD for STEPS steps on a random teacher
                    network's outputs (wi.trainProbe) and show the loss curves
  --outputs N       --train: the trained net's output width (default 8; its depth − 1 hidden
                    layers keep --width)
  --lr X            learning rate for --train (default 0.01)
  --task T          teacher (default) | linear
  --svg FILE        write the figures (per-layer std, activation and gradient ridgelines, loss)
  --png FILE        the same as PNG (needs @resvg/resvg-wasm and dejavu-fonts-ttf)
  --json            print every number as JSON
  --help            this text

Exit status: 0 done, 2 usage error, 1 failure.
`;

export interface DiagnoseLayer {
  layer: number;
  activationMean: number;
  activationStd: number;
  saturated: number | null;
  dead: number;
  gradientStd: number;
  ratio: number;
}

export interface DiagnoseConfig {
  init: string;
  layers: DiagnoseLayer[];
  inputGradientStd: number;
  train?: { steps: number; lr: number; task: string; loss: number[]; finalLoss: number; baselineLoss: number };
}

function layerRows(r: PropagateResult): DiagnoseLayer[] {
  return r.layers.map((l) => ({
    layer: l.layer,
    activationMean: l.activation.mean,
    activationStd: l.activation.std,
    saturated: l.activation.saturated,
    dead: l.activation.dead,
    gradientStd: l.gradient.std,
    ratio: l.ratio,
  }));
}

/** At most `n` values: means of consecutive buckets (a 200-step loss curve in 50 cells). */
function squeeze(ys: readonly number[], n: number): number[] {
  if (ys.length <= n) return ys.slice();
  const k = Math.ceil(ys.length / n);
  const out: number[] = [];
  for (let i = 0; i < ys.length; i += k) {
    const part = ys.slice(i, i + k);
    out.push(part.reduce((a, b) => a + b, 0) / part.length);
  }
  return out;
}

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

export async function run(args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  return guard('diagnose', err, async () => {
    const { values: v, positionals } = parse('diagnose', args, {
      depth: { type: 'string' }, width: { type: 'string' }, activation: { type: 'string' }, slope: { type: 'string' },
      init: { type: 'string' }, compare: { type: 'string' }, batch: { type: 'string' }, seed: { type: 'string' },
      bins: { type: 'string' }, train: { type: 'string' }, outputs: { type: 'string' }, lr: { type: 'string' }, task: { type: 'string' },
      svg: { type: 'string' }, png: { type: 'string' },
    });
    if (v.help === true) {
      out(DIAGNOSE_HELP);
      return;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const depth = intArg('--depth', v.depth, 30, 1, 4096);
    const width = intArg('--width', v.width, 512, 1, 65536);
    const batch = intArg('--batch', v.batch, 256, 1, 65536);
    const seed = intArg('--seed', v.seed, 1, 0, Number.MAX_SAFE_INTEGER);
    const bins = intArg('--bins', v.bins, 50, 1, 10000);
    const activation = (v.activation ?? 'relu') as Activation;
    if (!(ACTIVATIONS as readonly string[]).includes(activation)) throw new UsageError(`--activation must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(v.activation)}`);
    const slope = numArg('--slope', v.slope);
    if (slope !== undefined && activation !== 'leaky_relu') throw new UsageError('--slope is only for --activation leaky_relu');
    const inits: InitSpecArg[] = [parseInitSpec(v.init ?? 'heNormal', '--init')];
    if (v.compare !== undefined) inits.push(parseInitSpec(v.compare, '--compare'));
    const steps = v.train === undefined ? undefined : intArg('--train', v.train, 0, 1, 1_000_000);
    const lr = numArg('--lr', v.lr) ?? 0.01;
    if (!(lr > 0)) throw new UsageError(`--lr must be positive, got ${JSON.stringify(v.lr)}`);
    const task = v.task ?? 'teacher';
    if (task !== 'teacher' && task !== 'linear') throw new UsageError(`--task must be teacher or linear, got ${JSON.stringify(task)}`);
    const outputs = intArg('--outputs', v.outputs, 8, 1, 65536);
    if (steps === undefined && (v.lr !== undefined || v.task !== undefined || v.outputs !== undefined)) throw new UsageError('--lr, --task and --outputs need --train STEPS');
    if (depth * width * width > 2 ** 28) throw new UsageError(`--depth ${depth} × --width ${width}² is more than 2^28 weights; make the net smaller`);

    const wi = await load({ seed });
    const net = { depth, width, activation, batch, seed, bins, ...(slope !== undefined ? { slope } : {}) };
    const configs: Config[] = [];
    for (const s of inits) {
      const init = { name: s.name, options: s.options };
      let result: PropagateResult;
      let train: TrainProbeResult | undefined;
      try {
        result = wi.propagate({ ...net, init });
        if (steps !== undefined) {
          const { depth: _d, width: _w, ...rest } = net;
          const widths = [...new Array<number>(depth).fill(width), outputs];
          train = wi.trainProbe({ ...rest, widths, init, task, steps, lr });
        }
      } catch (e) {
        if (e instanceof TypeError || e instanceof RangeError) throw new UsageError(`${s.spec}: ${e.message}`);
        throw e;
      }
      configs.push({ label: s.spec, result, train });
    }

    const rows: DiagnoseConfig[] = configs.map((c) => ({
      init: c.label,
      layers: layerRows(c.result),
      inputGradientStd: c.result.inputGradient.std,
      ...(c.train !== undefined
        ? { train: { steps: c.train.steps, lr: c.train.lr, task: c.train.task, loss: c.train.loss, finalLoss: c.train.finalLoss, baselineLoss: c.train.baselineLoss } }
        : {}),
    }));
    const svg = v.svg !== undefined || v.png !== undefined ? diagnoseFigure(configs) : '';
    const files = await writeFigures(svg, { svg: v.svg, png: v.png });
    if (v.json === true) {
      out(JSON.stringify({ command: 'diagnose', network: { depth, width, activation, batch, seed, ...(slope !== undefined ? { slope } : {}) }, configs: rows, files }, null, 2) + '\n');
      return;
    }
    const bounded = activation === 'tanh' || activation === 'sigmoid';
    const names = configs.length === 2 ? ['A', 'B'] : [''];
    out(`${activation} MLP: ${depth} layers of ${width}, batch ${batch}, seed ${seed}\n`);
    if (configs.length === 2) out(`A = ${rows[0]!.init}   B = ${rows[1]!.init}\n`);
    out('\n');
    const head = ['layer'];
    for (const n of names) head.push(...[`${n} act mean`, `${n} act std`, bounded ? `${n} sat` : `${n} dead`, `${n} grad std`, `${n} ratio`].map((h) => h.trim()));
    const body = rows[0]!.layers.map((_, i) => {
      const cells = [String(i + 1)];
      for (const r of rows) {
        const l = r.layers[i]!;
        cells.push(fmtNum(l.activationMean), fmtNum(l.activationStd), pct(bounded ? l.saturated : l.dead), fmtNum(l.gradientStd), fmtNum(l.ratio));
      }
      return cells;
    });
    out(table(head, body) + '\n\n');
    const plot = (title: string, pick: (r: DiagnoseConfig) => number[], unit = 'per layer', first = 'layer 1'): void => {
      const all = rows.flatMap(pick).filter((x) => x > 0 && Number.isFinite(x));
      const lo = Math.min(...all);
      const hi = Math.max(...all);
      out(`${title} ${unit}${rows[0] && pick(rows[0]).length > 60 ? ' (bucket means)' : ''} (log scale, ${fmtNum(lo)} .. ${fmtNum(hi)}, ${first} on the left)\n`);
      const w = Math.max(...rows.map((r) => r.init.length));
      for (const r of rows) {
        const ys = pick(r);
        out(`  ${r.init.padEnd(w)}  ${sparkline(squeeze(ys, 60), { log: true, lo, hi })}  ${fmtNum(ys[0]!)} -> ${fmtNum(ys[ys.length - 1]!)}\n`);
      }
    };
    plot('activation std', (r) => r.layers.map((l) => l.activationStd));
    plot('gradient std', (r) => r.layers.map((l) => l.gradientStd));
    if (steps !== undefined) {
      out('\n');
      plot(`training loss (${steps} steps of SGD, lr ${lr}, task ${task})`, (r) => r.train!.loss, 'per step', 'step 0');
      for (const r of rows) out(`  ${r.init}: first ${fmtNum(r.train!.loss[0]!)}  final ${fmtNum(r.train!.finalLoss)}  constant-predictor baseline ${fmtNum(r.train!.baselineLoss)}\n`);
    }
    for (const f of files) out(`wrote ${f}\n`);
  });
}
