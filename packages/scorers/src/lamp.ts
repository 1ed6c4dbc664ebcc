import type { ScoreContext, ScoreTarget, Scorer, Scores } from '@prunekit/core';
import { assertFinite } from './finite.js';
import { lampNormalize } from './group_scores.js';
import { magnitude } from './magnitude.js';
import type { GroupOptions } from './scorer_kit.js';

/**
 * LAMP (Lee et al. 2021, layer-adaptive magnitude pruning). Per weight: w_u² / Σ_{v: w_v² ≥ w_u²} w_v²
 * within its parameter, so one global threshold gives per-layer sparsities that respect each
 * layer's distortion. Per group: the channels' L2 magnitudes LAMP-normalised. (LAMP as a
 * normaliser of any scorer's group scores: `normalizer: 'lamp'`.)
 */
export function lamp(opts: Omit<GroupOptions, 'normalizer'> = {}): Scorer {
  const groups = magnitude({ p: 2, reduction: opts.reduction ?? 'sum', normalizer: 'lamp', bias: opts.bias });
  return {
    name: 'lamp',
    needs: ['weights'],
    async score(target: ScoreTarget, ctx: ScoreContext): Promise<Scores> {
      if (target.kind === 'group') return groups.score(target, ctx);
      const { param } = target;
      const w = ctx.graph.weights.values(param.id);
      assertFinite(param.id, w);
      for (let i = 0; i < w.length; i++) w[i] *= w[i];
      return { kind: 'weight', param: param.id, shape: [...param.shape], values: lampNormalize(w) };
    },
  };
}
