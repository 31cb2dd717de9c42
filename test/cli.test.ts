// The command line, run as the built dist/cli/main.js in child processes: init from a spec file
// (tiny presets) reads back bit for bit equal to initModel in this process, shards, inspect,
// and exit statuses: 0 done, 2 usage error naming the argument, 1 failure.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load } from '../src/index.js';
import { readTensor } from '../src/io/safetensors.js';
import { initModel } from '../src/model/plan.js';
import { gpt2, lstm } from '../src/model/presets.js';

const run = promisify(execFile);
// The built command: `npm test` builds dist/ before vitest runs.
const ROOT = join(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'wi-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does) before these tests`);
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [MAIN, ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: x.code ?? -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}

const bytes = (a: ArrayBufferView) => Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
const tiny = gpt2({ nLayer: 2, nEmbd: 32, vocab: 60, nCtx: 8, nHead: 2 });
const specFile = join(dir, 'gpt2-tiny.json');
writeFileSync(specFile, JSON.stringify(tiny));

describe('weightinit init', () => {
  it('writes a file equal bit for bit to initModel in this process, and --json describes it', async () => {
    const out = join(dir, 'tiny.safetensors');
    const r = await cli('init', '--spec', specFile, '--out', out, '--seed', '12', '--dtype', 'bf16', '--json', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { seed: string; recipe: string; files: { path: string }[]; entries: { name: string; std?: number; stats: { mean: number; std: number; count: number } }[] };
    expect(j.seed).toBe('12');
    expect(j.recipe).toBe('gpt2'); // the family's recipe by default
    expect(j.entries.length).toBe(tiny.tensors.length);
    // stats of the values written, next to the formulas' std
    const wte = j.entries.find((e) => e.name === 'wte.weight')!;
    expect(wte.stats.count).toBe(60 * 32);
    expect(wte.std).toBe(0.02);
    expect(Math.abs(wte.stats.std - 0.02)).toBeLessThan(0.002);
    const wi = await load();
    const { tensors } = initModel(wi, tiny, { seed: 12, dtype: 'bfloat16', recipe: 'gpt2' });
    for (const [name, t] of Object.entries(tensors)) {
      expect(bytes(await readTensor(out, name)).equals(bytes((t as unknown as { data: ArrayBufferView }).data)), name).toBe(true);
    }
  });
  it('--shards writes shards and the index; --recipe chooses the recipe', async () => {
    const s = join(dir, 'lstm.json');
    writeFileSync(s, JSON.stringify(lstm({ vocab: 40, input: 8, hidden: 8, layers: 2, classes: 40 })));
    const out = join(dir, 'sharded');
    const r = await cli('init', '--spec', s, '--out', out, '--seed', '1', '--shards', '2', '--recipe', 'best-practice');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/recipe best-practice/);
    expect(existsSync(join(out, 'model.safetensors.index.json'))).toBe(true);
    expect(existsSync(join(out, 'model-00002-of-00002.safetensors'))).toBe(true);
  });
  it('--help exits 0 with the usage', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage:/);
  });
});

describe('weightinit inspect', () => {
  it('lists tensors and metadata (--json and text)', async () => {
    const out = join(dir, 'inspect.safetensors');
    expect((await cli('init', '--spec', specFile, '--out', out, '--seed', '3')).code).toBe(0);
    const r = await cli('inspect', out, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { metadata: Record<string, string>; tensors: { name: string; dtype: string; shape: number[] }[] };
    expect(j.metadata).toMatchObject({ seed: '3', recipe: 'gpt2', format: 'pt' });
    expect(j.tensors.map((t) => t.name).sort()).toEqual(tiny.tensors.map((t) => t.name).sort());
    expect(j.tensors.every((t) => t.dtype === 'F32')).toBe(true);
    const text = await cli('inspect', out);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/h\.1\.mlp\.c_proj\.weight +F32 +\[128, 32\] +4,096 /);
  });
});

describe('exit statuses', () => {
  const out = () => join(dir, 'never.safetensors');
  const usage: [string, string[], RegExp][] = [
    ['no command', [], /Usage/],
    ['unknown command', ['frobnicate'], /frobnicate/],
    ['unknown preset', ['init', '--preset', 'nope', '--out', out()], /--preset/],
    ['neither preset nor spec', ['init', '--out', out()], /--preset.*--spec/],
    ['both preset and spec', ['init', '--preset', 'mlp', '--spec', specFile, '--out', out()], /--preset.*--spec/],
    ['missing --out', ['init', '--preset', 'mlp'], /--out/],
    ['bad --dtype', ['init', '--preset', 'mlp', '--out', out(), '--dtype', 'f8'], /--dtype/],
    ['bad --seed', ['init', '--preset', 'mlp', '--out', out(), '--seed', '1.5'], /--seed/],
    ['bad --recipe', ['init', '--preset', 'mlp', '--out', out(), '--recipe', 'magic'], /--recipe/],
    ['bad --shards', ['init', '--preset', 'mlp', '--out', out(), '--shards', '0'], /--shards/],
    ['unknown option', ['init', '--preset', 'mlp', '--out', out(), '--colour'], /--colour/],
    ['inspect without a file', ['inspect'], /inspect/],
    ['--preset-opt without --preset', ['init', '--spec', specFile, '--preset-opt', 'nLayer=2', '--out', out()], /--preset-opt/],
    ['--preset-opt not KEY=VALUE', ['init', '--preset', 'gpt2', '--preset-opt', 'nLayer', '--out', out()], /--preset-opt/],
    ['--preset-opt unknown key', ['init', '--preset', 'gpt2', '--preset-opt', 'layers=2', '--out', out()], /--preset-opt.*layers/],
    ['--preset-opt bad value', ['init', '--preset', 'gpt2', '--preset-opt', 'nLayer=0', '--out', out()], /--preset-opt.*nLayer/],
    ['--like with --preset', ['init', '--preset', 'mlp', '--like', specFile, '--out', out()], /--like/],
    ['--rank without --shards', ['init', '--preset', 'mlp', '--out', out(), '--rank', '0/2'], /--rank.*--shards/],
    ['--rank without --seed', ['init', '--preset', 'mlp', '--out', out(), '--shards', '2', '--rank', '0/2'], /--rank needs --seed/],
    ['--rank out of range', ['init', '--preset', 'mlp', '--out', out(), '--shards', '2', '--seed', '1', '--rank', '2/2'], /--rank 2\/2/],
    ['--rank malformed', ['init', '--preset', 'mlp', '--out', out(), '--shards', '2', '--seed', '1', '--rank', 'first'], /--rank/],
    ['--shards more than tensors', ['init', '--preset', 'mlp', '--out', out(), '--shards', '99'], /--shards/],
    ['--seed missing its value', ['init', '--preset', 'mlp', '--out', out(), '--seed'], /--seed/],
    ['inspect unknown option', ['inspect', 'x.safetensors', '--stats'], /--stats/],
  ];
  for (const [what, args, msg] of usage) {
    it(`${what}: exit 2, the message names it`, async () => {
      const r = await cli(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(existsSync(out())).toBe(false);
    });
  }
  it('an invalid spec file exits 1 with the spec error', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ tensors: [{ name: 'w', shape: [3, -1] }] }));
    const r = await cli('init', '--spec', bad, '--out', out());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/shape\[1\]/);
  });
  it('a missing file to inspect exits 1', async () => {
    const r = await cli('inspect', join(dir, 'absent.safetensors'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/absent\.safetensors/);
  });
});
