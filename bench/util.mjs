// Small helpers every benchmark script shares.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = fileURLToPath(new URL('..', import.meta.url));

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The 1, 5 and 15 minute load averages, as printed next to every figure. */
export const loadAvg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/** A number with thousands separators and exactly d decimals. */
export const fmt = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

/** The installed version of a package under node_modules, or 'not installed'. */
export function pkgVersion(name) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

/** A git command's trimmed output in the repository, or '?'. */
export function git(args) {
  const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '?';
}

/**
 * The command line of bench/`script`: an option outside `known` ends the process (exit 2) with
 * the valid ones named. `flag(name)` says whether an option is given, `value(name, d)` is the
 * word after it (or d).
 */
export function options(script, known) {
  const argv = process.argv.slice(2);
  for (const a of argv) {
    if (a.startsWith('--') && !known.includes(a)) {
      console.error(`bench/${script}: unknown option ${a}; valid: ${known.join(', ')}`);
      process.exit(2);
    }
  }
  return {
    flag: (name) => argv.includes(name),
    value: (name, d) => {
      const i = argv.indexOf(name);
      return i >= 0 && i + 1 < argv.length ? argv[i + 1] : d;
    },
  };
}
