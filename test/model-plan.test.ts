// Model plans: named keys (adding, removing, reordering tensors changes no other tensor), each
// recipe against its source's formulas (written out here, not read from the recipe), user rules
// by glob, errors, streaming ranges, and writeModel's file read back bit for bit.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineOf } from '../src/engine/engine.js';
import { load } from '../src/index.js';
import { readSafetensorsHeader, readTensor } from '../src/io/safetensors.js';
import { fillEntry, initModel, planModel, type Plan, type PlanEntry } from '../src/model/plan.js';
import { gpt2, llama, lstm, mlp } from '../src/model/presets.js';
import { globToRegExp, type Rule } from '../src/model/recipes.js';
import type { ModelSpec, TensorSpec } from '../src/model/spec.js';
import { planMetadata, writeModel, writePlan, type WriteModelOptions, type WritePlanOptions } from '../src/model/write.js';
import type { Tensor } from '../src/tensor.js';
import { statsObserver, type RunningStats } from '../src/cli/table.js';

const wi = await load({ seed: 1 });
const dir = mkdtempSync(join(tmpdir(), 'wi-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Arr = Float32Array | Float64Array | Uint16Array;
const bytes = (a: ArrayBufferView) => Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
const data = (t: Tensor) => (t as unknown as { data: Arr }).data;
const nums = (t: Tensor) => Array.from(data(t) as ArrayLike<number>);
const entry = (p: Plan, name: string): PlanEntry => {
  const e = p.entries.find((x) => x.name === name);
  if (e === undefined) throw new Error(`no entry ${name}`);
  return e;
};
function stats(v: number[]): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let m = 0;
  for (const x of v) {
    s += x;
    m = Math.max(m, Math.abs(x));
  }
  const mean = s / v.length;
  let q = 0;
  for (const x of v) q += (x - mean) ** 2;
  return { mean, std: Math.sqrt(q / (v.length - 1)), maxAbs: m };
}
/** 6 standard errors of the sample std of n draws: σ/√(2n) for a normal, σ·√(0.8/n)/2 for a uniform (kurtosis 9/5). */
const band = (sigma: number, n: number, dist: 'normal' | 'uniform') => 6 * (dist === 'normal' ? sigma / Math.sqrt(2 * n) : (sigma * Math.sqrt(0.8 / n)) / 2);
const spec = (tensors: TensorSpec[], model?: ModelSpec['model']): ModelSpec => ({ ...(model ? { model } : {}), tensors });

describe('named keys', () => {
  const base = mlp({ sizes: [20, 16, 8, 4] });
  const all = (s: ModelSpec) => {
    const { tensors } = initModel(wi, s, { seed: 7, recipe: 'pytorch' });
    const out = new Map(Object.entries(tensors).map(([k, t]) => [k, bytes(data(t))]));
    for (const t of Object.values(tensors)) t.free();
    return out;
  };
  const ref = all(base);
  const same = (got: Map<string, Buffer>) => {
    for (const [k, b] of got) if (ref.has(k)) expect(b.equals(ref.get(k)!), k).toBe(true);
  };
  it('adding a tensor changes no other tensor', () => {
    const got = all(spec([...base.tensors, { name: 'extra.weight', shape: [5, 4], kind: 'linear' }], base.model));
    expect(got.size).toBe(ref.size + 1);
    same(got);
  });
  it('removing a tensor changes no other tensor', () => {
    const got = all(spec(base.tensors.filter((t) => t.name !== 'fc2.bias'), base.model));
    expect(got.size).toBe(ref.size - 1);
    same(got);
  });
  it('reordering tensors changes no tensor', () => {
    const got = all(spec([...base.tensors].reverse(), base.model));
    expect(got.size).toBe(ref.size);
    same(got);
  });
  it('keys are the named keys of (seed, name), and another seed changes every tensor', () => {
    const p = planModel(wi, base, { seed: 7 });
    expect(new Set(p.entries.map((e) => e.key)).size).toBe(p.entries.length);
    const other = all(base);
    same(other);
    const { tensors } = initModel(wi, base, { seed: 8 });
    expect(bytes(data(tensors['fc1.weight']!)).equals(ref.get('fc1.weight')!)).toBe(false);
    for (const t of Object.values(tensors)) t.free();
  });
});

describe('recipe pytorch (nn.Linear / nn.Embedding / nn.LSTM defaults)', () => {
  it('linear [256, 784]: weight and bias U(±1/√784), std = bound/√3', () => {
    const s = spec([
      { name: 'fc.weight', shape: [256, 784], kind: 'linear', activation: 'relu' },
      { name: 'fc.bias', shape: [256], kind: 'bias' },
    ]);
    const { plan, tensors } = initModel(wi, s, { seed: 3, recipe: 'pytorch' });
    const bound = 1 / Math.sqrt(784);
    const w = entry(plan, 'fc.weight');
    expect(w.initializer).toBe('kaimingUniform');
    expect(w.rule).toBe('pytorch.weight');
    expect(w.bound!).toBeCloseTo(bound, 12);
    expect(w.std!).toBeCloseTo(bound / Math.sqrt(3), 12);
    const sw = stats(nums(tensors['fc.weight']!));
    expect(sw.maxAbs).toBeLessThanOrEqual(bound);
    expect(Math.abs(sw.std - bound / Math.sqrt(3))).toBeLessThan(band(bound / Math.sqrt(3), 256 * 784, 'uniform'));
    const b = entry(plan, 'fc.bias');
    expect(b.bound!).toBeCloseTo(bound, 12);
    expect(stats(nums(tensors['fc.bias']!)).maxAbs).toBeLessThanOrEqual(bound);
    for (const t of Object.values(tensors)) t.free();
  });
  it('GPT-2 Conv1D layout tf: fan_in is the first axis', () => {
    const s = spec([
      { name: 'c.weight', shape: [64, 192], kind: 'linear', layout: 'tf' },
      { name: 'c.bias', shape: [192], kind: 'bias' },
    ]);
    const p = planModel(wi, s, { seed: 1 });
    expect(entry(p, 'c.weight').bound!).toBeCloseTo(1 / 8, 12);
    expect(entry(p, 'c.weight').options.layout).toBe('tf');
    expect(entry(p, 'c.bias').bound!).toBeCloseTo(1 / 8, 12);
  });
  it('embedding N(0, 1); LSTM everything U(±1/√hidden)', () => {
    const s = lstm({ vocab: 300, input: 32, hidden: 16, layers: 1, classes: 10 });
    const { plan, tensors } = initModel(wi, s, { seed: 5, recipe: 'pytorch' });
    const e = stats(nums(tensors['embedding.weight']!));
    expect(entry(plan, 'embedding.weight').std).toBe(1);
    expect(Math.abs(e.std - 1)).toBeLessThan(band(1, 300 * 32, 'normal'));
    for (const n of ['lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'lstm.bias_ih_l0', 'lstm.bias_hh_l0']) {
      expect(entry(plan, n).bound).toBe(0.25);
      expect(stats(nums(tensors[n]!)).maxAbs).toBeLessThanOrEqual(0.25);
    }
    for (const t of Object.values(tensors)) t.free();
  });
  it('norms exactly 1 and 0', () => {
    const { tensors } = initModel(wi, gpt2({ nLayer: 1, nEmbd: 16, vocab: 10, nCtx: 4, nHead: 2 }), { seed: 1, recipe: 'pytorch' });
    expect(nums(tensors['h.0.ln_1.weight']!).every((x) => x === 1)).toBe(true);
    expect(nums(tensors['h.0.ln_1.bias']!).every((x) => x === 0)).toBe(true);
    for (const t of Object.values(tensors)) t.free();
  });
  it('a bias with no sibling weight and no fanIn is an error naming it; fanIn fixes it', () => {
    expect(() => planModel(wi, spec([{ name: 'lonely.bias', shape: [4], kind: 'bias' }]), { seed: 1 })).toThrow(/"lonely\.bias".*fan_in/);
    const p = planModel(wi, spec([{ name: 'lonely.bias', shape: [4], kind: 'bias', fanIn: 16 }]), { seed: 1 });
    expect(entry(p, 'lonely.bias').bound).toBe(0.25);
  });
});

describe('recipe gpt2 (HF GPT2PreTrainedModel._init_weights)', () => {
  const s = gpt2({ nLayer: 2, nEmbd: 64, vocab: 100, nCtx: 32, nHead: 2 });
  const { plan, tensors } = initModel(wi, s, { seed: 11, recipe: 'gpt2' });
  it('c_proj N(0, 0.02/√(2·2)), other weights and embeddings N(0, 0.02)', () => {
    const resid = 0.02 / Math.sqrt(2 * 2);
    for (const n of ['h.0.attn.c_proj.weight', 'h.1.mlp.c_proj.weight']) {
      const e = entry(plan, n);
      expect(e.std!).toBeCloseTo(resid, 15);
      const st = stats(nums(tensors[n]!));
      expect(Math.abs(st.std - resid)).toBeLessThan(band(resid, e.shape[0]! * e.shape[1]!, 'normal'));
    }
    for (const n of ['wte.weight', 'wpe.weight', 'h.0.attn.c_attn.weight', 'h.1.mlp.c_fc.weight']) {
      const e = entry(plan, n);
      expect(e.std).toBe(0.02);
      const st = stats(nums(tensors[n]!));
      expect(Math.abs(st.std - 0.02)).toBeLessThan(band(0.02, e.shape[0]! * e.shape[1]!, 'normal'));
    }
  });
  it('biases exactly 0, LayerNorm exactly 1 / 0', () => {
    for (const e of plan.entries) {
      const v = nums(tensors[e.name]!);
      if (e.kind === 'bias' || e.kind === 'norm_bias') expect(v.every((x) => x === 0), e.name).toBe(true);
      if (e.kind === 'norm_weight') expect(v.every((x) => x === 1), e.name).toBe(true);
    }
  });
  it('without model.nLayer the residual rule is an error naming the tensor', () => {
    const noLayers = spec([...s.tensors]);
    expect(() => planModel(wi, noLayers, { seed: 1, recipe: 'gpt2' })).toThrow(/"h\.0\.attn\.c_proj\.weight".*nLayer/);
  });
});

describe('recipe llama (HF LlamaPreTrainedModel._init_weights)', () => {
  it('weights N(0, 0.02), RMSNorm weights exactly 1', () => {
    const s = llama({ nLayer: 2, hidden: 64, intermediate: 128, nHead: 4, nKvHead: 2, vocab: 100, tiedEmbeddings: false });
    const { plan, tensors } = initModel(wi, s, { seed: 2, recipe: 'llama' });
    for (const e of plan.entries) {
      const v = nums(tensors[e.name]!);
      if (e.kind === 'norm_weight') expect(v.every((x) => x === 1), e.name).toBe(true);
      else {
        expect(e.std, e.name).toBe(0.02);
        expect(Math.abs(stats(v).std - 0.02), e.name).toBeLessThan(band(0.02, v.length, 'normal'));
      }
    }
    for (const t of Object.values(tensors)) t.free();
  });
});

describe('recipe best-practice', () => {
  it('He normal before ReLU, Glorot before none, 0.01 bias before ReLU, 0 otherwise', () => {
    const s = mlp({ sizes: [400, 300, 10] });
    const { plan, tensors } = initModel(wi, s, { seed: 4, recipe: 'best-practice' });
    const he = Math.sqrt(2) / Math.sqrt(400);
    const w1 = entry(plan, 'fc1.weight');
    expect(w1.initializer).toBe('heNormal');
    expect(w1.std!).toBeCloseTo(he, 12);
    expect(Math.abs(stats(nums(tensors['fc1.weight']!)).std - he)).toBeLessThan(band(he, 120000, 'normal'));
    const g = Math.sqrt(6 / (300 + 10));
    expect(entry(plan, 'fc2.weight').initializer).toBe('glorotUniform');
    expect(entry(plan, 'fc2.weight').bound!).toBeCloseTo(g, 12);
    expect(stats(nums(tensors['fc2.weight']!)).maxAbs).toBeLessThanOrEqual(g);
    expect(nums(tensors['fc1.bias']!).every((x) => x === Math.fround(0.01))).toBe(true);
    expect(nums(tensors['fc2.bias']!).every((x) => x === 0)).toBe(true);
    for (const t of Object.values(tensors)) t.free();
  });
  it('leaky ReLU uses the negative slope; SELU LeCun; recurrent hidden orthogonal', () => {
    const s = spec(
      [
        { name: 'a.weight', shape: [50, 100], kind: 'linear', activation: 'leaky_relu', negativeSlope: 0.2 },
        { name: 'b.weight', shape: [50, 100], kind: 'linear', activation: 'selu' },
        { name: 'r.weight_hh_l0', shape: [64, 16], kind: 'recurrent_hidden', activation: 'tanh' },
      ],
      { hidden: 16 },
    );
    const { plan, tensors } = initModel(wi, s, { seed: 9, recipe: 'best-practice' });
    expect(entry(plan, 'a.weight').std!).toBeCloseTo(Math.sqrt(2 / (1 + 0.04)) / 10, 12);
    expect(entry(plan, 'b.weight').initializer).toBe('lecunNormal');
    expect(entry(plan, 'b.weight').std!).toBeCloseTo(0.1, 12);
    expect(entry(plan, 'r.weight_hh_l0').initializer).toBe('orthogonal');
    // columns of a [64, 16] orthogonal matrix are orthonormal
    const q = nums(tensors['r.weight_hh_l0']!);
    for (const [i, j] of [[0, 0], [0, 1], [5, 5], [3, 9]] as const) {
      let d = 0;
      for (let r = 0; r < 64; r++) d += q[r * 16 + i]! * q[r * 16 + j]!;
      expect(d).toBeCloseTo(i === j ? 1 : 0, 5);
    }
    for (const t of Object.values(tensors)) t.free();
  });
});

describe('rules', () => {
  it('globs: * stays within one name component, ** crosses them', () => {
    expect(globToRegExp('h.*.attn.c_proj.weight').test('h.11.attn.c_proj.weight')).toBe(true);
    expect(globToRegExp('h.*.attn.c_proj.weight').test('h.1.x.attn.c_proj.weight')).toBe(false);
    expect(globToRegExp('**.bias').test('h.1.attn.c_proj.bias')).toBe(true);
    expect(globToRegExp('*.bias').test('h.1.bias')).toBe(false);
  });
  it('user rules come first and override the recipe', () => {
    const s = gpt2({ nLayer: 2, nEmbd: 16, vocab: 10, nCtx: 4, nHead: 2 });
    const rules: Rule[] = [{ id: 'mine', match: { name: 'h.*.attn.c_proj.weight' }, init: { initializer: 'zeros' }, why: 'test' }];
    const { plan, tensors } = initModel(wi, s, { seed: 1, recipe: 'gpt2', rules });
    expect(entry(plan, 'h.1.attn.c_proj.weight').rule).toBe('mine');
    expect(nums(tensors['h.1.attn.c_proj.weight']!).every((x) => x === 0)).toBe(true);
    expect(entry(plan, 'h.1.mlp.c_proj.weight').rule).toBe('gpt2.residual');
    for (const t of Object.values(tensors)) t.free();
  });
  it('a tensor no rule matches is an error naming it', () => {
    expect(() => planModel(wi, spec([{ name: 'mystery', shape: [3, 3] }]), { seed: 1 })).toThrow(/"mystery"/);
  });
  it('an unknown recipe or initializer is an error', () => {
    expect(() => planModel(wi, mlp(), { seed: 1, recipe: 'nope' })).toThrow(/nope/);
    const rules: Rule[] = [{ id: 'bad', match: { name: '**' }, init: { initializer: 'notAMethod' }, why: '' }];
    expect(() => planModel(wi, mlp(), { seed: 1, rules })).toThrow(/notAMethod/);
  });
  it('entries are plain JSON', () => {
    const p = planModel(wi, gpt2({ nLayer: 1, nEmbd: 16, vocab: 10, nCtx: 4, nHead: 2 }), { seed: 1, recipe: 'gpt2' });
    expect(JSON.parse(JSON.stringify(p.entries))).toEqual(p.entries);
  });
});

describe('fillEntry and writeModel', () => {
  it('fillEntry ranges equal slices of the whole tensor', () => {
    const s = lstm({ vocab: 30, input: 8, hidden: 8, layers: 1, classes: 5 });
    const { plan, tensors } = initModel(wi, s, { seed: 6, recipe: 'best-practice' });
    for (const e of plan.entries) {
      const whole = data(tensors[e.name]!);
      const n = whole.length;
      const out = new Float32Array(n);
      for (let a = 0; a < n; a += 37) fillEntry(wi, e, a, Math.min(37, n - a), out.subarray(a, Math.min(n, a + 37)));
      expect(bytes(out).equals(bytes(whole)), e.name).toBe(true);
    }
    for (const t of Object.values(tensors)) t.free();
  });
  for (const dtype of ['float32', 'bfloat16'] as const) {
    it(`writeModel (${dtype}) reads back bit for bit equal to initModel, with metadata`, async () => {
      const s = gpt2({ nLayer: 2, nEmbd: 32, vocab: 50, nCtx: 8, nHead: 2 });
      const path = join(dir, `gpt2-${dtype}.safetensors`);
      const res = await writeModel(wi, s, path, { seed: 12, dtype, recipe: 'gpt2', chunkBytes: 1000 });
      const h = await readSafetensorsHeader(path);
      expect(h.metadata).toMatchObject({ format: 'pt', seed: '12', recipe: 'gpt2', rules: '[]' });
      expect(h.metadata.weightinit).toMatch(/^\d+\.\d+\.\d+/);
      const { tensors } = initModel(wi, s, { seed: 12, dtype, recipe: 'gpt2' });
      expect(res.plan.entries.length).toBe(Object.keys(tensors).length);
      for (const [name, t] of Object.entries(tensors)) {
        const back = await readTensor(path, name);
        expect(bytes(back).equals(bytes(data(t))), name).toBe(true);
        t.free();
      }
    });
  }
  it('writeModel with a worker pool (its buffers in the shared wasm memory) writes the same bytes; observe sees every value once, as written', async () => {
    const s = gpt2({ nLayer: 2, nEmbd: 64, vocab: 300, nCtx: 16, nHead: 2 });
    const pooled = await load({ seed: 1, workers: 1 });
    for (const dtype of ['float32', 'bfloat16'] as const) {
      const a = join(dir, `pool-${dtype}-0.safetensors`);
      const b = join(dir, `pool-${dtype}-1.safetensors`);
      await writeModel(wi, s, a, { seed: 4, dtype, recipe: 'gpt2' });
      const seen = new Map<string, Uint8Array[]>();
      const inWasm = new Set<string>();
      const e = engineOf(pooled);
      await writeModel(pooled, s, b, {
        seed: 4,
        dtype,
        recipe: 'gpt2',
        chunkBytes: 4096,
        observe(entry, start, values) {
          const list = seen.get(entry.name) ?? [];
          expect(start).toBe(list.reduce((n, c) => n + c.length / (dtype === 'float32' ? 4 : 2), 0));
          list.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice());
          seen.set(entry.name, list);
          if (values.buffer === e.memory.buffer) inWasm.add(entry.name);
        },
      });
      expect(readFileSync(b).equals(readFileSync(a)), dtype).toBe(true);
      const h = await readSafetensorsHeader(b);
      const file = readFileSync(b);
      for (const t of h.tensors) {
        const chunks = seen.get(t.name) ?? [];
        expect(Buffer.concat(chunks).equals(file.subarray(t.fileBegin, t.fileEnd)), t.name).toBe(true);
        if (t.count > 0) expect(inWasm.has(t.name), t.name).toBe(true);
      }
    }
  });
  it('with a pool, chunks are drawn and summed in place even when the write grows the memory (no temporary region, no staging copy)', async () => {
    const s = gpt2({ nLayer: 1, nEmbd: 512, vocab: 2000, nCtx: 64, nHead: 8 });
    const pooled = await load({ seed: 1, workers: 1 });
    const e = engineOf(pooled);
    const before = e.memory.buffer.byteLength;
    const labels: string[] = [];
    const alloc = e.heap.alloc.bind(e.heap);
    e.heap.alloc = (bytes: number, label?: string) => (labels.push(label ?? ''), alloc(bytes, label));
    const plan = planModel(pooled, s, { seed: 4, dtype: 'float32', recipe: 'gpt2' });
    const stats = new Map<string, RunningStats>();
    const observer = statsObserver(pooled, plan, stats);
    const path = join(dir, 'pool-grow.safetensors');
    try {
      await writePlan(pooled, plan, path, { observe: observer.observe });
    } finally {
      observer.release();
      e.heap.alloc = alloc;
    }
    // the write's own buffers grew the memory: the chunks' views are over older buffer objects
    expect(e.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(labels.filter((l) => /temporary region|staging/.test(l))).toEqual([]);
    // and the statistics are those of the file's values
    const back = await readTensor(path, 'wte.weight');
    const v = Array.from(back as Float32Array);
    const mean = v.reduce((a, x) => a + x, 0) / v.length;
    expect(stats.get('wte.weight')!.toJSON().mean).toBeCloseTo(mean, 12);
    pooled.close();
  });
  it('writeModel sharded: every tensor in its shard, equal to initModel', async () => {
    const s = mlp({ sizes: [30, 20, 10] });
    const out = join(dir, 'sharded');
    const res = await writeModel(wi, s, out, { seed: 3, shards: 2 });
    const files = 'files' in res.written ? res.written.files : [];
    expect(files.length).toBe(2);
    const { tensors } = initModel(wi, s, { seed: 3 });
    const index = 'index' in res.written ? res.written.index! : undefined;
    for (const [name, t] of Object.entries(tensors)) {
      const back = await readTensor(join(out, index!.weight_map[name]!), name);
      expect(bytes(back).equals(bytes(data(t))), name).toBe(true);
      t.free();
    }
  });
});

describe('writePlan and writeModel take only what planModel made, and check everything first', () => {
  const small = () => mlp({ sizes: [6, 5, 4] });
  const noFiles = () => expect(readdirSync(dir).filter((f) => f.startsWith('.') || f.startsWith('h-'))).toEqual([]);
  const rejects = async (p: Promise<unknown>, Kind: new (...a: never[]) => Error, message: RegExp) => {
    const err = await p.catch((e: unknown) => e);
    expect(err, String(message)).toBeInstanceOf(Kind);
    expect((err as Error).message).toMatch(message);
    noFiles();
  };

  it('a plan not made by planModel (a copy, an edited copy naming hasOwnProperty or close, {}) is a TypeError; nothing is written', async () => {
    const w = await load({ seed: 1, workers: 0 });
    const plan = planModel(w, small(), { seed: 1 });
    const copy = { ...plan, entries: plan.entries.map((e) => ({ ...e })) };
    const hostile = [
      {},
      copy,
      { ...copy, entries: copy.entries.map((e, i) => (i === 1 ? { ...e, initializer: 'hasOwnProperty' } : e)) },
      { ...copy, entries: copy.entries.map((e, i) => (i === 1 ? { ...e, initializer: 'close' } : e)) },
      { ...copy, entries: copy.entries.map((e, i) => (i === 0 ? { ...e, key: 'x' } : e)) },
      null,
    ];
    for (const p of hostile) {
      await rejects(writePlan(w, p as Plan, join(dir, 'h-plan.safetensors')), TypeError, /^writePlan: plan must be a plan made by planModel/);
    }
    expect(() => fillEntry(w, copy.entries[0]!, 0, 1, new Float32Array(1))).toThrow(/^fillEntry: entry must be an entry of a plan made by planModel/);
    // the instance was not closed or changed: it still draws what its twin draws
    const twin = await load({ seed: 1, workers: 0 });
    expect(bytes(w.normal([8]).data).equals(bytes(twin.normal([8]).data))).toBe(true);
  });

  it('planModel refuses an initializer outside the allow-list and options the initializer refuses, keeping the error type', async () => {
    for (const name of ['hasOwnProperty', 'close', 'scope', 'uint32', 'planModel']) {
      const rules: Rule[] = [{ id: 'r', match: { name: '**' }, init: { initializer: name }, why: '' }];
      expect(() => planModel(wi, small(), { seed: 1, rules }), name).toThrow(RangeError);
      expect(() => planModel(wi, small(), { seed: 1, rules }), name).toThrow(/^planModel: rule "r" names ".*", which is not an initializer a plan can use \(uniform, normal, /);
    }
    const bad = (options: Record<string, unknown>): Rule[] => [{ id: 'b', match: { name: '**' }, init: { initializer: 'normal', options }, why: '' }];
    expect(() => planModel(wi, small(), { seed: 1, rules: bad({ bogus: 1 }) })).toThrow(TypeError);
    expect(() => planModel(wi, small(), { seed: 1, rules: bad({ bogus: 1 }) })).toThrow(/^planModel: rule "b" gives tensor "fc1.weight" a call normal refuses: weightinit\.normal: unknown option "bogus"/);
    expect(() => planModel(wi, small(), { seed: 1, rules: bad({ std: -1 }) })).toThrow(RangeError);
    expect(() => planModel(wi, small(), { seed: 1, rules: 'x' as never })).toThrow(/^planModel: rules must be an array/);
  });

  it('a plan is frozen all the way down; observe gets its frozen entries', async () => {
    const plan = planModel(wi, small(), { seed: 2 });
    expect(Object.isFrozen(plan) && Object.isFrozen(plan.entries) && Object.isFrozen(plan.rules)).toBe(true);
    for (const e of plan.entries) expect(Object.isFrozen(e) && Object.isFrozen(e.shape) && Object.isFrozen(e.options), e.name).toBe(true);
    expect(() => ((plan.entries[0] as { initializer: string }).initializer = 'close')).toThrow(TypeError);
    const seen = new Set<PlanEntry>();
    await writePlan(wi, plan, join(dir, 'frozen.safetensors'), {
      chunkBytes: 16,
      observe(entry) {
        expect(Object.isFrozen(entry)).toBe(true);
        seen.add(entry);
      },
    });
    expect([...seen]).toEqual([...plan.entries].filter((e) => e.shape.reduce((a, d) => a * d, 1) > 0));
    expect(seen.has(plan.entries[0]!)).toBe(true);
  });

  it('the metadata records the rules the plan was made with, whoever writes it', async () => {
    const rules: Rule[] = [{ id: 'mine', match: { name: '**.bias' }, init: { initializer: 'constant', options: { value: 0.5 } }, why: 'test' }];
    const plan = planModel(wi, small(), { seed: 3, rules });
    const path = join(dir, 'rules.safetensors');
    await writePlan(wi, plan, path);
    const h = await readSafetensorsHeader(path);
    expect(JSON.parse(h.metadata.rules!)).toEqual(rules);
    expect(planMetadata(plan).rules).toBe(h.metadata.rules);
    // changing the caller's rules afterwards changes nothing recorded
    (rules[0] as { why: string }).why = 'changed';
    expect(JSON.parse(planMetadata(plan).rules!)[0].why).toBe('test');
  });

  it('writePlan options: read once, strictly, checked before anything; errors prefixed writePlan:', async () => {
    const plan = planModel(wi, small(), { seed: 1 });
    const path = join(dir, 'h-opts.safetensors');
    let reads = 0;
    const cases: [unknown, new (...a: never[]) => Error, RegExp][] = [
      [{ chunkbytes: 5 }, TypeError, /^writePlan: unknown option "chunkbytes"; valid options are "shards", "rank", "onProgress", "signal", "chunkBytes", "observe"/],
      [{ rules: [] }, TypeError, /^writePlan: unknown option "rules"/],
      [Object.create({ chunkBytes: -1 }), TypeError, /^writePlan: options must be a plain object/],
      [null, TypeError, /^writePlan: options must be a plain object \(\{ \.\.\. \}\), got null/],
      [{ get chunkBytes() { reads++; return 64; } }, TypeError, /^writePlan: option "chunkBytes" is a getter/],
      [{ observe: 42 }, TypeError, /^writePlan: observe must be a function, got 42/],
      [{ onProgress: 'x' }, TypeError, /^writePlan: onProgress must be a function/],
      [{ signal: {} }, TypeError, /^writePlan: signal must be an AbortSignal/],
      [{ chunkBytes: 0 }, RangeError, /^writePlan: chunkBytes must be a positive integer, got 0/],
      [{ shards: 1.5 }, RangeError, /^writePlan: shards must be a positive integer/],
      [{ shards: 2, rank: { index: 2, size: 2 } }, RangeError, /^writePlan: rank.index must be an integer in \[0, 1\], got 2/],
      [{ shards: 2, rank: { index: 0, size: 2, extra: 1 } }, TypeError, /^writePlan: rank: unknown option "extra"/],
      [{ shards: 2, rank: { index: 0 } }, TypeError, /^writePlan: rank must give both index and size/],
    ];
    for (const [opts, Kind, message] of cases) await rejects(writePlan(wi, plan, path, opts as WritePlanOptions), Kind, message);
    expect(reads).toBe(0);
    await rejects(writePlan(wi, plan, ''), TypeError, /^writePlan: path must be a non-empty string/);
  });

  it('writeModel options: read once, strictly; errors prefixed writeModel:', async () => {
    const path = join(dir, 'h-model.safetensors');
    let reads = 0;
    const cases: [unknown, new (...a: never[]) => Error, RegExp][] = [
      [undefined, TypeError, /^writeModel: options must give a seed/],
      [null, TypeError, /^writeModel: options must be a plain object/],
      [{ seed: 1, chunkbytes: 5 }, TypeError, /^writeModel: unknown option "chunkbytes"/],
      [Object.assign(Object.create({ observe: () => undefined }), { seed: 1 }), TypeError, /^writeModel: options must be a plain object/],
      [{ seed: 1, get chunkBytes() { reads++; return 4096; } }, TypeError, /^writeModel: option "chunkBytes" is a getter/],
      [{ seed: 1, observe: 42 }, TypeError, /^writeModel: observe must be a function, got 42/],
      [{ seed: 1, shards: 0 }, RangeError, /^writeModel: shards must be a positive integer, got 0/],
    ];
    for (const [opts, Kind, message] of cases) await rejects(writeModel(wi, small(), path, opts as WriteModelOptions), Kind, message);
    expect(reads).toBe(0);
    // more rules than the strict reader's usual 64 are fine
    const rules: Rule[] = Array.from({ length: 100 }, (_, i) => ({ id: `r${i}`, match: { name: `none.${i}` }, init: { initializer: 'zeros' }, why: '' }));
    const res = await writeModel(wi, small(), join(dir, 'many-rules.safetensors'), { seed: 1, rules });
    expect(JSON.parse(res.metadata.rules!)).toHaveLength(100);
  });
});
