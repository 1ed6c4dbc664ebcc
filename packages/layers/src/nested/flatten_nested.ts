import type * as tfl from '@tensorflow/tfjs-layers';
import * as tflayers from '@tensorflow/tfjs-layers';
import { NestedModelError } from '../errors.js';

type Layer = tfl.layers.Layer;
type Tensor = tfl.SymbolicTensor;
type TfNode = Layer['inboundNodes'][number];

/** A Sequential or functional model used as a layer (tfjs's LayersModel is itself a Layer). */
export function isNestedModel(layer: unknown): layer is tfl.LayersModel {
  const l = layer as Partial<tfl.LayersModel> | undefined;
  return !!l && Array.isArray(l.layers) && Array.isArray(l.inputs) && Array.isArray(l.outputs);
}

/** Names of the models nested in `model` (at any depth), outermost first. */
export function nestedModelNames(model: tfl.LayersModel, keep: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const walk = (m: tfl.LayersModel) => {
    for (const l of m.layers) {
      if (!isNestedModel(l) || keep.has(l.name)) continue;
      out.push(l.name);
      walk(l);
    }
  };
  walk(model);
  return out;
}

/**
 * The calls of `layer` that belong to `model`'s own graph (a layer of a flattened model also has
 * the call inside its nested model, so `layer.input` alone is ambiguous there). Read from the
 * model's node keys, as tfjs's own serialiser does (a Sequential: the layer's first call).
 */
export function callsIn(model: tfl.LayersModel, layer: Layer): TfNode[] {
  const keys = (model as unknown as { containerNodes?: Set<string> }).containerNodes;
  // tfjs's Sequential keeps no node keys; each of its layers is called once, first, by it.
  if (!keys || keys.size === 0) {
    return model.getClassName() === 'Sequential' ? layer.inboundNodes.slice(0, 1) : [...layer.inboundNodes];
  }
  return layer.inboundNodes.filter((_, i) => keys.has(`${layer.name}_ib-${i}`));
}

const flatCache = new WeakMap<tfl.LayersModel, { key: string; flat: tfl.LayersModel }>();
const scopeOf = new WeakMap<tfl.LayersModel, ReadonlyMap<string, readonly string[]>>();

/**
 * For a model flattenNested made (or one rebuilt from it, see carryScopes): layer name → the
 * nested models it came from, outermost first. Empty for any other model.
 */
export function nestedScopes(model: tfl.LayersModel): ReadonlyMap<string, readonly string[]> {
  return scopeOf.get(model) ?? new Map();
}

/** Gives `to` (a model rebuilt from `from`'s topology, same layer names) `from`'s nested scopes. */
export function carryScopes(from: tfl.LayersModel, to: tfl.LayersModel): void {
  const s = scopeOf.get(from);
  if (s) scopeOf.set(to, s);
}

function scopesIn(model: tfl.LayersModel, keep: ReadonlySet<string>): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  const walk = (m: tfl.LayersModel, path: readonly string[]) => {
    for (const l of m.layers) {
      if (isNestedModel(l) && !keep.has(l.name)) walk(l, [...path, l.name]);
      else if (path.length > 0) out.set(l.name, path);
    }
  };
  walk(model, []);
  return out;
}

/**
 * The model with every nested model (a Sequential or functional model used as a layer) replaced
 * by its own layers, as one functional LayersModel over the same layer objects and the same
 * weight variables: pruning, masks and fine-tuning through the flat model change the original's
 * weights, and its outputs are the original's. Nested models named in `keep` stay whole (one
 * opaque layer). Returns `model` itself when nothing is nested. Refuses a nested model called
 * more than once (its layers would be shared) and layer names that collide once flattened.
 *
 * Layers downstream of a flattened model are called again on the new tensors (tfjs adds a call
 * node to each; weights are shared, the original model still runs and saves as before). The flat
 * model is a view: dispose the original, never the flat one.
 */
