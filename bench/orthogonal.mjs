// Orthogonal initialization: weightinit (wasm BCGS2; one thread, and on every core with
// workers: 'auto') against numpy (float32 QR, one OpenBLAS thread) and tfjs-layers `orthogonal`
// (wasm backend), measured in the same run. Not a test.
//
//   npm run build && node bench/orthogonal.mjs          full run, writes bench/results-orthogonal.md
//   node bench/orthogonal.mjs --quick                   fewer iterations, prints only
//   options: --no-numpy  --no-tfjs  --sizes 256x256,1024x4096
//
// bench/run.mjs (the main runner) calls `runOrthogonalBench()` and gets the markdown back.
//
// What each row times, per call:
//   weightinit  wi.orthogonal([rows, cols], { seed }): the normal([k, n]) draw, BCGS2, the
//               transpose for tall shapes, allocation and free.
//   numpy       default_rng().standard_normal((rows, cols), float32); QR of it (of its
//               transpose when wide); Q times sign(diag(R)) — the PyTorch recipe.
//   tfjs        tf.initializers.orthogonal({ seed }).apply([rows, cols]) on the wasm backend
//               (QR by Householder in tfjs ops), dataSync() to finish.
// GFLOP/s: nominal classical Gram-Schmidt with re-orthogonalisation, 2 passes x 2·m·n² flops
// (m = max(rows, cols), n = min(rows, cols); one pass = n²m/2 dot products' multiply-adds plus
// as many in the axpy updates). weightinit skips the second pass where it is provably not needed
// (docs/orthogonal.md), so its figure is an effective rate; numpy's and tfjs's use the same
// count, so every GFLOP/s column is "4·m·n² / time", comparable across rows.
// Orthogonality error: max |QᵀQ - I| (or QQᵀ for wide) of the returned float32 matrix, in float64.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { load } from '../dist/index.js';
import { git, median, options, pkgVersion } from './util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const DEFAULT_SIZES = [[256, 256], [512, 512], [1024, 1024], [2048, 2048], [4096, 1024], [1024, 4096]];
const TFJS_SIZES = new Set(['256x256', '512x512']);

const NUMPY = String.raw`
import json, sys, time
import numpy as np
sizes = json.loads(sys.argv[1]); reps = int(sys.argv[2]); errfile = sys.argv[3]
rng = np.random.default_rng(1)
def orth(m, n):
    a = rng.standard_normal((m, n), dtype=np.float32)
    t = a.T if m < n else a
    q, r = np.linalg.qr(t)
    q *= np.sign(np.diag(r))
    return q.T if m < n else q
def err(q):
    q = q.astype(np.float64)
    g = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
    return float(np.abs(g - np.eye(g.shape[0])).max())
out = {'version': np.__version__, 'blas': '', 'results': {}}
try:
    cfg = np.show_config(mode='dicts')
    b = cfg['Build Dependencies']['blas']
    out['blas'] = '%s %s' % (b.get('name', ''), b.get('version', ''))
except Exception:
    pass
for (m, n) in sizes:
    orth(m, n)  # warm-up
    times = []
    for _ in range(reps if m * n <= 1 << 20 else max(2, reps // 2)):
        t0 = time.perf_counter(); q = orth(m, n); times.append(time.perf_counter() - t0)
    times.sort()
    out['results']['%dx%d' % (m, n)] = {'median_ms': times[len(times) // 2] * 1e3, 'min_ms': times[0] * 1e3, 'err': err(q)}
# orthogonality error of weightinit's matrices, written by the caller as raw float32
for line in open(errfile).read().split():
    path, m, n = line.split(',')
    q = np.fromfile(path, dtype=np.float32).reshape(int(m), int(n))
    out['results'].setdefault('%sx%s' % (m, n), {})['wi_err'] = err(q)
print(json.dumps(out))
`;


const fmt = (x, d = 1) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const flops = (r, c) => {
  const m = Math.max(r, c);
  const n = Math.min(r, c);
  return 4 * m * n * n;
};

/** Median latency (ms) of fn under tinybench with the given budget. */
async function timeIt(name, fn, opts) {
  const bench = new Bench({ time: opts.time, iterations: opts.iterations, warmupTime: opts.warmupTime, warmupIterations: opts.warmupIterations });
  bench.add(name, fn);
  await bench.run();
  const res = bench.tasks[0].result;
  if (res.state !== 'completed') throw new Error(`${name}: ${res.error ?? res.state}`);
  return { median: res.latency.p50, min: res.latency.min, samples: res.latency.samplesCount ?? res.latency.samples?.length };
}

