// How cheap can half output get? An experiment, not part of the library or of npm test: the
// variants in bench/halves-floor/exp.ts convert float32 to float16 / bfloat16 in the generator's
// registers and store the halves straight to the output, including a FLOOR that does no
// rounding at all (truncation: shift and narrow), which no exact method can beat. They are
// checked bit for bit against the library's kernels (re-exported in the same module) and timed
// against the float32 fill in the same process. docs/performance.md ("Output types") quotes the
// results, bench/results-halves-floor.md.
//
//   node bench/halves-floor/run.mjs check                         exact variants == the library, byte for byte
//   node bench/halves-floor/run.mjs time ROUNDS u|n [VARIANTS]    uniform(-1, 1) or normal(0, 1), 16M, markdown table
//
// The module is built from exp.ts with asc on first use (into build/halves-floor.wasm).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
const src = fileURLToPath(new URL('./exp.ts', import.meta.url));
const out = fileURLToPath(new URL('../../build/halves-floor.wasm', import.meta.url));
if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/assemblyscript/bin/asc.js', import.meta.url)), src, '-O3', '--converge', '--noAssert', '--enable', 'simd', '--runtime', 'stub', '--initialMemory', '2', '--maximumMemory', '65536', '-o', out], { stdio: 'inherit' });
}
const wasm = readFileSync(out);
const { instance } = await WebAssembly.instantiate(wasm, { env: { abort() { throw new Error('abort'); } } });
const x = instance.exports;
const mem = x.memory;
const N = 1 << 24;
const base = (x.heapBase() + 4095) & ~4095;
const need = base + 2 * N * 4 + 4 * 65536;
if (mem.buffer.byteLength < need) mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
const A = base, B = base + N * 4 + 65536;
const f32 = Math.fround;

// half patterns to numbers (for clamp bounds as the TS side computes them)
const F16 = 1, BF16 = 2;
const fv = new Float32Array(1), uv = new Uint32Array(fv.buffer);
function bfToF(h) { uv[0] = h << 16; return fv[0]; }
function hToF(h) { const s = h & 0x8000 ? -1 : 1; const e = (h >> 10) & 31, m = h & 1023; return s * (e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15)); }
// all finite non-negative half values sorted ascending (for bound search)
function halfValues(fmt) {
  const out = [];
  if (fmt === F16) for (let h = 0; h < 0x7c00; h++) out.push(hToF(h));
  else for (let h = 0; h < 0x7f80; h++) out.push(bfToF(h));
  return out;
}
const HV = { 1: halfValues(F16), 2: halfValues(BF16) };
function halfAtMost(fmt, v, open) { // largest half value <= v (or < v when open)
  let best = -Infinity;
  for (const a of HV[fmt]) for (const s of [a, -a]) if ((open ? s < v : s <= v) && s > best) best = s;
  return best;
}
function halfAtLeast(fmt, v) { let best = Infinity; for (const a of HV[fmt]) for (const s of [a, -a]) if (s >= v && s < best) best = s; return best; }

const cur = (kind) => kind === 'u' ? x.fillUniform : x.fillNormal;
const exp = (kind) => kind === 'u' ? x.xUniform : x.xNormal;
const fmtOf = (v) => v % 10 === 1 ? F16 : BF16;

function bytesEqual(p, q, n) {
  const a = new Uint8Array(mem.buffer, p, n), b = new Uint8Array(mem.buffer, q, n);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}

