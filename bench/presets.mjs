// Presets and output types against their bare distributions, measured as paired ratios in one
// process: bench/run.mjs imports runPresetBench(); `node bench/presets.mjs [--quick]` prints it.
//
// Every comparison is a pair (bare, variant) of fills of the same size, each call a fresh wasm
// tensor freed right after (the heap hands the same region back, so no page faults after the
// warm-up). A round times both members (order alternating between rounds) and records
// variant / bare; the figure is the median of the rounds' ratios, which cancels most of the
// drift a loaded machine adds between rounds.
//
// Goals: a preset costs at most 5% more than the bare call it reduces to (its std/bound
// computation and option reading are per call, not per element); float16 / bfloat16 output
// within 10% of float32 (the kernels write the halves, a block at a time from L1); float64 is shown
// (twice the bytes written) without a goal.
import { pathToFileURL } from 'node:url';
import { median } from './util.mjs';

const ROWS = 4096;
const COLS = 4096; // [4096, 4096]: 16M elements, fanIn = fanOut = 4096
const N = ROWS * COLS;
const TRUNC = 0.87962566103423978; // std of a standard normal truncated to (-2, 2), Keras/JAX

/** The pairs: [label, bare(wi, seed), variant(wi, seed), goal (max slowdown, fraction) | undefined]. */
function pairs() {
  const shape = [ROWS, COLS];
  const flat = [N];
  const heStd = Math.sqrt(2 / COLS);
  const glorotStd = Math.sqrt(2 / (ROWS + COLS));
  const lecunStd = Math.sqrt(1 / COLS);
  const tStd = (scale) => Math.sqrt(scale) / TRUNC;
  const normal = (std) => (wi, seed) => wi.normal(flat, { seed, std }).free();
  const uniform = (limit) => (wi, seed) => wi.uniform(flat, { seed, low: -limit, high: limit }).free();
  const trunc = (std) => (wi, seed) => wi.truncatedNormal(flat, { seed, std, a: -2 * std, b: 2 * std }).free();
  const preset = (name, o) => (wi, seed) => wi[name](shape, { seed, ...o }).free();
  const P = 0.05;
  const H = 0.1;
  return [
    { group: 'preset', label: '`heNormal` vs `normal` (same std)', bare: normal(heStd), variant: preset('heNormal', {}), goal: P },
    { group: 'preset', label: '`heUniform` vs `uniform` (same bound)', bare: uniform(Math.sqrt(6 / COLS)), variant: preset('heUniform', {}), goal: P },
    { group: 'preset', label: '`glorotNormal` vs `normal`', bare: normal(glorotStd), variant: preset('glorotNormal', {}), goal: P },
    { group: 'preset', label: '`glorotUniform` vs `uniform`', bare: uniform(Math.sqrt(6 / (ROWS + COLS))), variant: preset('glorotUniform', {}), goal: P },
    { group: 'preset', label: '`lecunNormal` vs `normal`', bare: normal(lecunStd), variant: preset('lecunNormal', {}), goal: P },
    { group: 'preset', label: '`lecunUniform` vs `uniform`', bare: uniform(Math.sqrt(3 / COLS)), variant: preset('lecunUniform', {}), goal: P },
    { group: 'preset', label: "`heNormal({ distribution: 'truncatedNormal' })` vs `truncatedNormal` ±2σ", bare: trunc(tStd(2 / COLS)), variant: preset('heNormal', { distribution: 'truncatedNormal' }), goal: P },
    { group: 'preset', label: "`glorotNormal({ distribution: 'truncatedNormal' })` vs `truncatedNormal` ±2σ", bare: trunc(tStd(2 / (ROWS + COLS))), variant: preset('glorotNormal', { distribution: 'truncatedNormal' }), goal: P },
    { group: 'preset', label: "`lecunNormal({ distribution: 'truncatedNormal' })` vs `truncatedNormal` ±2σ", bare: trunc(tStd(1 / COLS)), variant: preset('lecunNormal', { distribution: 'truncatedNormal' }), goal: P },
    { group: 'dtype', label: "`normal` `dtype: 'float16'` vs float32", bare: normal(1), variant: (wi, seed) => wi.normal(flat, { seed, dtype: 'float16' }).free(), goal: H },
    { group: 'dtype', label: "`normal` `dtype: 'bfloat16'` vs float32", bare: normal(1), variant: (wi, seed) => wi.normal(flat, { seed, dtype: 'bfloat16' }).free(), goal: H },
    { group: 'dtype', label: "`normal` `dtype: 'float64'` vs float32 (2× the bytes)", bare: normal(1), variant: (wi, seed) => wi.normal(flat, { seed, dtype: 'float64' }).free(), goal: undefined },
    { group: 'dtype', label: "`uniform` `dtype: 'float16'` vs float32", bare: uniform(1), variant: (wi, seed) => wi.uniform(flat, { seed, low: -1, high: 1, dtype: 'float16' }).free(), goal: H },
    { group: 'dtype', label: "`uniform` `dtype: 'bfloat16'` vs float32", bare: uniform(1), variant: (wi, seed) => wi.uniform(flat, { seed, low: -1, high: 1, dtype: 'bfloat16' }).free(), goal: H },
    { group: 'dtype', label: "`uniform` `dtype: 'float64'` vs float32 (2× the bytes)", bare: uniform(1), variant: (wi, seed) => wi.uniform(flat, { seed, low: -1, high: 1, dtype: 'float64' }).free(), goal: undefined },
    { group: 'dtype', label: "`truncatedNormal` ±2σ `dtype: 'float16'` vs float32", bare: trunc(1), variant: (wi, seed) => wi.truncatedNormal(flat, { seed, std: 1, a: -2, b: 2, dtype: 'float16' }).free(), goal: H },
    { group: 'dtype', label: "`truncatedNormal` ±2σ `dtype: 'bfloat16'` vs float32", bare: trunc(1), variant: (wi, seed) => wi.truncatedNormal(flat, { seed, std: 1, a: -2, b: 2, dtype: 'bfloat16' }).free(), goal: H },
    { group: 'dtype', label: "`heUniform` `dtype: 'float16'` vs float32", bare: preset('heUniform', {}), variant: preset('heUniform', { dtype: 'float16' }), goal: H },
    { group: 'dtype', label: "`heUniform` `dtype: 'bfloat16'` vs float32", bare: preset('heUniform', {}), variant: preset('heUniform', { dtype: 'bfloat16' }), goal: H },
  ];
}

