import { decodeModel, encodeModel, onnx, type TensorProto } from '../proto/onnx.js';
import { makeTensor } from '../proto/tensors.js';
import { constTensors } from '../graph/build_graph.js';

/** New contents for the constant read by input `slot` of node `nodeIndex`. */
export interface InitializerOverride {
  readonly initializer: string;
  readonly nodeIndex: number;
  readonly slot: number;
  readonly values: ArrayLike<number>;
  readonly dims: readonly number[];
}

/** New integer attribute values of node `nodeIndex`. */
export interface AttributeOverride {
  readonly nodeIndex: number;
  readonly values: Readonly<Record<string, number>>;
}

/**
 * A new ONNX file from `bytes` with some constants replaced (element types kept). A constant read
 * by one node input is rewritten in place; one read by several gets a copy of its own for each
 * overridden reader (so does an Identity of a constant), so a cut for one consumer never reaches
 * another. value_info is dropped
 * (the shapes it states may no longer hold; runtimes infer them again). `bytes` is not changed.
 */
export function writeOnnx(
  bytes: Uint8Array,
  overrides: readonly InitializerOverride[],
  label = 'ONNX model',
  attributes: readonly AttributeOverride[] = [],
): Uint8Array {
  const model = decodeModel(bytes, label);
  const g = model.graph!;
  const { tensors: consts, aliases } = constTensors(model);
  const readers = new Map<string, number>();
  for (const n of g.node ?? []) for (const i of n.input ?? []) readers.set(i, (readers.get(i) ?? 0) + 1);
  const replaceInPlace = (t: TensorProto, fresh: TensorProto) => {
    t.dims = fresh.dims;
    t.rawData = fresh.rawData;
    t.floatData = [];
    t.doubleData = [];
    t.int32Data = [];
    t.int64Data = [];
  };
  const used = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  for (const o of overrides) {
    const t = consts.get(o.initializer)!;
    const fresh = makeTensor(o.initializer, t.dataType ?? 1, o.dims, o.values);
    if ((readers.get(o.initializer) ?? 0) <= 1 && !aliases.has(o.initializer)) {
      replaceInPlace(t, fresh);
      continue;
    }
    let name = `${o.initializer}__n${o.nodeIndex}_${o.slot}`;
    while (used.has(name)) name += '_';
    used.add(name);
    fresh.name = name;
    g.initializer = [...(g.initializer ?? []), onnx.TensorProto.create(fresh)];
    g.node![o.nodeIndex].input![o.slot] = name;
  }
  for (const a of attributes) {
    const node = g.node![a.nodeIndex];
    for (const [name, value] of Object.entries(a.values)) {
      const attr = node.attribute?.find((x) => x.name === name);
      if (attr) attr.i = value;
      else
        node.attribute = [
          ...(node.attribute ?? []),
          onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: value }),
        ];
    }
  }
  g.valueInfo = [];
  // IR < 4 lists initializers among the inputs, with shapes that may have changed.
  const inits = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  g.input = (g.input ?? []).filter((v) => !inits.has(v.name ?? ''));
  return encodeModel(model);
}
