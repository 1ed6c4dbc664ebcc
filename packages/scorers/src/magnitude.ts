import type { ScoreContext, ScoreTarget, Scorer, Scores } from '@prunekit/core';
import { InvalidArgumentError } from '@prunekit/core';
import { assertFinite } from './finite.js';
import {
  GROUP_NORMALIZERS,
  GROUP_REDUCTIONS,
  type GroupNormalizer,
  type GroupReduction,
  checkOption,
  memberChannelScores,
  normalize,
  reduceMembers,
  scoringMembers,
  sumAlongAxis,
} from './group_scores.js';

/**
 * Options of magnitude: the norm (L1 or L2), how group members combine and are normalized, and whether
 * biases count.
 */
export interface MagnitudeOptions {
  /** 1: |w| (L1), 2: w² per weight / Euclidean norm per channel (L2). Default 2. */
  readonly p?: 1 | 2;
  /** Combines the members of a group per channel. Default 'mean'. */
  readonly reduction?: GroupReduction;
  /** Rescales a group's channel scores. Default 'none'. */
  readonly normalizer?: GroupNormalizer;
  /** Count biases (and BN beta) of group members too. Default false. */
  readonly bias?: boolean;
}

/**
 * Magnitude criterion. Per weight: |w| (p = 1) or w² (p = 2). Per group: for each channel, the
 * Lp norm of every member's slice for that channel, combined across members by `reduction`
 * and rescaled by `normalizer`.
 */
export function magnitude(opts: MagnitudeOptions = {}): Scorer {
  const p = opts.p ?? 2;
  if (p !== 1 && p !== 2) {
    throw new InvalidArgumentError(`magnitude: p must be 1 or 2, got ${JSON.stringify(p)}.`, {
      field: 'p',
      value: p,
    });
  }
  const reduction = checkOption('magnitude: reduction', opts.reduction ?? 'mean', GROUP_REDUCTIONS);
  const normalizer = checkOption('magnitude: normalizer', opts.normalizer ?? 'none', GROUP_NORMALIZERS);
  const withBias = opts.bias ?? false;
  const elem = p === 1 ? Math.abs : (v: number) => v * v;
  const root = p === 1 ? (s: number) => s : Math.sqrt;
  return {
    name: `magnitude-l${p}`,
    needs: ['weights'],
    async score(target: ScoreTarget, ctx: ScoreContext): Promise<Scores> {
      if (target.kind === 'weight') {
        const { param } = target;
        const values = ctx.graph.weights.values(param.id);
        assertFinite(param.id, values);
        for (let i = 0; i < values.length; i++) values[i] = elem(values[i]);
        return { kind: 'weight', param: param.id, shape: [...param.shape], values };
      }
      const { group } = target;
      const parts = scoringMembers(ctx.graph, group, withBias).map((m) => {
        const info = ctx.graph.param(m.param!);
        const values = ctx.graph.weights.values(info.id);
        assertFinite(info.id, values);
        return memberChannelScores(m, sumAlongAxis(values, info.shape, m.axis, elem), group.size, root);
      });
      return {
        kind: 'group',
        group: group.id,
        values: normalize(reduceMembers(parts, group.size, reduction), normalizer),
      };
    },
  };
}
