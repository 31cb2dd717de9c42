// Argument parsing for the command line: strict options (node:util parseArgs), usage errors
// that name the argument, --preset-opt KEY=VALUE, --rules files, and --rank (i/n or auto from
// the launcher's environment).
import { parseArgs } from 'node:util';
import type { Rule } from '../model/recipes.js';
import { ACTIVATIONS, KINDS, type SpecDType } from '../model/spec.js';

/** A usage error: exit status 2, the message names the argument. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const DTYPES: Readonly<Record<string, SpecDType>> = { f32: 'float32', f16: 'float16', bf16: 'bfloat16', f64: 'float64' };

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;
export type Values = Record<string, string | boolean | string[] | undefined>;

/** Parses `args` strictly: unknown options and missing values are usage errors naming the option. `--help` and `-h` are always known. */
export function parse(cmd: string, args: string[], options: OptionSpec): { values: Values; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(`${cmd}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A string option's value (the last one if repeated), or undefined. */
export function str(v: Values, k: string): string | undefined {
  const x = v[k];
  if (Array.isArray(x)) return x[x.length - 1];
  return typeof x === 'string' ? x : undefined;
}

/** The values of a repeatable string option. */
export function list(v: Values, k: string): string[] {
  const x = v[k];
  return Array.isArray(x) ? x : typeof x === 'string' ? [x] : [];
}

/** A root seed: a decimal integer in [0, 2^64 - 1]. */
export function parseSeedArg(s: string): bigint {
  if (!/^\d+$/.test(s) || BigInt(s) >= 1n << 64n) throw new UsageError(`init: --seed must be an integer in [0, 2^64-1], got ${JSON.stringify(s)}`);
  return BigInt(s);
}

/**
 * `--preset-opt KEY=VALUE` (repeatable) as a preset's options object. VALUE: an integer,
 * `true`/`false`, a comma-separated list of integers (`sizes=784,256,10`), a JSON value, or
 * else a string (`activation=tanh`). Unknown keys and bad values are reported by the preset.
 */
export function parsePresetOpts(items: readonly string[]): Record<string, unknown> | undefined {
  if (items.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`init: --preset-opt must be KEY=VALUE (e.g. nLayer=2), got ${JSON.stringify(item)}`);
    const key = item.slice(0, eq);
    const raw = item.slice(eq + 1);
    let value: unknown;
    if (/^-?\d+$/.test(raw)) value = Number(raw);
    else if (raw === 'true' || raw === 'false') value = raw === 'true';
    else if (/^\d+(,\d+)+$/.test(raw)) value = raw.split(',').map(Number);
    else {
      try {
        value = JSON.parse(raw) as unknown;
      } catch {
        value = raw;
      }
    }
    if (Object.hasOwn(out, key)) throw new UsageError(`init: --preset-opt ${key} is given twice`);
    out[key] = value;
  }
  return out;
}

/** A rank of a distributed job: index in [0, size). */
export interface Rank {
  index: number;
  size: number;
  /** Where it came from: `--rank` or the environment variables read. */
  source: string;
}

/** Launcher environment variables for `--rank auto`, in the order they are tried. */
export const RANK_ENV: readonly (readonly [rank: string, size: string, launcher: string])[] = [
  ['RANK', 'WORLD_SIZE', 'torchrun / torch.distributed'],
  ['SLURM_PROCID', 'SLURM_NTASKS', 'SLURM srun'],
  ['OMPI_COMM_WORLD_RANK', 'OMPI_COMM_WORLD_SIZE', 'Open MPI mpirun'],
  ['PMI_RANK', 'PMI_SIZE', 'MPICH / Intel MPI'],
];

function rankPair(index: string, size: string, where: string): Rank {
  if (!/^\d+$/.test(index) || !/^\d+$/.test(size)) throw new UsageError(`init: ${where}: rank and world size must be non-negative integers, got ${JSON.stringify(index)} and ${JSON.stringify(size)}`);
  const [i, n] = [Number(index), Number(size)];
  if (n < 1) throw new UsageError(`init: ${where}: the world size must be at least 1, got ${n}`);
  if (i >= n) throw new UsageError(`init: ${where}: the rank must be in [0, ${n - 1}], got ${i}`);
  return { index: i, size: n, source: where };
}

/** `--rank i/n`, or `--rank auto` from the first launcher variables set in `env`. */
export function parseRank(v: string, env: NodeJS.ProcessEnv): Rank {
  if (v === 'auto') {
    for (const [r, s, launcher] of RANK_ENV) {
      const ri = env[r];
      const si = env[s];
      if (ri === undefined && si === undefined) continue;
      if (ri === undefined || si === undefined) throw new UsageError(`init: --rank auto: ${ri === undefined ? s : r} is set but ${ri === undefined ? r : s} is not (${launcher})`);
      return rankPair(ri, si, `--rank auto (${r}=${ri}, ${s}=${si}, ${launcher})`);
    }
    throw new UsageError(`init: --rank auto: none of ${RANK_ENV.map(([r, s]) => `${r}/${s}`).join(', ')} is set; run under a launcher (torchrun, srun, mpirun) or give --rank i/n`);
  }
  const m = /^(\d+)\/(\d+)$/.exec(v);
  if (m === null) throw new UsageError(`init: --rank must be i/n (e.g. 0/4) or auto, got ${JSON.stringify(v)}`);
  return rankPair(m[1]!, m[2]!, `--rank ${v}`);
}

const MATCH_KEYS = ['kind', 'activation', 'name'];
const RULE_KEYS = ['id', 'match', 'init', 'why'];
const INIT_KEYS = ['initializer', 'options'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function oneOrMany(v: unknown, allowed: readonly string[], where: string): string | string[] {
  const items = Array.isArray(v) ? v : [v];
  for (const x of items) {
    if (typeof x !== 'string' || !allowed.includes(x)) throw new Error(`${where} must be one of ${allowed.join(', ')} (or a list of them), got ${JSON.stringify(x)}`);
  }
  return v as string | string[];
}

/**
 * User rules from JSON text: an array of rules, or `{ "rules": [...] }`. A rule is
 * `{ "id"?, "match": { "kind"?, "activation"?, "name"? (glob) }, "init": { "initializer", "options"? }, "why"? }`.
 * Errors name the file and the field (`rules[1].match.kind`).
 */
export function parseRules(text: string, file: string): Rule[] {
  let v: unknown;
  try {
    v = JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`--rules ${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (isObject(v) && Array.isArray(v.rules)) v = v.rules;
  if (!Array.isArray(v)) throw new Error(`--rules ${file}: expected an array of rules (or { "rules": [...] })`);
  return v.map((r: unknown, i): Rule => {
    const at = `--rules ${file}: rules[${i}]`;
    if (!isObject(r)) throw new Error(`${at} must be an object with match and init`);
    for (const k of Object.keys(r)) if (!RULE_KEYS.includes(k)) throw new Error(`${at} has an unknown field ${JSON.stringify(k)} (known: ${RULE_KEYS.join(', ')})`);
    const { id, match, init, why } = r;
    if (id !== undefined && (typeof id !== 'string' || id === '')) throw new Error(`${at}.id must be a non-empty string`);
    if (why !== undefined && typeof why !== 'string') throw new Error(`${at}.why must be a string`);
    if (!isObject(match)) throw new Error(`${at}.match must be an object with kind, activation and/or name`);
    for (const k of Object.keys(match)) if (!MATCH_KEYS.includes(k)) throw new Error(`${at}.match has an unknown field ${JSON.stringify(k)} (known: ${MATCH_KEYS.join(', ')})`);
    const m: Record<string, unknown> = {};
    if (match.kind !== undefined) m.kind = oneOrMany(match.kind, KINDS, `${at}.match.kind`);
    if (match.activation !== undefined) m.activation = oneOrMany(match.activation, ACTIVATIONS, `${at}.match.activation`);
    if (match.name !== undefined) {
      if (typeof match.name !== 'string' || match.name === '') throw new Error(`${at}.match.name must be a non-empty glob string`);
      m.name = match.name;
    }
    if (Object.keys(m).length === 0) throw new Error(`${at}.match must give at least one of kind, activation, name`);
    if (!isObject(init)) throw new Error(`${at}.init must be an object { "initializer": ..., "options"?: {...} }`);
    for (const k of Object.keys(init)) if (!INIT_KEYS.includes(k)) throw new Error(`${at}.init has an unknown field ${JSON.stringify(k)} (known: ${INIT_KEYS.join(', ')})`);
    if (typeof init.initializer !== 'string' || init.initializer === '') throw new Error(`${at}.init.initializer must be a WeightInit method name (e.g. "normal")`);
    if (init.options !== undefined && !isObject(init.options)) throw new Error(`${at}.init.options must be an object`);
    return {
      id: typeof id === 'string' ? id : `user.${i}`,
      match: m,
      init: { initializer: init.initializer, ...(init.options !== undefined ? { options: init.options } : {}) },
      why: typeof why === 'string' ? why : `user rule ${i} of ${file}`,
    };
  });
}
