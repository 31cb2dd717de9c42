// `npm run bench`: weightinit against its peers, measured in the same run, written to
// bench/results.md. Throughput is M elements/s from the median latency of each task;
// a full run repeats every size in several rounds and reports the median of the rounds.
//
//   node bench/run.mjs            full run (5 rounds, 1M and 16M), writes bench/results.md
//   node bench/run.mjs --quick    short run (1 round, short budgets), prints only
//   options: --rounds N  --out FILE  --no-numpy  --sizes 1048576,16777216
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Bench } from 'tinybench';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import stdlibNormal from '@stdlib/random-array-normal';
import { load } from '../dist/index.js';
import { xoshiroPolar, xoshiroUniform } from './peers/xoshiro.mjs';
import { pureRandBoxMuller, pureRandUniform } from './peers/purerand.mjs';
import { fmt, git, loadAvg, median, options, pkgVersion } from './util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

// ---------- options ----------
const { flag, value } = options('run.mjs', ['--quick', '--rounds', '--out', '--no-numpy', '--sizes']);
const quick = flag('--quick');
const rounds = Number(value('--rounds') ?? (quick ? 1 : 5));
const sizes = (value('--sizes') ?? `${1 << 20},${1 << 24}`).split(',').map(Number);
if (!(Number.isInteger(rounds) && rounds >= 1) || !sizes.every((n) => Number.isInteger(n) && n >= 2)) {
  console.error('bench/run.mjs: --rounds needs an integer >= 1 and --sizes integers >= 2');
  process.exit(2);
}
const outFile = value('--out') ?? (quick ? undefined : join(here, 'results.md'));
/** Per task and round: time budget (ms) and minimum iterations, plus warm-up. */
const budget = (n) =>
  quick
    ? { time: 150, iterations: n > 1 << 22 ? 2 : 5, warmupTime: 50, warmupIterations: 1 }
    : n > 1 << 22
      ? { time: 600, iterations: 3, warmupTime: 100, warmupIterations: 1 }
      : { time: 300, iterations: 10, warmupTime: 100, warmupIterations: 2 };

// ---------- environment ----------
// gc() between tasks, so one task's garbage (peers that allocate 64 MB per call) is not
// collected on the next task's clock.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

function cpuModel() {
  try {
    const m = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    if (m) return m[1].trim();
  } catch {}
  return os.cpus()[0]?.model ?? 'unknown';
}

// ---------- numpy through python3 ----------
function runNumpy(ns, b) {
  if (flag('--no-numpy')) return { error: 'skipped (--no-numpy)' };
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const args = [join(here, 'numpy_bench.py'), ...ns.map(String), '--time', String(b.time / 1000), '--min-runs', String(b.iterations)];
  const r = spawnSync('python3', args, { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) return { error: `python3 not runnable (${r.error.code ?? r.error.message})` };
  if (r.status !== 0) return { error: `python3 exited ${r.status}: ${(r.stderr || '').trim().split('\n').pop()}` };
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { error: `unreadable output from numpy_bench.py: ${r.stdout.slice(0, 200)}` };
  }
}

// ---------- the tasks ----------
tf.enableProdMode(); // no debug checks, no "install tfjs-node" banner
await tf.setBackend('cpu');
await tf.ready();
const wi = await load({ seed: 1 });

/**
 * One row per task: which table it belongs to, how it is named in results.md, and a factory
 * that returns the timed function for size n. `kind`: 'ceiling' | 'wi' | 'peer'.
 */
