// Finds the BatchNormalization layers of a model's JSON topology that can be folded into the layer
// before them, and rewrites the topology without them.
import { InvalidArgumentError } from '@prunekit/core';

/** One folding: the BatchNormalization layer `bn` goes into the weights of `into`. */
export interface BatchNormFold {
  readonly bn: string;
  readonly into: string;
}

type Entry = [string, number, number, ...unknown[]];
export interface LayerJson {
  name?: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes?: Entry[][];
}
export interface TopologyJson {
  class_name: string;
  config: { layers: LayerJson[]; output_layers?: Entry[]; [k: string]: unknown };
  [k: string]: unknown;
}

/** Classes whose per-output-channel weights can absorb a following BatchNormalization. */
export const FOLD_TARGETS: ReadonlySet<string> = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense']);

const nameOf = (l: LayerJson) => (l.name ?? l.config.name) as string;

/** A linear, channels-last conv/dense layer: what a following BN or activation can go into. */
function linearTarget(target: LayerJson | undefined): boolean {
  if (!target || !FOLD_TARGETS.has(target.class_name)) return false;
  const c = target.config;
  if ((c.activation ?? 'linear') !== 'linear') return false;
  return c.data_format === undefined || c.data_format === 'channels_last';
}

/** `rank`: the rank of each BatchNormalization layer's output, by name (to check its axis is the last). */
function bnAxisLast(bn: LayerJson, rank: number | undefined): boolean {
  const axis = bn.config.axis;
  if (typeof axis !== 'number' || rank === undefined) return false;
  return axis === -1 || axis === rank - 1;
}

/** One folding of a single-input layer `layer` into the layer `into` right before it. */
interface Fold {
  readonly layer: string;
  readonly into: string;
}

/**
 * The folds a topology allows: each layer that `follows` accepts, right after a linear conv/dense
 * whose output nothing else reads (and that `also` accepts).
 */
function planAfterLinear(
  topology: TopologyJson,
  follows: (l: LayerJson) => boolean,
  also: (target: LayerJson, l: LayerJson) => boolean = () => true,
  isTarget: (target: LayerJson | undefined) => boolean = linearTarget,
): Fold[] {
  const layers = topology.config.layers;
  const folds: Fold[] = [];
  const ok = (target: LayerJson | undefined, l: LayerJson) => isTarget(target) && also(target!, l);
  if (topology.class_name === 'Sequential') {
    for (let i = 1; i < layers.length; i++) {
      const l = layers[i];
      if (follows(l) && ok(layers[i - 1], l)) folds.push({ layer: nameOf(l), into: nameOf(layers[i - 1]) });
    }
    return folds;
  }
  const byName = new Map(layers.map((l) => [nameOf(l), l]));
  const reads = new Map<string, number>();
  const read = (name: string) => reads.set(name, (reads.get(name) ?? 0) + 1);
  for (const l of layers) for (const node of l.inbound_nodes ?? []) for (const e of node) read(e[0]);
  for (const e of topology.config.output_layers ?? []) read(e[0]);
  for (const l of layers) {
    if (!follows(l)) continue;
    const nodes = l.inbound_nodes ?? [];
    if (nodes.length !== 1 || nodes[0].length !== 1) continue; // shared layers stay
    const [src, nodeIndex] = nodes[0][0];
    const target = byName.get(src);
    if (nodeIndex !== 0 || (target?.inbound_nodes ?? []).length !== 1 || reads.get(src) !== 1) continue;
    if (ok(target, l)) folds.push({ layer: nameOf(l), into: src });
  }
  return folds;
}

/** The folds a topology allows: each BN right after a linear conv/dense whose output nothing else reads. */
export function planFolds(
  topology: TopologyJson,
  rankOf: (layer: string) => number | undefined,
): BatchNormFold[] {
  return planAfterLinear(
    topology,
    (l) => l.class_name === 'BatchNormalization',
    (_t, bn) => bnAxisLast(bn, rankOf(nameOf(bn))),
  ).map((f) => ({ bn: f.layer, into: f.into }));
}

/** The activation an activation layer applies, as a conv/dense `activation` value, if it has one. */
export function activationOf(l: LayerJson): string | undefined {
  const c = l.config;
  if (l.class_name === 'Activation') return typeof c.activation === 'string' ? c.activation : undefined;
  if (l.class_name !== 'ReLU') return undefined;
  if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) return undefined;
  // ReLU(maxValue) stays a layer: it clips with one ClipByValue, while tfjs's 'relu6' activation is
  // minimum(6, relu(x)), whose Minimum took longer than the conv itself on tfjs-wasm (MobileNetV2:
  // 231 ms in 35 calls against 2.7 ms of ClipByValue).
  return c.max_value == null ? 'relu' : undefined;
}

/** One folding: the activation layer `layer` becomes the `activation` of `into`. */
export interface ActivationFold {
  readonly layer: string;
  readonly into: string;
  readonly activation: string;
}

