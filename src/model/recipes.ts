// Initialization rules and recipes as data. A rule says which tensors it applies to (kind,
// activation, name glob), which WeightInit method fills them and with what options, and why.
// A recipe is an ordered list of rules; planModel (plan.ts) tries user rules first, then the
// recipe's, and the first match wins.
import type { Activation, ModelSpec, TensorKind, TensorSpec } from './spec.js';

/** What a rule's `options` function may read about the tensor it initializes. */
export interface RuleContext {
  readonly tensor: TensorSpec;
  readonly spec: ModelSpec;
  /** fan_in of the weight this bias belongs to: the tensor's own `fanIn`, else its sibling `<prefix>.weight`'s; an error naming the tensor otherwise. */
  biasFanIn(): number;
  /** Hidden size of a recurrent layer: spec.model.hidden, else shape[1] of a recurrent_hidden tensor; an error otherwise. */
  hidden(): number;
  /** spec.model.nLayer; an error naming the tensor when missing. */
  nLayer(): number;
  /** spec.model.initializerRange, else 0.02. */
  initializerRange(): number;
}

export interface RuleMatch {
  readonly kind?: TensorKind | readonly TensorKind[];
  readonly activation?: Activation | readonly Activation[];
  /** Glob over the full tensor name: `*` any run of characters except '.', `**` any run. */
  readonly name?: string;
}

export interface RuleInit {
  /** A WeightInit method name (normal, uniform, kaimingUniform, glorotUniform, orthogonal, constant, zeros, ones, ...). */
  readonly initializer: string;
  readonly options?: Readonly<Record<string, unknown>> | ((ctx: RuleContext) => Record<string, unknown>);
}

export interface Rule {
  readonly id: string;
  readonly match: RuleMatch;
  readonly init: RuleInit;
  readonly why: string;
}

export interface Recipe {
  readonly name: string;
  /** Where the formulas come from. */
  readonly source: string;
  readonly rules: readonly Rule[];
}

/** The regular expression of a name glob. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^.]*';
    } else re += c.replace(/[\\^$.+?()[\]{}|]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const globCache = new Map<string, RegExp>();

/** Whether a rule's match applies to a tensor. A kind or activation condition never matches a tensor without one. */
export function ruleMatches(match: RuleMatch, t: TensorSpec): boolean {
  if (match.kind !== undefined) {
    const kinds = typeof match.kind === 'string' ? [match.kind] : match.kind;
    if (t.kind === undefined || !kinds.includes(t.kind)) return false;
  }
  if (match.activation !== undefined) {
    const acts = typeof match.activation === 'string' ? [match.activation] : match.activation;
    // a weight without an activation is followed by none: 'linear'
    if (!acts.includes(t.activation ?? 'linear')) return false;
  }
  if (match.name !== undefined) {
    let re = globCache.get(match.name);
    if (re === undefined) globCache.set(match.name, (re = globToRegExp(match.name)));
    if (!re.test(t.name)) return false;
  }
  return true;
}

const WEIGHT_KINDS: TensorKind[] = ['linear', 'conv', 'attention_qkv', 'attention_out', 'mlp_out'];
const uniformBound = (b: number) => ({ low: -b, high: b });

/**
 * PyTorch module defaults (torch.nn Linear/Conv reset_parameters, Embedding, RNNBase,
 * LayerNorm): weights kaiming_uniform_(a=√5), i.e. U(±1/√fan_in); biases U(±1/√fan_in) with
 * the weight's fan_in; Embedding N(0, 1); RNN/LSTM/GRU everything U(±1/√hidden); norms 1 and 0.
 */
