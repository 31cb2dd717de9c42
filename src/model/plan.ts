// The initialization plan of a model: for every tensor of a spec, the rule that decides it, the
// WeightInit call (method and plain options), its named key, and the std / bound / value the
// formulas give. fillEntry draws any flat range of one tensor, so writers can stream.
import { namedKey, parseSeed } from '../engine/keys.js';
import { computeFans } from '../fans.js';
import { calculateGain, type Nonlinearity } from '../gain.js';
import { isArray } from '../init/options.js';
import type { Tensor } from '../tensor.js';
import type { WeightInit } from '../weightinit.js';
import { recipe as recipeByName, ruleMatches, type Recipe, type Rule, type RuleContext } from './recipes.js';
import { parseSpec, SPEC_DTYPES, type Activation, type ModelSpec, type SpecDType, type TensorKind, type TensorSpec } from './spec.js';

export interface PlanOptions {
  /** Root seed: a non-negative safe integer or bigint. Each tensor's key is namedKey(seed, name). */
  seed: number | bigint;
  /** Element type of tensors that do not give one (default float32). */
  dtype?: SpecDType;
  /** A recipe name (pytorch, best-practice, gpt2, llama) or a Recipe (default pytorch). */
  recipe?: string | Recipe;
  /** Rules tried before the recipe's. */
  rules?: readonly Rule[];
}

export interface PlanEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: SpecDType;
  readonly kind?: TensorKind;
  readonly activation?: Activation;
  /** The id of the rule that decided. */
  readonly rule: string;
  readonly why: string;
  readonly initializer: string;
  /** Plain JSON-able options of the call (seed, dtype, range and out are added by fillEntry). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Standard deviation of the values the formulas give (absent for constants). */
  readonly std?: number;
  /** Largest possible |value| of a uniform draw. */
  readonly bound?: number;
  /** The value of a constant fill. */
  readonly value?: number;
  /** The tensor's named key, a decimal string. */
  readonly key: string;
}

/**
 * A model's plan, as `planModel` makes it: frozen all the way down (entries, shapes, options,
 * rules), and known to the writers, which accept no other object (a plan is rebuilt from its
 * spec and options, never taken from JSON or edited).
 */
export interface Plan {
  readonly seed: bigint;
  readonly recipe: string;
  /** The user rules the plan was made with, as JSON data (a function as "[function]", a bigint as its decimal string); recorded in a written file's metadata. */
  readonly rules: readonly unknown[];
  readonly entries: readonly PlanEntry[];
}

/**
 * The WeightInit methods a rule may name: the fillers of floating-point tensors, every one
 * taking (shape, options) with seed, dtype, range and out.
 */
export const PLAN_INITIALIZERS: readonly string[] = Object.freeze([
  'uniform', 'normal', 'truncatedNormal', 'varianceScaling',
  'glorotUniform', 'xavierUniform', 'glorotNormal', 'xavierNormal',
  'heUniform', 'kaimingUniform', 'heNormal', 'kaimingNormal', 'lecunUniform', 'lecunNormal',
  'constant', 'zeros', 'ones', 'eye', 'dirac', 'sparse', 'orthogonal', 'deltaOrthogonal',
]);
const INITIALIZER_SET: ReadonlySet<string> = new Set(PLAN_INITIALIZERS);

/** Plans and entries made by planModel (frozen); the only ones fillEntry, initModel and the writers accept. */
const PLANS = new WeakSet<object>();
const ENTRIES = new WeakSet<object>();

/** `plan` if planModel made it, else a TypeError prefixed `fn:`. */
export function madePlan(fn: string, plan: unknown): Plan {
  if (typeof plan !== 'object' || plan === null || !PLANS.has(plan)) {
    throw new TypeError(`${fn}: plan must be a plan made by planModel (plans are frozen and cannot be built or edited by hand; make a new one from the spec), got ${showValue(plan)}`);
  }
  return plan as Plan;
}

function madeEntry(fn: string, entry: unknown): PlanEntry {
  if (typeof entry !== 'object' || entry === null || !ENTRIES.has(entry)) {
    throw new TypeError(`${fn}: entry must be an entry of a plan made by planModel, got ${showValue(entry)}`);
  }
  return entry as PlanEntry;
}

