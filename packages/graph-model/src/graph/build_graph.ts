import {
  channelAxes,
  createModelGraph,
  type GraphNode,
  type ModelGraph,
  type ParamInfo,
} from '@prunekit/core';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { dimsOf, parseInput, plainAttrs, tensorName } from '../json/attrs.js';
import type { NodeDef } from '../json/model_json.js';
import type { GraphModelSource } from '../io/source.js';
import { opParams, opSpecOrOpaque } from '../ops/registry.js';
import type { OpConfig, Slot } from '../ops/spec.js';
import { controlFlowNodes, topoOrder } from './control_flow.js';
import { type InputShapes, measureShapes } from './shapes.js';
import { createConstStore, type ConstBinding, type ConstStore } from './const_store.js';

/**
 * Options of building a ModelGraph from a graph model: shapes for inputs whose non-batch dimensions are
 * unknown.
 */
export interface GraphModelGraphOptions {
  /** Shapes for inputs with unknown dimensions other than the batch (keyed by input name). */
  readonly inputShapes?: InputShapes;
}

/** A ModelGraph over a tfjs graph model; `dispose()` frees the tensors the weight store made. */
export interface GraphModelGraph extends ModelGraph {
  readonly source: GraphModelSource;
  readonly weights: ConstStore;
  /** Parameter id → the Const node and the consumer input it feeds. */
  readonly bindings: ReadonlyMap<string, ConstBinding>;
  /** The shapes measured for the IR's inputs, for reruns. */
  readonly inputShapes: InputShapes;
  dispose(): void;
}

const INT_DTYPES = new Set(['int32', 'bool']);
const SMALL_INTS = 4096;

/** Input shapes the signature states (some converters leave -1 in the Placeholder but not here). */
function signatureShapes(source: GraphModelSource): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const info of Object.values(source.json.signature?.inputs ?? {})) {
    const dims = dimsOf(info.tensorShape?.dim);
    if (dims.every((d) => d > 0)) out[parseInput(info.name).node] = dims;
  }
  return out;
}

/** Stock tfjs GraphModel from a source (or any artifacts), loaded from memory. */
export function toTfGraphModel(source: GraphModelSource | tf.io.ModelArtifacts): Promise<GraphModel> {
  const artifacts = 'artifacts' in source ? source.artifacts : source;
  return loadGraphModel(tf.io.fromMemory(artifacts));
}

function slotsOf(
  node: NodeDef,
  source: GraphModelSource,
  irName: Map<string, string>,
): { slots: Slot[]; inputs: string[] } {
  const slots: Slot[] = [];
  const inputs: string[] = [];
  for (const ref of node.input ?? []) {
    const p = parseInput(ref);
    if (p.control) continue;
    const producer = source.byName.get(p.node)!;
    if (producer.op === 'Const') {
      const w = source.consts.get(producer.name);
      const dtype = w?.spec.dtype ?? 'float32';
      const shape = w ? [...w.spec.shape] : dimsOf(producer.attr?.value?.tensor?.tensorShape?.dim);
      const ints =
        w && INT_DTYPES.has(dtype) && w.values.length <= SMALL_INTS ? Array.from(w.values) : undefined;
      slots.push({ kind: 'const', name: producer.name, dtype, shape, ...(ints ? { ints } : {}) });
    } else {
      const t = tensorName(p.node, p.index);
      // A loop's back edge (Merge ← NextIteration) points forward; the IR is a DAG, so it is left out.
      if (!irName.has(t) && producer.op === 'NextIteration') continue;
      slots.push({ kind: 'tensor', ref: irName.get(t) ?? t, input: inputs.length });
      inputs.push(irName.get(t) ?? t);
    }
  }
  return { slots, inputs };
}

/**
 * Builds prunekit's ModelGraph for a graph model: one IR node per op output that is used (Const
 * nodes become parameters of the ops that read them), shapes measured by running the model once
 * in tfjs, params / channel axes / MACs from each op's spec.
 */
