// The runtime harness: pack the package as npm publishes it, install the tarball into a
// consumer folder outside the repo, and run the smoke suite (smoke.mjs) there in every
// runtime. Used by test/runtimes.test.ts. Nothing here touches the network: servers bind
// 127.0.0.1 on a free port and every child process has a deadline.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const BIN = join(REPO, 'node_modules', '.bin');
export const CHROMIUM = process.env.WEIGHTINIT_CHROMIUM ?? '/usr/bin/chromium';
/** The flags headless Chromium runs with in the tests (no sandbox, no GPU, no network of its own). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface SmokeTest {
  name: string;
  ok: boolean;
  error?: string;
}
export interface SmokeResult {
  runtime: string;
  passed: number;
  failed: number;
  tests: SmokeTest[];
  digests: Record<string, string>;
  info: Record<string, unknown>;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion or kills it (and its process group) at the deadline. */
export function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  const t0 = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[harness] killed after ${opts.timeoutMs} ms`;
      killGroup(child.pid);
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(new Error(`cannot start ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The `WEIGHTINIT_SMOKE {json}` line a CLI app prints; throws with the output when absent. */
export function parseSmoke(r: Run, what: string): SmokeResult {
  const line = r.stdout.split('\n').find((l) => l.startsWith('WEIGHTINIT_SMOKE '));
  if (line === undefined || r.code !== 0) {
    throw new Error(`${what} produced no result (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`);
  }
  return JSON.parse(line.slice('WEIGHTINIT_SMOKE '.length)) as SmokeResult;
}

export interface Consumer {
  dir: string;
  tarball: string;
  /** Files in the tarball, as `npm pack` listed them. */
  files: { path: string; size: number }[];
  cleanup(): void;
}

/**
 * `npm pack` the repo (dist must be built), then install the tarball into a fresh folder in
 * the OS temp dir, with the apps and the smoke suite beside it.
 */
export async function packConsumer(): Promise<Consumer> {
  const dir = mkdtempSync(join(tmpdir(), 'weightinit-consumer-'));
  if (dir.startsWith(REPO + sep)) throw new Error('the consumer folder must be outside the repo');
  const env = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const pack = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO, env, timeoutMs: 120_000 });
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const meta = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: { path: string; size: number }[] }[];
  const packed = meta[0]!;
  const tarball = join(dir, packed.filename);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'weightinit-consumer', private: true, type: 'module' }, null, 2));
  const inst = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', tarball], { cwd: dir, env, timeoutMs: 180_000 });
  if (inst.code !== 0) throw new Error(`npm install of the tarball failed:\n${inst.stderr}`);
  cpSync(join(REPO, 'test', 'runtimes', 'apps'), join(dir, 'apps'), { recursive: true });
  cpSync(join(REPO, 'test', 'runtimes', 'smoke.mjs'), join(dir, 'apps', 'smoke.mjs'));
  return {
    dir,
    tarball,
    files: packed.files.map((f) => ({ path: f.path, size: f.size })),
    cleanup() {
      if (process.env.WEIGHTINIT_KEEP_CONSUMER) console.log(`consumer kept at ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export interface StaticServer {
  origin: string;
  /** Resolves with the POSTed result of page `name`; rejects on a reported page error or the deadline. */
  result(name: string, timeoutMs: number): Promise<SmokeResult>;
  /** Paths requested that did not exist. */
  notFound: string[];
  close(): Promise<void>;
}

/** A static file server on 127.0.0.1 for the consumer folder, collecting POSTed results. */
export async function serveStatic(root: string): Promise<StaticServer> {
  const results = new Map<string, { ok: (r: SmokeResult) => void; err: (e: Error) => void }>();
  const early = new Map<string, SmokeResult | Error>();
  const notFound: string[] = [];
  const deliver = (name: string, v: SmokeResult | Error): void => {
    const w = results.get(name);
    if (w === undefined) {
      if (!early.has(name)) early.set(name, v);
    } else if (v instanceof Error) w.err(v);
    else w.ok(v);
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        res.writeHead(204).end();
        const [, kind, name = ''] = url.pathname.split('/');
        if (kind === 'result') {
          try {
            deliver(name, JSON.parse(body) as SmokeResult);
          } catch (e) {
            deliver(name, new Error(`page ${name} posted a bad result: ${String(e)}: ${body.slice(0, 500)}`));
          }
        } else deliver(name, new Error(`page ${name} reported: ${body}`));
      });
      return;
    }
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root + sep) || !existsSync(path)) {
      notFound.push(url.pathname);
      res.writeHead(404).end('not found');
      return;
    }
    try {
      const data = readFileSync(path);
      res.writeHead(200, { 'content-type': MIME[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(data);
    } catch {
      notFound.push(url.pathname);
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no server address');
  return {
    origin: `http://127.0.0.1:${addr.port}`,
    notFound,
    result(name, timeoutMs) {
      return new Promise((ok, err) => {
        const timer = setTimeout(() => err(new Error(`page ${name}: no result within ${timeoutMs} ms (404s: ${notFound.join(', ') || 'none'})`)), timeoutMs);
        const settle = { ok: (r: SmokeResult) => (clearTimeout(timer), ok(r)), err: (e: Error) => (clearTimeout(timer), err(e)) };
        const got = early.get(name);
        if (got !== undefined) {
          early.delete(name);
          if (got instanceof Error) settle.err(got);
          else settle.ok(got);
        } else results.set(name, settle);
      });
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/**
 * Opens `url` in headless Chromium and waits for the page to POST its result; Chromium is
 * killed (its whole process group) as soon as it has, or at the deadline.
 */
export async function chromiumPage(server: StaticServer, path: string, name: string, scratch: string, timeoutMs = 60_000): Promise<SmokeResult> {
  const profile = join(scratch, `chromium-profile-${name}`);
  mkdirSync(profile, { recursive: true });
  const url = `${server.origin}${path}${path.includes('?') ? '&' : '?'}name=${name}`;
  const child = spawn(CHROMIUM, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', url], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let log = '';
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<never>((_, err) => {
    child.on('exit', (code, sig) => err(new Error(`chromium exited early (${code ?? sig}) on ${url}\n${log.slice(-3000)}`)));
    child.on('error', (e) => err(new Error(`cannot start ${CHROMIUM} (run scripts/ensure-runtimes.sh): ${e.message}`)));
  });
  try {
    return await Promise.race([server.result(name, timeoutMs), exited]);
  } catch (e) {
    const consoleLines = log
      .split('\n')
      .filter((l) => l.includes('CONSOLE') || l.includes('ERROR'))
      .slice(-20)
      .join('\n');
    throw new Error(`${(e as Error).message}\n--- chromium log\n${consoleLines}`);
  } finally {
    exited.catch(() => undefined);
    killGroup(child.pid);
  }
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
