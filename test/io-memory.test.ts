// Bounded memory: writing a 300 MiB F32 tensor with chunkBytes = 1 MiB must not grow the
// process by anything like the tensor's size. Measured in a child process (a fresh heap, no
// test-runner noise) by sampling process.memoryUsage().rss after every chunk.
//
// The bound, 64 MiB: the writer itself holds one 1 MiB buffer; the rest of the growth is V8's
// young generation filling with short-lived objects (views, promises, progress records) before
// a scavenge, and libuv's request state, together typically well under 30 MiB. A writer that
// held the tensor, or even a quarter of it, would exceed the bound. A control run, whose source
// keeps a copy of every chunk, shows that the measurement does see such growth (>= 250 MiB).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './py/harness.js';

const MiB = 1024 * 1024;
const TENSOR_BYTES = 300 * MiB;
const BOUND = 64 * MiB;

let dir: string;
let cleanup: () => void;
let script: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('weightinit-mem-'));
  const entry = join(dir, 'child.ts');
  writeFileSync(
    entry,
    `
import { statSync, unlinkSync } from 'node:fs';
import { writeSafetensors } from ${JSON.stringify(resolve('src/io/safetensors.ts'))};
const [mode, path] = process.argv.slice(2);
const count = ${TENSOR_BYTES / 4};
const held: Float32Array[] = [];
const base = process.memoryUsage().rss;
let peak = base;
const sample = () => { const r = process.memoryUsage().rss; if (r > peak) peak = r; };
await writeSafetensors(path!, [{
  name: 'big', shape: [count], dtype: 'F32',
  write(start: number, n: number, out: any) {
    for (let i = 0; i < n; i++) out[i] = (start + i) * 1e-6;
    if (mode === 'hold') held.push(out.slice());
    sample();
  },
}], { chunkBytes: ${MiB}, onProgress: sample });
sample();
const size = statSync(path!).size;
unlinkSync(path!);
console.log(JSON.stringify({ base, peak, size, held: held.length }));
`,
  );
  script = join(dir, 'child.mjs');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: script, logLevel: 'error' });
}, 120_000);

afterAll(() => cleanup());

function runChild(mode: 'stream' | 'hold'): { base: number; peak: number; size: number } {
  const out = execFileSync(process.execPath, [script, mode, join(dir, `${mode}.safetensors`)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as { base: number; peak: number; size: number };
}

describe('bounded memory', () => {
  it(`writes a 300 MiB tensor with RSS growth below ${BOUND / MiB} MiB (chunkBytes 1 MiB)`, () => {
    const r = runChild('stream');
    expect(r.size).toBeGreaterThan(TENSOR_BYTES); // the whole tensor was written
    const growth = r.peak - r.base;
    console.log(`streaming writer: peak RSS growth ${(growth / MiB).toFixed(1)} MiB for a ${TENSOR_BYTES / MiB} MiB tensor`);
    expect(growth).toBeLessThan(BOUND);
  });

  it('control: the same measurement sees a source that keeps every chunk (>= 250 MiB)', () => {
    const r = runChild('hold');
    const growth = r.peak - r.base;
    console.log(`control (chunks kept): peak RSS growth ${(growth / MiB).toFixed(1)} MiB`);
    expect(growth).toBeGreaterThanOrEqual(250 * MiB);
  });
});


