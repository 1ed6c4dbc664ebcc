import {
  type AttrValue,
  attributeProto,
  encodeModel,
  onnx,
  type TensorProto,
  type ValueInfoProto,
} from '../proto/onnx.js';
import { makeTensor } from '../proto/tensors.js';

const T = onnx.TensorProto.DataType;

/** TensorFlow's 'same' padding for one spatial axis: [begin, end] (the extra one at the end). */
export function samePads(size: number, k: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + (k - 1) * dilation + 1 - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** Row-major transpose of a flat array: `perm` as in numpy. */
export function transposeValues<A extends Float32Array | Uint16Array>(
  src: A,
  shape: readonly number[],
  perm: readonly number[],
): { values: A; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  inStrides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1] * shape[d + 1];
  const out = new (src.constructor as new (n: number) => A)(src.length);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < out.length; i++) {
    let off = 0;
    for (let d = 0; d < rank; d++) off += idx[d] * inStrides[perm[d]];
    out[i] = src[off];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return { values: out, shape: outShape };
}

/** Collects the nodes and initializers of an ONNX graph being written, with fresh names. */
export class OnnxWriter {
  readonly nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  readonly inits: TensorProto[] = [];
  private n = 0;
  fresh(p: string) {
    return `${p}__${this.n++}`;
  }
  /** One node with several outputs (`outputs` as given); returns them. */
  multi(
    op: string,
    inputs: string[],
    outputs: string[],
    attrs: Record<string, AttrValue> = {},
    name?: string,
  ) {
    this.nodes.push(
      onnx.NodeProto.create({
        opType: op,
        name: this.fresh(name ?? op),
        input: inputs,
        output: outputs,
        attribute: Object.entries(attrs).map(([k, v]) => attributeProto(k, v)),
      }),
    );
    return outputs;
  }
  node(
    op: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    output?: string,
    name?: string,
  ): string {
    return this.multi(op, inputs, [output ?? this.fresh(name ?? op)], attrs, name)[0];
  }
  /** An initializer of any element type makeTensor writes; returns its (fresh) name. */
  tensor(name: string, type: number, dims: readonly number[], values: ArrayLike<number>): string {
    const n = this.fresh(name);
    this.inits.push(makeTensor(n, type, dims, values));
    return n;
  }
  float(name: string, dims: number[], values: ArrayLike<number>): string {
    return this.tensor(name, T.FLOAT, dims, values);
  }
  ints(name: string, values: number[]): string {
    return this.tensor(name, T.INT64, [values.length], values);
  }
  /** The file's bytes: the nodes and initializers written, with the graph's inputs and outputs. */
  encode(g: {
    name: string;
    opset: number;
    inputs: ValueInfoProto[];
    outputs: ValueInfoProto[];
  }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'prunekit',
      opsetImport: [{ domain: '', version: g.opset }],
      graph: { name: g.name, node: this.nodes, initializer: this.inits, input: g.inputs, output: g.outputs },
    });
    return encodeModel(model);
  }
}
