// Formats a value for an error message without dumping huge arrays or calling user code
// (no getters, toString or Symbol.toPrimitive of the value are invoked).

export function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (v === null || v === undefined || typeof v === 'boolean') return String(v);
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'function') return 'a function';
  let tag: string | undefined;
  try {
    tag = typedArrayTag(v);
  } catch {
    return 'a revoked Proxy';
  }
  if (tag !== undefined) return `${tag}(${typedArrayLength(v)})`;
  let isArr = false;
  try {
    isArr = Array.isArray(v);
  } catch {
    return 'a revoked Proxy';
  }
  if (isArr) return 'an array';
  try {
    return Object.prototype.toString.call(v);
  } catch {
    return 'an object';
  }
}

const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const tagGetter = Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag)!.get!;
const lengthGetter = Object.getOwnPropertyDescriptor(TypedArrayProto, 'length')!.get!;

/** The typed array's real kind ('Float32Array', ...) from its internal slot, any realm; undefined for anything else (Proxies included). */
export function typedArrayTag(v: unknown): string | undefined {
  return tagGetter.call(v) as string | undefined;
}

/** A typed array's real length (the built-in getter, not an own or inherited override). */
export function typedArrayLength(v: unknown): number {
  return lengthGetter.call(v) as number;
}
