// `node bench/threads.mjs [--quick] [--out FILE] [--piece N]`: the worker pool's scaling, measured.
//
//  1. 64M float32 normal and uniform fills on 1 thread (`load({ workers: 0 })`) and 2 threads
//     (`load({ workers: 1 })`: the calling thread + one worker): median of rounds, speedup.
//     Each call makes a fresh wasm tensor and frees it; the heap hands the same region back,
//     so after the warm-up no call pays page faults (nor V8's baseline tier).
//  2. The write ceiling in the same run: `Float32Array.fill(x)` over 64M floats on one thread,
//     and on two threads (this thread and a worker_thread each filling half of one
//     SharedArrayBuffer, started together through Atomics).
//  3. The cut-over: fills of 2^14 .. 2^20 elements through the kernel directly and through the
//     pool directly (the same split the engine uses, bypassing its 2^17 threshold), to see
//     where the pool starts to win and what one hand-off costs (o, the calling thread's
//     split/notify/wait overhead).
//  4. A scaling model (Amdahl with the measured serial fraction, capped by the memory
//     ceiling), checked against the 2-thread measurement, and its prediction for 4, 8, 16.
// Writes bench/results-threads.md (not with --quick unless --out is given).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { load } from '../dist/index.js';
import { engineOf, PARALLEL_MIN } from '../dist/engine/engine.js';
import { fmt, loadAvg, median, options } from './util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { flag, value } = options('threads.mjs', ['--quick', '--out', '--piece']);
const quick = flag('--quick');
const outArg = value('--out');
// --piece N: pieces of N elements for every fill (default: the pool's own choice, src/engine/pool.ts PIECE)
const pieceArg = flag('--piece') ? Number(value('--piece')) : undefined;
const outFile = outArg ?? (quick ? undefined : join(here, 'results-threads.md'));

const N = quick ? 1 << 24 : 1 << 26; // 64M float32 = 256 MB (quick: 16M)
const ROUNDS = quick ? 3 : 9;
const CUT_ROUNDS = quick ? 5 : 15;
const log = (s) => process.stderr.write(s);

const loadBefore = loadAvg();
const started = new Date();
const t00 = performance.now();

const wi1 = await load({ seed: 1, workers: 0 });
const wi2 = await load({ seed: 1, workers: 1 });
if (wi2.threads !== 2) {
  console.error(`bench/threads.mjs: load({ workers: 1 }) gave ${wi2.threads} thread(s); no pool to measure here`);
  process.exit(1);
}
if (pieceArg !== undefined) engineOf(wi2).pool.piece = engineOf(wi2).pool.pieceMin = pieceArg;
const pieceText = pieceArg !== undefined ? `pieces of ${fmt(pieceArg)} elements` : `pieces of about n / 16 elements, ${fmt(engineOf(wi2).pool.pieceMin)} to ${fmt(engineOf(wi2).pool.piece)}`;

// ---------- 1 and 2: 64M fills, 1 vs 2 threads, and the ceiling ----------
/** ms of one call. */
function once(f) {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}
let seed = 1;
const fills = {
  normal: (wi) => () => wi.normal([N], { seed: seed++ }).free(),
  uniform: (wi) => () => wi.uniform([N], { seed: seed++ }).free(),
};

