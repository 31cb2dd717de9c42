// A minimal protobuf writer for ONNX models, enough for the adapter tests: a graph of a few
// nodes whose inputs (weights included) are fed at run time. Field numbers from onnx.proto
// (ModelProto, GraphProto, NodeProto, ValueInfoProto, TypeProto, TensorShapeProto,
// AttributeProto, OperatorSetIdProto). No package: the wire format is varints and
// length-delimited bytes.

type Bytes = number[];

function varint(n: number): Bytes {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint: ${n}`);
  const out: Bytes = [];
  while (n > 127) {
    out.push((n % 128) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** Wire type 0 (varint): int32, int64, enum. */
const int = (field: number, v: number): Bytes => [...varint((field << 3) | 0), ...varint(v)];
/** Wire type 2 (length-delimited): bytes, string, embedded message. */
const len = (field: number, b: Bytes | Uint8Array): Bytes => [...varint((field << 3) | 2), ...varint(b.length), ...b];
const str = (field: number, s: string): Bytes => len(field, new TextEncoder().encode(s));

/** TensorProto.DataType values. */
export const ELEM = { float32: 1, float16: 10, float64: 11 } as const;
export type ElemType = keyof typeof ELEM;

export interface ValueInfo {
  name: string;
  type: ElemType;
  dims: number[];
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Integer attributes (e.g. Cast's `to`). */
  ints?: Record<string, number>;
}

function valueInfo(v: ValueInfo): Bytes {
  const shape = v.dims.flatMap((d) => len(1, int(1, d))); // TensorShapeProto.dim { dim_value }
  const tensorType = [...int(1, ELEM[v.type]), ...len(2, shape)]; // TypeProto.Tensor { elem_type, shape }
  return [...str(1, v.name), ...len(2, len(1, tensorType))]; // ValueInfoProto { name, type: TypeProto { tensor_type } }
}

function node(n: NodeSpec, i: number): Bytes {
  const attrs = Object.entries(n.ints ?? {}).flatMap(([name, v]) => len(5, [...str(1, name), ...int(3, v), ...int(20, 2)])); // AttributeProto { name, i, type: INT }
  return [...n.inputs.flatMap((x) => str(1, x)), ...n.outputs.flatMap((x) => str(2, x)), ...str(3, `node${i}`), ...str(4, n.op), ...attrs];
}

/** An ONNX model (IR version 8, default opset 13) as bytes. */
export function onnxModel(g: { nodes: NodeSpec[]; inputs: ValueInfo[]; outputs: ValueInfo[] }): Uint8Array {
  const graph = [
    ...g.nodes.flatMap((n, i) => len(1, node(n, i))),
    ...str(2, 'weightinit-test'),
    ...g.inputs.flatMap((v) => len(11, valueInfo(v))),
    ...g.outputs.flatMap((v) => len(12, valueInfo(v))),
  ];
  const model = [...int(1, 8), ...str(2, 'weightinit tests'), ...len(7, graph), ...len(8, [...str(1, ''), ...int(2, 13)])];
  return Uint8Array.from(model);
}

/** Y = X·W + B: X [m, k], W [k, n] (tf layout), B [n]. */
export function matMulAdd(type: ElemType, m: number, k: number, n: number): Uint8Array {
  return onnxModel({
    nodes: [
      { op: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] },
      { op: 'Add', inputs: ['xw', 'b'], outputs: ['y'] },
    ],
    inputs: [
      { name: 'x', type, dims: [m, k] },
      { name: 'W', type, dims: [k, n] },
      { name: 'b', type, dims: [n] },
    ],
    outputs: [{ name: 'y', type, dims: [m, n] }],
  });
}