function showValue(v: unknown): string {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'function' ? 'a function' : String(v);
  return Array.isArray(v) ? 'an array' : 'an object not made by planModel';
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

/** The user rules as JSON data, read once (functions and bigints written as text). */
function rulesAsJson(rules: readonly Rule[]): unknown[] {
  try {
    return JSON.parse(JSON.stringify(rules, (_k, v: unknown) => (typeof v === 'function' ? '[function]' : typeof v === 'bigint' ? v.toString() : v))) as unknown[];
  } catch (e) {
    throw new TypeError(`planModel: rules cannot be recorded as JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** An empty array of the type a dtype's `out` is, for a call that checks its options and draws nothing. */
function emptyOut(dtype: SpecDType): ArrayBufferView {
  return dtype === 'float32' ? new Float32Array(0) : dtype === 'float64' ? new Float64Array(0) : new Uint16Array(0);
}

const FAN_BASED = new Set(['kaimingUniform', 'heUniform', 'kaimingNormal', 'heNormal', 'glorotUniform', 'xavierUniform', 'glorotNormal', 'xavierNormal', 'lecunNormal', 'lecunUniform']);
const DTYPES = SPEC_DTYPES as readonly string[];

function isPlainJson(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isPlainJson);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every(isPlainJson);
  return false;
}

/** fan_in and fan_out of a tensor: its own overrides first, then its shape under its layout. */
function fansOf(t: TensorSpec): { fanIn: number; fanOut: number } {
  if (t.fanIn !== undefined && t.fanOut !== undefined) return { fanIn: t.fanIn, fanOut: t.fanOut };
  let f: { fanIn: number; fanOut: number };
  try {
    f = computeFans(t.shape, { layout: t.layout ?? 'torch' });
  } catch (e) {
    throw new RangeError(`planModel: tensor ${JSON.stringify(t.name)}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { fanIn: t.fanIn ?? f.fanIn, fanOut: t.fanOut ?? f.fanOut };
}

function num(o: Record<string, unknown>, k: string, d: number): number {
  const v = o[k];
  return typeof v === 'number' ? v : d;
}

/**
 * std / bound / value of a call from the published formulas, and, when the tensor overrides
 * its fans, the equivalent plain uniform/normal call (the initializers compute fans from the
 * shape only).
 */
function describe(t: TensorSpec, initializer: string, o: Record<string, unknown>): { initializer: string; options: Record<string, unknown>; std?: number; bound?: number; value?: number } {
  const r = (std?: number, bound?: number, value?: number) => ({ initializer, options: o, ...(std !== undefined ? { std } : {}), ...(bound !== undefined ? { bound } : {}), ...(value !== undefined ? { value } : {}) });
  switch (initializer) {
    case 'zeros':
      return r(undefined, undefined, 0);
    case 'ones':
      return r(undefined, undefined, 1);
    case 'constant':
      return r(undefined, undefined, num(o, 'value', 0));
    case 'normal':
      return r(num(o, 'std', 1));
    case 'truncatedNormal':
      return r(undefined);
    case 'uniform': {
      const [lo, hi] = [num(o, 'low', 0), num(o, 'high', 1)];
      return r((hi - lo) / Math.sqrt(12), Math.max(Math.abs(lo), Math.abs(hi)));
    }
    case 'orthogonal': {
      const rows = t.shape[0] ?? 1;
      const cols = t.shape.slice(1).reduce((a, d) => a * d, 1);
      return r(num(o, 'gain', 1) / Math.sqrt(Math.max(rows, cols)));
    }
  }
  if (!FAN_BASED.has(initializer)) return r(undefined);
  const { fanIn, fanOut } = fansOf(t);
  const mode = o.mode === 'fanOut' || o.mode === 'fan_out' ? 'out' : 'in';
  let std: number;
  if (initializer.startsWith('kaiming') || initializer.startsWith('he')) {
    const gain = calculateGain((o.nonlinearity ?? 'leaky_relu') as Nonlinearity, num(o, 'a', 0));
    std = gain / Math.sqrt(mode === 'in' ? fanIn : fanOut);
  } else if (initializer.startsWith('glorot') || initializer.startsWith('xavier')) {
    std = num(o, 'gain', 1) * Math.sqrt(2 / (fanIn + fanOut));
  } else std = 1 / Math.sqrt(fanIn);
  const uniform = initializer.endsWith('Uniform');
  const bound = uniform ? std * Math.sqrt(3) : undefined;
  const overridden = t.fanIn !== undefined || t.fanOut !== undefined;
  if (overridden) {
    if (bound !== undefined) return { initializer: 'uniform', options: { low: -bound, high: bound }, std, bound };
    if (o.distribution !== undefined && o.distribution !== 'normal') {
      throw new RangeError(`planModel: tensor ${JSON.stringify(t.name)} overrides its fans; ${initializer} with distribution ${JSON.stringify(o.distribution)} cannot be expressed with them`);
    }
    return { initializer: 'normal', options: { mean: 0, std }, std };
  }
  const withLayout = { ...o, layout: t.layout ?? 'torch' };
  return { initializer, options: withLayout, std, ...(bound !== undefined ? { bound } : {}) };
}

function contextFor(t: TensorSpec, spec: ModelSpec, byName: Map<string, TensorSpec>): RuleContext {
  const where = `tensor ${JSON.stringify(t.name)}`;
  return {
    tensor: t,
    spec,
    biasFanIn() {
      if (t.fanIn !== undefined) return t.fanIn;
      const dot = t.name.lastIndexOf('.');
      const sibling = dot < 0 ? undefined : byName.get(`${t.name.slice(0, dot)}.weight`);
      if (sibling === undefined) throw new RangeError(`planModel: ${where} needs the fan_in of its layer's weight: give it a fanIn, or name the weight "${dot < 0 ? '<prefix>' : t.name.slice(0, dot)}.weight"`);
      return fansOf(sibling).fanIn;
    },
    hidden() {
      if (spec.model?.hidden !== undefined) return spec.model.hidden;
      const h = spec.tensors.find((x) => x.kind === 'recurrent_hidden' && x.shape.length === 2);
      if (h === undefined) throw new RangeError(`planModel: ${where} needs the hidden size: give model.hidden in the spec (or a recurrent_hidden tensor)`);
      return h.shape[1]!;
    },
    nLayer() {
      const n = spec.model?.nLayer;
      if (n === undefined) throw new RangeError(`planModel: ${where} needs the number of layers: give model.nLayer in the spec`);
      return n;
    },
    initializerRange() {
      return spec.model?.initializerRange ?? 0.02;
    },
  };
}

/** The activation a tensor's rules see: its own, else (for a bias) its sibling weight's. */
function effective(t: TensorSpec, byName: Map<string, TensorSpec>): TensorSpec {
  if (t.activation !== undefined || (t.kind !== 'bias' && t.kind !== 'recurrent_bias')) return t;
  const dot = t.name.lastIndexOf('.');
  const w = dot < 0 ? undefined : byName.get(`${t.name.slice(0, dot)}.weight`);
  return w?.activation !== undefined ? { ...t, activation: w.activation } : t;
}

/**
 * The plan of a model: user rules first, then the recipe's; the first match decides. A tensor
 * no rule matches is an error naming it. Keys are named keys of (seed, name): adding, removing
 * or reordering tensors changes no other tensor.
 */
export function planModel(wi: WeightInit, spec: ModelSpec | unknown, opts: PlanOptions): Plan {
  const s = parseSpec(spec);
  const seed = parseSeed('planModel', opts.seed);
  const dtype = opts.dtype ?? 'float32';
  if (!DTYPES.includes(dtype)) throw new RangeError(`planModel: dtype must be one of ${SPEC_DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`);
  const rec = typeof opts.recipe === 'object' ? opts.recipe : recipeByName(opts.recipe ?? 'pytorch');
  const given: unknown = opts.rules;
  if (given !== undefined && !isArray('planModel', 'rules', given)) throw new TypeError(`planModel: rules must be an array of rules, got ${showValue(given)}`);
  const userRules = [...((given as readonly Rule[] | undefined) ?? [])];
  const recorded = rulesAsJson(userRules);
  const rules = [...userRules, ...rec.rules];
  const byName = new Map(s.tensors.map((t) => [t.name, t]));
  const entries = s.tensors.map((t0): PlanEntry => {
    const t = effective(t0, byName);
    const rule = rules.find((r) => ruleMatches(r.match, t));
    if (rule === undefined) {
      throw new RangeError(`planModel: no rule of recipe ${JSON.stringify(rec.name)} (or the given rules) matches tensor ${JSON.stringify(t.name)} (kind ${t.kind ?? 'none'}, activation ${t.activation ?? 'none'})`);
    }
    const { initializer, options } = rule.init;
    if (typeof initializer !== 'string' || !INITIALIZER_SET.has(initializer)) {
      throw new (typeof initializer === 'string' ? RangeError : TypeError)(
        `planModel: rule ${JSON.stringify(rule.id)} names ${showValue(initializer)}, which is not an initializer a plan can use (${PLAN_INITIALIZERS.join(', ')})`,
      );
    }
    const raw = typeof options === 'function' ? options(contextFor(t, s, byName)) : { ...(options ?? {}) };
    if (!isPlainJson(raw)) throw new TypeError(`planModel: rule ${JSON.stringify(rule.id)} gave options for ${JSON.stringify(t.name)} that are not plain JSON data`);
    const d = describe(t, initializer, raw);
    const e: PlanEntry = {
      name: t.name,
      shape: [...t.shape],
      dtype: t.dtype ?? dtype,
      ...(t.kind !== undefined ? { kind: t.kind } : {}),
      ...(t.activation !== undefined ? { activation: t.activation } : {}),
      rule: rule.id,
      why: rule.why,
      initializer: d.initializer,
      options: d.options,
      ...(d.std !== undefined ? { std: d.std } : {}),
      ...(d.bound !== undefined ? { bound: d.bound } : {}),
      ...(d.value !== undefined ? { value: d.value } : {}),
      key: namedKey(seed, t.name).toString(),
    };
    // the call with these options, drawing nothing: options the initializer refuses fail here, not in the middle of a write
    try {
      call(wi, e)(e.shape, { ...e.options, seed: BigInt(e.key), dtype: e.dtype, range: [0, 0], out: emptyOut(e.dtype) });
    } catch (err) {
      const Kind = err instanceof RangeError ? RangeError : err instanceof TypeError ? TypeError : Error;
      throw new Kind(`planModel: rule ${JSON.stringify(rule.id)} gives tensor ${JSON.stringify(t.name)} a call ${e.initializer} refuses: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    return deepFreeze(e);
  });
  for (const e of entries) ENTRIES.add(e);
  const plan: Plan = deepFreeze({ seed, recipe: rec.name, rules: recorded, entries });
  PLANS.add(plan);
  return plan;
}

type Call = (shape: readonly number[], opts: Record<string, unknown>) => unknown;

/** The entry's initializer, one of PLAN_INITIALIZERS (never any other property of the instance). */
function call(wi: WeightInit, entry: PlanEntry): Call {
  const name = entry.initializer;
  if (!INITIALIZER_SET.has(name)) throw new RangeError(`fillEntry: ${JSON.stringify(name)} is not an initializer a plan can use (${PLAN_INITIALIZERS.join(', ')})`);
  const f = (wi as unknown as Record<string, unknown>)[name];
  if (typeof f !== 'function') throw new TypeError('fillEntry: expected a loaded instance (from load() or loadSync())');
  return (f as Call).bind(wi);
}

/**
 * Writes flat elements [start, start + count) of an entry's tensor into `out` (the dtype's
 * array type). `entry` must come from a plan made by planModel.
 */
export function fillEntry(wi: WeightInit, entry: PlanEntry, start: number, count: number, out: ArrayBufferView): void {
  const e = madeEntry('fillEntry', entry);
  call(wi, e)(e.shape, { ...e.options, seed: BigInt(e.key), dtype: e.dtype, range: [start, start + count], out });
}

/** Every tensor of a model in wasm memory (free them, or use wi.scope). For models that fit in memory. */
export function initModel(wi: WeightInit, spec: ModelSpec | unknown, opts: PlanOptions): { plan: Plan; tensors: Record<string, Tensor> } {
  const plan = planModel(wi, spec, opts);
  const tensors: Record<string, Tensor> = {};
  for (const e of plan.entries) tensors[e.name] = call(wi, e)(e.shape, { ...e.options, seed: BigInt(e.key), dtype: e.dtype }) as Tensor;
  return { plan, tensors };
}