// the 2-thread controls, without weightinit: a worker_thread that on request either fills its
// half of a shared Float32Array (the write ceiling) or runs half of a chain of dependent integer
// ops (pure ALU work: its 2-thread speedup is how many cores the machine really gave this
// process during the run, whatever the load average says)
const CHAIN = quick ? 1 << 24 : 1 << 26; // iterations of 8 dependent ops
const CHAIN_SRC = `function chain(iters) {
  let x = 1;
  for (let i = 0; i < iters; i++) { x = (x + i) | 0; x ^= i; x = (x + i) | 0; x ^= i; x = (x + i) | 0; x ^= i; x = (x + i) | 0; x ^= i; }
  return x;
}`;
const chain = new Function(`${CHAIN_SRC}; return chain;`)();
const shared = new Float32Array(new SharedArrayBuffer(N * 4));
const ctl = new Int32Array(new SharedArrayBuffer(16)); // [0]: generation to run, [1]: generation done, [2]: 1 fill, 2 chain, [3]: sink
const helper = new Worker(
  `const { workerData } = require('node:worker_threads');
   ${CHAIN_SRC}
   const a = new Float32Array(workerData.buf, workerData.from * 4, workerData.count);
   const ctl = new Int32Array(workerData.ctl);
   let gen = 0, v = 0;
   for (;;) {
     Atomics.wait(ctl, 0, gen);
     gen = Atomics.load(ctl, 0);
     if (gen < 0) break;
     if (ctl[2] === 1) a.fill((v += 0.5));
     else ctl[3] ^= chain(workerData.chain / 2);
     Atomics.store(ctl, 1, gen);
     Atomics.notify(ctl, 1);
   }`,
  { eval: true, workerData: { buf: shared.buffer, ctl: ctl.buffer, from: N / 2, count: N / 2, chain: CHAIN } },
);
const half = shared.subarray(0, N / 2);
let gen = 0;
let fv = 0;
let sink = 0;
const both = (what, mine) => {
  gen++;
  ctl[2] = what;
  Atomics.store(ctl, 0, gen);
  Atomics.notify(ctl, 0);
  mine();
  while (Atomics.load(ctl, 1) !== gen) Atomics.wait(ctl, 1, gen - 1, 1000);
};
const fill2 = () => both(1, () => half.fill((fv += 0.5)));
const own1 = new Float32Array(N);
const fill1 = () => own1.fill((fv += 0.5));
const alu1 = () => { sink ^= chain(CHAIN); };
const alu2 = () => both(2, () => { sink ^= chain(CHAIN / 2); });
const big = {};
const tasks = [
  ['alu1', alu1],
  ['alu2', alu2],
  ['fill1', fill1],
  ['fill2', fill2],
  ['normal1', fills.normal(wi1)],
  ['normal2', fills.normal(wi2)],
  ['uniform1', fills.uniform(wi1)],
  ['uniform2', fills.uniform(wi2)],
];
log(`threads: ${fmt(N)} elements, warm-up ...`);
for (let w = 0; w < 2; w++) for (const [, f] of tasks) f();
for (const [id] of tasks) big[id] = [];
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 ? [...tasks].reverse() : tasks;
  for (const [id, f] of order) big[id].push(once(f));
  log(` ${r + 1}`);
}
log('\n');
Atomics.store(ctl, 0, -1);
Atomics.notify(ctl, 0);
await helper.terminate();

const mps = (id) => N / median(big[id]) / 1e3;
const rangeOf = (id) => {
  const all = big[id].map((ms) => N / ms / 1e3);
  return `${fmt(Math.min(...all))}–${fmt(Math.max(...all))}`;
};

// ---------- 3: the cut-over, through the pool directly ----------
const e2 = engineOf(wi2);
const pool = e2.pool;
const maxCut = 1 << 20;
const region = e2.heap.alloc(maxCut * 4, 'bench/threads.mjs cut-over region');
const key = { lo: 12345, hi: 0 };
const kernels = { normal: e2.normalKernel(0, 1), uniform: e2.uniformKernel(0, 1) };
/** A fill of [0, n) at `region` through the pool, as the engine makes one (src/engine/engine.ts #parallel): pieces taken in turn. */
function pooled(kernel, n) {
  pool.run(kernel.remote, 0, key, { dst: region, start: 0, end: n, bytes: 4 }, (d, s, c) => kernel(d, s, c, key));
}
const cutSizes = [];
for (let n = 1 << 14; n <= maxCut; n *= 2) cutSizes.push(n);
const cut = {};
log('cut-over:');
for (const dist of ['normal', 'uniform']) {
  const k = kernels[dist];
  cut[dist] = [];
  for (const n of cutSizes) {
    const reps = Math.max(1, Math.round((1 << 22) / n)); // ~4M elements per batch
    const one = () => { for (let i = 0; i < reps; i++) k(region, 0, n, key); };
    const two = () => { for (let i = 0; i < reps; i++) pooled(k, n); };
    one(); two(); one(); two();
    const t1 = [];
    const t2 = [];
    for (let r = 0; r < CUT_ROUNDS; r++) {
      if (r % 2) { t2.push(once(two) / reps); t1.push(once(one) / reps); }
      else { t1.push(once(one) / reps); t2.push(once(two) / reps); }
    }
    const a = median(t1);
    const b = median(t2);
    cut[dist].push({ n, one: a * 1000, two: b * 1000, speedup: a / b, overhead: (b - a / 2) * 1000 });
    log(` ${dist} 2^${Math.log2(n)}`);
  }
}
log('\n');
e2.heap.free(region);
wi2.close();
const loadAfter = loadAvg();
const elapsed = (performance.now() - t00) / 1000;

