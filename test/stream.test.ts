// wi.stream() and wi.fill(): chunks carry the same bits as the in-memory `range` of the same
// key (several methods and dtypes, chunk sizes off the block, sizes off the block, ranges),
// tensors past 2^31 and 2^32 elements through the same path (first and last chunks only),
// abort, progress, bad input, and the wasm heap staying flat while 100M elements stream.
import { afterEach, describe, expect, it } from 'vitest';
import { engineOf } from '../src/engine/engine.js';
import { setStreamLimits, type StreamChunk } from '../src/stream.js';
import type { TypedArray } from '../src/tensor.js';
import { load, wi } from './helpers/load.js';

type Any = Record<string, (...a: unknown[]) => unknown>;

/** Every chunk of a stream, copied (reused buffers are overwritten). */
async function collect(it: AsyncIterable<StreamChunk>): Promise<{ chunks: { start: number; end: number; length: number }[]; values: number[] }> {
  const chunks: { start: number; end: number; length: number }[] = [];
  const values: number[] = [];
  for await (const c of it) {
    chunks.push({ start: c.start, end: c.end, length: c.data.length });
    for (const v of Array.from(c.data as ArrayLike<number>)) values.push(v);
  }
  return { chunks, values };
}

/** The bit patterns of an array (NaN-safe, −0 distinct from 0). */
function bits(a: ArrayLike<number> | TypedArray): number[] {
  const x = a as ArrayLike<number> & { BYTES_PER_ELEMENT?: number };
  if (x.BYTES_PER_ELEMENT === 8) return Array.from(new Uint32Array(new Float64Array(x as ArrayLike<number>).buffer));
  if (x.BYTES_PER_ELEMENT === 4 && !(x instanceof Uint32Array)) return Array.from(new Uint32Array(new Float32Array(x as ArrayLike<number>).buffer));
  if (x.BYTES_PER_ELEMENT === 2 && !(x instanceof Uint16Array)) return Array.from(new Uint16Array((x as unknown as { slice: () => { buffer: ArrayBuffer } }).slice().buffer));
  return Array.from(x as ArrayLike<number>);
}

/** The same bits as an owned typed array of the chunk kind. */
function chunkBits(kind: TypedArray, values: number[]): number[] {
  const K = kind.constructor as new (v: number[]) => TypedArray;
  return bits(new K(values));
}

function checkBoundaries(chunks: { start: number; end: number; length: number }[], start: number, end: number, chunk: number): void {
  expect(chunks[0]?.start ?? start).toBe(start);
  let s = start;
  chunks.forEach((c, i) => {
    expect(c.start).toBe(s);
    expect(c.length).toBe(c.end - c.start);
    expect(c.length).toBeGreaterThan(0);
    expect(c.length).toBeLessThanOrEqual(chunk);
    if (i < chunks.length - 1) {
      expect(c.end % 1024).toBe(0); // interior boundaries on blocks
      if (i > 0) expect(c.length).toBe(chunk); // only the ends can be short
    }
    s = c.end;
  });
  expect(s).toBe(end);
}

afterEach(() => {
  setStreamLimits(undefined);
});

