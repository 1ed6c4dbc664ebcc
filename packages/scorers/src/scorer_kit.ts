import {
  type GroupMember,
  type ParamInfo,
  type ScoreContext,
  type ScoreTarget,
  type ScorerNeed,
  type Scores,
  ShapeError,
  memberIndices,
  sizeOf,
  type CalibrationStats,
  type HessianProbes,
  type Scorer,
} from '@prunekit/core';
import { declaredStats } from './calibration/calibrate.js';
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

/** Group settings every scorer takes (variants are settings, not copies). */
export interface GroupOptions {
  /** Combines the members of a group per channel. Default 'sum'. */
  readonly reduction?: GroupReduction;
  /** Rescales a group's channel scores. Default 'none'. */
  readonly normalizer?: GroupNormalizer;
  /** Count biases (and BN beta) of group members too. Default false. */
  readonly bias?: boolean;
}

export interface ResolvedGroupOptions {
  readonly reduction: GroupReduction;
  readonly normalizer: GroupNormalizer;
  readonly bias: boolean;
}

export function groupOptions(
  name: string,
  o: GroupOptions = {},
  reduction: GroupReduction = 'sum',
): ResolvedGroupOptions {
  return {
    reduction: checkOption(`${name}: reduction`, o.reduction ?? reduction, GROUP_REDUCTIONS),
    normalizer: checkOption(`${name}: normalizer`, o.normalizer ?? 'none', GROUP_NORMALIZERS),
    bias: o.bias ?? false,
  };
}

/** A statistic of a parameter from the calibration maps; zeros for a parameter with none (not trainable). */
export function statOf(
  map: ReadonlyMap<string, Float32Array> | undefined,
  key: string,
  param: ParamInfo,
): Float32Array {
  const v = map?.get(key);
  const n = sizeOf(param.shape);
  if (!v) return new Float32Array(n);
  if (v.length !== n) {
    throw new ShapeError(
      `Calibration statistic '${key}' has ${v.length} values, but parameter '${param.id}' has ${n} ` +
        `(shape [${param.shape}]); the statistics were computed for another model.`,
      { param: param.id, key },
    );
  }
  return v;
}

/** What elementwiseScorer needs: name, statistics needed and per-element scores of a parameter. */
export interface ElementwiseSpec {
  readonly name: string;
  readonly needs: readonly ScorerNeed[];
  /** How the Hessian diagonal is probed, when `needs` has 'hessianDiagonal'. */
  readonly hessian?: HessianProbes;
  /** Non-negative per-element scores of one parameter (a fresh array). */
  element(param: ParamInfo, ctx: ScoreContext, stats: CalibrationStats): Float32Array;
  /** One member's per-channel score; default: the sum of the element scores over the channel's slice. */
  memberChannel?(
    member: GroupMember,
    param: ParamInfo,
    size: number,
    ctx: ScoreContext,
    stats: CalibrationStats,
  ): Float64Array;
}

/** A scorer from a per-element criterion; groups sum it over each member's channel slice. */
export function elementwiseScorer(spec: ElementwiseSpec, g: ResolvedGroupOptions): Scorer {
  const stats = declaredStats(spec);
  return {
    ...stats.head,
    async score(target: ScoreTarget, ctx: ScoreContext): Promise<Scores> {
      const st = await stats.read(ctx);
      if (target.kind === 'weight') {
        const { param } = target;
        const values = spec.element(param, ctx, st);
        assertFinite(param.id, values);
        return { kind: 'weight', param: param.id, shape: [...param.shape], values };
      }
      const { group } = target;
      const parts = scoringMembers(ctx.graph, group, g.bias).map((m) => {
        const info = ctx.graph.param(m.param!);
        if (spec.memberChannel) return spec.memberChannel(m, info, group.size, ctx, st);
        const values = spec.element(info, ctx, st);
        assertFinite(info.id, values);
        return memberChannelScores(
          m,
          sumAlongAxis(values, info.shape, m.axis, (v) => v),
          group.size,
          (s) => s,
        );
      });
      return {
        kind: 'group',
        group: group.id,
        values: normalize(reduceMembers(parts, group.size, g.reduction), g.normalizer),
      };
    },
  };
}

/** Repeats per-channel scores over a parameter along `axis` (channel c → every element with index c there). */
export function broadcastChannels(
  shape: readonly number[],
  axis: number,
  perChannel: ArrayLike<number>,
): Float32Array {
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const len = shape[axis];
  const out = new Float32Array(sizeOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = perChannel[Math.floor(i / inner) % len];
  return out;
}

/** |w| of a parameter: the fallback of channel criteria for weights without channels. */
export function absValues(ctx: ScoreContext, param: ParamInfo): Float32Array {
  const v = ctx.graph.weights.values(param.id);
  assertFinite(param.id, v);
  for (let i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
  return v;
}

/** Channel c's score read through a member's index map from a per-index vector (sum over its indices). */
export function channelsThrough(
  member: GroupMember,
  perIndex: ArrayLike<number>,
  size: number,
  label: string,
): Float64Array {
  const out = new Float64Array(size);
  for (let c = 0; c < size; c++) {
    for (const i of memberIndices(member, [c])) {
      if (i >= perIndex.length) {
        throw new ShapeError(
          `${label}: group member '${member.param ?? member.node}' maps channel ${c} to index ${i}, but the ` +
            `statistic has ${perIndex.length} entries; the calibration statistics do not match the model.`,
        );
      }
      out[c] += perIndex[i];
    }
  }
  return out;
}
