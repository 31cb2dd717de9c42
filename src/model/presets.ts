// Model presets: specs with the exact tensor names and shapes of the public checkpoints
// (PyTorch state_dict / Hugging Face safetensors names and layout), kinds and activations
// filled in, and the model-level facts the initialization rules need.
//
// Layouts: nn.Linear and nn.ConvNd weights are [out, in, ...k] ('torch'). GPT-2 uses
// transformers' Conv1D, whose weight is [in, out]: those tensors say layout 'tf' so that fans
// come out right (h.0.attn.c_attn.weight [768, 2304]: fan_in 768, fan_out 2304).
import { ACTIVATIONS, parseSpec, type Activation, type Layout, type ModelInfo, type ModelSpec, type TensorKind } from './spec.js';

type Entry = { name: string; shape: number[]; kind: TensorKind; activation?: Activation; layout?: Layout };

function spec(model: ModelInfo, tensors: Entry[]): ModelSpec {
  return parseSpec({ model, tensors });
}

/** Reads a preset's options: known keys only, each of its default's type (numbers: positive integers). */
function options<T extends Record<string, unknown>>(fn: string, opts: unknown, defaults: T): T {
  if (opts === undefined) return { ...defaults };
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new TypeError(`${fn}: options must be an object, got ${String(opts)}`);
  const out: Record<string, unknown> = { ...defaults };
  for (const k of Object.keys(opts)) {
    if (!Object.hasOwn(defaults, k)) throw new TypeError(`${fn}: unknown option ${JSON.stringify(k)} (known: ${Object.keys(defaults).join(', ')})`);
    const v: unknown = (opts as Record<string, unknown>)[k];
    const d = defaults[k];
    if (typeof d === 'number') {
      // a 0 default means "derived from the other options"; a caller must still give a positive integer
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) throw new RangeError(`${fn}: ${k} must be a positive integer, got ${String(v)}`);
    } else if (typeof d === 'boolean') {
      if (typeof v !== 'boolean') throw new TypeError(`${fn}: ${k} must be true or false, got ${String(v)}`);
    } else if (Array.isArray(d)) {
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 1)) {
        throw new RangeError(`${fn}: ${k} must be a non-empty array of positive integers, got ${JSON.stringify(v)}`);
      }
    } else if (typeof v !== typeof d) throw new TypeError(`${fn}: ${k} must be a ${typeof d}, got ${String(v)}`);
    out[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
  }
  return out as T;
}

const MLP_DEFAULTS = { sizes: [784, 256, 128, 10] as number[], activation: 'relu' as Activation };

/**
 * A multilayer perceptron: `fc1` … `fcN` (nn.Linear, [out, in]), `activation` (default relu)
 * after every layer but the last. Default 784-256-128-10 (MNIST): 235,146 parameters.
 */
export function mlp(opts?: { sizes?: number[]; activation?: Activation }): ModelSpec {
  const o = options('mlp', opts, MLP_DEFAULTS);
  if (!(ACTIVATIONS as readonly string[]).includes(o.activation)) throw new RangeError(`mlp: activation must be one of ${ACTIVATIONS.join(', ')}, got ${JSON.stringify(o.activation)}`);
  if (o.sizes.length < 2) throw new RangeError(`mlp: sizes needs at least an input and an output size, got ${JSON.stringify(o.sizes)}`);
  const tensors: Entry[] = [];
  for (let i = 1; i < o.sizes.length; i++) {
    const [inp, out] = [o.sizes[i - 1]!, o.sizes[i]!];
    const last = i === o.sizes.length - 1;
    tensors.push({ name: `fc${i}.weight`, shape: [out, inp], kind: 'linear', activation: last ? 'linear' : o.activation });
    tensors.push({ name: `fc${i}.bias`, shape: [out], kind: 'bias' });
  }
  return spec({ family: 'mlp', name: 'mlp', nLayer: o.sizes.length - 1, input: o.sizes[0]!, hidden: o.sizes[1]! }, tensors);
}

const CNN_DEFAULTS = { inChannels: 1, channels: [32, 64] as number[], kernel: 3, imageSize: 28, hidden: 128, classes: 10 };

