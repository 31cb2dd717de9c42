// `weightinit/model` without file writing (browsers, workers, any runtime): model specs, the
// presets, recipes and rules, plans with named keys, and in-memory initModel.
export { parseSpec, parameterCount, SpecError, KINDS, ACTIVATIONS } from './spec.js';
export type { ModelSpec, TensorSpec, ModelInfo, TensorKind, Activation } from './spec.js';
export { mlp, cnn, lstm, gpt2, llama, llama32_1b, preset, PRESETS, PRESET_NAMES } from './presets.js';
export type { PresetName } from './presets.js';
export { inferKind, specFromTensors, KIND_RULES } from './infer.js';
export type { InferredKind, KindRule } from './infer.js';
export { PYTORCH, BEST_PRACTICE, GPT2, LLAMA, RECIPES, RECIPE_NAMES, recipe, globToRegExp, ruleMatches } from './recipes.js';
export type { Recipe, Rule, RuleMatch, RuleInit, RuleContext } from './recipes.js';
export { planModel, fillEntry, initModel, PLAN_INITIALIZERS } from './plan.js';
export type { Plan, PlanEntry, PlanOptions } from './plan.js';
