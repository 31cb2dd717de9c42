#!/usr/bin/env node
// The weightinit command line:
//   weightinit init (--preset NAME | --spec FILE) --out PATH [--dtype f32|f16|bf16|f64] [--seed N]
//                   [--recipe NAME] [--shards K] [--json]
//   weightinit inspect FILE.safetensors [--json]
// Exit status: 0 done, 2 usage error (the message names the argument), 1 any other failure.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { randomRoot } from '../engine/keys.js';
import { load } from '../index.js';
import { readSafetensorsHeader } from '../io/safetensors.js';
import { preset, PRESET_NAMES } from '../model/presets.js';
import { RECIPE_NAMES } from '../model/recipes.js';
import { parseSpec, parameterCount, type ModelSpec, type SpecDType } from '../model/spec.js';
import { writeModel } from '../model/write.js';

class UsageError extends Error {}

const HELP = `weightinit - initialize model weights and write them as safetensors

Usage:
  weightinit init (--preset NAME | --spec FILE) --out PATH [options]
  weightinit inspect FILE.safetensors [--json]
  weightinit --help

init options:
  --preset NAME    ${PRESET_NAMES.join(' | ')}
  --spec FILE      a model spec (JSON, see src/model/spec.schema.json)
  --out PATH       the .safetensors file (with --shards: a directory)
  --dtype D        f32 (default) | f16 | bf16 | f64
  --seed N         root seed, a non-negative integer (default: random, recorded in the file)
  --recipe NAME    ${RECIPE_NAMES.join(' | ')} (default: gpt2 / llama for those families, else pytorch)
  --shards K       write K shards and model.safetensors.index.json into the directory --out
  --json           print the result as JSON

Exit status: 0 done, 2 usage error, 1 failure.
`;

const DTYPES: Readonly<Record<string, SpecDType>> = { f32: 'float32', f16: 'float16', bf16: 'bfloat16', f64: 'float64' };

type Values = Record<string, string | undefined> & { help?: boolean; json?: boolean };

function parse(args: string[], options: Record<string, { type: 'string' }>): { values: Values; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: 'boolean' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    return { values: r.values as unknown as Values, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function defaultRecipe(spec: ModelSpec): string {
  const f = spec.model?.family;
  return f === 'gpt2' || f === 'llama' ? f : 'pytorch';
}

async function init(args: string[], out: (s: string) => void): Promise<void> {
  const { values, positionals } = parse(args, {
    preset: { type: 'string' },
    spec: { type: 'string' },
    out: { type: 'string' },
    dtype: { type: 'string' },
    seed: { type: 'string' },
    recipe: { type: 'string' },
    shards: { type: 'string' },
  });
  if (values.help === true) {
    out(HELP);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`init: unexpected argument ${JSON.stringify(positionals[0])}`);
  if ((values.preset === undefined) === (values.spec === undefined)) throw new UsageError('init: give exactly one of --preset NAME or --spec FILE');
  if (values.out === undefined || values.out === '') throw new UsageError('init: --out PATH is required');
  let spec: ModelSpec;
  if (values.preset !== undefined) {
    if (!(PRESET_NAMES as readonly string[]).includes(values.preset)) throw new UsageError(`init: --preset must be one of ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(values.preset)}`);
    spec = preset(values.preset);
  } else {
    let text: string;
    try {
      text = readFileSync(values.spec!, 'utf8');
    } catch (e) {
      throw new Error(`init: cannot read --spec ${JSON.stringify(values.spec)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    spec = parseSpec(text);
  }
  const dtype = DTYPES[values.dtype ?? 'f32'];
  if (dtype === undefined) throw new UsageError(`init: --dtype must be one of ${Object.keys(DTYPES).join(', ')}, got ${JSON.stringify(values.dtype)}`);
  let seed: bigint;
  if (values.seed === undefined) seed = randomRoot();
  else {
    if (!/^\d+$/.test(values.seed) || BigInt(values.seed) >= 1n << 64n) throw new UsageError(`init: --seed must be an integer in [0, 2^64-1], got ${JSON.stringify(values.seed)}`);
    seed = BigInt(values.seed);
  }
  const recipe = values.recipe ?? defaultRecipe(spec);
  if (!RECIPE_NAMES.includes(recipe)) throw new UsageError(`init: --recipe must be one of ${RECIPE_NAMES.join(', ')}, got ${JSON.stringify(recipe)}`);
  let shards: number | undefined;
  if (values.shards !== undefined) {
    shards = Number(values.shards);
    if (!/^\d+$/.test(values.shards) || !Number.isSafeInteger(shards) || shards < 1) throw new UsageError(`init: --shards must be a positive integer, got ${JSON.stringify(values.shards)}`);
  }
  const wi = await load();
  const started = performance.now();
  const res = await writeModel(wi, spec, values.out, { seed, dtype, recipe, ...(shards !== undefined ? { shards } : {}) });
  const files = 'files' in res.written ? res.written.files.map((f) => ({ path: f.path, bytes: f.bytes })) : [{ path: res.written.path, bytes: res.written.bytes }];
  const params = parameterCount(spec);
  if (values.json === true) {
    out(
      JSON.stringify(
        { seed: res.plan.seed.toString(), recipe: res.plan.recipe, dtype, parameters: params, files, metadata: res.metadata, entries: res.plan.entries },
        null,
        2,
      ) + '\n',
    );
  } else {
    const bytes = files.reduce((a, f) => a + f.bytes, 0);
    out(`wrote ${res.plan.entries.length} tensors, ${params.toLocaleString('en-US')} parameters (${dtype}), ${bytes.toLocaleString('en-US')} bytes in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
    out(`seed ${res.plan.seed} recipe ${res.plan.recipe}\n`);
    for (const f of files) out(`  ${f.path}\n`);
  }
}

async function inspect(args: string[], out: (s: string) => void): Promise<void> {
  const { values, positionals } = parse(args, {});
  if (values.help === true) {
    out(HELP);
    return;
  }
  if (positionals.length !== 1) throw new UsageError(`inspect: give exactly one FILE.safetensors, got ${positionals.length} arguments`);
  const h = await readSafetensorsHeader(positionals[0]!);
  if (values.json === true) {
    out(JSON.stringify({ fileBytes: h.fileBytes, metadata: h.metadata, tensors: h.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, count: t.count })) }, null, 2) + '\n');
    return;
  }
  const params = h.tensors.reduce((a, t) => a + t.count, 0);
  out(`${positionals[0]}: ${h.tensors.length} tensors, ${params.toLocaleString('en-US')} elements, ${h.fileBytes.toLocaleString('en-US')} bytes\n`);
  for (const [k, v] of Object.entries(h.metadata)) out(`  ${k}: ${v}\n`);
  for (const t of h.tensors) out(`${t.name}\t${t.dtype}\t[${t.shape.join(', ')}]\n`);
}

/** Runs the CLI on `argv` (without node and the script); resolves to the exit status. */
export async function run(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      (cmd === undefined ? err : out)(HELP);
      return cmd === undefined ? 2 : 0;
    }
    if (cmd === 'init') await init(rest, out);
    else if (cmd === 'inspect') await inspect(rest, out);
    else throw new UsageError(`unknown command ${JSON.stringify(cmd)} (commands: init, inspect)`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`weightinit: ${e.message}\nRun "weightinit --help" for usage.\n`);
      return 2;
    }
    err(`weightinit: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

const code = await run(
  process.argv.slice(2),
  (s) => process.stdout.write(s),
  (s) => process.stderr.write(s),
);
process.exitCode = code;
