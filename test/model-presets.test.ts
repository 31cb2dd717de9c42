// Model specs: presets against the published architectures (names, shapes, parameter counts
// from the Hugging Face configs), parseSpec's validation and its agreement with
// spec.schema.json, and inferKind on every preset name.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferKind, KIND_RULES, specFromTensors } from '../src/model/infer.js';
import { cnn, gpt2, llama, llama32_1b, lstm, mlp, preset, PRESET_NAMES } from '../src/model/presets.js';
import {
  ACTIVATIONS,
  KINDS,
  LAYOUTS,
  MODEL_FIELDS,
  parameterCount,
  parseSpec,
  REQUIRED_SPEC_FIELDS,
  REQUIRED_TENSOR_FIELDS,
  SPEC_DTYPES,
  SPEC_FIELDS,
  SpecError,
  TENSOR_FIELDS,
  type ModelSpec,
} from '../src/model/spec.js';

const count = (s: ModelSpec) => s.tensors.reduce((a, t) => a + t.shape.reduce((b, d) => b * d, 1), 0);
const byName = (s: ModelSpec) => new Map(s.tensors.map((t) => [t.name, t]));

describe('presets', () => {
  it('GPT-2 small: 124,439,808 parameters, 148 tensors, HF GPT2Model names, Conv1D weights [in, out] with layout tf', () => {
    const s = gpt2();
    // config: n_layer 12, n_embd 768, vocab 50257, n_positions 1024, n_inner 4*768
    const [L, E, V, P] = [12, 768, 50257, 1024];
    const perLayer = 2 * E + (E * 3 * E + 3 * E) + (E * E + E) + 2 * E + (E * 4 * E + 4 * E) + (4 * E * E + E);
    expect(V * E + P * E + L * perLayer + 2 * E).toBe(124_439_808);
    expect(count(s)).toBe(124_439_808);
    expect(parameterCount(s)).toBe(124_439_808);
    expect(s.tensors.length).toBe(2 + 12 * 12 + 2);
    const t = byName(s);
    expect(t.get('h.0.attn.c_attn.weight')).toEqual({ name: 'h.0.attn.c_attn.weight', shape: [768, 2304], kind: 'attention_qkv', activation: 'linear', layout: 'tf' });
    expect(s.tensors.slice(0, 16).map((x) => `${x.name} ${JSON.stringify(x.shape)}`)).toEqual([
      'wte.weight [50257,768]',
      'wpe.weight [1024,768]',
      'h.0.ln_1.weight [768]',
      'h.0.ln_1.bias [768]',
      'h.0.attn.c_attn.weight [768,2304]',
      'h.0.attn.c_attn.bias [2304]',
      'h.0.attn.c_proj.weight [768,768]',
      'h.0.attn.c_proj.bias [768]',
      'h.0.ln_2.weight [768]',
      'h.0.ln_2.bias [768]',
      'h.0.mlp.c_fc.weight [768,3072]',
      'h.0.mlp.c_fc.bias [3072]',
      'h.0.mlp.c_proj.weight [3072,768]',
      'h.0.mlp.c_proj.bias [768]',
      'h.1.ln_1.weight [768]',
      'h.1.ln_1.bias [768]',
    ]);
    expect(s.tensors.slice(-2).map((x) => x.name)).toEqual(['ln_f.weight', 'ln_f.bias']);
    expect(t.has('h.11.mlp.c_proj.bias')).toBe(true);
    expect(t.has('h.12.ln_1.weight')).toBe(false);
    expect(t.get('h.5.mlp.c_proj.weight')!.kind).toBe('mlp_out');
    expect(t.get('h.5.attn.c_proj.weight')!.kind).toBe('attention_out');
    expect(t.get('h.5.mlp.c_fc.weight')!.activation).toBe('gelu');
    expect(s.model).toMatchObject({ family: 'gpt2', nLayer: 12, hidden: 768, nHead: 12, vocab: 50257, nCtx: 1024, tiedEmbeddings: true, initializerRange: 0.02 });
  });

  it('Llama 3.2 1B: 1,235,814,400 parameters, HF LlamaForCausalLM names, tied embeddings (no lm_head)', () => {
    const s = llama32_1b();
    // config: hidden 2048, intermediate 8192, 16 layers, 32 heads, 8 KV heads (head_dim 64), vocab 128256, tie_word_embeddings
    const [H, I, L, V, KV] = [2048, 8192, 16, 128256, 8 * 64];
    expect(V * H + L * (2 * H * H + 2 * KV * H + 3 * H * I + 2 * H) + H).toBe(1_235_814_400);
    expect(count(s)).toBe(1_235_814_400);
    expect(s.tensors.length).toBe(1 + 16 * 9 + 1);
    const t = byName(s);
    expect(t.get('model.layers.0.self_attn.k_proj.weight')!.shape).toEqual([512, 2048]);
    expect(t.get('model.layers.0.self_attn.v_proj.weight')!.shape).toEqual([512, 2048]);
    expect(t.get('model.layers.0.self_attn.q_proj.weight')!.shape).toEqual([2048, 2048]);
    expect(t.get('model.layers.0.self_attn.o_proj.weight')!.shape).toEqual([2048, 2048]);
    expect(t.get('model.layers.15.mlp.gate_proj.weight')!.shape).toEqual([8192, 2048]);
    expect(t.get('model.layers.15.mlp.up_proj.weight')!.shape).toEqual([8192, 2048]);
    expect(t.get('model.layers.15.mlp.down_proj.weight')).toEqual({ name: 'model.layers.15.mlp.down_proj.weight', shape: [2048, 8192], kind: 'mlp_out', activation: 'linear' });
    expect(t.get('model.embed_tokens.weight')!.shape).toEqual([128256, 2048]);
    expect(t.get('model.norm.weight')!.shape).toEqual([2048]);
    expect(t.get('model.layers.3.input_layernorm.weight')!.kind).toBe('norm_weight');
    expect(t.get('model.layers.3.post_attention_layernorm.weight')!.kind).toBe('norm_weight');
    expect(t.has('lm_head.weight')).toBe(false);
    expect(s.tensors.some((x) => x.name.endsWith('.bias'))).toBe(false);
    expect(s.model).toMatchObject({ family: 'llama', name: 'llama-3.2-1b', nLayer: 16, hidden: 2048, intermediate: 8192, nHead: 32, nKvHead: 8, vocab: 128256, tiedEmbeddings: true });
    const untied = llama({ tiedEmbeddings: false });
    expect(byName(untied).get('lm_head.weight')!.shape).toEqual([128256, 2048]);
    expect(count(untied)).toBe(1_235_814_400 + 128256 * 2048);
  });

  it('MLP 784-256-128-10, the CNN and the LSTM have PyTorch names and shapes', () => {
    const m = mlp();
    expect(m.tensors.map((t) => `${t.name} ${JSON.stringify(t.shape)} ${t.kind} ${t.activation ?? '-'}`)).toEqual([
      'fc1.weight [256,784] linear relu',
      'fc1.bias [256] bias -',
      'fc2.weight [128,256] linear relu',
      'fc2.bias [128] bias -',
      'fc3.weight [10,128] linear linear',
      'fc3.bias [10] bias -',
    ]);
    expect(count(m)).toBe(784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10);
    const c = cnn();
    expect(c.tensors.map((t) => `${t.name} ${JSON.stringify(t.shape)}`)).toEqual([
      'conv1.weight [32,1,3,3]',
      'conv1.bias [32]',
      'conv2.weight [64,32,3,3]',
      'conv2.bias [64]',
      'fc1.weight [128,3136]', // 64 channels x 7 x 7 after two 2x2 poolings of 28x28
      'fc1.bias [128]',
      'fc2.weight [10,128]',
      'fc2.bias [10]',
    ]);
    const l = lstm({ vocab: 50, input: 6, hidden: 5, layers: 2, classes: 7 });
    expect(l.tensors.map((t) => `${t.name} ${JSON.stringify(t.shape)} ${t.kind}`)).toEqual([
      'embedding.weight [50,6] embedding',
      'lstm.weight_ih_l0 [20,6] recurrent_input',
      'lstm.weight_hh_l0 [20,5] recurrent_hidden',
      'lstm.bias_ih_l0 [20] recurrent_bias',
      'lstm.bias_hh_l0 [20] recurrent_bias',
      'lstm.weight_ih_l1 [20,5] recurrent_input',
      'lstm.weight_hh_l1 [20,5] recurrent_hidden',
      'lstm.bias_ih_l1 [20] recurrent_bias',
      'lstm.bias_hh_l1 [20] recurrent_bias',
      'fc.weight [7,5] linear',
      'fc.bias [7] bias',
    ]);
    expect(l.model).toMatchObject({ hidden: 5, nLayer: 2 });
  });

  it('tiny versions for tests: gpt2 and llama by options, with the same arithmetic', () => {
    const g = gpt2({ nLayer: 2, nEmbd: 8, nHead: 2, vocab: 11, nCtx: 5 });
    const E = 8;
    expect(count(g)).toBe(11 * E + 5 * E + 2 * (2 * E + (E * 3 * E + 3 * E) + (E * E + E) + 2 * E + (E * 4 * E + 4 * E) + (4 * E * E + E)) + 2 * E);
    expect(byName(g).get('h.1.mlp.c_fc.weight')!.shape).toEqual([8, 32]);
    expect(g.model!.nLayer).toBe(2);
    const l = llama({ nLayer: 1, hidden: 16, intermediate: 24, nHead: 4, nKvHead: 2, vocab: 10 });
    expect(byName(l).get('model.layers.0.self_attn.k_proj.weight')!.shape).toEqual([8, 16]);
    expect(l.model!.name).toBe('llama');
    expect(gpt2({ nInner: 10, nEmbd: 4, nHead: 1, nLayer: 1 }).tensors.find((t) => t.name === 'h.0.mlp.c_fc.weight')!.shape).toEqual([4, 10]);
  });

  it('preset by name, and bad options are errors', () => {
    expect(PRESET_NAMES).toEqual(['mlp', 'cnn', 'lstm', 'gpt2', 'llama-3.2-1b']);
    expect(preset('llama-3.2-1b')).toEqual(llama32_1b());
    expect(preset('gpt2', { nLayer: 1 }).tensors.length).toBe(2 + 12 + 2);
    expect(() => preset('gpt3')).toThrow(/unknown model "gpt3"; known: mlp, cnn, lstm, gpt2, llama-3.2-1b/);
    expect(() => gpt2({ n_layer: 2 } as never)).toThrow(/gpt2: unknown option "n_layer"/);
    expect(() => gpt2({ nLayer: 0 })).toThrow(/nLayer must be a positive integer, got 0/);
    expect(() => gpt2({ nInner: 0 })).toThrow(/nInner must be a positive integer, got 0/);
    expect(() => gpt2({ nEmbd: 10, nHead: 3 })).toThrow(/nEmbd \(10\) must be a multiple of nHead \(3\)/);
    expect(() => llama({ nHead: 6, nKvHead: 4, hidden: 24 })).toThrow(/nHead \(6\) must be a multiple of nKvHead \(4\)/);
    expect(() => mlp({ sizes: [3] })).toThrow(/at least an input and an output/);
    expect(() => mlp({ activation: 'swish' as never })).toThrow(/activation must be one of/);
    expect(() => cnn({ imageSize: 3 })).toThrow(/too small/);
  });

  it('every preset passes parseSpec: a JSON round trip gives back the same frozen spec', () => {
    const all = [mlp(), cnn(), lstm(), gpt2(), llama32_1b(), llama({ tiedEmbeddings: false }), gpt2({ nLayer: 1 }), lstm({ layers: 3 })];
    for (const s of all) {
      expect(parseSpec(JSON.parse(JSON.stringify(s)))).toEqual(s);
      expect(Object.isFrozen(s) && Object.isFrozen(s.tensors) && Object.isFrozen(s.tensors[0]) && Object.isFrozen(s.tensors[0]!.shape)).toBe(true);
      for (const t of s.tensors) expect(KINDS).toContain(t.kind);
    }
  });
});

