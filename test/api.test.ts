// The public surface: the class has exactly the documented methods (checked by the compiler
// and at run time), the property suite covers every filler, the wasm exports exactly the ABI,
// and the shipped .d.ts shows no engine internals. A strict TypeScript consumer compiles
// against the built types, with literal and non-literal dtypes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES } from '../src/engine/abi.js';
import { WeightInit } from '../src/index.js';
import { fillers } from './helpers/fillers.js';
import { wi } from './helpers/load.js';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Every filler: a method that takes a shape (or count) and options and writes a tensor. */
const FILLERS = [
  'uniform', 'normal', 'uint32', 'varianceScaling', 'glorotUniform', 'xavierUniform', 'glorotNormal', 'xavierNormal',
  'heUniform', 'kaimingUniform', 'heNormal', 'kaimingNormal', 'lecunUniform', 'lecunNormal', 'truncatedNormal',
  'constant', 'zeros', 'ones', 'eye', 'dirac', 'sparse', 'orthogonal', 'deltaOrthogonal', 'parameter',
] as const;
/** The other public members: getters and helpers. */
const OTHERS = ['rootSeed', 'layout', 'resizableViews', 'memory', 'threads', 'close', 'keyOf', 'scope', 'propagate', 'trainProbe', 'planModel', 'initModel', 'stream', 'fill'] as const;
const DOCUMENTED = [...FILLERS, ...OTHERS].sort();

// compile time: keyof WeightInit is exactly the documented list (a missing, misspelled or extra
// member fails `npm run typecheck`)
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const exact: Equal<keyof WeightInit, (typeof FILLERS)[number] | (typeof OTHERS)[number]> = true;

describe('public surface', () => {
  it('WeightInit has exactly the documented members, each defined at run time', async () => {
    expect(exact).toBe(true);
    const names = Object.getOwnPropertyNames(WeightInit.prototype).filter((n) => n !== 'constructor').sort();
    expect(names).toEqual(DOCUMENTED);
    const w = await wi();
    for (const m of FILLERS) expect(typeof w[m], m).toBe('function');
  });

  it('the shared property suite runs on every filler', () => {
    expect([...new Set(fillers.map((f) => f.method))].sort()).toEqual([...FILLERS].sort());
  });

  it('methods work unbound', async () => {
    const w = await wi();
    const { normal, heNormal } = w;
    expect(Array.from(normal([5], { seed: 3 }).data)).toEqual(Array.from(w.normal([5], { seed: 3 }).data));
    expect(Array.from(heNormal([4, 4], { seed: 3 }).data)).toEqual(Array.from(w.heNormal([4, 4], { seed: 3 }).data));
  });

  it('core.wasm exports exactly the ABI of src/engine/abi.ts (and its memory)', () => {
    const bytes = readFileSync(join(REPO, 'build', 'core.wasm'));
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(bytes));
    const functions = exports.filter((e) => e.kind === 'function').map((e) => e.name).sort();
    expect(functions).toEqual([...KERNEL_NAMES].sort());
    expect(exports.filter((e) => e.kind !== 'function')).toEqual([{ name: 'memory', kind: 'memory' }]);
  });
});

/** The .d.ts files reachable from an entry's .d.ts through relative imports. */
function reachable(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const todo = [entry];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    const text = readFileSync(f, 'utf8');
    seen.set(f, text);
    for (const m of text.matchAll(/(?:from|import)\s*['"](\.[^'"]+)['"]/g)) {
      const target = resolve(dirname(f), m[1]!.replace(/\.js$/, '.d.ts'));
      if (existsSync(target)) todo.push(target);
    }
  }
  return seen;
}

