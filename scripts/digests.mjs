// Prints the determinism digests of the built package (dist/) in this Node, as JSON, and
// compares them with test/runtimes/digest.json: a quick local check that a change kept every
// bit (the runtime suite checks the same digests in every runtime from the packed tarball).
//   npm run build && node scripts/digests.mjs
import { readFileSync } from 'node:fs';
import * as api from '../dist/index.js';
import { smoke } from '../test/runtimes/smoke.mjs';

const r = await smoke(api, {});
const recorded = JSON.parse(readFileSync(new URL('../test/runtimes/digest.json', import.meta.url), 'utf8')).digests;
const diff = Object.keys({ ...recorded, ...r.digests }).filter((k) => recorded[k] !== r.digests[k]);
console.log(JSON.stringify({ failed: r.failed, differ: diff }, null, 1));
process.exit(diff.length === 0 && r.failed === 0 ? 0 : 1);
