// Finds the BatchNormalization layers of a model's JSON topology that can be folded into the layer
// before them, and rewrites the topology without them.

/** One folding: the BatchNormalization layer `bn` goes into the weights of `into`. */
export interface BatchNormFold {
  readonly bn: string;
  readonly into: string;
}

type Entry = [string, number, number, ...unknown[]];
interface LayerJson {
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

/** `rank`: the rank of each BatchNormalization layer's output, by name (to check its axis is the last). */
function foldable(target: LayerJson | undefined, bn: LayerJson, rank: number | undefined): boolean {
  if (!target || !FOLD_TARGETS.has(target.class_name)) return false;
  const c = target.config;
  if ((c.activation ?? 'linear') !== 'linear') return false;
  if (c.data_format !== undefined && c.data_format !== 'channels_last') return false;
  const axis = bn.config.axis;
  if (typeof axis !== 'number' || rank === undefined) return false;
  return axis === -1 || axis === rank - 1;
}

/** The folds a topology allows: each BN right after a linear conv/dense whose output nothing else reads. */
export function planFolds(
  topology: TopologyJson,
  rankOf: (layer: string) => number | undefined,
): BatchNormFold[] {
  const layers = topology.config.layers;
  const folds: BatchNormFold[] = [];
  if (topology.class_name === 'Sequential') {
    for (let i = 1; i < layers.length; i++) {
      const bn = layers[i];
      if (bn.class_name !== 'BatchNormalization') continue;
      const prev = layers[i - 1];
      if (foldable(prev, bn, rankOf(nameOf(bn)))) folds.push({ bn: nameOf(bn), into: nameOf(prev) });
    }
    return folds;
  }
  const byName = new Map(layers.map((l) => [nameOf(l), l]));
  const reads = new Map<string, number>();
  const read = (name: string) => reads.set(name, (reads.get(name) ?? 0) + 1);
  for (const l of layers) for (const node of l.inbound_nodes ?? []) for (const e of node) read(e[0]);
  for (const e of topology.config.output_layers ?? []) read(e[0]);
  for (const bn of layers) {
    if (bn.class_name !== 'BatchNormalization') continue;
    const nodes = bn.inbound_nodes ?? [];
    if (nodes.length !== 1 || nodes[0].length !== 1) continue; // shared BN layers stay
    const [src, nodeIndex] = nodes[0][0];
    const target = byName.get(src);
    if (nodeIndex !== 0 || (target?.inbound_nodes ?? []).length !== 1 || reads.get(src) !== 1) continue;
    if (foldable(target, bn, rankOf(nameOf(bn)))) folds.push({ bn: nameOf(bn), into: src });
  }
  return folds;
}

/** A copy of the topology without the folded BN layers: their readers read the target instead; targets get a bias. */
export function foldTopology(topology: TopologyJson, folds: readonly BatchNormFold[]): TopologyJson {
  const out = structuredClone(topology);
  const into = new Map(folds.map((f) => [f.bn, f.into]));
  const targets = new Set(folds.map((f) => f.into));
  const redirect = (e: Entry): Entry => (into.has(e[0]) ? ([into.get(e[0])!, ...e.slice(1)] as Entry) : e);
  out.config.layers = out.config.layers.filter((l) => !into.has(nameOf(l)));
  for (const l of out.config.layers) {
    if (targets.has(nameOf(l))) l.config.use_bias = true;
    if (l.inbound_nodes) l.inbound_nodes = l.inbound_nodes.map((node) => node.map(redirect));
  }
  if (out.config.output_layers) out.config.output_layers = out.config.output_layers.map(redirect);
  return out;
}