/** The activation layers (ReLU without maxValue, Activation) that can become the activation of the linear conv/dense before them. */
export function activationFolds(topology: TopologyJson): ActivationFold[] {
  const byName = new Map(topology.config.layers.map((l) => [nameOf(l), l]));
  return planAfterLinear(topology, (l) => activationOf(l) !== undefined).map((f) => ({
    ...f,
    activation: activationOf(byName.get(f.layer)!)!,
  }));
}

/** A copy of the topology without the activation layers of `folds`: their readers read the target, which applies the activation. */
export function foldActivationTopology(
  topology: TopologyJson,
  folds: readonly ActivationFold[],
): TopologyJson {
  const act = new Map(folds.map((f) => [f.into, f.activation]));
  return withoutFolded(
    topology,
    folds.map((f) => ({ layer: f.layer, into: f.into })),
    (l) => {
      l.config.activation = act.get(nameOf(l));
    },
  );
}

/** A copy of the topology without the folded layers: their readers read the target instead, and `edit` changes each target. */
function withoutFolded(
  topology: TopologyJson,
  folds: readonly Fold[],
  edit: (target: LayerJson) => void,
  every: (l: LayerJson) => void = () => {},
): TopologyJson {
  const out = structuredClone(topology);
  const into = new Map(folds.map((f) => [f.layer, f.into]));
  const targets = new Set(folds.map((f) => f.into));
  const redirect = (e: Entry): Entry => (into.has(e[0]) ? ([into.get(e[0])!, ...e.slice(1)] as Entry) : e);
  out.config.layers = out.config.layers.filter((l) => !into.has(nameOf(l)));
  for (const l of out.config.layers) {
    if (targets.has(nameOf(l))) edit(l);
    every(l);
    if (l.inbound_nodes) l.inbound_nodes = l.inbound_nodes.map((node) => node.map(redirect));
  }
  if (out.config.output_layers) out.config.output_layers = out.config.output_layers.map(redirect);
  return out;
}

/** A copy of the topology without the folded BN layers: their readers read the target instead; targets get a bias. */
export function foldTopology(topology: TopologyJson, folds: readonly BatchNormFold[]): TopologyJson {
  return withoutFolded(
    topology,
    folds.map((f) => ({ layer: f.bn, into: f.into })),
    (l) => {
      l.config.use_bias = true;
    },
  );
}

/**
 * Layer classes (model.json names) whose kernels apply relu and relu6 in place, so a ReLU(6) after
 * one becomes its `activation`: prunekit's sparse layers (named here, not imported: they live in
 * @prunekit/sparse, which builds on this package).
 */
const FUSING_LAYERS: ReadonlySet<string> = new Set(['PrunekitSparseConv2D', 'PrunekitSparseDense']);
/** Class names of the fused conv layers (fused_conv_layers.ts). */
export const FUSED_CONV = 'PrunekitFusedConv2D';
export const FUSED_DEPTHWISE = 'PrunekitFusedDepthwiseConv2D';

