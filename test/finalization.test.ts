// The FinalizationRegistry is only a backstop: it must never free memory under a view the
// program still holds, and it does free tensors the program dropped entirely. Needs a real
// garbage collection, so it runs the built package in a child `node --expose-gc`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const engine = fileURLToPath(new URL('../dist/engine/engine.js', import.meta.url));

function runWithGc(body: string): string {
  const script = `
    const { load } = await import(${JSON.stringify(dist)});
    const { engineOf } = await import(${JSON.stringify(engine)});
    // live regions beyond the instance's scratch buffer
    const userLive = (wi) => engineOf(wi).heap.liveCount - 1;
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
      console.log(JSON.stringify({ bad, live: userLive(wi), overlap: z.byteOffset === v.byteOffset }));
    `);
    expect(JSON.parse(out)).toEqual({ bad: 0, live: 2, overlap: false });
  });

  it('a dropped tensor no view ever saw is freed by the backstop at once', () => {
    const out = runWithGc(`
      const wi = await load({ seed: 1 });
      (() => { const t = wi.normal([50000]); void t.toArray()[0]; })();
      const before = userLive(wi);
      await collect();
      console.log(JSON.stringify({ before, after: userLive(wi) }));
    `);
    expect(JSON.parse(out)).toEqual({ before: 1, after: 0 });
  });

  it('a dropped tensor whose view was seen is reused only once no view can read it', () => {
    // Node 20 has no resizable buffers: growth detaches every old view, so the region may be
    // reused after the next growth and not before; where views survive growth it is never reused
    const out = runWithGc(`
      const wi = await load({ seed: 1 });
      (() => { const t = wi.normal([50000]); void t.data[0]; })();
      await collect();
      const e = engineOf(wi);
      const held = { live: userLive(wi), quarantined: e.heap.quarantined };
      const grown = wi.zeros([4 << 20]); // grows memory
      console.log(JSON.stringify({ resizable: wi.resizableViews, held, after: { live: userLive(wi) - 1, quarantined: e.heap.quarantined } }));
    `);
    const r = JSON.parse(out) as { resizable: boolean; held: unknown; after: unknown };
    expect(r.held).toEqual({ live: 1, quarantined: r.resizable ? 0 : 1 });
    expect(r.after).toEqual(r.resizable ? { live: 1, quarantined: 0 } : { live: 0, quarantined: 0 });
  });

  it('a program holding only subarrays and views built from byteOffset never sees a value change', () => {
    // 300 rounds of allocations (some growing memory), frees and real collections; the held
    // views either keep exactly their values or, after growth on a runtime without resizable
    // buffers, read length 0 (detached): never other values
    const out = runWithGc(`
      const wi = await load({ seed: 1 });
      const held = [];
      for (let k = 0; k < 8; k++) {
        const t = wi.uniform([20000 + k], { seed: k, low: 1, high: 2 });
        const v = t.data;
        const sub = v.subarray(100, 5100);
        const raw = new Float32Array(wi.memory.buffer, t.byteOffset + 400, 5000);
        held.push({ sub, raw, copy: Array.from(sub) });
      } // every tensor dropped: only derived views remain
      let changed = 0, detached = 0, checks = 0;
      const keep = [];
      for (let r = 0; r < 300; r++) {
        const t = wi.constant([1 + ((r * 7919) % 30000)], { value: 7 });
        if (r % 3 === 0) keep.push(t); else t.free();
        if (r % 50 === 49) keep.splice(0).forEach((x) => x.free());
        if (r % 20 === 0) await collect();
        for (const h of held) for (const v of [h.sub, h.raw]) {
          checks++;
          if (v.length === 0) { detached++; continue; }
          for (let i = 0; i < v.length; i += 7) if (v[i] !== h.copy[i]) { changed++; break; }
        }
      }
      console.log(JSON.stringify({ changed, checks, resizable: wi.resizableViews, sawDetached: detached > 0 }));
    `);
    const r = JSON.parse(out) as { changed: number; checks: number; resizable: boolean; sawDetached: boolean };
    expect(r.checks).toBe(300 * 16);
    expect(r.changed).toBe(0);
    // a runtime with resizable buffers never detaches; one without must have grown at least once in 300 rounds
    expect(r.sawDetached).toBe(!r.resizable);
  });
});
