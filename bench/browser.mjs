// `node bench/browser.mjs [--quick] [--out FILE]`: the bench page (bench/browser/) in headless
// Chromium, next to the same measurements in this Node process, in one run.
//
// A tiny static server on 127.0.0.1 (a free port; only /dist/ and /bench/browser/ are served)
// sends COOP same-origin / COEP require-corp, so the page is cross-origin isolated and the
// worker pool can run; it stops when the run ends (and by itself after 15 minutes whatever
// happens). The page measures single-thread fill(x) / uniform / normal on its main thread,
// then 1 vs 2 threads inside a dedicated worker (a page's main thread may not block, so
// weightinit runs in the worker and starts its pool from there). /usr/bin/chromium is driven
// by playwright-core (no browser download). Writes bench/results-browser.md (not with --quick
// unless --out is given).
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { dirname, extname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from '../dist/index.js';
import { measure, singleTasks } from './browser/measure.js';
import { fmt, loadAvg, options } from './util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const { flag, value } = options('browser.mjs', ['--quick', '--out']);
const quick = flag('--quick');
const outArg = value('--out');
const outFile = outArg ?? (quick ? undefined : join(here, 'results-browser.md'));
const N = quick ? 1 << 22 : 1 << 24;
const ROUNDS = quick ? 3 : 7;
const CHROMIUM = '/usr/bin/chromium';
const log = (s) => process.stderr.write(s + '\n');

function skip(why) {
  const md = `## In the browser\n\n_skipped: ${why}_\n`;
  log(`bench/browser.mjs: ${why}`);
  if (outFile) writeFileSync(outFile, md);
  process.stdout.write(md);
  process.exit(0);
}
if (!existsSync(CHROMIUM)) skip(`${CHROMIUM} not found`);
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (err) {
  skip(`playwright-core not importable (${err.message.split('\n')[0]})`);
}

// ---------- the server ----------
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.map': 'application/json' };
const ALLOWED = [join(root, 'dist') + sep, join(here, 'browser') + sep];
const server = createServer((req, res) => {
  const headers = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
  let file;
  try {
    file = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
  } catch {
    return res.writeHead(400, headers).end();
  }
  if (file.endsWith(sep)) file = join(file, 'index.html');
  if (req.method !== 'GET' || !ALLOWED.some((d) => file.startsWith(d)) || !existsSync(file) || !statSync(file).isFile()) {
    return res.writeHead(404, headers).end('not found');
  }
  res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const stopper = setTimeout(() => server.close(), 15 * 60 * 1000);
stopper.unref();
const url = `http://127.0.0.1:${server.address().port}/bench/browser/?n=${N}&rounds=${ROUNDS}`;

const loadBefore = loadAvg();
const started = new Date();

// ---------- Node, same tasks, same process run ----------
log(`node: single thread, ${N} elements ...`);
const wiN = await load({ seed: 1 });
const nodeSingle = measure(singleTasks(wiN, N), N, ROUNDS);
log('node: 1 vs 2 threads ...');
const n1 = await load({ seed: 1, workers: 0 });
const n2 = await load({ seed: 1, workers: 1 });
let s = 1;
const nodeThreads = measure(
  {
    normal1: () => n1.normal([N], { seed: s++ }).free(),
    normal2: () => n2.normal([N], { seed: s++ }).free(),
    uniform1: () => n1.uniform([N], { seed: s++ }).free(),
    uniform2: () => n2.uniform([N], { seed: s++ }).free(),
  },
  N,
  ROUNDS,
);
const nodeThreadCount = n2.threads;
n2.close();

// ---------- Chromium ----------
log(`chromium: ${url}`);
let page;
let browser;
let version = '?';
let result;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  version = browser.version();
  page = await browser.newPage();
  page.on('pageerror', (e) => log(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => window.__bench?.done === true, undefined, { timeout: 10 * 60 * 1000, polling: 500 });
  result = await page.evaluate(() => window.__bench);
} catch (err) {
  result = { error: String(err?.message ?? err).split('\n')[0] };
} finally {
  await browser?.close();
  server.close();
}
const loadAfter = loadAvg();

// ---------- report ----------
const cell = (r) => (r ? `${fmt(r.mps)} (${fmt(r.lo)}–${fmt(r.hi)})` : '—');
const pct = (a, b) => (a && b ? `${fmt((100 * a.mps) / b.mps, 1)}%` : '—');
const sp = (a, b) => (a && b ? `${fmt(b.mps / a.mps, 2)}×` : '—');
const singleRow = (label, r) => [
  `| ${label} | \`Float32Array.fill(x)\` | ${cell(r?.fill)} | 100% |`,
  `| ${label} | weightinit \`uniform\` (tensor, freed) | ${cell(r?.uniform)} | ${pct(r?.uniform, r?.fill)} |`,
  `| ${label} | weightinit \`normal\` (tensor, freed) | ${cell(r?.normal)} | ${pct(r?.normal, r?.fill)} |`,
];
const thr = result.threads?.ok ? result.threads.results : undefined;
const threadRows = (label, r, count) => [
  `| ${label} | \`normal\` | ${cell(r?.normal1)} | ${cell(r?.normal2)} | ${sp(r?.normal1, r?.normal2)} | ${count ?? '—'} |`,
  `| ${label} | \`uniform\` | ${cell(r?.uniform1)} | ${cell(r?.uniform2)} | ${sp(r?.uniform1, r?.uniform2)} | ${count ?? '—'} |`,
];
const ua = result.userAgent ?? '';
const md = `## In the browser: headless Chromium vs Node

Generated by \`${quick ? 'node bench/browser.mjs --quick' : 'node bench/browser.mjs'}\` on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC${quick ? ' (quick: 4M elements, 3 rounds)' : ''}.
${fmt(N / 2 ** 20)}M float32 per call, each call a fresh wasm tensor freed; warm-up 2 calls, then median of ${ROUNDS} rounds
(the rounds' range in parentheses), M elem/s. Node first, then Chromium, one after the other in one run.
${result.error ? `\n**Chromium failed:** ${result.error}\n` : ''}
| runtime | single thread | M elem/s | % of fill |
|---|---|--:|--:|
${[...singleRow('node', nodeSingle), ...singleRow('chromium', result.single)].join('\n')}

Threads (Chromium: inside a dedicated worker of the page, which starts the pool; ${result.isolated ? 'the page was cross-origin isolated' : '**the page was not cross-origin isolated**'}):

| runtime | fill | 1 thread | 2 threads | speedup | \`wi.threads\` |
|---|---|--:|--:|--:|--:|
${[...threadRows('node', nodeThreads, nodeThreadCount), ...(thr ? threadRows('chromium (worker)', thr, result.threads.threads) : [`| chromium (worker) | — | — | — | — | _${result.threads?.error ?? 'not run'}_ |`])].join('\n')}

Chromium ${version} (\`${CHROMIUM}\`, headless, playwright-core ${JSON.parse((await import('node:fs')).readFileSync(join(root, 'node_modules', 'playwright-core', 'package.json'), 'utf8')).version}); navigator.hardwareConcurrency ${result.hardwareConcurrency ?? '?'}; ${ua ? `user agent \`${ua}\`` : ''}
Node ${process.version}; ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores (shared); load average before ${loadBefore}, after ${loadAfter}.
`;
if (outFile) {
  writeFileSync(outFile, md);
  log(`wrote ${relative(process.cwd(), outFile) || outFile}`);
}
process.stdout.write(md);
