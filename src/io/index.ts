// The file layer (Node only: node:fs). Exported from the package's io subpath, never from the
// runtime-neutral main entry. Nothing here imports the initializers: a TensorSource is the
// whole contract between the two.
export { arraySource, halfBits, DEFAULT_CHUNK_BYTES, WRITE_DTYPES, ELEMENT_BYTES } from './common.js';
export type { Float16ArrayLike, StreamOptions, TensorOut, TensorSource, WriteDType, WriteProgress } from './common.js';
export {
  INDEX_FILE,
  MAX_HEADER_BYTES,
  SAFETENSORS_DTYPE_BYTES,
  iterateTensors,
  planShards,
  readSafetensorsHeader,
  readTensor,
  shardFileName,
  writeSafetensors,
  writeShardedSafetensors,
} from './safetensors.js';
export type {
  SafetensorsArray,
  SafetensorsDType,
  SafetensorsHeader,
  SafetensorsTensor,
  SafetensorsTensorInfo,
  ShardIndex,
  ShardPlan,
  ShardedSummary,
  WriteSafetensorsOptions,
  WriteShardedOptions,
  WriteSummary,
} from './safetensors.js';
export { NPY_DESCR, npyHeader, readNpy, readNpyHeader, writeNpy } from './npy.js';
export type { NpyArray, NpyDescr, NpyHeader } from './npy.js';