/** Median ms of `k` calls of f (fresh seeds). */
function time(f, wi, k, seed) {
  const ts = [];
  for (let i = 0; i < k; i++) {
    const t0 = performance.now();
    f(wi, seed.next++);
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/**
 * Measures every pair. Returns { results: [{ ...pair, bareMps, variantMps, ratio, lo, hi }], n, rounds }.
 * quick: 3 rounds of 1 call per member; full: 9 rounds of 3 calls.
 */
export async function measurePresets({ quick = false, wi, log = () => {} } = {}) {
  if (wi === undefined) {
    const { load } = await import('../dist/index.js');
    wi = await load({ seed: 1 });
  }
  const rounds = quick ? 3 : 9;
  const k = quick ? 1 : 3;
  const seed = { next: 1 };
  const results = [];
  for (const p of pairs()) {
    log(`  ${p.label.replace(/`/g, '')} ...`);
    for (let w = 0; w < 2; w++) {
      // warm-up: baseline tier, first-touch of the tensor's pages
      p.bare(wi, seed.next++);
      p.variant(wi, seed.next++);
    }
    const ratios = [];
    const bareMs = [];
    const varMs = [];
    for (let r = 0; r < rounds; r++) {
      let b;
      let v;
      if (r % 2) {
        v = time(p.variant, wi, k, seed);
        b = time(p.bare, wi, k, seed);
      } else {
        b = time(p.bare, wi, k, seed);
        v = time(p.variant, wi, k, seed);
      }
      bareMs.push(b);
      varMs.push(v);
      ratios.push(v / b);
    }
    results.push({
      ...p,
      bareMps: N / median(bareMs) / 1e3,
      variantMps: N / median(varMs) / 1e3,
      ratio: median(ratios),
      lo: Math.min(...ratios),
      hi: Math.max(...ratios),
    });
  }
  return { results, n: N, rounds, k };
}

const pct = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}%`;
const f0 = (x) => x.toLocaleString('en-US', { maximumFractionDigits: x < 100 ? 1 : 0 });

/** Target rows (| label | measured | goal | met |) for the results' targets table. */
export function presetTargetRows(m) {
  return m.results.map((r) => {
    const slow = r.ratio - 1;
    const goal = r.goal === undefined ? 'reference' : `≤ +${Math.round(100 * r.goal)}% time`;
    const met = r.goal === undefined ? '' : slow <= r.goal ? 'met' : '**not met**';
    return `| ${r.label} | ${pct(slow)} time | ${goal} | ${met} |`;
  });
}

/** The detail table: both members' throughput and the rounds' spread of the ratio. */
export function presetDetail(m) {
  const lines = [
    `Pairs of 16M-element fills (shape [${ROWS}, ${COLS}] for presets, flat [${N}] for the bare calls), each a fresh wasm tensor freed after the call;`,
    `${m.rounds} rounds of ${m.k} call${m.k > 1 ? 's' : ''} per member, order alternating; "time" = median over rounds of (variant ms ÷ bare ms) − 1.`,
    '',
    '| pair | bare M elem/s | variant M elem/s | time vs bare | rounds\' range |',
    '|---|--:|--:|--:|--:|',
    ...m.results.map((r) => `| ${r.label} | ${f0(r.bareMps)} | ${f0(r.variantMps)} | ${pct(r.ratio - 1)} | ${pct(r.lo - 1)} … ${pct(r.hi - 1)} |`),
  ];
  return lines.join('\n');
}

/** For bench/run.mjs: measures and returns { targetRows, md }. */
export async function runPresetBench(opts = {}) {
  const m = await measurePresets(opts);
  return { measured: m, targetRows: presetTargetRows(m), md: `## Presets and output types\n\n${presetDetail(m)}` };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const r = await runPresetBench({ quick, log: (s) => process.stderr.write(s + '\n') });
  console.log(['| target | measured | goal | met |', '|---|--:|--:|---|', ...r.targetRows].join('\n'));
  console.log('\n' + r.md);
}