describe('same bits as the in-memory range', () => {
  const cases: { method: string; shape: number[]; opts: Record<string, unknown> }[] = [
    { method: 'normal', shape: [3, 7001], opts: { std: 0.02, seed: 1 } },
    { method: 'uniform', shape: [21003], opts: { low: -1, high: 1, seed: 2, dtype: 'float16' } },
    { method: 'truncatedNormal', shape: [5, 4097], opts: { std: 1, a: -1, b: 2, seed: 3, dtype: 'bfloat16' } },
    { method: 'heNormal', shape: [64, 33, 3, 3], opts: { seed: 4, dtype: 'float64' } },
    { method: 'glorotUniform', shape: [130, 77], opts: { name: 'layer.0.weight' } },
    { method: 'varianceScaling', shape: [100, 101], opts: { scale: 2, seed: 5 } }, // truncated normal by default
    { method: 'lecunNormal', shape: [99, 101], opts: { seed: 6, range: [1500, 9001] } },
    { method: 'uint32', shape: [12345], opts: { seed: 7 } },
    { method: 'constant', shape: [5000], opts: { value: 0.25, dtype: 'float16' } },
    { method: 'eye', shape: [100, 120], opts: { gain: 2 } },
    { method: 'dirac', shape: [8, 4, 3, 3], opts: { groups: 2 } },
    { method: 'orthogonal', shape: [96, 40], opts: { seed: 8 } },
    { method: 'deltaOrthogonal', shape: [16, 8, 3, 3], opts: { seed: 9, range: [100, 1000] } },
    { method: 'sparse', shape: [120, 50], opts: { sparsity: 0.5, seed: 10 } },
  ];
  for (const { method, shape, opts } of cases) {
    it(`${method} ${JSON.stringify(opts)}: chunkElements 3000 (rounded to 3072), fresh and reused arrays`, async () => {
      const w = await wi();
      const call = (w as unknown as Any)[method]!;
      const ref = call(method === 'uint32' ? shape[0] : shape, { ...opts }) as { data: TypedArray; free(): void };
      const want = bits(ref.data);
      const kind = ref.data;
      const size = shape.reduce((a, b) => a * b, 1);
      const [start, end] = (opts.range as [number, number] | undefined) ?? [0, size];
      for (const reuse of [false, true]) {
        const got = await collect(w.stream(method as 'normal', shape, opts, { chunkElements: 3000, reuse }));
        checkBoundaries(got.chunks, start, end, 3072);
        expect(chunkBits(kind, got.values)).toEqual(want);
      }
      // a chunk's data is the dtype's array type, fresh and owned (not a view of wasm memory)
      const first = await w.stream(method as 'normal', shape, opts, { chunkElements: 1024 }).next();
      const data = (first.value as StreamChunk).data;
      expect(data.constructor).toBe(kind.constructor);
      expect(data.buffer).not.toBe(w.memory.buffer);
      ref.free();
    });
  }

  it('chunk data is typed by method and dtype', async () => {
    const w = await wi();
    const f64: AsyncGenerator<StreamChunk<Float64Array>, void, undefined> = w.stream('heNormal', [4, 4], { dtype: 'float64', seed: 1 });
    const bf: AsyncGenerator<StreamChunk<Uint16Array>, void, undefined> = w.stream('uniform', [4], { dtype: 'bfloat16', seed: 1 });
    const u32: AsyncGenerator<StreamChunk<Uint32Array>, void, undefined> = w.stream('uint32', [4], { seed: 1 });
    const f32: AsyncGenerator<StreamChunk<Float32Array>, void, undefined> = w.stream('zeros', [4]);
    // @ts-expect-error out is not a stream option
    expect(() => w.stream('normal', [4], { out: new Float32Array(4) })).toThrow(TypeError);
    await w.fill('normal', [4], { dtype: 'float64', seed: 1 }, (c) => {
      const d: Float64Array = c.data;
      expect(d).toBeInstanceOf(Float64Array);
    });
    for (const it of [f64, bf, u32, f32]) expect((await it.next()).value).toBeDefined();
  });

  it('reuse: true hands out one buffer; default hands out a fresh one per chunk', async () => {
    const w = await wi();
    const bufs = new Set<ArrayBufferLike>();
    for await (const c of w.stream('normal', [10_000], { seed: 1 }, { chunkElements: 2048, reuse: true })) bufs.add(c.data.buffer);
    expect(bufs.size).toBe(1);
    bufs.clear();
    for await (const c of w.stream('normal', [10_000], { seed: 1 }, { chunkElements: 2048 })) bufs.add(c.data.buffer);
    expect(bufs.size).toBe(5);
  });

  it('default chunk is 2^20 elements; chunkElements is rounded up to a multiple of 1024', async () => {
    const w = await wi();
    const a = await collect(w.stream('zeros', [(1 << 20) * 2 + 5]));
    expect(a.chunks.map((c) => c.length)).toEqual([1 << 20, 1 << 20, 5]);
    const b = await collect(w.stream('zeros', [5000], {}, { chunkElements: 1 }));
    expect(b.chunks.map((c) => c.length)).toEqual([1024, 1024, 1024, 1024, 904]);
    const c = await collect(w.stream('zeros', [0]));
    expect(c.chunks).toEqual([]);
  });

  it('without seed or name the stream takes the next key of the sequence once, as the in-memory call does', async () => {
    const a = await load({ seed: 77 });
    const b = await load({ seed: 77 });
    const got = await collect(a.stream('normal', [5000], { std: 2 }, { chunkElements: 1024 }));
    const ref = b.normal([5000], { std: 2 });
    expect(bits(new Float32Array(got.values))).toEqual(bits(ref.data));
    // both took exactly one key: the next tensors agree; constants take none
    await collect(a.stream('ones', [3000]));
    expect(bits(a.uniform([10]).data)).toEqual(bits(b.uniform([10]).data));
    // the key is taken when stream() is called, not on iteration
    a.stream('normal', [10]);
    b.normal([10]);
    expect(bits(a.normal([10]).data)).toEqual(bits(b.normal([10]).data));
  });
});