export const PYTORCH: Recipe = {
  name: 'pytorch',
  source: 'PyTorch module defaults: nn.Linear/nn.ConvNd.reset_parameters (kaiming_uniform_(a=sqrt(5)), bias U(±1/sqrt(fan_in))), nn.Embedding (normal_), nn.RNNBase.reset_parameters (U(±1/sqrt(hidden_size))), nn.LayerNorm (ones/zeros)',
  rules: [
    { id: 'pytorch.weight', match: { kind: WEIGHT_KINDS }, init: { initializer: 'kaimingUniform', options: { a: Math.sqrt(5) } }, why: 'nn.Linear/nn.ConvNd default: kaiming_uniform_(a=sqrt(5)) = U(±1/sqrt(fan_in))' },
    { id: 'pytorch.bias', match: { kind: 'bias' }, init: { initializer: 'uniform', options: (c) => uniformBound(1 / Math.sqrt(c.biasFanIn())) }, why: "nn.Linear/nn.ConvNd default bias: U(±1/sqrt(fan_in)) with the weight's fan_in" },
    { id: 'pytorch.embedding', match: { kind: ['embedding', 'position_embedding'] }, init: { initializer: 'normal', options: { mean: 0, std: 1 } }, why: 'nn.Embedding default: N(0, 1)' },
    { id: 'pytorch.recurrent', match: { kind: ['recurrent_input', 'recurrent_hidden', 'recurrent_bias'] }, init: { initializer: 'uniform', options: (c) => uniformBound(1 / Math.sqrt(c.hidden())) }, why: 'nn.RNN/LSTM/GRU default: every parameter U(±1/sqrt(hidden_size))' },
    { id: 'pytorch.norm_weight', match: { kind: 'norm_weight' }, init: { initializer: 'ones' }, why: 'nn.LayerNorm/BatchNorm default weight: 1' },
    { id: 'pytorch.norm_bias', match: { kind: 'norm_bias' }, init: { initializer: 'zeros' }, why: 'nn.LayerNorm/BatchNorm default bias: 0' },
  ],
};

/**
 * Layer-specific practice: He (Kaiming) normal with fan_in before rectifiers (He et al. 2015;
 * relu gain for gelu/silu/elu too), LeCun normal before SELU (Klambauer et al. 2017), Glorot
 * uniform before tanh/sigmoid/none and for attention (Glorot & Bengio 2010); zero biases, but a
 * small positive 0.01 before ReLU (so units start active); norms 1/0; embeddings a small
 * normal N(0, 0.02) as in GPT/BERT-style models; recurrent input Glorot, recurrent hidden
 * orthogonal (Saxe et al. 2014), recurrent biases 0.
 */
export const BEST_PRACTICE: Recipe = {
  name: 'best-practice',
  source: 'He et al. 2015 (Delving Deep into Rectifiers), Glorot & Bengio 2010, Klambauer et al. 2017 (SELU, LeCun normal), Saxe et al. 2014 (orthogonal recurrent weights), GPT-2/BERT small-normal embeddings',
  rules: [
    { id: 'best.attention', match: { kind: ['attention_qkv', 'attention_out', 'mlp_out'] }, init: { initializer: 'glorotUniform' }, why: 'attention and residual projections: Glorot uniform keeps forward and backward variance' },
    { id: 'best.leaky_relu', match: { kind: ['linear', 'conv'], activation: 'leaky_relu' }, init: { initializer: 'heNormal', options: (c) => ({ mode: 'fanIn', nonlinearity: 'leaky_relu', a: c.tensor.negativeSlope ?? 0.01 }) }, why: 'He normal (fan_in) with the leaky ReLU gain sqrt(2/(1+a^2))' },
    { id: 'best.rectifier', match: { kind: ['linear', 'conv'], activation: ['relu', 'gelu', 'silu', 'elu'] }, init: { initializer: 'heNormal', options: { mode: 'fanIn', nonlinearity: 'relu' } }, why: 'He normal (fan_in, gain sqrt(2)) before a rectifier' },
    { id: 'best.selu', match: { kind: ['linear', 'conv'], activation: 'selu' }, init: { initializer: 'lecunNormal' }, why: 'LeCun normal before SELU (self-normalizing networks)' },
    { id: 'best.saturating', match: { kind: ['linear', 'conv'] }, init: { initializer: 'glorotUniform' }, why: 'Glorot uniform before tanh, sigmoid or no nonlinearity' },
    { id: 'best.bias_relu', match: { kind: 'bias', activation: 'relu' }, init: { initializer: 'constant', options: { value: 0.01 } }, why: 'a small positive bias before ReLU so units start active' },
    { id: 'best.bias', match: { kind: 'bias' }, init: { initializer: 'zeros' }, why: 'biases start at 0' },
    { id: 'best.embedding', match: { kind: ['embedding', 'position_embedding'] }, init: { initializer: 'normal', options: { mean: 0, std: 0.02 } }, why: 'embeddings: a small normal N(0, 0.02)' },
    { id: 'best.recurrent_input', match: { kind: 'recurrent_input' }, init: { initializer: 'glorotUniform' }, why: 'recurrent input weights: Glorot uniform' },
    { id: 'best.recurrent_hidden', match: { kind: 'recurrent_hidden' }, init: { initializer: 'orthogonal' }, why: 'recurrent hidden weights: orthogonal, so repeated steps neither explode nor vanish' },
    { id: 'best.recurrent_bias', match: { kind: 'recurrent_bias' }, init: { initializer: 'zeros' }, why: 'recurrent biases start at 0' },
    { id: 'best.norm_weight', match: { kind: 'norm_weight' }, init: { initializer: 'ones' }, why: 'normalization scale: 1' },
    { id: 'best.norm_bias', match: { kind: 'norm_bias' }, init: { initializer: 'zeros' }, why: 'normalization shift: 0' },
  ],
};