export async function buildGraphModelGraph(
  source: GraphModelSource,
  opts: GraphModelGraphOptions = {},
): Promise<GraphModelGraph> {
  const order = topoOrder(source.nodes, source.byName);
  const tainted = controlFlowNodes(order, source.byName);
  // Which outputs of each op are read (output 0 always; Split, TopKV2 … also others).
  const used = new Map<string, Set<number>>();
  for (const n of order) {
    if (!used.has(n.name)) used.set(n.name, new Set([0]));
    for (const ref of n.input ?? []) {
      const p = parseInput(ref);
      if (p.control) continue;
      const set = used.get(p.node) ?? new Set([0]);
      set.add(p.index);
      used.set(p.node, set);
    }
  }
  const compute = order.filter((n) => n.op !== 'Const' && n.op !== 'NoOp');
  const model = await toTfGraphModel(source);
  let shapes: Map<string, number[]>;
  try {
    const measured = compute
      .filter((n) => !tainted.has(n.name))
      .flatMap((n) => [...used.get(n.name)!].sort().map((i) => tensorName(n.name, i)));
    shapes = await measureShapes(model, measured, opts.inputShapes, source.label, signatureShapes(source));
  } finally {
    model.dispose();
  }
  // TensorInfo names are the graph's tensor names ('Identity_2:0'); outputNodes may be signature keys.
  const outputs = model.outputs.map((o) => {
    const p = parseInput(o.name);
    return tensorName(p.node, p.index);
  });
  const inputNames = model.inputs.map((o) => parseInput(o.name).node);

  const irName = new Map<string, string>();
  const nodes: GraphNode[] = [];
  const bindings = new Map<string, ConstBinding>();
  for (const n of compute) {
    const { slots, inputs } = slotsOf(n, source, irName);
    const spec = opSpecOrOpaque(n.op);
    const attrs = plainAttrs(n);
    const base: OpConfig = {
      op: n.op,
      attrs,
      slots,
      outputIndex: 0,
      ...(tainted.has(n.name) ? { unknownShape: true } : {}),
    };
    const declared = new Map(opParams(spec, base).map((p) => [p.slot, p]));
    const params: ParamInfo[] = [];
    const named: Slot[] = slots.map((s, slot) => {
      if (s.kind !== 'const' || s.dtype !== 'float32' || !source.consts.has(s.name)) return s;
      const d = declared.get(slot) ?? { slot, name: `operand${slot}`, role: 'other' as const };
      const id = `${n.name}/${d.name}`;
      params.push({
        id,
        node: n.name,
        name: d.name,
        role: d.role,
        shape: s.shape,
        ...channelAxes(d),
        prunable: d.prunable === true && !tainted.has(n.name),
      });
      bindings.set(id, { constName: s.name, consumer: n.name, slot });
      return { ...s, param: d.name };
    });
    for (const index of [...used.get(n.name)!].sort()) {
      const t = tensorName(n.name, index);
      irName.set(t, t);
      const config: OpConfig = { ...base, slots: named, outputIndex: index };
      const node: GraphNode = {
        name: t,
        className: n.op,
        inputs,
        inputShapes: inputs.map((i) => shapes.get(i) ?? []),
        outputShape: shapes.get(t) ?? [],
        params: index === 0 ? params : [],
        macs: 0,
        config: config as unknown as Record<string, unknown>,
      };
      const macs = index === 0 && !tainted.has(n.name) ? spec.macs(node) : 0;
      nodes.push({ ...node, macs: Number.isFinite(macs) ? macs : 0 });
    }
  }
  const weights = createConstStore(source, bindings);
  const graph = createModelGraph({ nodes, inputs: inputNames, outputs, weights, source });
  return {
    ...graph,
    source,
    weights,
    bindings,
    inputShapes: opts.inputShapes ?? {},
    dispose: () => weights.dispose(),
  };
}
