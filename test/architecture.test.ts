// The dependency rule of docs/architecture.md, checked on the sources: no import cycles, and
// no layer imports from a layer above it (foundation → engine → init → weightinit.ts → the
// entries → the layers above: model, io, adapters, viz, cli).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(fileURLToPath(new URL('../src', import.meta.url)));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a file (value and type imports, static and dynamic), as src-relative paths. */
function imports(file: string, withTypes: boolean): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|(?:^|\n)\s*import\s+['"](\.[^'"]+)['"]/g;
  for (const m of text.matchAll(re)) {
    if (m[2] !== undefined && !withTypes) continue;
    const spec = m[3] ?? m[4] ?? m[5]!;
    out.push(relative(SRC, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))));
  }
  return out;
}

/** The layer of a src-relative path: higher numbers may import lower ones only. */
function layer(p: string): number {
  // the foundation: reading input, dtypes, fans and gains, the Tensor
  if (['init/show.ts', 'init/options.ts', 'init/common.ts', 'dtype.ts', 'fans.ts', 'gain.ts', 'tensor.ts'].includes(p)) return 0;
  if (p.startsWith('engine/')) return 1;
  if (p.startsWith('init/') || p === 'tutorial.ts') return 2;
  // the class hosts the lab, the streams and the model plans (spec, recipes, plan: no file access)
  if (p === 'weightinit.ts' || p.startsWith('lab/') || p === 'stream.ts' || ['model/plan.ts', 'model/recipes.ts', 'model/spec.ts'].includes(p)) return 3;
  if (p === 'index.ts' || p === 'surface.ts' || p.startsWith('wasm/')) return 4;
  return 5; // model, io, adapters, viz, cli, demo
}

describe('architecture', () => {
  const files = sources(SRC);

  it('no import cycles between modules (value imports)', () => {
    const graph = new Map(files.map((f) => [relative(SRC, f), imports(f, false)]));
    const state = new Map<string, number>();
    const cycles: string[] = [];
    const visit = (n: string, stack: string[]): void => {
      state.set(n, 1);
      stack.push(n);
      for (const d of graph.get(n) ?? []) {
        if (!graph.has(d)) continue;
        if (state.get(d) === 1) cycles.push([...stack.slice(stack.indexOf(d)), d].join(' -> '));
        else if (!state.has(d)) visit(d, stack);
      }
      stack.pop();
      state.set(n, 2);
    };
    for (const f of graph.keys()) if (!state.has(f)) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('no module imports from a layer above its own (value imports; a type may name a type of any layer)', () => {
    const wrong: string[] = [];
    for (const f of files) {
      const from = relative(SRC, f);
      for (const to of imports(f, false).filter((t) => t.endsWith('.ts'))) {
        // the engine may name the lab's kernel types and the wasm loaders may build the class: both are type-level or entry wiring
        if (layer(to) > layer(from) && !(from.startsWith('wasm/') && to === 'weightinit.ts')) wrong.push(`${from} imports ${to}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
