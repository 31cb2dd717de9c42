// `npm run bench:model`: whole models written end to end by the CLI (`weightinit init`:
// generation, statistics of the written values, file write and fsync), against the disk
// ceiling measured in the same run: the same number of bytes written (1) as a stream of 2 MiB
// zero chunks (the writers' chunk size) through one file handle, (2) the same stream with the
// writers' background flush (an fdatasync started every 64 MiB, one at a time), and (3) with one
// fs.writeFile of a zero buffer, each followed by fsync, close and rename as the writer does. Every measurement runs in its own
// child process, which reports its peak RSS (process.resourceUsage().maxRSS).
//
//   node bench/model.mjs [--rounds N] [--dir DIR] [--out FILE] [--no-llama] [--cli dist/cli/main.js]
//
// Cases: GPT-2 small F32 and BF16 (498 / 249 MB), Llama 3.2 1B BF16 (2.47 GB; skipped with the
// reason printed when DIR has under 8 GB free). Outputs are deleted after each measurement.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, options } from './util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const { flag, value } = options('model.mjs', ['--rounds', '--dir', '--out', '--no-llama', '--cli']);
const rounds = Number(value('--rounds', '3'));
const MAIN = value('--cli', join(root, 'dist', 'cli', 'main.js'));
const base = value('--dir', os.tmpdir());
const outFile = value('--out', join(here, 'results-model.md'));
const dir = mkdtempSync(join(base, 'wi-bench-model-'));

const REPORT = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nmaxrss "+process.resourceUsage().maxRSS+"\\n"))';

/** Runs node with args in a child; returns its wall seconds, peak RSS in bytes, stdout. */
function child(args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', REPORT, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const rss = Number(/maxrss (\d+)/.exec(r.stderr)?.[1] ?? NaN) * 1024;
  return { wall, rss, stdout: r.stdout };
}

// The ceilings: a child that writes `bytes` zero bytes to a temp file, fsyncs, closes and renames; prints its seconds.
const CEILING = `
import { open, rename, writeFile } from 'node:fs/promises';
const [mode, path, n] = process.argv.slice(1);
const bytes = Number(n);
const tmp = path + '.tmp';
let buf;
if (mode === 'writeFile') buf = Buffer.alloc(bytes); // allocated (and zeroed) before the clock starts
const t0 = performance.now();
const fh = await open(tmp, 'w');
if (mode === 'stream' || mode === 'flush') {
  const chunk = Buffer.alloc(2 << 20); // the writers' default chunkBytes
  let flushing;
  let flushError;
  let flushedAt = 0;
  for (let off = 0; off < bytes; ) {
    const len = Math.min(chunk.length, bytes - off);
    const { bytesWritten } = await fh.write(chunk, 0, len, off);
    off += bytesWritten;
    if (flushError !== undefined) throw flushError;
    // 'flush': the writers' background fdatasync every 64 MiB, one at a time (a failure is the run's error, as in the writers)
    if (mode === 'flush' && flushing === undefined && off - flushedAt >= 64 << 20) {
      flushedAt = off;
      flushing = fh.datasync().then(
        () => void (flushing = undefined),
        (e) => void ((flushError ??= e), (flushing = undefined)),
      );
    }
  }
  await flushing;
  if (flushError !== undefined) throw flushError;
} else await fh.writeFile(buf);
await fh.sync();
await fh.close();
await rename(tmp, path);
console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000 }));
`;

const cases = [
  { label: 'GPT-2 small, F32', preset: 'gpt2', dtype: 'f32' },
  { label: 'GPT-2 small, BF16', preset: 'gpt2', dtype: 'bf16' },
  { label: 'Llama 3.2 1B, BF16', preset: 'llama-3.2-1b', dtype: 'bf16', big: true },
];

const free = (() => {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
})();
const skipped = [];
const rows = [];
for (const c of cases) {
  if (c.big && flag('--no-llama')) {
    skipped.push(`${c.label}: skipped (--no-llama)`);
    continue;
  }
  if (c.big && free < 8e9) {
    skipped.push(`${c.label}: skipped, ${(free / 1e9).toFixed(1)} GB free in ${base} (needs 8 GB)`);
    console.log(skipped[skipped.length - 1]);
    continue;
  }
  const m = { wi: [], wiWall: [], wiRss: [], stream: [], streamRss: [], flush: [], flushRss: [], wf: [], wfRss: [] };
  let bytes = 0;
  for (let r = 0; r < rounds; r++) {
    const path = join(dir, 'model.safetensors');
    const w = child([MAIN, 'init', '--preset', c.preset, '--dtype', c.dtype, '--seed', '1', '--out', path, '--json', '--quiet']);
    const j = JSON.parse(w.stdout);
    bytes = statSync(path).size;
    rmSync(path);
    m.wi.push(j.seconds);
    m.wiWall.push(w.wall);
    m.wiRss.push(w.rss);
    for (const mode of ['stream', 'flush', 'writeFile']) {
      const p = join(dir, `${mode}.bin`);
      const z = child(['--input-type=module', '-e', CEILING, mode, p, String(bytes)]);
      rmSync(p);
      const key = mode === 'writeFile' ? 'wf' : mode;
      m[key].push(JSON.parse(z.stdout).seconds);
      m[`${key}Rss`].push(z.rss);
    }
    console.log(`${c.label} round ${r + 1}/${rounds}: weightinit ${j.seconds.toFixed(2)} s (process ${w.wall.toFixed(2)} s), zero stream ${m.stream.at(-1).toFixed(2)} s, with flushes ${m.flush.at(-1).toFixed(2)} s, writeFile ${m.wf.at(-1).toFixed(2)} s`);
  }
  rows.push({ c, bytes, wi: median(m.wi), wiWall: median(m.wiWall), wiRss: Math.max(...m.wiRss), stream: median(m.stream), streamRss: Math.max(...m.streamRss), flush: median(m.flush), flushRss: Math.max(...m.flushRss), wf: median(m.wf), wfRss: Math.max(...m.wfRss), all: m });
}
rmSync(dir, { recursive: true, force: true });

