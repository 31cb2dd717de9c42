// A fixed-seed fast-check property: a random sequence of valid and invalid calls on one
// instance, the same valid calls alone on a twin (same root seed). The valid calls must give
// bit-identical results on both, and the instances must end in the same state: invalid calls
// leave no trace (no key taken, nothing allocated or kept, no `out` written).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { load } from '../src/index.js';
import type { WeightInit } from '../src/weightinit.js';
import { bytesOf, digest, snapshot } from './helpers/hostile.js';

interface Cmd {
  readonly label: string;
  readonly valid: boolean;
  /** Runs the call; returns a fingerprint of its result (valid) or throws (invalid). */
  readonly run: (w: WeightInit) => string;
}

/** Fingerprint of a Tensor or typed array, freeing the tensor. */
function fp(v: unknown): string {
  const d = digest(bytesOf(v));
  (v as { free?: () => void }).free?.();
  return d;
}

const dim = fc.integer({ min: 0, max: 40 });
const shape2 = fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }));
const dtype = fc.constantFrom('float32', 'float64', 'float16', 'bfloat16');

const validCmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.tuple(dim, dim, fc.double({ min: 0, max: 5, noNaN: true })).map(([a, b, std]): Cmd => ({ label: `normal([${a}, ${b}], { std: ${std} })`, valid: true, run: (w) => fp(w.normal([a, b], { std })) })),
  fc.tuple(dim, dtype).map(([n, dt]): Cmd => ({ label: `uniform([${n}], { dtype: ${dt} })`, valid: true, run: (w) => fp(w.uniform([n], { dtype: dt })) })),
  fc.tuple(dim, fc.double({ min: -3, max: 3, noNaN: true })).map(([n, a]): Cmd => ({ label: `truncatedNormal([${n}], { a: ${a}, b: ${a + 1} })`, valid: true, run: (w) => fp(w.truncatedNormal([n], { a, b: a + 1 })) })),
  shape2.map(([r, c]): Cmd => ({ label: `glorotNormal([${r}, ${c}])`, valid: true, run: (w) => fp(w.glorotNormal([r, c])) })),
  shape2.map(([r, c]): Cmd => ({ label: `heUniform([${r}, ${c}], { layout: 'tf' })`, valid: true, run: (w) => fp(w.heUniform([r, c], { layout: 'tf' })) })),
  fc.tuple(shape2, fc.double({ min: 0, max: 1, noNaN: true })).map(([[r, c], sp]): Cmd => ({ label: `sparse([${r}, ${c}], { sparsity: ${sp} })`, valid: true, run: (w) => fp(w.sparse([r, c], { sparsity: sp })) })),
  shape2.map(([r, c]): Cmd => ({ label: `orthogonal([${r}, ${c}])`, valid: true, run: (w) => fp(w.orthogonal([r, c])) })),
  shape2.map(([r, c]): Cmd => ({ label: `eye([${r}, ${c}])`, valid: true, run: (w) => fp(w.eye([r, c])) })),
  dim.map((n): Cmd => ({ label: `zeros([${n}])`, valid: true, run: (w) => fp(w.zeros([n])) })),
  dim.map((n): Cmd => ({ label: `uint32(${n})`, valid: true, run: (w) => fp(w.uint32(n)) })),
  fc.tuple(dim, dim).map(([n, k]): Cmd => ({ label: `normal([${n + k}], { range: [${n}, ${n + k}] })`, valid: true, run: (w) => fp(w.normal([n + k], { range: [n, n + k] })) })),
  dim.map((n): Cmd => ({ label: `normal([${n}], { out })`, valid: true, run: (w) => fp(w.normal([n], { out: new Float32Array(n) })) })),
  fc.constantFrom('fc1.weight', 'fc1.bias', 'h.0.attn').map((name): Cmd => ({ label: `normal([8], { name: ${name} })`, valid: true, run: (w) => fp(w.normal([8], { name })) })),
  fc.nat(1000).map((seed): Cmd => ({ label: `uniform([8], { seed: ${seed} })`, valid: true, run: (w) => fp(w.uniform([8], { seed })) })),
  shape2.map(([r, c]): Cmd => ({ label: `parameter(${r}, ${c}, 'he')`, valid: true, run: (w) => fp(w.parameter(r, c, 'he')) })),
);

