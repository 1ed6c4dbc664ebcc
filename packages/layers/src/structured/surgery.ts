import {
  type ChannelAnalysis,
  expandIndices,
  gatherInto,
  InvalidArgumentError,
  keptIndices,
  keptShape,
  type Layout,
  type ModelGraph,
  zeroAlong,
} from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { layerWeights } from '../naming.js';
import { carryScopes } from '../nested/flatten_nested.js';

/** Group id → channels (indices into the group, 0 ≤ c < size) to remove. */
export type ChannelRemoval = ReadonlyMap<string, readonly number[]>;

interface KeepPlan {
  /** Kept indices of each layer output's channel axis. */
  keepOf(layer: string): number[];
  /** Kept indices per axis of one weight of a layer (null = whole axis). */
  weightKeeps(layer: string, weight: string, rank: number): (number[] | null)[];
}

function checkRemoval(analysis: ChannelAnalysis, removal: ChannelRemoval): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  for (const [id, channels] of removal) {
    const group = analysis.groups.find((g) => g.id === id);
    if (!group) {
      const frozen = analysis.frozen.find((f) => f.id === id);
      throw new InvalidArgumentError(
        frozen
          ? `Group '${id}' cannot lose channels: ${frozen.reason}.`
          : `No dependency group '${id}' (groups: ${analysis.groups
              .slice(0, 10)
              .map((g) => g.id)
              .join(', ')}${analysis.groups.length > 10 ? ', …' : ''}).`,
        { group: id },
      );
    }
    const seen = new Set<number>();
    for (const c of channels) {
      if (!Number.isInteger(c) || c < 0 || c >= group.size || seen.has(c)) {
        throw new InvalidArgumentError(
          `Channel ${c} of group '${id}' is out of range [0, ${group.size}) or repeated.`,
          { group: id, channel: c },
        );
      }
      seen.add(c);
    }
    if (seen.size >= group.size) {
      throw new InvalidArgumentError(
        `Removing all ${group.size} channels of group '${id}' would empty layer(s) ${group.roots.map((r) => `'${r}'`).join(', ')}; keep at least one.`,
        { group: id, layers: group.roots },
      );
    }
    if (seen.size > 0)
      byClass.set(
        analysis.groupClass.get(id)!,
        [...seen].sort((a, b) => a - b),
      );
  }
  return byClass;
}

function keepPlan(analysis: ChannelAnalysis, byClass: Map<number, number[]>): KeepPlan {
  const cache = new Map<Layout, number[]>();
  const keepOfLayout = (l: Layout) => {
    let k = cache.get(l);
    if (!k) {
      k = keptIndices(l, (a) => byClass.get(analysis.atoms.find(a)));
      cache.set(l, k);
    }
    return k;
  };
  const keepOf = (layer: string) => keepOfLayout(analysis.layouts.get(layer)!);
  return {
    keepOf,
    weightKeeps(layer, weight, rank) {
      const keeps: (number[] | null)[] = new Array(rank).fill(null);
      const node = analysis.graph.node(layer);
      for (const s of analysis.slices.get(layer) ?? []) {
        if (s.weight !== weight) continue;
        const layout =
          s.side === 'out' ? analysis.layouts.get(layer)! : analysis.layouts.get(node.inputs[s.input ?? 0])!;
        const k = expandIndices(keepOfLayout(layout), s.expand ?? 1);
        if (k.length !== layout.size * (s.expand ?? 1)) keeps[s.axis] = k;
      }
      return keeps;
    },
  };
}

type Topology = {
  class_name: string;
  config: { layers: { name?: string; class_name: string; config: Record<string, unknown> }[] };
};

function entriesOf(topology: Topology) {
  return new Map(topology.config.layers.map((e) => [(e.config.name as string) ?? e.name, e]));
}

function repairTopology(analysis: ChannelAnalysis, topology: Topology): void {
  const entries = entriesOf(topology);
  for (const node of analysis.graph.nodes) {
    const rule = analysis.rules.get(node.name);
    const entry = entries.get(node.name);
    if (rule?.repairConfig && entry) entry.config = rule.repairConfig(entry.config, node);
  }
}

function editTopology(analysis: ChannelAnalysis, plan: KeepPlan, topology: Topology): void {
  const entries = entriesOf(topology);
  for (const node of analysis.graph.nodes) {
    const rule = analysis.rules.get(node.name);
    const oldOut = analysis.layouts.get(node.name)!.size;
    const out = plan.keepOf(node.name).length;
    if (!rule?.editConfig || out === oldOut) continue;
    const entry = entries.get(node.name);
    if (!entry) continue;
    entry.config = rule.editConfig(entry.config, {
      in: node.inputs.map((i) => plan.keepOf(i).length),
      out,
      oldOut,
    });
  }
}