/**
 * Hugging Face transformers GPT2PreTrainedModel._init_weights: Linear/Conv1D and Embedding
 * weights N(0, initializer_range = 0.02), biases 0, LayerNorm 1/0; then every `c_proj.weight`
 * (attention and MLP output) N(0, initializer_range/√(2·n_layer)) ("scale the weights of
 * residual layers at initialization by 1/√N", GPT-2 paper).
 */
export const GPT2: Recipe = {
  name: 'gpt2',
  source: 'Hugging Face transformers GPT2PreTrainedModel._init_weights (modeling_gpt2.py): normal_(0, initializer_range), c_proj.weight normal_(0, initializer_range/sqrt(2*n_layer)), biases zero, LayerNorm 1/0',
  rules: [
    { id: 'gpt2.residual', match: { kind: ['attention_out', 'mlp_out'] }, init: { initializer: 'normal', options: (c) => ({ mean: 0, std: c.initializerRange() / Math.sqrt(2 * c.nLayer()) }) }, why: 'residual projections (c_proj): N(0, 0.02/sqrt(2*n_layer))' },
    { id: 'gpt2.weight', match: { kind: ['linear', 'conv', 'attention_qkv', 'embedding', 'position_embedding', 'recurrent_input', 'recurrent_hidden'] }, init: { initializer: 'normal', options: (c) => ({ mean: 0, std: c.initializerRange() }) }, why: 'weights and embeddings: N(0, initializer_range)' },
    { id: 'gpt2.bias', match: { kind: ['bias', 'recurrent_bias'] }, init: { initializer: 'zeros' }, why: 'biases: 0' },
    { id: 'gpt2.norm_weight', match: { kind: 'norm_weight' }, init: { initializer: 'ones' }, why: 'LayerNorm weight: 1' },
    { id: 'gpt2.norm_bias', match: { kind: 'norm_bias' }, init: { initializer: 'zeros' }, why: 'LayerNorm bias: 0' },
  ],
};

/**
 * Hugging Face transformers LlamaPreTrainedModel._init_weights: nn.Linear and nn.Embedding
 * weights N(0, initializer_range = 0.02), biases 0 (Llama has none), RMSNorm weight 1.
 */
export const LLAMA: Recipe = {
  name: 'llama',
  source: 'Hugging Face transformers LlamaPreTrainedModel._init_weights (modeling_llama.py): Linear and Embedding normal_(0, initializer_range), bias zero, LlamaRMSNorm weight 1',
  rules: [
    { id: 'llama.weight', match: { kind: [...WEIGHT_KINDS, 'embedding', 'position_embedding', 'recurrent_input', 'recurrent_hidden'] }, init: { initializer: 'normal', options: (c) => ({ mean: 0, std: c.initializerRange() }) }, why: 'Linear and Embedding weights: N(0, initializer_range)' },
    { id: 'llama.bias', match: { kind: ['bias', 'recurrent_bias'] }, init: { initializer: 'zeros' }, why: 'biases: 0' },
    { id: 'llama.norm_weight', match: { kind: 'norm_weight' }, init: { initializer: 'ones' }, why: 'RMSNorm weight: 1' },
    { id: 'llama.norm_bias', match: { kind: 'norm_bias' }, init: { initializer: 'zeros' }, why: 'norm bias: 0' },
  ],
};

export const RECIPES: Readonly<Record<string, Recipe>> = { pytorch: PYTORCH, 'best-practice': BEST_PRACTICE, gpt2: GPT2, llama: LLAMA };
export const RECIPE_NAMES = Object.keys(RECIPES);

/** A recipe by name; unknown names list the known ones. */
export function recipe(name: string): Recipe {
  if (!Object.hasOwn(RECIPES, name)) throw new RangeError(`recipe: unknown recipe ${JSON.stringify(name)}; known: ${RECIPE_NAMES.join(', ')}`);
  return RECIPES[name]!;
}
