// One package, every runtime. The tarball `npm pack` makes is installed into a
// consumer folder outside the repo, and the same smoke suite (test/runtimes/smoke.mjs) runs in
// Node ESM and CJS (the Node running the tests, and Node 22, 24 and 26 at the versions pinned in
// scripts/node-lines.json), Deno (no permissions), Bun, Chromium (plain module script, Vite build,
// esbuild bundle), workerd through miniflare (first request included) and @edge-runtime/vm.
// Every runtime must pass every check and produce the digests recorded in
// test/runtimes/digest.json. A runtime that cannot start fails its test: nothing is skipped.
// scripts/ensure-runtimes.sh (run by `npm test`'s pretest) installs what is missing.
//
// Record new digests (after adding a DIGEST_CASE, or a deliberate change of values):
//   WEIGHTINIT_RECORD_DIGEST=1 npm run test:runtimes
// which writes digest.json only if every runtime agrees.
import { EdgeVM } from '@edge-runtime/vm';
import { build as esbuild } from 'esbuild';
import { Miniflare } from 'miniflare';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, chromiumPage, packConsumer, parseSmoke, readJson, REPO, run, serveStatic, type Consumer, type SmokeResult, type StaticServer } from './runtimes/harness.js';
import { label, NODE_LINES } from './runtimes/node-lines.js';

const DIGEST_FILE = join(REPO, 'test', 'runtimes', 'digest.json');
const RECORD = process.env.WEIGHTINIT_RECORD_DIGEST === '1';
const recorded: Record<string, string> = existsSync(DIGEST_FILE) ? readJson<{ digests: Record<string, string> }>(DIGEST_FILE).digests : {};
const results = new Map<string, SmokeResult>();

let consumer: Consumer;
let server: StaticServer;

/** Every check passed and (unless recording) the digests are the recorded ones. */
function accept(name: string, r: SmokeResult): void {
  results.set(name, r);
  const failures = r.tests.filter((t) => !t.ok).map((t) => `${t.name}: ${t.error}`);
  expect(failures, `${name} (${r.runtime}) failed checks`).toEqual([]);
  expect(r.failed).toBe(0);
  expect(r.passed).toBeGreaterThanOrEqual(13);
  if (!RECORD) {
    expect(
      r.digests,
      `${name} (${r.runtime}): digests differ from test/runtimes/digest.json (a new DIGEST_CASE or a deliberate change of values? ` +
        'record with WEIGHTINIT_RECORD_DIGEST=1 npm run test:runtimes)',
    ).toEqual(recorded);
  }
}

function node(args: string[], cwd: string): ReturnType<typeof run> {
  return run(process.execPath, args, { cwd, timeoutMs: 60_000 });
}

beforeAll(async () => {
  const dist = join(REPO, 'dist', 'index.js');
  if (!existsSync(dist) || !existsSync(join(REPO, 'dist', 'core.wasm'))) throw new Error('dist/ is not built: run `npm run build` first');
  consumer = await packConsumer();
  server = await serveStatic(consumer.dir);
}, 300_000);

afterAll(async () => {
  await server?.close();
  consumer?.cleanup();
});