async function tfjsBench(sizes, budget, log) {
  const out = {};
  let tf;
  let prev;
  try {
    tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-wasm');
    const layers = await import('@tensorflow/tfjs-layers');
    // tfjs-layers calls chained tensor methods (t.flatten(), t.sign(), ...) that only the
    // @tensorflow/tfjs union package registers; register the few it needs on tfjs-core's class.
    const T = tf.Tensor.prototype;
    T.flatten ??= function () {
      return tf.reshape(this, [this.size]);
    };
    for (const op of ['stridedSlice', 'sign', 'transpose', 'reshape']) {
      T[op] ??= function (...args) {
        return tf[op](this, ...args);
      };
    }
    prev = tf.getBackend();
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('tf.setBackend("wasm") failed');
    await tf.ready();
    const warn = console.warn;
    console.warn = () => {}; // "Orthogonal initializer is being called on a matrix with more than 2000 elements"
    try {
      for (const [r, c] of sizes) {
        const key = `${r}x${c}`;
        if (!TFJS_SIZES.has(key)) continue;
        log(`tfjs ${key} ...`);
        let last;
        const run = () => {
          last?.dispose();
          const t = layers.initializers.orthogonal({ gain: 1, seed: 7 }).apply([r, c]);
          t.dataSync();
          last = t;
        };
        const t = await timeIt(`tfjs ${key}`, run, { time: 0, iterations: budget.tfjsIterations, warmupTime: 0, warmupIterations: 1 });
        const q = last.dataSync();
        out[key] = { ...t, err: orthError(q, r, c) };
        last.dispose();
      }
    } finally {
      console.warn = warn;
    }
  } catch (e) {
    out.error = String(e?.message ?? e);
  } finally {
    if (tf && prev && prev !== 'wasm') await tf.setBackend(prev);
  }
  return out;
}

/** max |QᵀQ - I| in float64, plain JS (used for the small tfjs matrices only). */
function orthError(q, rows, cols) {
  const tall = rows >= cols;
  const k = tall ? cols : rows;
  const n = tall ? rows : cols;
  const at = (v, x) => (tall ? q[x * cols + v] : q[v * cols + x]);
  let e = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let x = 0; x < n; x++) s += at(i, x) * at(j, x);
      e = Math.max(e, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return e;
}

/**
 * Runs the orthogonal benchmark and returns its markdown section.
 * @param {{ quick?: boolean, numpy?: boolean, tfjs?: boolean, sizes?: number[][], log?: (s: string) => void }} [opts]
 */
