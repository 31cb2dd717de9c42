// Node: the 'weightinit/module' subpath with a caller-supplied WebAssembly.Module, compiled
// from the 'weightinit/core.wasm' file the package exports.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as api from 'weightinit/module';
import { smoke } from './smoke.mjs';

const bytes = readFileSync(createRequire(import.meta.url).resolve('weightinit/core.wasm'));
const module = await WebAssembly.compile(bytes);
// without { module } this entry must refuse clearly
let refused = '';
try {
  await api.load();
} catch (e) {
  refused = e instanceof TypeError && /has no built-in wasm/.test(e.message) ? 'ok' : `wrong error: ${e}`;
}
const result = await smoke(api, { loadOptions: { module } });
result.tests.push(refused === 'ok' ? { name: 'load() without module refuses', ok: true } : { name: 'load() without module refuses', ok: false, error: refused || 'resolved' });
if (refused !== 'ok') result.failed++;
else result.passed++;
console.log(`WEIGHTINIT_SMOKE ${JSON.stringify(result)}`);
