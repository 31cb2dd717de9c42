// The Vitest config of the child runs in test/node-lines.test.ts: the project's config with
// only a JSON reporter, written where the child's --outputFile says (never the main run's
// .tmp/vitest-report.json), and test/node-lines.test.ts excluded so a child never recurses.
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import base from '../vitest.config.js';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    root: fileURLToPath(new URL('..', import.meta.url)),
    reporters: ['json'],
    exclude: [...configDefaults.exclude, 'test/node-lines.test.ts'],
  },
});
