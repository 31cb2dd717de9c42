// .npy: one array per file, as numpy.save writes it and numpy.load reads it.
//
// The format (numpy's "NEP 1" / numpy.lib.format documentation):
//   6 bytes   magic "\x93NUMPY"
//   2 bytes   version: major, minor (1.0: header length u16; 2.0: u32; both little-endian)
//   2|4 bytes HEADER_LEN
//   HEADER_LEN bytes of ASCII: a Python dict literal
//             {'descr': '<f4', 'fortran_order': False, 'shape': (256, 784), }
//             padded with spaces and ended by '\n' so that the data starts at a multiple of 64
//   the data, C order (fortran_order False)
// numpy also leaves room to grow the first axis in place: 21 minus the digits of shape[0]
// extra spaces after the dict. We do the same, so our files are byte-identical to np.save's.
import { open, type FileHandle } from 'node:fs/promises';
import {
  assertLittleEndian,
  atomicWrite,
  BufferPool,
  bufferBytes,
  planTensor,
  readFully,
  readOptions,
  show,
  streamOptions,
  streamTensors,
  writeFully,
  type StreamOptions,
  type TensorSource,
  type WriteDType,
} from './common.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ALIGN = 64;
const GROWTH_DIGITS = 21; // numpy: room for the first axis to grow to any 64-bit count

/** numpy dtype strings of the element types the writer accepts. BF16 has none. */
export const NPY_DESCR: Readonly<Record<Exclude<WriteDType, 'BF16'>, string>> = { F32: '<f4', F64: '<f8', F16: '<f2' };

/** Element types the reader accepts, by numpy `descr`. */
const READ_DESCR = {
  '<f8': { bytes: 8, array: Float64Array },
  '<f4': { bytes: 4, array: Float32Array },
  '<f2': { bytes: 2, array: Uint16Array },
  '<i8': { bytes: 8, array: BigInt64Array },
  '<u8': { bytes: 8, array: BigUint64Array },
  '<i4': { bytes: 4, array: Int32Array },
  '<u4': { bytes: 4, array: Uint32Array },
  '<i2': { bytes: 2, array: Int16Array },
  '<u2': { bytes: 2, array: Uint16Array },
  '|i1': { bytes: 1, array: Int8Array },
  '|u1': { bytes: 1, array: Uint8Array },
  '|b1': { bytes: 1, array: Uint8Array },
} as const;
export type NpyDescr = keyof typeof READ_DESCR;

/** The array type `readNpy` returns (float16 as Uint16Array bit patterns, bool as Uint8Array). */
export type NpyArray = Float64Array | Float32Array | Uint16Array | BigInt64Array | BigUint64Array | Int32Array | Uint32Array | Int16Array | Int8Array | Uint8Array;

const FN_W = 'writeNpy';
const FN_H = 'readNpyHeader';
const FN_R = 'readNpy';

/** The header text (dict, growth room, padding, '\n') and prefix for a shape and descr, as numpy writes it. */
export function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_DIGITS - String(shape[0]).length));
  // version 1.0 has a 16-bit header length; 2.0 (32-bit) only when that does not fit.
  const v1 = pad(dict, 2);
  const [major, lenBytes, text] = v1.length <= 0xffff ? [1, 2, v1] : [2, 4, pad(dict, 4)];
  const out = new Uint8Array(6 + 2 + lenBytes + text.length);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (lenBytes === 2) dv.setUint16(8, text.length, true);
  else dv.setUint32(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[8 + lenBytes + i] = text.charCodeAt(i);
  return out;
}

/** Spaces then '\n' so that magic + version + length field + header is a multiple of 64 (as numpy: 1 to 64 spaces). */
function pad(dict: string, lenBytes: number): string {
  const used = 8 + lenBytes + dict.length + 1;
  return dict + ' '.repeat(ALIGN - (used % ALIGN)) + '\n';
}

/**
 * Writes one tensor to a `.npy` file (C order, little-endian `<f4`, `<f8` or `<f2`), streamed
 * in chunks of `chunkBytes` through at most three reusable buffers, with the same temp file + rename rule as
 * `writeSafetensors`: on any error or abort the target is untouched and no temporary file
 * remains. The source's `name` is not stored (a .npy file holds one unnamed array). The bytes
 * are those `numpy.save` writes for the same array.
 *
 * BF16 has no numpy dtype and is rejected: write F32 (exact for bfloat16 values), F16, or use
 * safetensors, which has BF16.
 */
