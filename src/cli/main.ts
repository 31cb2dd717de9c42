#!/usr/bin/env node
// The weightinit command line (usage: HELP below, and `weightinit <command> --help`).
//   init      initialize a model (preset, spec file, or the architecture of another file) and
//             write it as safetensors, streaming; progress on stderr, a summary table on stdout
//   inspect   a safetensors file's header, metadata and per-tensor statistics, streamed
//   diagnose, hist   in their own modules (./diagnose.js, ./hist.js), loaded on demand
// Exit status: 0 done, 2 usage error (the message names the argument), 1 any other failure,
// 130 interrupted (SIGINT): no file left at the target, no temporary file left behind.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomRoot } from '../engine/keys.js';
import { load } from '../index.js';
import { ELEMENT_BYTES, type WriteProgress } from '../io/common.js';
import { planShards, readSafetensorsHeader, type SafetensorsTensorInfo } from '../io/safetensors.js';
import { specFromTensors } from '../model/infer.js';
import { planModel, type Plan } from '../model/plan.js';
import { preset, PRESET_NAMES } from '../model/presets.js';
import { RECIPE_NAMES, type Rule } from '../model/recipes.js';
import { planSources, writePlan } from '../model/write.js';
import { parameterCount, parseSpec, type ModelInfo, type ModelSpec, type SpecDType } from '../model/spec.js';
import { DTYPES, list, parse, parsePresetOpts, parseRank, parseRules, parseSeedArg, RANK_ENV, str, UsageError, type Rank } from './args.js';
import { formatBytes, Progress, type PlannedFile, type ProgressStream } from './progress.js';
import { addValues, formatTable, num, RunningStats, statsObserver, summaryRow, SUMMARY_HEADER } from './table.js';

export const HELP = `weightinit - initialize model weights and write them as safetensors

Usage:
  weightinit init (--preset NAME | --spec FILE | --like FILE) --out PATH [options]
  weightinit inspect FILE.safetensors [--json]
  weightinit diagnose ...     (see weightinit diagnose --help)
  weightinit hist ...         (see weightinit hist --help)
  weightinit <command> --help

Exit status: 0 done, 2 usage error, 1 failure, 130 interrupted.
`;

export const INIT_HELP = `weightinit init - initialize a model and write it as safetensors (streamed: memory stays small)

Usage:
  weightinit init (--preset NAME | --spec FILE | --like FILE) --out PATH [options]

The model (exactly one):
  --preset NAME          ${PRESET_NAMES.join(' | ')}
  --preset-opt KEY=VAL   a preset option, repeatable: --preset gpt2 --preset-opt nLayer=2 --preset-opt nEmbd=64
                           gpt2: nLayer nEmbd nHead vocab nCtx nInner; llama-3.2-1b: nLayer hidden
                           intermediate nHead nKvHead vocab tiedEmbeddings; mlp: sizes=784,256,10
                           activation; cnn: inChannels channels kernel imageSize hidden classes;
                           lstm: vocab input hidden layers classes
  --spec FILE            a model spec, JSON (schema: weightinit/spec.schema.json)
  --like FILE            the architecture of another .safetensors file (names, shapes, dtypes from
                           its header; kinds inferred from the names, override them with --rules)

Options:
  --out PATH             the .safetensors file (with --shards: a directory)
  --dtype D              f32 (default; with --like: each tensor's dtype in FILE) | f16 | bf16 | f64
  --seed N               root seed, an integer in [0, 2^64-1] (default: random; recorded in the file)
  --recipe NAME          ${RECIPE_NAMES.join(' | ')} (default: gpt2 / llama for those families, else pytorch)
  --rules FILE           user rules, JSON, tried before the recipe's:
                           [{ "match": { "name": "h.*.attn.c_attn.weight" }, "init": { "initializer": "normal", "options": { "std": 0.01 } } }]
  --shards K             write K shards and model.safetensors.index.json into the directory --out
  --rank i/n | auto      with --shards: write only the shards of rank i of n (shard j belongs to rank
                           j mod n; rank 0 writes the index; needs --seed). auto: from ${RANK_ENV.map(([r, s]) => `${r}/${s}`).join(', ')}
  --json                 print the plan and the statistics of the written values as JSON (nothing else on stdout)
  --quiet, -q            no progress on stderr
  --help, -h             this text

Progress goes to stderr (a bar on a terminal, a line per 10% otherwise); a table per tensor
(rule, initializer, measured mean and std of the values written, the std the formulas give)
goes to stdout. Ctrl-C stops the write: nothing is left at --out, exit status 130.

Exit status: 0 done, 2 usage error (the message names the argument), 1 failure, 130 interrupted.
`;

