// The other Node lines the tests run on (scripts/node-lines.json): where
// scripts/ensure-runtimes.sh unpacked each pinned binary, or WEIGHTINIT_NODE_<line> when set.
// Used by test/node-lines.test.ts and test/runtimes.test.ts.
import { readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { REPO } from './harness.js';

export interface NodeLine {
  /** The major version, e.g. '26'. */
  line: string;
  /** The exact pinned version ('26.12.1'), or undefined when WEIGHTINIT_NODE_<line> names the binary. */
  version: string | undefined;
  bin: string;
  /** Does `node --version` (or process.version) name this line, at the pinned version if any? */
  matches(processVersion: string): boolean;
  /** process.env with this binary's folder first on PATH (a child that spawns `node` gets this line). */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
}

interface Pins {
  package: string;
  cache: string;
  lines: Record<string, { version: string; integrity: string }>;
}

const pins = JSON.parse(readFileSync(join(REPO, 'scripts', 'node-lines.json'), 'utf8')) as Pins;

export const NODE_LINES: readonly NodeLine[] = Object.entries(pins.lines).map(([line, pin]) => {
  const override = process.env[`WEIGHTINIT_NODE_${line}`];
  const version = override ? undefined : pin.version;
  const bin = override ? override : join(REPO, pins.cache, `v${pin.version}`, 'bin', 'node');
  return {
    line,
    version,
    bin,
    matches: (v) => (version === undefined ? v.trim().startsWith(`v${line}.`) : v.trim() === `v${version}`),
    env: (extra = {}) => ({ ...process.env, PATH: `${dirname(bin)}${delimiter}${process.env.PATH ?? ''}`, ...extra }),
  };
});

/** 'Node 26.12.1' (or 'Node 26 (WEIGHTINIT_NODE_26)'), for test names. */
export function label(l: NodeLine): string {
  return l.version === undefined ? `Node ${l.line} (WEIGHTINIT_NODE_${l.line})` : `Node ${l.version}`;
}
