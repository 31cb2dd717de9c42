// The README's "Getting weights into your framework" snippets, run as written. Each ```ts block
// of that section is written to a .mjs file inside the package (so `weightinit/tfjs` and the
// other subpaths resolve through package.json "exports" to the BUILT dist/, as users get them),
// between a prelude (what the page cannot provide: a tfjs backend, a model file, a fake WebGPU
// device that records its calls) and an epilogue that checks what the snippet made and prints
// one JSON line. The snippets are plain JavaScript that is also valid TypeScript, so nothing is
// transformed. A block no harness recognises fails the test: every block is run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { matMulAdd } from './adapters-onnx-proto.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.tmp', 'readme-snippets');
const SECTION = '## Getting weights into your framework';

function sectionBlocks(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n${SECTION}\n`);
  if (start < 0) throw new Error(`README.md has no "${SECTION}" section`);
  const end = readme.indexOf('\n## ', start + SECTION.length + 2);
  const body = readme.slice(start, end < 0 ? undefined : end);
  return [...body.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

interface Harness {
  name: string;
  matches: (code: string) => boolean;
  prelude: string;
  epilogue: string;
  files?: Record<string, Uint8Array | string>;
  check: (out: Record<string, unknown>) => void;
}

const HARNESSES: Harness[] = [
  {
    name: 'tfjs',
    matches: (c) => c.includes("from 'weightinit/tfjs'"),
    // the page's reader has a backend: '@tensorflow/tfjs' brings webgl and cpu; here, the cpu one
    prelude: "import '@tensorflow/tfjs-backend-cpu';",
    epilogue: `
      const tfc = await import('@tensorflow/tfjs-core');
      const [k, bias] = model.layers[0].getWeights();
      const kv = k.dataSync();
      let err = 0; // max |WᵀW − I| of the [784, 256] kernel: setWeights put the orthogonal matrix there
      for (let a = 0; a < 256; a += 15) for (let c = a; c < 256; c += 15) {
        let d = 0;
        for (let r = 0; r < 784; r++) d += kv[r * 256 + a] * kv[r * 256 + c];
        err = Math.max(err, Math.abs(d - (a === c ? 1 : 0)));
      }
      const p = model.predict(tfc.ones([2, 784])).dataSync();
      console.log('@@' + JSON.stringify({
        backend: tfc.getBackend(),
        decisions: decisions.map((d) => [d.name.slice(d.name.lastIndexOf('/') + 1), d.initializer, d.std ?? d.value]),
        kernelShape: k.shape, orthoErr: err, biasMax: Math.max(...bias.dataSync().map(Math.abs)),
        freed: [w.freed, b.freed], predSum: p.reduce((s, x) => s + x, 0),
        config: model.layers[1].getConfig().kernelInitializer,
      }));`,
    check: (o) => {
      expect(o.backend).toBe('cpu');
      const d = o.decisions as [string, string, number][];
      expect(d.map((x) => x.slice(0, 2))).toEqual([['kernel', 'heNormal'], ['bias', 'constant'], ['kernel', 'glorotUniform'], ['bias', 'zeros']]);
      expect(d[0]![2]).toBeCloseTo(Math.sqrt(2 / 784), 12);
      expect(d[1]![2]).toBe(0.01);
      expect(o.kernelShape).toEqual([784, 256]);
      expect(o.orthoErr).toBeLessThan(1e-5);
      expect(o.biasMax).toBe(0);
      expect(o.freed).toEqual([true, true]);
      expect(o.predSum).toBeCloseTo(2, 5); // two softmax rows
      expect(o.config).toEqual({ className: 'WeightInit', config: { name: 'glorotUniform', options: {} } });
    },
  },
  {
    name: 'onnx',
    matches: (c) => c.includes("from 'weightinit/onnx'"),
    prelude: '',
    files: { 'model.onnx': matMulAdd('float32', 2, 4, 3) },
    epilogue: `
      const [x, W, bb] = [feeds.x.data, feeds.W.data, feeds.b.data];
      let worst = 0; // |ŷ − y| / ((k + 2)·2^-24·Σ|terms|): at most 1 for float32 evaluation
      for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) {
        let s = bb[j], a = Math.abs(bb[j]);
        for (let t = 0; t < 4; t++) { s += x[i * 4 + t] * W[t * 3 + j]; a += Math.abs(x[i * 4 + t] * W[t * 3 + j]); }
        worst = Math.max(worst, Math.abs(y.data[i * 3 + j] - s) / (6 * 2 ** -24 * a + 1e-300));
      }
      console.log('@@' + JSON.stringify({ dims: y.dims, type: y.type, types: [feeds.x.type, feeds.W.type, feeds.b.type], Wdims: feeds.W.dims, worst, live: wi.memory.buffer !== feeds.W.data.buffer }));`,
    check: (o) => {
      expect(o.dims).toEqual([2, 3]);
      expect(o.type).toBe('float32');
      expect(o.types).toEqual(['float32', 'float32', 'float32']);
      expect(o.Wdims).toEqual([4, 3]);
      expect(o.worst).toBeLessThanOrEqual(1);
      expect(o.live).toBe(true);
    },
  },
  {
    name: 'layout',
    matches: (c) => c.includes("from 'weightinit/layout'"),
    prelude: '',
    epilogue: `
      const { load: again } = await import('weightinit');
      const ref = (await again({ seed: 42 })).kaimingUniform([64, 32, 3, 3], { a: Math.sqrt(5) }).take();
      let same = weight.data.length === ref.length, hand = true;
      for (let i = 0; i < ref.length; i++) if (weight.data[i] !== ref[i]) same = false;
      // by hand: tf[y, x, c, o] = torch[o, c, y, x]
      for (const [o, c, yy, xx] of [[5, 7, 1, 2], [63, 31, 2, 2], [0, 0, 0, 0], [17, 3, 0, 1]]) {
        if (kernel.data[((yy * 3 + xx) * 32 + c) * 64 + o] !== ref[((o * 32 + c) * 3 + yy) * 3 + xx]) hand = false;
      }
      console.log('@@' + JSON.stringify({ tfShape: kernel.shape, torchShape: weight.shape, same, hand, owned: kernel.data.buffer !== wi.memory.buffer, freed: t.freed, bound: Math.max(...kernel.data.map(Math.abs)) }));`,
    check: (o) => {
      expect(o.tfShape).toEqual([3, 3, 32, 64]);
      expect(o.torchShape).toEqual([64, 32, 3, 3]);
      expect(o.same).toBe(true);
      expect(o.hand).toBe(true);
      expect(o.owned).toBe(true);
      expect(o.freed).toBe(true);
      expect(o.bound).toBeLessThanOrEqual(1 / Math.sqrt(32 * 9)); // PyTorch's U(±1/√fan_in)
    },
  },
  {
    name: 'webgpu',
    matches: (c) => c.includes('device.queue.writeBuffer'),
    // a fake GPUDevice that records its calls; writeBuffer copies the bytes when it is called, as WebGPU does
    prelude: `
      const calls = [];
      const GPUBufferUsage = { STORAGE: 0x80, COPY_DST: 0x08 };
      const device = {
        createBuffer(desc) { const buf = { desc }; calls.push({ op: 'createBuffer', desc, buf }); return buf; },
        queue: {
          writeBuffer(buffer, offset, data, dataOffset, size) {
            calls.push({ op: 'writeBuffer', buffer, offset, dataOffset, size, tag: Object.prototype.toString.call(data),
              view: data.buffer === wi.memory.buffer, values: Float32Array.from(data) });
          },
        },
      };`,
    epilogue: `
      const { load: again } = await import('weightinit');
      const ref = (await again({ seed: 42 })).heNormal([256, 128]).take();
      const [c, wb] = calls;
      let same = wb.values.length === ref.length;
      for (let i = 0; i < ref.length; i++) if (wb.values[i] !== ref[i]) same = false;
      console.log('@@' + JSON.stringify({ ops: calls.map((x) => x.op), size: c.desc.size, usage: c.desc.usage, sameBuffer: wb.buffer === c.buf && wb.buffer === buffer,
        offset: wb.offset, dataOffset: wb.dataOffset ?? null, size2: wb.size ?? null, tag: wb.tag, view: wb.view, same, freed: w.freed }));`,
    check: (o) => {
      expect(o.ops).toEqual(['createBuffer', 'writeBuffer']);
      expect(o.size).toBe(256 * 128 * 4);
      expect(o.usage).toBe(0x80 | 0x08);
      expect(o.sameBuffer).toBe(true);
      expect(o.offset).toBe(0);
      expect(o.dataOffset).toBe(null);
      expect(o.size2).toBe(null);
      expect(o.tag).toBe('[object Float32Array]');
      expect(o.view).toBe(true); // the zero-copy view, copied by writeBuffer at once
      expect(o.same).toBe(true);
      expect(o.freed).toBe(true);
    },
  },
];

function built(): void {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { default?: string }> };
  for (const [sub, src] of [['./tfjs', 'src/adapters/tfjs.ts'], ['./onnx', 'src/adapters/onnx.ts'], ['./layout', 'src/adapters/layout.ts'], ['./viz', 'src/viz/histogram.ts']] as const) {
    const target = pkg.exports[sub]?.default;
    if (target === undefined) throw new Error(`package.json has no "exports" entry "${sub}"`);
    let js;
    try {
      js = statSync(join(root, target));
    } catch {
      throw new Error(`${target} is missing: run \`npm run build\` (npm test does) before this test`);
    }
    if (js.mtimeMs < statSync(join(root, src)).mtimeMs) throw new Error(`${target} is older than ${src}: run \`npm run build\` again`);
  }
}

