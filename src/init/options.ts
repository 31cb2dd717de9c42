// Reading caller input. Every input is read exactly once, into plain values, and validated
// as that copy: a getter, Proxy or overridden array method cannot show validation one value
// and the kernel another. Only own, enumerable data properties of plain objects count;
// inherited properties (Object.prototype pollution included) are never read. Errors name the
// function, the bad value and what is allowed, and are thrown before anything is allocated,
// written or drawn.
import { show, typedArrayTag } from './show.js';

export { show };

/** Options as read: a null-prototype record of own data values. */
export type Opts = Readonly<Record<string, unknown>>;

/** Array.isArray that turns a revoked Proxy into a clear TypeError. */
export function isArray(fn: string, name: string, v: unknown): v is unknown[] {
  try {
    return Array.isArray(v);
  } catch {
    throw new TypeError(`${fn}: ${name} is a revoked Proxy`);
  }
}

/** Object.prototype of this realm or another: no prototype of its own, and it is its constructor's prototype. */
function isObjectPrototype(proto: object): boolean {
  if (proto === Object.prototype) return true;
  if (Object.getPrototypeOf(proto) !== null) return false;
  const d = Object.getOwnPropertyDescriptor(proto, 'constructor');
  const ctor = d !== undefined && 'value' in d ? (d.value as unknown) : undefined;
  if (typeof ctor !== 'function') return false;
  const p = Object.getOwnPropertyDescriptor(ctor, 'prototype');
  return p !== undefined && 'value' in p && p.value === proto && Object.getOwnPropertyDescriptor(ctor, 'name')?.value === 'Object';
}

/** A plain object: `{ ... }` of any realm, or a null-prototype object (never a class instance, Map, Date, ...). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  if (Object.prototype.toString.call(v) !== '[object Object]') return false;
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || isObjectPrototype(proto);
}

/**
 * Reads an options object once: a plain object (or undefined) whose own keys are all in
 * `allowed`, every one an enumerable data property. Returns a null-prototype copy; a value
 * of `undefined` counts as absent. Array values are copied too (see `readList`; at most
 * `maxList` entries, 64 unless given).
 */
