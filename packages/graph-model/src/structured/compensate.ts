import {
  type DependencyGroup,
  InvalidArgumentError,
  memberIndices,
  type ScoreTarget,
  type Scorer,
  type Scores,
} from '@prunekit/core';
import { type ChannelRemoval, keptChannels } from '@prunekit/layers';
import type { GraphModelGraph } from '../graph/build_graph.js';
import type { GraphChannelAnalysis } from './analyze.js';
import { type ChannelStats, isContractingConv } from './channel_stats.js';

/** Bias shifts that stand in for removed input channels, and the convs that could not take one. */
export interface MeanCompensation {
  /** Bias parameter id → the amount to add to each of its (unpruned) entries. */
  readonly biasShift: Map<string, Float32Array>;
  /** Convs that lose input channels but have no bias to fold them into (left uncompensated). */
  readonly uncompensated: string[];
}

function statsOf(
  stats: ReadonlyMap<string, ChannelStats>,
  tensor: string,
  node: string,
  size: number,
): ChannelStats {
  const s = stats.get(tensor);
  if (!s) {
    throw new InvalidArgumentError(
      `meanCompensation: no channel statistics for tensor '${tensor}' (input of conv '${node}'); ` +
        'measure them with channelStats(source, inputs, contractedTensors(graph)).',
      { field: 'stats', tensor },
    );
  }
  if (s.mean.length !== size) {
    throw new InvalidArgumentError(
      `meanCompensation: statistics of '${tensor}' have ${s.mean.length} channels, the graph has ${size}.`,
      { field: 'stats', tensor },
    );
  }
  return s;
}

function paramOf(graph: GraphModelGraph, node: GraphModelGraph['nodes'][number], role: string) {
  const p = node.params.find((q) => q.role === role);
  return p ? graph.param(p.id) : undefined;
}

/**
 * Mean compensation for channel removal: a removed channel is replaced, in every conv that reads
 * it, by its mean output over representative inputs, folded into the conv's bias
 * (bias_j += Σ_{kh,kw,r} filter[kh,kw,r,j] · mean_r). A pruned channel of a batch-norm-folded
 * net outputs act(bias) ≠ 0, so dropping it outright shifts every consumer; this shift undoes the
 * constant part (exactly for 1×1 convs and away from zero-padded borders). Pass `biasShift` to
 * removeGraphChannels / zeroGraphChannels.
 */
export function meanCompensation(
  analysis: GraphChannelAnalysis,
  removal: ChannelRemoval,
  stats: ReadonlyMap<string, ChannelStats>,
): MeanCompensation {
  const graph = analysis.graph;
  const kept = keptChannels(analysis, removal);
  const biasShift = new Map<string, Float32Array>();
  const uncompensated: string[] = [];
  for (const node of graph.nodes) {
    if (!isContractingConv(node)) continue;
    const input = node.inputs[0];
    const size = analysis.layouts.get(input)?.size ?? 0;
    const keep = new Set(kept.get(input) ?? []);
    if (keep.size === size) continue;
    const removed = [...Array(size).keys()].filter((c) => !keep.has(c));
    const filter = paramOf(graph, node, 'kernel');
    const bias = paramOf(graph, node, 'bias');
    if (!filter) continue;
    if (!bias) {
      uncompensated.push(node.name);
      continue;
    }
    const { mean } = statsOf(stats, input, node.name, size);
    const [kh, kw, cin, cout] = filter.shape;
    const k = graph.weights.values(filter.id);
    const shift = new Float32Array(cout);
    for (let y = 0; y < kh * kw; y++) {
      for (const r of removed) {
        const m = mean[r];
        const row = (y * cin + r) * cout;
        for (let j = 0; j < cout; j++) shift[j] += k[row + j] * m;
      }
    }
    biasShift.set(bias.id, shift);
  }
  return { biasShift, uncompensated };
}

/**
 * Data-driven channel scorer for graph models (label-free): a channel's score is the share of each
 * consuming conv's input energy it carries once replaced by its mean — var_r · ‖filter[:, :, r, :]‖²
 * over Σ_r of the same — summed over the convs that read the group. Low score: removing the
 * channel (with meanCompensation) changes the consumers' outputs little. Statistics from channelStats.
 */
export function consumerEnergy(graph: GraphModelGraph, stats: ReadonlyMap<string, ChannelStats>): Scorer {
  const shares = new Map<string, Float64Array>();
  const shareOf = (nodeName: string): Float64Array => {
    const cached = shares.get(nodeName);
    if (cached) return cached;
    const node = graph.node(nodeName);
    const filter = paramOf(graph, node, 'kernel')!;
    const [kh, kw, cin, cout] = filter.shape;
    const { mean, meanSquare } = statsOf(stats, node.inputs[0], node.name, cin);
    const k = graph.weights.values(filter.id);
    const e = new Float64Array(cin);
    for (let y = 0; y < kh * kw; y++) {
      for (let r = 0; r < cin; r++) {
        const row = (y * cin + r) * cout;
        for (let j = 0; j < cout; j++) e[r] += k[row + j] * k[row + j];
      }
    }
    let total = 0;
    for (let r = 0; r < cin; r++) {
      e[r] *= Math.max(0, meanSquare[r] - mean[r] * mean[r]);
      total += e[r];
    }
    if (total > 0) for (let r = 0; r < cin; r++) e[r] /= total;
    shares.set(nodeName, e);
    return e;
  };
  const isConsumer = (group: DependencyGroup, m: DependencyGroup['members'][number]) =>
    m.role === 'in' &&
    m.param !== undefined &&
    m.axis === 2 &&
    isContractingConv(graph.node(m.node)) &&
    graph.param(m.param).role === 'kernel' &&
    group.size > 0;
  return {
    name: 'consumer-energy',
    needs: ['weights'],
    async score(target: ScoreTarget): Promise<Scores> {
      if (target.kind !== 'group') {
        throw new InvalidArgumentError('consumerEnergy scores channel groups only (structured pruning).', {
          field: 'target',
        });
      }
      const { group } = target;
      const members = group.members.filter((m) => isConsumer(group, m));
      if (members.length === 0) {
        throw new InvalidArgumentError(
          `consumerEnergy: group '${group.id}' (roots: ${group.roots.join(', ')}) is read by no conv; ` +
            'leave it out of the plan or score it with magnitude().',
          { group: group.id },
        );
      }
      const values = new Float32Array(group.size);
      for (const m of members) {
        const e = shareOf(m.node);
        for (let c = 0; c < group.size; c++) for (const i of memberIndices(m, [c])) values[c] += e[i];
      }
      return { kind: 'group', group: group.id, values };
    },
  };
}
