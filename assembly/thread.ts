// Per-thread scratch for instances that share one memory (the shared build, used by the
// worker pool): each thread's kernels use their own region for block seeds, partial blocks
// and rejected-lane lists. The main thread keeps the static areas; a worker calls
// setThreadScratch once with a region the TS heap allocated for it.
import { RNG_SCRATCH_BYTES, setRngScratch } from './rng';
import { TRUNC_SCRATCH_BYTES, setTruncScratch } from './truncnormal';

/** Bytes of per-thread scratch a worker needs (64-byte aligned parts). */
export function threadScratchBytes(): i32 {
  return RNG_SCRATCH_BYTES + TRUNC_SCRATCH_BYTES;
}

/** Points this instance's scratch at [base, base + threadScratchBytes()). */
export function setThreadScratch(base: usize): void {
  setRngScratch(base);
  setTruncScratch(base + <usize>RNG_SCRATCH_BYTES);
}
