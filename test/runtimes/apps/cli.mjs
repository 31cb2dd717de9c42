// Node (ESM), Deno and Bun: the smoke suite against `import ... from 'weightinit'`.
import * as api from 'weightinit';
import { smoke } from './smoke.mjs';

const result = await smoke(api);
console.log(`WEIGHTINIT_SMOKE ${JSON.stringify(result)}`);