describe('inferKind', () => {
  const presets = { gpt2: gpt2(), 'llama-3.2-1b': llama32_1b(), 'llama untied': llama({ tiedEmbeddings: false }), mlp: mlp(), cnn: cnn(), lstm: lstm({ layers: 2 }), 'gpt2 tiny': gpt2({ nLayer: 1, nEmbd: 8, nHead: 2 }) };
  for (const [name, s] of Object.entries(presets)) {
    it(`gives the preset's kind and layout for every ${name} tensor`, () => {
      const wrong = s.tensors
        .map((t) => ({ t, g: inferKind(t.name, t.shape) }))
        .filter(({ t, g }) => g.kind !== t.kind || g.layout !== (t.layout ?? 'torch'))
        .map(({ t, g }) => `${t.name}: preset ${t.kind}/${t.layout ?? 'torch'}, inferred ${g.kind}/${g.layout} by ${g.rule}`);
      expect(wrong).toEqual([]);
    });
  }

  it('GPT-2 names are decided by naming rules, never by the rank fallback', () => {
    for (const t of [...gpt2({ nLayer: 1 }).tensors, ...llama({ nLayer: 1 }).tensors]) expect(inferKind(t.name, t.shape).confident, t.name).toBe(true);
  });

  it('other architectures: BERT, T5, GPT-NeoX, ResNet, ViT, nn.MultiheadAttention, GPT-2 causal-mask buffers', () => {
    const cases: [string, number[], string | null, string?][] = [
      ['bert.embeddings.word_embeddings.weight', [30522, 768], 'embedding'],
      ['bert.embeddings.position_embeddings.weight', [512, 768], 'position_embedding'],
      ['bert.embeddings.token_type_embeddings.weight', [2, 768], 'embedding'],
      ['bert.embeddings.LayerNorm.weight', [768], 'norm_weight'],
      ['bert.embeddings.LayerNorm.bias', [768], 'norm_bias'],
      ['bert.encoder.layer.0.attention.self.query.weight', [768, 768], 'attention_qkv'],
      ['bert.encoder.layer.0.attention.self.value.bias', [768], 'bias'],
      ['bert.encoder.layer.0.attention.output.dense.weight', [768, 768], 'attention_out'],
      ['bert.encoder.layer.0.intermediate.dense.weight', [3072, 768], 'linear'],
      ['bert.encoder.layer.0.output.dense.weight', [768, 3072], 'mlp_out'],
      ['shared.weight', [32128, 512], 'embedding'],
      ['encoder.block.0.layer.0.SelfAttention.q.weight', [512, 512], 'attention_qkv'],
      ['encoder.block.0.layer.0.SelfAttention.o.weight', [512, 512], 'attention_out'],
      ['encoder.block.0.layer.1.DenseReluDense.wi.weight', [2048, 512], 'linear'],
      ['encoder.block.0.layer.1.DenseReluDense.wo.weight', [512, 2048], 'mlp_out'],
      ['encoder.final_layer_norm.weight', [512], 'norm_weight'],
      ['gpt_neox.embed_in.weight', [50432, 512], 'embedding'],
      ['gpt_neox.layers.0.attention.query_key_value.weight', [1536, 512], 'attention_qkv'],
      ['gpt_neox.layers.0.attention.dense.weight', [512, 512], 'attention_out'],
      ['gpt_neox.layers.0.mlp.dense_4h_to_h.weight', [512, 2048], 'mlp_out'],
      ['embed_out.weight', [50432, 512], 'linear'],
      ['conv1.weight', [64, 3, 7, 7], 'conv'],
      ['bn1.weight', [64], 'norm_weight'],
      ['bn1.running_mean', [64], 'norm_bias'],
      ['bn1.running_var', [64], 'norm_weight'],
      ['layer1.0.downsample.0.weight', [256, 64, 1, 1], 'conv'],
      ['layer1.0.downsample.1.weight', [256], 'norm_weight'],
      ['fc.weight', [1000, 2048], 'linear'],
      ['fc.bias', [1000], 'bias'],
      ['blocks.0.attn.qkv.weight', [2304, 768], 'attention_qkv'],
      ['blocks.0.mlp.fc2.weight', [768, 3072], 'mlp_out'],
      ['pos_embed', [1, 197, 768], 'position_embedding'],
      ['self_attn.in_proj_weight', [1536, 512], 'attention_qkv'],
      ['self_attn.in_proj_bias', [1536], 'bias'],
      ['self_attn.out_proj.weight', [512, 512], 'attention_out'],
      ['h.0.attn.bias', [1, 1, 1024, 1024], null],
      ['h.0.attn.masked_bias', [], null],
      ['transformer.h.0.attn.c_attn.weight', [768, 2304], 'attention_qkv', 'tf'],
      ['transformer.h.0.mlp.c_fc.weight', [3072, 768], 'linear', 'torch'], // an nn.Linear c_fc (GPT-Neo style) is [out, in]
      ['lm_head.weight', [50257, 768], 'linear'],
    ];
    const wrong = cases
      .map(([n, s, k, layout]) => ({ n, k, layout, g: inferKind(n, s) }))
      .filter(({ k, layout, g }) => g.kind !== k || (layout !== undefined && g.layout !== layout))
      .map(({ n, k, g }) => `${n}: expected ${k}, got ${g.kind}/${g.layout} by ${g.rule}`);
    expect(wrong).toEqual([]);
  });

  it('falls back on the rank, unsure, when no rule names the tensor', () => {
    expect(inferKind('mystery', [3, 4, 5])).toEqual({ kind: 'conv', layout: 'torch', rule: 'rank-3+', confident: false });
    expect(inferKind('mystery', [3, 4])).toEqual({ kind: 'linear', layout: 'torch', rule: 'rank-2', confident: false });
    expect(inferKind('logit_scale', [])).toEqual({ kind: 'bias', layout: 'torch', rule: 'rank-0', confident: false });
    expect(new Set(KIND_RULES.map((r) => r.id)).size).toBe(KIND_RULES.length); // rule ids are unique
  });

  it('specFromTensors builds a spec from a header: kinds and layouts inferred, buffers skipped', () => {
    const header = [...gpt2({ nLayer: 2, nEmbd: 8, nHead: 2, vocab: 11, nCtx: 5 }).tensors.map((t) => ({ name: t.name, shape: t.shape })), { name: 'h.0.attn.bias', shape: [1, 1, 5, 5] }, { name: 'odd', shape: [2, 2] }];
    const r = specFromTensors(header, { family: 'gpt2', nLayer: 2 });
    expect(r.skipped).toEqual(['h.0.attn.bias']);
    expect(r.unsure).toEqual(['odd']);
    expect(r.spec.tensors.find((t) => t.name === 'h.1.attn.c_attn.weight')).toEqual({ name: 'h.1.attn.c_attn.weight', shape: [8, 24], kind: 'attention_qkv', layout: 'tf' });
    expect(r.spec.model).toEqual({ family: 'gpt2', nLayer: 2 });
  });
});

