import {
  type ArrayWeightStore,
  channelAxes,
  createArrayWeightStore,
  createModelGraph,
  type GraphNode,
  InvalidArgumentError,
  type ModelGraph,
  ModelFormatError,
  type ParamInfo,
  ShapeError,
} from '@prunekit/core';
import {
  decodeModel,
  defaultOpset,
  encodeModel,
  type ModelProto,
  num,
  type TensorProto,
  type ValueInfoProto,
} from '../proto/onnx.js';
import { dimsOf, FLOAT_TYPES, INT_TYPES, tensorValues } from '../proto/tensors.js';
import { onnxOpParams, onnxSpecOrOpaque } from '../ops/registry.js';
import { bareConfig, type OnnxOpConfig, type Slot } from '../ops/spec.js';
import { plainAttrs } from './attrs.js';

/** Shapes for graph inputs whose non-batch dimensions are symbolic (keyed by input name). */
export type OnnxInputShapes = Readonly<Record<string, readonly number[]>>;

/** Options of building a ModelGraph from an ONNX model. */
export interface OnnxGraphOptions {
  readonly inputShapes?: OnnxInputShapes;
  /** Names the model in errors (a file path). */
  readonly label?: string;
}

/** Where a parameter lives in the ONNX model: an initializer (or Constant node output) and the node input it feeds. */
export interface InitializerBinding {
  readonly initializer: string;
  readonly nodeIndex: number;
  readonly slot: number;
}

/** A ModelGraph over an ONNX model; `dispose()` frees the tensors the weight store made. */
export interface OnnxGraph extends ModelGraph {
  /** The model's bytes, as given: never changed (surgery and export decode their own copy). */
  readonly source: Uint8Array;
  readonly label: string;
  readonly weights: ArrayWeightStore;
  /** Parameter id → the initializer and the node input it feeds. */
  readonly bindings: ReadonlyMap<string, InitializerBinding>;
  /** Shape of every tensor (inputs, intermediates, outputs), inferred from the op specs. */
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  dispose(): void;
}

const SMALL = 4096;

function valueInfoShape(v: ValueInfoProto): (number | undefined)[] | undefined {
  const dims = v.type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  return dims.map((d) =>
    d.dimValue !== undefined && d.dimValue !== null && num(d.dimValue) > 0 ? num(d.dimValue) : undefined,
  );
}

function inputShape(v: ValueInfoProto, opts: OnnxGraphOptions, label: string): number[] {
  const name = v.name ?? '';
  const given = opts.inputShapes?.[name];
  if (given) return [...given];
  const dims = valueInfoShape(v);
  if (!dims) {
    throw new ShapeError(
      `${label}: graph input '${name}' has no shape; pass inputShapes: { '${name}': [1, C, H, W] }.`,
      {
        input: name,
      },
    );
  }
  return dims.map((d, i) => {
    if (d !== undefined) return d;
    if (i === 0) return 1;
    throw new ShapeError(
      `${label}: graph input '${name}' has a symbolic dimension ${i}; pass inputShapes: { '${name}': [${dims.map((x, j) => x ?? (j === 0 ? 1 : 'N')).join(', ')}] } with numbers.`,
      { input: name, dim: i },
    );
  });
}

/** Model bytes from bytes or a decoded ModelProto. */
export function modelBytes(model: Uint8Array | ModelProto): Uint8Array {
  return model instanceof Uint8Array ? model : encodeModel(model);
}

/** The constant tensors of a graph by tensor name, and which names are aliases (an Identity of a constant). */
export interface ConstTensors {
  readonly tensors: Map<string, TensorProto>;
  /** Outputs of Identity nodes that read a constant (torch.onnx writes them for deduplicated weights). */
  readonly aliases: Set<string>;
  /** Indices of the nodes that only make constants (Constant, Identity of a constant). */
  readonly constNodes: Set<number>;
}

const isDefault = (domain: string | null | undefined) => !domain || domain === 'ai.onnx';

/**
 * The constant tensors of a graph: its initializers, the `value` of its Constant nodes (which
 * exporters such as torch.onnx write for shape vectors) and Identity nodes of a constant.
 */
