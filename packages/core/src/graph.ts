import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ModelFormatError, UnknownLayerError } from './errors.js';

/** What a parameter is for; pruners and scorers decide what to touch from the role. */
export type ParamRole =
  | 'kernel'
  | 'bias'
  | 'depthwiseKernel'
  | 'pointwiseKernel'
  | 'gamma'
  | 'beta'
  | 'movingMean'
  | 'movingVariance'
  | 'alpha'
  | 'recurrentKernel'
  | 'embedding'
  | 'other';

/** One weight tensor of the model, described without its values. */
export interface ParamInfo {
  /** Unique id: `${node}/${name}`, e.g. 'conv1/kernel'. */
  readonly id: string;
  /** Owning node (layer) name. */
  readonly node: string;
  /** Short weight name within the layer ('kernel', 'bias', 'gamma', …). */
  readonly name: string;
  readonly role: ParamRole;
  readonly shape: readonly number[];
  /** Axis that indexes the layer's output channels / units, when there is one. */
  readonly outAxis?: number;
  /** Axis that indexes the layer's input channels, when there is one. */
  readonly inAxis?: number;
  /** Whether weight-level pruners consider it by default (Dense/Conv kernels). */
  readonly prunable: boolean;
}

/** One layer of the model. */
export interface GraphNode {
  readonly name: string;
  /** Keras class name ('Conv2D', 'Dense', 'InputLayer', …). */
  readonly className: string;
  /** Producer node names, in the order the layer consumes them. */
  readonly inputs: readonly string[];
  readonly inputShapes: readonly (readonly (number | null)[])[];
  readonly outputShape: readonly (number | null)[];
  readonly params: readonly ParamInfo[];
  /** Multiply–accumulates for one sample (batch 1), dense. */
  readonly macs: number;
  /** The layer's serialised config (read-only view). */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * The nested models (a Sequential or functional model used as a layer) this layer came from,
   * outermost first, once they are flattened into the graph; absent for the model's own layers.
   * A name in `ignore` may be one of these: it stands for every layer inside.
   */
  readonly scope?: readonly string[];
}

/** Access to the current parameter values of the model behind a graph. */
export interface WeightStore {
  /** The live tensor of a parameter. Owned by the model: do not dispose it. */
  tensor(id: string): tf.Tensor;
  /** A copy of a parameter's values. */
  values(id: string): Float32Array;
  /** Overwrite a parameter (shape must match); the caller keeps ownership of `value`. */
  assign(id: string, value: tf.Tensor): void;
}

/** The IR every scorer and pruner works on: layers in topological order plus parameter access. */
export interface ModelGraph {
  readonly nodes: readonly GraphNode[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly weights: WeightStore;
  /** The model the graph was built from (a tfjs LayersModel for @prunekit/layers). */
  readonly source: unknown;
  node(name: string): GraphNode;
  hasNode(name: string): boolean;
  /** Nodes that consume the output of `name`. */
  consumers(name: string): readonly GraphNode[];
  params(filter?: (p: ParamInfo) => boolean): ParamInfo[];
  param(id: string): ParamInfo;
}

/** Builds a ModelGraph from nodes in topological order; checks names and edges. */
export function createModelGraph(init: {
  nodes: GraphNode[];
  inputs: string[];
  outputs: string[];
  weights: WeightStore;
  source?: unknown;
}): ModelGraph {
  const byName = new Map<string, GraphNode>();
  const consumers = new Map<string, GraphNode[]>();
  const params = new Map<string, ParamInfo>();
  for (const n of init.nodes) {
    if (byName.has(n.name)) throw new ModelFormatError('E_MODEL_FORMAT', `Duplicate layer name '${n.name}'.`);
    for (const i of n.inputs) {
      if (!byName.has(i)) {
        throw new ModelFormatError(
          'E_MODEL_FORMAT',
          `Layer '${n.name}' consumes '${i}', which is not defined before it (nodes must be topologically ordered).`,
        );
      }
      consumers.get(i)!.push(n);
    }
    byName.set(n.name, n);
    consumers.set(n.name, []);
    for (const p of n.params) {
      if (params.has(p.id)) throw new ModelFormatError('E_MODEL_FORMAT', `Duplicate parameter id '${p.id}'.`);
      params.set(p.id, p);
    }
  }
  const names = init.nodes.map((n) => n.name);
  for (const o of [...init.inputs, ...init.outputs]) {
    if (!byName.has(o)) throw new UnknownLayerError(o, 'inputs/outputs', names);
  }
  return {
    nodes: init.nodes,
    inputs: init.inputs,
    outputs: init.outputs,
    weights: init.weights,
    source: init.source,
    node(name) {
      const n = byName.get(name);
      if (!n) throw new UnknownLayerError(name, 'layer', names);
      return n;
    },
    hasNode: (name) => byName.has(name),
    consumers: (name) => consumers.get(name) ?? [],
    params: (filter) => [...params.values()].filter((p) => !filter || filter(p)),
    param(id) {
      const p = params.get(id);
      if (!p) throw new InvalidArgumentError(`No parameter '${id}' in the model.`, { id });
      return p;
    },
  };
}

/**
 * The layers a user's list of names stands for (an `ignore` list): a layer name stands for
 * itself, the name of a nested model flattened into the graph (GraphNode.scope) for every layer
 * inside it. A name that is neither throws UnknownLayerError naming `field`.
 */
export function layersNamed(graph: ModelGraph, names: Iterable<string>, field: string): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    if (graph.hasNode(name)) {
      out.add(name);
      continue;
    }
    const inside = graph.nodes.filter((n) => n.scope?.includes(name));
    if (inside.length === 0) {
      const scopes = new Set(graph.nodes.flatMap((n) => n.scope ?? []));
      throw new UnknownLayerError(name, field, [...graph.nodes.map((n) => n.name), ...scopes]);
    }
    for (const n of inside) out.add(n.name);
  }
  return out;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