export async function writeNpy(path: string, source: TensorSource, options?: StreamOptions): Promise<{ path: string; bytes: number; dataOffset: number }> {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${FN_W}: path must be a non-empty string, got ${show(path)}`);
  const opts = streamOptions(FN_W, readOptions(FN_W, options, []));
  const t = planTensor(FN_W, 'source', source);
  if (t.dtype === 'BF16') {
    throw new RangeError(`${FN_W}: source (${JSON.stringify(t.name)}) is BF16, which numpy has no dtype for; write F32 (every bfloat16 value is exact in float32) or F16, or use safetensors (BF16 is one of its dtypes)`);
  }
  assertLittleEndian(FN_W);
  const header = npyHeader(NPY_DESCR[t.dtype], t.shape);
  const total = header.length + t.bytes;
  if (!Number.isSafeInteger(total)) throw new RangeError(`${FN_W}: the file would be more than 2^53 - 1 bytes`);
  opts.signal?.throwIfAborted();
  const pool = new BufferPool(FN_W, bufferBytes([t], opts.chunkBytes), opts.buffer);
  pool.prepare();
  await atomicWrite(path, (fh) => streamTensors(FN_W, fh, { target: path, head: header, dataStart: header.length, tensors: [t], totalBytes: total }, opts, pool));
  return { path, bytes: total, dataOffset: header.length };
}

/** A parsed .npy header. */
export interface NpyHeader {
  readonly version: readonly [number, number];
  readonly descr: NpyDescr;
  readonly shape: readonly number[];
  readonly count: number;
  /** Absolute offset of the data (a multiple of 64 in files numpy or `writeNpy` wrote). */
  readonly dataOffset: number;
  readonly dataBytes: number;
}

function bad(fn: string, file: string, msg: string): Error {
  return new Error(`${fn}(${JSON.stringify(file)}): ${msg}`);
}

/** Parses the Python dict literal of a .npy header: string keys; str, True/False and int-tuple values. */
function parseDict(fn: string, file: string, text: string): Map<string, unknown> {
  let i = 0;
  const fail = (what: string): never => {
    throw bad(fn, file, `header dict: ${what} at character ${i} of ${JSON.stringify(text.trimEnd())}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) fail(`expected ${JSON.stringify(c)}`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') return fail('expected a quoted string');
    const end = text.indexOf(q, i + 1);
    if (end < 0) fail('unterminated string');
    const s = text.slice(i + 1, end);
    if (s.includes('\\')) fail('escapes in strings are not supported');
    i = end + 1;
    return s;
  };
  const int = (): number => {
    ws();
    const m = /^\d+L?/.exec(text.slice(i));
    if (m === null) return fail('expected a non-negative integer');
    i += m[0].length;
    const n = Number(m[0].replace('L', ''));
    if (!Number.isSafeInteger(n)) fail(`integer ${m[0]} is too large`);
    return n;
  };
  const value = (): unknown => {
    ws();
    if (text.startsWith('True', i)) return (i += 4), true;
    if (text.startsWith('False', i)) return (i += 5), false;
    if (text[i] === "'" || text[i] === '"') return str();
    if (text[i] === '(') {
      i++;
      const items: number[] = [];
      for (;;) {
        ws();
        if (text[i] === ')') {
          i++;
          break;
        }
        items.push(int());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') fail('expected "," or ")" in the shape tuple');
      }
      return items;
    }
    return fail('expected a string, True, False or a tuple');
  };
  const out = new Map<string, unknown>();
  expect('{');
  for (;;) {
    ws();
    if (text[i] === '}') {
      i++;
      break;
    }
    const k = str();
    expect(':');
    if (out.has(k)) fail(`key ${JSON.stringify(k)} appears twice`);
    out.set(k, value());
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail('expected "," or "}"');
  }
  ws();
  if (i !== text.length) fail('unexpected text after the dict');
  return out;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