export function flattenNested(
  model: tfl.LayersModel,
  keep: ReadonlySet<string> = new Set(),
): tfl.LayersModel {
  const nested = nestedModelNames(model, keep);
  if (nested.length === 0) return model;
  const key = [...keep].sort().join('\u0000');
  const cached = flatCache.get(model);
  if (cached && cached.key === key) return cached.flat;

  const mapped = new Map<Tensor, Tensor>();
  const called = new Map<TfNode, Tensor[]>();
  const flattenedBy = new Map<tfl.LayersModel, TfNode>();
  for (const t of model.inputs) mapped.set(t, t);

  const resolve = (t: Tensor): Tensor => {
    const hit = mapped.get(t);
    if (hit) return hit;
    const layer = t.sourceLayer as Layer;
    const node = layer.inboundNodes[t.nodeIndex];
    if (!node || node.inboundLayers.length === 0) {
      throw new NestedModelError(
        `Tensor '${t.name}' of layer '${layer.name}' is not reachable from the inputs of model '${model.name}'; ` +
          'the nested model is not connected. Build the outer model by calling the inner model on a tensor.',
        { layer: layer.name, model: model.name },
      );
    }
    const out = callNode(layer, node)[t.tensorIndex];
    mapped.set(t, out);
    return out;
  };

  const callNode = (layer: Layer, node: TfNode): Tensor[] => {
    const done = called.get(node);
    if (done) return done;
    const ins = (node.inputTensors as Tensor[]).map(resolve);
    let outs: Tensor[];
    if (isNestedModel(layer) && !keep.has(layer.name)) {
      const first = flattenedBy.get(layer);
      if (first && first !== node) {
        throw new NestedModelError(
          `Nested model '${layer.name}' is called more than once in '${model.name}' (its layers and weights are ` +
            'shared between the calls); prunekit gives each layer one position in the graph. Use one copy of ' +
            'the inner model per call (the weights are then no longer tied).',
          { layer: layer.name, model: model.name, calls: 2 },
        );
      }
      flattenedBy.set(layer, node);
      layer.inputs.forEach((t, i) => {
        mapped.set(t, ins[i]);
      });
      outs = layer.outputs.map(resolve);
    } else if (ins.every((t, i) => t === node.inputTensors[i])) {
      outs = node.outputTensors as Tensor[];
    } else {
      const args = (node.callArgs ?? {}) as Record<string, unknown>;
      const y = layer.apply(ins.length === 1 ? ins[0] : ins, args) as Tensor | Tensor[];
      // A symbolic call counts as one more owner of the layer's weights in tfjs (a model's
      // dispose() frees them only at 0). The flat model is a view of the original, not an owner:
      // undo the count so that disposing the original frees everything, as before.
      (layer as unknown as { _refCount: number })._refCount--;
      outs = Array.isArray(y) ? y : [y];
    }
    called.set(node, outs);
    return outs;
  };

  const outputs = model.outputs.map(resolve);
  checkNames(
    model,
    [...called.keys()].map((n) => n.outboundLayer as Layer),
    nested,
  );
  const flat = tflayers.model({ inputs: model.inputs, outputs, name: model.name });
  flatCache.set(model, { key, flat });
  scopeOf.set(flat, scopesIn(model, keep));
  return flat;
}

function checkNames(model: tfl.LayersModel, layers: Layer[], nested: string[]): void {
  const owner = new Map<string, Layer>();
  for (const t of model.inputs) owner.set(t.sourceLayer.name, t.sourceLayer as Layer);
  for (const l of layers) {
    const other = owner.get(l.name);
    if (other && other !== l) {
      throw new NestedModelError(
        `Two layers are named '${l.name}' once the nested model(s) ${nested.map((n) => `'${n}'`).join(', ')} ` +
          `of '${model.name}' are flattened into one graph. Rename one of them (layer names must be unique ` +
          "across the inner and outer models), or keep the nested model whole with buildGraph's opaque: ['<name>'].",
        { layer: l.name, model: model.name },
      );
    }
    owner.set(l.name, l);
  }
}
