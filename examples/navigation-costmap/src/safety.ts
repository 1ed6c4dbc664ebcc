/**
 * Closed-loop safety of the structured model: the guard (paired rollouts against the unpruned
 * policy on validation maps the offline guard never saw, collision-rate ratio), the search that
 * backs off until it passes (DAgger fine-tune, then training on the states where the pruned and
 * unpruned policies chose differently, labelled by A*, then other channel settings), and the
 * fixed-sample comparison on the test maps that the results report.
 */
import type {
  ChannelPrunerOptions,
  ClosedLoopSearchResult,
  ClosedLoopVerdict,
  GuardLog,
  SafetyGuard,
} from '@prunekit/pruners';
import { concatRows } from '@prunekit/example-kit';
import { closedLoopSearchStage, compareWithDense, sequentialTest } from '@prunekit/recipe';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  type ClosedLoopEval,
  closedLoop,
  COSTMAP_EVENTS,
  costmapSimulator,
  mergeEvals,
  modelPolicy,
  type RolloutOptions,
} from './closed_loop.js';
import { daggerFineTune } from './dagger.js';
import { disposeSplit, type Split, toSplit } from './data.js';
import type { Recipe } from './recipe.js';
import type { Demonstrations } from './sim/dataset.js';
import type { Episode } from './sim/maps.js';
import { fit } from './train.js';

export interface SafetySearchInput {
  readonly baseline: tfl.LayersModel;
  readonly recipe: Recipe;
  readonly rollout: RolloutOptions;
  /** Validation maps: the offline guard's first, then the closed-loop guard's. */
  readonly valMaps: readonly Episode[];
  readonly offline: SafetyGuard;
  readonly settings: (ratio: number, scope?: 'local' | 'global') => ChannelPrunerOptions;
  /** The cut pruneToMacs made (and its ratio): the first candidate. */
  readonly first: { model: tfl.LayersModel; log: GuardLog; ratio: number };
  readonly ftDemo: Demonstrations;
  readonly ftMaps: readonly Episode[];
  readonly val: Split;
  readonly log: (line: string) => void;
}

export async function searchStructured(
  i: SafetySearchInput,
): Promise<ClosedLoopSearchResult & { epochs: number }> {
  const { recipe: r, baseline } = i;
  const s = r.safety;
  const q = i.first.ratio;
  const scope = r.structured.scope;
  const fitCfg = (log: string) => ({
    ...r.finetune,
    teacher: baseline,
    seed: r.seed,
    log: (l: string) => i.log(`${log} ${l}`),
  });
  return closedLoopSearchStage({
    dense: baseline,
    simulator: costmapSimulator(i.valMaps, i.rollout),
    safety: s,
    maxScenarios: s.guardEpisodes,
    first: r.guard.episodes,
    per: 100,
    seed: r.seed,
    settings: i.settings,
    cuts: [
      { ratio: q, scope, prepared: i.first },
      { ratio: q, scope: 'global' },
      { ratio: +Math.max(0.05, q - 0.05).toFixed(2), scope },
    ],
    macsTarget: r.structured.macsReduction,
    offline: i.offline,
    log: i.log,
    fineTune: async (model, ctx) => {
      const d = await daggerFineTune(model, {
        demos: i.ftDemo,
        maps: i.ftMaps,
        rounds: r.finetune.daggerRounds,
        rollout: i.rollout,
        val: i.val,
        fit: fitCfg(ctx.candidate),
      });
      return {
        epochs: d.epochs,
        note: `fine-tuned (distillation + DAgger, ${d.epochs} epochs, ${d.visited} visited states)`,
      };
    },
    learnDivergent: async (model, dv, ctx) => {
      const visited: Demonstrations = {
        x: dv.x,
        y: Uint8Array.from(dv.labels),
        count: dv.rows,
        radius: r.observation.radius,
      };
      const split = toSplit(concatRows(i.ftDemo, visited));
      try {
        const h = await fit(model, split, i.val, {
          ...fitCfg(ctx.candidate),
          epochs: s.daggerEpochs,
          lr: s.daggerLr,
        });
        return {
          epochs: h.history.length,
          note: `extra round ${ctx.round - 1}: ${dv.rows} states where pruned and unpruned chose differently (A* labels) + ${i.ftDemo.count} demonstrations, ${h.history.length} epochs`,
        };
      } finally {
        disposeSplit(split);
      }
    },
  });
}

const testTarget = (r: Recipe) => ({
  simulator: { name: 'navigation maps (test)', unit: 'episode', events: COSTMAP_EVENTS },
  safety: r.safety,
  per: 100,
  seed: r.seed,
});

/**
 * The reported test: the guard's sequential design on the held-out test maps — `model` and the
 * baseline drive `closedLoop.batch` more maps per look until the collision ratio's interval decides
 * against `safety.maxRatio` or `closedLoop.episodes` maps are spent ('undecided', never a pass).
 * Returns the verdict, both models' evaluations on the maps it used (the guard's own rollouts) and
 * the baseline's on the first batch (what the other rows are compared with).
 */
export async function checkOnTest(
  model: tfl.LayersModel,
  baseline: tfl.LayersModel,
  testMaps: readonly Episode[],
  rollout: RolloutOptions,
  r: Recipe,
): Promise<{
  verdict: ClosedLoopVerdict;
  model: ClosedLoopEval;
  dense: ClosedLoopEval;
  first: ClosedLoopEval;
}> {
  return sequentialTest(model, baseline, {
    ...testTarget(r),
    batch: r.closedLoop.batch,
    maxScenarios: r.closedLoop.episodes,
    drive: (m, first, count) => {
      if (first + count > testMaps.length)
        throw new RangeError(
          `checkOnTest: test maps ${first}…${first + count - 1} asked, only ${testMaps.length} were generated.`,
        );
      return closedLoop(modelPolicy(m, rollout.radius), testMaps.slice(first, first + count), rollout);
    },
    merge: mergeEvals,
  });
}

/** Paired comparison of a model's test rollouts against the baseline's (one look). */
export function compareWithBaseline(
  model: Pick<ClosedLoopEval, 'outcomes'>,
  baseline: Pick<ClosedLoopEval, 'outcomes'>,
  r: Recipe,
): ClosedLoopVerdict {
  return compareWithDense(model.outcomes, baseline.outcomes, testTarget(r));
}
