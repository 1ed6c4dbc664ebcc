/**
 * Channel pruning under a safety guard. Each round asks channelPruner for its proposals (interactive
 * mode) and tries them one group at a time on top of the groups already accepted: surgery on a
 * copy, measure the safety metric, keep the group if the metric is within maxDrop of the unpruned
 * model's, otherwise veto it and keep its layers out of later rounds.
 */
import { type ChannelPlan, type ModelGraph, computeMetrics } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import { channelPruner, stepRatio } from '../channel/channel_pruner.js';
import type { ChannelPrunerOptions } from '../channel/options.js';
import { type ChannelReport, channelReport } from '../channel/report.js';
import type { GuardLog, GuardStep } from './log.js';
import { createJudge, type Guards } from './judge.js';

/** What guardedChannelPrune returns: the pruned model, the guards' log and a params/MACs report. */
export interface GuardedChannelResult {
  /** The pruned model (a new LayersModel; the source is untouched). Dispose it when done. */
  readonly model: tfl.LayersModel;
  readonly log: GuardLog;
  /** Params and MACs before/after per layer. */
  report(): ChannelReport;
}

/** Ratios of one round of `steps`, with excluded layers left out. */
function roundOptions(
  opts: ChannelPrunerOptions,
  round: number,
  steps: number,
  excluded: ReadonlySet<string>,
): ChannelPrunerOptions {
  const ratios: Record<string, number> = {};
  for (const [k, r] of Object.entries(opts.ratios ?? {})) {
    if (!excluded.has(k)) ratios[k] = stepRatio(r, round, steps);
  }
  return {
    ...opts,
    steps: 1,
    ratio: stepRatio(opts.ratio, round, steps),
    maxPerLayer: opts.maxPerLayer === undefined ? undefined : stepRatio(opts.maxPerLayer, round, steps),
    ratios,
    ignore: [...(opts.ignore ?? []), ...excluded],
  };
}

/**
 * Prunes channels of `graph`'s model with `opts` (as channelPruner; `steps` rounds), rolling back
 * every group whose removal worsens the guard's metric by more than maxDrop.
 */
export async function guardedChannelPrune(
  graph: ModelGraph,
  opts: ChannelPrunerOptions,
  guards: Guards,
): Promise<GuardedChannelResult> {
  const steps = opts.steps ?? 1;
  // Validate the options once up front (typed errors name the field).
  channelPruner(graph, opts);
  const judge = await createJudge(guards, graph.source as tfl.LayersModel);
  const safety = judge.primary;
  const reference = judge.references[0].value;
  const excluded = new Set<string>();
  const log: GuardStep[] = [];
  let current = graph;
  let model: tfl.LayersModel | undefined;
  let final = reference;
  for (let round = 0; round < steps; round++) {
    const pruner = channelPruner(current, roundOptions(opts, round, steps, excluded));
    const session = pruner.interactive(0);
    const accepted = new Map<string, readonly number[]>();
    let lastAccepted = reference;
    for await (const p of session) {
      const candidate = new Map(accepted).set(p.group.id, p.channels);
      const plan: ChannelPlan = { kind: 'channels', step: 0, sparsity: 0, channels: candidate };
      const trial = await pruner.apply(plan);
      let verdict: Awaited<ReturnType<typeof judge.judge>>;
      try {
        verdict = await judge.judge(trial.model);
      } finally {
        trial.model.dispose();
      }
      const ok = verdict.allowed;
      const value = verdict.checks[0].value;
      if (ok) {
        accepted.set(p.group.id, p.channels);
        lastAccepted = value;
      } else {
        p.veto();
        for (const r of p.group.roots) excluded.add(r);
      }
      log.push({
        kind: 'group',
        id: p.group.id,
        layers: [...p.group.roots],
        round,
        removed: p.channels.length,
        value,
        drop: safety.drop(reference, value),
        accepted: ok,
        checks: verdict.checks,
      });
    }
    if (accepted.size === 0) continue;
    const next = await pruner.apply(session.plan());
    model?.dispose();
    model = next.model;
    current = buildGraph(model);
    // A whole-model guard (closed loop) already judged exactly this model at its last kept step.
    final = safety.assess ? lastAccepted : await safety.measure(model);
  }
  // Nothing accepted: hand back a copy, so the caller always owns (and disposes) the result.
  if (!model) {
    model = (
      await channelPruner(graph, { ...opts, ratio: 0, steps: 1, ratios: {} }).apply({
        kind: 'channels',
        step: 0,
        sparsity: 0,
        channels: new Map(),
      })
    ).model;
  }
  const out = model;
  return {
    model: out,
    log: {
      metric: safety.metric,
      maxDrop: safety.maxDrop,
      reference,
      final,
      references: judge.references,
      steps: log,
      excluded: [...excluded],
    },
    report: () => channelReport(computeMetrics(graph), computeMetrics(buildGraph(out))),
  };
}
