// A one-thread instance and a pooled one in the same dedicated worker: their orthogonal (shared
// projections on the pool) and normal fills are compared byte for byte here, and a digest of each
// goes back for the test to compare with what Node makes.
import { load } from '../../dist/index.js';

/** FNV-1a 32 of the bytes of a typed array, as hex (test/helpers/hostile.ts `digest`, same formula). */
function digest(a) {
  const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
  return `${b.length}B:${h.toString(16).padStart(8, '0')}`;
}

self.onmessage = async () => {
  try {
    const one = await load({ seed: 1 });
    const pooled = await load({ seed: 1, workers: 1 });
    const o1 = one.orthogonal([600, 1000], { seed: 21 }).toArray();
    const o2 = pooled.orthogonal([600, 1000], { seed: 21 }).toArray();
    const n1 = one.normal([300_000], { seed: 4 }).toArray();
    const n2 = pooled.normal([300_000], { seed: 4 }).toArray();
    self.postMessage({
      isolated: self.crossOriginIsolated === true,
      threads: pooled.threads,
      orthogonal: [digest(o1), digest(o2)],
      normal: [digest(n1), digest(n2)],
    });
    pooled.close();
  } catch (err) {
    self.postMessage({ error: String(err?.stack ?? err) });
  }
};
