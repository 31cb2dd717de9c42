// safetensors writer and reader. Expected bytes come from the format description (8-byte
// little-endian header length, JSON header padded with spaces to a multiple of 8, data in
// order) and from element-by-element DataView encoding in test/py/harness.ts; the Python
// reader in test/py/read_safetensors.py checks the files independently.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { arraySource, halfBits, setFlushEvery, type TensorSource, type WriteDType, type WriteProgress } from '../src/io/common.js';
import { iterateTensors, readSafetensorsHeader, readTensor, writeSafetensors, type SafetensorsArray } from '../src/io/safetensors.js';
import {
  elementBytes,
  elementCount,
  expectedBytes,
  expectedStats,
  listDir,
  runPython,
  sha256,
  tempDir,
  testSource,
  type TestSourceLog,
} from './py/harness.js';

/** Numbers of a float or small-int array read back (never a BigInt array here). */
const nums = (a: SafetensorsArray): number[] => Array.from(a as ArrayLike<number>);

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

interface Case {
  name: string;
  shape: number[];
  dtype: WriteDType;
  seed: number;
}

const CASES: Case[] = [
  { name: 'fc1.weight', shape: [37, 29], dtype: 'F32', seed: 1 },
  { name: 'fc1.bias', shape: [37], dtype: 'F64', seed: 2 },
  { name: 'half', shape: [3, 5, 7], dtype: 'F16', seed: 3 },
  { name: 'brain', shape: [101], dtype: 'BF16', seed: 4 },
  { name: 'empty', shape: [0], dtype: 'F32', seed: 5 },
  { name: 'empty.middle', shape: [3, 0, 2], dtype: 'BF16', seed: 6 },
  { name: 'scalar', shape: [], dtype: 'F64', seed: 7 },
  { name: 'gewichte.äöü', shape: [2, 2], dtype: 'F16', seed: 8 },
  { name: '注意力.权重', shape: [5], dtype: 'F32', seed: 9 },
  { name: 'emoji 🙂 "quoted" \\ back', shape: [3], dtype: 'F64', seed: 10 },
  { name: '0', shape: [1], dtype: 'F32', seed: 11 },
  { name: '__proto__', shape: [2], dtype: 'F32', seed: 12 },
];

const sources = (cases: Case[], log?: TestSourceLog): TensorSource[] => cases.map((c) => testSource(c.name, c.shape, c.dtype, c.seed, log === undefined ? {} : { log }));