export function constTensors(model: ModelProto): ConstTensors {
  const tensors = new Map<string, TensorProto>();
  const aliases = new Set<string>();
  const constNodes = new Set<number>();
  for (const t of model.graph!.initializer ?? []) tensors.set(t.name ?? '', t);
  (model.graph!.node ?? []).forEach((n, i) => {
    if (!isDefault(n.domain) || !n.output?.[0]) return;
    if (n.opType === 'Constant') {
      const v = n.attribute?.find((a) => a.name === 'value')?.t;
      if (v) {
        tensors.set(n.output[0], v);
        constNodes.add(i);
      }
    } else if (n.opType === 'Identity' && tensors.has(n.input?.[0] ?? '')) {
      tensors.set(n.output[0], tensors.get(n.input![0])!);
      aliases.add(n.output[0]);
      constNodes.add(i);
    }
  });
  return { tensors, aliases, constNodes };
}

/**
 * Builds prunekit's ModelGraph for an ONNX model: one IR node per used node output (named by its
 * tensor name; initializers and Constant nodes become parameters or constants of the ops that read
 * them), shapes inferred by each op's spec (value_info where no spec infers), params / channel
 * axes / MACs from the 'onnx' spec registry. Graph inputs are nodes of class 'Input'.
 */
export function buildOnnxGraph(model: Uint8Array | ModelProto, opts: OnnxGraphOptions = {}): OnnxGraph {
  const label = opts.label ?? 'ONNX model';
  const bytes = modelBytes(model);
  const m = decodeModel(bytes, label);
  const g = m.graph!;
  const opset = defaultOpset(m);
  const { tensors: consts, constNodes } = constTensors(m);
  const shapes = new Map<string, readonly number[]>();
  const known = new Map<string, (number | undefined)[]>();
  for (const v of [...(g.valueInfo ?? []), ...(g.output ?? [])]) {
    const s = valueInfoShape(v);
    if (s && v.name) known.set(v.name, s);
  }
  const nodes: GraphNode[] = [];
  const values = new Map<string, Float32Array>();
  const paramShapes = new Map<string, readonly number[]>();
  const bindings = new Map<string, InitializerBinding>();
  const irName = new Set<string>();

  const inputs: string[] = [];
  for (const v of g.input ?? []) {
    const name = v.name ?? '';
    if (consts.has(name)) continue;
    const shape = inputShape(v, opts, label);
    shapes.set(name, shape);
    inputs.push(name);
    irName.add(name);
    nodes.push({
      name,
      className: 'Input',
      inputs: [],
      inputShapes: [],
      outputShape: shape,
      params: [],
      macs: 0,
      config: bareConfig('Input', opset) as unknown as Record<string, unknown>,
    });
  }
  // Which outputs of each node are read (output 0 always).
  const read = new Set<string>([...(g.output ?? []).map((o) => o.name ?? '')]);
  for (const n of g.node ?? []) for (const i of n.input ?? []) read.add(i);

  (g.node ?? []).forEach((n, nodeIndex) => {
    const op = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : (n.opType ?? '');
    if (constNodes.has(nodeIndex)) return;
    const where = `node '${n.name || n.output?.[0]}' (${op})`;
    const slots: Slot[] = [];
    const tensorInputs: string[] = [];
    for (const ref of n.input ?? []) {
      if (ref === '') {
        slots.push({ kind: 'none' });
        continue;
      }
      const c = consts.get(ref);
      if (c) {
        const type = c.dataType ?? 0;
        const shape = dimsOf(c);
        const size = shape.reduce((a, d) => a * d, 1);
        const small = size <= SMALL;
        const ints = INT_TYPES.has(type) && small ? (tensorValues(c, where) as number[]) : undefined;
        const floats = FLOAT_TYPES.has(type) && size <= 64 ? Array.from(tensorValues(c, where)) : undefined;
        slots.push({
          kind: 'const',
          name: ref,
          dataType: type,
          shape,
          ...(ints ? { ints } : {}),
          ...(floats ? { floats } : {}),
        });
        continue;
      }
      if (!irName.has(ref)) {
        throw new ModelFormatError(
          'E_MODEL_FORMAT',
          `${label}: ${where} reads tensor '${ref}', which no earlier node, input or initializer defines (ONNX nodes must be topologically sorted).`,
          { node: n.name, op, tensor: ref },
        );
      }
      slots.push({ kind: 'tensor', ref, input: tensorInputs.length });
      tensorInputs.push(ref);
    }
    const outs = n.output ?? [];
    const spec = onnxSpecOrOpaque(op);
    const base: OnnxOpConfig = {
      op,
      domain: n.domain ?? '',
      attrs: plainAttrs(n.attribute),
      slots,
      outputIndex: 0,
      outputCount: outs.length,
      nodeIndex,
      opset,
    };
    // Shapes: the op's own inference, else what the file states.
    const slotShapes = slots.map((s) =>
      s.kind === 'const' ? s.shape : s.kind === 'tensor' ? shapes.get(s.ref) : undefined,
    );
    const name0 = outs[0] ?? '';
    let outShapes: number[][] | undefined;
    if (spec.infer) outShapes = spec.infer({ name: n.name || name0, cfg: base, shapes: slotShapes });
    else {
      const stated = outs.map((o) => known.get(o));
      if (stated.every((s) => s?.every((d) => d !== undefined))) outShapes = stated as number[][];
      else {
        throw new ShapeError(
          `${label}: cannot tell the output shape of ${where}: prunekit has no shape rule for op '${op}' and the file states none (value_info). Run ONNX shape inference on the model (onnx.shape_inference.infer_shapes) or register a spec with registerOnnxOpSpec({ name: '${op}', infer, ... }).`,
          { node: n.name, op },
        );
      }
    }
    outs.forEach((o, i) => {
      if (outShapes![i]) shapes.set(o, outShapes![i]);
    });
    const declared = new Map(onnxOpParams(spec, base).map((p) => [p.slot, p]));
    const params: ParamInfo[] = [];
    const named: Slot[] = slots.map((s, slot) => {
      const d = declared.get(slot);
      if (s.kind !== 'const' || !FLOAT_TYPES.has(s.dataType) || !d) return s;
      const id = `${name0}/${d.name}`;
      params.push({
        id,
        node: name0,
        name: d.name,
        role: d.role,
        shape: s.shape,
        ...channelAxes(d),
        prunable: d.prunable === true,
      });
      values.set(id, tensorValues(consts.get(s.name)!, where) as Float32Array);
      paramShapes.set(id, s.shape);
      bindings.set(id, { initializer: s.name, nodeIndex, slot });
      return { ...s, param: d.name };
    });
    outs.forEach((o, index) => {
      if (o === '' || (index > 0 && !read.has(o))) return;
      irName.add(o);
      const config: OnnxOpConfig = { ...base, slots: named, outputIndex: index };
      const node: GraphNode = {
        name: o,
        className: op,
        inputs: tensorInputs,
        inputShapes: tensorInputs.map((i) => shapes.get(i) ?? []),
        outputShape: shapes.get(o) ?? [],
        params: index === 0 ? params : [],
        macs: 0,
        config: config as unknown as Record<string, unknown>,
      };
      const macs = index === 0 ? spec.macs(node) : 0;
      nodes.push({ ...node, macs: Number.isFinite(macs) ? macs : 0 });
    });
  });
  const outputs = (g.output ?? []).map((o) => o.name ?? '');
  for (const o of outputs) {
    if (!irName.has(o)) {
      throw new InvalidArgumentError(
        `${label}: graph output '${o}' is not computed by any node (it is an input or initializer).`,
        {
          output: o,
        },
      );
    }
  }
  const weights = createArrayWeightStore(values, paramShapes, 'ONNX model');
  const graph = createModelGraph({ nodes, inputs, outputs, weights, source: bytes });
  return { ...graph, source: bytes, label, weights, bindings, shapes, dispose: () => weights.dispose() };
}
