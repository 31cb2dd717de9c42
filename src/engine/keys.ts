// Seeds and tensor keys (docs/stream.md, "Keys"). A tensor key is a 64-bit number handed to
// the kernels as two uint32 halves; every value is a pure function of (key, parameters, index).
import { show } from '../init/show.js';

export interface Key {
  readonly lo: number;
  readonly hi: number;
}

const MASK64 = (1n << 64n) - 1n;
const GAMMA = 0x9e3779b97f4a7c15n; // splitmix64 increment (Steele, Lea & Flood 2014)
/** XORed into the root seed so spawned keys never walk the stream of `seed: root`. */
const SPAWN_DOMAIN = 0x5745494748544e49n; // "WEIGHTNI"
/** XORed into the root seed for named keys, a stream of its own. */
const NAME_DOMAIN = 0x4e414d454b455953n; // "NAMEKEYS"
const FNV_OFFSET = 0xcbf29ce484222325n; // FNV-1a 64-bit offset basis
const FNV_PRIME = 0x100000001b3n; // FNV-1a 64-bit prime

export function keyFromBigInt(v: bigint): Key {
  return { lo: Number(v & 0xffffffffn), hi: Number((v >> 32n) & 0xffffffffn) };
}

/** Validates a seed: a non-negative safe integer or a bigint in [0, 2^64 - 1]. */
export function parseSeed(fn: string, seed: unknown, name = 'seed'): bigint {
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed > MASK64) {
      throw new RangeError(`${fn}: ${name} must be a non-negative safe integer or a bigint in [0, 2^64-1], got ${show(seed)}`);
    }
    return seed;
  }
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new RangeError(`${fn}: ${name} must be a non-negative safe integer (0 to ${Number.MAX_SAFE_INTEGER}) or a bigint in [0, 2^64-1], got ${show(seed)}`);
    }
    return BigInt(seed);
  }
  throw new TypeError(`${fn}: ${name} must be a non-negative integer or bigint, got ${show(seed)}`);
}

/** splitmix64's output function (Steele, Lea & Flood 2014). */
export function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** A random 64-bit root seed from the platform's CSPRNG. */
export function randomRoot(): bigint {
  const w = new Uint32Array(2);
  globalThis.crypto.getRandomValues(w);
  return (BigInt(w[1]!) << 32n) | BigInt(w[0]!);
}

/** Validates a tensor name: a non-empty, well-formed string (its UTF-8 bytes are hashed). */
export function parseName(fn: string, name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`${fn}: name must be a non-empty string (the tensor's name, e.g. "fc1.weight"), got ${show(name)}`);
  if (name.length === 0) throw new RangeError(`${fn}: name must be a non-empty string (the tensor's name, e.g. "fc1.weight"), got ""`);
  if (!isWellFormed(name)) throw new RangeError(`${fn}: name ${show(name)} contains a lone UTF-16 surrogate; it has no UTF-8 encoding to derive a key from`);
  return name;
}

function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** FNV-1a 64 over the UTF-8 bytes of s. */
export function fnv1a64(s: string): bigint {
  let h = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(s)) h = ((h ^ BigInt(byte)) * FNV_PRIME) & MASK64;
  return h;
}

/**
 * The key of the tensor called `name` under root seed `root`:
 * mix64(mix64(root XOR "NAMEKEYS") XOR fnv1a64(utf8(name))). Independent of every other
 * tensor, so adding, removing or reordering tensors changes no other tensor's values.
 */
export function namedKey(root: bigint, name: string): bigint {
  return mix64(mix64((root ^ NAME_DOMAIN) & MASK64) ^ fnv1a64(name));
}

/**
 * Hands out tensor keys in sequence from a root seed: key n = splitmix64 output n of
 * (root XOR "WEIGHTNI"). Reproducible: the same root gives the same keys in the same order.
 * `peek()` shows the next key without taking it; a call takes it with `advance()` only once
 * it has succeeded, so a failed call never moves the sequence.
 */
export class KeySequence {
  #state: bigint;
  readonly root: bigint;
  constructor(root: bigint) {
    this.root = root;
    this.#state = (root ^ SPAWN_DOMAIN) & MASK64;
  }
  peek(): Key {
    return keyFromBigInt(mix64((this.#state + GAMMA) & MASK64));
  }
  advance(): void {
    this.#state = (this.#state + GAMMA) & MASK64;
  }
}
