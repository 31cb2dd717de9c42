// The lab page: `npm run lab` builds it into web/dist (static, offline: every byte is bundled,
// the wasm inlined by the library) and serves it with web/serve.mjs. `weightinit` resolves to
// the built package entry, dist/index.js, as a user's bundler would resolve the package.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  logLevel: 'warn',
  resolve: { alias: { weightinit: here('../dist/index.js') } },
  build: { outDir: here('dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
});
