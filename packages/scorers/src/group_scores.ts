import {
  type DependencyGroup,
  type GroupMember,
  InvalidArgumentError,
  type ModelGraph,
  type ParamRole,
  ShapeError,
  memberIndices,
} from '@prunekit/core';

/** How the scores of a group's members are combined into one score per channel. */
export type GroupReduction = 'sum' | 'mean' | 'max' | 'l2';
/** How a group's channel scores are rescaled so groups of different size/scale compare (global pruning). */
export type GroupNormalizer = 'none' | 'mean' | 'max' | 'lamp';

/** Every GroupReduction, in the order help texts list them. */
export const GROUP_REDUCTIONS: readonly GroupReduction[] = ['sum', 'mean', 'max', 'l2'];
/** Every GroupNormalizer, in the order help texts list them. */
export const GROUP_NORMALIZERS: readonly GroupNormalizer[] = ['none', 'mean', 'max', 'lamp'];

/** Roles that describe a channel's importance; biases and BN statistics do not by default. */
const DEFAULT_GROUP_ROLES: ReadonlySet<ParamRole> = new Set<ParamRole>([
  'kernel',
  'depthwiseKernel',
  'pointwiseKernel',
  'gamma',
  'recurrentKernel',
  'embedding',
  'alpha',
  'other',
]);

export function checkOption<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new InvalidArgumentError(
      `${field} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}.`,
      { field, value },
    );
  }
  return value as T;
}

/** Whether a group member's parameter takes part in group scoring. */
export function scoredMember(graph: ModelGraph, m: GroupMember, withBias: boolean): boolean {
  if (!m.param) return false;
  const role = graph.param(m.param).role;
  return DEFAULT_GROUP_ROLES.has(role) || (withBias && (role === 'bias' || role === 'beta'));
}

/**
 * Sums `f(value)` over every element of a tensor of `shape`, bucketed by the element's index
 * along `axis`: the result has shape[axis] entries.
 */
export function sumAlongAxis(
  values: Float32Array,
  shape: readonly number[],
  axis: number,
  f: (v: number) => number,
): Float64Array {
  if (axis < 0 || axis >= shape.length) {
    throw new ShapeError(`Axis ${axis} is out of range for a parameter of shape [${shape}].`);
  }
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const len = shape[axis];
  const out = new Float64Array(len);
  for (let i = 0; i < values.length; i++) out[Math.floor(i / inner) % len] += f(values[i]);
  return out;
}

/**
 * Per-channel member scores: for channel c, `combine` of the per-index sums at the indices the
 * member maps c to (memberIndices). Returns group.size entries.
 */
export function memberChannelScores(
  member: GroupMember,
  perIndex: Float64Array,
  size: number,
  combine: (sum: number) => number,
): Float64Array {
  const out = new Float64Array(size);
  for (let c = 0; c < size; c++) {
    let s = 0;
    for (const i of memberIndices(member, [c])) {
      if (i >= perIndex.length) {
        throw new ShapeError(
          `Group member '${member.param ?? member.node}' maps channel ${c} to index ${i} on axis ${member.axis}, ` +
            `which has only ${perIndex.length} entries.`,
        );
      }
      s += perIndex[i];
    }
    out[c] = combine(s);
  }
  return out;
}

/** Combines member scores channel by channel. */
export function reduceMembers(
  parts: readonly Float64Array[],
  size: number,
  reduction: GroupReduction,
): Float64Array {
  const out = new Float64Array(size);
  if (parts.length === 0) return out;
  for (let c = 0; c < size; c++) {
    let acc = reduction === 'max' ? -Infinity : 0;
    for (const p of parts) {
      if (reduction === 'max') acc = Math.max(acc, p[c]);
      else acc += reduction === 'l2' ? p[c] * p[c] : p[c];
    }
    out[c] = reduction === 'mean' ? acc / parts.length : reduction === 'l2' ? Math.sqrt(acc) : acc;
  }
  return out;
}

/**
 * LAMP (Lee et al. 2021): each score divided by the sum of the scores not below it,
 * s_u / Σ_{v: s_v ≥ s_u} s_v (ties: later index counts as larger). Scores of different layers
 * become comparable for a global threshold; the largest score of a set is always 1.
 */
export function lampNormalize(scores: ArrayLike<number>): Float32Array {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
  const out = new Float32Array(n);
  let tail = 0;
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k];
    tail += scores[i];
    out[i] = tail > 0 ? scores[i] / tail : 0;
  }
  return out;
}

/** Divides by the mean or max of the scores (left as is when that is 0), or applies LAMP. */
export function normalize(scores: Float64Array, normalizer: GroupNormalizer): Float32Array {
  if (normalizer === 'lamp') return lampNormalize(scores);
  let d = 1;
  if (normalizer !== 'none' && scores.length > 0) {
    d = normalizer === 'max' ? Math.max(...scores) : scores.reduce((a, b) => a + b, 0) / scores.length;
    if (!(d > 0) || !Number.isFinite(d)) d = 1;
  }
  const out = new Float32Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = scores[i] / d;
  return out;
}

/** Members of a group that carry a parameter taking part in scoring; refuses groups with none. */
export function scoringMembers(graph: ModelGraph, group: DependencyGroup, withBias: boolean): GroupMember[] {
  const ms = group.members.filter((m) => scoredMember(graph, m, withBias));
  if (ms.length === 0) {
    throw new InvalidArgumentError(
      `Group '${group.id}' has no member with a weight to score (roots: ${group.roots.join(', ')}); ` +
        'leave its layers out of pruning.',
      { group: group.id },
    );
  }
  return ms;
}
