// Hostile `out` targets (other realms, shared and resizable buffers, subclasses that override
// everything, detached buffers, wrong kinds, in-place refills that grow memory) and calls
// that cannot fit in wasm32 memory.
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { load } from '../src/index.js';
import { engineOf } from '../src/engine/engine.js';
import type { WeightInit } from '../src/weightinit.js';
import { bytesOf, expectRejected, expectSameBits, expectTwinInStep, pair, snapshot } from './helpers/hostile.js';

type DT = 'float32' | 'float64' | 'float16' | 'bfloat16';
const DTYPES: DT[] = ['float32', 'float64', 'float16', 'bfloat16'];
const ARRAY_OF: Record<DT, string> = { float32: 'Float32Array', float64: 'Float64Array', float16: 'Uint16Array', bfloat16: 'Uint16Array' };
const HasF16 = typeof (globalThis as { Float16Array?: unknown }).Float16Array === 'function';

/** More than two CHUNKs (64 Ki elements), not a multiple of the block size. */
const BIG = 150_001;

describe('5. out targets', () => {
  it('typed arrays of another realm are filled with the plain call\'s bits (every dtype, uint32, initializers)', async () => {
    const w = await load({ seed: 2 });
    for (const dtype of DTYPES) {
      const out = vm.runInNewContext(`new ${ARRAY_OF[dtype]}(${BIG})`) as Float32Array;
      const ret = w.normal([BIG], { out, seed: 3, dtype });
      expect(ret).toBe(out);
      expectSameBits(out, w.normal([BIG], { seed: 3, dtype }), `cross-realm ${ARRAY_OF[dtype]} for ${dtype}`);
    }
    const u = vm.runInNewContext('new Uint32Array(1000)') as Uint32Array;
    w.uint32(1000, { out: u, seed: 3 });
    expectSameBits(u, w.uint32(1000, { seed: 3 }), 'uint32');
    for (const [label, call] of [
      ['orthogonal', (o: Record<string, unknown>) => w.orthogonal([40, 30], o)],
      ['sparse', (o: Record<string, unknown>) => w.sparse([40, 30], { sparsity: 0.3, ...o })],
      ['truncatedNormal', (o: Record<string, unknown>) => w.truncatedNormal([40, 30], { a: 3, b: 4, ...o })],
      ['dirac', (o: Record<string, unknown>) => w.dirac([4, 4, 3, 25], o)],
    ] as const) {
      const out = vm.runInNewContext('new Float32Array(1200)') as Float32Array;
      call({ out, seed: 4 });
      expectSameBits(out, call({ seed: 4 }), `cross-realm out for ${label}`);
    }
  });

  it('wrong kinds are TypeErrors naming the kind given and the kinds accepted', async () => {
    const [w, twin] = await pair();
    const n = 16;
    const kinds: [string, unknown][] = [
      ['Float64Array', new Float64Array(n)], ['Int32Array', new Int32Array(n)], ['Uint8Array', new Uint8Array(n * 4)],
      ['Uint16Array', new Uint16Array(n)], ['Uint32Array', new Uint32Array(n)], ['Int8Array', new Int8Array(n)],
      ['Uint8ClampedArray', new Uint8ClampedArray(n)], ['BigInt64Array', new BigInt64Array(n)], ['Uint8Array', Buffer.alloc(n * 4)],
      ['Int32Array', vm.runInNewContext(`new Int32Array(${n})`)],
    ];
    for (const [kind, out] of kinds) {
      expectRejected(w, () => w.normal([n], { out: out as never }), TypeError, 'normal', new RegExp(`out must be a Float32Array, got ${kind}\\(`), [out]);
    }
    for (const out of [new DataView(new ArrayBuffer(n * 4)), new ArrayBuffer(n * 4), new Array(n).fill(0), { length: n, [Symbol.toStringTag]: 'Float32Array' }]) {
      expectRejected(w, () => w.normal([n], { out: out as never }), TypeError, 'normal', /out must be a Float32Array, got /);
    }
    // a subclass that claims to be a Float32Array, and a Proxy over a real one
    class Fake extends Int32Array {}
    Object.defineProperty(Fake.prototype, Symbol.toStringTag, { get: () => 'Float32Array' });
    expectRejected(w, () => w.normal([n], { out: new Fake(n) as never }), TypeError, 'normal', /got Int32Array\(16\)/);
    expectRejected(w, () => w.normal([n], { out: new Proxy(new Float32Array(n), {}) as never }), TypeError, 'normal', /out must be a Float32Array/);
    const f32 = new Float32Array(n).fill(5);
    expectRejected(w, () => w.normal([n], { out: f32 as never, dtype: 'bfloat16' }), TypeError, 'normal', /out must be a Uint16Array, got Float32Array\(16\)/, [f32]);
    expectRejected(w, () => w.normal([n], { out: f32 as never, dtype: 'float16' }), TypeError, 'normal', HasF16 ? /Float16Array or Uint16Array/ : /out must be a Uint16Array/, [f32]);
    expectRejected(w, () => w.normal([n], { out: f32 as never, dtype: 'float64' }), TypeError, 'normal', /out must be a Float64Array, got Float32Array/, [f32]);
    expectRejected(w, () => w.uint32(n, { out: f32 as never }), TypeError, 'uint32', /out must be a Uint32Array, got Float32Array/, [f32]);
    expectRejected(w, () => w.normal([n], { out: new Float32Array(n + 1) }), RangeError, 'normal', /out has 17 elements, but 16/);
    expectTwinInStep(w, twin);
  });

  it('SharedArrayBuffer- and resizable-buffer-backed out (several chunks) get the plain bits', async () => {
    const w = await load({ seed: 2 });
    for (const dtype of DTYPES) {
      const bytes = dtype === 'float64' ? 8 : dtype === 'float32' ? 4 : 2;
      const Kind = { float32: Float32Array, float64: Float64Array, float16: Uint16Array, bfloat16: Uint16Array }[dtype];
      const sab = new Kind(new SharedArrayBuffer(BIG * bytes) as unknown as ArrayBuffer);
      w.normal([BIG], { out: sab as never, seed: 8, dtype });
      expectSameBits(sab, w.normal([BIG], { seed: 8, dtype }), `SharedArrayBuffer ${dtype}`);
      const rab = new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(BIG * bytes, { maxByteLength: 2 * BIG * bytes });
      const tracking = new Kind(rab); // length-tracking view
      w.normal([BIG], { out: tracking as never, seed: 8, dtype });
      expectSameBits(tracking, w.normal([BIG], { seed: 8, dtype }), `resizable ${dtype}`);
    }
    // a view into the middle of a shared buffer: the bytes around it stay untouched
    const whole = new Float32Array(new SharedArrayBuffer(4 * 1000)).fill(7);
    const mid = whole.subarray(100, 900);
    w.uniform([800], { out: mid, seed: 1 });
    expect(Array.from(whole.subarray(0, 100)).every((v) => v === 7)).toBe(true);
    expect(Array.from(whole.subarray(900)).every((v) => v === 7)).toBe(true);
    expectSameBits(mid, w.uniform([800], { seed: 1 }), 'subarray of a SharedArrayBuffer');
  });

  it('a subclass overriding set/length/buffer/byteOffset/subarray (and own props shadowing them): real contents filled, no override called', async () => {
    const calls: string[] = [];
    class Hostile extends Float32Array {
      override set(): void {
        calls.push('set');
        throw new Error('override set called');
      }
      override subarray(): Float32Array<ArrayBuffer> {
        calls.push('subarray');
        throw new Error('override subarray called');
      }
      override fill(): this {
        calls.push('fill');
        throw new Error('override fill called');
      }
    }
    // accessors over the built-in ones (defined here: TypeScript declares them as plain properties)
    for (const [k, v] of [['length', 3], ['buffer', new ArrayBuffer(4)], ['byteOffset', 12], ['byteLength', 4]] as const) {
      Object.defineProperty(Hostile.prototype, k, {
        get() {
          calls.push(k);
          return v;
        },
      });
    }
    Object.defineProperty(Hostile, Symbol.species, {
      get() {
        calls.push('species');
        throw new Error('species');
      },
    });
    const w = await load({ seed: 2 });
    const out = new Hostile(BIG);
    Object.defineProperty(out, 'length', { value: 1 });
    Object.defineProperty(out, 'set', { value: () => calls.push('own set') });
    let ret: unknown;
    try {
      ret = w.normal([BIG], { out, seed: 9 });
    } catch (e) {
      // rejecting it is allowed, if cleanly
      expect(e).toBeInstanceOf(TypeError);
      expect((e as Error).message).toMatch(/^weightinit\.normal: /);
    }
    if (ret !== undefined) {
      expect(ret).toBe(out);
      expectSameBits(out, w.normal([BIG], { seed: 9 }), 'the subclass instance\'s real contents');
    }
    expect(calls).toEqual([]);
    // and with a dtype conversion and a range
    const half = new (class extends Uint16Array {
      override set(): void {
        throw new Error('override set called');
      }
    })(1000);
    w.normal([5000], { out: half, seed: 9, dtype: 'bfloat16', range: [2000, 3000] });
    expectSameBits(half, w.normal([5000], { seed: 9, dtype: 'bfloat16', range: [2000, 3000] }), 'bfloat16 subclass with range');
  });

  it('a detached out is a RangeError (every dtype), and nothing is drawn', async () => {
    const [w, twin] = await pair();
    const detach = <T extends ArrayBufferView>(v: T): T => {
      structuredClone(v.buffer, { transfer: [v.buffer as ArrayBuffer] });
      return v;
    };
    expectRejected(w, () => w.normal([16], { out: detach(new Float32Array(16)) }), RangeError, 'normal', /out has 0 elements \(its buffer may be detached.*\), but 16/);
    expectRejected(w, () => w.normal([16], { out: detach(new Float64Array(16)), dtype: 'float64' }), RangeError, 'normal');
    expectRejected(w, () => w.normal([16], { out: detach(new Uint16Array(16)), dtype: 'bfloat16' }), RangeError, 'normal');
    expectRejected(w, () => w.normal([16], { out: detach(new Uint16Array(16)), dtype: 'float16' }), RangeError, 'normal');
    expectRejected(w, () => w.uint32(16, { out: detach(new Uint32Array(16)) }), RangeError, 'uint32');
    expectRejected(w, () => w.orthogonal([4, 4], { out: detach(new Float32Array(16)) }), RangeError, 'orthogonal');
    expectRejected(w, () => w.sparse([4, 4], { sparsity: 0.5, out: detach(new Float32Array(16)) }), RangeError, 'sparse');
    // a tensor's view after memory grew (Node 20-24: detached) is rejected, not written
    if (!w.resizableViews) {
      const t = w.zeros([16]);
      const stale = t.data;
      const big = w.zeros([4_000_000]); // grows memory: `stale` is now detached
      expect(stale.length).toBe(0);
      expectRejected(w, () => w.normal([16], { out: stale }), RangeError, 'normal', /out has 0 elements/);
      big.free();
      t.free();
      twin.zeros([16]).free();
      twin.zeros([4_000_000]).free();
    }
    expectTwinInStep(w, twin);
  });

  it('in-place refill: zeros(n, { dtype }) then normal(n, { out: t.data, seed: 3, dtype }) equals normal(n, { seed: 3, dtype })', async () => {
    const w = await load({ seed: 2 });
    for (const dtype of DTYPES) {
      for (const n of [1000, BIG]) {
        const t = w.zeros([n], { dtype });
        w.normal([n], { out: t.data, seed: 3, dtype });
        expectSameBits(t, w.normal([n], { seed: 3, dtype }), `${dtype}, ${n} elements`);
        // a view built by hand over the same bytes (Uint16Array for float16 where data is a Float16Array)
        const d = t.data;
        const Kind = { float32: Float32Array, float64: Float64Array, float16: Uint16Array, bfloat16: Uint16Array }[dtype];
        const manual = new Kind(w.memory.buffer, d.byteOffset, n);
        w.uniform([n], { out: manual as never, seed: 4, dtype });
        expectSameBits(t, w.uniform([n], { seed: 4, dtype }), `${dtype} by a hand-made view`);
        t.free();
      }
    }
    if (HasF16) {
      const F16 = (globalThis as unknown as { Float16Array: new (n: number) => ArrayBufferView }).Float16Array;
      const out = new F16(1000);
      w.normal([1000], { out: out as never, seed: 3, dtype: 'float16' });
      expectSameBits(out, w.normal([1000], { seed: 3, dtype: 'float16' }), 'Float16Array out');
    }
  });

  it('in-place refill when the call itself grows memory (orthogonal/sparse allocate inside the call), every dtype', async () => {
    for (const dtype of DTYPES) {
      const w = await load({ seed: 2 });
      const n = 2_000_000;
      const t = w.zeros([n], { dtype });
      const before = w.memory.buffer.byteLength;
      // a tall n x 1 orthogonal: made whole (and transposed from a work copy) inside the call
      w.orthogonal([n, 1], { out: t.data, seed: 3, dtype });
      expect(w.memory.buffer.byteLength, `${dtype}: the call grew memory`).toBeGreaterThan(before);
      expectSameBits(t, w.orthogonal([n, 1], { seed: 3, dtype }), `orthogonal ${dtype}`);
      const s = w.zeros([1500, 1000], { dtype });
      w.sparse([1500, 1000], { sparsity: 0.5, out: s.data, seed: 5, dtype });
      expectSameBits(s, w.sparse([1500, 1000], { sparsity: 0.5, seed: 5, dtype }), `sparse ${dtype}`);
      expect(engineOf(w).heap.liveCount, 'scratch, t, s and the two plain results; nothing made inside the calls is kept').toBe(5);
    }
  });

  it('a view over another instance\'s memory is an ordinary out', async () => {
    const a = await load({ seed: 2 });
    const b = await load({ seed: 2 });
    const t = b.zeros([5000]);
    a.normal([5000], { out: t.data, seed: 6 });
    expectSameBits(t, a.normal([5000], { seed: 6 }), 'cross-instance out');
  });
});

