// Guessing what a tensor is from its checkpoint name and shape, to re-initialize an
// architecture known only from another file's header (`--like other.safetensors`).
//
// One ordered table of rules: the first whose name pattern (and rank condition) matches
// decides. Patterns follow the PyTorch and Hugging Face naming of common architectures (GPT-2,
// Llama and Mistral, BERT, T5, GPT-NeoX, ViT/CLIP, ResNet, nn.LSTM/GRU/RNN,
// nn.MultiheadAttention). What no rule names falls back on the rank, marked `confident: false`.
import { parseSpec, type Layout, type ModelInfo, type ModelSpec, type TensorKind, type TensorSpec } from './spec.js';

export interface InferredKind {
  /**
   * The kind, or null for a tensor that is not a parameter: GPT-2's causal-mask buffer
   * (`h.{i}.attn.bias`, [1, 1, nCtx, nCtx] of lower-triangular ones, and `attn.masked_bias`),
   * which old checkpoints, including the public `gpt2/model.safetensors`, still carry.
   */
  kind: TensorKind | null;
  /** Axis order: `tf` ([in, out]) for GPT-2's Conv1D weights, otherwise `torch`. */
  layout: Layout;
  /** The id of the rule that decided (see KIND_RULES). */
  rule: string;
  /** false when only the rank decided (no naming rule matched). */
  confident: boolean;
}

export interface KindRule {
  readonly id: string;
  /** Tested against the full tensor name. */
  readonly pattern: RegExp;
  /** Rank condition (default: any rank). */
  readonly rank?: (rank: number) => boolean;
  readonly kind: TensorKind | null;
  /** Layout from the shape (default: `torch`). */
  readonly layout?: (shape: readonly number[]) => Layout;
  /** What the rule matches, with examples. */
  readonly note: string;
}

/** `(^|.)` + one of the components + `.weight` (or the given suffix) at the end of the name. */
function component(names: string, suffix = 'weight', flags = ''): RegExp {
  return new RegExp(`(^|\\.)(${names})\\.${suffix}$`, flags);
}

const is = (...ranks: number[]) => (r: number) => ranks.includes(r);
const atLeast = (n: number) => (r: number) => r >= n;
/** Conv1D stores [in, out]; an expanding projection (out > in) is [small, large] there and [large, small] in nn.Linear. */
const tfIfWider = (s: readonly number[]): Layout => ((s[1] ?? 0) > (s[0] ?? 0) ? 'tf' : 'torch');
/** A contracting projection (out < in): Conv1D [large, small]; square (attn.c_proj) is GPT-2's Conv1D too. */
const tfUnlessWider = (s: readonly number[]): Layout => ((s[1] ?? 0) > (s[0] ?? 0) ? 'torch' : 'tf');

/** Normalization layer names (matched case-insensitively): anything with "norm" in it, ln / ln_1 / ln_f, bn / bn1. */
const NORM = '[a-z_]*norm[a-z_0-9]*|ln(_[a-z0-9]+|[0-9]*)|bn[0-9]*';

