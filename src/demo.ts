// `npm start`: initialize GPT-2 small (124,439,808 parameters, the gpt2 recipe of Hugging Face's
// _init_weights, seed 1, float32) into ./out/gpt2-small.safetensors, streaming, then show what
// was written: the per-tensor summary (measured mean and std next to the formulas' std),
// histograms of a few tensors read back from the file, and the throughput.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { load } from './index.js';
import { readTensor } from './io/safetensors.js';
import { planModel } from './model/plan.js';
import { gpt2 } from './model/presets.js';
import { writePlan } from './model/write.js';
import { parameterCount } from './model/spec.js';
import { formatBytes, Progress } from './cli/progress.js';
import { num, RunningStats, statsObserver, summaryTable } from './cli/table.js';
import { histogram, renderTerminal } from './viz/histogram.js';

async function main(): Promise<void> {
  const dir = 'out';
  const path = join(dir, 'gpt2-small.safetensors');
  mkdirSync(dir, { recursive: true });
  const wi = await load({ workers: 'auto' });
  const spec = gpt2();
  const plan = planModel(wi, spec, { seed: 1, recipe: 'gpt2', dtype: 'float32' });
  const stats = new Map<string, RunningStats>();
  const observer = statsObserver(wi, plan, stats);
  const dataBytes = plan.entries.reduce((a, e) => a + e.shape.reduce((b, d) => b * d, 1) * 4, 0);
  console.log(`weightinit demo: GPT-2 small, ${parameterCount(spec).toLocaleString('en-US')} parameters, ${plan.entries.length} tensors, recipe ${plan.recipe}, seed 1, float32`);
  console.log(`writing ${formatBytes(dataBytes)} to ${path} (streamed: no tensor is ever whole in memory)\n`);

  const progress = new Progress(process.stderr, [{ path, dataBytes, tensors: plan.entries.length }]);
  const t0 = performance.now();
  let written;
  try {
    ({ written } = await writePlan(wi, plan, path, { onProgress: progress.update, observe: observer.observe }));
  } finally {
    observer.release();
  }
  const seconds = (performance.now() - t0) / 1000;
  progress.finish();
  const bytes = 'bytes' in written ? written.bytes : 0;

  console.log('\nper tensor: rule, initializer, mean and std of the values written (accumulated while writing), std of the formula\n');
  console.log(summaryTable(plan, stats, 6));
  let n = 0;
  let s = 0;
  let q = 0;
  for (const e of plan.entries) {
    const st = stats.get(e.name)!;
    if (e.std === undefined) continue; // constants
    n += st.count;
    s += st.mean * st.count;
    q += st.m2 + st.mean * st.mean * st.count;
  }
  const mean = s / n;
  console.log(`random tensors: ${n.toLocaleString('en-US')} values, mean ${num(mean)}, rms ${num(Math.sqrt(q / n))}`);

  // histograms of three tensors read back from the file (the file, not memory: this is what a framework loads)
  const shown: [string, string][] = [
    ['wpe.weight', 'position embedding, N(0, 0.02)'],
    ['h.0.attn.c_attn.weight', 'fused QKV, N(0, 0.02)'],
    ['h.11.mlp.c_proj.weight', 'residual projection, N(0, 0.02/sqrt(2*12)) = N(0, 0.00408)'],
  ];
  for (const [name, what] of shown) {
    const data = (await readTensor(path, name)) as Float32Array;
    const e = plan.entries.find((x) => x.name === name)!;
    const st = stats.get(name)!;
    const b = 4 * e.std!;
    console.log(`\n${name} [${e.shape.join(', ')}]  ${what}`);
    console.log(`  mean ${num(st.mean)}  std ${num(st.std)} (expected ${num(e.std)})  min ${num(st.min)}  max ${num(st.max)}`);
    console.log(renderTerminal(histogram(data, 64, -b, b), 6).replace(/^/gm, '  '));
  }

  const mb = bytes / 1e6;
  console.log(`\nwrote ${bytes.toLocaleString('en-US')} bytes in ${seconds.toFixed(2)} s: ${(mb / seconds).toFixed(0)} MB/s (generation, statistics, file write and fsync)`);
  console.log(`file: ${path}   (weightinit inspect ${path} reads it back with statistics)`);
  console.log('the same from the command line: npx weightinit init --preset gpt2 --seed 1 --out out/gpt2-small.safetensors');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
