// The threads measurement inside a dedicated worker: a page's main thread may not block
// (Atomics.wait throws there), so weightinit runs here and starts its pool from here.
import { load } from '../../dist/index.js';
import { measure } from './measure.js';

self.onmessage = async (ev) => {
  const { n, rounds } = ev.data;
  try {
    const wi1 = await load({ seed: 1, workers: 0 });
    const wi2 = await load({ seed: 1, workers: 1 });
    let seed = 1;
    const r = measure(
      {
        normal1: () => wi1.normal([n], { seed: seed++ }).free(),
        normal2: () => wi2.normal([n], { seed: seed++ }).free(),
        uniform1: () => wi1.uniform([n], { seed: seed++ }).free(),
        uniform2: () => wi2.uniform([n], { seed: seed++ }).free(),
      },
      n,
      rounds,
    );
    // a worker's own single-thread figures, to compare with the page's main thread
    self.postMessage({ ok: true, threads: wi2.threads, results: r });
    wi2.close();
  } catch (err) {
    self.postMessage({ ok: false, error: String(err?.stack ?? err) });
  }
};
