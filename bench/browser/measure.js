// Shared by the page (index.js) and its worker (worker.js): the same measurements as
// bench/run.mjs and bench/threads.mjs, in a browser. Each call makes a fresh wasm tensor and
// frees it (the heap hands the same region back: no page faults after the warm-up).
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** ms of one call of f */
function once(f) {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

/**
 * tasks: { id: () => void }. Warm-up 2 calls each, then `rounds` rounds (order alternating),
 * one call per task per round. Returns { id: { mps, lo, hi } } for n elements per call.
 */
export function measure(tasks, n, rounds) {
  const ids = Object.keys(tasks);
  for (let w = 0; w < 2; w++) for (const id of ids) tasks[id]();
  const ms = Object.fromEntries(ids.map((id) => [id, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...ids].reverse() : ids;
    for (const id of order) ms[id].push(once(tasks[id]));
  }
  return Object.fromEntries(
    ids.map((id) => {
      const all = ms[id].map((t) => n / t / 1e3);
      return [id, { mps: n / median(ms[id]) / 1e3, lo: Math.min(...all), hi: Math.max(...all) }];
    }),
  );
}

/** The single-thread tasks of bench/run.mjs's 16M rows: fill(x), uniform, normal. */
export function singleTasks(wi, n) {
  const a = new Float32Array(n);
  let v = 0;
  let seed = 1;
  return {
    fill: () => a.fill((v += 0.5)),
    uniform: () => wi.uniform([n], { seed: seed++ }).free(),
    normal: () => wi.normal([n], { seed: seed++ }).free(),
  };
}
