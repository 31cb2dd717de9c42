// The worker pool inside a browser: headless Chromium (Debian's /usr/bin/chromium through
// playwright-core) opens test/browser-pool/ served cross-origin isolated on 127.0.0.1; its
// dedicated worker loads weightinit with and without a pool (Web Workers started from the
// worker), and a pooled orthogonal (its projections shared by pairs of rows) and a pooled normal
// fill must give the bytes of one thread there and of Node here.
import { resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../web/serve.mjs';
import { load } from '../src/index.js';
import { bytesOf, digest } from './helpers/hostile.js';
import { CHROMIUM, CHROMIUM_FLAGS } from './runtimes/harness.js';

interface Result {
  error?: string;
  isolated: boolean;
  threads: number;
  orthogonal: [string, string];
  normal: [string, string];
}

describe('worker pool in a browser worker (headless Chromium)', () => {
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  beforeAll(async () => {
    // the repository root, so the page reaches dist/ (what the package ships) and its own files
    server = await start({ root: resolve('.') });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true, timeout: 60_000 });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a pooled orthogonal and normal give one thread\'s bytes in the browser, and Node\'s', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(`${server.url}test/browser-pool/`);
    const r = (await page.evaluate(() => (window as unknown as { __result: Promise<unknown> }).__result)) as Result;
    await page.close();
    expect(r.error).toBeUndefined();
    expect(problems).toEqual([]);
    expect(r.isolated).toBe(true);
    expect(r.threads).toBe(2);
    const node = await load({ seed: 1 });
    const want = { orthogonal: digest(bytesOf(node.orthogonal([600, 1000], { seed: 21 }))), normal: digest(bytesOf(node.normal([300_000], { seed: 4 }))) };
    expect(r.orthogonal).toEqual([want.orthogonal, want.orthogonal]);
    expect(r.normal).toEqual([want.normal, want.normal]);
  }, 120_000);
});
