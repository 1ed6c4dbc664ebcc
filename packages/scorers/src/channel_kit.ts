import type {
  CalibrationStats,
  DependencyGroup,
  HessianProbes,
  ParamInfo,
  ScoreContext,
  Scorer,
  ScorerNeed,
  Scores,
  ScoreTarget,
} from '@prunekit/core';
import { declaredStats } from './calibration/calibrate.js';
import {
  memberChannelScores,
  normalize,
  reduceMembers,
  scoringMembers,
  sumAlongAxis,
} from './group_scores.js';
import { type ResolvedGroupOptions, absValues, broadcastChannels } from './scorer_kit.js';

/**
 * What channelScorer needs to build a group scorer: name, statistics needed, and per-parameter channel
 * scores.
 */
export interface ChannelSpec {
  readonly name: string;
  readonly needs: readonly ScorerNeed[];
  /** How the Hessian diagonal is probed, when `needs` has 'hessianDiagonal'. */
  readonly hessian?: HessianProbes;
  /** Scores of a parameter's output channels (length shape[outAxis]); undefined: fall back to |w|. */
  paramChannels(
    param: ParamInfo,
    ctx: ScoreContext,
    stats: CalibrationStats,
  ): Promise<ArrayLike<number> | undefined> | ArrayLike<number> | undefined;
  /** Per-channel member scores of a group; an empty list falls back to the L1 magnitude of the members. */
  groupParts(
    group: DependencyGroup,
    ctx: ScoreContext,
    stats: CalibrationStats,
  ): Promise<Float64Array[]> | Float64Array[];
}

/**
 * A scorer whose natural unit is the channel (BN scale, FPGM, activations, ablation). Per weight,
 * a parameter with output channels gets its channel's score on every element of the channel;
 * others (and groups where the criterion has nothing to say) fall back to magnitude |w|.
 */
export function channelScorer(spec: ChannelSpec, g: ResolvedGroupOptions): Scorer {
  const stats = declaredStats(spec);
  return {
    ...stats.head,
    async score(target: ScoreTarget, ctx: ScoreContext): Promise<Scores> {
      const st = await stats.read(ctx);
      if (target.kind === 'weight') {
        const { param } = target;
        const ch = param.outAxis === undefined ? undefined : await spec.paramChannels(param, ctx, st);
        const values = ch ? broadcastChannels(param.shape, param.outAxis!, ch) : absValues(ctx, param);
        return { kind: 'weight', param: param.id, shape: [...param.shape], values };
      }
      const { group } = target;
      let parts = await spec.groupParts(group, ctx, st);
      if (parts.length === 0) {
        parts = scoringMembers(ctx.graph, group, g.bias).map((m) => {
          const info = ctx.graph.param(m.param!);
          return memberChannelScores(
            m,
            sumAlongAxis(absValues(ctx, info), info.shape, m.axis, (v) => v),
            group.size,
            (s) => s,
          );
        });
      }
      return {
        kind: 'group',
        group: group.id,
        values: normalize(reduceMembers(parts, group.size, g.reduction), g.normalizer),
      };
    },
  };
}
