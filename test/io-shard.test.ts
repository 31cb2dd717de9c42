// Sharded checkpoints in the Hugging Face layout: model-0000i-of-0000k.safetensors plus
// model.safetensors.index.json = { metadata: { total_size }, weight_map: { name: file } },
// total_size being the sum of the tensors' data bytes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WriteDType } from '../src/io/common.js';
import { INDEX_FILE, planShards, readSafetensorsHeader, readTensor, shardFileName, writeSafetensors, writeShardedSafetensors } from '../src/io/safetensors.js';
import { elementBytes, elementCount, expectedBytes, listDir, runPython, sha256, tempDir, testSource } from './py/harness.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

// a small transformer-like list: sizes vary over three orders of magnitude
const MODEL: { name: string; shape: number[]; dtype: WriteDType }[] = [
  { name: 'embed.weight', shape: [500, 32], dtype: 'F32' },
  ...[0, 1, 2].flatMap((i) => [
    { name: `layers.${i}.norm.weight`, shape: [32], dtype: 'F32' as const },
    { name: `layers.${i}.attn.weight`, shape: [96, 32], dtype: 'BF16' as const },
    { name: `layers.${i}.attn.bias`, shape: [96], dtype: 'F64' as const },
    { name: `layers.${i}.mlp.weight`, shape: [128, 32], dtype: 'F16' as const },
    { name: `layers.${i}.empty`, shape: [0, 4], dtype: 'F32' as const },
  ]),
  { name: 'norm.weight', shape: [32], dtype: 'F32' },
];
const sources = () => MODEL.map((t, i) => testSource(t.name, t.shape, t.dtype, 100 + i));
const bytesOf = (t: (typeof MODEL)[number]) => elementCount(t.shape) * elementBytes(t.dtype);

/** The smallest possible largest-group sum over all splits of `sizes` into k contiguous non-empty groups, by exhaustive recursion. */
function bruteForceBest(sizes: number[], k: number): number {
  if (k === 1) return sizes.reduce((a, b) => a + b, 0);
  let best = Infinity;
  for (let cut = 1; cut <= sizes.length - (k - 1); cut++) {
    const head = sizes.slice(0, cut).reduce((a, b) => a + b, 0);
    best = Math.min(best, Math.max(head, bruteForceBest(sizes.slice(cut), k - 1)));
  }
  return best;
}

describe('planShards', () => {
  it('names shards as Hugging Face does (1-based, 5-digit zero padding; one shard is model.safetensors)', () => {
    expect(shardFileName(0, 4)).toBe('model-00001-of-00004.safetensors');
    expect(shardFileName(3, 4)).toBe('model-00004-of-00004.safetensors');
    expect(shardFileName(11, 123)).toBe('model-00012-of-00123.safetensors');
    expect(shardFileName(0, 1)).toBe('model.safetensors');
  });

  it('splits into k contiguous non-empty groups whose largest is as small as any split allows (checked exhaustively)', () => {
    let state = 12345;
    const rnd = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 8) % n;
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rnd(9);
      const sizes = Array.from({ length: n }, () => (rnd(4) === 0 ? 0 : rnd(1000)));
      const k = 1 + rnd(n);
      const srcs = sizes.map((s, i) => testSource(`t${i}`, [s], 'F32', i));
      const plan = planShards(srcs, k);
      expect(plan.length).toBe(k);
      expect(plan.map((p) => p.first)[0]).toBe(0);
      plan.forEach((p, j) => {
        expect(p.end).toBeGreaterThan(p.first); // non-empty
        if (j > 0) expect(p.first).toBe(plan[j - 1]!.end); // contiguous
        expect(p.names).toEqual(srcs.slice(p.first, p.end).map((s) => s.name));
        expect(p.bytes).toBe(sizes.slice(p.first, p.end).reduce((a, b) => a + b, 0) * 4);
      });
      expect(plan.at(-1)!.end).toBe(n);
      expect(Math.max(...plan.map((p) => p.bytes)), `sizes ${sizes} into ${k}`).toBe(bruteForceBest(sizes, k) * 4);
    }
  });

  it('needs at least one tensor per shard', () => {
    expect(() => planShards(sources().slice(0, 3), 4)).toThrow(/cannot make 4 shards of 3 tensors: every shard needs at least one tensor/);
    expect(() => planShards(sources(), 0)).toThrow(/shards must be a positive integer, got 0/);
    expect(planShards(sources().slice(0, 3), 3).map((p) => p.names.length)).toEqual([1, 1, 1]);
  });
});

