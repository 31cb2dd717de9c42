// Every subpath in package.json "exports" points at files the build produces, and the model
// subpath offers the documented API (its default condition without node:fs).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> };

describe('package exports', () => {
  it('every target of every subpath exists after the build', () => {
    const missing: string[] = [];
    for (const [sub, target] of Object.entries(pkg.exports)) {
      for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
        if (!existsSync(join(REPO, file))) missing.push(`${sub}: ${file}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('weightinit/model: the Node index adds writeModel to the runtime-neutral core', async () => {
    const core = (await import(join(REPO, 'dist/model/core.js'))) as Record<string, unknown>;
    const node = (await import(join(REPO, 'dist/model/index.js'))) as Record<string, unknown>;
    for (const name of ['planModel', 'initModel', 'fillEntry', 'parseSpec', 'preset', 'gpt2', 'llama', 'specFromTensors', 'RECIPES']) {
      expect(typeof core[name], name).not.toBe('undefined');
      expect(node[name], name).toBe(core[name]);
    }
    expect(typeof node.writeModel).toBe('function');
    expect(core.writeModel).toBeUndefined();
    // the core's module graph never imports node: builtins
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from ['"]node:/);
      for (const m of text.matchAll(/from ['"](\.[^'"]+)['"]/g)) visit(resolve(file, '..', m[1]!));
    };
    visit(join(REPO, 'dist/model/core.js'));
    expect(seen.size).toBeGreaterThan(3);
  });
});