/**
 * A small VGG-style conv net for images of `imageSize`² × `inChannels`: per entry of `channels`
 * a `conv{i}` (kernel × kernel, 'same' padding, ReLU, 2×2 max-pool), then `fc1` (ReLU) on the
 * flattened map and `fc2` to `classes`. Default (MNIST): conv1 [32, 1, 3, 3], conv2
 * [64, 32, 3, 3], fc1 [128, 3136], fc2 [10, 128]: 421,642 parameters.
 */
export function cnn(opts?: { inChannels?: number; channels?: number[]; kernel?: number; imageSize?: number; hidden?: number; classes?: number }): ModelSpec {
  const o = options('cnn', opts, CNN_DEFAULTS);
  const tensors: Entry[] = [];
  let c = o.inChannels;
  let size = o.imageSize;
  o.channels.forEach((out, j) => {
    tensors.push({ name: `conv${j + 1}.weight`, shape: [out, c, o.kernel, o.kernel], kind: 'conv', activation: 'relu' });
    tensors.push({ name: `conv${j + 1}.bias`, shape: [out], kind: 'bias' });
    c = out;
    size = Math.floor(size / 2);
  });
  if (size < 1) throw new RangeError(`cnn: imageSize ${o.imageSize} is too small for ${o.channels.length} 2x2 poolings`);
  tensors.push({ name: 'fc1.weight', shape: [o.hidden, c * size * size], kind: 'linear', activation: 'relu' });
  tensors.push({ name: 'fc1.bias', shape: [o.hidden], kind: 'bias' });
  tensors.push({ name: 'fc2.weight', shape: [o.classes, o.hidden], kind: 'linear', activation: 'linear' });
  tensors.push({ name: 'fc2.bias', shape: [o.classes], kind: 'bias' });
  return spec({ family: 'cnn', name: 'cnn', nLayer: o.channels.length + 2, input: o.inChannels, hidden: o.hidden }, tensors);
}

const LSTM_DEFAULTS = { vocab: 10000, input: 128, hidden: 256, layers: 1, classes: 10000 };

/**
 * A language model on nn.LSTM: `embedding` [vocab, input], `lstm` with nn.LSTM's own names per
 * layer k (weight_ih_l{k} [4·hidden, in], weight_hh_l{k} [4·hidden, hidden], bias_ih_l{k},
 * bias_hh_l{k} [4·hidden]; the gates i, f, g, o stacked), and a linear head `fc` [classes, hidden].
 */
export function lstm(opts?: { vocab?: number; input?: number; hidden?: number; layers?: number; classes?: number }): ModelSpec {
  const o = options('lstm', opts, LSTM_DEFAULTS);
  const H = o.hidden;
  const tensors: Entry[] = [{ name: 'embedding.weight', shape: [o.vocab, o.input], kind: 'embedding' }];
  for (let k = 0; k < o.layers; k++) {
    tensors.push({ name: `lstm.weight_ih_l${k}`, shape: [4 * H, k === 0 ? o.input : H], kind: 'recurrent_input', activation: 'tanh' });
    tensors.push({ name: `lstm.weight_hh_l${k}`, shape: [4 * H, H], kind: 'recurrent_hidden', activation: 'tanh' });
    tensors.push({ name: `lstm.bias_ih_l${k}`, shape: [4 * H], kind: 'recurrent_bias' });
    tensors.push({ name: `lstm.bias_hh_l${k}`, shape: [4 * H], kind: 'recurrent_bias' });
  }
  tensors.push({ name: 'fc.weight', shape: [o.classes, H], kind: 'linear', activation: 'linear' });
  tensors.push({ name: 'fc.bias', shape: [o.classes], kind: 'bias' });
  return spec({ family: 'lstm', name: 'lstm', nLayer: o.layers, hidden: H, input: o.input, vocab: o.vocab }, tensors);
}

const GPT2_DEFAULTS = { nLayer: 12, nEmbd: 768, nHead: 12, vocab: 50257, nCtx: 1024, nInner: 0 };

