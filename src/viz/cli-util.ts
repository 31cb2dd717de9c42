// What `weightinit hist` and `weightinit diagnose` share: usage errors (exit 2), initializer specs
// ("heNormal:a=0.2:mode=fanOut"), number arguments, and writing the SVG / PNG files.
import { writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { INITIALIZERS, type InitializerName } from '../lab/index.js';

/** A bad command line: the CLI prints the message and exits with status 2. */
export class UsageError extends Error {}

export interface InitSpecArg {
  /** As written, e.g. "heNormal:a=0.2". */
  spec: string;
  name: InitializerName;
  options: Record<string, string | number | boolean>;
}

/** `name[:key=value]...`: values that read as numbers are numbers, true/false booleans, the rest strings. */
export function parseInitSpec(arg: string, what: string): InitSpecArg {
  const [name, ...rest] = arg.split(':');
  if (!(INITIALIZERS as readonly string[]).includes(name ?? '')) {
    throw new UsageError(`${what}: unknown initializer ${JSON.stringify(name)} in ${JSON.stringify(arg)}; one of ${INITIALIZERS.join(', ')}`);
  }
  const options: Record<string, string | number | boolean> = {};
  for (const kv of rest) {
    const m = /^([A-Za-z_]\w*)=(.+)$/.exec(kv);
    if (m === null) throw new UsageError(`${what}: expected key=value after ":" in ${JSON.stringify(arg)}, got ${JSON.stringify(kv)}`);
    options[m[1]!] = parseValue(m[2]!);
  }
  return { spec: arg, name: name as InitializerName, options };
}

/** "0.2" -> 0.2, "true" -> true, "fanOut" -> "fanOut". */
export function parseValue(v: string): string | number | boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v) || v === 'Infinity' || v === '-Infinity') return Number(v);
  return v;
}

/** An integer argument in [min, max]. */
export function intArg(name: string, v: string | undefined, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  const x = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(x) || x < min || x > max) throw new UsageError(`${name} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return x;
}

/** A finite number argument. */
export function numArg(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = parseValue(v);
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new UsageError(`${name} must be a finite number, got ${JSON.stringify(v)}`);
  return x;
}

/** Parsed flags: strings, and the boolean flags. */
export type Flags = Record<string, string | undefined> & { help?: boolean; json?: boolean; figure?: boolean; overlay?: boolean };

/** node:util parseArgs with --help and --json, its errors as usage errors. */
export function parse(cmd: string, args: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Flags; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    return { values: r.values as unknown as Flags, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(`${cmd}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Writes the SVG and/or the PNG (rendered from the same SVG); returns the paths written. */
export async function writeFigures(svg: string, files: { svg?: string | undefined; png?: string | undefined }): Promise<string[]> {
  const written: string[] = [];
  if (files.svg !== undefined) {
    await writeFile(files.svg, svg);
    written.push(files.svg);
  }
  if (files.png !== undefined) {
    const { svgToPng } = await import('./png.js');
    await writeFile(files.png, await svgToPng(svg));
    written.push(files.png);
  }
  return written;
}

/** Runs a command body: 0 on success, 2 for a usage error (or a library RangeError/TypeError from the options), 1 otherwise. */
export async function guard(cmd: string, err: (s: string) => void, body: () => Promise<void>, usageErrors: (e: unknown) => boolean = () => false): Promise<number> {
  try {
    await body();
    return 0;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (e instanceof UsageError || usageErrors(e)) {
      err(`weightinit ${cmd}: ${msg}\nRun "weightinit ${cmd} --help" for usage.\n`);
      return 2;
    }
    err(`weightinit ${cmd}: ${msg}\n`);
    return 1;
  }
}
