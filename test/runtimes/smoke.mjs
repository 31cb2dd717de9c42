// The runtime-neutral smoke suite. Plain JavaScript with no imports: Node (ESM and CJS), Deno,
// Bun, Chromium (plain, Vite, esbuild), workerd and @edge-runtime/vm all run this same file
// against the package as a user installs it, and report a JSON-able result that the harness
// (test/runtimes.test.ts) checks: no failed test, and digests equal to test/runtimes/digest.json.
//
// smoke(api, { loadOptions }) -> { runtime, passed, failed, tests, digests, info }
//   api: the module namespace of 'weightinit' (or 'weightinit/module', with loadOptions.module)

/**
 * Fixed-seed tensors whose bytes are hashed (SHA-256) in every runtime. To add one: append a
 * line, then record with `WEIGHTINIT_RECORD_DIGEST=1 npm run test:runtimes` (it writes
 * test/runtimes/digest.json only when every runtime agrees) and commit digest.json.
 * A case runs when its `method` exists on the loaded instance; the harness fails when the
 * set of cases that ran differs from the recorded set, so nothing drops out silently.
 * Sizes cross the 1024-element block boundary and are not multiples of 4 (SIMD tails).
 */
export const DIGEST_CASES = [
  { name: 'uniform', method: 'uniform', make: (wi) => wi.uniform([37, 61], { low: -2, high: 3, seed: 101 }) },
  { name: 'normal', method: 'normal', make: (wi) => wi.normal([3001], { mean: 0.5, std: 2, seed: 102 }) },
  { name: 'uint32', method: 'uint32', make: (wi) => wi.uint32(2051, { seed: 103 }) },
  { name: 'normal.range', method: 'normal', make: (wi) => wi.normal([5000], { seed: 102, range: [1021, 4099] }) },
  { name: 'truncatedNormal', method: 'truncatedNormal', make: (wi) => wi.truncatedNormal([2049], { std: 0.5, a: -0.6, b: 0.9, seed: 104 }) },
  { name: 'glorotUniform', method: 'glorotUniform', make: (wi) => wi.glorotUniform([48, 50], { seed: 105 }) },
  { name: 'glorotNormal', method: 'glorotNormal', make: (wi) => wi.glorotNormal([50, 48], { seed: 106 }) },
  { name: 'heNormal.conv', method: 'heNormal', make: (wi) => wi.heNormal([16, 8, 3, 3], { seed: 107 }) },
  { name: 'heUniform.leaky', method: 'heUniform', make: (wi) => wi.heUniform([33, 70], { a: 0.2, seed: 108 }) },
  { name: 'lecunNormal.trunc', method: 'lecunNormal', make: (wi) => wi.lecunNormal([70, 33], { distribution: 'truncatedNormal', seed: 109 }) },
  { name: 'sparse', method: 'sparse', make: (wi) => wi.sparse([40, 30], { sparsity: 0.3, seed: 110 }) },
  { name: 'bfloat16', method: 'glorotUniform', make: (wi) => wi.glorotUniform([20, 103], { dtype: 'bfloat16', seed: 111 }) },
  { name: 'orthogonal', method: 'orthogonal', make: (wi) => wi.orthogonal([64, 48], { seed: 112 }) },
  { name: 'orthogonal.wide', method: 'orthogonal', make: (wi) => wi.orthogonal([20, 70], { gain: 2, seed: 113 }) },
  { name: 'deltaOrthogonal', method: 'deltaOrthogonal', make: (wi) => wi.deltaOrthogonal([16, 8, 3, 3], { seed: 114 }) },
];

/** Which runtime is this? (for the report only; behaviour never depends on it) */
export function runtimeName() {
  const g = globalThis;
  if (typeof g.Deno !== 'undefined') return `deno ${g.Deno.version?.deno ?? ''}`.trim();
  if (typeof g.Bun !== 'undefined') return `bun ${g.Bun.version ?? ''}`.trim();
  if (typeof g.EdgeRuntime !== 'undefined') return `edge-runtime ${g.EdgeRuntime}`;
  if (typeof g.navigator !== 'undefined' && g.navigator.userAgent === 'Cloudflare-Workers') return 'workerd';
  if (typeof g.process !== 'undefined' && g.process.versions?.node) return `node ${g.process.versions.node}`;
  if (typeof g.navigator !== 'undefined') return g.navigator.userAgent;
  return 'unknown';
}