function revokedShape(): number[] {
  const r = Proxy.revocable([3, 4], {});
  r.revoke();
  return r.proxy;
}
function detached(n: number): Float32Array {
  const a = new Float32Array(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}
function getterShape(): number[] {
  const s = [0, 4];
  Object.defineProperty(s, 0, { get: () => 3, enumerable: true });
  return s;
}

/** Invalid calls; each must throw. Those with an `out` prefill it and check it is unchanged. */
const invalidCmds: Cmd[] = [
  // eslint-disable-next-line no-sparse-arrays
  { label: 'normal([3, , 4])', valid: false, run: (w) => fp(w.normal([3, , 4] as number[])) },
  { label: 'uniform(new Array(2))', valid: false, run: (w) => fp(w.uniform(new Array(2))) },
  { label: 'normal([3, -1])', valid: false, run: (w) => fp(w.normal([3, -1])) },
  { label: 'normal([3], { std: -1 })', valid: false, run: (w) => fp(w.normal([3], { std: -1 })) },
  { label: 'normal([3], { std: 1e38 })', valid: false, run: (w) => fp(w.normal([3], { std: 1e38 })) },
  { label: 'normal([3], { stddev: 1 })', valid: false, run: (w) => fp(w.normal([3], { stddev: 1 } as never)) },
  { label: 'normal([3], { std: null })', valid: false, run: (w) => fp(w.normal([3], { std: null } as never)) },
  { label: 'normal([3], { seed: 1, name: "x" })', valid: false, run: (w) => fp(w.normal([3], { seed: 1, name: 'x' })) },
  { label: 'normal([3], { name: "\\uD800" })', valid: false, run: (w) => fp(w.normal([3], { name: '\uD800' })) },
  { label: 'normal([3], new Map())', valid: false, run: (w) => fp(w.normal([3], new Map() as never)) },
  { label: 'normal([3], { dtype: "int8" })', valid: false, run: (w) => fp(w.normal([3], { dtype: 'int8' as never })) },
  { label: 'normal(getter shape)', valid: false, run: (w) => fp(w.normal(getterShape())) },
  { label: 'normal(revoked Proxy)', valid: false, run: (w) => fp(w.normal(revokedShape())) },
  { label: 'truncatedNormal([4], { a: 1, b: 1 })', valid: false, run: (w) => fp(w.truncatedNormal([4], { a: 1, b: 1 })) },
  { label: 'glorotUniform([3])', valid: false, run: (w) => fp(w.glorotUniform([3])) },
  { label: 'sparse([4, 4], { sparsity: 2 })', valid: false, run: (w) => fp(w.sparse([4, 4], { sparsity: 2 })) },
  { label: 'orthogonal([3], {})', valid: false, run: (w) => fp(w.orthogonal([3])) },
  { label: 'eye([3, 3], { gain: 1e39 })', valid: false, run: (w) => fp(w.eye([3, 3], { gain: 1e39 })) },
  { label: 'normal([2**26, 2**26]) (out of memory)', valid: false, run: (w) => fp(w.normal([2 ** 26, 2 ** 26])) },
  { label: 'orthogonal([1e5, 1e5], { range }) (out of memory inside the call)', valid: false, run: (w) => fp(w.orthogonal([1e5, 1e5], { range: [0, 10] })) },
  { label: 'sparse([1e6, 1e6], { range }) (mask out of memory)', valid: false, run: (w) => fp(w.sparse([1e6, 1e6], { sparsity: 0.5, range: [0, 10] })) },
  { label: 'parameter(3, 3, "HE")', valid: false, run: (w) => fp(w.parameter(3, 3, 'HE' as never)) },
  { label: 'uint32(-1)', valid: false, run: (w) => fp(w.uint32(-1)) },
  {
    label: 'normal([8], { out: Float64Array(8) }) (wrong kind)',
    valid: false,
    run: (w) => {
      const out = new Float64Array(8).fill(7);
      try {
        return fp(w.normal([8], { out: out as never }));
      } finally {
        if (!out.every((v) => v === 7)) throw new Error('invalid call wrote into out');
      }
    },
  },
  {
    label: 'sparse([1e6, 1e6], { range, out }) (mask out of memory, out prefilled)',
    valid: false,
    run: (w) => {
      const out = new Float32Array(10).fill(7);
      try {
        return fp(w.sparse([1e6, 1e6], { sparsity: 0.5, range: [0, 10], out }));
      } finally {
        if (!out.every((v) => v === 7)) throw new Error('invalid call wrote into out');
      }
    },
  },
  { label: 'normal([8], { out: detached })', valid: false, run: (w) => fp(w.normal([8], { out: detached(8) })) },
];
const invalidCmd = fc.constantFrom(...invalidCmds);

describe('9. invalid calls leave no trace', () => {
  it('random sequences of valid and invalid calls: valid results bit-identical to a twin that made only the valid calls', async () => {
    const problems: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ arbitrary: validCmd, weight: 3 }, { arbitrary: invalidCmd, weight: 2 }), { minLength: 1, maxLength: 24 }), async (cmds) => {
        const w = await load({ seed: 31337 });
        const twin = await load({ seed: 31337 });
        const a: string[] = [];
        const b: string[] = [];
        for (const c of cmds) {
          if (c.valid) {
            a.push(`${c.label} -> ${c.run(w)}`);
            b.push(`${c.label} -> ${c.run(twin)}`);
            continue;
          }
          let threw: unknown;
          try {
            c.run(w);
          } catch (e) {
            threw = e;
          }
          if (threw === undefined) problems.push(`${c.label}: did not throw`);
          else if (!(threw instanceof RangeError || threw instanceof TypeError)) problems.push(`${c.label}: threw ${String(threw)}`);
        }
        // one unseeded call after the sequence: the key sequences must still agree
        a.push(`final normal([16]) -> ${fp(w.normal([16]))}`);
        b.push(`final normal([16]) -> ${fp(twin.normal([16]))}`);
        const sa = snapshot(w);
        const sb = snapshot(twin);
        if (JSON.stringify(a) !== JSON.stringify(b)) {
          const i = a.findIndex((x, j) => x !== b[j]);
          problems.push(`results differ at call ${i}: ${a[i]} vs ${b[i]} (sequence: ${cmds.map((c) => c.label).join('; ')})`);
        }
        if (sa.live !== sb.live || sa.liveBytes !== sb.liveBytes) {
          problems.push(`heap differs: ${JSON.stringify(sa)} vs ${JSON.stringify(sb)} (sequence: ${cmds.map((c) => c.label).join('; ')})`);
        }
        return problems.length === 0;
      }),
      { seed: 42, numRuns: 120 },
    );
    expect(problems).toEqual([]);
  });
});