export function readOptions(fn: string, opts: unknown, allowed: readonly string[], maxList = 64): Opts {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (opts === undefined) return out;
  if (opts === null || typeof opts !== 'object' || isArray(fn, 'options', opts) || !isPlainObject(opts)) {
    throw new TypeError(`${fn}: options must be a plain object ({ ... }), got ${show(opts)}`);
  }
  for (const key of Reflect.ownKeys(opts)) {
    if (typeof key === 'symbol') throw new TypeError(`${fn}: options must have string keys only, got a symbol key (${String(key.description)})`);
    if (!allowed.includes(key)) {
      throw new TypeError(`${fn}: unknown option ${JSON.stringify(key)}; valid options are ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    }
    const d = Reflect.getOwnPropertyDescriptor(opts, key);
    if (d === undefined) continue; // a Proxy that listed a key it does not have
    if (!('value' in d)) throw new TypeError(`${fn}: option ${JSON.stringify(key)} is a getter/setter; pass a plain value`);
    if (d.enumerable !== true) throw new TypeError(`${fn}: option ${JSON.stringify(key)} is not enumerable; pass a plain object literal`);
    if (d.value !== undefined) out[key] = isArray(fn, `option ${JSON.stringify(key)}`, d.value) ? readList(fn, key, d.value, maxList) : d.value;
  }
  return Object.freeze(out);
}

/**
 * Reads an array once into a plain array of its values: length read once, every index read
 * once as an own data property. Holes and accessor elements are errors; more than `max`
 * entries (64 unless given) is a RangeError.
 */
export function readList(fn: string, name: string, v: unknown, max = 64): unknown[] {
  if (!isArray(fn, name, v)) throw new TypeError(`${fn}: ${name} must be an array, got ${show(v)}`);
  const lenDesc = Reflect.getOwnPropertyDescriptor(v, 'length');
  const len = lenDesc !== undefined && 'value' in lenDesc ? (lenDesc.value as unknown) : undefined;
  if (typeof len !== 'number' || !Number.isSafeInteger(len) || len < 0) throw new TypeError(`${fn}: ${name} must be an array, got ${show(v)}`);
  if (len > max) throw new RangeError(`${fn}: ${name} has ${len} entries; at most ${max} are allowed`);
  const out: unknown[] = [];
  for (let i = 0; i < len; i++) {
    const d = Reflect.getOwnPropertyDescriptor(v, i);
    if (d === undefined) throw new TypeError(`${fn}: ${name}[${i}] is a hole (an empty slot, e.g. [3, , 4]); every entry must be given`);
    if (!('value' in d)) throw new TypeError(`${fn}: ${name}[${i}] is a getter; pass plain values`);
    out.push(d.value);
  }
  return out;
}

/** A shape as read: plain non-negative safe integers whose product is a safe integer. */
export function readShape(fn: string, shape: unknown, minRank = 0): number[] {
  if (!isArray(fn, 'shape', shape)) throw new TypeError(`${fn}: shape must be an array of non-negative integers, got ${show(shape)}`);
  const list = readList(fn, 'shape', shape);
  const dims: number[] = [];
  let size = 1;
  list.forEach((d, i) => {
    if (typeof d !== 'number') throw new TypeError(`${fn}: shape[${i}] must be a non-negative integer, got ${show(d)} in shape ${showList(list)}`);
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(`${fn}: shape[${i}] must be a non-negative integer, got ${show(d)} in shape ${showList(list)}`);
    }
    dims.push(d === 0 ? 0 : d); // -0 becomes 0
    size *= d;
  });
  if (!Number.isSafeInteger(size)) {
    throw new RangeError(`${fn}: shape ${showList(dims)} has ${size} elements, more than Number.MAX_SAFE_INTEGER`);
  }
  if (dims.length < minRank) {
    throw new RangeError(`${fn}: shape ${showList(dims)} has ${dims.length} dimension(s); at least ${minRank} are needed`);
  }
  return dims;
}

/** Formats a list that was already read (plain values). */
export function showList(list: readonly unknown[]): string {
  const items = list.slice(0, 8).map(show).join(', ');
  return `[${items}${list.length > 8 ? ', …' : ''}]`;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A finite number option, with a default when absent. */
export function num(fn: string, name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number') throw new TypeError(`${fn}: ${name} must be a number, got ${show(v)}`);
  if (!Number.isFinite(v)) throw new RangeError(`${fn}: ${name} must be a finite number, got ${show(v)}`);
  return v;
}

/** A finite float32 option: the value must stay finite after rounding to float32. */
export function f32(fn: string, name: string, v: unknown, dflt: number): number {
  const x = num(fn, name, v, dflt);
  const r = Math.fround(x);
  if (!Number.isFinite(r)) {
    throw new RangeError(`${fn}: ${name} must be representable as a finite float32 (|x| <= 3.4028234663852886e38), got ${show(v)}`);
  }
  return r;
}

/** A non-negative safe integer count. */
export function count(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new (typeof v === 'number' ? RangeError : TypeError)(`${fn}: ${name} must be a non-negative integer, got ${show(v)}`);
  }
  return v === 0 ? 0 : v;
}

/** One of a fixed set of strings; `dflt` when absent. null is never "absent": it is a TypeError. */
export function choice<T extends string>(fn: string, name: string, v: unknown, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new (typeof v === 'string' ? RangeError : TypeError)(`${fn}: ${name} must be one of ${allowed.map((m) => JSON.stringify(m)).join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

/** A [start, end) element range inside a tensor of `size` elements. Default: the whole tensor. */
export function readRange(fn: string, v: unknown, size: number): [number, number] {
  if (v === undefined) return [0, size];
  const list = isArray(fn, 'range', v) ? readList(fn, 'range', v) : undefined;
  if (list === undefined || list.length !== 2) {
    throw new TypeError(`${fn}: range must be [start, end] with 0 <= start <= end <= ${size}, got ${list !== undefined ? showList(list) : show(v)}`);
  }
  const [s, e] = list;
  if (typeof s !== 'number' || typeof e !== 'number' || !Number.isSafeInteger(s) || !Number.isSafeInteger(e) || s < 0 || s > e || e > size) {
    throw new RangeError(`${fn}: range must be [start, end] integers with 0 <= start <= end <= ${size} (the tensor's size), got ${showList(list)}`);
  }
  return [s === 0 ? 0 : s, e === 0 ? 0 : e];
}

/** A typed array of one of the accepted kinds (by its internal tag, so arrays from any realm count). */
export function readOut(fn: string, v: unknown, kinds: readonly string[], length: number, lengthOf: (a: unknown) => number): ArrayBufferView {
  const tag = typedArrayTag(v);
  if (tag === undefined || !kinds.includes(tag)) {
    throw new TypeError(`${fn}: out must be a ${kinds.join(' or ')}, got ${show(v)}`);
  }
  const len = lengthOf(v);
  if (len !== length) {
    const detached = len === 0 ? ' (its buffer may be detached: transferred, or an old view of wasm memory that has grown)' : '';
    throw new RangeError(`${fn}: out has ${len} elements${detached}, but ${length} are to be written (the tensor's size, or end - start of range)`);
  }
  return v as ArrayBufferView;
}

/** Fan modes, with PyTorch's snake_case spellings. */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg' | 'fanGeoAvg' | 'fan_in' | 'fan_out' | 'fan_avg' | 'fan_geo_avg';
export type CanonicalMode = 'fanIn' | 'fanOut' | 'fanAvg' | 'fanGeoAvg';
const MODE_OF: Readonly<Record<FanMode, CanonicalMode>> = {
  fanIn: 'fanIn', fanOut: 'fanOut', fanAvg: 'fanAvg', fanGeoAvg: 'fanGeoAvg',
  fan_in: 'fanIn', fan_out: 'fanOut', fan_avg: 'fanAvg', fan_geo_avg: 'fanGeoAvg',
};
export const ALL_MODES = Object.keys(MODE_OF) as FanMode[];
export const IN_OUT_MODES: readonly FanMode[] = ['fanIn', 'fanOut', 'fan_in', 'fan_out'];

/** A fan mode among `allowed` (default fanIn), canonicalised. */
export function readMode(fn: string, v: unknown, allowed: readonly FanMode[] = ALL_MODES): CanonicalMode {
  return MODE_OF[choice(fn, 'mode', v, allowed, 'fanIn')];
}

export type Distribution = 'normal' | 'truncatedNormal' | 'uniform';

/** A gain or scale factor that multiplies float32 values: a number whose float32 is finite (default 1). */
export function readGain(fn: string, v: unknown, name = 'gain'): number {
  return f32(fn, name, v, 1);
}

/** A number >= 0 (default `dflt`). */
export function nonNegative(fn: string, name: string, v: unknown, dflt: number): number {
  const x = num(fn, name, v, dflt);
  if (x < 0) throw new RangeError(`${fn}: ${name} must be >= 0, got ${show(v)}`);
  return x;
}

/** A positive integer (default `dflt`). */
export function positiveInt(fn: string, name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new (typeof v === 'number' ? RangeError : TypeError)(`${fn}: ${name} must be a positive integer, got ${show(v)}`);
  }
  return v;
}
