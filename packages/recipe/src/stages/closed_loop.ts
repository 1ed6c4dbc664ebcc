/**
 * The closed-loop safety stage of a planner recipe: the `safety` section (largest allowed rate
 * ratio, confidence, test, scenarios per look, recovery rounds) turned into the pieces a planner
 * pipeline wires together — the sequential guard on a simulator, the fixed-sample comparison of two
 * sets of outcomes, and the back-off search over channel cuts that fine-tunes a cut first and then
 * trains it on the states where it and the dense policy chose differently (DAgger-style). The
 * simulator, the fine-tune and the divergent-state training are the caller's.
 */
import {
  type ChannelPrunerOptions,
  type ClosedLoopGuard,
  type ClosedLoopSearchResult,
  type ClosedLoopSimulator,
  type ClosedLoopVerdict,
  closedLoopChannelSearch,
  closedLoopGuard,
  compareOutcomes,
  type DivergentStates,
  type GuardLog,
  type RatioTest,
  type RecoveryContext,
  type SafetyGuard,
  type ScenarioOutcome,
} from '@prunekit/pruners';
import { buildGraph } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The recipe's `safety` section as the stage reads it. */
export interface ClosedLoopSafety {
  /** Largest allowed rate ratio pruned / dense of the guarded event. */
  readonly maxRatio: number;
  readonly confidence: number;
  readonly test: RatioTest;
  /** Scenarios per sequential look of the search's guard. */
  readonly guardBatch: number;
  /** Rounds of training on divergent states after the fine-tune. */
  readonly daggerRounds: number;
}

/** What a comparison reports on: the simulator's name, unit and events, the guarded event, rates per `per`. */
export interface ClosedLoopTarget {
  readonly simulator: Pick<ClosedLoopSimulator, 'name' | 'unit' | 'events'>;
  readonly safety: ClosedLoopSafety;
  /** The guarded event (default 'collision'). */
  readonly event?: string;
  /** Rates per this much exposure (e.g. 1000 km, 100 episodes; default 1). */
  readonly per?: number;
  /** Bootstrap seed. */
  readonly seed: number;
}

/** The sequential guard of `target` against `dense`: `batch` scenarios per look (default the section's guardBatch) up to `maxScenarios`. */
export function safetyGuard(
  dense: tfl.LayersModel,
  t: ClosedLoopTarget & {
    readonly simulator: ClosedLoopSimulator;
    readonly maxScenarios: number;
    readonly batch?: number;
    readonly first?: number;
  },
): ClosedLoopGuard {
  const s = t.safety;
  return closedLoopGuard({
    simulator: t.simulator,
    dense,
    event: t.event ?? 'collision',
    maxRatio: s.maxRatio,
    confidence: s.confidence,
    test: s.test,
    batch: t.batch ?? s.guardBatch,
    maxScenarios: t.maxScenarios,
    ...(t.first !== undefined ? { first: t.first } : {}),
    per: t.per ?? 1,
    seed: t.seed,
  });
}

/** One look: `pruned[i]` against `dense[i]` (outcomes of the same scenarios), at the section's confidence. */
export function compareWithDense(
  pruned: readonly ScenarioOutcome[],
  dense: readonly ScenarioOutcome[],
  t: ClosedLoopTarget,
): ClosedLoopVerdict {
  return compareOutcomes(pruned, dense, {
    simulator: t.simulator,
    limits: { [t.event ?? 'collision']: t.safety.maxRatio },
    test: t.safety.test,
    confidence: t.safety.confidence,
    per: t.per ?? 1,
    seed: t.seed,
  });
}

/** Options of sequentialTest: the comparison's target, its design and how the example drives a model. */
export interface SequentialTestOptions<E extends { readonly outcomes: readonly ScenarioOutcome[] }>
  extends ClosedLoopTarget {
  /** Scenarios per look. */
  readonly batch: number;
  /** Cap on scenarios; reaching it undecided gives 'undecided' (never a pass). */
  readonly maxScenarios: number;
  /**
   * Drives `model` on scenarios first … first + count − 1 and returns the example's evaluation of
   * them (its `outcomes` go to the guard; the rest is the example's table).
   */
  readonly drive: (model: tfl.LayersModel, first: number, count: number) => E | Promise<E>;
  /** The evaluations of consecutive batches as one. */
  readonly merge: (parts: readonly E[]) => E;
}

/**
 * The reported test of a planner example: the guard's sequential design on held-out test scenarios.
 * `model` and `dense` drive `batch` more scenarios per look until the guarded event's interval
 * decides against `safety.maxRatio` (each look at the Bonferroni-corrected confidence) or
 * `maxScenarios` are spent. Returns the verdict, each model's evaluation of all the scenarios it used
 * (the guard's own rollouts, merged, so a table does not drive them again) and the dense policy's of
 * the first look (what rows outside the test are compared with).
 */
