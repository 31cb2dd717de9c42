// Exhaustive check of storeHalves (assembly/convert.ts), the generators' float16 / bfloat16
// output: every one of the 2^32 float32 bit patterns of its domain goes through storeHalves,
// with and without a clamp, and each result is compared with the scalar halfBits / bfloatBits
// of the same (clamped) value. Not part of `npm test`: each variant takes 15–30 s, the whole
// run about two minutes on one core.
//
//   node scripts/check-halves.mjs [--only f16|bf16]
//
// A harness (the source below) is compiled with asc from the repository's own
// assembly/convert.ts, in memory; nothing is written to the tree. storeHalves's domain: no
// NaN, and for float16 no value that rounds to infinity (|x| >= 65520) after the clamp; a
// pattern outside it is replaced by 0 (so its position still runs through the lanes). Each
// group of 4096 patterns is stored in two calls split at a varying point, so the SIMD loop
// and the scalar tail both see every position. Exit status 1 on any mismatch.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HARNESS = 'assembly/__check_halves.ts';

const harness = `
import { storeHalves, halfBits, bfloatBits, FORMAT_F16 } from './convert';
const SRC: usize = memory.data(4096 * 4, 64);
const DST: usize = memory.data(4096 * 2, 64);

/** Checks the float32 patterns [from, from + 2^20); returns the number of mismatches. */
export function run(format: i32, from: u32, lo: f32, hi: f32): i32 {
  const clamp = lo != -Infinity || hi != Infinity;
  let bad = 0;
  for (let base: u32 = 0; base < (1 << 20); base += 4096) {
    for (let j: u32 = 0; j < 4096; j++) {
      let x = reinterpret<f32>(from + base + j);
      if (isNaN(x)) x = 0;
      let c = x;
      if (clamp) { c = hi < c ? hi : c; c = c < lo ? lo : c; }
      if (format == FORMAT_F16 && abs(c) >= 65520) x = 0;
      store<f32>(SRC + (<usize>j << 2), x);
    }
    const split = 4096 - <i32>((base >> 12) & 31); // 4065 ..= 4096: the scalar tail of the first call varies
    storeHalves(format, SRC, DST, split, lo, hi);
    storeHalves(format, SRC + (<usize>split << 2), DST + (<usize>split << 1), 4096 - split, lo, hi);
    for (let j = 0; j < 4096; j++) {
      let x = load<f32>(SRC + (<usize>j << 2));
      if (clamp) { x = hi < x ? hi : x; x = x < lo ? lo : x; }
      const want = format == FORMAT_F16 ? halfBits(reinterpret<u32>(x)) : bfloatBits(reinterpret<u32>(x));
      if (<u32>load<u16>(DST + (<usize>j << 1)) != want) bad++;
    }
  }
  return bad;
}
`;

async function compile() {
  let binary;
  const out = [];
  const { error } = await asc.main(
    [HARNESS, '--enable', 'simd', '--runtime', 'stub', '-O3', '--noAssert', '--outFile', 'harness.wasm'],
    {
      readFile(name, baseDir) {
        const path = join(baseDir, name);
        if (resolve(path) === join(root, HARNESS)) return harness;
        try {
          return readFileSync(path, 'utf8');
        } catch {
          return null;
        }
      },
      writeFile(name, contents) {
        if (name.endsWith('.wasm')) binary = contents;
      },
      listFiles() {
        return [];
      },
      stdout: { write: (s) => void out.push(String(s)) },
      stderr: { write: (s) => void out.push(String(s)) },
    },
  );
  if (error || binary === undefined) throw new Error(`asc failed: ${error?.message ?? 'no binary'}\n${out.join('')}`);
  return binary;
}

process.chdir(root);
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const BF16_MAX = 3.3895313892515355e38;
const variants = [
  { name: 'f16', format: 1, lo: -Infinity, hi: Infinity },
  { name: 'f16', format: 1, lo: -65504, hi: 65504 },
  { name: 'f16', format: 1, lo: -0.5, hi: 0.001 },
  { name: 'bf16', format: 2, lo: -Infinity, hi: Infinity },
  { name: 'bf16', format: 2, lo: -BF16_MAX, hi: BF16_MAX },
  { name: 'bf16', format: 2, lo: -0.5, hi: 0.001 },
].filter((v) => only === undefined || v.name === only);

const { instance } = await WebAssembly.instantiate(await compile(), { env: { abort: () => { throw new Error('abort'); } } });
const run = instance.exports.run;
let failed = 0;
for (const v of variants) {
  const t0 = performance.now();
  let bad = 0;
  for (let top = 0; top < 4096; top++) bad += run(v.format, (top << 20) >>> 0, v.lo, v.hi);
  const clamp = v.lo === -Infinity && v.hi === Infinity ? 'no clamp' : `clamp [${v.lo}, ${v.hi}]`;
  console.log(`${v.name.padEnd(4)} ${clamp.padEnd(50)} 2^32 patterns, ${bad} mismatches, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  failed += bad;
}
if (failed > 0) {
  console.error(`storeHalves differs from halfBits / bfloatBits in ${failed} cases`);
  process.exitCode = 1;
}