export async function runOrthogonalBench(opts = {}) {
  const quick = opts.quick ?? false;
  const sizes = opts.sizes ?? DEFAULT_SIZES;
  const log = opts.log ?? ((s) => process.stderr.write(`${s}\n`));
  const budget = quick
    ? { small: { time: 200, iterations: 5 }, large: { time: 0, iterations: 2 }, numpyReps: 3, tfjsIterations: 1, rounds: 1 }
    : { small: { time: 500, iterations: 7 }, large: { time: 0, iterations: 3 }, numpyReps: 5, tfjsIterations: 3, rounds: 3 };

  const wi = await load({ seed: 1 });
  // the same on every core: the projections shared with a worker pool (same bits, tested)
  const wiPool = await load({ seed: 1, workers: 'auto' });
  const threads = wiPool.threads;
  const tmp = mkdtempSync(join(os.tmpdir(), 'wi-orth-'));
  const ours = {};
  const pooled = {};
  const np = { results: {} };
  const errList = [];
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const python = (sizesArg, reps, errfile) => {
    const p = spawnSync('python3', ['-c', NUMPY, JSON.stringify(sizesArg), String(reps), errfile], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (p.status === 0) return JSON.parse(p.stdout);
    np.error = (p.stderr || p.error?.message || 'python3 failed').trim().split('\n').slice(-1)[0];
    return undefined;
  };
  const emptyList = join(tmp, 'empty.txt');
  writeFileSync(emptyList, '');
  try {
    // The machine may be shared: each size alternates weightinit and numpy for `rounds` rounds,
    // so both sides see the same background load; a figure is the median of the rounds' medians.
    for (const [r, c] of sizes) {
      const key = `${r}x${c}`;
      const big = r * c > 1 << 20;
      const b = big ? budget.large : budget.small;
      const oursRounds = [];
      const poolRounds = [];
      const npRounds = [];
      for (let round = 0; round < budget.rounds; round++) {
        log(`weightinit ${key} (round ${round + 1}/${budget.rounds}) ...`);
        let seed = 0;
        const t = await timeIt(`weightinit ${key}`, () => wi.orthogonal([r, c], { seed: seed++ }).free(), { ...b, warmupTime: 0, warmupIterations: 2 });
        oursRounds.push(t.median);
        if (threads > 1) {
          log(`weightinit ${key}, ${threads} threads (round ${round + 1}/${budget.rounds}) ...`);
          const tp = await timeIt(`weightinit ${key} pool`, () => wiPool.orthogonal([r, c], { seed: seed++ }).free(), { ...b, warmupTime: 0, warmupIterations: 2 });
          poolRounds.push(tp.median);
        }
        if (opts.numpy !== false && !np.error) {
          log(`numpy ${key} (round ${round + 1}/${budget.rounds}) ...`);
          const res = python([[r, c]], budget.numpyReps, emptyList);
          if (res) {
            np.version = res.version;
            np.blas = res.blas;
            npRounds.push(res.results[key].median_ms);
            np.results[key] = { ...np.results[key], err: res.results[key].err };
          }
        }
      }
      ours[key] = { median: median(oursRounds), rounds: oursRounds };
      if (poolRounds.length) pooled[key] = { median: median(poolRounds) };
      if (npRounds.length) np.results[key].median_ms = median(npRounds);
      const path = join(tmp, `${key}.f32`);
      const q = wi.orthogonal([r, c], { seed: 12345 });
      writeFileSync(path, new Uint8Array(q.data.buffer, q.data.byteOffset, q.data.byteLength));
      q.free();
      errList.push(`${path},${r},${c}`);
    }
    // orthogonality error of weightinit's matrices, in float64 numpy
    const errfile = join(tmp, 'list.txt');
    writeFileSync(errfile, errList.join('\n'));
    const errs = python([], 1, errfile);
    if (errs) for (const [key, v] of Object.entries(errs.results)) np.results[key] = { ...np.results[key], wi_err: v.wi_err };

    const tfr = opts.tfjs === false ? {} : await tfjsBench(sizes, budget, log);

    const rows = [];
    for (const [r, c] of sizes) {
      const key = `${r}x${c}`;
      const f = flops(r, c);
      const o = ours[key];
      const n = np.results?.[key];
      const t = tfr[key];
      const p = pooled[key];
      const gf = (ms) => (ms ? f / (ms * 1e6) : undefined);
      rows.push(
        `| ${r}×${c} | ${fmt(o.median)} | ${fmt(gf(o.median))} | ${n?.wi_err?.toExponential(2) ?? '—'} | ${fmt(n?.median_ms)} | ${fmt(gf(n?.median_ms))} | ${n?.err?.toExponential(2) ?? '—'} | ${n?.median_ms ? fmt(n.median_ms / o.median, 2) + '×' : '—'} | ${p ? fmt(p.median) : '—'} | ${p ? fmt(o.median / p.median, 2) + '×' : '—'} | ${p && n?.median_ms ? fmt(n.median_ms / p.median, 2) + '×' : '—'} | ${t ? fmt(t.median, 0) : '—'} | ${t?.err?.toExponential(2) ?? '—'} | ${t ? fmt(t.median / o.median, 0) + '×' : '—'} |`,
      );
    }
    const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? os.cpus()[0]?.model ?? '?').trim();
    const notes = [];
    if (np.error) notes.push(`numpy: ${np.error}`);
    if (tfr.error) notes.push(`tfjs: ${tfr.error}`);
    const md = `## Orthogonal initialization (float32)

| shape | weightinit ms | GFLOP/s | max\\|QᵀQ−I\\| | numpy ms | GFLOP/s | max\\|QᵀQ−I\\| | numpy / weightinit | weightinit ${threads} threads ms | vs 1 thread | numpy / weightinit ${threads} threads | tfjs ms | tfjs max\\|QᵀQ−I\\| | tfjs / weightinit |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Median latency per call (ms); each size alternates weightinit (1 thread, then \`workers: 'auto'\`: ${threads} threads, the same bits) and numpy for ${budget.rounds} round${budget.rounds > 1 ? 's' : ''} (median of the rounds). GFLOP/s = 4·m·n² / time, m = max(rows, cols), n = min(rows, cols):
the nominal flops of Gram-Schmidt with one re-orthogonalisation (2·m·n² per pass, 2 passes), the
same count for every column; weightinit skips second passes that cannot change the result, so
its figure is an effective rate. Errors in float64 of the float32 result; weightinit's for seed 12345.
Each call includes drawing the Gaussian matrix (numpy: \`default_rng().standard_normal(float32)\`,
QR, times sign(diag R); tfjs-layers \`initializers.orthogonal\` on the wasm backend, 256² and 512² only).
numpy runs in a subprocess with OPENBLAS_NUM_THREADS=1 (OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset).

- weightinit ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version} (${git(['rev-parse', '--short', 'HEAD'])}), Node ${process.version}, tinybench ${pkgVersion('tinybench')}
- numpy ${np.version ?? '—'} (${np.blas || 'BLAS ?'}, 1 thread); @tensorflow/tfjs-layers ${pkgVersion('@tensorflow/tfjs-layers')}, tfjs-backend-wasm ${pkgVersion('@tensorflow/tfjs-backend-wasm')}
- ${cpu}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${new Date().toISOString().slice(0, 16)}Z${quick ? ' (quick run)' : ''}
${notes.map((s) => `- ${s}`).join('\n')}
`;
    return md;
  } finally {
    wiPool.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { flag, value } = options('orthogonal.mjs', ['--quick', '--no-numpy', '--no-tfjs', '--sizes']);
  const sizes = value('--sizes')?.split(',').map((s) => s.split('x').map(Number));
  const quick = flag('--quick');
  const md = await runOrthogonalBench({ quick, numpy: !flag('--no-numpy'), tfjs: !flag('--no-tfjs'), ...(sizes ? { sizes } : {}) });
  process.stdout.write(md);
  if (!quick && !sizes) writeFileSync(join(here, 'results-orthogonal.md'), `# weightinit orthogonal benchmark\n\n${md}`);
}
