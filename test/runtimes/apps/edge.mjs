// @edge-runtime/vm: bundled by esbuild to one script (the VM evaluates scripts, not modules).
// The default entry, and 'weightinit/module' with a Module compiled by the host (another
// realm: `instanceof WebAssembly.Module` is false inside the VM).
import * as api from 'weightinit';
import * as moduleApi from 'weightinit/module';
import { smoke } from './smoke.mjs';

globalThis.__weightinitSmoke = () => smoke(api).then((r) => JSON.stringify(r));
globalThis.__weightinitSmokeModule = (module) => smoke(moduleApi, { loadOptions: { module } }).then((r) => JSON.stringify(r));