/**
 * GPT-2 (default: small, 124,439,808 parameters) with the names of Hugging Face's `GPT2Model`
 * state dict, as in the public `gpt2/model.safetensors` (no `transformer.` prefix; the LM head
 * is tied to `wte`): wte [vocab, nEmbd], wpe [nCtx, nEmbd], per block h.{i}: ln_1, attn.c_attn
 * [nEmbd, 3·nEmbd], attn.c_proj [nEmbd, nEmbd], ln_2, mlp.c_fc [nEmbd, nInner], mlp.c_proj
 * [nInner, nEmbd] (Conv1D: [in, out], layout 'tf'), then ln_f. `nInner` defaults to 4·nEmbd.
 */
export function gpt2(opts?: { nLayer?: number; nEmbd?: number; nHead?: number; vocab?: number; nCtx?: number; nInner?: number }): ModelSpec {
  const given = options('gpt2', opts, GPT2_DEFAULTS);
  // nInner: 0 in the defaults stands for "4 * nEmbd" (a caller's 0 is rejected by options())
  const o = { ...given, nInner: given.nInner === 0 ? 4 * given.nEmbd : given.nInner };
  if (o.nEmbd % o.nHead !== 0) throw new RangeError(`gpt2: nEmbd (${o.nEmbd}) must be a multiple of nHead (${o.nHead})`);
  const E = o.nEmbd;
  const tensors: Entry[] = [
    { name: 'wte.weight', shape: [o.vocab, E], kind: 'embedding' },
    { name: 'wpe.weight', shape: [o.nCtx, E], kind: 'position_embedding' },
  ];
  for (let i = 0; i < o.nLayer; i++) {
    const h = `h.${i}`;
    tensors.push(
      { name: `${h}.ln_1.weight`, shape: [E], kind: 'norm_weight' },
      { name: `${h}.ln_1.bias`, shape: [E], kind: 'norm_bias' },
      { name: `${h}.attn.c_attn.weight`, shape: [E, 3 * E], kind: 'attention_qkv', activation: 'linear', layout: 'tf' },
      { name: `${h}.attn.c_attn.bias`, shape: [3 * E], kind: 'bias' },
      { name: `${h}.attn.c_proj.weight`, shape: [E, E], kind: 'attention_out', activation: 'linear', layout: 'tf' },
      { name: `${h}.attn.c_proj.bias`, shape: [E], kind: 'bias' },
      { name: `${h}.ln_2.weight`, shape: [E], kind: 'norm_weight' },
      { name: `${h}.ln_2.bias`, shape: [E], kind: 'norm_bias' },
      { name: `${h}.mlp.c_fc.weight`, shape: [E, o.nInner], kind: 'linear', activation: 'gelu', layout: 'tf' },
      { name: `${h}.mlp.c_fc.bias`, shape: [o.nInner], kind: 'bias' },
      { name: `${h}.mlp.c_proj.weight`, shape: [o.nInner, E], kind: 'mlp_out', activation: 'linear', layout: 'tf' },
      { name: `${h}.mlp.c_proj.bias`, shape: [E], kind: 'bias' },
    );
  }
  tensors.push({ name: 'ln_f.weight', shape: [E], kind: 'norm_weight' }, { name: 'ln_f.bias', shape: [E], kind: 'norm_bias' });
  return spec(
    { family: 'gpt2', name: 'gpt2', nLayer: o.nLayer, hidden: E, intermediate: o.nInner, nHead: o.nHead, vocab: o.vocab, nCtx: o.nCtx, tiedEmbeddings: true, initializerRange: 0.02 },
    tensors,
  );
}

const LLAMA_DEFAULTS = { nLayer: 16, hidden: 2048, intermediate: 8192, nHead: 32, nKvHead: 8, vocab: 128256, tiedEmbeddings: true };

/**
 * Llama (default: Llama 3.2 1B, 1,235,814,400 parameters) with the names of Hugging Face's
 * `LlamaForCausalLM`: model.embed_tokens [vocab, hidden]; per layer model.layers.{i}:
 * self_attn.q_proj [nHead·d, hidden], k_proj and v_proj [nKvHead·d, hidden] (grouped-query
 * attention, d = hidden / nHead), o_proj [hidden, nHead·d], mlp.gate_proj and up_proj
 * [intermediate, hidden], down_proj [hidden, intermediate], input_layernorm and
 * post_attention_layernorm [hidden] (RMSNorm: weight only, no biases anywhere); model.norm;
 * and lm_head [vocab, hidden] only when the embeddings are not tied (3.2 1B ties them).
 */
