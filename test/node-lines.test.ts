// The suites below on every other supported Node line (22, 24, 26; exact versions in
// scripts/node-lines.json, installed by scripts/ensure-runtimes.sh): for each line, one Vitest
// process under that Node binary runs them all (test/node-lines.vitest.config.ts: JSON report
// only, to .tmp/node-lines/, and never this file). Each suite must run, with at least one test,
// and pass. The lines differ in what the library adapts to (Float16Array from 24,
// WebAssembly.Memory#toResizableBuffer from 26), so those paths run here, not only in the Node
// running `npm test`.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, run } from './runtimes/harness.js';
import { label, NODE_LINES } from './runtimes/node-lines.js';

/** The suites every Node line runs, as paths from the repo root. Add a suite here to run it on every line. */
export const NODE_LINE_SUITES: readonly string[] = [
  'test/properties.test.ts',
  'test/dtype.test.ts',
  'test/memory.test.ts',
  'test/workers.test.ts',
  'test/orthogonal-pool.test.ts',
  'test/hostile-memory.test.ts',
  'test/finalization.test.ts',
];

/** Deadline of one line's Vitest process (the four suites take ~20 s on an idle 2-core machine). */
const CHILD_TIMEOUT_MS = 240_000;
const REPORTS = join(REPO, '.tmp', 'node-lines');

/** The parts of Vitest's JSON report read here. */
interface JsonReport {
  numTotalTests: number;
  numFailedTests: number;
  testResults: {
    name: string;
    status: string;
    message: string;
    assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
  }[];
}

/** A failure in one line: the message's first line, plus the first later line that says more (an error, a counterexample). */
function summary(message: string | undefined): string {
  const lines = (message ?? '').trim().split('\n');
  const more = lines.slice(1).find((x) => /^\s*(\w*Error\b|Counterexample:)/.test(x));
  return more === undefined ? (lines[0] ?? '') : `${lines[0]} … ${more.trim()}`;
}

describe('the test suites on every supported Node line', () => {
  it('the suite list names existing files and not this one', () => {
    expect(NODE_LINE_SUITES.length).toBeGreaterThan(0);
    for (const s of NODE_LINE_SUITES) expect(existsSync(join(REPO, s)), `${s} exists`).toBe(true);
    expect(NODE_LINE_SUITES).not.toContain('test/node-lines.test.ts');
    expect(NODE_LINES.map((l) => l.line)).toEqual(expect.arrayContaining(['22', '24', '26']));
  });

  for (const l of NODE_LINES) {
    it(`${label(l)}: the binary runs and offers what the line should (Float16Array from 24, toResizableBuffer from 26)`, async () => {
      const probe = 'console.log(JSON.stringify({ version: process.version, float16: typeof Float16Array, resizable: typeof WebAssembly.Memory.prototype.toResizableBuffer }))';
      const r = await run(l.bin, ['-e', probe], { cwd: REPO, env: l.env(), timeoutMs: 30_000 });
      expect(r.code, `${l.bin} does not run (scripts/ensure-runtimes.sh installs it): ${r.stderr}`).toBe(0);
      const got = JSON.parse(r.stdout) as { version: string; float16: string; resizable: string };
      expect(l.matches(got.version), `${l.bin} is ${got.version}`).toBe(true);
      const major = Number(l.line);
      expect(got.float16 === 'function', 'Float16Array').toBe(major >= 24);
      expect(got.resizable === 'function', 'WebAssembly.Memory#toResizableBuffer').toBe(major >= 26);
    });

    it(
      `${label(l)}: ${NODE_LINE_SUITES.map((s) => s.replace(/^test\//, '')).join(', ')} pass`,
      async () => {
        mkdirSync(REPORTS, { recursive: true });
        const out = join(REPORTS, `node-${l.line}.json`);
        rmSync(out, { force: true });
        // the child must not believe it is a Vitest worker of this run
        const env = l.env({ NO_COLOR: '1', FORCE_COLOR: '0' });
        for (const k of Object.keys(env)) if (k.startsWith('VITEST')) delete env[k];
        const r = await run(
          l.bin,
          [join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'test/node-lines.vitest.config.ts', `--outputFile=${out}`, ...NODE_LINE_SUITES],
          { cwd: REPO, env, timeoutMs: CHILD_TIMEOUT_MS },
        );
        const tail = `\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;
        expect(existsSync(out), `${label(l)}: Vitest wrote no report (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})${tail}`).toBe(true);
        const report = JSON.parse(readFileSync(out, 'utf8')) as JsonReport;

        // every failing test by name, and every suite that failed as a whole (did not load)
        const failures: string[] = [];
        const counts: Record<string, number> = {};
        for (const suite of NODE_LINE_SUITES) {
          const res = report.testResults.find((t) => t.name === join(REPO, suite));
          if (res === undefined) {
            failures.push(`${suite}: did not run`);
            continue;
          }
          const failed = res.assertionResults.filter((a) => a.status === 'failed');
          for (const a of failed) failures.push(`${suite} > ${a.fullName}: ${summary(a.failureMessages[0])}`);
          if (res.status !== 'passed' && failed.length === 0) failures.push(`${suite}: ${res.status}: ${summary(res.message)}`);
          counts[suite] = res.assertionResults.filter((a) => a.status === 'passed').length;
        }
        const where = `(full report: ${relative(REPO, out)})`;
        expect(failures.length, `${label(l)}: ${failures.length} failure(s) ${where}:\n  ${failures.join('\n  ')}\n`).toBe(0);
        for (const suite of NODE_LINE_SUITES) expect(counts[suite], `${label(l)}: tests passed in ${suite} ${where}`).toBeGreaterThan(0);
        expect(report.numFailedTests, `${label(l)}: failed tests ${where}`).toBe(0);
        expect(r.code, `${label(l)}: Vitest exit code${tail}`).toBe(0);
      },
      CHILD_TIMEOUT_MS + 30_000,
    );
  }
});
