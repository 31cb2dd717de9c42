// Prints the size table of docs/runtimes.md: core.wasm, the JS the package ships, and what a
// bundler adds to an app (esbuild, minified) for each entry point, raw and gzipped.
// Run after `npm run build`: node scripts/runtime-sizes.mjs
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = 'dist';
const gz = (b) => gzipSync(b, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

// what `npm pack` ships as JS (package.json "files": dist JS without the demo)
const js = files(dist).filter((p) => p.endsWith('.js') && !/^dist\/demo\./.test(p));
const jsBytes = Buffer.concat(js.map((p) => readFileSync(p)));
const wasm = readFileSync(join(dist, 'core.wasm'));

async function bundled(entry, conditions = []) {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    conditions,
    loader: { '.wasm': 'empty' },
    write: false,
    logLevel: 'error',
  });
  return Buffer.from(r.outputFiles[0].contents);
}

const rows = [
  ['core.wasm (release, SIMD)', wasm],
  [`package JS, ${js.length} files in dist/ (unminified, incl. inlined base64 wasm)`, jsBytes],
  ["bundled + minified: `import { load } from 'weightinit'` (wasm inlined)", await bundled(join(dist, 'index.js'))],
  ["bundled + minified: 'weightinit/module' (no wasm; add core.wasm)", await bundled(join(dist, 'wasm', 'entry-module.js'))],
  ["bundled + minified: workerd entry (wasm as a separate module)", await bundled(join(dist, 'wasm', 'entry-workerd.js'), ['workerd'])],
];
console.log('| what | raw | gzip -9 |');
console.log('|---|---:|---:|');
for (const [name, b] of rows) console.log(`| ${name} | ${kb(b.length)} (${b.length} B) | ${kb(gz(b))} |`);
