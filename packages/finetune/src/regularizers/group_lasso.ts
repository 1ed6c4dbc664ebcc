import * as tf from '@tensorflow/tfjs-core';
import { type DependencyGroup, type GroupMember, InvalidArgumentError } from '@prunekit/core';
import type { ProximalRegularizer } from './proximal.js';
import { baseFields } from './select.js';

const EPS = 1e-12;

function memberVar(vars: ReadonlyMap<string, tf.Variable>, g: DependencyGroup, m: GroupMember): tf.Variable {
  const v = vars.get(m.param!);
  if (!v)
    throw new InvalidArgumentError(
      `groupLasso: group '${g.id}' names parameter '${m.param}', which the model does not have.`,
      { group: g.id },
    );
  if (m.axis < 0 || m.axis >= v.rank)
    throw new InvalidArgumentError(
      `groupLasso: group '${g.id}' uses axis ${m.axis} of '${m.param}' (rank ${v.rank}).`,
    );
  return v;
}

/** Index tensor [size, repeat] of the entries a member touches for each group channel. */
function channelIndex(g: DependencyGroup, m: GroupMember): Int32Array {
  const idx = new Int32Array(g.size * m.repeat);
  for (let c = 0; c < g.size; c++)
    for (let k = 0; k < m.repeat; k++) idx[c * m.repeat + k] = m.offset + c * m.scale + k * m.stride;
  return idx;
}

/** Squared L2 norm of each channel of a group, summed over its members: a [size] tensor. */
function squaredNorms(vars: ReadonlyMap<string, tf.Variable>, g: DependencyGroup): tf.Tensor1D {
  return tf.tidy(() => {
    const parts = g.members
      .filter((m) => m.param !== undefined && vars.get(m.param)?.trainable !== false)
      .map((m) => {
        const v = memberVar(vars, g, m);
        const axes = v.shape.map((_, i) => i).filter((i) => i !== m.axis);
        const perIndex = axes.length ? tf.sum(tf.square(v), axes) : tf.square(v);
        const picked = tf.gather(perIndex, tf.tensor1d(channelIndex(g, m), 'int32'));
        return tf.sum(tf.reshape(picked, [g.size, m.repeat]), 1);
      });
    return (parts.length ? tf.addN(parts) : tf.zeros([g.size])) as tf.Tensor1D;
  });
}

/** L2 norm of every channel of every group (e.g. to count channels driven to zero). */
export function groupNorms(
  vars: ReadonlyMap<string, tf.Variable>,
  groups: readonly DependencyGroup[],
): Map<string, Float32Array> {
  return new Map(
    groups.map((g) => {
      const sq = squaredNorms(vars, g);
      const out = (sq.dataSync() as Float32Array).map(Math.sqrt);
      sq.dispose();
      return [g.id, out];
    }),
  );
}

/**
 * Group lasso over dependency groups: Σ over groups and their channels of the L2 norm of all
 * weights coupled to that channel (its producer's output slice and its consumers' input slices),
 * so whole channels are driven to zero together and can then be removed by structured pruning.
 * Non-trainable members (BatchNorm moving statistics) are left out of the norm.
 */
export function groupLasso(opts: {
  groups: readonly DependencyGroup[];
  lambda: number;
  warmupSteps?: number;
  proximal?: boolean;
}): ProximalRegularizer {
  const { lambda, warmupSteps } = baseFields('groupLasso', opts);
  if (!Array.isArray(opts.groups) || opts.groups.length === 0) {
    throw new InvalidArgumentError(
      'groupLasso.groups must be a non-empty list of dependency groups (from the model graph).',
    );
  }
  const groups = opts.groups;
  return {
    name: 'groupLasso',
    lambda,
    warmupSteps,
    proximal: opts.proximal ?? false,
    penalty(vars) {
      return tf.tidy(
        () => tf.addN(groups.map((g) => tf.sum(tf.sqrt(tf.add(squaredNorms(vars, g), EPS))))) as tf.Scalar,
      );
    },
    prox(vars, t) {
      // Block soft-thresholding: each channel's coupled weights scale by max(0, 1 − t/‖w‖).
      for (const g of groups) {
        const sq = squaredNorms(vars, g);
        const norms = sq.dataSync();
        sq.dispose();
        const scale = Float32Array.from(norms, (n2) => {
          const n = Math.sqrt(n2);
          return n > t ? 1 - t / n : 0;
        });
        tf.tidy(() => {
          for (const m of g.members) {
            if (m.param === undefined) continue;
            const v = memberVar(vars, g, m);
            if (!v.trainable) continue; // BatchNorm moving statistics are not weights to shrink
            const along = new Float32Array(v.shape[m.axis]).fill(1);
            for (let c = 0; c < g.size; c++)
              for (let k = 0; k < m.repeat; k++) along[m.offset + c * m.scale + k * m.stride] = scale[c];
            const bshape = v.shape.map((d, i) => (i === m.axis ? d : 1));
            v.assign(tf.mul(v, tf.tensor(along, bshape)));
          }
        });
      }
    },
  };
}
