// The wasm linear-memory heap. Kernels never allocate: this first-fit allocator with
// coalescing, written in TypeScript, hands out 64-byte aligned regions and grows the memory.

const PAGE = 65536;
const ALIGN = 64;
/** wasm32 ends at 4 GiB (65536 pages); the module declares that maximum. */
export const MAX_BYTES = 65536 * PAGE;

interface Span {
  ptr: number;
  size: number;
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  readonly resizable: boolean;
  /** Free spans, sorted by address, never adjacent (coalesced). */
  #free: Span[] = [];
  /** Live allocations: pointer -> size. */
  #live = new Map<number, number>();
  /** Everything at or above `top` is untouched. */
  #top: number;

  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.#top = align(base);
    // Where the runtime can (Chromium, Deno, Bun, workerd; not Node 20), make memory.buffer a
    // resizable ArrayBuffer: views over it then survive memory.grow instead of detaching.
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
    this.resizable = resizable;
  }

  /** Bytes currently handed out. */
  get liveBytes(): number {
    let n = 0;
    for (const s of this.#live.values()) n += s;
    return n;
  }

  get liveCount(): number {
    return this.#live.size;
  }

  /** Allocates `bytes` (rounded up to 64); throws RangeError when wasm32 memory cannot hold it. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, align(bytes));
    for (let i = 0; i < this.#free.length; i++) {
      const s = this.#free[i]!;
      if (s.size >= size) {
        const ptr = s.ptr;
        if (s.size === size) this.#free.splice(i, 1);
        else {
          s.ptr += size;
          s.size -= size;
        }
        this.#live.set(ptr, size);
        return ptr;
      }
    }
    // No free span fits: take from the top, extending a free span that ends there.
    let ptr = this.#top;
    const last = this.#free[this.#free.length - 1];
    if (last && last.ptr + last.size === this.#top) {
      ptr = last.ptr;
      this.#free.pop();
    }
    const end = ptr + size;
    if (end > MAX_BYTES) {
      if (ptr !== this.#top) this.#insertFree(ptr, this.#top - ptr);
      throw new RangeError(
        `weightinit: cannot allocate ${bytes} bytes in wasm memory (wasm32 ends at 4 GiB; ${this.liveBytes} bytes are live). ` +
          'Free tensors you no longer need, or fill a caller-owned array with the out option.',
      );
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      try {
        this.memory.grow(pages);
      } catch (err) {
        if (ptr !== this.#top) this.#insertFree(ptr, this.#top - ptr);
        throw new RangeError(`weightinit: the runtime refused to grow wasm memory by ${pages} pages for ${bytes} bytes (${String(err)}). Use the out option for very large tensors.`);
      }
    }
    this.#top = Math.max(this.#top, end);
    this.#live.set(ptr, size);
    return ptr;
  }

  free(ptr: number): void {
    const size = this.#live.get(ptr);
    if (size === undefined) throw new Error(`weightinit: internal error, freeing unknown pointer ${ptr}`);
    this.#live.delete(ptr);
    this.#insertFree(ptr, size);
  }

  #insertFree(ptr: number, size: number): void {
    const f = this.#free;
    let lo = 0;
    let hi = f.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (f[mid]!.ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    f.splice(lo, 0, { ptr, size });
    // coalesce with the next, then the previous span
    const cur = f[lo]!;
    const next = f[lo + 1];
    if (next && cur.ptr + cur.size === next.ptr) {
      cur.size += next.size;
      f.splice(lo + 1, 1);
    }
    const prev = f[lo - 1];
    if (prev && prev.ptr + prev.size === cur.ptr) {
      prev.size += cur.size;
      f.splice(lo, 1);
    }
    // give the topmost span back to the untouched region
    const last = f[f.length - 1];
    if (last && last.ptr + last.size === this.#top) {
      this.#top = last.ptr;
      f.pop();
    }
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
