// A one-node ONNX model (C = A·B, float32) encoded by hand: only the handful of protobuf fields
// ModelProto needs, so no protobuf library is required.

type Field = number[];

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, v: number): Field => [...key(field, 0), ...varint(v)];
const bytes = (field: number, b: number[]): Field => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string): Field => bytes(field, [...Buffer.from(s, 'utf8')]);
const msg = (field: number, ...parts: Field[]): Field => bytes(field, parts.flat());

/** ValueInfoProto for a float32 tensor of fixed shape. */
function valueInfo(field: number, name: string, dims: readonly number[]): Field {
  const shape = dims.map((d) => msg(1, int(1, d))); // TensorShapeProto.dim { dim_value }
  const tensorType = msg(1, int(1, 1), msg(2, ...shape)); // TypeProto.tensor_type { elem_type FLOAT, shape }
  return msg(field, str(1, name), msg(2, tensorType));
}

/** Serialised ModelProto computing C[m, n] = A[m, k] · B[k, n] (opset 13). */
export function onnxMatMulModel(m: number, k: number, n: number): Uint8Array {
  const node = msg(1, str(1, 'A'), str(1, 'B'), str(2, 'C'), str(4, 'MatMul'));
  const graph = msg(
    7,
    node,
    str(2, 'matmul'),
    valueInfo(11, 'A', [m, k]),
    valueInfo(11, 'B', [k, n]),
    valueInfo(12, 'C', [m, n]),
  );
  const opset = msg(8, str(1, ''), int(2, 13));
  return Uint8Array.from([...int(1, 7), ...str(2, 'prunekit-bench'), ...graph, ...opset]);
}