async function readHeaderFrom(fn: string, fh: FileHandle, file: string): Promise<NpyHeader> {
  const size = (await fh.stat()).size;
  const pre = new Uint8Array(Math.min(12, size));
  await readFully(fh, pre, 0, `${fn}(${JSON.stringify(file)})`);
  if (size < 10 || MAGIC.some((b, k) => pre[k] !== b)) throw bad(fn, file, 'not a .npy file (no "\\x93NUMPY" magic)');
  const major = pre[6]!;
  const minor = pre[7]!;
  if (minor !== 0 || (major !== 1 && major !== 2 && major !== 3)) throw bad(fn, file, `unsupported .npy format version ${major}.${minor} (1.0, 2.0 and 3.0 are read)`);
  const dv = new DataView(pre.buffer);
  const lenBytes = major === 1 ? 2 : 4;
  if (size < 8 + lenBytes) throw bad(fn, file, 'the file ends inside the header length');
  const headerLength = lenBytes === 2 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const dataOffset = 8 + lenBytes + headerLength;
  if (dataOffset > size) throw bad(fn, file, `the header (${headerLength} bytes) runs past the end of the ${size}-byte file`);
  const raw = new Uint8Array(headerLength);
  await readFully(fh, raw, 8 + lenBytes, `${fn}(${JSON.stringify(file)})`);
  // 1.0 and 2.0 headers are latin-1, 3.0 headers UTF-8
  const text = major === 3 ? new TextDecoder('utf-8', { fatal: true }).decode(raw) : latin1(raw);
  const dict = parseDict(fn, file, text);
  for (const k of dict.keys()) if (k !== 'descr' && k !== 'fortran_order' && k !== 'shape') throw bad(fn, file, `unexpected header key ${JSON.stringify(k)} (a .npy header has descr, fortran_order and shape)`);
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') throw bad(fn, file, `header descr must be a string, got ${show(descr)}`);
  if (!Object.hasOwn(READ_DESCR, descr)) {
    const hint = descr.startsWith('>') ? ' (big-endian data is not read; convert with arr.astype(arr.dtype.newbyteorder("<")))' : '';
    throw bad(fn, file, `dtype ${JSON.stringify(descr)} is not supported${hint}; supported: ${Object.keys(READ_DESCR).join(', ')}`);
  }
  if (typeof fortran !== 'boolean') throw bad(fn, file, `header fortran_order must be True or False, got ${show(fortran)}`);
  if (fortran) throw bad(fn, file, 'Fortran-order arrays are not read; save np.ascontiguousarray(arr) instead');
  if (!Array.isArray(shape)) throw bad(fn, file, `header shape must be a tuple of integers, got ${show(shape)}`);
  const count = (shape as number[]).reduce((a, d) => a * d, 1);
  const d = READ_DESCR[descr as NpyDescr];
  const dataBytes = count * d.bytes;
  if (!Number.isSafeInteger(dataBytes)) throw bad(fn, file, `shape (${shape.join(', ')}) is too large`);
  if (size - dataOffset !== dataBytes) throw bad(fn, file, `shape (${shape.join(', ')}) of ${descr} is ${dataBytes} bytes, but the file has ${size - dataOffset} after the header`);
  return Object.freeze({ version: Object.freeze([major, minor] as const), descr: descr as NpyDescr, shape: Object.freeze(shape as number[]), count, dataOffset, dataBytes });
}

/** Reads and checks a .npy header (versions 1.0-3.0, little-endian or 1-byte dtypes, C order, data size matching the shape exactly). */
export async function readNpyHeader(path: string): Promise<NpyHeader> {
  const fh = await open(path, 'r');
  try {
    return await readHeaderFrom(FN_H, fh, path);
  } finally {
    await fh.close();
  }
}

/** Reads a .npy file into an owned typed array (float16 as Uint16Array bit patterns). */
export async function readNpy(path: string): Promise<{ header: NpyHeader; shape: readonly number[]; descr: NpyDescr; data: NpyArray }> {
  assertLittleEndian(FN_R);
  const fh = await open(path, 'r');
  try {
    const header = await readHeaderFrom(FN_R, fh, path);
    const buf = new ArrayBuffer(header.dataBytes);
    await readFully(fh, new Uint8Array(buf), header.dataOffset, `${FN_R}(${JSON.stringify(path)})`);
    return { header, shape: header.shape, descr: header.descr, data: new READ_DESCR[header.descr].array(buf) };
  } finally {
    await fh.close();
  }
}
