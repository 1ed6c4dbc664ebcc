/**
 * Closed-loop safety of the structured model: the guard (paired highway driving against the
 * unpruned policy, collision-rate ratio), the search that backs off until it passes (fine-tune,
 * then DAgger rounds on the states where pruned and unpruned policies chose differently, labelled
 * by the expert, then other channel settings), and the fixed-sample comparison the results report.
 */
import { buildGraph } from '@prunekit/layers';
import {
  type ChannelPrunerOptions,
  type ClosedLoopSearchResult,
  type ClosedLoopVerdict,
  closedLoopChannelSearch,
  closedLoopGuard,
  compareOutcomes,
  type SafetyGuard,
  type SearchCandidate,
} from '@prunekit/pruners';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type ClosedLoopEval, HIGHWAY_EVENTS, highwaySimulator } from './closed_loop.js';
import { disposeSplit, type Split, toSplit } from './data.js';
import type { Recipe } from './recipe.js';
import type { Demonstrations } from './sim/dataset.js';
import type { SimParams } from './sim/params.js';
import { splitSeed } from './splits.js';
import { train } from './train.js';

/** `a`'s rows followed by `b`'s. */
function concat(a: Demonstrations, b: Demonstrations): Demonstrations {
  const x = new Float32Array(a.x.length + b.x.length);
  x.set(a.x);
  x.set(b.x, a.x.length);
  const y = new Uint8Array(a.count + b.count);
  y.set(a.y);
  y.set(b.y, a.count);
  return { x, y, count: a.count + b.count, features: a.features };
}

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

/** The guard on validation scenarios (never the test ones the results report). */
export function validationGuard(baseline: tfl.LayersModel, r: Recipe, p: SimParams) {
  const s = r.safety;
  return closedLoopGuard({
    simulator: highwaySimulator(p, { ...r.closedLoop, seed: splitSeed(r.seed, 'val') + 1 }),
    dense: baseline,
    event: 'collision',
    maxRatio: s.maxRatio,
    confidence: s.confidence,
    test: s.test,
    batch: s.guardBatch,
    maxScenarios: s.guardWorlds,
    per: 1000,
    seed: r.seed,
  });
}

export async function searchStructured(
  i: SafetySearchInput,
): Promise<ClosedLoopSearchResult & { epochs: number }> {
  const { recipe: r, baseline } = i;
  const s = r.safety;
  const guard = validationGuard(baseline, r, i.params);
  const ratio = i.ratio;
  const up = +Math.min(0.9, ratio + 0.05).toFixed(4);
  const down = +Math.max(0.05, ratio - 0.05).toFixed(4);
  const candidates: SearchCandidate[] = [
    { label: `ratio ${ratio} ${r.structured.scope}`, options: i.settings(ratio) },
    { label: `ratio ${up} ${r.structured.scope}`, options: i.settings(up) },
    { label: `ratio ${ratio} global`, options: i.settings(ratio, 'global') },
    { label: `ratio ${down} ${r.structured.scope}`, options: i.settings(down) },
  ];
  let epochs = 0;
  const res = await closedLoopChannelSearch(buildGraph(baseline), guard, {
    candidates,
    guards: i.offline,
    recoveryRounds: 1 + s.daggerRounds,
    constraint: (_m, red) =>
      red < r.structured.macsReduction
        ? `${red.toFixed(2)}x fewer MACs misses the ${r.structured.macsReduction}x target (the offline guard rolled groups back)`
        : undefined,
    log: i.log,
    recover: async (model, ctx) => {
      if (ctx.round === 1) {
        // The ordinary fine-tune, distilled from the unpruned policy.
        const split = toSplit(i.ft, r.data.repeat);
        try {
          const h = await train(
            model,
            split,
            i.val,
            { ...r.finetune, teacher: baseline, seed: r.seed, quiet: true },
            i.log,
            ctx.candidate,
          );
          epochs += h.history.length;
          return `fine-tuned ${h.history.length} epochs on ${split.count} demonstrations (distilled from the unpruned policy)`;
        } finally {
          disposeSplit(split);
        }
      }
      const d = ctx.divergent;
      if (!d || d.rows === 0 || !d.labels) return 'no divergent states to learn from';
      const visited: Demonstrations = {
        x: d.x,
        y: Uint8Array.from(d.labels),
        count: d.rows,
        features: d.shape[0],
      };
      const split = toSplit(concat(i.ft, visited), r.data.repeat);
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
        epochs += h.history.length;
        return `DAgger round ${ctx.round - 1}: ${d.rows} states where pruned and unpruned chose differently (expert labels) + ${i.ft.count} demonstrations, ${h.history.length} epochs`;
      } finally {
        disposeSplit(split);
      }
    },
  });
  return { ...res, epochs };
}

/** Paired comparison of a model's test drive against the baseline's (one look, 95 % CIs). */
export function compareWithBaseline(
  model: ClosedLoopEval,
  baseline: ClosedLoopEval,
  r: Recipe,
): ClosedLoopVerdict {
  return compareOutcomes(model.outcomes, baseline.outcomes, {
    simulator: { name: 'highway (test scenarios)', unit: 'km', events: HIGHWAY_EVENTS },
    limits: { collision: r.safety.maxRatio },
    test: r.safety.test,
    confidence: r.safety.confidence,
    per: 1000,
    seed: r.seed,
  });
}
