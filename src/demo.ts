// `npm start`: a short tour of what exists — a few tensors with their statistics, a terminal
// histogram of each, and throughput on this machine.
import { load } from './index.js';
import type { Tensor } from './tensor.js';
import { histogram, renderTerminal } from './viz/histogram.js';

function stats(v: Float32Array): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  let q = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    s += x;
    q += x * x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(Math.max(0, q / v.length - mean * mean)), min, max };
}

function show(title: string, t: Tensor, expectedStd: number): void {
  const st = stats(t.data);
  console.log(`\n${title}  shape [${t.shape.join(', ')}]  ${t.dtype}  ${t.size.toLocaleString('en-US')} values`);
  console.log(
    `  mean ${st.mean.toFixed(5)}   std ${st.std.toFixed(5)} (expected ${expectedStd.toFixed(5)})   min ${st.min.toFixed(4)}   max ${st.max.toFixed(4)}`,
  );
  console.log(renderTerminal(histogram(t.data, 60), 6).replace(/^/gm, '  '));
}

function throughput(label: string, f: () => void, n: number): void {
  for (let i = 0; i < 3; i++) f(); // leave V8's baseline tier first
  const reps = 10;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  const ms = (performance.now() - t0) / reps;
  console.log(`  ${label.padEnd(34)} ${ms.toFixed(2).padStart(7)} ms   ${((n / ms) * 1e-3).toFixed(0).padStart(5)} M values/s`);
}

async function main(): Promise<void> {
  const wi = await load({ seed: 2026 });
  console.log('weightinit demo — every value below is a pure function of (seed, parameters, index)');

  const u = wi.uniform([256, 128], { low: -0.1, high: 0.1, seed: 1 });
  show('uniform(low -0.1, high 0.1)', u, 0.2 / Math.sqrt(12));
  const n = wi.normal([512, 512], { std: 0.02, seed: 2 });
  show('normal(std 0.02)', n, 0.02);
  const fanIn = 128 * 3 * 3;
  const he = wi.normal([256, 128, 3, 3], { std: Math.sqrt(2 / fanIn), seed: 3 });
  show('He/Kaiming normal, conv 256x128x3x3 (std = sqrt(2 / fan_in))', he, Math.sqrt(2 / fanIn));
  const glorot = wi.glorotUniform([512, 256], { seed: 4 });
  show('Glorot/Xavier uniform 512x256 (bound = sqrt(6 / (fan_in + fan_out)))', glorot, Math.sqrt(6 / 768) / Math.sqrt(3));
  const tn = wi.truncatedNormal([200_000], { std: 1, a: 3, b: 4, seed: 5 });
  // std of N(0,1) truncated to [α, β] = [3, 4]: sqrt(1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²), Z = Φ(4) − Φ(3)
  show('truncatedNormal on [3, 4] (exact inverse CDF far in the tail; mean 3.26045)', tn, 0.22198602);
  const q = wi.orthogonal([256, 256], { seed: 6 });
  let err = 0;
  for (let i = 0; i < 256; i++) {
    for (let j = 0; j <= i; j++) {
      let d = 0;
      for (let k = 0; k < 256; k++) d += q.data[k * 256 + i]! * q.data[k * 256 + j]!;
      err = Math.max(err, Math.abs(d - (i === j ? 1 : 0)));
    }
  }
  console.log(`\northogonal 256x256 by block Gram-Schmidt: max |QᵀQ - I| = ${err.toExponential(2)}`);
  [u, n, he, glorot, tn, q].forEach((t) => t.free());

  // the same values, sliced: how a shard of a distributed model initializes on its own rank
  const full = wi.normal([1000, 1000], { seed: 9 });
  const shard = wi.normal([1000, 1000], { seed: 9, range: [250_000, 500_000] });
  let same = true;
  for (let i = 0; i < shard.size; i += 1) if (shard.data[i] !== full.data[250_000 + i]) same = false;
  console.log(`\nshard [250000, 500000) of a 1000x1000 normal equals the slice of the full tensor: ${same}`);
  full.free();
  shard.free();

  const N = 1 << 24;
  console.log(`\nthroughput, ${N.toLocaleString('en-US')} float32 values, one thread:`);
  const out = new Float32Array(N);
  throughput('Float32Array.fill (write ceiling)', () => out.fill(1), N);
  throughput('uniform into wasm memory', () => wi.uniform([N], { seed: 1 }).free(), N);
  throughput('normal into wasm memory', () => wi.normal([N], { seed: 1 }).free(), N);
  throughput('normal into a caller Float32Array', () => wi.normal([N], { seed: 1, out }), N);
  console.log('\nnpm run bench measures peers (numpy, tfjs, stdlib, pure-rand) in the same run.');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
