// Input validation. Every public entry point validates here, before any kernel runs or any
// memory is allocated; errors name the function, the bad value and what is allowed.

/** Formats a value for an error message without dumping huge arrays. */
export function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v === null || v === undefined || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    const items = v.slice(0, 8).map(show).join(', ');
    return `[${items}${v.length > 8 ? ', …' : ''}]`;
  }
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${(v as unknown as { length: number }).length})`;
  if (typeof v === 'function') return 'a function';
  return Object.prototype.toString.call(v);
}

/** Throws a TypeError for option names that the function does not know (typos included). */
export function checkOptionNames(fn: string, opts: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw new TypeError(`${fn}: options must be an object, got ${show(opts)}`);
  }
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) {
      throw new TypeError(`${fn}: unknown option ${JSON.stringify(k)}; valid options are ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    }
  }
  return opts as Record<string, unknown>;
}

/** A shape: an array of non-negative safe integers whose product is a safe integer. */
export function checkShape(fn: string, shape: unknown, minRank = 0): number[] {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${fn}: shape must be an array of non-negative integers, got ${show(shape)}`);
  }
  let size = 1;
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(`${fn}: shape[${i}] must be a non-negative integer, got ${show(d)} in shape ${show(shape)}`);
    }
    size *= d;
  });
  if (!Number.isSafeInteger(size)) {
    throw new RangeError(`${fn}: shape ${show(shape)} has ${size} elements, more than Number.MAX_SAFE_INTEGER`);
  }
  if (shape.length < minRank) {
    throw new RangeError(`${fn}: shape ${show(shape)} has ${shape.length} dimension(s); at least ${minRank} are needed`);
  }
  return shape.slice() as number[];
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
  return v;
}

/** A [start, end) element range inside a tensor of `size` elements. Default: the whole tensor. */
export function checkRange(fn: string, v: unknown, size: number): [number, number] {
  if (v === undefined) return [0, size];
  if (!Array.isArray(v) || v.length !== 2) {
    throw new TypeError(`${fn}: range must be [start, end] with 0 <= start <= end <= ${size}, got ${show(v)}`);
  }
  const [s, e] = v as unknown[];
  if (typeof s !== 'number' || typeof e !== 'number' || !Number.isSafeInteger(s) || !Number.isSafeInteger(e) || s < 0 || s > e || e > size) {
    throw new RangeError(`${fn}: range must be [start, end] integers with 0 <= start <= end <= ${size} (the tensor's size), got ${show(v)}`);
  }
  return [s, e];
}

/** Validates a caller-owned output array: right type, exactly `length` elements. */
export function checkOut<T extends ArrayBufferView>(fn: string, v: unknown, ctor: { new (n: number): T; name: string }, length: number): T {
  if (!(v instanceof (ctor as unknown as abstract new (...a: never[]) => unknown))) {
    throw new TypeError(`${fn}: out must be a ${ctor.name}, got ${show(v)}`);
  }
  const len = (v as unknown as { length: number }).length;
  if (len !== length) {
    throw new RangeError(`${fn}: out has ${len} elements, but ${length} are to be written (the tensor's size, or end - start of range)`);
  }
  return v as T;
}
