// Seeds and keys. A tensor key is a 64-bit number handed to the kernels as two uint32 halves.
import { show } from './validate.js';

export interface Key {
  readonly lo: number;
  readonly hi: number;
}

const MASK64 = (1n << 64n) - 1n;
const GAMMA = 0x9e3779b97f4a7c15n; // splitmix64 increment
/** XORed into the root seed so spawned keys never walk the stream of `seed: root`. */
const SPAWN_DOMAIN = 0x5745494748544e49n; // "WEIGHTNI"

export function keyFromBigInt(v: bigint): Key {
  return { lo: Number(v & 0xffffffffn), hi: Number((v >> 32n) & 0xffffffffn) };
}

export function keyToBigInt(k: Key): bigint {
  return (BigInt(k.hi >>> 0) << 32n) | BigInt(k.lo >>> 0);
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

/**
 * Hands out tensor keys in sequence from a root seed: key n = splitmix64 output n of
 * (root XOR "WEIGHTNI"). Reproducible: the same root gives the same keys in the same order.
 */
export class KeySequence {
  #state: bigint;
  readonly root: bigint;
  constructor(root: bigint) {
    this.root = root;
    this.#state = (root ^ SPAWN_DOMAIN) & MASK64;
  }
  next(): Key {
    this.#state = (this.#state + GAMMA) & MASK64;
    return keyFromBigInt(mix64(this.#state));
  }
}