/** What the runtime offers for threads (for the README table; nothing depends on it). */
function capabilities() {
  let sharedWasmMemory = false;
  try {
    const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    sharedWasmMemory = Object.prototype.toString.call(m.buffer) === '[object SharedArrayBuffer]';
  } catch {
    sharedWasmMemory = false;
  }
  return {
    sharedWasmMemory,
    worker: typeof globalThis.Worker === 'function',
    crossOriginIsolated: globalThis.crossOriginIsolated,
  };
}

function fail(msg) {
  throw new Error(msg);
}

function eq(a, b, what) {
  if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) fail(`${what}: expected ${String(b)}, got ${String(a)}`);
}

function sameBits(a, b, what) {
  eq(a.length, b.length, `${what} length`);
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) fail(`${what}: byte ${i} differs (${x[i]} vs ${y[i]})`);
}

function throwsLike(f, type, re, what) {
  let err;
  try {
    f();
  } catch (e) {
    err = e;
  }
  if (err === undefined) fail(`${what}: expected a ${type.name}, nothing was thrown`);
  // name, not instanceof: errors may come from another realm (edge-runtime's VM)
  if (err.name !== type.name) fail(`${what}: expected a ${type.name}, got ${err.name}: ${err.message}`);
  if (re && !re.test(err.message)) fail(`${what}: message ${JSON.stringify(err.message)} does not match ${re}`);
}

async function rejectsLike(p, type, re, what) {
  let err;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  if (err === undefined) fail(`${what}: expected a ${type.name} rejection, it resolved`);
  if (err.name !== type.name) fail(`${what}: expected a ${type.name}, got ${err.name}: ${err.message}`);
  if (re && !re.test(err.message)) fail(`${what}: message ${JSON.stringify(err.message)} does not match ${re}`);
}

function isTag(v, tag) {
  return Object.prototype.toString.call(v) === `[object ${tag}]`;
}