describe('shipped types', () => {
  const dist = join(REPO, 'dist');

  it('no .d.ts reachable from an entry point mentions the engine or its members', () => {
    expect(existsSync(join(dist, 'index.d.ts')), 'dist/ is built by npm test before vitest runs').toBe(true);
    for (const entry of ['index.d.ts', 'wasm/entry-module.d.ts', 'wasm/entry-workerd.d.ts']) {
      for (const [file, text] of reachable(join(dist, entry))) {
        const rel = file.slice(dist.length + 1);
        expect(rel.startsWith('engine/'), `${entry} reaches ${rel}`).toBe(false);
        expect(text, rel).not.toMatch(/\bEngine\b|\bproduce\(|\bheap\b|\bnormalKernel\b|\buniformKernel\b|CoreExports|\bengineOf\b/);
      }
    }
  });

  it('a strict TypeScript consumer compiles: literal and non-literal dtypes, out, float16', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weightinit-types-'));
    try {
      writeFileSync(
        join(dir, 'consumer.ts'),
        `
import { load, type InitOptions, type Tensor, type DType } from ${JSON.stringify(join(dist, 'index.js'))};
const wi = await load({ seed: 1 });
const a: Tensor<Float32Array> = wi.normal([3]);
const b: Tensor<Float64Array> = wi.heNormal([3, 3], { dtype: 'float64' });
const h: Tensor<Float16Array | Uint16Array> = wi.normal([3], { dtype: 'float16' });
const bf: Tensor<Uint16Array> = wi.normal([3], { dtype: 'bfloat16' });
const o: InitOptions = { dtype: 'float64' };
const u = wi.normal([3], o); // dtype and out unknown at compile time: a union
// @ts-expect-error a non-literal dtype is not known to be float32
const wrong: Tensor<Float32Array> = u;
const d: DType = 'float16';
const v = wi.uniform([3], { dtype: d });
// @ts-expect-error a float16 tensor's data may be a Float16Array or a Uint16Array
const wrong2: Uint16Array = v.data;
const f16out = wi.normal([3], { dtype: 'float16', out: new Uint16Array(3) });
const same: Uint16Array = f16out;
const f32out: Float32Array = wi.glorotUniform([2, 2], { out: new Float32Array(4) });
export { a, b, h, bf, wrong, wrong2, same, f32out };
`,
      );
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM', 'esnext.disposable', 'esnext.float16'],
            strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noEmit: true, skipLibCheck: false, types: [],
          },
          files: ['consumer.ts'],
        }),
      );
      const r = spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8', timeout: 120_000 });
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the lab through the class', () => {
  it('wi.propagate runs on the instance and frees what it allocated', async () => {
    const w = await wi();
    const { engineOf } = await import('../src/engine/engine.js');
    const live = engineOf(w).heap.liveCount;
    const r = w.propagate({ depth: 4, width: 64, activation: 'relu', init: 'heNormal', batch: 32, seed: 1 });
    expect(r.layers).toHaveLength(4);
    expect(engineOf(w).heap.liveCount).toBe(live);
    // He on ReLU: about half the units are exactly 0 at every layer (binomial: ±0.1 is more than 9σ at 32·64 = 2,048 units, σ = 0.011)
    for (const l of r.layers) expect(Math.abs(l.activation.dead - 0.5)).toBeLessThan(0.1);
  });
});

describe('whole models through the class', () => {
  it('wi.planModel / wi.initModel give the named-key tensors of the model functions', async () => {
    const w = await wi();
    const { initModel } = await import('../src/model/plan.js');
    const spec = { tensors: [{ name: 'fc1.weight', shape: [16, 8], kind: 'linear', activation: 'relu' }, { name: 'fc1.bias', shape: [16], kind: 'bias', activation: 'relu' }] };
    const viaClass = w.initModel(spec, { seed: 5, recipe: 'best-practice' });
    const viaFunction = initModel(w, spec, { seed: 5, recipe: 'best-practice' });
    expect(viaClass.plan.entries.map((e) => [e.name, e.initializer])).toEqual([['fc1.weight', 'heNormal'], ['fc1.bias', 'constant']]);
    expect(Array.from(viaClass.tensors['fc1.weight']!.data)).toEqual(Array.from(viaFunction.tensors['fc1.weight']!.data));
    expect(w.planModel(spec, { seed: 5, recipe: 'best-practice' }).entries).toEqual(viaClass.plan.entries);
  });
});
