/**
 * Sensitivity analysis as a sweep: one trial for the baseline and one per (layer, ratio), each
 * run by @prunekit/pruners' own sensitivityAnalysis restricted to that point, so a distributed
 * run gives the same result as a local one.
 */
import { type ModelGraph, type Scorer, computeMetrics } from '@prunekit/core';
import {
  type SensitivityOptions,
  type SensitivityPoint,
  type SensitivityResult,
  sensitivityAnalysis,
  sensitivityGrid,
} from '@prunekit/pruners';
import type { ContentIdentity } from './content_hash.js';
import { type SweepOptions, runSweep } from './sweep.js';
import type { SweepPlan, Trial, TrialHandlers, TrialOutcome } from './trial.js';

/** Trial kind of the sensitivity sweep's one baseline evaluation (the unpruned model). */
export const SENSITIVITY_BASELINE = 'sensitivity-baseline';
/** Trial kind of one sensitivity point: one layer pruned at one ratio, then evaluated. */
export const SENSITIVITY_POINT = 'sensitivity-point';

/** JSON description of a scorer (e.g. a recipe's `{ name: 'magnitude', p: 2 }`); workers build it. */
export type ScorerSpec = Readonly<Record<string, unknown>>;

/** What the coordinator plans: the grid options (checked as sensitivityAnalysis checks them). */
export interface SensitivityPlanOptions
  extends Pick<SensitivityOptions, 'granularity' | 'ratios' | 'layers' | 'ignore'> {
  readonly scorer: ScorerSpec;
  readonly identity: ContentIdentity;
  /** Sweep name (default 'sensitivity'). */
  readonly name?: string;
}

interface PointParams {
  readonly granularity: 'weights' | 'channels';
  readonly scorer: ScorerSpec;
  readonly layer: string;
  readonly ratio: number;
  readonly ignore?: readonly string[];
}

/** The sweep of a sensitivity analysis: the baseline trial, then layers × ratios in local order. */
export function sensitivityPlan(graph: ModelGraph, opts: SensitivityPlanOptions): SweepPlan {
  const grid = sensitivityGrid(graph, opts);
  const trials: Trial[] = [{ key: 'baseline', kind: SENSITIVITY_BASELINE, params: {} }];
  for (const layer of grid.layers) {
    for (const ratio of grid.ratios) {
      const params: PointParams = {
        granularity: grid.granularity,
        scorer: opts.scorer,
        layer,
        ratio,
        ...(opts.ignore?.length ? { ignore: opts.ignore } : {}),
      };
      trials.push({ key: `${layer}@${ratio}`, kind: SENSITIVITY_POINT, params });
    }
  }
  return { name: opts.name ?? 'sensitivity', identity: opts.identity, trials };
}

/** What a worker brings: the evaluation and how to build a scorer (with its context) from a spec. */
export interface SensitivityWorkerOptions extends Pick<SensitivityOptions, 'evaluate' | 'data'> {
  readonly scorer: (
    spec: ScorerSpec,
  ) =>
    | { scorer: Scorer; context?: SensitivityOptions['context'] }
    | Promise<{ scorer: Scorer; context?: SensitivityOptions['context'] }>;
}

/** Handlers for a sensitivity sweep's trials on `graph` (the worker's copy of the model). */
export function sensitivityHandlers(graph: ModelGraph, opts: SensitivityWorkerOptions): TrialHandlers {
  const built = new Map<string, ReturnType<SensitivityWorkerOptions['scorer']>>();
  const scorerFor = (spec: ScorerSpec) => {
    const k = JSON.stringify(spec);
    if (!built.has(k)) built.set(k, opts.scorer(spec)); // calibration statistics once per scorer
    return built.get(k)!;
  };
  return {
    [SENSITIVITY_BASELINE]: async () => opts.evaluate(graph.source as Parameters<typeof opts.evaluate>[0]),
    [SENSITIVITY_POINT]: async (raw) => {
      const p = raw as PointParams;
      const { scorer, context } = await scorerFor(p.scorer);
      const res = await sensitivityAnalysis(graph, {
        evaluate: opts.evaluate,
        scorer,
        context,
        data: opts.data,
        granularity: p.granularity,
        layers: [p.layer],
        ratios: [p.ratio],
        ignore: p.ignore,
        baseline: 0, // evaluated once, by the baseline trial
      });
      return res.curves[0].points[0];
    },
  };
}

/** Rebuilds sensitivityAnalysis' result from a sweep's outcomes (in plan order). */
export function assembleSensitivity(
  graph: ModelGraph,
  plan: SweepPlan,
  outcomes: readonly TrialOutcome[],
): SensitivityResult {
  const before = computeMetrics(graph);
  let baseline = Number.NaN;
  let granularity: 'weights' | 'channels' = 'channels';
  const curves = new Map<string, SensitivityPoint[]>();
  plan.trials.forEach((t, i) => {
    const value = outcomes[i].value;
    if (t.kind === SENSITIVITY_BASELINE) baseline = value as number;
    else {
      const p = t.params as PointParams;
      granularity = p.granularity;
      if (!curves.has(p.layer)) curves.set(p.layer, []);
      curves.get(p.layer)!.push(value as SensitivityPoint);
    }
  });
  return {
    granularity,
    baseline,
    totalParams: before.params,
    totalMacs: before.macs,
    curves: [...curves].map(([layer, points]) => ({ layer, points })),
  };
}

/**
 * Options of distributedSensitivity: the grid to plan plus the sweep's queue options (no handlers: it
 * supplies its own).
 */
export interface DistributedSensitivityOptions
  extends SensitivityPlanOptions,
    Omit<SweepOptions, 'handlers'> {
  /** Needed only without `queue` (trials then run in this process). */
  readonly worker?: SensitivityWorkerOptions;
}

/**
 * sensitivityAnalysis over a queue (`queue: 'redis://…'`) or, without one, in this process:
 * plan → run the sweep → the same SensitivityResult a local run returns.
 */
export async function distributedSensitivity(
  graph: ModelGraph,
  opts: DistributedSensitivityOptions,
): Promise<SensitivityResult> {
  const plan = sensitivityPlan(graph, opts);
  const outcomes = await runSweep(plan, {
    ...opts,
    handlers: opts.worker ? sensitivityHandlers(graph, opts.worker) : undefined,
  });
  return assembleSensitivity(graph, plan, outcomes);
}
