// Hostile input: shapes with holes, arrays that lie (getters, Proxies, subclasses, other
// realms), options objects of every wrong kind, Object.prototype pollution, unbound methods,
// named keys and scope(). Every rejection must be a prefixed RangeError/TypeError that leaves
// the instance untouched; every acceptance must give the bits of the plain call.
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { computeFans, calculateGain, load, loadSync, Parameter, Tensor } from '../src/index.js';
import { engineOf } from '../src/engine/engine.js';
import { WASM_BASE64 } from '../src/wasm/inline.generated.js';
import type { WeightInit } from '../src/weightinit.js';
import {
  allowedOptions, api, bytesOf, callShaped, digest, expectConsistent, expectRejected, expectSameBits, expectTwinInStep,
  pair, polluted, rejectionProblem, SHAPED, snapshot,
} from './helpers/hostile.js';

/** 1-D..4-D shapes with a hole at every position, plus the classic spellings. */
function holeyShapes(): { shape: unknown[]; hole: number; label: string }[] {
  const out: { shape: unknown[]; hole: number; label: string }[] = [];
  for (let rank = 1; rank <= 4; rank++) {
    for (let p = 0; p < rank; p++) {
      const s: unknown[] = new Array(rank).fill(3);
      delete s[p];
      out.push({ shape: s, hole: p, label: `${rank}-D, hole at ${p}` });
    }
  }
  // eslint-disable-next-line no-sparse-arrays
  out.push({ shape: [3, , 4], hole: 1, label: '[3, , 4]' });
  out.push({ shape: new Array(3), hole: 0, label: 'new Array(3)' });
  // eslint-disable-next-line no-sparse-arrays
  out.push({ shape: [,], hole: 0, label: '[,]' });
  // eslint-disable-next-line no-sparse-arrays
  out.push({ shape: [3, 4, ,], hole: 2, label: '[3, 4, ,] (trailing hole, length 3)' });
  return out;
}

describe('1. shapes with holes', () => {
  for (const m of SHAPED) {
    it(`${m.name}: a hole at every position of 1-D..4-D shapes is a TypeError naming the position`, async () => {
      const [w, twin] = await pair();
      for (const { shape, hole } of holeyShapes()) {
        expectRejected(w, () => callShaped(w, m, shape), TypeError, m.name, new RegExp(`shape\\[${hole}\\] is a hole`));
      }
      expectTwinInStep(w, twin);
    });
  }

  it('computeFans([4, , 4]) and computeFans(new Array(2)) are TypeErrors naming the hole', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => computeFans([4, , 4] as number[])).toThrow(/^weightinit\.computeFans: shape\[1\] is a hole/);
    expect(() => computeFans(new Array(2))).toThrow(TypeError);
    expect(() => computeFans(new Array(2))).toThrow(/^weightinit\.computeFans: shape\[0\] is a hole/);
  });

  it('a hole stays a hole when Array.prototype and Object.prototype have that index', async () => {
    const [w, twin] = await pair();
    const AP = Array.prototype as unknown as Record<number, unknown>;
    try {
      AP[1] = 5;
      (Object.prototype as Record<number, unknown>)[0] = 7;
      // eslint-disable-next-line no-sparse-arrays
      expectRejected(w, () => w.normal([3, , 4] as number[]), TypeError, 'normal', /shape\[1\] is a hole/);
      expectRejected(w, () => w.normal(new Array(2)), TypeError, 'normal', /shape\[0\] is a hole/);
      // eslint-disable-next-line no-sparse-arrays
      expectRejected(w, () => w.normal([4], { range: [, 3] as never }), TypeError, 'normal', /range\[0\] is a hole/);
    } finally {
      delete AP[1];
      delete (Object.prototype as Record<number, unknown>)[0];
    }
    expectTwinInStep(w, twin);
  });

  it('holes in array-valued options (range, inAxis, outAxis, batchAxis) are TypeErrors', async () => {
    const [w, twin] = await pair();
    // eslint-disable-next-line no-sparse-arrays
    expectRejected(w, () => w.normal([10], { range: [2, ,] as never }), TypeError, 'normal', /range\[1\] is a hole/);
    // eslint-disable-next-line no-sparse-arrays
    expectRejected(w, () => w.glorotNormal([3, 4, 5], { inAxis: [0, , 1] as never }), TypeError, 'glorotNormal', /inAxis\[1\] is a hole/);
    expectRejected(w, () => w.heNormal([3, 4, 5], { outAxis: new Array(1) as never }), TypeError, 'heNormal', /outAxis\[0\] is a hole/);
    // eslint-disable-next-line no-sparse-arrays
    expect(() => computeFans([3, 4, 5], { inAxis: 0, batchAxis: [, 2] as never })).toThrow(/^weightinit\.computeFans: batchAxis\[0\] is a hole/);
    expectTwinInStep(w, twin);
  });
});