export function llama(opts?: { nLayer?: number; hidden?: number; intermediate?: number; nHead?: number; nKvHead?: number; vocab?: number; tiedEmbeddings?: boolean }): ModelSpec {
  const o = options('llama', opts, LLAMA_DEFAULTS);
  if (o.hidden % o.nHead !== 0) throw new RangeError(`llama: hidden (${o.hidden}) must be a multiple of nHead (${o.nHead})`);
  if (o.nHead % o.nKvHead !== 0) throw new RangeError(`llama: nHead (${o.nHead}) must be a multiple of nKvHead (${o.nKvHead})`);
  const d = o.hidden / o.nHead;
  const [H, I] = [o.hidden, o.intermediate];
  const tensors: Entry[] = [{ name: 'model.embed_tokens.weight', shape: [o.vocab, H], kind: 'embedding' }];
  for (let i = 0; i < o.nLayer; i++) {
    const l = `model.layers.${i}`;
    tensors.push(
      { name: `${l}.self_attn.q_proj.weight`, shape: [o.nHead * d, H], kind: 'attention_qkv', activation: 'linear' },
      { name: `${l}.self_attn.k_proj.weight`, shape: [o.nKvHead * d, H], kind: 'attention_qkv', activation: 'linear' },
      { name: `${l}.self_attn.v_proj.weight`, shape: [o.nKvHead * d, H], kind: 'attention_qkv', activation: 'linear' },
      { name: `${l}.self_attn.o_proj.weight`, shape: [H, o.nHead * d], kind: 'attention_out', activation: 'linear' },
      { name: `${l}.mlp.gate_proj.weight`, shape: [I, H], kind: 'linear', activation: 'silu' },
      { name: `${l}.mlp.up_proj.weight`, shape: [I, H], kind: 'linear', activation: 'linear' },
      { name: `${l}.mlp.down_proj.weight`, shape: [H, I], kind: 'mlp_out', activation: 'linear' },
      { name: `${l}.input_layernorm.weight`, shape: [H], kind: 'norm_weight' },
      { name: `${l}.post_attention_layernorm.weight`, shape: [H], kind: 'norm_weight' },
    );
  }
  tensors.push({ name: 'model.norm.weight', shape: [H], kind: 'norm_weight' });
  if (!o.tiedEmbeddings) tensors.push({ name: 'lm_head.weight', shape: [o.vocab, H], kind: 'linear', activation: 'linear' });
  const isDefault = Object.keys(LLAMA_DEFAULTS).every((k) => o[k as keyof typeof o] === LLAMA_DEFAULTS[k as keyof typeof LLAMA_DEFAULTS]);
  return spec(
    { family: 'llama', name: isDefault ? 'llama-3.2-1b' : 'llama', nLayer: o.nLayer, hidden: H, intermediate: I, nHead: o.nHead, nKvHead: o.nKvHead, vocab: o.vocab, tiedEmbeddings: o.tiedEmbeddings, initializerRange: 0.02 },
    tensors,
  );
}

/** Llama 3.2 1B exactly (`llama()` with its defaults). */
export function llama32_1b(): ModelSpec {
  return llama();
}

/** Presets by the names a CLI accepts. Each takes its function's options. */
export const PRESETS = {
  mlp,
  cnn,
  lstm,
  gpt2,
  'llama-3.2-1b': llama,
} as const;
export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

/** The spec of a preset by name, e.g. `preset('gpt2', { nLayer: 2 })`. Unknown names list the known ones. */
export function preset(name: string, opts?: Record<string, unknown>): ModelSpec {
  if (!Object.hasOwn(PRESETS, name)) throw new RangeError(`preset: unknown model ${JSON.stringify(name)}; known: ${PRESET_NAMES.join(', ')}`);
  return (PRESETS[name as PresetName] as (o?: Record<string, unknown>) => ModelSpec)(opts);
}