/** The rules, in the order they are tried. */
export const KIND_RULES: readonly KindRule[] = [
  // recurrent layers: nn.LSTM / nn.GRU / nn.RNN parameter names (per layer l{k}, _reverse for bidirectional)
  { id: 'rnn-input', pattern: /(^|\.)weight_ih(_l\d+)?(_reverse)?$/, kind: 'recurrent_input', note: 'nn.LSTM/GRU/RNN weight_ih_l{k}: [gates*hidden, in]' },
  { id: 'rnn-hidden', pattern: /(^|\.)weight_hh(_l\d+)?(_reverse)?$/, kind: 'recurrent_hidden', note: 'nn.LSTM/GRU/RNN weight_hh_l{k}: [gates*hidden, hidden]' },
  { id: 'rnn-bias', pattern: /(^|\.)bias_(ih|hh)(_l\d+)?(_reverse)?$/, kind: 'recurrent_bias', note: 'nn.LSTM/GRU/RNN bias_ih_l{k}, bias_hh_l{k}' },
  // buffers that are not parameters
  { id: 'gpt2-causal-mask', pattern: /(^|\.)attn\.(masked_)?bias$/, rank: (r) => r !== 1, kind: null, note: "GPT-2's causal-mask buffers h.{i}.attn.bias [1, 1, n, n] and attn.masked_bias (not parameters)" },
  { id: 'batchnorm-running-var', pattern: /(^|\.)running_var$/, kind: 'norm_weight', note: "BatchNorm's running_var: starts at ones, like a norm weight" },
  { id: 'batchnorm-running-mean', pattern: /(^|\.)(running_mean|num_batches_tracked)$/, kind: 'norm_bias', note: "BatchNorm's running_mean and num_batches_tracked: start at zero, like a norm bias" },
  // normalization layers (before biases and embeddings: embeddings.LayerNorm.bias is a norm bias)
  { id: 'norm-weight', pattern: component(NORM, '(weight|scale|gamma|g)', 'i'), rank: is(1), kind: 'norm_weight', note: 'ln_1, ln_f, LayerNorm, input_layernorm, post_attention_layernorm, model.norm, norm1, bn1 ... .weight' },
  { id: 'norm-bias', pattern: component(NORM, '(bias|beta|b)', 'i'), rank: is(1), kind: 'norm_bias', note: 'the same layers .bias' },
  // embeddings (position tables first: they also contain "embed")
  { id: 'position-embedding', pattern: /(^|\.)(wpe|position_embeddings?|pos_embed(ding)?s?|embed_positions|pos_emb)(\.weight)?$/, rank: atLeast(2), kind: 'position_embedding', note: "GPT-2's wpe, BERT's position_embeddings, ViT's pos_embed, BART's embed_positions" },
  { id: 'embed-out', pattern: /(^|\.)embed_out\.weight$/, kind: 'linear', note: "GPT-NeoX's output head embed_out (a linear layer despite the name)" },
  { id: 'token-embedding', pattern: /(^|\.)(wte|shared|[A-Za-z_]*embed[A-Za-z_]*|emb)\.weight$/, rank: is(2), kind: 'embedding', note: "GPT-2's wte, Llama's embed_tokens, BERT's word_embeddings and token_type_embeddings, T5's shared, tok_embeddings" },
  // GPT-2's Conv1D ([in, out]): layout decided by the shape, see tfIfWider / tfUnlessWider
  { id: 'gpt2-c_attn', pattern: component('c_attn|q_attn'), rank: is(2), kind: 'attention_qkv', layout: tfIfWider, note: 'GPT-2 attn.c_attn (fused QKV, Conv1D [E, 3E]) and crossattention.q_attn' },
  { id: 'gpt2-attn-c_proj', pattern: /(^|\.)(attn|attention|crossattention)\.c_proj\.weight$/, rank: is(2), kind: 'attention_out', layout: tfUnlessWider, note: 'GPT-2 attn.c_proj (Conv1D [E, E])' },
  { id: 'gpt2-c_fc', pattern: component('c_fc'), rank: is(2), kind: 'linear', layout: tfIfWider, note: 'GPT-2 mlp.c_fc (Conv1D [E, 4E])' },
  { id: 'gpt2-mlp-c_proj', pattern: component('c_proj'), rank: is(2), kind: 'mlp_out', layout: tfUnlessWider, note: 'GPT-2 mlp.c_proj (Conv1D [4E, E])' },
  // residual MLP outputs (before attention outputs: T5's DenseReluDense.wo is an MLP output)
  { id: 'mlp-out', pattern: /(^|\.)(down_proj|w2|dense_4h_to_h|fc_out|DenseReluDense\.wo|mlp\.fc2|mlp\.dense_4h_to_h|layer\.\d+\.output\.dense)\.weight$/, rank: is(2), kind: 'mlp_out', note: "Llama's mlp.down_proj, Meta's feed_forward.w2, GPT-NeoX's dense_4h_to_h, T5's DenseReluDense.wo, ViT/CLIP mlp.fc2, BERT's layer.{i}.output.dense" },
  // attention
  { id: 'attention-qkv', pattern: /(^|\.)(q_proj|k_proj|v_proj|qkv_proj|query|key|value|qkv|Wqkv|wq|wk|wv|query_key_value|q|k|v)\.weight$|(^|\.)in_proj_weight$/, rank: is(2), kind: 'attention_qkv', note: 'q_proj/k_proj/v_proj (Llama), query/key/value (BERT), query_key_value (NeoX), wq/wk/wv (Meta), q/k/v (T5), in_proj_weight (nn.MultiheadAttention)' },
  { id: 'attention-out', pattern: /(^|\.)(o_proj|out_proj|wo|o|attention\.output\.dense|attention\.dense)\.weight$/, rank: is(2), kind: 'attention_out', note: "Llama's o_proj, nn.MultiheadAttention's out_proj, Meta's attention.wo, T5's o, BERT's attention.output.dense, NeoX's attention.dense" },
  // convolutions
  { id: 'conv', pattern: /(^|\.)[A-Za-z_]*conv[A-Za-z_0-9]*\.weight$|(^|\.)downsample\.0\.weight$/, rank: atLeast(3), kind: 'conv', note: 'conv1, Conv2d_1a, downsample.0 (ResNet) ... .weight of rank >= 3' },
  // what is left of the usual suffixes
  { id: 'bias', pattern: /(^|\.)bias$|(^|\.)in_proj_bias$/, rank: is(1), kind: 'bias', note: 'any other .bias (linear, conv, attention)' },
  { id: 'weight-1d', pattern: /(^|\.)weight$/, rank: is(1), kind: 'norm_weight', note: 'a 1-D .weight not named above is a normalization scale (e.g. ResNet downsample.1.weight)' },
  { id: 'weight-conv', pattern: /(^|\.)weight$/, rank: atLeast(3), kind: 'conv', note: 'a .weight of rank >= 3 is a convolution kernel' },
  { id: 'weight-linear', pattern: /(^|\.)weight$/, rank: is(2), kind: 'linear', note: 'a 2-D .weight: dense (lm_head, classifier, fc1, dense, gate_proj, up_proj, ...)' },
];