/** The plain call's bits on a fresh instance (same root). */
async function plainBits(f: (w: WeightInit) => unknown): Promise<Uint8Array> {
  const w = await load({ seed: 99 });
  return bytesOf(f(w));
}

describe('2. arrays that lie', () => {
  const plainShape = [3, 4];

  it('index getters (3, then NaN / -5 / 2.5 / "7") are rejected and never invoked', async () => {
    const [w, twin] = await pair();
    for (const later of [Number.NaN, -5, 2.5, '7']) {
      let reads = 0;
      const s: unknown[] = [0, 4];
      Object.defineProperty(s, 0, {
        get() {
          return reads++ === 0 ? 3 : later;
        },
        enumerable: true,
        configurable: true,
      });
      expectRejected(w, () => w.normal(s as number[]), TypeError, 'normal', /shape\[0\] is a getter/);
      expect(reads, 'the getter must not run').toBe(0);
    }
    expectTwinInStep(w, twin);
  });

  it('a Proxy whose getOwnPropertyDescriptor changes the value between reads: read once, result = that plain shape', async () => {
    for (const later of [Number.NaN, -5, 2.5, '7', 1e9]) {
      const w = await load({ seed: 99 });
      const reads = new Map<PropertyKey, number>();
      const p = new Proxy([3, 4], {
        getOwnPropertyDescriptor(t, k) {
          const n = (reads.get(k) ?? 0) + 1;
          reads.set(k, n);
          if (k === '0') return { value: n === 1 ? 3 : later, writable: true, enumerable: true, configurable: true };
          return Reflect.getOwnPropertyDescriptor(t, k);
        },
      });
      const t = w.normal(p, { seed: 5 });
      expectConsistent(t);
      expect(t.shape).toEqual(plainShape);
      expectSameBits(t, await plainBits((x) => x.normal(plainShape, { seed: 5 })), `later = ${String(later)}`);
      expect(reads.get('0'), 'index 0 read exactly once').toBe(1);
      expect(reads.get('1'), 'index 1 read exactly once').toBe(1);
    }
  });

  it('a Proxy whose get/has/ownKeys traps lie is read through descriptors only: result = the plain shape', async () => {
    const w = await load({ seed: 99 });
    const p = new Proxy([3, 4], {
      get: (t, k, r) => (k === '0' ? 1000 : k === 'length' ? 40 : Reflect.get(t, k, r)),
      has: () => false,
      ownKeys: () => ['length'],
    });
    const t = w.uniform(p, { seed: 6 });
    expectConsistent(t);
    expect(t.shape).toEqual(plainShape);
    expectSameBits(t, await plainBits((x) => x.uniform(plainShape, { seed: 6 })));
  });

  it('a Proxy that reports a different length gets the shape it reported, consistently (size = product = data length)', async () => {
    const w = await load({ seed: 99 });
    const p = new Proxy([3, 4], {
      getOwnPropertyDescriptor: (t, k) => (k === 'length' ? { value: 1, writable: true, enumerable: false, configurable: false } : Reflect.getOwnPropertyDescriptor(t, k)),
    });
    const t = w.normal(p, { seed: 7 });
    expectConsistent(t);
    expect(t.shape).toEqual([3]);
    expectSameBits(t, await plainBits((x) => x.normal([3], { seed: 7 })));
  });

  it('a Proxy that reports a huge length, an accessor, or a missing index is rejected cleanly', async () => {
    const [w, twin] = await pair();
    const len = new Proxy([3, 4], {
      getOwnPropertyDescriptor: (t, k) => (k === 'length' ? { value: 2 ** 32 - 1, writable: true, enumerable: false, configurable: false } : Reflect.getOwnPropertyDescriptor(t, k)),
    });
    expectRejected(w, () => w.normal(len), RangeError, 'normal', /at most 64/);
    let calls = 0;
    const acc = new Proxy([3, 4], {
      getOwnPropertyDescriptor: (t, k) =>
        k === '1'
          ? {
              get: () => {
                calls++;
                return 4;
              },
              enumerable: true,
              configurable: true,
            }
          : Reflect.getOwnPropertyDescriptor(t, k),
    });
    expectRejected(w, () => w.normal(acc), TypeError, 'normal', /shape\[1\] is a getter/);
    expect(calls).toBe(0);
    const gone = new Proxy([3, 4], { getOwnPropertyDescriptor: (t, k) => (k === '0' ? undefined : Reflect.getOwnPropertyDescriptor(t, k)) });
    expectRejected(w, () => w.normal(gone), TypeError, 'normal', /shape\[0\] is a hole/);
    expectTwinInStep(w, twin);
  });

  it('a Proxy trap that throws: the error propagates and the instance is untouched', async () => {
    const [w, twin] = await pair();
    const boom = new Error('trap says no');
    const p = new Proxy([3, 4], {
      getOwnPropertyDescriptor() {
        throw boom;
      },
    });
    const before = snapshot(w);
    expect(() => w.normal(p)).toThrow(boom);
    const o = new Proxy(
      { std: 2 },
      {
        ownKeys() {
          throw boom;
        },
      },
    );
    expect(() => w.normal([3], o)).toThrow(boom);
    expect(snapshot(w)).toEqual(before);
    expectTwinInStep(w, twin);
  });

  it('a revoked Proxy as shape, options, or option value is a TypeError prefixed weightinit.<fn>:', async () => {
    const [w, twin] = await pair();
    const revoked = (target: object): object => {
      const r = Proxy.revocable(target, {});
      r.revoke();
      return r.proxy;
    };
    expectRejected(w, () => w.normal(revoked([3, 4]) as never), TypeError, 'normal', /shape/);
    expectRejected(w, () => w.normal([3], revoked({}) as never), TypeError, 'normal', /options/);
    expectRejected(w, () => w.normal([3], { range: revoked([0, 1]) } as never), TypeError, 'normal', /range/);
    expectRejected(w, () => w.normal([3], { out: revoked(new Float32Array(3)) } as never), TypeError, 'normal', /out/);
    expect(() => computeFans(revoked([3, 4]) as never)).toThrow(/^weightinit\.computeFans: /);
    expectTwinInStep(w, twin);
  });

  it('a Proxy trap that calls back into the instance (re-entrancy) leaves it consistent', async () => {
    const [w, twin] = await pair();
    let inner: Uint8Array | undefined;
    const p = new Proxy([3, 4], {
      getOwnPropertyDescriptor(t, k) {
        if (k === '0' && inner === undefined) {
          const x = w.normal([2]);
          inner = bytesOf(x);
          x.free();
        }
        return Reflect.getOwnPropertyDescriptor(t, k);
      },
    });
    const outer = w.normal(p);
    const a = twin.normal([2]);
    const b = twin.normal([3, 4]);
    expectSameBits(inner!, a, 'the call made inside the trap');
    expectSameBits(outer, b, 'the outer call');
    expectTwinInStep(w, twin);
  });

  it('own forEach/slice/map/at/Symbol.iterator, non-writable length, frozen, sealed arrays: result = the plain shape', async () => {
    const expected = await plainBits((x) => x.normal(plainShape, { seed: 8 }));
    const variants: [string, unknown[]][] = [];
    const tricks: unknown[] = [3, 4];
    for (const k of ['forEach', 'slice', 'map', 'at', 'filter', 'reduce', 'every', 'values', 'keys', 'entries']) {
      Object.defineProperty(tricks, k, { value: () => [1000, 1000], enumerable: false });
    }
    Object.defineProperty(tricks, Symbol.iterator, { value: function* () { yield 1000; } });
    variants.push(['own method tricks', tricks]);
    const nonWritable = [3, 4];
    Object.defineProperty(nonWritable, 'length', { writable: false });
    variants.push(['non-writable length', nonWritable]);
    variants.push(['frozen', Object.freeze([3, 4]) as unknown[]]);
    variants.push(['sealed', Object.seal([3, 4])]);
    for (const [label, s] of variants) {
      const w = await load({ seed: 99 });
      const t = w.normal(s as number[], { seed: 8 });
      expectConsistent(t);
      expect(t.shape, label).toEqual(plainShape);
      expectSameBits(t, expected, label);
    }
  });

  it('Array subclasses: overridden methods are ignored; an inherited index getter is a hole', async () => {
    const expected = await plainBits((x) => x.glorotUniform(plainShape, { seed: 9 }));
    class Lying extends Array<number> {
      override forEach(): void {
        throw new Error('forEach called');
      }
      override slice(): number[] {
        throw new Error('slice called');
      }
      override map<U>(): U[] {
        throw new Error('map called');
      }
    }
    // a length accessor on the prototype (shadowed by every array's own length) and a lying iterator
    Object.defineProperty(Lying.prototype, 'length', { get: () => 40, configurable: true });
    Object.defineProperty(Lying.prototype, Symbol.iterator, { value: function* () { yield 1000; } });
    const s = Lying.of(3, 4);
    const w = await load({ seed: 99 });
    const t = w.glorotUniform(s, { seed: 9 });
    expectConsistent(t);
    expect(t.shape).toEqual(plainShape);
    expectSameBits(t, expected);

    class Inherits extends Array<number> {}
    let calls = 0;
    Object.defineProperty(Inherits.prototype, '1', {
      get() {
        calls++;
        return 4;
      },
      configurable: true,
    });
    const h = new Inherits(2);
    h[0] = 3;
    const [w2, twin] = await pair();
    expectRejected(w2, () => w2.normal(h), TypeError, 'normal', /shape\[1\] is a hole/);
    expect(calls).toBe(0);
    expectTwinInStep(w2, twin);
  });

  it('cross-realm arrays: shapes and array options of another realm work like this realm\'s', async () => {
    const w = await load({ seed: 99 });
    const t = w.normal(vm.runInNewContext('[4, 4]') as number[], { seed: 10 });
    expectConsistent(t);
    expect(t.shape).toEqual([4, 4]);
    expectSameBits(t, await plainBits((x) => x.normal([4, 4], { seed: 10 })));
    const r = w.normal([16], { seed: 10, range: vm.runInNewContext('[3, 9]') as [number, number] });
    expectSameBits(r, await plainBits((x) => x.normal([16], { seed: 10, range: [3, 9] })));
    expect(computeFans(vm.runInNewContext('[3, 4, 5]') as number[], { inAxis: vm.runInNewContext('[1]') as number[] })).toEqual(computeFans([3, 4, 5], { inAxis: [1] }));
    const [w2, twin] = await pair();
    expectRejected(w2, () => w2.normal(vm.runInNewContext('[4, , 4]') as number[]), TypeError, 'normal', /shape\[1\] is a hole/);
    expectTwinInStep(w2, twin);
  });
});