export async function sequentialTest<E extends { readonly outcomes: readonly ScenarioOutcome[] }>(
  model: tfl.LayersModel,
  dense: tfl.LayersModel,
  o: SequentialTestOptions<E>,
): Promise<{ verdict: ClosedLoopVerdict; model: E; dense: E; first: E }> {
  const parts = new Map<tfl.LayersModel, { first: number; res: E }[]>([
    [model, []],
    [dense, []],
  ]);
  const simulator: ClosedLoopSimulator = {
    ...o.simulator,
    async drive(m, first, count) {
      const res = await o.drive(m, first, count);
      parts.get(m)?.push({ first, res });
      return { outcomes: res.outcomes };
    },
  };
  const verdict = await safetyGuard(dense, {
    ...o,
    simulator,
    batch: o.batch,
    maxScenarios: o.maxScenarios,
  }).check(model);
  const used = (m: tfl.LayersModel) =>
    (parts.get(m) ?? [])
      .filter((p) => p.first < verdict.scenarios)
      .sort((a, b) => a.first - b.first)
      .map((p) => p.res);
  const denseParts = used(dense);
  return { verdict, model: o.merge(used(model)), dense: o.merge(denseParts), first: denseParts[0] };
}

/** What a recovery step did: epochs trained and a line for the search log. */
export interface RecoveryStep {
  readonly epochs: number;
  readonly note: string;
}

/** Options of closedLoopSearchStage. */
export interface ClosedLoopSearchStageOptions extends ClosedLoopTarget {
  /** The simulator the search's guard drives (validation scenarios, never the reported test ones). */
  readonly simulator: ClosedLoopSimulator;
  readonly dense: tfl.LayersModel;
  /** Scenarios of the search's guard: at most this many (the first at `first`, default 0). */
  readonly maxScenarios: number;
  readonly first?: number;
  /** The channel pruner's settings at a ratio and scope (the section's own scope when undefined). */
  readonly settings: (ratio: number, scope?: 'local' | 'global') => ChannelPrunerOptions;
  /** The cuts to try in order; a `prepared` one is used as cut (the search owns it). */
  readonly cuts: readonly {
    readonly ratio: number;
    readonly scope: 'local' | 'global';
    readonly prepared?: { readonly model: tfl.LayersModel; readonly log?: GuardLog };
  }[];
  /** Dense MACs / pruned MACs every candidate must keep. */
  readonly macsTarget: number;
  /** The offline guard every cut goes through. */
  readonly offline?: SafetyGuard;
  /** Recovery round 1: the ordinary fine-tune. */
  readonly fineTune: (model: tfl.LayersModel, ctx: RecoveryContext) => Promise<RecoveryStep>;
  /** Later rounds: training on the divergent states (labelled by the simulator's expert). */
  readonly learnDivergent: (
    model: tfl.LayersModel,
    states: DivergentStates & { readonly labels: Int32Array },
    ctx: RecoveryContext,
  ) => Promise<RecoveryStep>;
  readonly log?: (line: string) => void;
}

/**
 * The back-off search of a planner recipe: each cut is checked by the sequential guard; while it does
 * not pass it is fine-tuned (round 1) and then trained on the states where it and the dense policy
 * diverged (`safety.daggerRounds` more rounds), then the next cut. A cut that misses `macsTarget`
 * is rejected. Returns the search's result and the epochs all recovery trained.
 */
export async function closedLoopSearchStage(
  o: ClosedLoopSearchStageOptions,
): Promise<ClosedLoopSearchResult & { epochs: number }> {
  const guard = safetyGuard(o.dense, o);
  let epochs = 0;
  const step = (s: RecoveryStep) => {
    epochs += s.epochs;
    return s.note;
  };
  const res = await closedLoopChannelSearch(buildGraph(o.dense), guard, {
    candidates: o.cuts.map((c) => ({
      label: `ratio ${c.ratio} ${c.scope}`,
      options: { ...o.settings(c.ratio), scope: c.scope },
      ...(c.prepared ? { prepared: c.prepared } : {}),
    })),
    ...(o.offline ? { guards: o.offline } : {}),
    recoveryRounds: 1 + o.safety.daggerRounds,
    constraint: (_m, red) =>
      red < o.macsTarget
        ? `${red.toFixed(2)}x fewer MACs misses the ${o.macsTarget}x target (the offline guard rolled groups back)`
        : undefined,
    ...(o.log ? { log: o.log } : {}),
    recover: async (model, ctx) => {
      if (ctx.round === 1) return step(await o.fineTune(model, ctx));
      const d = ctx.divergent;
      if (!d || d.rows === 0 || !d.labels) return 'no divergent states to learn from';
      return step(await o.learnDivergent(model, { ...d, labels: d.labels }, ctx));
    },
  });
  return { ...res, epochs };
}
