import type { ModelGraph, ParamInfo, Scorer } from '@prunekit/core';
import { channelScorer } from './channel_kit.js';
import { assertFinite } from './finite.js';
import { type GroupOptions, channelsThrough, groupOptions } from './scorer_kit.js';

function absOf(graph: ModelGraph, id: string): Float32Array {
  const v = graph.weights.values(id);
  assertFinite(id, v);
  return Float32Array.from(v, Math.abs);
}

/** The gamma of a BatchNormalization reading `param`'s layer output, when one does and fits. */
function gammaAfter(graph: ModelGraph, param: ParamInfo): ParamInfo | undefined {
  if (param.role === 'gamma') return param;
  const channels = param.shape[param.outAxis!];
  for (const c of graph.consumers(param.node)) {
    const g = c.params.find((p) => p.role === 'gamma' && p.shape.length === 1 && p.shape[0] === channels);
    if (g) return g;
  }
  return undefined;
}

/**
 * Network slimming (Liu et al. 2017): a channel's importance is |γ| of its BatchNormalization
 * scale (train with an L1 penalty on γ first, e.g. finetune's BN-gamma regularizer). Groups
 * without a BN member, and weights of layers not followed by BN, fall back to L1 magnitude.
 */
export function bnScale(opts: GroupOptions = {}): Scorer {
  const name = 'bn-scale';
  return channelScorer(
    {
      name,
      needs: ['weights'],
      paramChannels: (p, ctx) => {
        const g = gammaAfter(ctx.graph, p);
        return g ? absOf(ctx.graph, g.id) : undefined;
      },
      groupParts: (group, ctx) =>
        group.members
          .filter((m) => m.param && ctx.graph.param(m.param).role === 'gamma')
          .map((m) => channelsThrough(m, absOf(ctx.graph, m.param!), group.size, name)),
    },
    groupOptions(name, opts),
  );
}
