/**
 * Closed-loop safety of the structured model: the guard (paired highway driving against the
 * unpruned policy, collision-rate ratio), the search that backs off until it passes (fine-tune,
 * then DAgger rounds on the states where pruned and unpruned policies chose differently, labelled
 * by the expert, then other channel settings), and the sequential test on the test highways that
 * the results report.
 */
import type {
  ChannelPrunerOptions,
  ClosedLoopSearchResult,
  ClosedLoopVerdict,
  SafetyGuard,
} from '@prunekit/pruners';
import { concatRows } from '@prunekit/example-kit';
import { closedLoopSearchStage, compareWithDense, sequentialTest } from '@prunekit/recipe';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type ClosedLoopEval,
  closedLoop,
  HIGHWAY_EVENTS,
  highwaySimulator,
  mergeEvals,
  modelPolicy,
} from './closed_loop.js';
import { disposeSplit, type Split, toSplit } from './data.js';
import type { Recipe } from './recipe.js';
import type { Demonstrations } from './sim/dataset.js';
import type { SimParams } from './sim/params.js';
import { splitSeed } from './splits.js';
import { train } from './train.js';

export interface SafetySearchInput {
  readonly baseline: tfl.LayersModel;
  readonly recipe: Recipe;
  readonly params: SimParams;
  /** The offline guard every cut goes through (brake recall after recovery). */
  readonly offline: SafetyGuard;
  /** Channel settings at a ratio. */
  readonly settings: (ratio: number, scope?: 'local' | 'global') => ChannelPrunerOptions;
  /** The ratio whose plain cut reaches the MACs target. */
  readonly ratio: number;
  readonly ft: Demonstrations;
  readonly val: Split;
  readonly log: (line: string) => void;
}

export async function searchStructured(
  i: SafetySearchInput,
): Promise<ClosedLoopSearchResult & { epochs: number }> {
  const { recipe: r, baseline } = i;
  const s = r.safety;
  const q = i.ratio;
  const scope = r.structured.scope;
  return closedLoopSearchStage({
    dense: baseline,
    // Validation scenarios, never the test ones the results report.
    simulator: highwaySimulator(i.params, { ...r.closedLoop, seed: splitSeed(r.seed, 'val') + 1 }),
    safety: s,
    maxScenarios: s.guardWorlds,
    per: 1000,
    seed: r.seed,
    settings: i.settings,
    cuts: [
      { ratio: q, scope },
      { ratio: +Math.min(0.9, q + 0.05).toFixed(4), scope },
      { ratio: q, scope: 'global' },
      { ratio: +Math.max(0.05, q - 0.05).toFixed(4), scope },
    ],
    macsTarget: r.structured.macsReduction,
    offline: i.offline,
    log: i.log,
    fineTune: async (model, ctx) => {
      // The ordinary fine-tune, distilled from the unpruned policy.
      const split = toSplit(i.ft, r.data.repeat);
      try {
        const cfg = { ...r.finetune, teacher: baseline, seed: r.seed, quiet: true };
        const h = await train(model, split, i.val, cfg, i.log, ctx.candidate);
        return {
          epochs: h.history.length,
          note: `fine-tuned ${h.history.length} epochs on ${split.count} demonstrations (distilled from the unpruned policy)`,
        };
      } finally {
        disposeSplit(split);
      }
    },
    learnDivergent: async (model, d, ctx) => {
      const visited: Demonstrations = {
        x: d.x,
        y: Uint8Array.from(d.labels),
        count: d.rows,
        features: d.shape[0],
      };
      const split = toSplit(concatRows(i.ft, visited), r.data.repeat);
      try {
        const cfg = {
          ...r.finetune,
          epochs: s.daggerEpochs,
          lr: s.daggerLr,
          teacher: baseline,
          seed: r.seed + ctx.round,
          quiet: true,
        };
        const h = await train(model, split, i.val, cfg, i.log, ctx.candidate);
        return {
          epochs: h.history.length,
          note: `DAgger round ${ctx.round - 1}: ${d.rows} states where pruned and unpruned chose differently (expert labels) + ${i.ft.count} demonstrations, ${h.history.length} epochs`,
        };
      } finally {
        disposeSplit(split);
      }
    },
  });
}

const testTarget = (r: Recipe) => ({
  simulator: { name: 'highway (test scenarios)', unit: 'km', events: HIGHWAY_EVENTS },
  safety: r.safety,
  per: 1000,
  seed: r.seed,
});

/**
 * The reported test: the guard's sequential design on the test highways — `model` and the baseline
 * drive `closedLoop.worlds` more worlds per look until the collision ratio's interval decides against
 * `safety.maxRatio` or `closedLoop.maxWorlds` worlds are spent ('undecided', never a pass). Returns
 * the verdict, both models' evaluations on the worlds it used (the guard's own drives, with agreement
 * and brake recall) and the baseline's on the first look (what the other rows are compared with).
 */
export async function checkOnTest(
  model: tfl.LayersModel,
  baseline: tfl.LayersModel,
  params: SimParams,
  r: Recipe,
): Promise<{
  verdict: ClosedLoopVerdict;
  model: ClosedLoopEval;
  dense: ClosedLoopEval;
  first: ClosedLoopEval;
}> {
  const drive = { ...r.closedLoop, seed: splitSeed(r.seed, 'test') + 1 };
  return sequentialTest(model, baseline, {
    ...testTarget(r),
    batch: r.closedLoop.worlds,
    maxScenarios: r.closedLoop.maxWorlds,
    drive: (m, first, count) => closedLoop(modelPolicy(m), params, { ...drive, worlds: count, first }),
    merge: mergeEvals,
  });
}

/** Paired comparison of a model's test drive against the baseline's (one look, 95 % CIs). */
export function compareWithBaseline(
  model: Pick<ClosedLoopEval, 'outcomes'>,
  baseline: Pick<ClosedLoopEval, 'outcomes'>,
  r: Recipe,
): ClosedLoopVerdict {
  return compareWithDense(model.outcomes, baseline.outcomes, testTarget(r));
}