// ---------- 4: the model ----------
const fillCeil = Math.max(mps('fill1'), mps('fill2'));
const aluRate = (id) => CHAIN / median(big[id]) / 1e3; // M iterations/s
const aluS2 = median(big.alu1) / median(big.alu2);
function model(dist) {
  const r1 = mps(`${dist}1`);
  const r2 = mps(`${dist}2`);
  const s2 = r2 / r1;
  const t1ms = N / r1 / 1e3; // one thread, ms per 64M call
  // o: the pool's fixed cost per call (split, notify, the worker's wake-up, wait), from the
  // small sizes where it dominates: t_pool(n) - t_1(n)/2, median over 2^14..2^16
  const small = cut[dist].filter((c) => c.n <= 1 << 16).map((c) => c.overhead);
  const o = median(small); // µs, one worker
  const sCall = o / 1000 / t1ms; // serial fraction from the hand-off alone
  const sEff = Math.min(1, Math.max(0, 2 / s2 - 1)); // serial fraction that explains the measured 2-thread speedup (1 when there was none)
  const amdahl = (s, p) => 1 / (s + (1 - s) / p);
  const cap = fillCeil / r1; // the ceiling as a speedup
  const predict = (p) => {
    // the hand-off cost grows with the workers notified and waited for: o·(p − 1)
    const sp = Math.min((o / 1000) * (p - 1) / t1ms, 1);
    const callOnly = 1 / (sp + (1 - sp) / p);
    return { p, callOnly, eff: amdahl(sEff, p), capped: Math.min(callOnly, cap) };
  };
  // where the pool starts to win: the smallest size from which every larger measured size is faster with it
  let winFrom;
  for (let i = cut[dist].length - 1; i >= 0 && cut[dist][i].speedup > 1; i--) winFrom = cut[dist][i].n;
  return { dist, r1, r2, s2, t1ms, o, sCall, sEff, cap, predict: [2, 4, 8, 16].map(predict), winFrom };
}
const models = ['normal', 'uniform'].map(model);

// ---------- report ----------
const p2 = (n) => `2^${Math.log2(n)} (${fmt(n)})`;
const ratio = (x) => `${fmt(x, 2)}×`;
const md = `# weightinit worker pool: scaling

Generated by \`${quick ? 'node bench/threads.mjs --quick' : 'node bench/threads.mjs'}\` on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC${quick ? ' (quick: 16M elements, 3 rounds — indicative only)' : ''}.
${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores (shared with other work), Node ${process.version}.
Load average (1/5/15 min): before ${loadBefore}, after ${loadAfter}. Run time ${fmt(elapsed)} s.

## ${fmt(N / 2 ** 20)}M float32, 1 thread vs 2 threads

Each call: a fresh wasm tensor, freed (same region every call, no page faults after the warm-up);
1 thread = \`load({ seed: 1, workers: 0 })\`, 2 threads = \`load({ seed: 1, workers: 1 })\` (the calling
thread and the worker take ${pieceText} in turn, then it waits with \`Atomics.wait\`). Median of ${ROUNDS} rounds, order alternating.

| fill | 1 thread M elem/s | 2 threads M elem/s | speedup | goal | |
|---|--:|--:|--:|--:|---|
${models.map((m) => `| \`${m.dist}\` | ${fmt(m.r1)} (${rangeOf(`${m.dist}1`)}) | ${fmt(m.r2)} (${rangeOf(`${m.dist}2`)}) | **${ratio(m.s2)}** | ≥ 1.8× | ${m.s2 >= 1.8 ? 'met' : '**not met**'} |`).join('\n')}
| \`Float32Array.fill(x)\` (write ceiling) | ${fmt(mps('fill1'))} (${rangeOf('fill1')}) | ${fmt(mps('fill2'))} (${rangeOf('fill2')}) | ${ratio(mps('fill2') / mps('fill1'))} | | |
| control: dependent integer chain, no memory (M ops/s ÷ 8) | ${fmt(aluRate('alu1'))} | ${fmt(aluRate('alu2'))} | **${ratio(aluS2)}** | | |

The control row is plain JS on plain threads (no weightinit): its 2-thread speedup is the number of
cores this process actually got during the run. ${aluS2 < 1.8 ? `At ${ratio(aluS2)} the second core was mostly taken by other work (load average ${loadBefore} before the run on ${os.cpus().length} cores), so the 2-thread rows measure the machine's load more than the pool.` : 'Both cores were available.'}
Pool efficiency = pool speedup ÷ control speedup: normal ${fmt((100 * models[0].s2) / aluS2, 0)}%, uniform ${fmt((100 * models[1].s2) / aluS2, 0)}%.

The 2-thread ceiling is this thread and a worker_thread each filling half of one SharedArrayBuffer.
normal at 2 threads is ${fmt((100 * models[0].r2) / fillCeil, 1)}% of the higher ceiling (${fmt(fillCeil)} M/s), uniform ${fmt((100 * models[1].r2) / fillCeil, 1)}%.

## Cut-over: where the pool starts to win

The kernel called directly on one thread vs the same fill split through the pool (the engine's
split, called directly so sizes below its threshold are measurable), both into one wasm region;
µs per call, median of ${CUT_ROUNDS} batches of ≈4M elements each. "hand-off" = t(pool) − t(1 thread)/2:
what splitting, notifying, the worker's wake-up and the wait add to a perfect halving.

