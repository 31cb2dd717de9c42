// The lab page in real headless Chromium (Debian's /usr/bin/chromium through playwright-core,
// which downloads no browser): built with Vite from web/, served by web/serve.mjs on 127.0.0.1.
// weightinit runs in the page's module worker (web/lab-worker.ts). Served with COOP/COEP the
// page is cross-origin isolated and the worker runs weightinit on more than one thread; served
// without them, on one. Both ways: no console errors, every panel draws non-empty plots, the
// same numbers. Changing an initializer changes the plotted per-layer std; a newer request
// supersedes an older one; errors are shown on the page. Screenshot in .tmp/lab-page/.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabState } from '../web/protocol.js';
import { start } from '../web/serve.mjs';
import { CHROMIUM, CHROMIUM_FLAGS } from './runtimes/harness.js';

const OUT = resolve('.tmp', 'lab-page');

interface Opened {
  page: Page;
  url: string;
  problems: string[];
  requests: string[];
  lab(): Promise<LabState>;
}

/** Opens the page at `url` and waits until its three panels have rendered (or an error is shown). */
async function open(browser: Browser, url: string): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  // the worker's own console and errors
  page.on('worker', (w) => {
    w.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`worker ${m.type()}: ${m.text()}`);
    });
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => {
    const l = (globalThis as unknown as { lab?: LabState }).lab;
    return l !== undefined && ((l.renders.train >= 1 && l.renders.depth >= 1 && l.renders.init >= 1 && !l.busy) || l.errors.length > 0);
  }, undefined, { timeout: 90_000 });
  return { page, url, problems, requests, lab: () => page.evaluate(() => (globalThis as unknown as { lab: LabState }).lab) };
}

/** Waits until no request is outstanding. */
async function idle(page: Page): Promise<void> {
  await page.waitForFunction(() => !(globalThis as unknown as { lab: LabState }).lab.busy, undefined, { timeout: 60_000 });
}

/** Waits until a panel has rendered more than `n` times and nothing is outstanding. */
async function rendered(page: Page, panel: 'init' | 'depth' | 'train', n: number): Promise<void> {
  await page.waitForFunction(([p, k]) => {
    const l = (globalThis as unknown as { lab: LabState }).lab;
    return (l.renders[p as 'init'] > (k as number) && !l.busy) || l.errors.length > 0;
  }, [panel, n] as const, { timeout: 60_000 });
}

async function expectPlots(page: Page): Promise<void> {
  const count = (sel: string): Promise<number> => page.locator(sel).count();
  expect(await count('#init-plot svg rect.bar')).toBe(4 * 50);
  expect(await count('#std-plot svg path.line')).toBe(4);
  expect(await count('#ridge-plots svg path.ridge')).toBe(4 * 30);
  expect(await count('#loss-plot svg path.line')).toBe(4);
  for (const sel of ['#init-plot svg', '#std-plot svg', '#ridge-plots svg', '#loss-plot svg']) {
    const box = await page.locator(sel).first().boundingBox();
    expect(box?.width ?? 0, sel).toBeGreaterThan(200);
    expect(box?.height ?? 0, sel).toBeGreaterThan(150);
  }
}

