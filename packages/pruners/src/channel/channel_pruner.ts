import {
  type ChannelPlan,
  computeMetrics,
  createRng,
  type DependencyGroup,
  InvalidArgumentError,
  type ModelGraph,
  type NewModelPruneResult,
  type NewModelPruner,
  type ScoreContext,
  type StatsCache,
  createStatsCache,
  scoreTarget,
} from '@prunekit/core';
import { type ChannelAnalysis, analyzeChannels, buildGraph, removeChannels } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import { type GroupProposal, type InteractiveSession, interactiveSession } from './interactive.js';
import {
  type ChannelPrunerOptions,
  type ResolvedChannelOptions,
  checkRatioLayers,
  groupRatio,
  resolveChannelOptions,
} from './options.js';
import { type ChannelReport, channelReport } from './report.js';
import { type ScoredGroup, selectGlobalChannels, selectGroupChannels } from './select.js';

/** A NEW, smaller model (the caller owns it: dispose it); the source model is untouched. */
export interface ChannelPruneResult extends NewModelPruneResult<tfl.LayersModel> {
  /** Channels removed / prunable channels. */
  readonly sparsity: number;
  /** Params and MACs before/after, per layer and total (builds a graph of the new model; computed on call). */
  report(): ChannelReport;
}

/** Structured pruner (ownership 'new-model'): apply() returns a new model, never mutating the input. */
export interface ChannelPruner extends NewModelPruner<tfl.LayersModel> {
  readonly analysis: ChannelAnalysis;
  readonly groups: readonly DependencyGroup[];
  plan(step?: number): Promise<ChannelPlan>;
  apply(plan: ChannelPlan): Promise<ChannelPruneResult>;
  /** Yields each group with its scores and proposed channels; the caller may veto or replace each. */
  interactive(step?: number): InteractiveSession;
  /** All `steps` rounds of plan → surgery, re-analysing the new model each time. */
  run(): Promise<ChannelPruneResult>;
}

function withoutStats(opts: ChannelPrunerOptions): ChannelPrunerOptions {
  if (!opts.context?.stats) return opts;
  const { stats: _stats, ...context } = opts.context;
  return { ...opts, context };
}

/** Fraction to remove at `step` of `steps` so that after it `target` of the original is gone. */
export function stepRatio(target: number, step: number, steps: number): number {
  const before = 1 - (target * step) / steps;
  const after = 1 - (target * (step + 1)) / steps;
  return before <= 0 ? 0 : Math.max(0, 1 - after / before);
}

async function scoreGroups(
  o: ResolvedChannelOptions,
  graph: ModelGraph,
  groups: readonly DependencyGroup[],
  statsCache: StatsCache,
): Promise<ScoredGroup[]> {
  const ctx: ScoreContext = { graph, rng: createRng(o.seed), ...o.context, statsCache };
  const out: ScoredGroup[] = [];
  for (const group of groups) {
    out.push({ group, scores: await scoreTarget(o.scorer, { kind: 'group', group }, ctx) });
  }
  return out;
}

function checkStep(step: number, steps: number): void {
  if (!Number.isInteger(step) || step < 0 || step >= steps) {
    throw new InvalidArgumentError(
      `step must be an integer in [0, ${steps}) (steps = ${steps}), got ${JSON.stringify(step)}.`,
      {
        field: 'step',
      },
    );
  }
}

/**
 * Structured (channel / filter / neuron) pruner over dependency groups. plan() scores every
 * prunable group and picks the channels to remove (per group at `ratio`, or one global ranking);
 * apply() performs model surgery and returns a NEW, smaller LayersModel. Model outputs and
 * `ignore`d layers keep their channels; every group keeps at least one channel.
 */