describe('3. options of every wrong kind', () => {
  it('non-plain objects are TypeErrors naming what was given', async () => {
    const [w, twin] = await pair();
    class Opts {
      std = 2;
    }
    const cases: [string, unknown][] = [
      ['Object.create({ stddev: 100 })', Object.create({ stddev: 100 })],
      ['Object.create({ std: 100 })', Object.create({ std: 100 })],
      ['a Map', new Map([['std', 2]])],
      ['a Date', new Date(0)],
      ['a class instance', new Opts()],
      ['an array', [2]],
      ['a function', () => 2],
      ['a boxed number', Object(2)],
      ['an Error', new Error('x')],
      ['a typed array', new Float32Array(2)],
      ['a string', 'std'],
      ['a number', 5],
      ['true', true],
      ['null', null],
    ];
    for (const [label, o] of cases) {
      const err = expectRejected(w, () => w.normal([3], o as never), TypeError, 'normal', /options must be a plain object/);
      expect(err.message, label).toMatch(/got /);
    }
    expectTwinInStep(w, twin);
  });

  it('an object whose prototype is some other null-prototype object (inherited std) is rejected like Object.create({ std })', async () => {
    const [w, twin] = await pair();
    const base = Object.create(null) as Record<string, unknown>;
    base.std = 100;
    expectRejected(w, () => w.normal([3], Object.create(base) as never), TypeError, 'normal', /options must be a plain object/);
    expectTwinInStep(w, twin);
  });

  it('symbol keys, non-enumerable keys and getters are TypeErrors; getters never run', async () => {
    const [w, twin] = await pair();
    expectRejected(w, () => w.normal([3], { [Symbol('std')]: 2 } as never), TypeError, 'normal', /symbol key/);
    expectRejected(w, () => w.normal([3], Object.defineProperty({}, 'std', { value: 2, enumerable: false })), TypeError, 'normal', /"std" is not enumerable/);
    let reads = 0;
    const g = {
      get std() {
        return reads++ === 0 ? 1 : -1;
      },
    };
    expectRejected(w, () => w.normal([3], g), TypeError, 'normal', /"std" is a getter/);
    const setterOnly = Object.defineProperty({}, 'seed', { set() {}, enumerable: true });
    expectRejected(w, () => w.normal([3], setterOnly), TypeError, 'normal', /"seed" is a getter/);
    expect(reads).toBe(0);
    expectTwinInStep(w, twin);
  });

  it('accepted: null-prototype, frozen, cross-realm plain and cross-realm null-prototype objects, and a Proxy over a plain object — same bits as the literal', async () => {
    const expected = await plainBits((x) => x.normal([64], { std: 2, mean: 1, seed: 3 }));
    const np = Object.create(null) as Record<string, unknown>;
    Object.assign(np, { std: 2, mean: 1, seed: 3 });
    let trapReads = 0;
    const proxied = new Proxy(
      { std: 2, mean: 1, seed: 3 },
      {
        getOwnPropertyDescriptor(t, k) {
          trapReads++;
          return Reflect.getOwnPropertyDescriptor(t, k);
        },
      },
    );
    const variants: [string, unknown][] = [
      ['null prototype', np],
      ['frozen', Object.freeze({ std: 2, mean: 1, seed: 3 })],
      ['cross-realm plain', vm.runInNewContext('({ std: 2, mean: 1, seed: 3 })')],
      ['cross-realm null prototype', vm.runInNewContext('Object.assign(Object.create(null), { std: 2, mean: 1, seed: 3 })')],
      ['Proxy over a plain object', proxied],
      ['undefined-valued extra key counts as absent', { std: 2, mean: 1, seed: 3, range: undefined }],
    ];
    for (const [label, o] of variants) {
      const w = await load({ seed: 99 });
      expectSameBits(w.normal([64], o as never), expected, label);
    }
    expect(trapReads, 'each key of the Proxy read once').toBe(3);
  });

  it('a Proxy whose descriptor changes between reads is read once', async () => {
    let n = 0;
    const o = new Proxy(
      { std: 2, seed: 3 },
      {
        getOwnPropertyDescriptor(t, k) {
          if (k === 'std') return { value: n++ === 0 ? 2 : -1, writable: true, enumerable: true, configurable: true };
          return Reflect.getOwnPropertyDescriptor(t, k);
        },
      },
    );
    const w = await load({ seed: 99 });
    expectSameBits(w.normal([64], o), await plainBits((x) => x.normal([64], { std: 2, seed: 3 })));
    expect(n).toBe(1);
  });

  it('null for every option of every method is a TypeError naming null, never "the default"', async () => {
    const [w, twin] = await pair();
    const problems: string[] = [];
    let count = 0;
    const check = (label: string, fn: string, f: () => unknown, re: RegExp = /null/): void => {
      count++;
      const { problem } = rejectionProblem(w, f, TypeError, fn, re);
      if (problem !== undefined) problems.push(`${label}: ${problem}`);
    };
    for (const m of SHAPED) {
      for (const opt of allowedOptions((o) => callShaped(w, m, m.shape, o))) {
        check(`${m.name}(${JSON.stringify(m.shape)}, { ${opt}: null })`, m.name, () => callShaped(w, m, m.shape, { [opt]: null }));
      }
      check(`${m.name}(shape, null)`, m.name, () => api(w)[m.name]!(m.shape, null), /options must be a plain object.*got null/);
    }
    for (const opt of allowedOptions((o) => w.uint32(4, o))) check(`uint32(4, { ${opt}: null })`, 'uint32', () => w.uint32(4, { [opt]: null } as never));
    for (const opt of allowedOptions((o) => w.parameter(4, 3, 'he', o as never))) {
      check(`parameter(4, 3, 'he', { ${opt}: null })`, 'parameter', () => w.parameter(4, 3, 'he', { [opt]: null } as never));
    }
    check('parameter(4, 3, null)', 'parameter', () => w.parameter(4, 3, null as never), /method.*null/);
    check("parameter(null, 3, 'he')", 'parameter', () => w.parameter(null as never, 3, 'he'), /inputSize.*null/);
    check('uint32(null)', 'uint32', () => w.uint32(null as never), /count.*null/);
    expect(problems).toEqual([]);
    expect(count).toBeGreaterThan(150);
    for (const opt of allowedOptions((o) => computeFans([3, 4], o as never))) {
      expect(() => computeFans([3, 4], { [opt]: null } as never)).toThrow(TypeError);
      expect(() => computeFans([3, 4], { [opt]: null } as never)).toThrow(/^weightinit\.computeFans: .*null/);
    }
    expect(() => calculateGain('leaky_relu', null as never)).toThrow(/^weightinit\.calculateGain: .*null/);
    expect(() => w.keyOf(null as never)).toThrow(/^weightinit\.keyOf: .*null/);
    for (const opt of ['seed', 'layout', 'module']) {
      await expect(load({ [opt]: null } as never)).rejects.toThrow(TypeError);
      await expect(load({ [opt]: null } as never)).rejects.toThrow(/^weightinit\.load: .*null/);
    }
    for (const opt of ['seed', 'layout']) expect(() => loadSync(new Uint8Array(0), { [opt]: null } as never)).toThrow(/^weightinit\.loadSync: .*null/);
    expectTwinInStep(w, twin);
  });

  it('fillers that draw nothing (constant, zeros, ones, eye, dirac) still reject a bad seed or name', async () => {
    const [w, twin] = await pair();
    const problems: string[] = [];
    const bad: [string, Record<string, unknown>, typeof RangeError | typeof TypeError][] = [
      ['seed: null', { seed: null }, TypeError],
      ['seed: -1', { seed: -1 }, RangeError],
      ['seed: 1.5', { seed: 1.5 }, RangeError],
      ['seed: "7"', { seed: '7' }, TypeError],
      ['seed: 2n ** 64n', { seed: 2n ** 64n }, RangeError],
      ['name: ""', { name: '' }, RangeError],
      ['name: "\\uD800"', { name: '\uD800' }, RangeError],
      ['name: 5', { name: 5 }, TypeError],
      ['seed and name', { seed: 1, name: 'x' }, TypeError],
    ];
    for (const m of SHAPED.filter((x) => ['constant', 'zeros', 'ones', 'eye', 'dirac'].includes(x.name))) {
      for (const [label, o, type] of bad) {
        const { problem } = rejectionProblem(w, () => callShaped(w, m, m.shape, o), type, m.name);
        if (problem !== undefined) problems.push(`${m.name}(${JSON.stringify(m.shape)}, { ${label} }): ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expectTwinInStep(w, twin);
  });
});

/** A fixed set of calls over the whole API; each entry is a fingerprint of what came back. */
function battery(w: WeightInit): string[] {
  const res: string[] = [];
  const run = (label: string, f: () => unknown): void => {
    try {
      const v = f();
      if (typeof v === 'number' || typeof v === 'bigint') res.push(`${label}: ${String(v)}`);
      else if (v !== null && typeof v === 'object' && 'fanIn' in v) res.push(`${label}: ${JSON.stringify(v)}`);
      else {
        const t = v instanceof Tensor ? `${v.dtype} [${String(v.shape)}] ${v.size}` : Object.prototype.toString.call(v);
        res.push(`${label}: ${t} ${digest(bytesOf(v))}`);
      }
    } catch (e) {
      res.push(`${label}: threw ${(e as Error).name}: ${(e as Error).message}`);
    }
  };
  run('normal()', () => w.normal([7, 5]));
  run('normal({})', () => w.normal([7, 5], {}));
  run('uniform([100])', () => w.uniform([100]));
  run('uniform({ low, high })', () => w.uniform([100], { low: -1, high: 1 }));
  run('truncatedNormal', () => w.truncatedNormal([50], { a: -1, b: 1 }));
  run('truncatedNormal()', () => w.truncatedNormal([50]));
  run('varianceScaling', () => w.varianceScaling([6, 4]));
  run('glorotNormal', () => w.glorotNormal([6, 4]));
  run('glorotUniform tf', () => w.glorotUniform([6, 4], { layout: 'tf' }));
  run('heUniform', () => w.heUniform([6, 4, 3]));
  run('kaimingNormal', () => w.kaimingNormal([6, 4], { a: 0.2 }));
  run('lecunNormal truncated', () => w.lecunNormal([6, 4], { distribution: 'truncatedNormal' }));
  run('sparse', () => w.sparse([6, 4], { sparsity: 0.5 }));
  run('orthogonal', () => w.orthogonal([4, 6]));
  run('deltaOrthogonal', () => w.deltaOrthogonal([6, 4, 3, 3]));
  run('eye', () => w.eye([3, 4]));
  run('dirac', () => w.dirac([4, 4, 3]));
  run('constant', () => w.constant([5], { value: 2 }));
  run('constant()', () => w.constant([5]));
  run('zeros', () => w.zeros([5]));
  run('ones', () => w.ones([5]));
  run('parameter', () => w.parameter(4, 6, 'he'));
  run('parameter xavier', () => w.parameter(4, 6, 'xavier'));
  run('Parameter', () => new Parameter(w, 3, 4).heLeaky());
  run('uint32', () => w.uint32(10));
  run('normal bfloat16', () => w.normal([300], { dtype: 'bfloat16' }));
  run('normal float64', () => w.normal([30], { dtype: 'float64' }));
  run('normal out', () => w.normal([10], { out: new Float32Array(10) }));
  run('normal range', () => w.normal([10], { range: [2, 5] }));
  run('normal named', () => w.normal([10], { name: 'fc1.weight' }));
  run('normal seeded', () => w.normal([10], { seed: 3 }));
  run('computeFans', () => computeFans([4, 3, 2]));
  run('computeFans tf', () => computeFans([4, 3, 2], { layout: 'tf' }));
  run('calculateGain', () => calculateGain('leaky_relu'));
  run('keyOf', () => w.keyOf('x'));
  run('normal after all', () => w.normal([9]));
  return res;
}

const POLLUTION: [string, unknown][] = [
  // public option names
  ['seed', 5], ['name', 'polluted'], ['out', new Float32Array(35)], ['range', [0, 1]], ['dtype', 'float64'],
  ['mean', 100], ['std', 1000], ['low', 5], ['high', 6], ['a', 0.5], ['b', 0.6], ['value', 9], ['gain', 3],
  ['layout', 'tf'], ['inAxis', 0], ['outAxis', 1], ['batchAxis', 2], ['scale', 100], ['mode', 'fanOut'],
  ['distribution', 'uniform'], ['sparsity', 0.9], ['groups', 2], ['alpha', 0.5], ['nonlinearity', 'tanh'],
  ['module', 'x'], ['method', 'uniform'], ['stddev', 100],
  // words a library might read off its own object literals
  ['type', 'module'], ['draws', false], ['whole', true], ['convert', () => {}], ['info', { name: 'x', bytes: 0, outKinds: [] }],
  ['fromSequence', false], ['key', { lo: 1, hi: 2 }], ['bound', 5], ['lo', 1], ['hi', 2], ['exposed', true],
  ['kernel', () => {}], ['shape', [1]], ['opts', {}], ['fn', 'x'], ['size', 1], ['start', 3], ['end', 4],
  ['count', 1], ['bytes', 0], ['ptr', 0], ['array', Float64Array], ['outKinds', ['Int8Array']],
];

describe('3b. Object.prototype pollution changes nothing', () => {
  for (const [key, value] of POLLUTION) {
    it(`Object.prototype.${key} = ${typeof value === 'function' ? 'a function' : ArrayBuffer.isView(value) ? 'a Float32Array' : JSON.stringify(value)}: every call gives the unpolluted bits`, async () => {
      const [w, twin] = await pair();
      const expected = battery(twin);
      const actual = polluted(key, value, () => battery(w));
      expect(actual).toEqual(expected);
    });
  }

  it('no inherited property is ever read: a throwing getter on Object.prototype for each name above breaks no call', async () => {
    const broken: string[] = [];
    for (const [key] of POLLUTION) {
      const [w, twin] = await pair();
      const expected = battery(twin);
      const actual = polluted(key, undefined, () => battery(w), true);
      const bad = actual.filter((line, i) => line !== expected[i]);
      if (bad.length > 0) broken.push(`Object.prototype.${key} (throwing getter) changes ${bad.length} of ${actual.length} calls, e.g. ${bad[0]}`);
    }
    expect(broken).toEqual([]);
  });

  it('Object.prototype.seed = 5 does not make await load() reproducible; Object.prototype.layout / module are ignored', async () => {
    const proto = Object.prototype as Record<string, unknown>;
    let a: WeightInit, b: WeightInit, c: WeightInit;
    try {
      proto.seed = 5;
      proto.layout = 'tf';
      a = await load();
      b = await load({});
      c = loadSync(Uint8Array.from(atob(WASM_BASE64), (ch) => ch.charCodeAt(0)));
    } finally {
      delete proto.seed;
      delete proto.layout;
    }
    expect(a.rootSeed).not.toBe(b.rootSeed);
    expect(a.rootSeed).not.toBe(5n);
    expect(c.rootSeed).not.toBe(5n);
    expect([a.layout, b.layout, c.layout]).toEqual(['torch', 'torch', 'torch']);
  });

  it('Object.prototype.range = [0, 1] does not change uniform([100])\'s size', async () => {
    const w = await load({ seed: 1 });
    const t = polluted('range', [0, 1], () => w.uniform([100]));
    expect(t.size).toBe(100);
    expect(t.shape).toEqual([100]);
    expect(t.data.length).toBe(100);
  });
});

describe('7. unbound methods', () => {
  it('every method works destructured, with the bits of the bound call', async () => {
    const [w, twin] = await pair();
    for (const m of SHAPED) {
      const f = api(w)[m.name]!;
      const a = f(m.shape, { ...m.opts, ...(m.name === 'constant' || m.name === 'zeros' || m.name === 'ones' || m.name === 'eye' || m.name === 'dirac' ? {} : { seed: 1 }) });
      const b = callShaped(twin, m, m.shape, m.name === 'constant' || m.name === 'zeros' || m.name === 'ones' || m.name === 'eye' || m.name === 'dirac' ? {} : { seed: 1 });
      expectSameBits(a, b, m.name);
    }
    const { normal, uint32, parameter, keyOf, scope, uniform } = w;
    expectSameBits(normal([3], { seed: 1 }), twin.normal([3], { seed: 1 }), 'normal');
    expectSameBits(uint32(5, { seed: 1 }), twin.uint32(5, { seed: 1 }), 'uint32');
    expectSameBits(parameter(3, 4, 'he', { seed: 1 }), twin.parameter(3, 4, 'he', { seed: 1 }), 'parameter');
    expect(keyOf('fc1.weight')).toBe(twin.keyOf('fc1.weight'));
    const live = engineOf(w).heap.liveCount;
    const kept = scope(() => {
      uniform([10]);
      return normal([4]);
    });
    expect(engineOf(w).heap.liveCount).toBe(live + 1);
    kept.free();
    // unseeded unbound calls advance the same sequence as bound ones
    expectSameBits(normal([5]), (twin.uniform([10]), twin.normal([4]), twin.normal([5])), 'unseeded unbound');
    const { normal: n2 } = w;
    expect(() => n2.call(undefined, [3], { seed: 1 })).not.toThrow();
    expect(() => n2.call({}, [3], { seed: 1 })).not.toThrow();
  });
});

describe('10. named keys', () => {
  it('{ name } gives the same bits whatever happened before, on any instance with that root', async () => {
    const fresh = await load({ seed: 7 });
    const expected = bytesOf(fresh.normal([64], { name: 'fc1.weight' }));
    const busy = await load({ seed: 7 });
    busy.normal([100]);
    busy.uniform([5], { name: 'fc2.weight' });
    busy.orthogonal([8, 8]);
    expect(() => busy.normal([3, -1])).toThrow(RangeError);
    busy.sparse([6, 5], { sparsity: 0.3 });
    expectSameBits(busy.normal([64], { name: 'fc1.weight' }), expected, 'after other calls');
    expectSameBits(busy.normal([64], { name: 'fc1.weight' }), expected, 'asked twice');
    expectSameBits(busy.normal([64], { seed: busy.keyOf('fc1.weight') }), expected, 'seed: keyOf(name)');
    const other = await load({ seed: 8 });
    expect(digest(bytesOf(other.normal([64], { name: 'fc1.weight' })))).not.toBe(digest(expected));
  });

  it('a named call takes no key from the sequence', async () => {
    const [w, twin] = await pair();
    w.normal([10], { name: 'a' });
    w.uniform([10], { name: 'b' });
    expectTwinInStep(w, twin);
  });

  it('seed and name together, lone surrogates, empty or non-string names are rejected cleanly (fillers and keyOf)', async () => {
    const [w, twin] = await pair();
    expectRejected(w, () => w.normal([3], { seed: 1, name: 'fc1.weight' }), TypeError, 'normal', /seed.*name.*not both/);
    expectRejected(w, () => w.uint32(3, { seed: 0, name: 'x' }), TypeError, 'uint32', /not both/);
    expectRejected(w, () => w.parameter(3, 3, 'he', { seed: 0, name: 'x' }), TypeError, 'parameter', /not both/);
    for (const bad of ['\uD800', 'a\uD800', '\uDC00b', 'x\uDC00\uD800y', 'end\uDBFF']) {
      expectRejected(w, () => w.normal([3], { name: bad }), RangeError, 'normal', /lone UTF-16 surrogate/);
      expect(() => w.keyOf(bad)).toThrow(RangeError);
      expect(() => w.keyOf(bad)).toThrow(/^weightinit\.keyOf: .*lone UTF-16 surrogate/);
    }
    expectRejected(w, () => w.normal([3], { name: '' }), RangeError, 'normal', /non-empty/);
    expect(() => w.keyOf('')).toThrow(RangeError);
    for (const bad of [Object('fc1'), 5, ['fc1'], Symbol('fc1')]) {
      expectRejected(w, () => w.normal([3], { name: bad as never }), TypeError, 'normal', /name must be a non-empty string/);
      expect(() => w.keyOf(bad as never)).toThrow(TypeError);
    }
    // a well-formed pair is fine
    expect(() => w.normal([3], { name: 'emoji \uD83D\uDE00' }).free()).not.toThrow();
    expectTwinInStep(w, twin);
  });
});

describe('scope() with a hostile return value', () => {
  const hostileResults: [string, () => unknown][] = [
    ['an object whose then getter throws', () => ({
      get then(): never {
        throw new Error('then getter');
      },
    })],
    ['an object whose value getter throws', () => ({
      get a(): never {
        throw new Error('value getter');
      },
    })],
    ['a revoked Proxy', () => {
      const r = Proxy.revocable({}, {});
      r.revoke();
      return r.proxy;
    }],
  ];
  for (const [label, ret] of hostileResults) {
    it(`fn returns ${label}: scope still frees what fn made (no leak)`, async () => {
      const w = await load({ seed: 1 });
      const live = engineOf(w).heap.liveCount;
      expect(() =>
        w.scope(() => {
          w.normal([10]);
          w.ones([5]);
          return ret();
        }),
      ).toThrow();
      expect(engineOf(w).heap.liveCount, 'tensors made inside the scope are freed').toBe(live);
    });
  }
});

describe('Parameter (the tutorial class) with bad option values', () => {
  it('the constructor rejects bad option values itself (weightinit.Parameter: ...), not only unknown names', async () => {
    const w = await load({ seed: 1 });
    const problems: string[] = [];
    const cases: [string, Record<string, unknown>, typeof RangeError | typeof TypeError][] = [
      ['{ seed: -1 }', { seed: -1 }, RangeError],
      ['{ gain: "x" }', { gain: 'x' }, TypeError],
      ['{ dtype: "int8" }', { dtype: 'int8' }, RangeError],
      ['{ seed: 1, name: "x" }', { seed: 1, name: 'x' }, TypeError],
      ['{ alpha: null }', { alpha: null }, TypeError],
      ['{ name: "" }', { name: '' }, RangeError],
    ];
    for (const [label, o, type] of cases) {
      let threw: unknown;
      try {
        new Parameter(w, 3, 4, o as never);
      } catch (e) {
        threw = e;
      }
      if (threw === undefined) problems.push(`new Parameter(wi, 3, 4, ${label}): accepted (the error only comes later, from weightinit.parameter)`);
      else if (!(threw instanceof type) || !(threw as Error).message.startsWith('weightinit.Parameter: ')) problems.push(`new Parameter(wi, 3, 4, ${label}): threw ${String(threw)}`);
    }
    expect(problems).toEqual([]);
    expect(() => new Parameter(w, 3, 4, { stddev: 1 } as never)).toThrow(/^weightinit\.Parameter: unknown option "stddev"/);
    expect(() => new Parameter({} as never, 3, 4)).toThrow(/^weightinit\.Parameter: the first argument must be a loaded instance/);
  });
});