describe('6. out of memory', () => {
  /** A RangeError naming what needed the memory, and no trace: no allocation kept, no key taken, outs untouched. */
  function expectOom(w: WeightInit, f: () => unknown, fn: string, what: RegExp, outs: unknown[] = []): void {
    const before = snapshot(w);
    const outBefore = outs.map((o) => bytesOf(o));
    let caught: unknown;
    try {
      f();
    } catch (e) {
      caught = e;
    }
    expect(caught, `${fn}: expected a RangeError`).toBeInstanceOf(RangeError);
    const msg = (caught as Error).message;
    expect(msg).toMatch(new RegExp(`^weightinit[.:] ?(weightinit\\.)?${fn}\\b`));
    expect(msg).toMatch(what);
    const after = snapshot(w);
    expect({ live: after.live, liveBytes: after.liveBytes, nextKey: after.nextKey }).toEqual({ live: before.live, liveBytes: before.liveBytes, nextKey: before.nextKey });
    outs.forEach((o, i) => expectSameBits(bytesOf(o), outBefore[i]!, `out #${i}`));
  }

  it('normal([2**26, 2**26]) (also float64), uint32(2**40): RangeError saying what needs the memory; nothing kept, no key taken', async () => {
    const [w, twin] = await pair();
    expectOom(w, () => w.normal([2 ** 26, 2 ** 26]), 'normal', /normal: a \[67108864, 67108864\] float32 tensor needs \d+ bytes of wasm memory/);
    expectOom(w, () => w.normal([2 ** 26, 2 ** 26], { dtype: 'float64' }), 'normal', /float64.*wasm memory/);
    expectOom(w, () => w.uint32(2 ** 40), 'uint32', /wasm memory/);
    expectTwinInStep(w, twin);
  });

  it('orthogonal([1e5, 1e5]), with range: [0, 10], and with range + out: RangeError; out untouched', async () => {
    const [w, twin] = await pair();
    expectOom(w, () => w.orthogonal([1e5, 1e5]), 'orthogonal', /orthogonal: a \[100000, 100000\] float32 tensor needs \d+ bytes of wasm memory/);
    expectOom(w, () => w.orthogonal([1e5, 1e5], { range: [0, 10] }), 'orthogonal', /orthogonal: the whole \[100000, 100000\] matrix.*needs \d+ bytes of wasm memory/);
    const out = new Float32Array(4).fill(7);
    expectOom(w, () => w.orthogonal([1e5, 1e5], { range: [0, 4], out }), 'orthogonal', /wasm memory/, [out]);
    expectOom(w, () => w.deltaOrthogonal([1e5, 1e5, 1], { range: [0, 4] }), 'deltaOrthogonal', /wasm memory/);
    expectTwinInStep(w, twin);
  });

  it('sparse([1e6, 1e6], { sparsity: 0.5 }) and its mask (range / out): RangeError naming the mask', async () => {
    const [w, twin] = await pair();
    expectOom(w, () => w.sparse([1e6, 1e6], { sparsity: 0.5 }), 'sparse', /sparse: a \[1000000, 1000000\] float32 tensor needs \d+ bytes of wasm memory/);
    expectOom(w, () => w.sparse([1e6, 1e6], { sparsity: 0.5, range: [0, 10] }), 'sparse', /zero mask.*wasm memory/);
    const out = new Float32Array(10).fill(3);
    expectOom(w, () => w.sparse([1e6, 1e6], { sparsity: 0.5, range: [0, 10], out }), 'sparse', /zero mask/, [out]);
    expectTwinInStep(w, twin);
  });

  it('parameter(1e9, 1e9, \'he\') and parameter(2**26, 2**26, \'he\'): RangeError naming the call and its size', async () => {
    const [w, twin] = await pair();
    expectOom(w, () => w.parameter(1e9, 1e9, 'he'), 'parameter', /1000000000, 1000000000.*(elements|memory)/);
    expectOom(w, () => w.parameter(2 ** 26, 2 ** 26, 'he'), 'parameter', /parameter: a \[67108864, 67108864\] float32 tensor needs \d+ bytes of wasm memory/);
    expectTwinInStep(w, twin);
  });

  it('after a failed huge call, the instance still makes correct tensors (same bits as its twin)', async () => {
    const [w, twin] = await pair();
    for (let i = 0; i < 5; i++) expect(() => w.normal([2 ** 20, 2 ** 13])).toThrow(RangeError);
    expectSameBits(w.normal([1000], { seed: 1 }), twin.normal([1000], { seed: 1 }), 'seeded');
    expectTwinInStep(w, twin);
  });
});