/** 'relu' or 'relu6' for a ReLU layer (or Activation) a fused kernel can apply; undefined otherwise. */
function clipActivationOf(l: LayerJson): 'relu' | 'relu6' | undefined {
  const c = l.config;
  if (l.class_name === 'Activation')
    return c.activation === 'relu' || c.activation === 'relu6' ? c.activation : undefined;
  if (l.class_name !== 'ReLU' || (c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) return undefined;
  return c.max_value == null ? 'relu' : c.max_value === 6 ? 'relu6' : undefined;
}

const channelsLast = (c: Record<string, unknown>) =>
  c.data_format === undefined || c.data_format === 'channels_last';
const convLike = (l: LayerJson) =>
  (l.class_name === 'Conv2D' || l.class_name === 'DepthwiseConv2D') &&
  channelsLast(l.config) &&
  (l.config.padding === 'same' || l.config.padding === 'valid');

/** One change of toFusedModel: `layer` becomes `className` with `activation`, taking in the activation layer `absorbs`. */
export interface KernelFusion {
  readonly layer: string;
  readonly className: string;
  readonly activation: string;
  readonly absorbs?: string;
}

/**
 * The fusions a topology allows: a ReLU / ReLU(6) right after a linear Conv2D, DepthwiseConv2D or
 * sparse layer (read by nothing else) becomes its activation; then every Conv2D with relu6 and every
 * DepthwiseConv2D with a bias or relu/relu6 becomes the fused layer (a Conv2D with linear or relu
 * stays stock: tfjs-layers already runs it as one fused kernel).
 */
export function kernelFusions(topology: TopologyJson): KernelFusion[] {
  const target = (t: LayerJson | undefined) =>
    !!t && (t.config.activation ?? 'linear') === 'linear' && (convLike(t) || FUSING_LAYERS.has(t.class_name));
  const folds = planAfterLinear(
    topology,
    (l) => clipActivationOf(l) !== undefined,
    () => true,
    target,
  );
  const absorbed = new Map(folds.map((f) => [f.into, f.layer]));
  const byName = new Map(topology.config.layers.map((l) => [nameOf(l), l]));
  const out: KernelFusion[] = [];
  for (const l of topology.config.layers) {
    const name = nameOf(l);
    const absorbs = absorbed.get(name);
    const activation = absorbs
      ? clipActivationOf(byName.get(absorbs)!)!
      : String(l.config.activation ?? 'linear');
    let className = l.class_name;
    if (l.class_name === 'Conv2D' && convLike(l) && activation === 'relu6') className = FUSED_CONV;
    else if (
      l.class_name === 'DepthwiseConv2D' &&
      convLike(l) &&
      (l.config.use_bias === true || activation === 'relu' || activation === 'relu6')
    )
      className = FUSED_DEPTHWISE;
    if (absorbs || className !== l.class_name)
      out.push({ layer: name, className, activation, ...(absorbs ? { absorbs } : {}) });
  }
  return out;
}

const FUSED_KEYS = [
  'name',
  'trainable',
  'batch_input_shape',
  'dtype',
  'kernel_size',
  'strides',
  'padding',
  'dilation_rate',
  'use_bias',
];

/** A copy of the topology with `fusions` made: absorbed activation layers gone, fused layers with their config. */
export function fuseKernelTopology(topology: TopologyJson, fusions: readonly KernelFusion[]): TopologyJson {
  const by = new Map(fusions.map((f) => [f.layer, f]));
  return withoutFolded(
    topology,
    fusions.flatMap((f) => (f.absorbs ? [{ layer: f.absorbs, into: f.layer }] : [])),
    () => {},
    (l) => {
      const f = by.get(nameOf(l));
      if (!f) return;
      l.config.activation = f.activation;
      if (f.className === l.class_name) return;
      const keep = [...FUSED_KEYS, f.className === FUSED_CONV ? 'filters' : 'depth_multiplier'];
      l.config = Object.fromEntries(keep.filter((k) => k in l.config).map((k) => [k, l.config[k]]));
      l.config.activation = f.activation;
      l.config.trainable = false;
      l.class_name = f.className;
    },
  );
}

const STOCK_OF: Readonly<Record<string, string>> = {
  [FUSED_CONV]: 'Conv2D',
  [FUSED_DEPTHWISE]: 'DepthwiseConv2D',
};

/**
 * A copy of the topology with each fused conv layer back as the stock layer: a PrunekitFusedConv2D
 * becomes a Conv2D, a PrunekitFusedDepthwiseConv2D a DepthwiseConv2D (same weights), and a relu6 one
 * is followed by a new ReLU(maxValue 6) layer that its readers read instead (tfjs's own 'relu6'
 * activation runs a slow Minimum on wasm, see activationOf). `layers` names the layers un-fused.
 */
export function unfuseKernelTopology(topology: TopologyJson): { topology: TopologyJson; layers: string[] } {
  const out = structuredClone(topology);
  const names = new Set(out.config.layers.map(nameOf));
  const functional = topology.class_name !== 'Sequential';
  const reluOf = new Map<string, string>();
  const unfused: string[] = [];
  const layers: LayerJson[] = [];
  for (const l of out.config.layers) {
    layers.push(l);
    const stock = STOCK_OF[l.class_name];
    if (!stock) continue;
    const name = nameOf(l);
    if ((l.inbound_nodes ?? []).length > 1) {
      throw new InvalidArgumentError(
        `Layer '${name}' (${l.class_name}) is applied ${l.inbound_nodes!.length} times; a shared fused layer cannot be un-fused. Re-export the model with export: { format: stock }.`,
        { layer: name, field: 'inbound_nodes' },
      );
    }
    unfused.push(name);
    l.class_name = stock;
    l.config.trainable = true;
    if (l.config.activation !== 'relu6') continue;
    l.config.activation = 'linear';
    let relu = `${name}_relu6`;
    for (let i = 1; names.has(relu); i++) relu = `${name}_relu6_${i}`;
    names.add(relu);
    reluOf.set(name, relu);
    const config: Record<string, unknown> = {
      name: relu,
      trainable: true,
      max_value: 6,
      negative_slope: 0,
      threshold: 0,
    };
    if (l.config.dtype != null) config.dtype = l.config.dtype;
    layers.push(
      functional
        ? { class_name: 'ReLU', name: relu, config, inbound_nodes: [[[name, 0, 0, {}]]] }
        : { class_name: 'ReLU', config },
    );
  }
  const redirect = (e: Entry): Entry =>
    reluOf.has(e[0]) ? ([reluOf.get(e[0])!, ...e.slice(1)] as Entry) : e;
  const inserted = new Set(reluOf.values());
  for (const l of layers)
    if (l.inbound_nodes && !inserted.has(nameOf(l)))
      l.inbound_nodes = l.inbound_nodes.map((n) => n.map(redirect));
  if (out.config.output_layers) out.config.output_layers = out.config.output_layers.map(redirect);
  out.config.layers = layers;
  return { topology: out, layers: unfused };
}