export const INSPECT_HELP = `weightinit inspect - a safetensors file's header, metadata and per-tensor statistics

Usage:
  weightinit inspect FILE.safetensors [--json]

Reads the header, then every tensor in chunks (memory stays small whatever the file size) and
prints dtype, shape, element count, mean, std (population), min and max per tensor; F16 and
BF16 are decoded, integer types read as numbers, F8 counted only.

Options:
  --json       print everything as one JSON object
  --help, -h   this text

Exit status: 0 done, 2 usage error, 1 failure (a missing file, an invalid header).
`;

/** Where the CLI writes and what it reads from its process (replaceable in tests). */
export interface CliIO {
  /** stderr as a stream, for the progress display (isTTY decides bar or lines). */
  progress?: ProgressStream;
  env?: NodeJS.ProcessEnv;
  /** Subscribes to interrupts (SIGINT); returns the unsubscribe function. */
  onInterrupt?: (f: () => void) => () => void;
}

function defaultRecipe(spec: ModelSpec): string {
  const f = spec.model?.family;
  return f === 'gpt2' || f === 'llama' ? f : 'pytorch';
}

const WRITE_TO_SPEC: Readonly<Record<string, SpecDType>> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16', F64: 'float64' };

/** Model facts for a spec made from another file's names: layer count, and the family where the names are unmistakable. */
export function guessModelInfo(names: readonly string[]): ModelInfo {
  let nLayer = 0;
  for (const n of names) {
    const m = /(?:^|\.)(?:h|layers|layer|blocks|block)\.(\d+)\./.exec(n);
    if (m !== null) nLayer = Math.max(nLayer, Number(m[1]) + 1);
  }
  const has = (re: RegExp) => names.some((n) => re.test(n));
  const family = has(/(^|\.)attn\.c_attn\.weight$/) ? 'gpt2' : has(/(^|\.)self_attn\.q_proj\.weight$/) && has(/(^|\.)input_layernorm\.weight$/) ? 'llama' : undefined;
  return { ...(family !== undefined ? { family } : {}), ...(nLayer > 0 ? { nLayer } : {}) };
}

interface InitResult {
  code: number;
}