/**
 * Guesses a tensor's kind and layout from its name and shape (the first matching rule of
 * KIND_RULES). Without a matching rule: rank >= 3 → conv, rank 2 → linear, rank <= 1 → bias,
 * with `confident: false`.
 *
 * @example
 * inferKind('h.0.attn.c_attn.weight', [768, 2304]) // { kind: 'attention_qkv', layout: 'tf', rule: 'gpt2-c_attn', confident: true }
 * inferKind('model.layers.0.mlp.down_proj.weight', [2048, 8192]) // { kind: 'mlp_out', layout: 'torch', ... }
 */
export function inferKind(name: string, shape: readonly number[]): InferredKind {
  if (typeof name !== 'string') throw new TypeError(`inferKind: name must be a string, got ${typeof name}`);
  if (!Array.isArray(shape)) throw new TypeError(`inferKind: shape must be an array, got ${typeof shape}`);
  const rank = shape.length;
  for (const r of KIND_RULES) {
    if (r.rank !== undefined && !r.rank(rank)) continue;
    if (!r.pattern.test(name)) continue;
    return { kind: r.kind, layout: r.layout?.(shape) ?? 'torch', rule: r.id, confident: true };
  }
  return { kind: rank >= 3 ? 'conv' : rank === 2 ? 'linear' : 'bias', layout: 'torch', rule: `rank-${Math.min(rank, 3)}${rank >= 3 ? '+' : ''}`, confident: false };
}

/**
 * A spec for tensors known only by name and shape (e.g. `readSafetensorsHeader(file).tensors`),
 * kinds and layouts from `inferKind`. Tensors that are not parameters (kind null) are left out
 * and listed in `skipped`; `unsure` lists the names only the rank decided.
 */
export function specFromTensors(tensors: Iterable<{ readonly name: string; readonly shape: readonly number[] }>, model?: ModelInfo): { spec: ModelSpec; skipped: string[]; unsure: string[] } {
  const out: TensorSpec[] = [];
  const skipped: string[] = [];
  const unsure: string[] = [];
  for (const t of tensors) {
    const g = inferKind(t.name, t.shape);
    if (g.kind === null) {
      skipped.push(t.name);
      continue;
    }
    if (!g.confident) unsure.push(t.name);
    out.push({ name: t.name, shape: [...t.shape], kind: g.kind, layout: g.layout });
  }
  return { spec: parseSpec(model === undefined ? { tensors: out } : { model, tensors: out }), skipped, unsure };
}