describe('the packed tarball in every runtime', () => {
  it('ships dist JS, types and core.wasm, without sources, tests or source maps; entries are runtime-neutral', async () => {
    const paths = consumer.files.map((f) => f.path);
    for (const p of ['package.json', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/core.wasm', 'dist/wasm/entry-workerd.js', 'dist/wasm/entry-module.js', 'dist/wasm/entry-module.d.ts']) {
      expect(paths, `tarball lacks ${p}`).toContain(p);
    }
    expect(paths.filter((p) => p.startsWith('src/') || p.startsWith('test/') || p.startsWith('assembly/') || p.endsWith('.map'))).toEqual([]);
    // the JS each entry pulls in is runtime-neutral: no node: imports (a neutral-platform
    // bundle would fail to resolve them), no import.meta, require, Buffer or process
    const pkg = join(consumer.dir, 'node_modules', 'weightinit');
    for (const [entry, conditions] of [['dist/index.js', []], ['dist/wasm/entry-module.js', []], ['dist/wasm/entry-workerd.js', ['workerd']]] as const) {
      const built = await esbuild({
        entryPoints: [join(pkg, entry)],
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        conditions: [...conditions],
        loader: { '.wasm': 'empty' },
        write: false,
        logLevel: 'silent',
      });
      // the worker pool's worker source is a string that runs only inside a worker; it reaches
      // Node's worker_threads through a guarded process.getBuiltinModule, never on import
      const src = built.outputFiles[0]!.text.replace(/String\.raw`[^`]*`/g, '``');
      for (const bad of [/import\.meta/, /\brequire\(/, /\bBuffer\./, /\bprocess\./]) expect(src, `${entry} bundle contains ${bad}`).not.toMatch(bad);
    }
    const installed = join(pkg, 'package.json');
    expect(readJson<{ dependencies?: object }>(installed).dependencies ?? {}, 'runtime dependencies').toEqual({});
  });

  it('Node ESM: import { load } from "weightinit"', async () => {
    accept('node-esm', parseSmoke(await node(['apps/cli.mjs'], consumer.dir), 'node apps/cli.mjs'));
  });

  it('Node CommonJS: require("weightinit")', async () => {
    accept('node-cjs', parseSmoke(await node(['apps/cli.cjs'], consumer.dir), 'node apps/cli.cjs'));
  });

  it('Node: "weightinit/module" with a caller-supplied WebAssembly.Module', async () => {
    accept('node-module', parseSmoke(await node(['apps/node-module.mjs'], consumer.dir), 'node apps/node-module.mjs'));
  });

  // the other supported Node lines, same tarball, same apps
  for (const l of NODE_LINES) {
    for (const [kind, app, what] of [['esm', 'apps/cli.mjs', 'import'], ['cjs', 'apps/cli.cjs', 'require']] as const) {
      it(`${label(l)} ${kind === 'esm' ? 'ESM' : 'CommonJS'}: ${what} "weightinit"`, async () => {
        const res = parseSmoke(await run(l.bin, [app], { cwd: consumer.dir, env: l.env(), timeoutMs: 60_000 }), `${l.bin} ${app}`);
        expect(l.matches(`v${res.runtime.replace(/^node /, '')}`), `${res.runtime} is not ${label(l)}`).toBe(true);
        accept(`node${l.line}-${kind}`, res);
      });
    }
  }

  it('Deno, with no permissions granted', async () => {
    const r = await run(join(BIN, 'deno'), ['run', '--no-prompt', '--no-lock', '--quiet', 'apps/cli.mjs'], {
      cwd: consumer.dir,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1', DENO_DIR: join(consumer.dir, '.deno') },
      timeoutMs: 60_000,
    });
    const res = parseSmoke(r, 'deno run apps/cli.mjs');
    expect(res.runtime).toMatch(/^deno /);
    accept('deno', res);
  });

  it('Bun', async () => {
    const r = await run(join(BIN, 'bun'), ['--no-install', 'apps/cli.mjs'], { cwd: consumer.dir, env: { ...process.env, NO_COLOR: '1' }, timeoutMs: 60_000 });
    const res = parseSmoke(r, 'bun apps/cli.mjs');
    expect(res.runtime).toMatch(/^bun /);
    accept('bun', res);
  });

  it('Chromium: a plain <script type="module"> with an import map, from a static server', async () => {
    const res = await chromiumPage(server, '/apps/plain.html', 'plain', consumer.dir);
    expect(res.runtime).toMatch(/Chrome\//);
    accept('chromium-plain', res);
  });

  it('Chromium: a Vite build of a tiny consumer app', async () => {
    await viteBuild({
      root: join(consumer.dir, 'apps'),
      base: './',
      configFile: false,
      logLevel: 'error',
      build: { outDir: join(consumer.dir, 'vite-out'), emptyOutDir: true, rollupOptions: { input: join(consumer.dir, 'apps', 'vite.html') } },
    });
    accept('chromium-vite', await chromiumPage(server, '/vite-out/vite.html', 'vite', consumer.dir));
  });

  it('Chromium: an esbuild bundle of the same app', async () => {
    await esbuild({
      entryPoints: [join(consumer.dir, 'apps', 'bundle-main.js')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outdir: join(consumer.dir, 'esbuild-out'),
      logLevel: 'error',
    });
    accept('chromium-esbuild', await chromiumPage(server, '/apps/esbuild.html', 'esbuild', consumer.dir));
  });

  it('workerd (miniflare): a worker answers requests, the first one included', async () => {
    // bundled as wrangler does: the `workerd` condition, .wasm imports kept as CompiledWasm modules
    const out = join(consumer.dir, 'worker-out');
    mkdirSync(out, { recursive: true });
    await esbuild({
      entryPoints: [join(consumer.dir, 'apps', 'worker.mjs')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      loader: { '.wasm': 'copy' },
      assetNames: '[name]',
      outdir: out,
      logLevel: 'error',
    });
    const bundle = readFileSync(join(out, 'worker.js'), 'utf8');
    expect(bundle, 'the worker bundle imports core.wasm as a module').toMatch(/from\s*"\.\/core\.wasm"/);
    expect(bundle, 'the workerd entry does not carry the inlined base64').not.toMatch(/AGFzbQ/);
    const mf = new Miniflare({
      modules: true,
      modulesRoot: out,
      scriptPath: join(out, 'worker.js'),
      modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
      compatibilityDate: '2026-04-01',
    });
    try {
      const first = await mf.dispatchFetch('http://localhost/smoke');
      const text = await first.text();
      expect(first.status, `first request: ${text.slice(0, 2000)}`).toBe(200);
      const res = JSON.parse(text) as SmokeResult;
      expect(res.runtime).toBe('workerd');
      accept('workerd', res);
      // later requests on the same isolate: lazily loaded shared instance
      const second = await mf.dispatchFetch('http://localhost/');
      expect(second.status).toBe(200);
      expect(((await second.json()) as { values: number[] }).values).toHaveLength(4);
      const third = await mf.dispatchFetch('http://localhost/digests');
      expect(await third.json()).toEqual(res.digests);
      // 'weightinit/module' + `import core from 'weightinit/core.wasm'` (load and loadSync)
      const viaModule = await mf.dispatchFetch('http://localhost/module');
      const moduleText = await viaModule.text();
      expect(viaModule.status, moduleText.slice(0, 2000)).toBe(200);
      accept('workerd-module', JSON.parse(moduleText) as SmokeResult);
    } finally {
      await mf.dispose();
    }
  });

  it('@edge-runtime/vm: the default entry, and "weightinit/module" with a host-compiled Module', async () => {
    const built = await esbuild({
      entryPoints: [join(consumer.dir, 'apps', 'edge.mjs')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      conditions: ['edge-light', 'worker', 'browser'],
      absWorkingDir: consumer.dir,
      write: false,
      logLevel: 'error',
    });
    const vm = new EdgeVM();
    vm.evaluate(built.outputFiles[0]!.text);
    const res = JSON.parse((await vm.evaluate('__weightinitSmoke()')) as string) as SmokeResult;
    expect(res.runtime).toMatch(/^edge-runtime/);
    accept('edge-vm', res);
    // a Module from the host realm: `instanceof WebAssembly.Module` is false inside the VM
    const wasm = readFileSync(join(consumer.dir, 'node_modules', 'weightinit', 'dist', 'core.wasm'));
    vm.context.__hostModule = new WebAssembly.Module(wasm);
    expect(vm.evaluate('__hostModule instanceof WebAssembly.Module')).toBe(false);
    accept('edge-vm-module', JSON.parse((await vm.evaluate('__weightinitSmokeModule(__hostModule)')) as string) as SmokeResult);
  });

  it('TypeScript consumers type-check against the shipped types (strict, exactOptionalPropertyTypes; bundler, nodenext ESM and CJS)', async () => {
    const check = `import { load, loadSync, Tensor, type WeightInit } from 'weightinit';
import { load as loadModule } from 'weightinit/module';

// no DOM lib needed: the package declares the WebAssembly names it uses
export async function main(bytes: ArrayBuffer, module: Parameters<typeof loadSync>[0]): Promise<number> {
  const wi: WeightInit = await load({ seed: 1 });
  const t: Tensor = wi.normal([2, 3], { std: 0.1, seed: 2n });
  const data: Float32Array = t.data;
  const words: Uint32Array = wi.uint32(8).data;
  const out: Float32Array = wi.uniform([4], { low: -1, high: 1, out: new Float32Array(4) });
  const other: WeightInit = loadSync(bytes, { seed: 3 });
  const fromModule: WeightInit = await loadModule({ module });
  // @ts-expect-error unknown option
  wi.normal([2], { sd: 1 });
  // @ts-expect-error exactOptionalPropertyTypes: an optional option is not 'undefined'
  wi.normal([2], { std: undefined });
  // @ts-expect-error shape is an array
  wi.uniform(3);
  t.free();
  return data.length + words.length + out.length + other.rootSeed.toString().length + (fromModule ? 1 : 0);
}
`;
    const strict = { strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noEmit: true, skipLibCheck: false, target: 'ES2022' };
    const nodeOpts = { ...strict, module: 'NodeNext', moduleResolution: 'nodenext', lib: ['ES2022'], types: ['node'], typeRoots: [join(REPO, 'node_modules', '@types')] };
    // [compilerOptions, file name, package.json type]
    const configs: Record<string, [object, string, string]> = {
      bundler: [{ ...strict, module: 'ESNext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] }, 'check.ts', 'module'],
      nodenext: [nodeOpts, 'check.ts', 'module'],
      'nodenext-cjs': [nodeOpts, 'check.cts', 'commonjs'],
    };
    const runs = Object.entries(configs).map(([name, [compilerOptions, file, type]]) => {
      const d = join(consumer.dir, `types-${name}`);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'package.json'), JSON.stringify({ type }));
      writeFileSync(join(d, file), check);
      writeFileSync(join(d, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: [file] }, null, 2));
      return node([join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', d], consumer.dir).then((r) => [name, r] as const);
    });
    for (const [name, r] of await Promise.all(runs)) {
      expect(`${r.stdout}${r.stderr}`, `tsc (${name})`).toBe('');
      expect(r.code, `tsc (${name})`).toBe(0);
    }
  });

  it('determinism: every runtime produced the same digests, equal to test/runtimes/digest.json', () => {
    const expected = ['node-esm', 'node-cjs', 'node-module', 'deno', 'bun', 'chromium-plain', 'chromium-vite', 'chromium-esbuild', 'workerd', 'workerd-module', 'edge-vm', 'edge-vm-module'];
    expected.push(...NODE_LINES.flatMap((l) => [`node${l.line}-esm`, `node${l.line}-cjs`]));
    expect([...results.keys()].sort(), 'runtimes that reported').toEqual([...expected].sort());
    const first = results.get('node-esm')!.digests;
    for (const [name, r] of results) expect(r.digests, `${name} vs node-esm`).toEqual(first);
    expect(Object.keys(first).length).toBeGreaterThanOrEqual(4);
    if (RECORD) {
      const runtimes = Object.fromEntries([...results].map(([k, r]) => [k, r.info]));
      writeFileSync(DIGEST_FILE, `${JSON.stringify({ note: 'SHA-256 of fixed-seed tensors (test/runtimes/smoke.mjs DIGEST_CASES); recorded by WEIGHTINIT_RECORD_DIGEST=1 npm run test:runtimes', digests: first, recordedWith: runtimes }, null, 2)}\n`);
    }
    expect(first).toEqual(RECORD ? readJson<{ digests: object }>(DIGEST_FILE).digests : recorded);
  });
});
