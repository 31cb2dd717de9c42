#!/usr/bin/env node
// A tiny static server for the lab page (web/dist): 127.0.0.1 only, a free port unless --port is
// given, and the headers that make the page cross-origin isolated (COOP same-origin, COEP
// require-corp; CORP same-origin on every response, which is all the page loads), so
// SharedArrayBuffer is available to it and the library's worker runs on several threads.
// --no-isolation leaves these three out (the page then runs weightinit on one thread). Prints the
// URL; stops on Ctrl-C, SIGTERM, or after --exit-after SECONDS.
//   node web/serve.mjs [--root DIR] [--port N] [--exit-after SECONDS] [--no-isolation]
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.map': 'application/json', '.ttf': 'font/ttf', '.woff2': 'font/woff2',
};

/** The headers that make a page cross-origin isolated (also used by web/vite.config.ts for `vite` and `vite preview`). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Serves `root` on 127.0.0.1 (cross-origin isolated unless `isolate` is false); resolves to its URL and a close() that stops it. */
export function start({ root = fileURLToPath(new URL('./dist', import.meta.url)), port = 0, host = '127.0.0.1', isolate = true } = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const headers = {
      ...(isolate ? ISOLATION_HEADERS : {}),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    };
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, headers).end('bad request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) {
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const st = statSync(file);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': st.size });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const a = server.address();
      const url = `http://${host}:${typeof a === 'object' && a ? a.port : port}/`;
      done({
        url,
        close: () => new Promise((ok) => {
          server.closeAllConnections?.();
          server.close(() => ok());
        }),
      });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const root = opt('--root');
  const port = Number(opt('--port') ?? 0);
  const exitAfter = opt('--exit-after');
  const isolate = !args.includes('--no-isolation');
  const s = await start({ ...(root ? { root } : {}), port, isolate });
  try {
    statSync(join(root ?? fileURLToPath(new URL('./dist', import.meta.url)), 'index.html'));
  } catch {
    process.stderr.write('web/dist/index.html is missing: build the page first (npm run lab does)\n');
  }
  process.stdout.write(`weightinit lab: ${s.url}  (${isolate ? 'cross-origin isolated' : 'not cross-origin isolated: one thread'}; Ctrl-C to stop)\n`);
  const stop = () => s.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (exitAfter !== undefined) setTimeout(stop, Number(exitAfter) * 1000).unref();
}