describe('past 2^31 elements: the same path, first and last chunks only', () => {
  const BIG = 2 ** 31 + 100;

  it('normal [2^31 + 100]: the first chunks, elements 2^31 − 10 .. 2^31 + 10 and the last chunks equal the in-memory range', async () => {
    const w = await wi();
    const opts = { std: 0.5, seed: 31 };
    const ref = (s: number, e: number) => bits(w.normal([BIG], { ...opts, range: [s, e] }).data);
    // first chunks of the whole-tensor stream (break frees nothing: the stream holds no wasm memory)
    const it = w.stream('normal', [BIG], opts, { chunkElements: 4096 });
    const firsts: StreamChunk[] = [];
    for await (const c of it) {
      firsts.push(c);
      if (firsts.length === 3) break;
    }
    expect(firsts.map((c) => [c.start, c.end])).toEqual([[0, 4096], [4096, 8192], [8192, 12288]]);
    expect(bits(new Float32Array(firsts.flatMap((c) => Array.from(c.data))))).toEqual(ref(0, 12288));
    expect((await it.next()).done).toBe(true); // ended by break
    // across 2^31
    const mid = await collect(w.stream('normal', [BIG], { ...opts, range: [2 ** 31 - 10, 2 ** 31 + 10] }, { chunkElements: 1024 }));
    expect(mid.chunks.map((c) => [c.start, c.end])).toEqual([[2 ** 31 - 10, 2 ** 31], [2 ** 31, 2 ** 31 + 10]]);
    expect(bits(new Float32Array(mid.values))).toEqual(ref(2 ** 31 - 10, 2 ** 31 + 10));
    // the last chunks
    const last = await collect(w.stream('normal', [BIG], { ...opts, range: [BIG - 3000, BIG] }, { chunkElements: 2048 }));
    checkBoundaries(last.chunks, BIG - 3000, BIG, 2048);
    expect(bits(new Float32Array(last.values))).toEqual(ref(BIG - 3000, BIG));
  });

  it('uniform float16 [2^16, 2^17] (2^33 elements) and truncatedNormal float64 past 2^32: the last elements', async () => {
    const w = await wi();
    const size = 2 ** 33;
    const u = await collect(w.stream('uniform', [2 ** 16, 2 ** 17], { seed: 5, dtype: 'float16', range: [size - 2500, size] }, { chunkElements: 1024 }));
    checkBoundaries(u.chunks, size - 2500, size, 1024);
    const uref = w.uniform([2 ** 16, 2 ** 17], { seed: 5, dtype: 'float16', range: [size - 2500, size] });
    expect(chunkBits(uref.data, u.values)).toEqual(bits(uref.data));
    const s2 = 2 ** 32 + 7;
    const t = await collect(w.stream('truncatedNormal', [s2], { seed: 6, dtype: 'float64', range: [2 ** 32 - 5, s2] }));
    const tref = w.truncatedNormal([s2], { seed: 6, dtype: 'float64', range: [2 ** 32 - 5, s2] });
    expect(bits(new Float64Array(t.values))).toEqual(bits(tref.data));
    uref.free();
    tref.free();
  });

  it('injected limits: the default chunk and the ceiling on chunkElements apply to a 2^31+ stream', async () => {
    const w = await wi();
    setStreamLimits({ defaultChunkElements: 2048, maxChunkElements: 8192 });
    const it = w.stream('heUniform', [BIG / 4 + 25, 4], { seed: 2 });
    const a = (await it.next()).value as StreamChunk;
    const b = (await it.next()).value as StreamChunk;
    await it.return();
    expect([a.start, a.end, b.start, b.end]).toEqual([0, 2048, 2048, 4096]);
    const ref = w.heUniform([BIG / 4 + 25, 4], { seed: 2, range: [0, 4096] });
    expect(bits(new Float32Array([...a.data, ...b.data]))).toEqual(bits(ref.data));
    ref.free();
    expect(() => w.stream('normal', [BIG], {}, { chunkElements: 8193 })).toThrow(/chunkElements must be at most 8192, got 8193/);
  });

  it('whole-matrix methods past the limit are a RangeError naming why, and take no key', async () => {
    const a = await load({ seed: 3 });
    const b = await load({ seed: 3 });
    expect(() => a.stream('orthogonal', [2 ** 14, 2 ** 13])).toThrow(RangeError);
    expect(() => a.stream('orthogonal', [2 ** 14, 2 ** 13])).toThrow(/orthogonal makes its whole \[16384, 8192\] matrix in wasm memory.*limited to 67108864 elements/);
    expect(() => a.stream('sparse', [2 ** 20, 2 ** 12], { sparsity: 0.5 })).toThrow(/sparse makes its whole .* zero mask/);
    expect(bits(a.normal([4]).data)).toEqual(bits(b.normal([4]).data));
    setStreamLimits({ wholeMaxElements: 4096 });
    expect(() => a.stream('deltaOrthogonal', [32, 32, 3, 3])).toThrow(/limited to 4096 elements \(this one has 9216\)/);
  });
});

