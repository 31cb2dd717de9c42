// The model job of the command line, run as the built dist/cli/main.js in child processes with
// deadlines: --preset-opt, --like, --rules, --rank (i/n and auto), progress, the summary table
// and --json stats, inspect's streamed statistics (F16/BF16 decoded), --help everywhere,
// unwritable output, SIGINT in the middle of a large write, an independent Python reader, and a
// memory bound far below the file size.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../src/index.js';
import { readSafetensorsHeader } from '../src/io/safetensors.js';
import { initModel } from '../src/model/plan.js';
import { gpt2 } from '../src/model/presets.js';
import { writeModel } from '../src/model/write.js';
import { runPython, tempDir } from './py/harness.js';

const exec = promisify(execFile);
// The built command: `npm test` builds dist/ before vitest runs.
const ROOT = join(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const { dir, cleanup } = tempDir('wi-cli-model-');
afterAll(cleanup);

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does) before these tests`);
});

/** Launcher variables removed from the children's environment unless a test sets them. */
const RANK_VARS = ['RANK', 'WORLD_SIZE', 'SLURM_PROCID', 'SLURM_NTASKS', 'OMPI_COMM_WORLD_RANK', 'OMPI_COMM_WORLD_SIZE', 'PMI_RANK', 'PMI_SIZE'];
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of RANK_VARS) delete env[k];
  return { ...env, ...extra };
}

async function cli(args: string[], opts: { env?: Record<string, string>; node?: string[] } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [...(opts.node ?? []), MAIN, ...args], { env: childEnv(opts.env), timeout: 60_000, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const fileSha = (p: string) => sha(readFileSync(p));
const tiny = gpt2({ nLayer: 2, nEmbd: 32, vocab: 60, nCtx: 8, nHead: 2 });
const specFile = join(dir, 'gpt2-tiny.json');
writeFileSync(specFile, JSON.stringify(tiny));
const TINY_OPTS = ['--preset', 'gpt2', '--preset-opt', 'nLayer=2', '--preset-opt', 'nEmbd=32', '--preset-opt', 'vocab=60', '--preset-opt', 'nCtx=8', '--preset-opt', 'nHead=2'];

interface JsonOut {
  seed: string;
  recipe: string;
  files: { path: string; bytes: number }[];
  index?: string;
  entries: { name: string; shape: number[]; dtype: string; rule: string; initializer: string; std?: number; value?: number; stats: { count: number; mean: number; std: number; min: number; max: number } | null }[];
}

describe('init', () => {
  it('--preset with --preset-opt makes the same file as --spec of the same preset; the table has rule, initializer, mean, std, expected std', async () => {
    const a = join(dir, 'opt.safetensors');
    const b = join(dir, 'spec.safetensors');
    const r = await cli(['init', ...TINY_OPTS, '--out', a, '--seed', '5']);
    expect(r.code, r.stderr).toBe(0);
    expect((await cli(['init', '--spec', specFile, '--out', b, '--seed', '5', '-q'])).code).toBe(0);
    expect(fileSha(a)).toBe(fileSha(b));
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^tensor +shape +dtype +rule +initializer +mean +std +expected std$/);
    expect(r.stdout).toMatch(/h\.1\.mlp\.c_proj\.weight +\[128, 32\] +float32 +gpt2\.residual +normal +\S+ +\S+ +0\.01$/m); // 0.02/sqrt(2*2)
    expect(r.stdout).toMatch(/ln_f\.weight +\[32\] +float32 +gpt2\.norm_weight +ones +1 +0 += 1$/m);
    expect(r.stdout).toMatch(/wrote 28 tensors, [\d,]+ parameters, [\d,]+ bytes in [\d.]+ s \([\d.]+ MB\/s\)/);
    // plain progress lines on a pipe (not a terminal): percentages, ending at 100%
    expect(r.stderr).toMatch(/^writing 28 tensors/m);
    expect(r.stderr).toMatch(/^100% .*tensors 28\/28/m);
    expect(r.stderr).not.toMatch(/\r/);
  });

  it('the file equals writeModel\'s byte for byte, and an independent Python reader finds initModel\'s bytes (sha256) in every tensor', async () => {
    const out = join(dir, 'py.safetensors');
    const r = await cli(['init', '--spec', specFile, '--out', out, '--seed', '77', '--dtype', 'bf16', '--json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const wi = await load();
    const ref = join(dir, 'ref.safetensors');
    await writeModel(wi, tiny, ref, { seed: 77n, dtype: 'bfloat16', recipe: 'gpt2' });
    expect(fileSha(out)).toBe(fileSha(ref));
    const { tensors } = initModel(wi, tiny, { seed: 77n, dtype: 'bfloat16', recipe: 'gpt2' });
    const py = runPython<{ metadata: Record<string, string>; tensors: { name: string; dtype: string; sha256: string; mean: number; std: number }[] }>('read_safetensors.py', [out]);
    expect(py.metadata).toMatchObject({ seed: '77', recipe: 'gpt2', format: 'pt' });
    expect(py.tensors.map((t) => t.name)).toEqual(tiny.tensors.map((t) => t.name));
    const j = JSON.parse(r.stdout) as JsonOut;
    for (const t of py.tensors) {
      const d = (tensors[t.name] as unknown as { data: Uint16Array }).data;
      expect(t.dtype).toBe('BF16');
      expect(t.sha256, t.name).toBe(sha(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
      // the CLI's streamed statistics (BF16 decoded) agree with numpy's
      const s = j.entries.find((e) => e.name === t.name)!.stats!;
      expect(Math.abs(s.mean - t.mean), t.name).toBeLessThanOrEqual(1e-9 + 1e-9 * Math.abs(t.mean));
      expect(Math.abs(s.std - t.std), t.name).toBeLessThanOrEqual(1e-9 + 1e-7 * t.std);
    }
    for (const t of Object.values(tensors)) t.free();
  });

  it('--rules overrides the recipe by glob; a bad rules file exits 1 naming the field', async () => {
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify([{ match: { name: 'h.*.attn.c_attn.weight' }, init: { initializer: 'normal', options: { std: 0.5 } }, why: 'test' }]));
    const r = await cli(['init', '--spec', specFile, '--out', join(dir, 'rules.safetensors'), '--seed', '1', '--rules', rules, '--json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as JsonOut;
    for (const e of j.entries.filter((x) => x.name.endsWith('attn.c_attn.weight'))) {
      expect(e.rule).toBe('user.0');
      expect(e.std).toBe(0.5);
      expect(Math.abs(e.stats!.std - 0.5)).toBeLessThan(0.05);
    }
    expect(j.entries.find((e) => e.name === 'wte.weight')!.rule).toBe('gpt2.weight');
    const bad = join(dir, 'bad-rules.json');
    writeFileSync(bad, JSON.stringify([{ match: { kind: 'dense' }, init: { initializer: 'normal' } }]));
    const b = await cli(['init', '--spec', specFile, '--out', join(dir, 'never.safetensors'), '--rules', bad]);
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/rules\[0\]\.match\.kind/);
    expect(existsSync(join(dir, 'never.safetensors'))).toBe(false);
  });

  it('a spec with a wrong shape exits 1; the message names the tensor and the field', async () => {
    const bad = join(dir, 'bad-shape.json');
    writeFileSync(bad, JSON.stringify({ tensors: [{ name: 'fc.weight', shape: [4, 4] }, { name: 'fc2.weight', shape: [3, 'x'] }] }));
    const r = await cli(['init', '--spec', bad, '--out', join(dir, 'never.safetensors')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/"fc2\.weight"/);
    expect(r.stderr).toMatch(/shape\[1\]/);
  });

  it('unwritable output: exit 1, no file', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    for (const out of [join(dir, 'no', 'such', 'dir', 'm.safetensors'), join(blocker, 'm.safetensors')]) {
      const r = await cli(['init', '--spec', specFile, '--out', out, '--seed', '1']);
      expect(r.code, out).toBe(1);
      expect(r.stderr).toMatch(/cannot write --out|ENOTDIR|ENOENT/);
      expect(existsSync(out)).toBe(false);
    }
    const r = await cli(['init', '--spec', specFile, '--out', join(blocker, 'shards'), '--shards', '2', '--seed', '1']);
    expect(r.code).toBe(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('init --like', () => {
  it('re-initializes the architecture of another file: same names, shapes and dtypes, another seed, the family recipe guessed', async () => {
    const src = join(dir, 'like-src.safetensors');
    expect((await cli(['init', '--spec', specFile, '--out', src, '--seed', '1', '--dtype', 'bf16', '-q'])).code).toBe(0);
    const out = join(dir, 'like-out.safetensors');
    const r = await cli(['init', '--like', src, '--out', out, '--seed', '2', '--json', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const [a, b] = [await readSafetensorsHeader(src), await readSafetensorsHeader(out)];
    expect(b.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual(a.tensors.map((t) => [t.name, t.shape, t.dtype]));
    expect(b.metadata.seed).toBe('2');
    expect(fileSha(out)).not.toBe(fileSha(src));
    const j = JSON.parse(r.stdout) as JsonOut;
    expect(j.recipe).toBe('gpt2');
    // nLayer guessed from the names: the residual projections get 0.02/sqrt(2*2)
    expect(j.entries.find((e) => e.name === 'h.1.attn.c_proj.weight')).toMatchObject({ rule: 'gpt2.residual', std: 0.01 });
    // the same seed gives the same file back (kinds and layouts inferred right)
    const again = join(dir, 'like-again.safetensors');
    expect((await cli(['init', '--like', src, '--out', again, '--seed', '1', '-q'])).code).toBe(0);
    expect(fileSha(again)).toBe(fileSha(src));
  });
});

describe('init --shards --rank', () => {
  it('the union of --rank i/4 runs equals the --shards 4 files byte for byte; only rank 0 writes the index', async () => {
    const all = join(dir, 'all');
    expect((await cli(['init', '--spec', specFile, '--out', all, '--seed', '9', '--shards', '4', '-q'])).code).toBe(0);
    const ranks = join(dir, 'ranks');
    const rs = await Promise.all([0, 1, 2, 3].map((i) => cli(['init', '--spec', specFile, '--out', ranks, '--seed', '9', '--shards', '4', '--rank', `${i}/4`, '--json', '-q'])));
    rs.forEach((r, i) => {
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as JsonOut;
      expect(j.files.map((f) => f.path)).toEqual([join(ranks, `model-0000${i + 1}-of-00004.safetensors`)]);
      expect(j.index !== undefined).toBe(i === 0);
    });
    const names = readdirSync(all).sort();
    expect(readdirSync(ranks).sort()).toEqual(names);
    expect(names).toHaveLength(5);
    for (const f of names) expect(fileSha(join(ranks, f)), f).toBe(fileSha(join(all, f)));
  });

  it('--rank auto reads RANK/WORLD_SIZE, SLURM_PROCID/SLURM_NTASKS, OMPI_COMM_WORLD_*; none set: exit 2 naming them', async () => {
    const cases: [Record<string, string>, number][] = [
      [{ RANK: '1', WORLD_SIZE: '4' }, 1],
      [{ SLURM_PROCID: '2', SLURM_NTASKS: '4' }, 2],
      [{ OMPI_COMM_WORLD_RANK: '3', OMPI_COMM_WORLD_SIZE: '4' }, 3],
    ];
    for (const [env, i] of cases) {
      const out = join(dir, `auto-${i}`);
      const r = await cli(['init', '--spec', specFile, '--out', out, '--seed', '9', '--shards', '4', '--rank', 'auto', '-q'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(readdirSync(out)).toEqual([`model-0000${i + 1}-of-00004.safetensors`]);
      expect(fileSha(join(out, readdirSync(out)[0]!))).toBe(fileSha(join(dir, 'all', `model-0000${i + 1}-of-00004.safetensors`)));
    }
    const none = await cli(['init', '--spec', specFile, '--out', join(dir, 'auto-none'), '--seed', '9', '--shards', '4', '--rank', 'auto']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--rank auto.*RANK\/WORLD_SIZE.*SLURM_PROCID\/SLURM_NTASKS.*OMPI_COMM_WORLD_RANK\/OMPI_COMM_WORLD_SIZE/);
    const half = await cli(['init', '--spec', specFile, '--out', join(dir, 'auto-half'), '--seed', '9', '--shards', '4', '--rank', 'auto'], { env: { RANK: '0' } });
    expect(half.code).toBe(2);
    expect(half.stderr).toMatch(/WORLD_SIZE/);
    const bad = await cli(['init', '--spec', specFile, '--out', join(dir, 'auto-bad'), '--seed', '9', '--shards', '4', '--rank', 'auto'], { env: { RANK: '4', WORLD_SIZE: '4' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/RANK=4/);
    expect(existsSync(join(dir, 'auto-none')) || existsSync(join(dir, 'auto-bad'))).toBe(false);
  });
});

describe('inspect', () => {
  it('per-tensor statistics streamed from the file, F16 decoded, equal to numpy\'s', async () => {
    const out = join(dir, 'f16.safetensors');
    expect((await cli(['init', '--spec', specFile, '--out', out, '--seed', '4', '--dtype', 'f16', '-q'])).code).toBe(0);
    const r = await cli(['inspect', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { metadata: Record<string, string>; tensors: { name: string; dtype: string; count: number; stats: { mean: number; std: number; min: number; max: number } }[] };
    const py = runPython<{ tensors: { name: string; mean: number; std: number }[] }>('read_safetensors.py', [out]);
    expect(j.metadata.seed).toBe('4');
    for (const t of py.tensors) {
      const s = j.tensors.find((x) => x.name === t.name)!;
      expect(s.dtype).toBe('F16');
      expect(Math.abs(s.stats.mean - t.mean), t.name).toBeLessThanOrEqual(1e-9 + 1e-9 * Math.abs(t.mean));
      expect(Math.abs(s.stats.std - t.std), t.name).toBeLessThanOrEqual(1e-9 + 1e-7 * t.std);
    }
    const text = await cli(['inspect', out]);
    expect(text.stdout).toMatch(/^tensor +dtype +shape +count +mean +std +min +max$/m);
    expect(text.stdout).toMatch(/^ln_f\.weight +F16 +\[32\] +32 +1 +0 +1 +1$/m);
  });
});

describe('--help', () => {
  for (const args of [['--help'], ['-h'], ['init', '--help'], ['init', '-h'], ['inspect', '--help']]) {
    it(`${args.join(' ')}: exit 0, usage with the options`, async () => {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage:/);
      if (args[0] === 'init') for (const o of ['--preset-opt', '--like', '--rules', '--rank', '--shards', '--json', '--quiet']) expect(r.stdout).toContain(o);
      if (args[0] === 'inspect') expect(r.stdout).toContain('--json');
    });
  }
  it('diagnose and hist are dispatched: their own help, exit 0', async () => {
    for (const cmd of ['diagnose', 'hist']) {
      const r = await cli([cmd, '--help']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Usage:/);
    }
  });
});

/** A spec of `n` embedding tensors of `size` elements each (float32 by default). */
function bigSpec(file: string, n: number, size: number): string {
  writeFileSync(file, JSON.stringify({ tensors: Array.from({ length: n }, (_, i) => ({ name: `t${i}.weight`, shape: [size], kind: 'embedding' })) }));
  return file;
}

describe('large writes', () => {
  it('SIGINT in the middle of a 1 GB write: exit 130, nothing at the target, no temporary file', async () => {
    const sub = join(dir, 'sigint');
    mkdirSync(sub);
    const spec = bigSpec(join(dir, 'big-1g.json'), 10, 25_000_000);
    const out = join(sub, 'big.safetensors');
    const child = spawn(process.execPath, [MAIN, 'init', '--spec', spec, '--out', out, '--seed', '1'], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let sent = false;
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      // the first progress line ("10% ..."): the write is under way
      if (!sent && /^\s*\d+% /m.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    clearTimeout(deadline);
    expect(sent).toBe(true);
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    expect(stderr).not.toMatch(/100% /);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(sub)).toEqual([]);
  });

  it('streams: a 400 MB model written with a 64 MB JS heap and a peak RSS far below the file size', async () => {
    const spec = bigSpec(join(dir, 'big-400m.json'), 4, 25_000_000);
    const out = join(dir, 'big-400m.safetensors');
    // the child reports its peak resident set (process.resourceUsage().maxRSS, KiB) on exit
    const report = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss "+process.resourceUsage().maxRSS+"\\n"))';
    const r = await cli(['init', '--spec', spec, '--out', out, '--seed', '1', '-q'], { node: ['--max-old-space-size=64', '--import', report] });
    expect(r.code, r.stderr).toBe(0);
    const bytes = statSync(out).size; // 400 MB
    expect(bytes).toBeGreaterThan(400e6);
    const rss = Number(/maxrss (\d+)/.exec(r.stderr)![1]) * 1024;
    // Node itself, the wasm instance and its worker, the writer's three 2 MiB buffers: well under 200 MB,
    // and a program holding even one of the four 100 MB tensors whole would be above 100 MB + Node's ~50 MB
    expect(rss).toBeLessThan(150e6);
    expect(rss).toBeLessThan(bytes / 2);
  });
});
