import type { ParamInfo, ScoreContext, Scorer } from '@prunekit/core';
import { channelScorer } from './channel_kit.js';
import { assertFinite } from './finite.js';
import { type GroupOptions, channelsThrough, groupOptions } from './scorer_kit.js';

/**
 * Σ_j ‖F_c − F_j‖₂ for every filter F_c (the slice of the parameter at index c of `axis`). Filters
 * near the geometric median of their layer score low: the others can stand in for them.
 */
export function filterDistances(values: Float32Array, shape: readonly number[], axis: number): Float64Array {
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const len = shape[axis];
  const outer = values.length / (inner * len);
  const dim = outer * inner;
  // Gather each filter into one contiguous row.
  const rows = new Float64Array(len * dim);
  for (let o = 0; o < outer; o++)
    for (let c = 0; c < len; c++)
      for (let i = 0; i < inner; i++) rows[c * dim + o * inner + i] = values[(o * len + c) * inner + i];
  const out = new Float64Array(len);
  for (let a = 0; a < len; a++) {
    for (let b = a + 1; b < len; b++) {
      let s = 0;
      for (let k = 0; k < dim; k++) {
        const d = rows[a * dim + k] - rows[b * dim + k];
        s += d * d;
      }
      const dist = Math.sqrt(s);
      out[a] += dist;
      out[b] += dist;
    }
  }
  return out;
}

function fpgmOf(ctx: ScoreContext, p: ParamInfo, axis: number): Float64Array {
  const v = ctx.graph.weights.values(p.id);
  assertFinite(p.id, v);
  return filterDistances(v, p.shape, axis);
}

/**
 * FPGM (He et al. 2019, filter pruning via geometric median): a filter's score is its summed
 * distance to the other filters of its layer. Per group, each producing member ('out', a kernel of
 * rank ≥ 2) contributes its filters' scores; groups with none fall back to L1 magnitude.
 */
export function fpgm(opts: GroupOptions = {}): Scorer {
  const name = 'fpgm';
  return channelScorer(
    {
      name,
      needs: ['weights'],
      paramChannels: (p, ctx) => (p.shape.length >= 2 ? fpgmOf(ctx, p, p.outAxis!) : undefined),
      groupParts: (group, ctx) =>
        group.members
          .filter((m) => m.role === 'out' && m.param && ctx.graph.param(m.param).shape.length >= 2)
          .map((m) => channelsThrough(m, fpgmOf(ctx, ctx.graph.param(m.param!), m.axis), group.size, name)),
    },
    groupOptions(name, opts),
  );
}
