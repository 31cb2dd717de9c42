// The page: single-thread 16M measurements on the main thread, then (when cross-origin
// isolated) the 1- vs 2-thread measurement in a dedicated worker. The driver
// (bench/browser.mjs) reads window.__bench when window.__bench.done is true.
import { load } from '../../dist/index.js';
import { measure, singleTasks } from './measure.js';

const params = new URLSearchParams(location.search);
const n = Number(params.get('n') ?? 1 << 24);
const rounds = Number(params.get('rounds') ?? 5);
const out = (window.__bench = { done: false, n, rounds, userAgent: navigator.userAgent, isolated: self.crossOriginIsolated === true, hardwareConcurrency: navigator.hardwareConcurrency });
const say = (s) => (document.getElementById('log').textContent += s + '\n');

try {
  const wi = await load({ seed: 1 });
  say(`single thread, ${n} elements, ${rounds} rounds ...`);
  out.single = measure(singleTasks(wi, n), n, rounds);
  say(JSON.stringify(out.single));
  if (out.isolated) {
    say('threads in a dedicated worker ...');
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    out.threads = await new Promise((done) => {
      w.onmessage = (ev) => done(ev.data);
      w.onerror = (ev) => done({ ok: false, error: ev.message ?? 'worker error' });
      w.postMessage({ n, rounds });
    });
    w.terminate();
    say(JSON.stringify(out.threads));
  } else {
    out.threads = { ok: false, error: 'page not cross-origin isolated: no SharedArrayBuffer, no pool' };
  }
} catch (err) {
  out.error = String(err?.stack ?? err);
  say(out.error);
}
out.done = true;