async function init(args: string[], out: (s: string) => void, err: (s: string) => void, io: CliIO): Promise<InitResult> {
  const { values, positionals } = parse('init', args, {
    preset: { type: 'string' },
    'preset-opt': { type: 'string', multiple: true },
    spec: { type: 'string' },
    like: { type: 'string' },
    rules: { type: 'string' },
    out: { type: 'string' },
    dtype: { type: 'string' },
    seed: { type: 'string' },
    recipe: { type: 'string' },
    shards: { type: 'string' },
    rank: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  });
  if (values.help === true) {
    out(INIT_HELP);
    return { code: 0 };
  }
  if (positionals.length > 0) throw new UsageError(`init: unexpected argument ${JSON.stringify(positionals[0])}`);
  const presetName = str(values, 'preset');
  const specFile = str(values, 'spec');
  const likeFile = str(values, 'like');
  const sources = [presetName, specFile, likeFile].filter((x) => x !== undefined).length;
  if (sources !== 1) throw new UsageError(`init: give exactly one of --preset NAME, --spec FILE or --like FILE${sources > 1 ? ' (got several)' : ''}`);
  const presetOpts = list(values, 'preset-opt');
  if (presetOpts.length > 0 && presetName === undefined) throw new UsageError('init: --preset-opt needs --preset NAME');
  const outPath = str(values, 'out');
  if (outPath === undefined || outPath === '') throw new UsageError('init: --out PATH is required');
  const dtypeArg = str(values, 'dtype');
  const dtype = dtypeArg === undefined ? undefined : DTYPES[dtypeArg];
  if (dtypeArg !== undefined && dtype === undefined) throw new UsageError(`init: --dtype must be one of ${Object.keys(DTYPES).join(', ')}, got ${JSON.stringify(dtypeArg)}`);
  const seedArg = str(values, 'seed');
  const seed = seedArg === undefined ? randomRoot() : parseSeedArg(seedArg);
  const recipeArg = str(values, 'recipe');
  if (recipeArg !== undefined && !RECIPE_NAMES.includes(recipeArg)) throw new UsageError(`init: --recipe must be one of ${RECIPE_NAMES.join(', ')}, got ${JSON.stringify(recipeArg)}`);
  const shardsArg = str(values, 'shards');
  let shards: number | undefined;
  if (shardsArg !== undefined) {
    shards = Number(shardsArg);
    if (!/^\d+$/.test(shardsArg) || !Number.isSafeInteger(shards) || shards < 1) throw new UsageError(`init: --shards must be a positive integer, got ${JSON.stringify(shardsArg)}`);
  }
  const rankArg = str(values, 'rank');
  let rank: Rank | undefined;
  if (rankArg !== undefined) {
    if (shards === undefined) throw new UsageError('init: --rank needs --shards K (a rank writes its share of the K shards into the directory --out)');
    if (seedArg === undefined) throw new UsageError('init: --rank needs --seed N: every rank must draw from the same root seed, or the shards would not belong together');
    rank = parseRank(rankArg, io.env ?? process.env);
  }
  const json = values.json === true;
  const quiet = values.quiet === true;

  // the model
  let spec: ModelSpec;
  if (presetName !== undefined) {
    if (!(PRESET_NAMES as readonly string[]).includes(presetName)) throw new UsageError(`init: --preset must be one of ${PRESET_NAMES.join(', ')}, got ${JSON.stringify(presetName)}`);
    const opts = parsePresetOpts(presetOpts);
    try {
      spec = preset(presetName, opts);
    } catch (e) {
      throw new UsageError(`init: --preset-opt: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else if (specFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(specFile, 'utf8');
    } catch (e) {
      throw new Error(`init: cannot read --spec ${JSON.stringify(specFile)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      spec = parseSpec(text);
    } catch (e) {
      throw new Error(`init: --spec ${specFile}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else {
    const h = await readSafetensorsHeader(likeFile!);
    const floats = h.tensors.filter((t) => WRITE_TO_SPEC[t.dtype] !== undefined || dtype !== undefined);
    const other = h.tensors.filter((t) => !floats.includes(t));
    const guess = specFromTensors(floats, guessModelInfo(h.tensors.map((t) => t.name)));
    const dtypeOf = new Map(h.tensors.map((t) => [t.name, WRITE_TO_SPEC[t.dtype]]));
    spec = parseSpec({ ...guess.spec, tensors: guess.spec.tensors.map((t) => ({ ...t, ...(dtype === undefined && dtypeOf.get(t.name) !== undefined ? { dtype: dtypeOf.get(t.name) } : {}) })) });
    const notes: string[] = [];
    if (guess.skipped.length > 0) notes.push(`left out (not parameters): ${guess.skipped.join(', ')}`);
    if (other.length > 0) notes.push(`left out (not a float dtype; give --dtype to write them as floats): ${other.map((t) => `${t.name} (${t.dtype})`).join(', ')}`);
    if (guess.unsure.length > 0) notes.push(`kind guessed from the rank only (check, or set with --rules): ${guess.unsure.join(', ')}`);
    for (const n of notes) err(`weightinit init --like: ${n}\n`);
  }
  let rules: Rule[] | undefined;
  const rulesFile = str(values, 'rules');
  if (rulesFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(rulesFile, 'utf8');
    } catch (e) {
      throw new Error(`init: cannot read --rules ${JSON.stringify(rulesFile)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    rules = parseRules(text, rulesFile);
  }
  const recipe = recipeArg ?? defaultRecipe(spec);

  // a worker pool draws values on the other cores while this thread issues the file writes
  const wi = await load({ workers: 'auto' });
  const plan = planModel(wi, spec, { seed, dtype: dtype ?? 'float32', recipe, ...(rules !== undefined ? { rules } : {}) });
  const stats = new Map<string, RunningStats>();
  const srcs = planSources(wi, plan);

  // the files this run writes, for the progress display and the summary
  let planned: PlannedFile[];
  let written: Set<string>;
  if (shards === undefined) {
    const parent = dirname(outPath);
    let isDir = false;
    try {
      isDir = statSync(parent).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw new Error(`init: cannot write --out ${JSON.stringify(outPath)}: the directory ${JSON.stringify(parent)} does not exist`);
    planned = [{ path: outPath, dataBytes: srcs.reduce((a, s) => a + bytesOf(s), 0), tensors: srcs.length }];
    written = new Set(plan.entries.map((e) => e.name));
  } else {
    let sp;
    try {
      sp = planShards(srcs, shards);
    } catch (e) {
      throw new UsageError(`init: --shards: ${e instanceof Error ? e.message.replace(/^planShards: /, '') : String(e)}`);
    }
    const mine = sp.filter((s) => rank === undefined || s.index % rank.size === rank.index);
    planned = mine.map((s) => ({ path: join(outPath, s.file), dataBytes: s.bytes, tensors: s.names.length }));
    written = new Set(mine.flatMap((s) => s.names));
    if (rank !== undefined && mine.length === 0) err(`weightinit init: rank ${rank.index} of ${rank.size} has none of the ${shards} shards to write\n`);
  }

  // the write, interruptible
  const ac = new AbortController();
  const finished = new Set<string>();
  const progress = quiet ? undefined : new Progress(io.progress ?? { write: err }, planned);
  const onProgress = (p: WriteProgress): void => {
    if (p.tensorsDone === p.tensorCount) finished.add(p.path);
    progress?.update(p);
  };
  const unsubscribe = (io.onInterrupt ?? (() => () => undefined))(() => ac.abort(new Error('interrupted')));
  const started = performance.now();
  if (!quiet && !json) err(`writing ${written.size} tensors, ${formatBytes(planned.reduce((a, f) => a + f.dataBytes, 0))} (${plan.recipe} recipe, seed ${plan.seed}) to ${outPath}\n`);
  let files: { path: string; bytes: number }[];
  let indexPath: string | undefined;
  let metadata: Record<string, string>;
  const observer = statsObserver(wi, plan, stats);
  try {
    const w = await writePlan(wi, plan, outPath, {
      onProgress,
      signal: ac.signal,
      observe: observer.observe,
      ...(shards !== undefined ? { shards, ...(rank !== undefined ? { rank: { index: rank.index, size: rank.size } } : {}) } : {}),
    });
    metadata = w.metadata;
    if ('files' in w.written) {
      files = w.written.files.map((f) => ({ path: f.path, bytes: f.bytes }));
      indexPath = w.written.indexPath;
    } else files = [{ path: w.written.path, bytes: w.written.bytes }];
  } catch (e) {
    progress?.interrupt();
    if (ac.signal.aborted) {
      // the writer removed its temporary file; remove the shard files this run completed too
      for (const p of finished) await unlink(p).catch(() => undefined);
      err('weightinit init: interrupted; no file written\n');
      return { code: 130 };
    }
    throw e;
  } finally {
    unsubscribe();
    observer.release();
  }
  progress?.finish();
  const seconds = (performance.now() - started) / 1000;
  const bytes = files.reduce((a, f) => a + f.bytes, 0);
  const entries = plan.entries.filter((e) => written.has(e.name));
  if (json) {
    out(
      JSON.stringify(
        {
          seed: plan.seed.toString(),
          recipe: plan.recipe,
          dtype: dtype ?? (likeFile !== undefined ? 'as in --like' : 'float32'),
          parameters: parameterCount(spec),
          ...(rank !== undefined ? { rank: { index: rank.index, size: rank.size } } : {}),
          files,
          ...(indexPath !== undefined ? { index: indexPath } : {}),
          metadata,
          seconds,
          entries: entries.map((e) => ({ ...e, stats: stats.get(e.name)?.toJSON() ?? null })),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    out(formatTable(SUMMARY_HEADER, entries.map((e) => summaryRow(e, stats.get(e.name))), new Set([5, 6, 7])));
    const params = entries.reduce((a, e) => a + e.shape.reduce((b, d) => b * d, 1), 0);
    out(`\nwrote ${entries.length} tensors, ${params.toLocaleString('en-US')} parameters, ${bytes.toLocaleString('en-US')} bytes in ${seconds.toFixed(2)} s (${(bytes / 1e6 / Math.max(seconds, 1e-9)).toFixed(0)} MB/s)\n`);
    out(`seed ${plan.seed} recipe ${plan.recipe}${rank !== undefined ? ` rank ${rank.index}/${rank.size}` : ''}\n`);
    for (const f of files) out(`  ${f.path}\n`);
    if (indexPath !== undefined) out(`  ${indexPath}\n`);
  }
  return { code: 0 };
}

function bytesOf(s: { shape: readonly number[]; dtype: keyof typeof ELEMENT_BYTES }): number {
  return s.shape.reduce((a, d) => a * d, 1) * ELEMENT_BYTES[s.dtype];
}

type Reader = (buf: ArrayBuffer, count: number, st: RunningStats) => void;

/** How `inspect` folds a chunk of raw little-endian bytes into the statistics, per dtype (undefined: counted only). */
const READERS: Partial<Record<SafetensorsTensorInfo['dtype'], Reader>> = {
  F32: (b, n, st) => st.addArray(new Float32Array(b, 0, n)),
  F64: (b, n, st) => st.addArray(new Float64Array(b, 0, n)),
  F16: (b, n, st) => addValues(st, 'F16', new Uint16Array(b, 0, n), n),
  BF16: (b, n, st) => addValues(st, 'BF16', new Uint16Array(b, 0, n), n),
  I64: (b, n, st) => {
    const v = new BigInt64Array(b, 0, n);
    st.addChunk(n, (i) => Number(v[i]!));
  },
  U64: (b, n, st) => {
    const v = new BigUint64Array(b, 0, n);
    st.addChunk(n, (i) => Number(v[i]!));
  },
  I32: (b, n, st) => st.addArray(Float64Array.from(new Int32Array(b, 0, n))),
  U32: (b, n, st) => st.addArray(Float64Array.from(new Uint32Array(b, 0, n))),
  I16: (b, n, st) => st.addArray(Float32Array.from(new Int16Array(b, 0, n))),
  U16: (b, n, st) => st.addArray(Float32Array.from(new Uint16Array(b, 0, n))),
  I8: (b, n, st) => st.addArray(Float32Array.from(new Int8Array(b, 0, n))),
  U8: (b, n, st) => st.addArray(Float32Array.from(new Uint8Array(b, 0, n))),
  BOOL: (b, n, st) => st.addArray(Float32Array.from(new Uint8Array(b, 0, n))),
};

const SIZES: Readonly<Record<string, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1, F8_E4M3: 1, F8_E5M2: 1 };
const INSPECT_CHUNK = 8 << 20;

async function inspect(args: string[], out: (s: string) => void): Promise<InitResult> {
  const { values, positionals } = parse('inspect', args, { json: { type: 'boolean' } });
  if (values.help === true) {
    out(INSPECT_HELP);
    return { code: 0 };
  }
  if (positionals.length !== 1) throw new UsageError(`inspect: give exactly one FILE.safetensors, got ${positionals.length} arguments`);
  const file = positionals[0]!;
  const h = await readSafetensorsHeader(file);
  const buf = new ArrayBuffer(INSPECT_CHUNK);
  const rows: { t: SafetensorsTensorInfo; st: RunningStats | undefined }[] = [];
  const fh = await open(file, 'r');
  try {
    for (const t of h.tensors) {
      const read = READERS[t.dtype];
      if (read === undefined) {
        rows.push({ t, st: undefined });
        continue;
      }
      const size = SIZES[t.dtype]!;
      const per = Math.floor(INSPECT_CHUNK / size);
      const st = new RunningStats();
      for (let i = 0; i < t.count; i += per) {
        const n = Math.min(per, t.count - i);
        const want = n * size;
        let got = 0;
        while (got < want) {
          const { bytesRead } = await fh.read(new Uint8Array(buf, got, want - got), 0, want - got, t.fileBegin + i * size + got);
          if (bytesRead === 0) throw new Error(`inspect: ${file} ended inside tensor ${JSON.stringify(t.name)}`);
          got += bytesRead;
        }
        read(buf, n, st);
      }
      rows.push({ t, st });
    }
  } finally {
    await fh.close();
  }
  const params = h.tensors.reduce((a, t) => a + t.count, 0);
  if (values.json === true) {
    out(
      JSON.stringify(
        {
          file,
          fileBytes: h.fileBytes,
          headerLength: h.headerLength,
          parameters: params,
          metadata: h.metadata,
          tensors: rows.map(({ t, st }) => ({ name: t.name, dtype: t.dtype, shape: t.shape, count: t.count, offsets: [t.begin, t.end], stats: st?.toJSON() ?? null })),
        },
        null,
        2,
      ) + '\n',
    );
    return { code: 0 };
  }
  out(`${file}: ${h.tensors.length} tensors, ${params.toLocaleString('en-US')} elements, ${h.fileBytes.toLocaleString('en-US')} bytes (header ${h.headerLength.toLocaleString('en-US')})\n`);
  for (const [k, v] of Object.entries(h.metadata)) out(`  ${k}: ${v}\n`);
  out('\n');
  out(
    formatTable(
      ['tensor', 'dtype', 'shape', 'count', 'mean', 'std', 'min', 'max'],
      rows.map(({ t, st }) => [t.name, t.dtype, `[${t.shape.join(', ')}]`, t.count.toLocaleString('en-US'), ...(st === undefined || st.count === 0 ? ['-', '-', '-', '-'] : [num(st.mean), num(st.std), num(st.min), num(st.max)])]),
      new Set([3, 4, 5, 6, 7]),
    ),
  );
  return { code: 0 };
}

/** `weightinit diagnose` and `weightinit hist` live in their own modules, loaded only when asked for. */
async function external(name: string, rest: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const specifier = `./${name}.js`;
  let mod: { run?: unknown };
  try {
    mod = (await import(specifier)) as { run?: unknown };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      err(`weightinit ${name}: not available in this build\n`);
      return 1;
    }
    throw e;
  }
  if (typeof mod.run !== 'function') {
    err(`weightinit ${name}: not available in this build\n`);
    return 1;
  }
  const code: unknown = await (mod.run as (a: string[], o: (s: string) => void, e: (s: string) => void) => Promise<number>)(rest, out, err);
  return typeof code === 'number' && Number.isInteger(code) ? code : 1;
}

/** Runs the CLI on `argv` (without node and the script); resolves to the exit status. */
export async function run(argv: string[], out: (s: string) => void, err: (s: string) => void, io: CliIO = {}): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      (cmd === undefined ? err : out)(HELP);
      return cmd === undefined ? 2 : 0;
    }
    if (cmd === 'init') return (await init(rest, out, err, io)).code;
    if (cmd === 'inspect') return (await inspect(rest, out)).code;
    if (cmd === 'diagnose' || cmd === 'hist') return await external(cmd, rest, out, err);
    throw new UsageError(`unknown command ${JSON.stringify(cmd)} (commands: init, inspect, diagnose, hist)`);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`weightinit: ${e.message}\nRun "weightinit ${cmd === 'init' || cmd === 'inspect' ? `${cmd} ` : ''}--help" for usage.\n`);
      return 2;
    }
    err(`weightinit: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

/** SIGINT: the first one aborts the write (cleanly, exit 130), a second one exits at once. */
function onSigint(f: () => void): () => void {
  let count = 0;
  const h = () => {
    if (++count > 1) process.exit(130);
    f();
  };
  process.on('SIGINT', h);
  return () => process.off('SIGINT', h);
}

// Run only as the program (`weightinit`, `node dist/cli/main.js`), not when imported.
const invoked = process.argv[1];
if (invoked !== undefined && import.meta.url === pathToFileURL(realpathSync(invoked)).href) {
  process.exitCode = await run(
    process.argv.slice(2),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
    { progress: process.stderr, env: process.env, onInterrupt: onSigint },
  );
}