function run(dir: string, file: string): { out: Record<string, unknown>; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 90_000 });
  const line = r.stdout.split('\n').reverse().find((l) => l.startsWith('@@'));
  if (r.status !== 0 || line === undefined) {
    throw new Error(`${file} exited with ${r.status ?? r.signal}:\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-1000)}`);
  }
  return { out: JSON.parse(line.slice(2)) as Record<string, unknown>, stdout: r.stdout, stderr: r.stderr };
}

describe('README: "Getting weights into your framework"', () => {
  const blocks = sectionBlocks();

  it('has a harness for every ```ts block, and a block for every harness', () => {
    expect(blocks.length).toBe(HARNESSES.length);
    for (const code of blocks) expect(HARNESSES.filter((h) => h.matches(code)).map((h) => h.name), code.slice(0, 80)).toHaveLength(1);
    for (const h of HARNESSES) expect(blocks.some((b) => h.matches(b)), h.name).toBe(true);
  });

  it.each(HARNESSES.map((h) => [h.name, h] as const))('%s snippet runs verbatim against the built package', (name, h) => {
    built();
    const code = blocks.find((b) => h.matches(b));
    expect(code, `no README block for ${name}`).toBeDefined();
    const dir = join(work, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [f, content] of Object.entries(h.files ?? {})) writeFileSync(join(dir, f), content);
    // prelude, the block exactly as in the README, then the checks in their own block scope
    writeFileSync(join(dir, 'snippet.mjs'), `${h.prelude}\n// ---- README block, verbatim ----\n${code}// ---- end of README block ----\n{\n${h.epilogue}\n}\n`);
    const { out } = run(dir, 'snippet.mjs');
    h.check(out);
  });

  it('every subpath resolves through package.json "exports" with its documented functions', () => {
    built();
    const dir = join(work, 'exports');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'exports.mjs'),
      `const out = {};
       for (const s of ['weightinit/tfjs', 'weightinit/onnx', 'weightinit/layout', 'weightinit/viz']) out[s] = Object.keys(await import(s)).sort();
       console.log('@@' + JSON.stringify(out));`,
    );
    const { out } = run(dir, 'exports.mjs');
    expect(out['weightinit/tfjs']).toEqual(expect.arrayContaining(['initializer', 'initModel', 'setWeights', 'toTfTensor', 'useInstance', 'WeightInitInitializer', 'TFJS_INITIALIZERS']));
    expect(out['weightinit/onnx']).toEqual(expect.arrayContaining(['toOrtTensor', 'ortData']));
    expect(out['weightinit/layout']).toEqual(expect.arrayContaining(['torchToTf', 'tfToTorch', 'transpose']));
    expect(out['weightinit/viz']).toEqual(expect.arrayContaining(['histogram', 'renderTerminal']));
  });
});
