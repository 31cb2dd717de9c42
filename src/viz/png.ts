// SVG -> PNG for the CLI (Node): resvg compiled to wasm (@resvg/resvg-wasm, no native build)
// with DejaVu Sans from the dejavu-fonts-ttf package, so text renders the same everywhere and
// nothing is fetched at run time. Both packages are optional: weightinit has no runtime
// dependencies, so a user who wants PNG installs them (`npm i @resvg/resvg-wasm dejavu-fonts-ttf`);
// without them the call fails with that instruction.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

type ResvgModule = typeof import('@resvg/resvg-wasm');

let ready: Promise<{ resvg: ResvgModule; font: Uint8Array }> | undefined;

const HINT = 'PNG output needs the optional packages @resvg/resvg-wasm and dejavu-fonts-ttf (npm install @resvg/resvg-wasm dejavu-fonts-ttf)';

function setup(): Promise<{ resvg: ResvgModule; font: Uint8Array }> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    let wasmPath: string;
    let fontPath: string;
    let resvg: ResvgModule;
    try {
      wasmPath = require.resolve('@resvg/resvg-wasm/index_bg.wasm');
      fontPath = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
      resvg = await import('@resvg/resvg-wasm');
    } catch (e) {
      throw new Error(`${HINT}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    const [wasm, font] = await Promise.all([readFile(wasmPath), readFile(fontPath)]);
    await resvg.initWasm(wasm);
    return { resvg, font: new Uint8Array(font) };
  })();
  ready.catch(() => {
    ready = undefined;
  });
  return ready;
}

/** Renders an SVG string to PNG bytes at its own size times `scale` (default 1), on a white background. */
export async function svgToPng(svg: string, opts: { scale?: number } = {}): Promise<Uint8Array> {
  const { resvg, font } = await setup();
  const r = new resvg.Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: opts.scale ?? 1 },
    font: { fontBuffers: [font], defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  try {
    const img = r.render();
    try {
      return img.asPng();
    } finally {
      img.free();
    }
  } finally {
    r.free();
  }
}