| elements | normal 1 thr µs | normal pool µs | speedup | hand-off µs | uniform 1 thr µs | uniform pool µs | speedup | hand-off µs |
|---|--:|--:|--:|--:|--:|--:|--:|--:|
${cutSizes.map((n, i) => { const a = cut.normal[i]; const b = cut.uniform[i]; return `| ${p2(n)}${n === PARALLEL_MIN ? ' ← threshold' : ''} | ${fmt(a.one, 1)} | ${fmt(a.two, 1)} | ${ratio(a.speedup)} | ${fmt(a.overhead, 1)} | ${fmt(b.one, 1)} | ${fmt(b.two, 1)} | ${ratio(b.speedup)} | ${fmt(b.overhead, 1)} |`; }).join('\n')}

${models.map((m) => `- \`${m.dist}\`: the pool wins from ${m.winFrom === undefined ? '— (never, in this run)' : p2(m.winFrom)} on; the engine's threshold is ${p2(PARALLEL_MIN)}.`).join('\n')}
${(() => {
  const verdicts = models.map((m) => (m.winFrom === undefined ? 'no win measured' : m.winFrom <= PARALLEL_MIN ? (m.winFrom < PARALLEL_MIN ? `pool wins ${Math.log2(PARALLEL_MIN / m.winFrom)} octave(s) below it` : 'pool wins exactly from it') : `pool wins only from ${Math.log2(m.winFrom / PARALLEL_MIN)} octave(s) above it`));
  return `- The threshold against this run: normal — ${verdicts[0]}; uniform — ${verdicts[1]}. A threshold at or a little above the first winning size is right: just past the cut-over the gain is small and a loaded core's wake-up latency can turn it into a loss.`;
})()}

## Scaling model

Amdahl: S(p) = 1 / (s + (1 − s)/p), capped by the write ceiling (fill rate ÷ 1-thread rate: no
fill can beat the memory's write bandwidth). Two serial fractions:
- s_call = o / t₁: only the pool's hand-off o (median hand-off at 2^14..2^16 above) against the
  ${fmt(N / 2 ** 20)}M call's one-thread time t₁; for p threads the hand-off is taken as o·(p − 1) (one notify and one wait per worker).
- s_eff = 2/S(2) − 1: the fraction that explains the measured 2-thread speedup (hand-off plus what the
  run really shared: memory bandwidth, caches, and on this machine other processes on the same 2 cores).

| fill | o µs | t₁ ms | s_call | S(2) predicted from s_call | S(2) measured | s_eff | ceiling as speedup |
|---|--:|--:|--:|--:|--:|--:|--:|
${models.map((m) => `| \`${m.dist}\` | ${fmt(m.o, 1)} | ${fmt(m.t1ms, 1)} | ${m.sCall.toExponential(1)} | ${ratio(m.predict[0].callOnly)} | ${ratio(m.s2)} | ${fmt(m.sEff, 3)} | ${ratio(m.cap)} |`).join('\n')}

Predicted speedup at p threads — hand-off only (s_call) / what this run's s_eff would give / **the forecast: s_call capped by the write ceiling measured here**:

| fill | p = 2 | p = 4 | p = 8 | p = 16 |
|---|--:|--:|--:|--:|
${models.map((m) => `| \`${m.dist}\` | ${m.predict.map((q) => `${fmt(q.callOnly, 2)} / ${fmt(q.eff, 2)} / **${fmt(q.capped, 2)}**`).join(' | ')} |`).join('\n')}

Check against 2 cores: ${models.map((m) => `${m.dist} — the hand-off alone predicts ${ratio(m.predict[0].callOnly)}; on the ${fmt(aluS2, 2)} cores the control shows were available, ${ratio(1 / (m.sCall + (1 - m.sCall) / aluS2))}; measured ${ratio(m.s2)}`).join('; ')}.
The hand-off is a negligible part of a ${fmt(N / 2 ** 20)}M call, so what is lost at 2 threads is not the pool's
bookkeeping but what the threads share (cores, memory); the bold figure is the forecast for an idle machine
like this one: normal (arithmetic-bound, ${fmt((100 * models[0].r1) / fillCeil, 0)}% of the ceiling on one thread) keeps scaling until
${fmt(models[0].cap, 1)}× one thread; uniform (${fmt((100 * models[1].r1) / fillCeil, 0)}% of the ceiling on one thread) hits the write ceiling at about ${fmt(models[1].cap, 1)}×.
On a machine with more cores the ceiling is its own fill rate with all cores writing (measure it there);
s_eff measured on a loaded 2-core machine overstates the serial fraction of an idle one.
`;

if (outFile) {
  writeFileSync(outFile, md);
  log(`wrote ${relative(process.cwd(), outFile) || outFile}\n`);
}
if (sink === 0.5) log('');
process.stdout.write(md);
