import type { GraphNode, ModelGraph, ParamInfo } from '@prunekit/core';
import { createModelGraph, InvalidArgumentError, ModelFormatError, UnknownLayerError } from '@prunekit/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { SharedLayerError } from './errors.js';
import type { LayerContext, Shape } from './layer_context.js';
import { flattenNested, nestedModelNames, nestedScopes } from './nested/flatten_nested.js';
import { type LayerSpec, paramsFrom } from './specs/kit.js';
import { layerSpecs } from './specs/registry.js';
import { createWeightStore, modelVariables } from './weight_store.js';

/** Options of buildGraph(): layers kept opaque and extra layer specs. */
export interface BuildGraphOptions {
  /** Layers kept as opaque nodes (no spec needed; params role 'other', not prunable, 0 MACs). */
  readonly opaque?: readonly string[];
  /** Specs used before the registry, for this call only. */
  readonly specs?: readonly LayerSpec[];
  /**
   * Layers left out of pruning (a pruner's `ignore`): those whose class has no spec (e.g.
   * Embedding) become opaque nodes instead of being refused; the others are built as usual, so
   * their MACs still count. What UnsupportedLayerError's `ignore: [...]` suggestion relies on.
   */
  readonly ignore?: readonly string[];
}

type Layer = tfl.layers.Layer;
type TfNode = Layer['inboundNodes'][number];

interface Call {
  readonly layer: Layer;
  readonly node: TfNode;
}

function asShapeList(shapes: unknown): Shape[] {
  if (!Array.isArray(shapes) || shapes.length === 0) return [];
  if (Array.isArray(shapes[0])) return (shapes as Shape[]).map((s) => [...s]);
  return [[...(shapes as Shape)]];
}

/** The layer calls the model runs, from its outputs back to its inputs; refuses shared layers. */
function collectCalls(model: tfl.LayersModel): Map<Layer, Call> {
  const calls = new Map<Layer, Call>();
  const nodeIndexOf = new Map<Layer, number>();
  const stack: [Layer, number][] = model.outputs.map((t) => [t.sourceLayer as Layer, t.nodeIndex]);
  while (stack.length > 0) {
    const [layer, nodeIndex] = stack.pop()!;
    const seen = nodeIndexOf.get(layer);
    if (seen !== undefined) {
      if (seen !== nodeIndex) {
        throw new SharedLayerError(layer.name, layer.getClassName(), Math.max(2, layer.inboundNodes.length));
      }
      continue;
    }
    const node = layer.inboundNodes[nodeIndex];
    if (!node) {
      throw new ModelFormatError(
        'E_MODEL_FORMAT',
        `Layer '${layer.name}' has no call #${nodeIndex}; the model is not built.`,
        {
          layer: layer.name,
        },
      );
    }
    nodeIndexOf.set(layer, nodeIndex);
    calls.set(layer, { layer, node });
    node.inboundLayers.forEach((l, i) => {
      stack.push([l as Layer, node.nodeIndices[i]]);
    });
  }
  return calls;
}

