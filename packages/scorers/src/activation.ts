import type { CalibrationStats, DependencyGroup, GroupMember, ScoreContext, Scorer } from '@prunekit/core';
import { channelScorer } from './channel_kit.js';
import { type GroupOptions, channelsThrough, groupOptions } from './scorer_kit.js';

const RESHAPING = new Set(['Flatten', 'Reshape', 'Permute', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D']);

/**
 * The member whose recorded output describes the group's channels: the most downstream producer
 * or carrier (e.g. the ReLU after conv → BN), skipping layers that reshape the channel axis.
 */
function describingMember(
  group: DependencyGroup,
  ctx: ScoreContext,
  stats: CalibrationStats,
  field: 'meanActivation' | 'apoz',
): GroupMember | undefined {
  const order = new Map(ctx.graph.nodes.map((n, i) => [n.name, i]));
  let best: GroupMember | undefined;
  for (const m of group.members) {
    if (m.role === 'in' || !stats[field]?.has(m.node)) continue;
    if (RESHAPING.has(ctx.graph.node(m.node).className)) continue;
    if (!best || order.get(m.node)! > order.get(best.node)!) best = m;
  }
  return best;
}

function activationScorer(
  name: string,
  field: 'meanActivation' | 'apoz',
  transform: (v: number) => number,
  opts: GroupOptions,
): Scorer {
  const pick = (stats: CalibrationStats, layer: string) => {
    const v = stats[field]?.get(layer);
    return v ? Float32Array.from(v, transform) : undefined;
  };
  return channelScorer(
    {
      name,
      needs: [field],
      paramChannels: (p, _ctx, st) => {
        const v = pick(st, p.node);
        return v && v.length === p.shape[p.outAxis!] ? v : undefined;
      },
      groupParts: (group, ctx, st) => {
        const m = describingMember(group, ctx, st, field);
        return m ? [channelsThrough(m, pick(st, m.node)!, group.size, name)] : [];
      },
    },
    groupOptions(name, opts),
  );
}

/**
 * APoZ (Hu et al. 2016), average percentage of zeros: channels whose outputs are mostly ≤ 0 on the
 * calibration data do little. Score = 1 − APoZ, so higher is more important, as for every scorer.
 */
export function apoz(opts: GroupOptions = {}): Scorer {
  return activationScorer('apoz', 'apoz', (v) => 1 - v, opts);
}

/** Mean |activation| of each output channel over the calibration data. */
export function meanActivation(opts: GroupOptions = {}): Scorer {
  return activationScorer('mean-activation', 'meanActivation', (v) => v, opts);
}