const MB = (b, s) => (b / 1e6 / s).toFixed(0);
const MiB = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const lines = [];
lines.push('| model | file bytes | weightinit init s | MB/s | peak RSS | zero stream s | MB/s | zero stream + flushes s | MB/s | fs.writeFile s | MB/s | vs fs.writeFile | vs zero stream | vs zero stream + flushes |');
lines.push('|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
// a ceiling's seconds over weightinit's, and whether it reaches the goal (>= 80%)
const vs = (ceil, wi) => `${(100 * ceil / wi).toFixed(0)}% ${ceil / wi >= 0.8 ? 'met' : 'below'}`;
for (const r of rows) {
  lines.push(
    `| ${r.c.label} | ${r.bytes.toLocaleString('en-US')} | ${r.wi.toFixed(2)} (process ${r.wiWall.toFixed(2)}) | ${MB(r.bytes, r.wi)} | ${MiB(r.wiRss)} | ${r.stream.toFixed(2)} | ${MB(r.bytes, r.stream)} | ${r.flush.toFixed(2)} | ${MB(r.bytes, r.flush)} | ${r.wf.toFixed(2)} | ${MB(r.bytes, r.wf)} | ${vs(r.wf, r.wi)} | ${vs(r.stream, r.wi)} | ${vs(r.flush, r.wi)} |`,
  );
}
const table = lines.join('\n');
console.log(`\n${table}\n`);
for (const s of skipped) console.log(s);

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const rounds_ = rows.map((r) => `- ${r.c.label}: weightinit ${r.all.wi.map((x) => x.toFixed(2)).join(', ')} s; zero stream ${r.all.stream.map((x) => x.toFixed(2)).join(', ')} s; with flushes ${r.all.flush.map((x) => x.toFixed(2)).join(', ')} s; writeFile ${r.all.wf.map((x) => x.toFixed(2)).join(', ')} s`).join('\n');
const md = `# Whole-model writes: weightinit init against the disk ceiling

Measured by \`npm run bench:model\` (bench/model.mjs) on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM,
Node ${process.version}, files in ${base} (${(free / 1e9).toFixed(0)} GB free). Medians of ${rounds} rounds; peak RSS the largest of the rounds.

- **weightinit init s**: \`weightinit init --preset P --dtype D --seed 1 --json --quiet\`, the seconds the CLI reports for the
  write (generation in wasm, the streamed statistics of every value written, the file write, fsync, rename);
  "process" is the whole child process (Node start, wasm compile, planning) timed from outside.
- **zero stream**: the same number of bytes as 2 MiB zero chunks (the writers' chunk size) through one file handle, then fsync, close, rename
  (the writer's I/O pattern with nothing computed).
- **zero stream + flushes**: the same stream with the writers' background flush (an fdatasync started every 64 MiB, one
  at a time, awaited before the final fsync), so the disk writes back during the stream as it does during weightinit's write.
- **fs.writeFile**: one \`FileHandle.writeFile\` of a zero Buffer allocated before the clock starts, then fsync, close, rename.
- **vs a ceiling**: (the ceiling's seconds) / (weightinit's seconds); the goal is ≥ 80%. fs.writeFile is the plain disk
  ceiling; the zero streams are stricter (the writer's own I/O pattern, and with it the writer's early flushes).
- Peak RSS: weightinit ${rows.map((r) => `${r.c.label} ${MiB(r.wiRss)}`).join(', ')}; the zero streams ${rows.map((r) => MiB(Math.max(r.streamRss, r.flushRss))).join(', ')}; fs.writeFile ${rows.map((r) => MiB(r.wfRss)).join(', ')} (the whole file in memory).

${table}
${skipped.length > 0 ? `\n${skipped.map((s) => `- ${s}`).join('\n')}\n` : ''}
Every round:

${rounds_}

The disk here is a shared virtual disk: a write is mostly a copy into the page cache plus the fsync that
flushes it, and both vary from round to round with what else the machine is doing; compare within a row.
`;
writeFileSync(outFile, md);
console.log(`wrote ${relative(process.cwd(), outFile)}`);