if (process.argv[2] === 'check') {
  let cases = 0, fails = 0;
  const uniParams = [[-1, 1], [0, 1], [-0.0625, 0.0625], [-1e-6, 1e-6], [-3e-5, 2e-5], [1, 2], [-1000, 3000], [-60000, 65000], [0.999, 1.001], [-2.5e38, 3e38], [5e-8, 6e-8], [-1e-30, 1e-30]];
  const normParams = [[0, 1, null], [0, 1, [-2, 2]], [0.5, 0.01, null], [0, 1e-5, null], [0, 1e-7, [-1e-7, 1e-7]], [0, 1000, [-60000, 60000]], [100, 5000, [-65504, 65504]], [0, 3e36, [-3e38, 3e38]], [0, 3e36, null], [-1, 0.25, [-1.5, -0.5]]];
  const ranges = [[0, 1 << 16], [1, 5000], [1000, 1030], [3, 1 << 15], [(1 << 20) - 7, 4096 + 13], [1e9, 3000], [2 ** 40 + 5, 2049]];
  const seeds = [[1, 0], [0xdeadbeef, 0x12345678], [7, 0xffffffff], [0, 0]];
  for (const [kind, params] of [['u', uniParams], ['n', normParams]]) {
    for (const v of [1, 2, 3, 6, 11, 12, 13, 16]) {
      const fmt = fmtOf(v);
      for (const pr of params) {
        let c0, c1, p0 = pr[0], p1 = pr[1];
        if (kind === 'u') {
          if (fmt === F16 && (Math.abs(p0) > 65504 || Math.abs(p1) > 65520)) continue;
          c0 = halfAtLeast(fmt, p0); c1 = halfAtMost(fmt, p1, true);
        } else {
          if (pr[2] === null) { if (fmt === F16 && p1 * 7 > 65504) continue; c0 = -Infinity; c1 = Infinity; }
          else { if (fmt === F16 && Math.max(Math.abs(pr[2][0]), Math.abs(pr[2][1])) > 65504) continue; c0 = halfAtLeast(fmt, pr[2][0]); c1 = halfAtMost(fmt, pr[2][1], false); }
        }
        for (const [s, n] of ranges) for (const [kl, kh] of seeds) {
          new Uint8Array(mem.buffer, A, n * 2 + 64).fill(0xa5);
          new Uint8Array(mem.buffer, B, n * 2 + 64).fill(0x5a);
          cur(kind)(A, s, n, kl, kh, p0, p1, fmt, c0, c1);
          exp(kind)(v, B, s, n, kl, kh, p0, p1, c0, c1);
          cases++;
          const d = bytesEqual(A, B, n * 2);
          const tail = new Uint8Array(mem.buffer, B + n * 2, 64).every((z) => z === 0x5a);
          if (d >= 0 || !tail) {
            fails++;
            if (fails < 20) console.log('MISMATCH', kind, 'v' + v, pr, [s, n], [kl, kh], 'at byte', d, 'tail ok', tail);
          }
        }
      }
    }
    // f32 variant of the exp module vs current f32
    for (const pr of params) for (const [s, n] of ranges.slice(0, 3)) {
      cur(kind)(A, s, n, 9, 9, pr[0], pr[1], 0, -Infinity, Infinity);
      exp(kind)(0, B, s, n, 9, 9, pr[0], pr[1], -Infinity, Infinity);
      cases++; if (bytesEqual(A, B, n * 4) >= 0) { fails++; console.log('MISMATCH f32', kind, pr, s, n); }
    }
  }
  // big: full 16M for the benchmark configurations
  for (const [kind, p0, p1] of [['u', -1, 1], ['n', 0, 1]]) for (const v of [1, 2, 3, 6, 11, 12, 13, 16]) {
    const fmt = fmtOf(v);
    const c0 = kind === 'u' ? halfAtLeast(fmt, -1) : -Infinity, c1 = kind === 'u' ? halfAtMost(fmt, 1, true) : Infinity;
    cur(kind)(A, 0, N, 11, 0, p0, p1, fmt, c0, c1);
    exp(kind)(v, B, 0, N, 11, 0, p0, p1, c0, c1);
    cases++; const d = bytesEqual(A, B, N * 2); if (d >= 0) { fails++; console.log('MISMATCH 16M', kind, v, d); }
  }
  console.log(`check: ${cases} cases, ${fails} mismatches`);
  process.exit(fails ? 1 : 0);
}