const tasks = [
  { id: 'fill', group: 'both', kind: 'ceiling', name: '`Float32Array.fill(x)` (write ceiling, x ≠ 0)', make: (n) => { const a = new Float32Array(n); let v = 0; return () => a.fill((v += 0.5)); } },
  // fill(0) is a byte-pattern fill: V8 hands it to memset, which uses `rep stosb` (ERMS/FSRM) and
  // writes whole cache lines without reading them first. Measured here: ~2-3x any store loop,
  // zeros or not (a Uint8Array.fill(7) is as fast). No loop writing arbitrary values, JS or wasm,
  // can take that path, so it is shown for reference, not as the ceiling.
  { id: 'fill0', group: 'both', kind: 'ceiling', name: '`Float32Array.fill(0)` (memset `rep stosb` path, reference)', make: (n) => { const a = new Float32Array(n).fill(1); return () => a.fill(0); } },
  // uniform
  { id: 'wi-uniform', group: 'uniform', kind: 'wi', name: '**weightinit `uniform`** (fresh wasm tensor, freed)', make: (n) => { let s = 1; return () => wi.uniform([n], { seed: s++ }).free(); } },
  { id: 'wi-uniform-out', group: 'uniform', kind: 'wi', name: '**weightinit `uniform`** (`out`: caller Float32Array)', make: (n) => { const a = new Float32Array(n); let s = 1; return () => wi.uniform([n], { seed: s++, out: a }); } },
  { id: 'xoshiro-uniform', group: 'uniform', kind: 'peer', name: 'plain JS xoshiro128+ (24-bit floats, into array)', make: (n) => { const a = new Float32Array(n); let s = 1; return () => xoshiroUniform(a, s++); } },
  { id: 'purerand-uniform', group: 'uniform', kind: 'peer', name: 'pure-rand xoroshiro128+ `uniformFloat32` (into array)', make: (n) => { const a = new Float32Array(n); let s = 1; return () => pureRandUniform(a, s++); } },
  { id: 'math-random', group: 'uniform', kind: 'peer', name: '`Math.random` loop (into array)', make: (n) => { const a = new Float32Array(n); return () => { for (let i = 0; i < n; i++) a[i] = Math.random(); }; } },
  { id: 'tf-uniform', group: 'uniform', kind: 'peer', name: 'tfjs-core `randomUniform` (cpu backend, new tensor)', make: (n) => () => { const t = tf.randomUniform([n]); t.dataSync(); t.dispose(); } },
  // normal
  { id: 'wi-normal', group: 'normal', kind: 'wi', name: '**weightinit `normal`** (fresh wasm tensor, freed)', make: (n) => { let s = 1; return () => wi.normal([n], { seed: s++ }).free(); } },
  { id: 'wi-normal-out', group: 'normal', kind: 'wi', name: '**weightinit `normal`** (`out`: caller Float32Array)', make: (n) => { const a = new Float32Array(n); let s = 1; return () => wi.normal([n], { seed: s++, out: a }); } },
  { id: 'xoshiro-polar', group: 'normal', kind: 'peer', name: 'plain JS xoshiro128+ + polar method (into array)', make: (n) => { const a = new Float32Array(n); let s = 1; return () => xoshiroPolar(a, s++); } },
  { id: 'purerand-bm', group: 'normal', kind: 'peer', name: 'pure-rand xoroshiro128+ + Box-Muller (into array)', make: (n) => { const a = new Float32Array(n); let s = 1; return () => pureRandBoxMuller(a, s++); } },
  { id: 'stdlib-normal', group: 'normal', kind: 'peer', name: '`@stdlib/random-array-normal` (float32, new array)', make: (n) => () => stdlibNormal(n, 0, 1, { dtype: 'float32' }) },
  { id: 'tf-normal', group: 'normal', kind: 'peer', name: 'tfjs-core `randomNormal` (cpu backend, new tensor)', make: (n) => () => { const t = tf.randomNormal([n]); t.dataSync(); t.dispose(); } },
  // truncated normal on central intervals (docs/truncnormal.md: the normal stream, 4.55% of the
  // values redrawn by the float64 inverse CDF at ±2σ), compared with `wi-normal` of the same run
  { id: 'wi-trunc2', group: 'truncated', kind: 'wi', name: '**weightinit `truncatedNormal`** ±2σ (PyTorch default a = -2, b = 2)', make: (n) => { let s = 1; return () => wi.truncatedNormal([n], { seed: s++ }).free(); } },
  { id: 'wi-he-trunc', group: 'truncated', kind: 'wi', name: "**weightinit `heNormal`** `distribution: 'truncatedNormal'` ([n/1024, 1024], Keras)", make: (n) => { let s = 1; return () => wi.heNormal([n >> 10, 1024], { seed: s++, distribution: 'truncatedNormal' }).free(); } },
  { id: 'wi-trunc-tail', group: 'truncated', kind: 'wi', name: '**weightinit `truncatedNormal`** [3, 4] (far tail: the float64 inverse CDF, reference)', make: (n) => { let s = 1; return () => wi.truncatedNormal([n], { a: 3, b: 4, seed: s++ }).free(); } },
  { id: 'tf-trunc', group: 'truncated', kind: 'peer', name: 'tfjs-core `truncatedNormal` (±2σ, cpu backend, new tensor)', make: (n) => () => { const t = tf.truncatedNormal([n]); t.dataSync(); t.dispose(); } },
];
const numpyRows = [
  { id: 'np-uniform', key: 'uniform', group: 'uniform', name: 'numpy `default_rng().random(dtype=float32)` (new array)' },
  { id: 'np-uniform-out', key: 'uniform_out', group: 'uniform', name: 'numpy `random(dtype=float32, out=)` (into array)' },
  { id: 'np-normal', key: 'normal', group: 'normal', name: 'numpy `default_rng().standard_normal(dtype=float32)` (new array)' },
  { id: 'np-normal-out', key: 'normal_out', group: 'normal', name: 'numpy `standard_normal(dtype=float32, out=)` (into array)' },
  { id: 'np-truncnorm', key: 'truncnorm', group: 'truncated', name: 'scipy `truncnorm.rvs(-2, 2)` (float64, cast to float32, new array)' },
];


