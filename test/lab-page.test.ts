// The lab page in real headless Chromium (Debian's /usr/bin/chromium through playwright-core,
// which downloads no browser): built with Vite from web/, served by web/serve.mjs on 127.0.0.1
// with COOP/COEP. No console errors, cross-origin isolated, every panel draws non-empty plots,
// changing an initializer changes the plotted per-layer std. Screenshot in .tmp/lab-page/.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../web/serve.mjs';

const CHROMIUM = process.env.WEIGHTINIT_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const OUT = resolve('.tmp', 'lab-page');

interface LabState {
  renders: { init: number; depth: number; train: number };
  std: { A: number[]; B: number[] };
  errors: string[];
  busy: boolean;
}

describe.runIf(existsSync(CHROMIUM) && existsSync('dist/index.js'))('the lab page', () => {
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    await build({ configFile: resolve('web/vite.config.ts'), logLevel: 'error' });
    server = await start({ root: resolve('web/dist') });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 60_000 });
    page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(server.url, { waitUntil: 'load' });
    await page.waitForFunction(() => {
      const l = (globalThis as unknown as { lab?: LabState }).lab;
      return l !== undefined && l.renders.train >= 1 && !l.busy;
    }, undefined, { timeout: 90_000 });
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const lab = (): Promise<LabState> => page.evaluate(() => (globalThis as unknown as { lab: LabState }).lab);

  it('loads without console errors, cross-origin isolated, everything from the local server', async () => {
    expect(problems).toEqual([]);
    expect((await lab()).errors).toEqual([]);
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    for (const u of requests) expect(u.startsWith(server.url) || u.startsWith('data:') || u.startsWith('blob:'), u).toBe(true);
  });

  it('every panel draws non-empty plots', async () => {
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
    // the default comparison: Xavier's ReLU signal shrinks by about 2^(-1/2) per layer, He's holds
    const { std } = await lab();
    expect(std.A).toHaveLength(30);
    expect(std.A[29]! / std.A[0]!).toBeLessThan(0.01);
    expect(std.B[29]! / std.B[0]!).toBeGreaterThan(0.2);
    await page.screenshot({ path: join(OUT, 'lab.png'), fullPage: true });
  });

  it('changing the initializer changes the plotted per-layer std', async () => {
    const before = await lab();
    const d0 = await page.locator('#std-plot svg path.line').first().getAttribute('d');
    await page.selectOption('#a-init', 'heNormal');
    await page.waitForFunction((n) => {
      const l = (globalThis as unknown as { lab: LabState }).lab;
      return l.renders.depth > n && !l.busy;
    }, before.renders.depth, { timeout: 60_000 });
    const after = await lab();
    expect(after.std.A).not.toEqual(before.std.A);
    expect(after.std.A[29]! / after.std.A[0]!).toBeGreaterThan(0.2);
    expect(await page.locator('#std-plot svg path.line').first().getAttribute('d')).not.toBe(d0);
    // panel 1 reacts to its controls
    const t0 = await page.locator('#init-plot svg').innerHTML();
    await page.fill('#fan-in', '64');
    await page.dispatchEvent('#fan-in', 'change');
    await page.waitForFunction((n) => (globalThis as unknown as { lab: LabState }).lab.renders.init > n, before.renders.init, { timeout: 30_000 });
    expect(await page.locator('#init-plot svg').innerHTML()).not.toBe(t0);
    expect(await page.locator('#init-plot').textContent()).toContain('[256, 64]');
    expect(problems).toEqual([]);
  });
});