describe('parseSpec', () => {
  const err = (v: unknown): string => {
    try {
      parseSpec(v);
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      return (e as Error).message;
    }
    throw new Error('parseSpec accepted it');
  };

  it('accepts the minimal form and returns a frozen copy', () => {
    const input = { tensors: [{ name: 'fc1.weight', shape: [256, 784], kind: 'linear', activation: 'relu' }] };
    const s = parseSpec(input);
    expect(s).toEqual(input);
    expect(s).not.toBe(input);
    expect(Object.isFrozen(s.tensors[0]!.shape)).toBe(true);
    input.tensors[0]!.shape[0] = 1;
    expect(s.tensors[0]!.shape[0]).toBe(256);
    expect(parseSpec('{"tensors": []}')).toEqual({ tensors: [] });
  });

  it('names the tensor and the field in plain English', () => {
    const t = (i: number, extra: object) => ({ tensors: [...Array.from({ length: i }, (_, k) => ({ name: `t${k}`, shape: [1] })), { name: 'h.0.attn.c_attn.weight', shape: [768, 2304], ...extra }] });
    expect(err(t(3, { shape: [768, -5] }))).toBe('tensors[3] ("h.0.attn.c_attn.weight").shape[1] must be a non-negative integer, got -5');
    expect(err(t(0, { shape: [1.5] }))).toBe('tensors[0] ("h.0.attn.c_attn.weight").shape[0] must be a non-negative integer, got 1.5');
    expect(err(t(0, { shape: '768x2304' }))).toBe('tensors[0] ("h.0.attn.c_attn.weight").shape must be an array of non-negative integers, got "768x2304"');
    expect(err(t(1, { kind: 'dense' }))).toMatch(/^tensors\[1\] \("h.0.attn.c_attn.weight"\)\.kind must be one of "linear", "conv", .*, got "dense"$/);
    expect(err(t(0, { activation: 'swish' }))).toMatch(/\.activation must be one of "linear", "relu", .*got "swish"$/);
    expect(err(t(0, { fan_in: 3 }))).toMatch(/^tensors\[0\] \("h.0.attn.c_attn.weight"\) has an unknown field "fan_in" \(did you mean "fanIn"\?\)/);
    expect(err(t(0, { fanIn: 0 }))).toBe('tensors[0] ("h.0.attn.c_attn.weight").fanIn must be a positive integer, got 0');
    expect(err(t(0, { negativeSlope: 0.1, activation: 'relu' }))).toMatch(/negativeSlope is only meaningful with activation "leaky_relu", got activation "relu"/);
    expect(err(t(0, { layout: 'jax' }))).toMatch(/\.layout must be one of "torch", "tf", got "jax"/);
    expect(err({ tensors: [{ shape: [1] }] })).toBe('tensors[0].name must be a non-empty string, got undefined');
    expect(err({ tensors: [{ name: 'a', shape: [1] }, { name: 'a', shape: [2] }] })).toBe('tensors[1] ("a").name is also the name of tensors[0]; names must be unique');
    expect(err({ tensors: [{ name: 'a', shape: [2 ** 30, 2 ** 30, 2 ** 30] }] })).toMatch(/more than 2\^53 - 1 elements/);
    expect(err({ tensors: {} })).toBe('tensors must be an array of { name, shape, ... }, got an object');
    expect(err({ tensor: [] })).toMatch(/^the spec has an unknown field "tensor"/);
    expect(err({ tensors: [], model: { nLayers: 2 } })).toMatch(/^model has an unknown field "nLayers"/);
    expect(err({ tensors: [], model: { nLayer: 0 } })).toBe('model.nLayer must be a positive integer, got 0');
    expect(err({ tensors: [], model: { initializerRange: -1 } })).toBe('model.initializerRange must be a positive number, got -1');
    expect(err('{"tensors": [')).toMatch(/^the spec is not valid JSON/);
    expect(err([])).toMatch(/^a spec must be an object/);
    const e = (() => {
      try {
        parseSpec(t(3, { shape: [768, -5] }));
      } catch (x) {
        return x as SpecError;
      }
    })();
    expect(e?.path).toBe('tensors[3].shape[1]');
  });

  it('reads own data properties only, each once: no getters, no inherited fields, no holes', () => {
    let reads = 0;
    const counted = { tensors: [{ name: 'a', shape: [2] }] };
    const proxy = new Proxy(counted, {
      get(target, key, recv) {
        if (key === 'tensors') reads++;
        return Reflect.get(target, key, recv);
      },
      getOwnPropertyDescriptor(target, key) {
        if (key === 'tensors') reads++;
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
    });
    parseSpec(proxy);
    expect(reads).toBe(1);
    const withGetter = { tensors: [] as unknown[] };
    Object.defineProperty(withGetter.tensors, 0, { get: () => ({ name: 'a', shape: [1] }), enumerable: true });
    expect(err(withGetter)).toMatch(/tensors\[0\] is an accessor/);
    const inherited = Object.create({ kind: 'linear' }) as Record<string, unknown>;
    inherited.name = 'w';
    inherited.shape = [1, 2];
    expect(parseSpec({ tensors: [inherited] }).tensors[0]).toEqual({ name: 'w', shape: [1, 2] });
    // eslint-disable-next-line no-sparse-arrays
    expect(err({ tensors: [{ name: 'a', shape: [1, , 2] }] })).toMatch(/shape\[1\] is missing/);
  });

  it('copies a spec-level layout into tensors that give none', () => {
    const s = parseSpec({ layout: 'tf', tensors: [{ name: 'a', shape: [3, 4] }, { name: 'b', shape: [3, 4], layout: 'torch' }] });
    expect(s.tensors.map((t) => t.layout)).toEqual(['tf', 'torch']);
  });
});

// ---------------------------------------------------------------------------------------------
// spec.schema.json and parseSpec agree. No JSON Schema package is installed, so this is a small
// validator for exactly the keywords the schema uses; any other keyword is an error, so the
// schema cannot grow a rule this test silently ignores.

type Schema = Record<string, unknown>;
const SCHEMA = JSON.parse(readFileSync(new URL('../src/model/spec.schema.json', import.meta.url), 'utf8')) as Schema;
const ANNOTATIONS = new Set(['$schema', 'title', 'description', '$defs']);

function resolve(ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(2).split('/').reduce<unknown>((s, k) => (s as Schema)[k], SCHEMA) as Schema;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function valid(s: Schema, v: unknown): boolean {
  for (const [k, rule] of Object.entries(s)) {
    if (ANNOTATIONS.has(k)) continue;
    switch (k) {
      case '$ref':
        if (!valid(resolve(rule as string), v)) return false;
        break;
      case 'type': {
        const t = typeOf(v);
        if (!(t === rule || (rule === 'number' && t === 'integer'))) return false;
        break;
      }
      case 'enum':
        if (!(rule as unknown[]).includes(v)) return false;
        break;
      case 'const':
        if (v !== rule) return false;
        break;
      case 'minimum':
        if (typeof v === 'number' && v < (rule as number)) return false;
        break;
      case 'maximum':
        if (typeof v === 'number' && v > (rule as number)) return false;
        break;
      case 'exclusiveMinimum':
        if (typeof v === 'number' && v <= (rule as number)) return false;
        break;
      case 'minLength':
        if (typeof v === 'string' && [...v].length < (rule as number)) return false;
        break;
      case 'required':
        if (typeOf(v) === 'object' && !(rule as string[]).every((r) => Object.hasOwn(v as object, r))) return false;
        break;
      case 'properties':
        if (typeOf(v) === 'object') for (const [p, ps] of Object.entries(rule as Record<string, Schema>)) if (Object.hasOwn(v as object, p) && !valid(ps, (v as Schema)[p])) return false;
        break;
      case 'additionalProperties':
        if (rule !== false) throw new Error('only additionalProperties: false is supported');
        if (typeOf(v) === 'object' && Object.keys(v as object).some((p) => !Object.hasOwn((s.properties ?? {}) as object, p))) return false;
        break;
      case 'items':
        if (Array.isArray(v) && !v.every((x) => valid(rule as Schema, x))) return false;
        break;
      case 'if':
        if (valid(rule as Schema, v) && s.then !== undefined && !valid(s.then as Schema, v)) return false;
        break;
      case 'then':
        break;
      default:
        throw new Error(`the test's validator does not know the schema keyword ${JSON.stringify(k)}`);
    }
  }
  return true;
}

const parses = (v: unknown) => {
  try {
    parseSpec(v);
    return true;
  } catch {
    return false;
  }
};

describe('spec.schema.json agrees with parseSpec', () => {
  it('is a draft 2020-12 schema whose field lists, required lists and enums are the TypeScript constants', () => {
    expect(SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const defs = SCHEMA.$defs as Record<string, Schema>;
    const tensor = defs.tensor!;
    const tprops = tensor.properties as Record<string, Schema>;
    expect(Object.keys(SCHEMA.properties as object)).toEqual([...SPEC_FIELDS]);
    expect(SCHEMA.required).toEqual([...REQUIRED_SPEC_FIELDS]);
    expect(Object.keys(tprops)).toEqual([...TENSOR_FIELDS]);
    expect(tensor.required).toEqual([...REQUIRED_TENSOR_FIELDS]);
    expect(Object.keys(defs.model!.properties as object)).toEqual([...MODEL_FIELDS]);
    expect(tprops.kind!.enum).toEqual([...KINDS]);
    expect(tprops.activation!.enum).toEqual([...ACTIVATIONS]);
    expect(tprops.dtype!.enum).toEqual([...SPEC_DTYPES]);
    expect(defs.layout!.enum).toEqual([...LAYOUTS]);
    expect([SCHEMA.additionalProperties, tensor.additionalProperties, defs.model!.additionalProperties]).toEqual([false, false, false]);
  });

  const tensor = (extra: object) => ({ tensors: [{ name: 'w', shape: [4, 3], ...extra }] });
  const VALID: unknown[] = [
    { tensors: [] },
    { tensors: [{ name: 'fc1.weight', shape: [256, 784], kind: 'linear', activation: 'relu' }] },
    tensor({}),
    tensor({ shape: [] }),
    tensor({ shape: [0, 5] }),
    tensor({ kind: 'attention_qkv', layout: 'tf', fanIn: 3, fanOut: 4, dtype: 'bfloat16' }),
    tensor({ activation: 'leaky_relu', negativeSlope: 0.2 }),
    tensor({ activation: 'leaky_relu' }),
    { $schema: './spec.schema.json', layout: 'torch', model: { family: 'gpt2', nLayer: 12, tiedEmbeddings: true, initializerRange: 0.02 }, tensors: [] },
    ...gpt2({ nLayer: 1, nEmbd: 4, nHead: 1, vocab: 7, nCtx: 3 }).tensors.map((t) => ({ tensors: [t] })),
    JSON.parse(JSON.stringify(lstm({ vocab: 5, input: 2, hidden: 2 }))),
  ];
  const INVALID: unknown[] = [
    {},
    [],
    'tensors',
    { tensors: {} },
    { tensors: [], extra: 1 },
    { tensors: [{ shape: [1] }] },
    { tensors: [{ name: 'a' }] },
    tensor({ name: '' }),
    tensor({ name: 3 }),
    tensor({ shape: [4, -5] }),
    tensor({ shape: [1.5] }),
    tensor({ shape: ['4'] }),
    tensor({ shape: [2 ** 53] }),
    tensor({ kind: 'dense' }),
    tensor({ activation: 'swish' }),
    tensor({ layout: 'jax' }),
    tensor({ fanIn: 0 }),
    tensor({ fanOut: 2.5 }),
    tensor({ dtype: 'F32' }),
    tensor({ negativeSlope: 0.2 }),
    tensor({ negativeSlope: 0.2, activation: 'relu' }),
    tensor({ negativeSlope: '0.2', activation: 'leaky_relu' }),
    tensor({ fan_in: 3 }),
    { tensors: [], layout: 'jax' },
    { tensors: [], model: [] },
    { tensors: [], model: { nLayers: 2 } },
    { tensors: [], model: { nLayer: 0 } },
    { tensors: [], model: { family: '' } },
    { tensors: [], model: { tiedEmbeddings: 'yes' } },
    { tensors: [], model: { initializerRange: 0 } },
    { tensors: [], $schema: 5 },
  ];

  it('accepts the same valid examples', () => {
    for (const v of VALID) expect([valid(SCHEMA, v), parses(v)], JSON.stringify(v)).toEqual([true, true]);
  });

  it('rejects the same invalid examples', () => {
    for (const v of INVALID) expect([valid(SCHEMA, v), parses(v)], JSON.stringify(v)).toEqual([false, false]);
  });

  it('the checks a JSON Schema cannot state are parseSpec-only (and said so in the schema description)', () => {
    const onlyParse = [
      { tensors: [{ name: 'a', shape: [1] }, { name: 'a', shape: [1] }] }, // unique names
      { tensors: [{ name: 'a', shape: [2 ** 30, 2 ** 30, 2 ** 30] }] }, // element count beyond 2^53 - 1
    ];
    for (const v of onlyParse) expect([valid(SCHEMA, v), parses(v)]).toEqual([true, false]);
    expect(SCHEMA.description).toMatch(/unique/);
    expect(SCHEMA.description).toMatch(/2\^53 - 1/);
  });
});