describe('abort', () => {
  it('stops between chunks: no more chunks, next() rejects with signal.reason, then the stream is done', async () => {
    const w = await wi();
    const ac = new AbortController();
    const it = w.stream('normal', [100_000], { seed: 1 }, { chunkElements: 1024, signal: ac.signal });
    const seen: number[] = [];
    const reason = new Error('enough');
    await expect(
      (async () => {
        for await (const c of it) {
          seen.push(c.start);
          if (seen.length === 3) ac.abort(reason);
        }
      })(),
    ).rejects.toBe(reason);
    expect(seen).toEqual([0, 1024, 2048]);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('the default reason is an AbortError DOMException; an already-aborted signal produces nothing', async () => {
    const w = await wi();
    const ac = new AbortController();
    ac.abort();
    let chunks = 0;
    const it = w.stream('uniform', [5000], { seed: 1 }, { signal: ac.signal, onProgress: () => chunks++ });
    const err = await it.next().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DOMException);
    expect((err as DOMException).name).toBe('AbortError');
    expect(chunks).toBe(0);
  });

  it('fill: an abort during a sink call rejects after it with the reason; the sink is called no more', async () => {
    const w = await wi();
    const ac = new AbortController();
    const starts: number[] = [];
    const p = w.fill('normal', [50_000], { seed: 2 }, async (c) => {
      starts.push(c.start);
      await new Promise((r) => setTimeout(r, 1));
      if (starts.length === 2) ac.abort('stop');
    }, { chunkElements: 4096, signal: ac.signal });
    await expect(p).rejects.toBe('stop');
    expect(starts).toEqual([0, 4096]);
  });
});

describe('progress', () => {
  it('stream: one call per chunk, done monotone, total fixed, the last done = total', async () => {
    const w = await wi();
    const calls: { done: number; total: number; elementsPerSecond: number }[] = [];
    const got = await collect(w.stream('normal', [3, 10_000], { seed: 1, range: [5, 29_000] }, { chunkElements: 5000, onProgress: (p) => calls.push(p) }));
    expect(calls).toHaveLength(got.chunks.length);
    expect(calls.map((c) => c.done)).toEqual(got.chunks.map((c) => c.end - 5));
    for (const c of calls) {
      expect(c.total).toBe(28_995);
      expect(c.elementsPerSecond).toBeGreaterThan(0);
    }
    expect(calls.at(-1)!.done).toBe(28_995);
  });

  it('fill: awaits the sink before the next chunk; progress after each sink; resolves with the final progress', async () => {
    const w = await wi();
    const events: string[] = [];
    let inSink = false;
    const done = await w.fill('uniform', [10_000], { seed: 4, dtype: 'bfloat16' }, async (c) => {
      expect(inSink).toBe(false);
      inSink = true;
      events.push(`sink ${c.start}`);
      await new Promise((r) => setTimeout(r, 1));
      inSink = false;
    }, { chunkElements: 4096, onProgress: (p) => events.push(`progress ${p.done}`) });
    expect(events).toEqual(['sink 0', 'progress 4096', 'sink 4096', 'progress 8192', 'sink 8192', 'progress 10000']);
    expect(done.done).toBe(10_000);
    expect(done.total).toBe(10_000);
  });

  it('fill writes the same bits as the tensor (sink collecting reused buffers by copy)', async () => {
    const w = await wi();
    const parts: Uint16Array[] = [];
    await w.fill('kaimingUniform', [300, 77], { seed: 12, dtype: 'float16' }, (c) => void parts.push(Uint16Array.from(new Uint16Array(c.data.buffer, c.data.byteOffset, c.data.length))), { chunkElements: 7000, reuse: true });
    const ref = w.kaimingUniform([300, 77], { seed: 12, dtype: 'float16' });
    const flat = parts.flatMap((p) => Array.from(p));
    expect(flat).toEqual(Array.from(new Uint16Array(ref.data.buffer, ref.data.byteOffset, ref.data.length)));
    ref.free();
  });
});

describe('bad input is a clear error before any chunk', () => {
  it('stream() throws synchronously, naming the value', async () => {
    const w = await wi();
    const s = w.stream as unknown as (...a: unknown[]) => unknown;
    expect(() => s('normall', [4])).toThrow(RangeError);
    expect(() => s('normall', [4])).toThrow(/weightinit\.stream: unknown method "normall"; streamable methods are "uniform", "normal"/);
    expect(() => s(42, [4])).toThrow(/method must be a method name such as "normal", got 42/);
    expect(() => s('parameter', [4])).toThrow(/"parameter" takes \(inputSize, outputSize, method\)/);
    expect(() => s('constructor', [4])).toThrow(/unknown method "constructor"/);
    expect(() => s('normal', [-1])).toThrow(/weightinit\.stream: shape\[0\] must be a non-negative integer, got -1/);
    expect(() => s('normal', 'abc')).toThrow(TypeError);
    expect(() => s('normal', [2 ** 40, 2 ** 40])).toThrow(/more than Number.MAX_SAFE_INTEGER/);
    for (const bad of [0, -3, 1.5, NaN]) expect(() => s('normal', [4], {}, { chunkElements: bad })).toThrow(/chunkElements must be a positive integer/);
    expect(() => s('normal', [4], {}, { chunkElements: '1024' })).toThrow(TypeError);
    expect(() => s('normal', [4], {}, { chunkElements: 2 ** 28 + 1 })).toThrow(/chunkElements must be at most 268435456/);
    expect(() => s('normal', [4], {}, { chunk: 1024 })).toThrow(/unknown option "chunk"; valid options are "chunkElements", "signal", "onProgress", "reuse"/);
    expect(() => s('normal', [4], {}, { signal: {} })).toThrow(/signal must be an AbortSignal/);
    expect(() => s('normal', [4], {}, { onProgress: 1 })).toThrow(/onProgress must be a function/);
    expect(() => s('normal', [4], {}, { reuse: 1 })).toThrow(/reuse must be true or false/);
    expect(() => s('normal', [4], { stdd: 1 })).toThrow(/weightinit\.normal: unknown option "stdd"/);
    expect(() => s('normal', [4], { std: -1 })).toThrow(/weightinit\.normal: std/);
    expect(() => s('normal', [4], { dtype: 'int8' })).toThrow(/weightinit\.normal: dtype must be one of/);
    expect(() => s('normal', [4], { out: new Float32Array(4) })).toThrow(/option "out" is not allowed/);
    expect(() => s('normal', [4], { range: [0, 5] })).toThrow(/weightinit\.normal: range must be .*<= 4.*got \[0, 5\]/);
    expect(() => s('eye', [4, 4, 4])).toThrow(/weightinit\.eye/);
    expect(() => s('sparse', [4, 4])).toThrow(/sparsity is required/);
    expect(() => s('normal', [4], { seed: 1, name: 'x' })).toThrow(/not both/);
  });

  it('bad input takes no key; fill rejects and never calls the sink', async () => {
    const a = await load({ seed: 9 });
    const b = await load({ seed: 9 });
    const s = a.stream as unknown as (...a: unknown[]) => unknown;
    expect(() => s('normal', [4], { std: NaN })).toThrow();
    expect(() => s('normal', [4], {}, { chunkElements: 0 })).toThrow();
    let called = 0;
    const f = a.fill as unknown as (...a: unknown[]) => Promise<unknown>;
    await expect(f('normall', [4], {}, () => called++)).rejects.toThrow(/weightinit\.fill: unknown method "normall"/);
    await expect(f('normal', [4], {}, 'not a function')).rejects.toThrow(/weightinit\.fill: sink must be a function/);
    await expect(f('normal', [4], { std: 'x' }, () => called++)).rejects.toThrow(TypeError);
    expect(called).toBe(0);
    expect(bits(a.normal([4]).data)).toEqual(bits(b.normal([4]).data));
  });
});

describe('bounded memory', () => {
  it('100M float32 elements stream with the wasm heap flat (live bytes never above the load-time scratch)', async () => {
    const w = await load({ seed: 1 });
    const heap = engineOf(w).heap;
    const base = heap.liveBytes;
    const growths = w.memory.buffer.byteLength;
    let max = 0;
    let n = 0;
    for await (const c of w.stream('normal', [100_000_000], { std: 0.02 }, { reuse: true })) {
      max = Math.max(max, heap.liveBytes);
      n += c.data.length;
    }
    expect(n).toBe(100_000_000);
    // the bound: nothing beyond what was live before the stream (the 768 KiB scratch made at load)
    expect(base).toBeLessThanOrEqual(1 << 20);
    expect(max).toBe(base);
    expect(w.memory.buffer.byteLength).toBe(growths); // wasm memory never grew
  }, 60_000);
});
