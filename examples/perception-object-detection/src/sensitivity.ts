/**
 * The label-free pruning plan of the example: channel statistics on training photos, channels ranked
 * per group by consumerEnergy, each group's damage measured alone at a few ratios (mean-compensated
 * surgery, the 'peak' loss of the class heatmap against the dense model on training photos), and
 * the ratios allocated greedily to a MAC target.
 */
import {
  buildGraphModelGraph,
  type ChannelStats,
  consumerEnergy,
  type GraphChannelAnalysis,
  type GraphModelGraph,
  type GraphModelSource,
  meanCompensation,
  outputLoss,
  removeGraphChannels,
  toTfGraphModel,
} from '@prunekit/graph-model';
import * as tf from '@tensorflow/tfjs-core';
import { type Allocation, allocateRatios, type GroupSensitivity } from './allocate.js';

/** The heatmap output whose peaks are the detections. */
export const HEATMAP = 'tower_0/keypoints';

/** Each prunable group's channels, least important first (consumerEnergy). */
export async function rankChannels(
  graph: GraphModelGraph,
  analysis: GraphChannelAnalysis,
  stats: ReadonlyMap<string, ChannelStats>,
): Promise<Map<string, number[]>> {
  const scorer = consumerEnergy(graph, stats);
  const order = new Map<string, number[]>();
  for (const group of analysis.groups) {
    const r = await scorer.score({ kind: 'group', group }, { graph } as never);
    if (r.kind !== 'group') continue;
    const idx = [...r.values.keys()].sort((a, b) => r.values[a] - r.values[b]);
    order.set(group.id, idx);
  }
  return order;
}

/** Removal plan from per-group ratios: the lowest-ranked floor(ratio·size) channels, ≥ 1 kept. */
export function planFromRatios(
  order: ReadonlyMap<string, number[]>,
  ratios: ReadonlyMap<string, number>,
): Map<string, number[]> {
  const plan = new Map<string, number[]>();
  for (const [g, r] of ratios) {
    const idx = order.get(g);
    if (!idx) continue;
    const n = Math.min(idx.length - 1, Math.floor(r * idx.length));
    if (n > 0)
      plan.set(
        g,
        idx.slice(0, n).sort((a, b) => a - b),
      );
  }
  return plan;
}

/** Mean-compensated surgery of a plan. */
export function pruneCompensated(
  analysis: GraphChannelAnalysis,
  plan: Map<string, number[]>,
  stats: ReadonlyMap<string, ChannelStats>,
): { model: GraphModelSource; uncompensated: string[] } {
  const c = meanCompensation(analysis, plan, stats);
  return {
    model: removeGraphChannels(analysis, plan, { biasShift: c.biasShift }),
    uncompensated: c.uncompensated,
  };
}

/** Total MACs of a model's graph. */
export async function macsOf(source: GraphModelSource): Promise<number> {
  const g = await buildGraphModelGraph(source);
  try {
    return g.nodes.reduce((a, n) => a + n.macs, 0);
  } finally {
    g.dispose();
  }
}

/** The 'peak' loss of a model's heatmap against the teacher's, summed over `inputs` (one at a time). */
export async function heatmapDamage(
  source: GraphModelSource,
  inputs: readonly tf.Tensor[],
  teacher: readonly tf.Tensor[],
): Promise<number> {
  const model = await toTfGraphModel(source);
  try {
    let sum = 0;
    inputs.forEach((x, i) => {
      const l = tf.tidy(() => outputLoss('peak', model.execute(x, HEATMAP) as tf.Tensor, teacher[i]));
      sum += l.dataSync()[0];
      l.dispose();
    });
    return sum / inputs.length;
  } finally {
    model.dispose();
  }
}

export interface SensitivityPlan {
  readonly table: GroupSensitivity[];
  /** The greedy allocation to a MAC target (pruned / dense) and its removal plan. */
  planFor(targetMacs: number): Promise<{ allocation: Allocation; plan: Map<string, number[]> }>;
}

/**
 * Measures every group alone at `levels` on `inputs` (training photos); `planFor` then allocates
 * ratios to a MAC target. `onGroup` reports progress.
 */
export async function sensitivityPlan(
  dense: GraphModelSource,
  analysis: GraphChannelAnalysis,
  stats: ReadonlyMap<string, ChannelStats>,
  order: ReadonlyMap<string, number[]>,
  inputs: readonly tf.Tensor[],
  opts: { levels: readonly number[]; onGroup?: (i: number, s: GroupSensitivity) => void },
): Promise<SensitivityPlan> {
  const model = await toTfGraphModel(dense);
  const teacher = inputs.map((x) => model.execute(x, HEATMAP) as tf.Tensor);
  model.dispose();
  const total = await macsOf(dense);
  const table: GroupSensitivity[] = [];
  try {
    for (const [i, group] of analysis.groups.entries()) {
      const levels = [];
      for (const ratio of opts.levels) {
        const plan = planFromRatios(order, new Map([[group.id, ratio]]));
        if (plan.size === 0) continue;
        const { model: pruned } = pruneCompensated(analysis, plan, stats);
        const macsSaved = 1 - (await macsOf(pruned)) / total;
        const damage = await heatmapDamage(pruned, inputs, teacher);
        levels.push({ ratio, damage, macsSaved });
      }
      const s = { group: group.id, levels };
      table.push(s);
      opts.onGroup?.(i, s);
    }
  } finally {
    tf.dispose(teacher);
  }
  const planFor = async (targetMacs: number) => {
    const allocation = await allocateRatios(table, targetMacs, async (ratios) => {
      const { model: pruned } = pruneCompensated(analysis, planFromRatios(order, ratios), stats);
      return (await macsOf(pruned)) / total;
    });
    return { allocation, plan: planFromRatios(order, allocation.ratios) };
  };
  return { table, planFor };
}
