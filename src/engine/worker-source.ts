// The source of a fill worker, as a string: workers are started from it (a Blob URL, or
// worker_threads' eval), so no entry point needs a file path or import.meta. Plain JavaScript
// that runs in Node's worker_threads (CommonJS eval) and in Web, Deno and Bun workers.
//
// Protocol (src/engine/pool.ts): the worker instantiates core.wasm over the shared memory,
// points its per-thread scratch at its own region, then waits on its control block:
//   I[0] state: 0 idle, 1 task, 2 done, 3 error, 4 exit      I[1] kernel id   I[2] output id
//   F[0] dst  F[1] start  F[2] end  F[3] keyLo  F[4] keyHi  F[5..15] params
//   I[4] progress: bumped after every piece of work, so a caller can tell a slow worker from a dead one
//   I[5] cancel: set by a caller that gave up on this worker; it stops before its next piece
//   I[6] the piece it is making (-1 none)   I[7] test hook: ms to sit on each piece taken (-1 forever)
//   I[8] the fill's generation   I[9] its piece count   I[10] its piece size (elements, a block multiple; a task's units)
//   bytes 256..: the error message (UTF-8), I[3] its length
// and on the pool's shared block: S[0] the next piece to take (Atomics.add), S[1 + p] the
// generation of the last fill whose piece p was finished. Piece p of a fill [start, end) is
// elements [max(start, b + p·size), min(end, b + (p + 1)·size)), b = start rounded down to size.
export const WORKER_SOURCE = String.raw`
'use strict';
const CHUNK = 65536;
// f: the format the kernel writes (0 float32; 1 float16, 2 bfloat16 for the generators that take one)
const kernels = [
  (e, p, s, c, kl, kh, P) => e.fillU32(p, s, c, kl, kh),
  (e, p, s, c, kl, kh, P, f) => e.fillUniform(p, s, c, kl, kh, P[0], P[1], f, P[2], P[3]),
  (e, p, s, c, kl, kh, P, f) => e.fillNormal(p, s, c, kl, kh, P[0], P[1], f, P[2], P[3]),
  (e, p, s, c, kl, kh, P) => e.fillTruncNormal(p, s, c, kl, kh, P[0], P[1], P[2], P[3], P[4], P[5]),
  (e, p, s, c, kl, kh, P, f) => e.fillTruncNormalFast(p, s, c, kl, kh, P[0], P[1], P[2], P[3], P[4], P[5], f, P[6], P[7]),
  // tasks (no output of their own; units [s, s + c) of the work): an orthogonal projection, by pairs of panel rows
  (e, p, s, c, kl, kh, P) => e.orthoProject(P[0], P[1], P[2], P[3], P[4], P[5], s, s + c),
];
// by output id (src/engine/engine.ts OutputType.convertId): the conversion after the kernel, the
// bytes of an output element, the format the kernel writes
const converts = [null, 'f32ToF16', 'f32ToBf16', 'f32ToF64', null, null];
const convertBytes = [4, 2, 2, 8, 2, 2];
const formats = [0, 0, 0, 0, 1, 2];
function start(msg, post) {
  const { module, memory, control, shared, scratch } = msg;
  let e;
  try {
    const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('core.wasm aborted'); } } });
    e = instance.exports;
    e.setThreadScratch(scratch);
  } catch (err) {
    post('error: ' + String(err && err.message || err));
    return;
  }
  post('ready');
  const chunkBase = scratch + e.threadScratchBytes();
  const I = new Int32Array(control);
  const F = new Float64Array(control, 64, 16);
  const text = new Uint8Array(control, 256);
  const S = new Int32Array(shared);
  for (;;) {
    const state = Atomics.load(I, 0);
    if (state === 4 || I[5] === 1) return;
    // idle (0) or finished (2, 3) until the caller resets it: sleep on the value seen, never spin
    if (state !== 1) {
      Atomics.wait(I, 0, state);
      continue;
    }
    try {
      const k = kernels[I[1]];
      if (typeof k !== 'function') throw new TypeError('kernel ' + I[1] + ' is not a function in this worker');
      const conv = converts[I[2]];
      const dst = F[0], first = F[1], end = F[2], kl = F[3], kh = F[4];
      const P = Array.from(F.subarray(5, 16));
      const b = convertBytes[I[2]];
      const f = formats[I[2]];
      const gen = I[8], pieces = I[9], size = I[10];
      const base = Math.floor(first / size) * size;
      for (;;) {
        if (Atomics.load(I, 5) === 1) return; // the caller gave up on this worker
        const p = Atomics.add(S, 0, 1);
        if (p >= pieces) break;
        Atomics.store(I, 6, p);
        const hold = I[7];
        if (hold !== 0) Atomics.wait(I, 11, 0, hold < 0 ? Infinity : hold); // tests only: a slow or stuck worker
        const a = Math.max(first, base + p * size), z = Math.min(end, base + (p + 1) * size);
        if (conv === null) {
          for (let s = a; s < z; s += 1 << 20) {
            k(e, dst + (s - first) * b, s, Math.min(1 << 20, z - s), kl, kh, P, f);
            Atomics.add(I, 4, 1);
          }
        } else {
          for (let s = a; s < z; s += CHUNK) {
            const c = Math.min(CHUNK, z - s);
            k(e, chunkBase, s, c, kl, kh, P, 0);
            e[conv](chunkBase, dst + (s - first) * b, c);
            Atomics.add(I, 4, 1);
          }
        }
        // published after its values: a caller that reads this generation sees them
        Atomics.store(S, 1 + p, gen);
      }
      Atomics.store(I, 6, -1);
      Atomics.store(I, 0, 2);
    } catch (err) {
      const name = err && typeof err.name === 'string' ? err.name : 'Error';
      const bytes = new TextEncoder().encode(name + '\u0000' + String(err && err.message || err)).subarray(0, text.length);
      text.set(bytes);
      I[3] = bytes.length;
      Atomics.store(I, 0, 3);
    }
    Atomics.notify(I, 0);
  }
}
// Node (>= 20.16) has process.getBuiltinModule in ESM and CommonJS alike; Web, Deno and Bun workers have self
const nodeThreads = typeof self === 'undefined' && typeof process !== 'undefined' ? process.getBuiltinModule('node:worker_threads') : undefined;
if (nodeThreads !== undefined) {
  const { parentPort } = nodeThreads;
  parentPort.once('message', (msg) => start(msg, (m) => parentPort.postMessage(m)));
} else {
  self.onmessage = (ev) => { self.onmessage = null; start(ev.data, (m) => self.postMessage(m)); };
}
`;