export function channelPruner(graph: ModelGraph, opts: ChannelPrunerOptions): ChannelPruner {
  const o = resolveChannelOptions(graph, opts);
  const analysis = analyzeChannels(graph, { ignore: o.ignore, pruneOutputs: o.pruneOutputs, specs: o.specs });
  const frozenWhy = (layer: string) => analysis.frozen.find((f) => f.roots.includes(layer))?.reason;
  checkRatioLayers(analysis.groups, o.ratios, frozenWhy);
  const totalChannels = analysis.groups.reduce((a, g) => a + g.size, 0);
  // Statistics computed from `data` for THIS graph; the pruner owns them (a new graph, a new cache).
  const statsCache = createStatsCache();

  async function select(step: number): Promise<{ scored: ScoredGroup[]; removed: number[][] }> {
    checkStep(step, o.steps);
    const scored = await scoreGroups(o, graph, analysis.groups, statsCache);
    const removed: number[][] = scored.map(() => []);
    const pooled: number[] = [];
    scored.forEach((s, i) => {
      const explicit = groupRatio(s.group, o.ratios);
      if (explicit !== undefined)
        removed[i] = selectGroupChannels(s, stepRatio(explicit, step, o.steps), o.roundTo);
      else if (o.scope === 'local')
        removed[i] = selectGroupChannels(s, stepRatio(o.ratio, step, o.steps), o.roundTo);
      else pooled.push(i);
    });
    if (pooled.length > 0) {
      const picks = selectGlobalChannels(
        pooled.map((i) => scored[i]),
        stepRatio(o.ratio, step, o.steps),
        stepRatio(o.maxPerLayer, step, o.steps),
        o.roundTo,
      );
      pooled.forEach((i, k) => {
        removed[i] = picks[k];
      });
    }
    return { scored, removed };
  }

  function removedFraction(channels: ReadonlyMap<string, readonly number[]>): number {
    let n = 0;
    for (const c of channels.values()) n += c.length;
    return totalChannels === 0 ? 0 : n / totalChannels;
  }

  function toPlan(step: number, channels: Map<string, readonly number[]>): ChannelPlan {
    return { kind: 'channels', step, sparsity: removedFraction(channels), channels };
  }

  const pruner: ChannelPruner = {
    ownership: 'new-model',
    analysis,
    groups: analysis.groups,
    async plan(step = 0) {
      const { scored, removed } = await select(step);
      const channels = new Map<string, readonly number[]>();
      scored.forEach((s, i) => {
        if (removed[i].length > 0) channels.set(s.group.id, removed[i]);
      });
      return toPlan(step, channels);
    },
    async apply(plan) {
      if (plan?.kind !== 'channels' || !plan.channels) {
        throw new InvalidArgumentError(
          `apply: a channel pruner applies a { kind: 'channels' } plan, got ${JSON.stringify(plan?.kind)} (was it made by an unstructured pruner?).`,
          { field: 'plan' },
        );
      }
      const model = await removeChannels(analysis, plan.channels);
      return {
        kind: 'channels',
        plan,
        model,
        sparsity: removedFraction(plan.channels),
        report: () =>
          channelReport(
            computeMetrics(graph),
            computeMetrics(buildGraph(model, { ignore: o.ignore, specs: o.specs })),
          ),
      };
    },
    interactive(step = 0) {
      return interactiveSession(
        async () => {
          const { scored, removed } = await select(step);
          return scored
            .map(
              (s, i): Omit<GroupProposal, 'veto' | 'replace'> => ({
                group: s.group,
                scores: s.scores,
                channels: removed[i],
              }),
            )
            .filter((p) => p.channels.length > 0);
        },
        (channels) => toPlan(step, channels),
      );
    },
    async run() {
      let current: ModelGraph = graph;
      let result: ChannelPruneResult | undefined;
      let remaining = 1;
      for (let step = 0; step < o.steps; step++) {
        // Later steps score a new model: the caller's precomputed statistics describe the first
        // one, so they are dropped and recomputed from `data` by the step's own pruner.
        const p = step === 0 ? pruner : channelPruner(current, withoutStats(opts));
        const next = await p.apply(await p.plan(step));
        if (result) result.model.dispose();
        result = next;
        remaining *= 1 - next.sparsity;
        current = buildGraph(next.model, { ignore: o.ignore, specs: o.specs });
      }
      const final = result!;
      // Sparsity and report against the original model, not the last intermediate one (the
      // prunable groups are the same at every step, so the fractions multiply).
      return {
        ...final,
        sparsity: 1 - remaining,
        report: () => channelReport(computeMetrics(graph), computeMetrics(current)),
      };
    },
  };
  return pruner;
}
