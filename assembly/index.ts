// The one wasm module and its complete export list: exactly the kernels below, nothing else
// (constants and @inline helpers of the kernel files stay internal). src/engine/abi.ts types
// the same list, and test/abi.test.ts checks that the two agree.
//
// ABI: pointers and counts only. Kernels never allocate and never validate; the TypeScript
// side does both. Fillers write elements [start, start + count) of a tensor's flat index
// space at `out`, the key given as two uint32 halves.
export { heapBase, fillU32, fillUniform, fillNormal, blockWords, splitmix64At } from './rng';
export { fillTruncNormal, normalQuantile, normalUpperTail } from './truncnormal';
export { fillTruncNormalFast } from './truncnormal';
export { f32ToF16, f32ToBf16, f32ToF64 } from './convert';
export { orthoPanelRows, orthoScratchBytes, orthoNorms, orthoProject, orthoIntra, transposeScale, scaleInPlace } from './orthogonal';
export { sparseMaskBytes, sparseMask, sparseApply } from './sparse';
export { threadScratchBytes, setThreadScratch } from './thread';
export { clampHalfBits } from './halfclamp';
export { labLinearForward, labLinearBackwardInput, labLinearBackwardWeight, labColumnSums, labAxpy, labMul, labActivate, labActDerivative } from './lab';
export { statsF32, statsBf16, statsF16 } from './stats';
