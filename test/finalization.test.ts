// The FinalizationRegistry is only a backstop: it must never free memory under a view the
// program still holds, and it does free tensors the program dropped entirely. Needs a real
// garbage collection, so it runs the built package in a child `node --expose-gc`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

function runWithGc(body: string): string {
  const script = `
    const { load } = await import(${JSON.stringify(dist)});
    const collect = async () => { for (let i = 0; i < 6; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 5)); } };
    ${body}
  `;
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}

describe('FinalizationRegistry backstop', () => {
  it('a kept view keeps its tensor: memory is not freed and reused under it', () => {
    const out = runWithGc(`
      const wi = await load({ seed: 1 });
      let v = wi.uniform([100000], { seed: 2, low: 1, high: 2 }).data; // the tensor itself is dropped
      await collect();
      const z = wi.zeros([100000]);
      let bad = 0;
      for (let i = 0; i < v.length; i++) if (!(v[i] >= 1 && v[i] < 2)) bad++;
      console.log(JSON.stringify({ bad, live: wi.heap.liveCount, overlap: z.byteOffset === v.byteOffset }));
    `);
    expect(JSON.parse(out)).toEqual({ bad: 0, live: 2, overlap: false });
  });

  it('a tensor dropped with all its views is freed by the backstop', () => {
    const out = runWithGc(`
      const wi = await load({ seed: 1 });
      (() => { const t = wi.normal([50000]); void t.data[0]; })();
      const before = wi.heap.liveCount;
      await collect();
      console.log(JSON.stringify({ before, after: wi.heap.liveCount }));
    `);
    expect(JSON.parse(out)).toEqual({ before: 1, after: 0 });
  });
});
