// A Cloudflare worker using weightinit. The instance is made lazily inside the first request
// (no top-level await; workerd compiled core.wasm at startup because the package's `workerd`
// entry imports it as a module). Every request answers; '/smoke' runs the whole smoke suite,
// '/module' runs it on 'weightinit/module' with `import core from 'weightinit/core.wasm'`.
import * as api from 'weightinit';
import * as moduleApi from 'weightinit/module';
import core from 'weightinit/core.wasm';
import { digests, smoke } from './smoke.mjs';

let shared;

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/smoke') return Response.json(await smoke(api));
    if (url.pathname === '/module') return Response.json(await smoke(moduleApi, { loadOptions: { module: core } }));
    shared ??= api.load({ seed: 1 });
    const wi = await shared;
    if (url.pathname === '/digests') return Response.json(await digests(wi));
    const t = wi.normal([4], { seed: 102 });
    const body = { values: Array.from(t.data) };
    t.free();
    return Response.json(body);
  },
};
