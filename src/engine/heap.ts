// The wasm linear-memory heap. Kernels never allocate: this allocator, written in TypeScript,
// hands out 64-byte aligned regions and grows the memory.
//
// - Free spans are indexed by start and by end (coalescing in O(1)) and binned by size class
//   (4 classes per power of two), so finding space does not scan the free list: an
//   allocation looks at a few spans of its own class, then takes any span of a larger class,
//   and scans its own class fully only when nothing larger is free.
// - Memory grows geometrically (by at least half its size, up to the wasm32 limit), so a
//   program that allocates N bytes in small pieces grows it O(log N) times.
// - Regions of tensors the program dropped without free() (the FinalizationRegistry
//   backstop) are reused only when no view can still read them: see `release` and
//   docs/memory.md.

const PAGE = 65536;
const ALIGN = 64;
/** wasm32 ends at 4 GiB (65536 pages); the module declares that maximum. */
export const MAX_BYTES = 65536 * PAGE;
/** Spans of the request's own class looked at before taking a span of a larger class. */
const PROBE = 16;

/** "weightinit.normal: [8, 8] (…) " from "weightinit.normal([8, 8]) (…)": errors start with the method's name. */
function prefix(what: string): string {
  const m = /^(weightinit\.\w+) \((.*)\)$/.exec(what);
  return m === null ? `weightinit: ${what} ` : `${m[1]}: ${m[2]} `;
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/** Size class: 4 per power of two (exact for sizes that are multiples of 64). */
function classOf(size: number): number {
  const e = 31 - Math.clz32(size / ALIGN);
  const sub = e >= 2 ? ((size / ALIGN) >>> (e - 2)) & 3 : 0;
  return e * 4 + sub;
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  /** True where views survive memory.grow (memory.toResizableBuffer worked, or the memory is shared). */
  readonly resizable: boolean;
  /** Everything at or above `top` is untouched. */
  #top: number;
  #freeByStart = new Map<number, number>();
  #freeByEnd = new Map<number, number>();
  #bins: Set<number>[] = [];
  #live = new Map<number, number>();
  #liveBytes = 0;
  /** Regions of dropped tensors whose views may still exist: reusable after the buffer is replaced. */
  #quarantine: number[] = [];
  #grows = 0;
  /** Whether the memory is shared (its buffers are SharedArrayBuffers). */
  #shared: boolean;
  /** Every buffer object a shared memory has had (ownsBuffer). */
  #buffers = new WeakSet<object>();

  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.#top = align(base);
    const m = memory as WebAssembly.Memory & { toResizableBuffer?: () => ArrayBuffer };
    let resizable = false;
    if (typeof m.toResizableBuffer === 'function') {
      try {
        m.toResizableBuffer();
        resizable = true;
      } catch {
        resizable = false;
      }
    }
    // shared memory (the worker pool's build): growth never detaches a SharedArrayBuffer's views
    this.#shared = Object.prototype.toString.call(memory.buffer) === '[object SharedArrayBuffer]';
    this.resizable = resizable || this.#shared;
    if (this.#shared) this.#buffers.add(memory.buffer);
  }

  /**
   * Whether `b` is this memory's buffer: the current one, or (shared memory) one it had before a
   * growth. A shared memory's growth gives `memory.buffer` a new SharedArrayBuffer object where
   * the runtime has no resizable buffers (Node before 26), but views made over an earlier object
   * still see the same memory, so a view of any of them lies in this memory.
   */
  ownsBuffer(b: unknown): boolean {
    return b === this.memory.buffer || (this.#shared && typeof b === 'object' && b !== null && this.#buffers.has(b));
  }

  /** Bytes currently handed out (including quarantined regions). */
  get liveBytes(): number {
    return this.#liveBytes;
  }
  /** Regions currently handed out (including quarantined ones). */
  get liveCount(): number {
    return this.#live.size;
  }
  /** How many times this heap grew the wasm memory. */
  get grows(): number {
    return this.#grows;
  }
  /** Regions waiting until no view can read them. */
  get quarantined(): number {
    return this.#quarantine.length;
  }

  /** Allocates `bytes` (rounded up to 64); throws RangeError when wasm32 memory cannot hold it. */
  alloc(bytes: number, what = 'this call'): number {
    const size = Math.max(ALIGN, align(bytes));
    const span = this.#findFree(size);
    if (span >= 0) {
      const have = this.#freeByStart.get(span)!;
      this.#removeFree(span, have);
      if (have > size) this.#addFree(span + size, have - size);
      return this.#hand(span, size);
    }
    // take from the top, extending a free span that ends there
    let ptr = this.#top;
    const below = this.#freeByEnd.get(this.#top);
    if (below !== undefined) {
      ptr = below;
      this.#removeFree(below, this.#top - below);
    }
    const end = ptr + size;
    if (end > MAX_BYTES) {
      if (ptr !== this.#top) this.#addFree(ptr, this.#top - ptr);
      throw new RangeError(
        `${prefix(what)}needs ${bytes} bytes of wasm memory, and wasm32 memory ends at 4 GiB (${this.#liveBytes} bytes are live). ` +
          'Free tensors you no longer need.',
      );
    }
    let grew: boolean;
    try {
      grew = this.#ensure(end);
    } catch (err) {
      if (ptr !== this.#top) this.#addFree(ptr, this.#top - ptr);
      throw new RangeError(`${prefix(what)}needs wasm memory grown to ${end} bytes, and the runtime refused (${String(err)}). Free tensors you no longer need.`);
    }
    this.#top = end;
    const handed = this.#hand(ptr, size);
    // after the region is handed out and the top moved: freeing quarantined regions may lower the top
    if (grew) this.#drainQuarantine();
    return handed;
  }

  free(ptr: number): void {
    const size = this.#live.get(ptr);
    if (size === undefined) throw new Error(`weightinit: internal error, freeing unknown pointer ${ptr}`);
    this.#live.delete(ptr);
    this.#liveBytes -= size;
    this.#insertFree(ptr, size);
  }

  /**
   * Releases a region the program can no longer reach by itself but that a view derived from
   * it (a subarray, or a view built from its byteOffset) may still read. Where memory growth
   * detaches old views (no resizable buffers), the region is reused once the memory has grown
   * (every view over the old buffer then reads length 0, never new values). Where views
   * survive growth, no moment is provably safe: the region is never reused.
   */
  release(ptr: number): void {
    if (!this.#live.has(ptr)) return;
    if (!this.resizable) this.#quarantine.push(ptr);
  }

  /** Makes sure memory is at least `end` bytes, growing by at least half its size; true if it grew. */
  #ensure(end: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return false;
    const need = Math.ceil((end - have) / PAGE);
    const havePages = have / PAGE;
    const want = Math.min(Math.max(need, Math.ceil(havePages / 2)), MAX_BYTES / PAGE - havePages);
    try {
      this.memory.grow(want);
    } catch (err) {
      if (want === need) throw err;
      this.memory.grow(need); // the runtime may cap memory below 4 GiB: take only what is needed
    }
    this.#grows++;
    if (this.#shared) this.#buffers.add(this.memory.buffer);
    return true;
  }

  /** After a growth: every view over the old buffer is detached, so quarantined regions can be reused. */
  #drainQuarantine(): void {
    if (this.resizable || this.#quarantine.length === 0) return;
    const q = this.#quarantine;
    this.#quarantine = [];
    for (const p of q) this.free(p);
  }

  #hand(ptr: number, size: number): number {
    this.#live.set(ptr, size);
    this.#liveBytes += size;
    return ptr;
  }

  #findFree(size: number): number {
    const c = classOf(size);
    const own = this.#bins[c];
    if (own !== undefined && own.size > 0) {
      let probes = 0;
      for (const p of own) {
        if (this.#freeByStart.get(p)! >= size) return p;
        if (++probes >= PROBE) break;
      }
    }
    for (let k = c + 1; k < this.#bins.length; k++) {
      const bin = this.#bins[k];
      if (bin !== undefined && bin.size > 0) return bin.values().next().value!;
    }
    if (own !== undefined && own.size > PROBE) {
      for (const p of own) if (this.#freeByStart.get(p)! >= size) return p;
    }
    return -1;
  }

  #addFree(ptr: number, size: number): void {
    this.#freeByStart.set(ptr, size);
    this.#freeByEnd.set(ptr + size, ptr);
    const c = classOf(size);
    while (this.#bins.length <= c) this.#bins.push(new Set());
    this.#bins[c]!.add(ptr);
  }

  #removeFree(ptr: number, size: number): void {
    this.#freeByStart.delete(ptr);
    this.#freeByEnd.delete(ptr + size);
    this.#bins[classOf(size)]!.delete(ptr);
  }

  /** Frees a span, merging it with free neighbours and giving a topmost span back to the top. */
  #insertFree(ptr: number, size: number): void {
    const next = this.#freeByStart.get(ptr + size);
    if (next !== undefined) {
      this.#removeFree(ptr + size, next);
      size += next;
    }
    const prev = this.#freeByEnd.get(ptr);
    if (prev !== undefined) {
      this.#removeFree(prev, ptr - prev);
      size += ptr - prev;
      ptr = prev;
    }
    if (ptr + size === this.#top) this.#top = ptr;
    else this.#addFree(ptr, size);
  }
}