/** Kahn's algorithm; ties go to the order of model.layers (inputs first) so the result is stable. */
function topoOrder(model: tfl.LayersModel, calls: Map<Layer, Call>): Call[] {
  const rank = new Map<Layer, number>();
  model.inputs.forEach((t, i) => {
    rank.set(t.sourceLayer as Layer, i - model.inputs.length);
  });
  model.layers.forEach((l, i) => {
    if (!rank.has(l)) rank.set(l, i);
  });
  const pending = new Map<Layer, number>();
  const consumers = new Map<Layer, Layer[]>();
  for (const { layer, node } of calls.values()) {
    const producers = new Set(node.inboundLayers as Layer[]);
    pending.set(layer, producers.size);
    for (const p of producers) consumers.set(p, [...(consumers.get(p) ?? []), layer]);
  }
  const ready = [...calls.keys()].filter((l) => pending.get(l) === 0);
  const order: Call[] = [];
  const byRank = (a: Layer, b: Layer) => (rank.get(a) ?? 1e9) - (rank.get(b) ?? 1e9);
  while (ready.length > 0) {
    ready.sort(byRank);
    const layer = ready.shift()!;
    order.push(calls.get(layer)!);
    for (const c of consumers.get(layer) ?? []) {
      const left = pending.get(c)! - 1;
      pending.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  if (order.length !== calls.size) {
    throw new ModelFormatError('E_MODEL_FORMAT', 'The model graph has a cycle; cannot order its layers.');
  }
  return order;
}

function contextOf({ layer, node }: Call): LayerContext {
  const config = Object.freeze({ ...(layer.getConfig() as Record<string, unknown>) });
  const inputs = node.inboundLayers.length;
  return {
    layer,
    name: layer.name,
    className: layer.getClassName(),
    config,
    inputShapes: inputs === 0 ? [] : asShapeList(node.inputShapes),
    outputShape: asShapeList(node.outputShapes)[0] ?? [],
  };
}

/**
 * Describes a tfjs LayersModel (Sequential or functional) as a ModelGraph: one node per layer in
 * topological order (a Sequential's implicit InputLayer included), parameters with roles and
 * channel axes from the layer spec registry, dense MACs per sample, and a WeightStore over the
 * model's live variables. Unknown classes throw UnsupportedLayerError unless listed in `opaque`.
 * Nested models (a Sequential or functional model used as a layer) are flattened: the graph holds
 * their layers, and `graph.source` is a flat LayersModel over the same layers and variables (see
 * flattenNested); a nested model named in `opaque` stays one opaque node, and a nested model's
 * name in `ignore` stands for every layer inside it.
 */
export function buildGraph(given: tfl.LayersModel, opts: BuildGraphOptions = {}): ModelGraph {
  if (!given.outputs || given.outputs.length === 0) {
    throw new InvalidArgumentError(
      `Model '${given.name}' has no outputs yet: give its first layer an inputShape (or build it) before buildGraph.`,
      { model: given.name },
    );
  }
  const whole = new Set(opts.opaque ?? []);
  const model = flattenNested(given, whole);
  const scopes = nestedScopes(model);
  const calls = collectCalls(model);
  const names = [...calls.keys()].map((l) => l.name);
  const opaque = new Set(opts.opaque ?? []);
  for (const o of opaque) if (!names.includes(o)) throw new UnknownLayerError(o, 'opaque', names);
  const ignored = new Set<string>();
  for (const o of opts.ignore ?? []) {
    const inside = names.includes(o) ? [o] : names.filter((n) => scopes.get(n)?.includes(o));
    if (inside.length === 0)
      throw new UnknownLayerError(o, 'ignore', [...names, ...nestedModelNames(given, whole)]);
    for (const n of inside) ignored.add(n);
  }
  const local = new Map((opts.specs ?? []).map((h) => [h.name, h]));
  const vars = modelVariables(model, whole);
  const nodes: GraphNode[] = [];
  for (const call of topoOrder(model, calls)) {
    const ctx = contextOf(call);
    const isOpaque =
      opaque.has(ctx.name) ||
      (ignored.has(ctx.name) && !local.has(ctx.className) && !layerSpecs.get(ctx.className));
    const spec =
      local.get(ctx.className) ??
      (isOpaque ? layerSpecs.get(ctx.className) : layerSpecs.require(ctx.className, ctx.name));
    let params: ParamInfo[] = paramsFrom(ctx, spec?.params ?? {});
    if (isOpaque) params = params.map((p) => ({ ...p, role: 'other', prunable: false }));
    for (const p of params) {
      if (!vars.has(p.id)) {
        throw new ModelFormatError(
          'E_MODEL_FORMAT',
          `The spec for '${ctx.className}' describes a weight '${p.id}' that layer '${ctx.name}' does not have.`,
          { layer: ctx.name, param: p.id },
        );
      }
    }
    nodes.push({
      name: ctx.name,
      className: ctx.className,
      inputs: call.node.inboundLayers.map((l) => l.name),
      inputShapes: ctx.inputShapes,
      outputShape: ctx.outputShape,
      params,
      macs: isOpaque || !spec ? 0 : spec.macs(ctx),
      config: ctx.config,
      ...(scopes.has(ctx.name) ? { scope: scopes.get(ctx.name) } : {}),
    });
  }
  const unique = (xs: string[]) => [...new Set(xs)];
  return createModelGraph({
    nodes,
    inputs: unique(model.inputs.map((t) => t.sourceLayer.name)),
    outputs: unique(model.outputs.map((t) => t.sourceLayer.name)),
    weights: createWeightStore(vars),
    source: model,
  });
}
