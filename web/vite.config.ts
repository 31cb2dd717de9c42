// The lab page: `npm run lab` builds it into web/dist (static, offline: every byte is bundled,
// the wasm inlined by the library) and serves it with web/serve.mjs. `weightinit` resolves to
// the built package entry, dist/index.js, as a user's bundler would resolve the package. The
// library runs in a module worker (web/lab-worker.ts), bundled as an ES module. `vite` and
// `vite preview` on this config send the same cross-origin isolation headers as serve.mjs.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { ISOLATION_HEADERS } from './serve.mjs';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  logLevel: 'warn',
  resolve: { alias: { weightinit: here('../dist/index.js') } },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  build: { outDir: here('dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
});
