// `npm run bench:heap`: the wasm heap under load, measured (not asserted: tests check the
// number of memory.grow calls, this shows the time). Two figures:
//  1. allocation time per call, first thousand vs tenth thousand live 64 KiB tensors (goal:
//     within 2x; an allocator that scans its free list or grows memory page by page slows
//     down as the heap fills);
//  2. 20,000 allocations into 20,000 holes (every other tensor freed), per call.
// Writes bench/results-heap.md.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { load } from '../dist/index.js';
import { engineOf } from '../dist/engine/engine.js';

const here = dirname(fileURLToPath(import.meta.url));
const ELEMS = 16384; // 64 KiB of float32

async function run() {
  const wi = await load({ seed: 1 });
  const heap = engineOf(wi).heap;
  const live = [];
  const perThousand = [];
  for (let k = 0; k < 10; k++) {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) live.push(wi.zeros([ELEMS]));
    perThousand.push(((performance.now() - t0) / 1000) * 1000); // µs per call
  }
  const grows = heap.grows;
  for (let i = 0; i < live.length; i += 2) live[i].free();
  const holes = [];
  const t1 = performance.now();
  for (let i = 0; i < 5000; i++) holes.push(wi.zeros([ELEMS]));
  const holeUs = ((performance.now() - t1) / 5000) * 1000;
  // 20k holes: free 20,000 small tensors spread through the heap, then fill them again
  const small = Array.from({ length: 40000 }, () => wi.zeros([256]));
  for (let i = 0; i < small.length; i += 2) small[i].free();
  const t2 = performance.now();
  for (let i = 0; i < small.length; i += 2) small[i] = wi.zeros([256]);
  const small20kUs = ((performance.now() - t2) / 20000) * 1000;
  return { perThousand, grows, holeUs, small20kUs, bytes: wi.memory.buffer.byteLength };
}

const r = await run();
const ratio = r.perThousand[9] / r.perThousand[0];
const lines = [
  '## Heap: allocation time as the heap fills',
  '',
  `${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. Each call allocates a 64 KiB float32 tensor (\`wi.zeros([16384])\`, the fill included).`,
  '',
  '| live tensors | µs per allocation |',
  '|---|--:|',
  ...r.perThousand.map((us, k) => `| ${k * 1000 + 1}–${(k + 1) * 1000} | ${us.toFixed(1)} |`),
  '',
  `Tenth thousand / first thousand: **${ratio.toFixed(2)}×** (goal ≤ 2×). memory.grow calls for 10,000 tensors (655 MB): ${r.grows}.`,
  `Refilling 5,000 freed 64 KiB holes: ${r.holeUs.toFixed(1)} µs per call; 20,000 allocations into 20,000 holes of 1 KiB: ${r.small20kUs.toFixed(2)} µs per call.`,
  '',
];
const text = lines.join('\n');
console.log(text);
if (!process.argv.includes('--quick')) writeFileSync(join(here, 'results-heap.md'), text);