/** samples[n][id] = per-round median latency in ms; errors[id] = message. */
const samples = Object.fromEntries(sizes.map((n) => [n, {}]));
const errors = {};
let numpyInfo = { error: 'not run' };
const started = new Date();
const loadBefore = loadAvg();
const t0 = performance.now();

for (let r = 0; r < rounds; r++) {
  for (const n of sizes) {
    const b = budget(n);
    const bench = new Bench({ ...b, throws: false });
    // alternate the order between rounds so no task always runs right after the same one
    const order = r % 2 ? [...tasks].reverse() : tasks;
    for (const t of order) bench.add(t.id, t.make(n), { beforeAll: () => gc() });
    process.stderr.write(`round ${r + 1}/${rounds}, n = ${n}: ${tasks.length} tasks ...`);
    const done = bench.runSync();
    for (const task of done) {
      const res = task.result;
      if (res.state === 'completed') (samples[n][task.name] ??= []).push(res.latency.p50);
      else errors[task.name] = res.error?.message ?? res.state;
    }
    gc();
    process.stderr.write(' numpy ...');
    const np = runNumpy([n], b);
    if (np.error) numpyInfo = np;
    else {
      numpyInfo = np;
      for (const row of numpyRows) {
        const times = np.results[String(n)]?.[row.key];
        if (times?.length) (samples[n][row.id] ??= []).push(median(times) * 1000);
      }
    }
    process.stderr.write(` done (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
}
const elapsed = (performance.now() - t0) / 1000;
const loadAfter = loadAvg();

// ---------- other suites ----------
let orthogonalMd;
const orthoPath = join(here, 'orthogonal.mjs');
if (existsSync(orthoPath)) {
  process.stderr.write('orthogonal suite (bench/orthogonal.mjs) ...\n');
  try {
    const mod = await import(pathToFileURL(orthoPath).href);
    orthogonalMd = typeof mod.runOrthogonalBench === 'function'
      ? String(await mod.runOrthogonalBench({ quick }))
      : '_bench/orthogonal.mjs does not export `runOrthogonalBench()`; skipped._';
  } catch (err) {
    orthogonalMd = `_bench/orthogonal.mjs failed: ${String(err?.message ?? err).split('\n')[0]}_`;
  }
} else {
  orthogonalMd = '_bench/orthogonal.mjs not present yet; skipped._';
}

// ---------- presets and output types (bench/presets.mjs): paired ratios, same process ----------
let presetMd = '';
let presetTargetRows = [];
{
  process.stderr.write('presets and output types (bench/presets.mjs) ...\n');
  try {
    const mod = await import(pathToFileURL(join(here, 'presets.mjs')).href);
    const r = await mod.runPresetBench({ quick, wi, log: (s) => process.stderr.write(s + '\n') });
    presetMd = r.md;
    presetTargetRows = r.targetRows;
  } catch (err) {
    presetMd = `## Presets and output types\n\n_bench/presets.mjs failed: ${String(err?.message ?? err).split('\n')[0]}_`;
  }
}

// ---------- report ----------
const mps = (n, ms) => n / ms / 1e3; // M elements/s
const ratio = (x) => (x >= 10 ? fmt(x, 0) : x >= 1 ? fmt(x, 1) : fmt(x, 2)) + '×';

/** Throughput (M/s) of a row at size n: median over rounds, plus the rounds' range. */
function stat(n, id) {
  const s = samples[n][id];
  if (!s?.length) return undefined;
  const all = s.map((ms) => mps(n, ms));
  return { mps: mps(n, median(s)), lo: Math.min(...all), hi: Math.max(...all) };
}

const allRows = [...tasks.map((t) => ({ ...t })), ...numpyRows.map((r) => ({ ...r, kind: 'peer' }))];
function table(n, group) {
  const rows = allRows.filter((r) => r.group === group || r.group === 'both');
  const ceiling = stat(n, 'fill');
  const wiT = stat(n, `wi-${group}`);
  const wiO = stat(n, `wi-${group}-out`);
  const lines = [
    `| ${group} | M elem/s | rounds' range | % of fill | weightinit tensor is | weightinit \`out\` is |`,
    '|---|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    const s = stat(n, r.id);
    if (!s) {
      const why = r.id.startsWith('np-') ? numpyInfo.error ?? 'no result' : errors[r.id] ?? 'no result';
      lines.push(`| ${r.name} | — | | | | _${why}_ |`);
      continue;
    }
    const range = rounds > 1 ? `${fmt(s.lo)}–${fmt(s.hi)}` : '';
    const pct = ceiling ? `${fmt((100 * s.mps) / ceiling.mps, 1)}%` : '';
    const vs = (w) => (r.kind === 'peer' && w ? ratio(w.mps / s.mps) : '');
    lines.push(`| ${r.name} | ${fmt(s.mps, s.mps < 100 ? 1 : 0)} | ${range} | ${pct} | ${vs(wiT)} | ${vs(wiO)} |`);
  }
  return lines.join('\n');
}

/** The truncated-normal rows against `normal` (the tensor row) of the same round; peers against `truncatedNormal` ±2σ. */
function truncTable(n) {
  const normal = stat(n, 'wi-normal');
  const trunc = stat(n, 'wi-trunc2');
  const lines = ['| truncated normal | M elem/s | rounds\' range | vs weightinit `normal` (tensor) | weightinit `truncatedNormal` ±2σ is |', '|---|--:|--:|--:|--:|'];
  for (const r of allRows.filter((t) => t.group === 'truncated')) {
    const s = stat(n, r.id);
    if (!s) {
      const why = r.id.startsWith('np-') ? numpyInfo.error ?? numpyInfo.scipy_error ?? 'no result' : errors[r.id] ?? 'no result';
      lines.push(`| ${r.name} | — | | | _${why}_ |`);
      continue;
    }
    const range = rounds > 1 ? `${fmt(s.lo)}–${fmt(s.hi)}` : '';
    const vs = r.kind === 'peer' && trunc ? ratio(trunc.mps / s.mps) : '';
    lines.push(`| ${r.name} | ${fmt(s.mps, s.mps < 100 ? 1 : 0)} | ${range} | ${normal ? `${fmt(s.mps / normal.mps, 2)}×` : ''} | ${vs} |`);
  }
  return lines.join('\n');
}

const big = Math.max(...sizes);
function target(label, num, den, goal, unit, reference = false) {
  if (!num || !den) return `| ${label} | — | ≥ ${goal}${unit} | not measured |`;
  const v = unit === '%' ? (100 * num.mps) / den.mps : num.mps / den.mps;
  const shown = unit === '%' ? `${fmt(v, 1)}%` : `${fmt(v, v < 1 ? 2 : 1)}×`;
  const verdict = v >= goal ? 'met' : reference ? 'below (reference only)' : '**not met**';
  return `| ${label} | ${shown} | ≥ ${goal}${unit} | ${verdict} |`;
}
const targets = [
  `| target (${fmt(big)} float32, one thread) | measured | goal | |`,
  '|---|--:|--:|---|',
  target('`uniform` (tensor) vs `Float32Array.fill(x)`, the ceiling', stat(big, 'wi-uniform'), stat(big, 'fill'), 45, '%'),
  target('↳ reference: vs `Float32Array.fill(0)` (memset, not reachable by a store loop)', stat(big, 'wi-uniform'), stat(big, 'fill0'), 45, '%', true),
  target('`normal` (tensor) vs numpy `standard_normal` (new array)', stat(big, 'wi-normal'), stat(big, 'np-normal'), 5, '×'),
  target('↳ same, stricter: vs numpy `standard_normal(out=)` (no page faults)', stat(big, 'wi-normal'), stat(big, 'np-normal-out'), 5, '×'),
  target('`normal` (tensor) vs tfjs `randomNormal` (cpu)', stat(big, 'wi-normal'), stat(big, 'tf-normal'), 15, '×'),
  target('`truncatedNormal` ±2σ vs `normal` (tensors, same run)', stat(big, 'wi-trunc2'), stat(big, 'wi-normal'), 0.7, '×'),
  target('`heNormal` truncated vs `normal` (tensors, same run)', stat(big, 'wi-he-trunc'), stat(big, 'wi-normal'), 0.7, '×'),
].join('\n');

// weightinit against numpy's generator on its own ground (float32 output, one thread), and the
// presets / output types (bench/presets.mjs), appended to the targets table
const moreTargets = [
  target('`uniform` (tensor) vs numpy `random(dtype=float32)` (new array)', stat(big, 'wi-uniform'), stat(big, 'np-uniform'), 4, '×'),
  target('↳ same, stricter: vs numpy `random(dtype=float32, out=)`', stat(big, 'wi-uniform'), stat(big, 'np-uniform-out'), 4, '×'),
  target('`normal` (tensor) vs numpy `standard_normal(dtype=float32)`, stricter goal', stat(big, 'wi-normal'), stat(big, 'np-normal'), 6, '×'),
  target('↳ same vs numpy `standard_normal(dtype=float32, out=)`', stat(big, 'wi-normal'), stat(big, 'np-normal-out'), 6, '×'),
  ...presetTargetRows,
].join('\n');

const versions = [
  ['weightinit', `${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version} (commit ${git(['rev-parse', '--short', 'HEAD'])})`],
  ['node', process.version],
  ['python3 / numpy / scipy', numpyInfo.error ? numpyInfo.error : `${numpyInfo.python} / ${numpyInfo.numpy} / ${numpyInfo.scipy ?? numpyInfo.scipy_error} (OPENBLAS_NUM_THREADS=1)`],
  ...['tinybench', 'pure-rand', '@stdlib/random-array-normal', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu'].map((p) => [p, pkgVersion(p)]),
];

const sizeName = (n) => (n % (1 << 20) === 0 ? `${n >> 20}M` : fmt(n)) + ` float32 (${fmt(n)} elements)`;
const md = `# weightinit benchmark results

Generated by \`${quick ? 'node bench/run.mjs --quick' : 'node bench/run.mjs'}\`${quick ? '' : ' (part of \`npm run bench\`)'} on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC${quick ? ' (quick run: short budgets, one round — indicative only)' : ''}.
Single thread, one process for the JS rows (tinybench), numpy timed by its own loop in a python3
subprocess. Each task: warm-up, then timed calls; a row's figure is the median latency of a round,
and the median over ${rounds} round${rounds > 1 ? 's' : ''} (the range shows the rounds' spread). M elem/s = millions of
float32 values written per second. "weightinit … is" = weightinit's speed ÷ that row's speed.

## Targets
${targets}
${moreTargets}

${sizes
  .slice()
  .sort((a, b) => b - a)
  .map((n) => `## ${sizeName(n)}\n\n${table(n, 'uniform')}\n\n${table(n, 'normal')}\n\n${truncTable(n)}`)
  .join('\n\n')}

${/^\s*#/.test(orthogonalMd) ? orthogonalMd.trim() : `## Orthogonal\n${orthogonalMd}`}

${presetMd}

## Machine and versions
| | |
|---|---|
| CPU | ${cpuModel()}, ${os.cpus().length} cores (shared, noisy) |
| memory | ${fmt(os.totalmem() / 2 ** 30, 1)} GiB |
| OS | ${os.type()} ${os.release()} ${os.arch()} |
| load average (1/5/15 min) | before ${loadBefore}, after ${loadAfter} |
| run time | ${fmt(elapsed)} s |
${versions.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}

Notes: the plain-JS and pure-rand peers are in \`bench/peers/\` (written for this benchmark, both outputs of
each Box-Muller/polar pair used). "into array" rows write a preallocated Float32Array; "new array/tensor"
rows allocate per call, as weightinit's tensor rows do (in wasm memory, freed each call). tfjs runs in prod
mode on the cpu backend; its \`dataSync()\` is included. weightinit values use fresh seeds every call.
`;

if (outFile) {
  writeFileSync(outFile, md);
  process.stderr.write(`wrote ${relative(process.cwd(), outFile) || outFile}\n`);
}
process.stdout.write(md);