async function rebuild(
  graph: ModelGraph,
  plan: KeepPlan,
  mode: 'remove' | 'zero',
  topology: Topology,
): Promise<tfl.LayersModel> {
  const model = graph.source as tfl.LayersModel;
  const specs: tf.io.WeightsManifestEntry[] = [];
  const jobs: { src: tf.Tensor; shape: number[]; keeps: (number[] | null)[]; size: number }[] = [];
  let total = 0;
  for (const layer of model.layers) {
    const known = graph.hasNode(layer.name);
    for (const [short, v] of layerWeights(layer)) {
      const shape = [...v.shape] as number[];
      const keeps = known ? plan.weightKeeps(layer.name, short, shape.length) : shape.map(() => null);
      const outShape = mode === 'remove' ? keptShape(shape, keeps) : shape;
      const size = outShape.reduce((a, b) => a * b, 1);
      specs.push({ name: v.originalName, shape: outShape, dtype: 'float32' });
      jobs.push({ src: v.read(), shape, keeps, size });
      total += size;
    }
  }
  // One buffer for the new model's weights; each weight is cut straight into it.
  const data = new Float32Array(total);
  let at = 0;
  for (const j of jobs) {
    const src = j.src.dataSync() as Float32Array;
    if (mode === 'remove') {
      gatherInto(src, j.shape, j.keeps, data, at);
    } else {
      const view = data.subarray(at, at + j.size);
      view.set(src);
      const zero = j.keeps.map((k, axis) => {
        if (!k) return null;
        const keep = new Set(k);
        const z: number[] = [];
        for (let i = 0; i < j.shape[axis]; i++) if (!keep.has(i)) z.push(i);
        return z;
      });
      zeroAlong(view, j.shape, zero);
    }
    at += j.size;
  }
  const rebuilt = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: topology as unknown as object,
      weightSpecs: specs,
      weightData: data.buffer,
    }),
  );
  keepDepthMultiplier(rebuilt);
  carryScopes(model, rebuilt);
  return rebuilt;
}

/**
 * tfjs 4.22's SeparableConv2D.getConfig() leaves out depthMultiplier, so saving a model whose
 * multiplier is > 1 writes a config that reloads with multiplier 1 and fails on the weights. The
 * models surgery returns carry the field on their own layer instances (nothing global changes).
 */
function keepDepthMultiplier(model: tfl.LayersModel): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'SeparableConv2D') continue;
    const own = layer.getConfig.bind(layer);
    const m = (layer as unknown as { depthMultiplier: number }).depthMultiplier;
    layer.getConfig = () => ({ ...own(), depthMultiplier: m });
  }
}

function topologyOf(analysis: ChannelAnalysis): Topology {
  const topology = (analysis.graph.source as tfl.LayersModel).toJSON(null, false) as unknown as Topology;
  repairTopology(analysis, topology);
  return topology;
}

/**
 * Model surgery: a new, smaller LayersModel without the given channels — configs edited (filters,
 * units, reshape targets) and every weight cut along its channel axes. The source model is not touched.
 */
export async function removeChannels(
  analysis: ChannelAnalysis,
  removal: ChannelRemoval,
): Promise<tfl.LayersModel> {
  const plan = keepPlan(analysis, checkRemoval(analysis, removal));
  const topology = topologyOf(analysis);
  editTopology(analysis, plan, topology);
  return rebuild(analysis.graph, plan, 'remove', topology);
}

/**
 * The reference for surgery: a copy of the model, same shapes, with every weight slice the removed
 * channels touch set to 0. Its outputs equal the pruned model's (up to float rounding).
 */
export async function zeroChannels(
  analysis: ChannelAnalysis,
  removal: ChannelRemoval,
): Promise<tfl.LayersModel> {
  const plan = keepPlan(analysis, checkRemoval(analysis, removal));
  return rebuild(analysis.graph, plan, 'zero', topologyOf(analysis));
}

/** Kept output channel indices of every layer under a removal (for reports and tests). */
export function keptChannels(analysis: ChannelAnalysis, removal: ChannelRemoval): Map<string, number[]> {
  const plan = keepPlan(analysis, checkRemoval(analysis, removal));
  return new Map(analysis.graph.nodes.map((n) => [n.name, plan.keepOf(n.name)]));
}