describe.runIf(existsSync(CHROMIUM) && existsSync('dist/index.js'))('the lab page', () => {
  let isolated: { url: string; close(): Promise<void> };
  let plain: { url: string; close(): Promise<void> };
  let browser: Browser;
  /** The default comparison's per-layer stds as the isolated page plotted them first. */
  let firstStd: LabState['std'] | undefined;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    await build({ configFile: resolve('web/vite.config.ts'), logLevel: 'error' });
    isolated = await start({ root: resolve('web/dist') });
    plain = await start({ root: resolve('web/dist'), isolate: false });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true, timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await isolated?.close();
    await plain?.close();
  });

  /** The page opened from `server()` for the tests of one describe block (filled in by its beforeAll). */
  function usePage(server: () => { url: string }): Opened {
    const o = {} as Opened;
    beforeAll(async () => {
      Object.assign(o, await open(browser, server().url));
    }, 150_000);
    afterAll(async () => {
      await o.page?.close();
    });
    return o;
  }

  describe('served cross-origin isolated', () => {
    const o = usePage(() => isolated);

    it('loads without console errors, cross-origin isolated, everything from the local server', async () => {
      expect(o.problems).toEqual([]);
      expect((await o.lab()).errors).toEqual([]);
      expect(await o.page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
      for (const u of o.requests) expect(u.startsWith(o.url) || u.startsWith('data:') || u.startsWith('blob:'), u).toBe(true);
      // the library is in the worker's bundle, not the page's
      expect(o.requests.some((u) => /\/assets\/lab-worker-[\w-]+\.js$/.test(u)), o.requests.join('\n')).toBe(true);
    });

    it('runs weightinit in the worker on more than one thread', async () => {
      const l = await o.lab();
      const cores = await o.page.evaluate(() => navigator.hardwareConcurrency);
      expect(l.workerIsolated).toBe(true);
      // workers: 'auto' starts one fill worker per core beyond the calling (lab worker's) thread; threads counts both
      expect(l.threads).toBe(Math.max(1, cores));
      expect(l.threads).toBeGreaterThanOrEqual(2);
      expect(await o.page.locator('#threads').textContent()).toBe(`weightinit runs in a Web Worker on ${l.threads} threads (cross-origin isolated).`);
    });

    it('every panel draws non-empty plots', async () => {
      await expectPlots(o.page);
      // the default comparison: Xavier's ReLU signal shrinks by about 2^(-1/2) per layer, He's holds
      const { std } = await o.lab();
      expect(std.A).toHaveLength(30);
      expect(std.A[29]! / std.A[0]!).toBeLessThan(0.01);
      expect(std.B[29]! / std.B[0]!).toBeGreaterThan(0.2);
      firstStd = std;
      await o.page.screenshot({ path: join(OUT, 'lab.png'), fullPage: true });
    });

    it('changing the initializer changes the plotted per-layer std', async () => {
      const { page } = o;
      const before = await o.lab();
      const d0 = await page.locator('#std-plot svg path.line').first().getAttribute('d');
      await page.selectOption('#a-init', 'heNormal');
      await rendered(page, 'depth', before.renders.depth);
      const after = await o.lab();
      expect(after.errors).toEqual([]);
      expect(after.std.A).not.toEqual(before.std.A);
      expect(after.std.A[29]! / after.std.A[0]!).toBeGreaterThan(0.2);
      // A and B are now the same configuration, from the same seed
      expect(after.std.A).toEqual(after.std.B);
      expect(await page.locator('#std-plot svg path.line').first().getAttribute('d')).not.toBe(d0);
      // panel 1 reacts to its controls
      const t0 = await page.locator('#init-plot svg').innerHTML();
      await page.fill('#fan-in', '64');
      await page.dispatchEvent('#fan-in', 'change');
      await rendered(page, 'init', before.renders.init);
      expect(await page.locator('#init-plot svg').innerHTML()).not.toBe(t0);
      expect(await page.locator('#init-plot').textContent()).toContain('[256, 64]');
      expect(o.problems).toEqual([]);
    });

    it('a newer request supersedes an older one for the same panel', async () => {
      const { page } = o;
      await idle(page);
      const before = await o.lab();
      // two changes in one task: the first request is superseded before its reply is drawn
      await page.evaluate(() => {
        const s = document.getElementById('a-init') as HTMLSelectElement;
        s.value = 'normal (std 1)';
        s.dispatchEvent(new Event('change'));
        s.value = 'heNormal';
        s.dispatchEvent(new Event('change'));
      });
      await rendered(page, 'depth', before.renders.depth);
      await rendered(page, 'train', before.renders.train);
      const after = await o.lab();
      expect(after.errors).toEqual([]);
      expect(after.renders.depth).toBe(before.renders.depth + 1);
      expect(after.renders.train).toBe(before.renders.train + 1);
      expect(after.std.A).toEqual(before.std.A); // heNormal again, not normal (std 1)
      expect(await page.locator('#depth-status').textContent()).toContain('A: heNormal, relu');
    });

    it('shows errors on the page: a bad control, and an error the library throws in the worker', async () => {
      const { page } = o;
      // a control out of range: checked on the page, nothing sent
      await page.fill('#batch', '0');
      await page.dispatchEvent('#batch', 'change');
      await expect.poll(() => page.locator('#errors').textContent()).toContain('batch: must be an integer in [1, 1024], got 0');
      await page.fill('#batch', '128');
      // a net the lab refuses (too much wasm memory): thrown by weightinit.propagate in the worker
      const n = (await o.lab()).errors.length;
      await page.fill('#a-depth', '200');
      await page.fill('#a-width', '2048');
      await page.dispatchEvent('#a-width', 'change');
      await page.waitForFunction((k) => (globalThis as unknown as { lab: LabState }).lab.errors.length > k, n, { timeout: 60_000 });
      const l = await o.lab();
      expect(l.busy).toBe(false);
      expect(l.errors.at(-1)).toMatch(/^RangeError: weightinit\.propagate: this network needs \d+ MiB of wasm memory/);
      expect(await page.locator('#errors').textContent()).toContain('weightinit.propagate: this network needs');
      expect(await page.locator('#depth-status').textContent()).toContain('failed');
      // fixing the controls renders again and clears the errors
      const depth = l.renders.depth;
      await page.fill('#a-depth', '30');
      await page.fill('#a-width', '512');
      await page.dispatchEvent('#a-width', 'change');
      await rendered(page, 'depth', depth);
      expect(await page.locator('#errors').textContent()).toBe('');
      expect(o.problems).toEqual([]);
    });
  });

  describe('served without the isolation headers', () => {
    const o = usePage(() => plain);

    it('runs weightinit on one thread and draws every panel, with the same numbers', async () => {
      expect(o.problems).toEqual([]);
      const l = await o.lab();
      expect(l.errors).toEqual([]);
      expect(await o.page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
      expect(l.workerIsolated).toBe(false);
      expect(l.threads).toBe(1);
      expect(await o.page.locator('#threads').textContent()).toContain('on 1 thread: the page is not cross-origin isolated');
      await expectPlots(o.page);
      for (const u of o.requests) expect(u.startsWith(o.url) || u.startsWith('data:') || u.startsWith('blob:'), u).toBe(true);
      // bit-identical to the isolated page's multi-threaded run
      if (firstStd !== undefined) expect(l.std).toEqual(firstStd);
      expect(l.std.A[29]! / l.std.A[0]!).toBeLessThan(0.01);
    });
  });
});