// ---- timing
const rounds = Number(process.argv[3] ?? 25);
const K = 3; // calls per member per round (median taken)
const which = process.argv[4] ?? 'u';
const names = ['f32', 'f16 exact (regs)', 'bf16 exact32 (regs)', 'bf16 exact16 avgr (regs)', 'bf16 FLOOR narrow (regs)', 'bf16 FLOOR shuffle (regs)', 'bf16 exact16 gt_u (regs)'];
const kind = which;
const p0 = kind === 'u' ? -1 : 0, p1 = 1;
const members = [
  { name: 'f32 (current fillX, format 0)', run: (s) => cur(kind)(A, 0, N, s, 0, p0, p1, 0, -Infinity, Infinity) },
  { name: 'f16 current (SCRATCH + storeHalves)', run: (s) => cur(kind)(A, 0, N, s, 0, p0, p1, F16, kind === 'u' ? halfAtLeast(F16, -1) : -Infinity, kind === 'u' ? halfAtMost(F16, 1, true) : Infinity) },
  { name: 'bf16 current (SCRATCH + storeHalves)', run: (s) => cur(kind)(A, 0, N, s, 0, p0, p1, BF16, kind === 'u' ? -1 : -Infinity, kind === 'u' ? halfAtMost(BF16, 1, true) : Infinity) },
];
const bnd = { 1: [kind === 'u' ? halfAtLeast(F16, -1) : -Infinity, kind === 'u' ? halfAtMost(F16, 1, true) : Infinity], 2: [kind === 'u' ? -1 : -Infinity, kind === 'u' ? halfAtMost(BF16, 1, true) : Infinity] };
const VL = (process.argv[5] ?? '0,1,2,3,6,4,5').split(',').map(Number);
for (const v of VL) {
  const [c0, c1] = bnd[fmtOf(v)];
  members.push({ name: 'x: ' + names[v % 10] + (v >= 10 ? ' [inline consts]' : ''), run: (s) => exp(kind)(v, A, 0, N, s, 0, p0, p1, v === 0 ? -Infinity : c0, v === 0 ? Infinity : c1) });
}
const med = (a) => { const b = [...a].sort((p, q) => p - q); const m = b.length >> 1; return b.length % 2 ? b[m] : (b[m - 1] + b[m]) / 2; };
const load0 = readFileSync('/proc/loadavg', 'utf8').trim();
let seed = 1;
for (let w = 0; w < 3; w++) for (const m of members) m.run(seed++);
const ms = members.map(() => []);
const ratio = members.map(() => []);
for (let r = 0; r < rounds; r++) {
  // rotate the order each round
  const order = members.map((_, i) => (i + r) % members.length);
  if (r % 2) order.reverse();
  const t = [];
  for (const i of order) {
    const ts = [];
    for (let k = 0; k < K; k++) { const t0 = performance.now(); members[i].run(seed++); ts.push(performance.now() - t0); }
    t[i] = med(ts);
  }
  for (let i = 0; i < members.length; i++) { ms[i].push(t[i]); ratio[i].push(t[i] / t[0]); }
}
const load1 = readFileSync('/proc/loadavg', 'utf8').trim();
const pct = (z) => `${z >= 1 ? '+' : '−'}${Math.abs(100 * (z - 1)).toFixed(1)}%`;
console.log(`${kind === 'u' ? 'uniform(-1, 1)' : 'normal(0, 1)'}, 16M elements, ${rounds} rounds x ${K} calls, rotating order; loadavg before: ${load0}; after: ${load1}`);
console.log('| variant | median ms | ms range | ratio vs f32 (median of per-round ratios) | ratio range | min ms / f32 min ms |');
console.log('|---|--:|--:|--:|--:|--:|');
for (let i = 0; i < members.length; i++) {
  console.log(`| ${members[i].name} | ${med(ms[i]).toFixed(2)} | ${Math.min(...ms[i]).toFixed(2)} … ${Math.max(...ms[i]).toFixed(2)} | ${pct(med(ratio[i]))} | ${pct(Math.min(...ratio[i]))} … ${pct(Math.max(...ratio[i]))} | ${pct(Math.min(...ms[i]) / Math.min(...ms[0]))} |`);
}