/** The file the format description says these tensors make, built here without the writer. */
function expectedFile(cases: Case[], metadata?: Record<string, string>): Uint8Array {
  let json = '{';
  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`"__metadata__":{${Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  let off = 0;
  const datas: Uint8Array[] = [];
  for (const c of cases) {
    const d = expectedBytes(c.dtype, c.seed, elementCount(c.shape));
    parts.push(`${JSON.stringify(c.name)}:{"dtype":"${c.dtype}","shape":[${c.shape.join(',')}],"data_offsets":[${off},${off + d.length}]}`);
    off += d.length;
    datas.push(d);
  }
  json += `${parts.join(',')}}`;
  const h = Buffer.from(json, 'utf8');
  const n = h.length + ((8 - (h.length % 8)) % 8);
  const out = Buffer.alloc(8 + n + off, 0x20);
  out.writeBigUInt64LE(BigInt(n), 0);
  h.copy(out, 8);
  let at = 8 + n;
  for (const d of datas) {
    out.set(d, at);
    at += d.length;
  }
  return out;
}

describe('writeSafetensors', () => {
  it('writes exactly the bytes the format describes, for every dtype, empty tensors, scalars and unicode names', async () => {
    const path = join(dir, 'm.safetensors');
    const meta = { format: 'pt', 'note ü': 'value "q"' };
    const r = await writeSafetensors(path, sources(CASES), { metadata: meta });
    const bytes = readFileSync(path);
    const expected = expectedFile(CASES, meta);
    expect(sha256(bytes)).toBe(sha256(expected));
    expect(r.bytes).toBe(expected.length);
    expect(r.header.dataStart % 8).toBe(0);
    expect(listDir(dir)).toEqual(['m.safetensors']);
  });

  it('reads back every tensor bit for bit (readTensor, iterateTensors) and the metadata', async () => {
    const path = join(dir, 'm.safetensors');
    const w = await writeSafetensors(path, sources(CASES), { metadata: { a: 'b' } });
    const h = await readSafetensorsHeader(path);
    expect(h).toEqual(w.header);
    expect(h.metadata).toEqual({ a: 'b' });
    expect(h.tensors.map((t) => t.name)).toEqual(CASES.map((c) => c.name));
    for (const c of CASES) {
      const data = await readTensor(path, c.name);
      const want = expectedBytes(c.dtype, c.seed, elementCount(c.shape));
      expect(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).toEqual(want);
      expect(data.constructor).toBe({ F32: Float32Array, F64: Float64Array, F16: Uint16Array, BF16: Uint16Array }[c.dtype]);
      expect(data.buffer.byteLength).toBe(want.length); // an owned copy of exactly this tensor
    }
    const seen: string[] = [];
    for await (const t of iterateTensors(path)) {
      const c = CASES.find((x) => x.name === t.name)!;
      expect(t.shape).toEqual(c.shape);
      expect(t.dtype).toBe(c.dtype);
      expect(new Uint8Array(t.data.buffer)).toEqual(expectedBytes(c.dtype, c.seed, elementCount(c.shape)));
      seen.push(t.name);
    }
    expect(seen).toEqual(CASES.map((c) => c.name));
  });

  it('an independent Python reader agrees: offsets, alignment, contiguity, dtypes, shapes, sha256, mean and std', async () => {
    const path = join(dir, 'm.safetensors');
    await writeSafetensors(path, sources(CASES), { metadata: { format: 'pt' }, chunkBytes: 100 });
    const py = runPython<{
      data_start: number;
      file_bytes: number;
      metadata: Record<string, string>;
      key_order: string[];
      tensors: { name: string; dtype: string; shape: number[]; begin: number; end: number; sha256: string; mean: number | null; std: number | null }[];
    }>('read_safetensors.py', [path]);
    expect(py.data_start % 8).toBe(0);
    expect(py.metadata).toEqual({ format: 'pt' });
    expect(py.key_order).toEqual(CASES.map((c) => c.name));
    let off = 0;
    expect(py.tensors.map((t) => t.name)).toEqual(CASES.map((c) => c.name));
    for (const [i, c] of CASES.entries()) {
      const t = py.tensors[i]!;
      const n = elementCount(c.shape);
      const st = expectedStats(c.dtype, c.seed, n);
      expect({ dtype: t.dtype, shape: t.shape, begin: t.begin, end: t.end, sha256: t.sha256 }, c.name).toEqual({
        dtype: c.dtype,
        shape: c.shape,
        begin: off,
        end: off + n * elementBytes(c.dtype),
        sha256: sha256(expectedBytes(c.dtype, c.seed, n)),
      });
      off += n * elementBytes(c.dtype);
      if (st.mean === null) expect([t.mean, t.std]).toEqual([null, null]);
      else {
        // relative: random BF16/F16 bit patterns reach 1e38 and 6e4
        expect(Math.abs(t.mean! - st.mean), `${c.name} mean`).toBeLessThanOrEqual(1e-9 * Math.max(1, st.std!));
        expect(Math.abs(t.std! - st.std!), `${c.name} std`).toBeLessThanOrEqual(1e-9 * Math.max(1, st.std!));
      }
    }
    expect(py.file_bytes).toBe(py.data_start + off);
  });

  it('the Python reader is a real check: it rejects a misaligned data section, a gap and a wrong size', () => {
    const file = (json: string, data: number, pad: boolean) => {
      const h = Buffer.from(json);
      const n = pad ? h.length + ((8 - (h.length % 8)) % 8) : h.length;
      const b = Buffer.alloc(8 + n + data, 0x20);
      b.writeBigUInt64LE(BigInt(n), 0);
      h.copy(b, 8);
      const p = join(dir, `bad${Math.random().toString(36).slice(2)}.safetensors`);
      writeFileSync(p, b);
      return p;
    };
    const w3 = '{"w":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}';
    expect((8 + Buffer.byteLength(w3)) % 8).not.toBe(0);
    expect(() => runPython('read_safetensors.py', [file(w3, 3, false)])).toThrow(/not a multiple of 8/);
    expect(() => runPython('read_safetensors.py', [file('{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}', 2, true)])).toThrow(/not contiguous/);
    expect(() => runPython('read_safetensors.py', [file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,2]}}', 2, true)])).toThrow(/2 bytes for shape \[1\] of F32/);
    expect(runPython<{ tensors: unknown[] }>('read_safetensors.py', [file(w3, 3, true)]).tensors.length).toBe(1);
  });

  it('chunk sizes smaller than a tensor and not multiples of the element size give the same file', async () => {
    const ref = join(dir, 'ref.safetensors');
    await writeSafetensors(ref, sources(CASES));
    const refBytes = readFileSync(ref);
    for (const chunkBytes of [1, 3, 7, 10, 13, 64, 1000]) {
      const path = join(dir, `c${chunkBytes}.safetensors`);
      const log: TestSourceLog = { calls: [] };
      await writeSafetensors(path, sources(CASES, log), { chunkBytes });
      expect(readFileSync(path).equals(refBytes), `chunkBytes ${chunkBytes}`).toBe(true);
      // every call got whole elements, at most chunkBytes of them (at least one), in order, covering each tensor once
      let ci = 0;
      for (const c of CASES) {
        const n = elementCount(c.shape);
        const per = Math.max(1, Math.floor(chunkBytes / elementBytes(c.dtype)));
        for (let start = 0; start < n; start += per) {
          const call = log.calls[ci++]!;
          expect(call).toEqual({ start, count: Math.min(per, n - start), outLength: Math.min(per, n - start), outType: call.outType });
        }
      }
      expect(ci).toBe(log.calls.length);
    }
  });

  it('hands each dtype its buffer type; F16 gets a Float16Array where the runtime has one', async () => {
    const types = new Map<string, string>();
    const probe = (name: string, dtype: WriteDType): TensorSource => ({
      name,
      shape: [4],
      dtype,
      write(_s, _n, out) {
        types.set(name, out.constructor.name);
        halfOrFill(out);
      },
    });
    const halfOrFill = (out: Parameters<TensorSource['write']>[2]) => (out.BYTES_PER_ELEMENT === 2 ? halfBits(out).fill(0x3c00) : (out as Float32Array).fill(1));
    await writeSafetensors(join(dir, 'a.safetensors'), [probe('a', 'F32'), probe('b', 'F64'), probe('c', 'F16'), probe('d', 'BF16')]);
    expect(Object.fromEntries(types)).toEqual({ a: 'Float32Array', b: 'Float64Array', c: (globalThis as { Float16Array?: unknown }).Float16Array ? 'Float16Array' : 'Uint16Array', d: 'Uint16Array' });
    // a runtime with Float16Array (Node 24+): stand one in and check the F16 source receives it
    const g = globalThis as { Float16Array?: unknown };
    const saved = g.Float16Array;
    class Float16Array extends Uint16Array {}
    g.Float16Array = Float16Array;
    try {
      await writeSafetensors(join(dir, 'b.safetensors'), [probe('c', 'F16')]);
    } finally {
      if (saved === undefined) delete g.Float16Array;
      else g.Float16Array = saved;
    }
    expect(types.get('c')).toBe('Float16Array');
    expect(nums(await readTensor(join(dir, 'b.safetensors'), 'c'))).toEqual([0x3c00, 0x3c00, 0x3c00, 0x3c00]);
  });

  it('arraySource writes arrays already in memory (Float32Array, Float64Array, Uint16Array bits)', async () => {
    const path = join(dir, 'a.safetensors');
    const f32 = new Float32Array([1.5, -2, 3.25]);
    const bits = new Uint16Array([0x3c00, 0xc000]);
    await writeSafetensors(path, [arraySource('x', [3], 'F32', f32), arraySource('h', [2], 'F16', bits), arraySource('b', [1, 2], 'BF16', bits)], { chunkBytes: 2 });
    expect(nums(await readTensor(path, 'x'))).toEqual([1.5, -2, 3.25]);
    expect(nums(await readTensor(path, 'h'))).toEqual([0x3c00, 0xc000]);
    expect(nums(await readTensor(path, 'b'))).toEqual([0x3c00, 0xc000]);
    expect(() => arraySource('x', [4], 'F32', f32)).toThrow(/shape \[4\] has 4 elements, data has 3/);
    expect(() => arraySource('x', [3], 'F64', f32)).toThrow(/F64 data must be a Float64Array/);
  });

  it('reports progress after every chunk and tensor, ending at the file size', async () => {
    const path = join(dir, 'p.safetensors');
    const seen: WriteProgress[] = [];
    const r = await writeSafetensors(path, sources(CASES), { chunkBytes: 40, onProgress: (p) => void seen.push(p) });
    const size = readFileSync(path).length;
    expect(seen.at(-1)).toEqual({ path, bytesWritten: size, totalBytes: size, tensorsDone: CASES.length, tensorCount: CASES.length, name: CASES.at(-1)!.name });
    expect(r.bytes).toBe(size);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.bytesWritten).toBeGreaterThanOrEqual(seen[i - 1]!.bytesWritten);
      expect(seen[i]!.tensorsDone).toBeGreaterThanOrEqual(seen[i - 1]!.tensorsDone);
    }
    // fc1.weight: 1073 F32 elements = 4292 bytes in chunks of 40 bytes: 108 chunks, one report each
    expect(seen.filter((p) => p.name === 'fc1.weight').length).toBe(Math.ceil(37 * 29 / 10));
  });

  it('one pipeline over the file: at most three buffers (from the buffer option, anywhere in memory), consecutive small tensors in one write', async () => {
    const ref = join(dir, 'ref.safetensors');
    await writeSafetensors(ref, sources(CASES));
    const refBytes = readFileSync(ref);
    // the buffers as views at an offset of one larger memory, as a wasm heap would hand them out
    const memory = new ArrayBuffer(1 << 16);
    let made = 0;
    const buffer = (bytes: number) => new Uint8Array(memory, 8 + made++ * (bytes + 8), bytes);
    const fh = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(fh) as { write: (...a: unknown[]) => Promise<unknown> };
    await fh.close();
    const write = proto.write;
    let writes = 0;
    proto.write = function (this: unknown, ...a: unknown[]) {
      writes++;
      return write.apply(this, a);
    };
    try {
      for (const chunkBytes of [1000, 7]) {
        made = 0;
        writes = 0;
        const path = join(dir, `b${chunkBytes}.safetensors`);
        await writeSafetensors(path, sources(CASES), { chunkBytes, buffer });
        expect(readFileSync(path).equals(refBytes), `chunkBytes ${chunkBytes}`).toBe(true);
        expect(made).toBeLessThanOrEqual(3);
        if (chunkBytes === 1000) expect(writes).toBeLessThan(CASES.length); // the header, then data in buffers of up to 1000 bytes
      }
    } finally {
      proto.write = write;
    }
    await expect(writeSafetensors(join(dir, 'bad.safetensors'), sources(CASES), { buffer: (bytes) => new Uint8Array(bytes - 1) })).rejects.toThrow(
      /writeSafetensors: the buffer option must return a Uint8Array of at least \d+ bytes, got \d+ bytes/,
    );
    expect(listDir(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('rejects bad input before creating any file, naming the tensor and the field', async () => {
    const path = join(dir, 'bad.safetensors');
    const ok = () => testSource('ok', [2], 'F32', 1);
    const bad: [unknown, unknown, RegExp][] = [
      [[ok(), testSource('', [1], 'F32', 1)], undefined, /sources\[1\]\.name must not be empty/],
      [[ok(), ok()], undefined, /sources\[1\]\.name "ok" is also the name of sources\[0\]; names must be unique/],
      [[testSource('__metadata__', [1], 'F32', 1)], undefined, /must not be "__metadata__"/],
      [[testSource('w', [2, -5], 'F32', 1)], undefined, /sources\[0\] \("w"\)\.shape\[1\] must be a non-negative safe integer, got -5/],
      [[testSource('w', [2.5], 'F32', 1)], undefined, /shape\[0\] must be a non-negative safe integer, got 2\.5/],
      [[testSource('w', [2], 'I32' as WriteDType, 1)], undefined, /dtype must be one of "F32", "F16", "BF16", "F64", got "I32"/],
      [[testSource('w', [2 ** 40, 2 ** 20], 'F32', 1)], undefined, /more than a safe integer/],
      [[{ name: 'w', shape: [1], dtype: 'F32' }], undefined, /\.write must be a function/],
      [[ok()], { metadata: { n: 3 } }, /metadata\["n"\] must be a string/],
      [[ok()], { chunkBytes: 0 }, /chunkBytes must be a positive integer, got 0/],
      [[ok()], { chunk: 10 }, /unknown option "chunk"/],
      [42, undefined, /sources must be an array/],
    ];
    for (const [srcs, opts, re] of bad) {
      await expect(writeSafetensors(path, srcs as TensorSource[], opts as object)).rejects.toThrow(re);
    }
    expect(listDir(dir)).toEqual([]);
  });
});

describe('writeSafetensors: the buffer option', () => {
  /** Tensors that need all three buffers with chunkBytes 1024. */
  const many = () => [0, 1, 2, 3].map((i) => testSource(`t${i}`, [1000], 'F32', i + 1));

  it('the same memory returned twice is a RangeError naming buffer; nothing is left behind', async () => {
    const path = join(dir, 'same.safetensors');
    const one = new Uint8Array(1024);
    const err = await writeSafetensors(path, many(), { chunkBytes: 1024, buffer: () => one }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(/^writeSafetensors: the buffer option returned bytes \[0, 1024\) of a buffer whose bytes \[0, 1024\) it returned before/);
    expect(listDir(dir)).toEqual([]);
    // overlapping, not identical, regions of one memory are refused the same way
    const memory = new ArrayBuffer(4096);
    let at = 0;
    await expect(writeSafetensors(path, many(), { chunkBytes: 1024, buffer: (n) => new Uint8Array(memory, (at += 512), n) })).rejects.toThrow(RangeError);
    expect(listDir(dir)).toEqual([]);
  });

  it('a Proxy, a non-Uint8Array or a short view: a clear error before any file is created or source called', async () => {
    const path = join(dir, 'p.safetensors');
    const log: TestSourceLog = { calls: [] };
    const src = () => [testSource('x', [1000], 'F32', 1, { log })];
    const cases: [unknown, new (...a: never[]) => Error, RegExp][] = [
      [new Proxy(new Uint8Array(4096), {}), TypeError, /^writeSafetensors: the buffer option must return a Uint8Array, got /],
      [new Float32Array(1024), TypeError, /must return a Uint8Array, got Float32Array\(1024\)/],
      [new Uint8Array(10), RangeError, /must return a Uint8Array of at least 4000 bytes, got 10 bytes/],
      [new Uint8Array(new ArrayBuffer(5000), 4, 4000), RangeError, /at a byteOffset that is a multiple of 8, got byteOffset 4/],
    ];
    for (const [made, Kind, message] of cases) {
      const err = await writeSafetensors(path, src(), { buffer: () => made as Uint8Array }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Kind);
      expect((err as Error).message).toMatch(message);
      expect(listDir(dir)).toEqual([]);
    }
    expect(log.calls).toEqual([]);
  });

  it('a subclass overriding subarray, buffer, byteOffset and length: its real memory is used, the file is right', async () => {
    const ref = join(dir, 'ref.safetensors');
    await writeSafetensors(ref, many(), { chunkBytes: 1024 });
    class Lying extends Uint8Array {
      override subarray(): Uint8Array<ArrayBuffer> {
        return new Uint8Array(8);
      }
      override get byteOffset(): number {
        return 3;
      }
      override get length(): number {
        return 1 << 30;
      }
      override get buffer(): ArrayBuffer {
        return new ArrayBuffer(8);
      }
    }
    const path = join(dir, 'lying.safetensors');
    await writeSafetensors(path, many(), { chunkBytes: 1024, buffer: (n) => new Lying(n) });
    expect(readFileSync(path).equals(readFileSync(ref))).toBe(true);
  });
});

describe('writeSafetensors: background flushes', () => {
  const proto = (async () => {
    const fh = await open(join(tempDir().dir, 'probe'), 'w');
    const p = Object.getPrototypeOf(fh) as FileHandle;
    await fh.close();
    return p;
  })();
  const tensors = () => [0, 1, 2, 3, 4, 5].map((i) => testSource(`t${i}`, [3000], 'F32', i + 1));

  it('with a small flush interval, fdatasync runs during the write, one at a time, and the file is unchanged', async () => {
    const ref = join(dir, 'ref.safetensors');
    await writeSafetensors(ref, tensors(), { chunkBytes: 4096 });
    const p = await proto;
    const datasync = p.datasync;
    let calls = 0;
    let running = 0;
    let overlap = false;
    // a flush that ends at once, without the disk: a real fdatasync (or any that takes time) can
    // outlast the whole 72 kB write, and then only one starts, since a new one waits for the last
    // to end. Ending in a microtask, it is over before the next write's completion is seen.
    p.datasync = async function (this: FileHandle) {
      calls++;
      overlap ||= running > 0;
      running++;
      try {
        await Promise.resolve();
      } finally {
        running--;
      }
    };
    const prev = setFlushEvery(10_000);
    try {
      const path = join(dir, 'flushed.safetensors');
      await writeSafetensors(path, tensors(), { chunkBytes: 4096 });
      expect(readFileSync(path).equals(readFileSync(ref))).toBe(true);
    } finally {
      setFlushEvery(prev);
      p.datasync = datasync;
    }
    expect(calls).toBeGreaterThanOrEqual(2); // 72 kB of data: a flush every 10 kB while no other runs
    expect(overlap).toBe(false);
  });

  it('an fdatasync that fails is the call\'s error; no target and no temporary file are left', async () => {
    const p = await proto;
    const datasync = p.datasync;
    let calls = 0;
    p.datasync = async function () {
      calls++;
      throw Object.assign(new Error('EIO: i/o error, fdatasync (test)'), { code: 'EIO' });
    };
    const prev = setFlushEvery(10_000);
    try {
      const path = join(dir, 'f.safetensors');
      await expect(writeSafetensors(path, tensors(), { chunkBytes: 4096 })).rejects.toThrow(/^EIO: i\/o error, fdatasync \(test\)$/);
      expect(calls).toBeGreaterThan(0);
      expect(listDir(dir)).toEqual([]);
    } finally {
      setFlushEvery(prev);
      p.datasync = datasync;
    }
  });
});

describe('writeSafetensors: failures leave nothing behind', () => {
  const big = (throwAt?: number) => [testSource('a', [1000], 'F32', 1), testSource('b', [5000], 'F32', 2, throwAt === undefined ? {} : { throwAt })];

  it('a source that throws mid-write: no target, no temporary file, the error says which tensor and range', async () => {
    const path = join(dir, 'm.safetensors');
    await expect(writeSafetensors(path, big(3000), { chunkBytes: 1024 })).rejects.toThrow(/source of "b" failed writing elements \[2816, 3072\): test source fails at element 3000/);
    expect(listDir(dir)).toEqual([]);
  });

  it('the error of a failing source keeps its type (RangeError, TypeError) with the context added', async () => {
    const path = join(dir, 'm.safetensors');
    for (const Kind of [RangeError, TypeError]) {
      const src = { name: 'r', shape: [10], dtype: 'F32' as const, write: () => { throw new Kind('bad range'); } };
      const err = await writeSafetensors(path, [src]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Kind);
      expect((err as Error).message).toBe('writeSafetensors: the source of "r" failed writing elements [0, 10): bad range');
      expect((err as Error).cause).toBeInstanceOf(Kind);
    }
    expect(listDir(dir)).toEqual([]);
  });

  it('an existing target is unchanged after a failed write', async () => {
    const path = join(dir, 'm.safetensors');
    writeFileSync(path, 'previous contents');
    await expect(writeSafetensors(path, big(4999), { chunkBytes: 1024 })).rejects.toThrow(/fails at element 4999/);
    expect(readFileSync(path, 'utf8')).toBe('previous contents');
    expect(listDir(dir)).toEqual(['m.safetensors']);
  });

  it('abort through an AbortSignal mid-write: rejects with the reason, removes the temporary file', async () => {
    const path = join(dir, 'm.safetensors');
    writeFileSync(path, 'previous contents');
    const ac = new AbortController();
    let reports = 0;
    const err = await writeSafetensors(path, big(), {
      chunkBytes: 1024,
      signal: ac.signal,
      onProgress: () => {
        if (++reports === 3) ac.abort(new Error('stopped by the user'));
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('stopped by the user');
    expect(reports).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe('previous contents');
    expect(listDir(dir)).toEqual(['m.safetensors']);
  });

  it('abort from a timer while a slow source runs (the writer yields between chunks)', async () => {
    const path = join(dir, 'm.safetensors');
    const ac = new AbortController();
    let calls = 0;
    const slow: TensorSource = {
      name: 'slow',
      shape: [1 << 20],
      dtype: 'F32',
      async write(_s, _n, out) {
        calls++;
        (out as Float32Array).fill(1);
        await new Promise((r) => setTimeout(r, 5));
      },
    };
    setTimeout(() => ac.abort(), 30);
    const err = await writeSafetensors(path, [slow], { chunkBytes: 4096, signal: ac.signal }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThan(256); // stopped long before the 256 chunks of the tensor
    expect(listDir(dir)).toEqual([]);
  });

  it('an already aborted signal writes nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(writeSafetensors(join(dir, 'm.safetensors'), big(), { signal: ac.signal })).rejects.toThrow();
    expect(listDir(dir)).toEqual([]);
  });

  it('an onProgress callback that throws fails the write the same way', async () => {
    await expect(writeSafetensors(join(dir, 'm.safetensors'), big(), { onProgress: () => { throw new Error('ui died'); } })).rejects.toThrow('ui died');
    expect(listDir(dir)).toEqual([]);
  });

  it('unwritable destinations are errors: a missing directory, a file used as a directory, a directory as the target', async () => {
    await expect(writeSafetensors(join(dir, 'no', 'such', 'm.safetensors'), big())).rejects.toMatchObject({ code: 'ENOENT' });
    writeFileSync(join(dir, 'file'), 'x');
    await expect(writeSafetensors(join(dir, 'file', 'm.safetensors'), big())).rejects.toMatchObject({ code: 'ENOTDIR' });
    mkdirSync(join(dir, 'target'));
    writeFileSync(join(dir, 'target', 'inside'), 'x');
    await expect(writeSafetensors(join(dir, 'target'), big())).rejects.toThrow(); // rename onto a non-empty directory fails
    expect(listDir(dir)).toEqual(['file', 'target']);
    expect(listDir(join(dir, 'target'))).toEqual(['inside']);
  });
});

describe('readSafetensorsHeader: strict validation', () => {
  /** A file from header JSON text and data, built by hand (padding to 8 unless told otherwise). */
  function craft(json: string, data: Uint8Array = new Uint8Array(0), pad = true): string {
    const h = Buffer.from(json, 'utf8');
    const n = pad ? h.length + ((8 - (h.length % 8)) % 8) : h.length;
    const out = Buffer.alloc(8 + n + data.length, 0x20);
    out.writeBigUInt64LE(BigInt(n), 0);
    h.copy(out, 8);
    out.set(data, 8 + n);
    const path = join(dir, `crafted-${Math.random().toString(36).slice(2)}.safetensors`);
    writeFileSync(path, out);
    return path;
  }

  it('reads every standard dtype from a hand-made file into the right typed array', async () => {
    const dv = new DataView(new ArrayBuffer(8 + 4 + 2 + 2 + 8 + 4 + 2 + 1 + 1 + 2 + 8 + 4 + 2));
    let o = 0;
    const put = (f: (at: number) => void, n: number) => {
      f(o);
      o += n;
    };
    put((a) => dv.setFloat64(a, -1.25, true), 8); // F64
    put((a) => dv.setFloat32(a, 3.5, true), 4); // F32
    put((a) => dv.setUint16(a, 0x3c00, true), 2); // F16 1.0
    put((a) => dv.setUint16(a, 0x3f80, true), 2); // BF16 1.0
    put((a) => dv.setBigInt64(a, -(2n ** 40n), true), 8); // I64
    put((a) => dv.setInt32(a, -7, true), 4); // I32
    put((a) => dv.setInt16(a, -300, true), 2); // I16
    put((a) => dv.setInt8(a, -5), 1); // I8
    put((a) => dv.setUint8(a, 250), 1); // U8
    put((a) => {
      dv.setUint8(a, 1);
      dv.setUint8(a + 1, 0);
    }, 2); // BOOL x2
    put((a) => dv.setBigUint64(a, 2n ** 63n, true), 8); // U64
    put((a) => dv.setUint32(a, 4e9, true), 4); // U32
    put((a) => dv.setUint16(a, 65535, true), 2); // U16
    const spec: [string, string, number[], number][] = [
      ['f64', 'F64', [1], 8], ['f32', 'F32', [], 4], ['f16', 'F16', [1], 2], ['bf16', 'BF16', [1, 1], 2], ['i64', 'I64', [1], 8], ['i32', 'I32', [1], 4],
      ['i16', 'I16', [1], 2], ['i8', 'I8', [1], 1], ['u8', 'U8', [1], 1], ['bool', 'BOOL', [2], 2], ['u64', 'U64', [1], 8], ['u32', 'U32', [1], 4], ['u16', 'U16', [1], 2],
    ];
    let at = 0;
    const json = `{${spec.map(([n, d, s, b]) => `"${n}":{"dtype":"${d}","shape":${JSON.stringify(s)},"data_offsets":[${at},${(at += b)}]}`).join(',')}}`;
    const path = craft(json, new Uint8Array(dv.buffer));
    const got = Object.fromEntries(await Promise.all(spec.map(async ([n]) => [n, await readTensor(path, n)] as const)));
    expect(got.f64).toEqual(new Float64Array([-1.25]));
    expect(got.f32).toEqual(new Float32Array([3.5]));
    expect(got.f16).toEqual(new Uint16Array([0x3c00]));
    expect(got.bf16).toEqual(new Uint16Array([0x3f80]));
    expect(got.i64).toEqual(new BigInt64Array([-(2n ** 40n)]));
    expect(got.i32).toEqual(new Int32Array([-7]));
    expect(got.i16).toEqual(new Int16Array([-300]));
    expect(got.i8).toEqual(new Int8Array([-5]));
    expect(got.u8).toEqual(new Uint8Array([250]));
    expect(got.bool).toEqual(new Uint8Array([1, 0]));
    expect(got.u64).toEqual(new BigUint64Array([2n ** 63n]));
    expect(got.u32).toEqual(new Uint32Array([4e9]));
    expect(got.u16).toEqual(new Uint16Array([65535]));
  });

  it('accepts tensors listed out of data order and reports them in data order with absolute offsets', async () => {
    const data = new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0]);
    const path = craft('{"b":{"dtype":"I32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}', data);
    const h = await readSafetensorsHeader(path);
    expect(h.tensors.map((t) => [t.name, t.begin, t.end, t.fileBegin - h.dataStart])).toEqual([['a', 0, 4, 0], ['b', 4, 8, 4]]);
    expect(nums(await readTensor(path, 'b'))).toEqual([2]);
  });

  const invalid: [string, string, Uint8Array, RegExp][] = [
    ['a gap between tensors', '{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"b":{"dtype":"U8","shape":[1],"data_offsets":[2,3]}}', new Uint8Array(3), /tensor "b": data_offsets begin at 2, but the previous tensor ends at 1 \(a gap/],
    ['overlapping tensors', '{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}', new Uint8Array(3), /tensor "b": data_offsets begin at 1, inside the previous tensor/],
    ['size not shape x dtype', '{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}', new Uint8Array(20), /tensor "w": data_offsets \[0, 20\] hold 20 bytes, but shape \[2, 3\] of F32 is 24 bytes/],
    ['offsets past the data', '{"w":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}', new Uint8Array(4), /tensor "w": data_offsets \[0, 8\] run past the 4-byte data section/],
    ['trailing bytes', '{"w":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}', new Uint8Array(5), /cover 2 bytes of data, but the data section has 5/],
    ['unknown dtype', '{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}', new Uint8Array(16), /tensor "w": dtype must be one of .*got "F128"/],
    ['negative dimension', '{"w":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}', new Uint8Array(0), /tensor "w": shape\[0\] must be a non-negative integer, got -1/],
    ['fractional offset', '{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1.5]}}', new Uint8Array(2), /tensor "w": data_offsets end must be a non-negative integer, got 1.5/],
    ['missing data_offsets', '{"w":{"dtype":"U8","shape":[1]}}', new Uint8Array(1), /tensor "w": data_offsets must be \[begin, end\]/],
    ['a non-string metadata value', '{"__metadata__":{"n":1}}', new Uint8Array(0), /"__metadata__"\["n"\] must be a string, got 1/],
    ['not JSON', '{"w": nope}', new Uint8Array(0), /not valid JSON/],
    ['a JSON array', '[1, 2, 3]', new Uint8Array(0), /must start with "\{"/],
  ];
  for (const [what, json, data, re] of invalid) {
    it(`rejects ${what}`, async () => {
      const path = craft(json, data);
      await expect(readSafetensorsHeader(path)).rejects.toThrow(re);
      await expect(readSafetensorsHeader(path)).rejects.toThrow(path); // names the file
    });
  }

  it('rejects a header length past the end of the file, a huge header length, a short file, invalid UTF-8', async () => {
    const p1 = join(dir, 'a');
    const b = Buffer.alloc(16, 0x20);
    b.writeBigUInt64LE(100n, 0);
    writeFileSync(p1, b);
    await expect(readSafetensorsHeader(p1)).rejects.toThrow(/header length 100 runs past the end of the 16-byte file/);
    b.writeBigUInt64LE(2n ** 63n, 0);
    writeFileSync(p1, b);
    await expect(readSafetensorsHeader(p1)).rejects.toThrow(/header length 9223372036854775808 is more than the 100000000 bytes allowed/);
    writeFileSync(p1, Buffer.alloc(5));
    await expect(readSafetensorsHeader(p1)).rejects.toThrow(/5 bytes is too short/);
    const bad = Buffer.from([8, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0xff, 0x7d, 0x20, 0x20, 0x20, 0x20, 0x20]);
    writeFileSync(p1, bad);
    await expect(readSafetensorsHeader(p1)).rejects.toThrow(/not valid UTF-8/);
  });

  it('readTensor of a missing name lists some of the names there are', async () => {
    const path = join(dir, 'm.safetensors');
    await writeSafetensors(path, sources(CASES.slice(0, 2)));
    await expect(readTensor(path, 'nope')).rejects.toThrow(/no tensor named "nope" \(the file has 2: "fc1.weight", "fc1.bias"\)/);
  });

  it('the header it reads is what a file without padding or metadata says (no alignment required to read)', async () => {
    const path = craft('{"w":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}', new Uint8Array([7, 8, 9]), false);
    const h = await readSafetensorsHeader(path);
    expect(h.headerLength).toBe(Buffer.byteLength('{"w":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}'));
    expect(h.metadata).toEqual({});
    expect(nums(await readTensor(path, 'w'))).toEqual([7, 8, 9]);
    expect(existsSync(path)).toBe(true);
  });
});