async function sha256Hex(bytes) {
  // copy into a plain ArrayBuffer: digest() rejects views of resizable buffers
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const d = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', copy));
  let s = '';
  for (const b of d) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Digests of every DIGEST_CASE whose method exists, plus 'all' over them in order. */
export async function digests(wi) {
  const out = {};
  for (const c of DIGEST_CASES) {
    if (typeof wi[c.method] !== 'function') continue;
    const t = c.make(wi);
    out[c.name] = await sha256Hex(t.toArray());
    t.free();
  }
  const lines = Object.entries(out)
    .map(([k, v]) => `${k}:${v}\n`)
    .join('');
  out.all = await sha256Hex(new TextEncoder().encode(lines));
  return out;
}

/**
 * Runs every check; never throws (a failure is recorded with its message).
 * @param api the 'weightinit' module namespace
 * @param options.loadOptions extra options for load() (e.g. { module } for 'weightinit/module')
 */
export async function smoke(api, options = {}) {
  const loadOptions = options.loadOptions ?? {};
  const tests = [];
  const info = { runtime: runtimeName(), ...capabilities() };
  let wi;
  async function test(name, f) {
    try {
      await f();
      tests.push({ name, ok: true });
    } catch (e) {
      tests.push({ name, ok: false, error: `${e?.name ?? 'Error'}: ${e?.message ?? String(e)}` });
    }
  }

  await test('exports: load, loadSync, Tensor, WeightInit', () => {
    for (const k of ['load', 'loadSync', 'Tensor', 'WeightInit']) if (typeof api[k] !== 'function') fail(`${k} is ${typeof api[k]}`);
  });

  await test('load({ seed }) resolves to an instance; same root seed, same unseeded stream', async () => {
    wi = await api.load({ seed: 20261123, ...loadOptions });
    if (!(wi instanceof api.WeightInit)) fail('load() did not return a WeightInit');
    eq(wi.rootSeed, 20261123n, 'rootSeed');
    const again = await api.load({ seed: 20261123, ...loadOptions });
    const a = wi.uniform([1000]).toArray();
    const b = again.uniform([1000]).toArray();
    sameBits(a, b, 'first unseeded tensor of two instances with one root seed');
    const c = wi.uniform([1000]).toArray();
    let same = 0;
    for (let i = 0; i < c.length; i++) if (c[i] === a[i]) same++;
    if (same > 10) fail(`the second unseeded tensor repeats the first (${same} equal values)`);
    info.resizableViews = wi.resizableViews;
  });
  if (wi === undefined) return report(tests, {}, info);

  await test('uniform: shape, dtype, Float32Array view, bounds [low, high)', () => {
    const t = wi.uniform([40, 50], { low: -0.5, high: 0.25, seed: 1 });
    eq(t.shape.join('x'), '40x50', 'shape');
    eq(t.size, 2000, 'size');
    eq(t.dtype, 'float32', 'dtype');
    const d = t.data;
    if (!isTag(d, 'Float32Array')) fail(`data is ${Object.prototype.toString.call(d)}`);
    eq(d.length, 2000, 'data.length');
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of d) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (!(lo >= -0.5 && hi < 0.25)) fail(`values outside [-0.5, 0.25): min ${lo}, max ${hi}`);
    if (!(lo < -0.49 && hi > 0.24)) fail(`values do not fill the interval: min ${lo}, max ${hi}`);
    t.free();
  });

  await test('normal: sample mean and std of 100k draws', () => {
    const t = wi.normal([100000], { mean: 3, std: 0.5, seed: 2 });
    let s = 0;
    let s2 = 0;
    for (const v of t.data) {
      s += v;
      s2 += v * v;
    }
    const m = s / t.size;
    const sd = Math.sqrt(s2 / t.size - m * m);
    // 5 standard errors: 5·0.5/√1e5 ≈ 0.008 for the mean, ~0.006 for the std
    if (Math.abs(m - 3) > 0.008) fail(`mean ${m}`);
    if (Math.abs(sd - 0.5) > 0.006) fail(`std ${sd}`);
    t.free();
  });

  await test('uint32: raw words as Uint32Array, same seed same words', () => {
    const t = wi.uint32(4099, { seed: 3 });
    if (!isTag(t.data, 'Uint32Array')) fail(`data is ${Object.prototype.toString.call(t.data)}`);
    eq(t.dtype, 'uint32', 'dtype');
    sameBits(t.data, wi.uint32(4099, { seed: 3 }).data, 'two draws with one seed');
    const distinct = new Set(t.data).size;
    if (distinct < 4090) fail(`only ${distinct} distinct words of 4099`);
    t.free();
  });

  await test('initializers: glorot, he, lecun, truncatedNormal, constant/zeros/ones/eye', () => {
    const need = ['glorotUniform', 'glorotNormal', 'heNormal', 'heUniform', 'lecunNormal', 'truncatedNormal', 'constant', 'zeros', 'ones', 'eye'];
    const missing = need.filter((m) => typeof wi[m] !== 'function');
    if (missing.length) fail(`missing initializers: ${missing.join(', ')}`);
    // Glorot uniform on [fan_out, fan_in] = [64, 32]: bound √(6/96) = 0.25
    const g = wi.glorotUniform([64, 32], { seed: 4 });
    let m = 0;
    for (const v of g.data) m = Math.max(m, Math.abs(v));
    if (!(m <= 0.25 && m > 0.24)) fail(`glorotUniform max |w| ${m}, bound 0.25`);
    // truncated normal: every value inside [a, b]
    const t = wi.truncatedNormal([5000], { mean: 0, std: 1, a: -0.5, b: 1.5, seed: 5 });
    for (const v of t.data) if (!(v >= -0.5 && v <= 1.5)) fail(`truncatedNormal value ${v} outside [-0.5, 1.5]`);
    const e = wi.eye([3, 4]);
    eq(Array.from(e.data).join(','), '1,0,0,0,0,1,0,0,0,0,1,0', 'eye([3, 4])');
    const c = wi.constant([5], { value: 0.5 });
    eq(Array.from(c.data).join(','), '0.5,0.5,0.5,0.5,0.5', 'constant');
    eq(Array.from(wi.ones([3]).data).join(','), '1,1,1', 'ones');
    eq(Array.from(wi.zeros([3]).data).join(','), '0,0,0', 'zeros');
    // He normal on a conv kernel [out, in, kh, kw]: fan_in = 8·3·3 = 72, std √(2/72) = 1/6
    const h = wi.heNormal([64, 8, 3, 3], { seed: 6 });
    let s2 = 0;
    for (const v of h.data) s2 += v * v;
    const sd = Math.sqrt(s2 / h.size);
    if (Math.abs(sd - 1 / 6) > 0.01) fail(`heNormal std ${sd}, expected 1/6`);
    for (const x of [g, t, e, c, h]) x.free();
  });

  await test('out: fills a caller-owned Float32Array with the in-memory values', () => {
    const n = 70000; // more than one 64k-element chunk
    const out = new Float32Array(n);
    const r = wi.normal([n], { seed: 7, out });
    if (r !== out) fail('normal(..., { out }) did not return out');
    const t = wi.normal([n], { seed: 7 });
    sameBits(out, t.data, 'out vs tensor');
    t.free();
  });

  await test('range: [start, end) equals the slice of the full tensor', () => {
    const full = wi.uniform([9000], { seed: 8 });
    const part = wi.uniform([9000], { seed: 8, range: [1000, 7001] });
    eq(part.shape.join(','), '6001', 'range shape');
    sameBits(part.data, full.data.subarray(1000, 7001), 'range vs slice');
    full.free();
    part.free();
  });

  await test('errors: bad shape, unknown option, low >= high, bad seed', async () => {
    throwsLike(() => wi.uniform([2, -1]), RangeError, /-1/, 'negative dimension');
    throwsLike(() => wi.uniform('3'), TypeError, null, 'shape not an array');
    throwsLike(() => wi.normal([2], { sd: 1 }), TypeError, /unknown option "sd"/, 'unknown option');
    throwsLike(() => wi.uniform([2], { low: 1, high: 1 }), RangeError, /low must be less than high/, 'low >= high');
    throwsLike(() => wi.uniform([2], { seed: -1 }), RangeError, /seed/, 'negative seed');
    throwsLike(() => wi.uniform([10], { range: [5, 11] }), RangeError, null, 'range past the end');
    throwsLike(() => wi.normal([4], { out: new Float32Array(3) }), RangeError, null, 'out of the wrong length');
    throwsLike(() => api.loadSync('not wasm'), TypeError, /wasm source/, 'loadSync of a string');
    await rejectsLike(api.load({ seed: 1.5 }), RangeError, /seed/, 'load with a fractional seed');
  });

  await test('free: data throws after free, free twice is harmless, toArray is an owned copy', () => {
    const t = wi.normal([100], { seed: 9 });
    const copy = t.toArray();
    copy[0] = 1234;
    if (t.data[0] === 1234) fail('toArray() shares memory with the tensor');
    const before = t.data[1];
    t.free();
    eq(t.freed, true, 'freed');
    throwsLike(() => t.data, Error, /freed/, 'data after free');
    t.free();
    eq(copy[1], before, 'the copy outlives the tensor');
  });

  await test('memory growth: tensor.data stays valid; views survive where resizable', () => {
    const t = wi.uniform([1000], { seed: 10 });
    const view = t.data;
    const before = t.toArray();
    const had = wi.memory.buffer.byteLength;
    const big = wi.uniform([16 << 20], { seed: 11 }); // 64 MiB: forces memory.grow
    if (!(wi.memory.buffer.byteLength > had)) fail('memory did not grow');
    sameBits(t.data, before, 'tensor.data after growth');
    if (wi.resizableViews) {
      eq(view.length, 1000, 'a view taken before growth (resizable buffer)');
      sameBits(view, before, 'old view after growth');
    } else {
      eq(view.length, 0, 'a view taken before growth is detached without resizable buffers');
    }
    big.free();
    t.free();
  });

  let d = {};
  await test('determinism digests computed', async () => {
    d = await digests(wi);
  });
  await test('loadSync: same values as load() from one module; refuses a foreign one', async () => {
    const mod = loadOptions.module;
    if (mod !== undefined) {
      const w2 = api.loadSync(mod, { seed: 1 });
      sameBits(w2.normal([3000], { seed: 102 }).data, wi.normal([3000], { seed: 102 }).data, 'loadSync vs load');
    } else {
      // no bytes of core.wasm at hand here: loadSync must refuse a valid but foreign module,
      // unless the runtime forbids compiling bytes at all (workerd during a request)
      const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
      try {
        api.loadSync(empty);
        fail('loadSync accepted an empty module');
      } catch (e) {
        if (e.name === 'CompileError' && /disallowed/i.test(e.message)) info.compileFromBytes = false;
        else if (e.name === 'TypeError' && /not weightinit core\.wasm/.test(e.message)) info.compileFromBytes = true;
        else throw e;
      }
    }
  });
  return report(tests, d, info);
}

function report(tests, digests, info) {
  const failed = tests.filter((t) => !t.ok).length;
  return { runtime: info.runtime, passed: tests.length - failed, failed, tests, digests, info };
}