describe('writeShardedSafetensors', () => {
  it('the union of 4 shards is the single file, tensor for tensor and bit for bit; the index maps every tensor and sums its bytes', async () => {
    const single = join(dir, 'single.safetensors');
    await writeSafetensors(single, sources());
    const out = join(dir, 'sharded');
    const r = await writeShardedSafetensors(out, sources(), { shards: 4, metadata: { format: 'pt' } });
    const files = [1, 2, 3, 4].map((i) => `model-0000${i}-of-00004.safetensors`);
    expect(listDir(out)).toEqual([...files, INDEX_FILE].sort());
    const index = JSON.parse(readFileSync(join(out, INDEX_FILE), 'utf8')) as { metadata: Record<string, unknown>; weight_map: Record<string, string> };
    expect(index).toEqual(r.index);
    expect(index.metadata).toEqual({ format: 'pt', total_size: MODEL.reduce((a, t) => a + bytesOf(t), 0) });
    expect(Object.keys(index.weight_map).sort()).toEqual(MODEL.map((t) => t.name).sort());

    const singleHeader = await readSafetensorsHeader(single);
    const seen = new Set<string>();
    for (const f of files) {
      const h = await readSafetensorsHeader(join(out, f));
      expect(h.metadata).toEqual({ format: 'pt' });
      expect(h.tensors.length).toBeGreaterThan(0);
      for (const t of h.tensors) {
        expect(index.weight_map[t.name]).toBe(f);
        expect(seen.has(t.name)).toBe(false);
        seen.add(t.name);
        const s = singleHeader.tensors.find((x) => x.name === t.name)!;
        expect([t.dtype, t.shape]).toEqual([s.dtype, s.shape]);
        const a = await readTensor(join(out, f), t.name);
        const b = await readTensor(single, t.name);
        expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), t.name).toBe(true);
      }
    }
    expect(seen.size).toBe(MODEL.length);
    // and both hold the values the sources describe
    for (const [i, t] of MODEL.entries()) {
      const f = index.weight_map[t.name]!;
      const got = await readTensor(join(out, f), t.name);
      expect(sha256(new Uint8Array(got.buffer))).toBe(sha256(expectedBytes(t.dtype, 100 + i, elementCount(t.shape))));
    }
  });

  it('4 ranks writing their own shards make the same files as one run; only rank 0 writes the index', async () => {
    const all = join(dir, 'all');
    await writeShardedSafetensors(all, sources(), { shards: 4 });
    const ranked = join(dir, 'ranked');
    const written: string[][] = [];
    for (const index of [2, 0, 3, 1]) {
      const r = await writeShardedSafetensors(ranked, sources(), { shards: 4, rank: { index, size: 4 } });
      written[index] = r.files.map((f) => f.path.slice(ranked.length + 1));
      expect(r.indexPath === undefined).toBe(index !== 0);
    }
    expect(written).toEqual([1, 2, 3, 4].map((i) => [`model-0000${i}-of-00004.safetensors`]));
    expect(listDir(ranked)).toEqual(listDir(all));
    for (const f of listDir(all)) expect(readFileSync(join(ranked, f)).equals(readFileSync(join(all, f))), f).toBe(true);
  });

  it('2 ranks of 4 shards: shard j goes to rank j mod 2', async () => {
    const r1 = await writeShardedSafetensors(join(dir, 'x'), sources(), { shards: 4, rank: { index: 1, size: 2 } });
    expect(r1.files.map((f) => f.path.slice(-32))).toEqual(['model-00002-of-00004.safetensors', 'model-00004-of-00004.safetensors']);
    expect(listDir(join(dir, 'x'))).toEqual(['model-00002-of-00004.safetensors', 'model-00004-of-00004.safetensors']);
  });

  it('one shard: model.safetensors and no index, the same bytes as writeSafetensors', async () => {
    await writeSafetensors(join(dir, 'plain.safetensors'), sources());
    const r = await writeShardedSafetensors(join(dir, 'one'), sources());
    expect(listDir(join(dir, 'one'))).toEqual(['model.safetensors']);
    expect(r.index).toBeUndefined();
    expect(readFileSync(join(dir, 'one', 'model.safetensors')).equals(readFileSync(join(dir, 'plain.safetensors')))).toBe(true);
    const r1 = await writeShardedSafetensors(join(dir, 'rank1'), sources(), { rank: { index: 1, size: 2 } });
    expect(r1.files).toEqual([]);
    expect(existsSync(join(dir, 'rank1', 'model.safetensors'))).toBe(false);
  });

  it('every shard passes the independent Python reader', async () => {
    const out = join(dir, 's');
    const r = await writeShardedSafetensors(out, sources(), { shards: 3 });
    const all = runPython<{ data_start: number; tensors: { name: string; sha256: string }[] }[]>('read_safetensors.py', r.plan.map((p) => join(out, p.file)));
    expect(all.length).toBe(3);
    for (const [j, p] of r.plan.entries()) {
      const py = all[j]!;
      expect(py.data_start % 8).toBe(0);
      expect(py.tensors.map((t) => t.name)).toEqual(p.names);
      for (const t of py.tensors) {
        const i = MODEL.findIndex((m) => m.name === t.name);
        expect(t.sha256).toBe(sha256(expectedBytes(MODEL[i]!.dtype, 100 + i, elementCount(MODEL[i]!.shape))));
      }
    }
  });

  it('rejects a bad rank, "total_size" in the metadata, and a failing source leaves no shard or temporary file', async () => {
    await expect(writeShardedSafetensors(dir, sources(), { shards: 4, rank: { index: 4, size: 4 } })).rejects.toThrow(/rank.index must be an integer in \[0, 3\], got 4/);
    await expect(writeShardedSafetensors(dir, sources(), { shards: 2, metadata: { total_size: '1' } })).rejects.toThrow(/must not contain "total_size"/);
    const bad = sources();
    bad[MODEL.length - 1] = testSource('norm.weight', [32], 'F32', 0, { throwAt: 5 });
    const out = join(dir, 'fail');
    await expect(writeShardedSafetensors(out, bad, { shards: 4 })).rejects.toThrow(/fails at element 5/);
    // the shards before the failing one were completed (each file is atomic), the last one and the index were not
    expect(listDir(out)).toEqual(['model-00001-of-00004.safetensors', 'model-00002-of-00004.safetensors', 'model-00003-of-00004.safetensors']);
  });
});
