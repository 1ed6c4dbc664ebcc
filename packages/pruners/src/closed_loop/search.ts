/**
 * Channel pruning that backs off until the closed-loop guard passes. Candidates (channel settings,
 * most aggressive first: a ratio, another scope, groups left out) are cut in turn; each cut model
 * is checked, and while the guard does not pass it gets up to `recoveryRounds` rounds of recovery
 * (the caller's training step, handed the states where the pruned and the dense policy chose
 * differently while the pruned one drove: DAgger-style data), each round checked again. The first
 * model that passes is returned; every attempt and why it was rejected is in the log.
 */
import { computeMetrics, InvalidArgumentError, type ModelGraph } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import { channelPruner } from '../channel/channel_pruner.js';
import type { ChannelPrunerOptions } from '../channel/options.js';
import { guardedChannelPrune } from '../guard/guarded_channels.js';
import type { Guards } from '../guard/judge.js';
import type { GuardLog } from '../guard/log.js';
import type { ClosedLoopVerdict, Decision } from './compare.js';
import type { ClosedLoopGuard } from './guard.js';
import type { DivergentStates } from './simulator.js';

/**
 * One setting closedLoopChannelSearch tries: a label, channel pruner options and optionally a cut already
 * made.
 */
export interface SearchCandidate {
  /** Shown in the log, e.g. 'ratio 0.52 local'. */
  readonly label: string;
  readonly options: ChannelPrunerOptions;
  /**
   * A cut already made with `options` (and its offline guard log): used instead of cutting again.
   * The search owns it from then on (disposes it when it is not returned).
   */
  readonly prepared?: { readonly model: tfl.LayersModel; readonly log?: GuardLog };
}

/** What the recover callback is told: the candidate, the round and the states where the policies diverged. */
export interface RecoveryContext {
  readonly candidate: string;
  /** 1-based recovery round. */
  readonly round: number;
  /** Where the two policies diverged during the last check (the DAgger states). */
  readonly divergent?: DivergentStates;
}

/**
 * Options of closedLoopChannelSearch: candidates (most aggressive first), the recovery callback and
 * rounds, offline guards and a constraint.
 */
export interface ClosedLoopSearchOptions {
  readonly candidates: readonly SearchCandidate[];
  /** Trains the cut model in place; returns a one-line description for the log. */
  readonly recover: (model: tfl.LayersModel, ctx: RecoveryContext) => Promise<string>;
  /** Recovery rounds per candidate after the check of the model as cut (default 2). */
  readonly recoveryRounds?: number;
  /** Offline guards each cut goes through (guardedChannelPrune); plain channel pruning without. */
  readonly guards?: Guards;
  /** A constraint a cut must meet before it is driven (e.g. a MACs target): a reason to reject, or undefined. */
  readonly constraint?: (model: tfl.LayersModel, macsReduction: number) => string | undefined;
  /** Called with each log line as it happens. */
  readonly log?: (line: string) => void;
}

/** One entry of the search log: a candidate at one stage (cut or recovery round) and its decision. */
export interface SearchStep {
  readonly candidate: string;
  /** 'cut' or 'recovery k'. */
  readonly stage: string;
  readonly macsReduction: number;
  /** 'pass' | 'fail' | 'undecided', or 'rejected' when the constraint refused the cut. */
  readonly decision: Decision | 'rejected';
  /** Why (the guard's statistic, or the constraint's reason) plus what recovery did. */
  readonly message: string;
}

/**
 * What closedLoopChannelSearch returns: the chosen model, whether it passed, its settings and the search
 * log.
 */
export interface ClosedLoopSearchResult {
  /** The first model that passed; when none did (`passed: false`), the one whose interval came closest. Caller disposes. */
  readonly model: tfl.LayersModel;
  readonly passed: boolean;
  readonly candidate: string;
  /** The returned model's channel settings. */
  readonly options: ChannelPrunerOptions;
  readonly macsReduction: number;
  /** The offline guards' log of the returned model's cut (when `guards` were given). */
  readonly offlineLog?: GuardLog;
  /** The last verdict of the returned model (undefined only if no cut met the constraint). */
  readonly verdict?: ClosedLoopVerdict;
  readonly steps: readonly SearchStep[];
}

/**
 * Tries the candidates in order, cutting each and recovering it up to recoveryRounds times, until one
 * passes the closed-loop guard.
 */
export async function closedLoopChannelSearch(
  graph: ModelGraph,
  guard: ClosedLoopGuard,
  o: ClosedLoopSearchOptions,
): Promise<ClosedLoopSearchResult> {
  if (!o || !Array.isArray(o.candidates) || o.candidates.length === 0) {
    throw new InvalidArgumentError(
      'closedLoopChannelSearch: candidates must list at least one { label, options } (most aggressive first).',
      { field: 'candidates' },
    );
  }
  if (typeof o.recover !== 'function') {
    throw new InvalidArgumentError(
      'closedLoopChannelSearch: recover must be a function (model, ctx) => description.',
      {
        field: 'recover',
      },
    );
  }
  const rounds = o.recoveryRounds ?? 2;
  const baseMacs = computeMetrics(graph).macs;
  const steps: SearchStep[] = [];
  const say = o.log ?? (() => {});
  const push = (s: SearchStep) => {
    steps.push(s);
    say(`${s.candidate} / ${s.stage} (${s.macsReduction.toFixed(2)}x MACs): ${s.decision} — ${s.message}`);
  };
  // When nothing passes, the candidate whose last interval came closest (lowest upper bound) is kept.
  let best: Last | undefined;
  const keep = (cur: Last) => {
    const upper = (l: Last) => l.verdict?.events[0]?.interval.upper ?? Number.POSITIVE_INFINITY;
    if (!best || (best.verdict === undefined && cur.verdict !== undefined) || upper(cur) < upper(best)) {
      best?.model.dispose();
      best = cur;
    } else cur.model.dispose();
  };
  for (const c of o.candidates) {
    const guarded =
      c.prepared ?? (o.guards ? await guardedChannelPrune(graph, c.options, o.guards) : undefined);
    const cut = guarded ? guarded.model : (await channelPruner(graph, c.options).run()).model;
    const cur: Last = {
      model: cut,
      candidate: c,
      red: baseMacs / computeMetrics(buildGraph(cut)).macs,
      offlineLog: guarded?.log,
    };
    const reason = o.constraint?.(cut, cur.red);
    if (reason) {
      push({
        candidate: c.label,
        stage: 'cut',
        macsReduction: cur.red,
        decision: 'rejected',
        message: reason,
      });
      keep(cur);
      continue;
    }
    let verdict = await guard.check(cut, { divergent: rounds > 0 });
    cur.verdict = verdict;
    push({
      candidate: c.label,
      stage: 'cut',
      macsReduction: cur.red,
      decision: verdict.decision,
      message: verdict.message,
    });
    if (verdict.decision === 'pass') {
      best?.model.dispose();
      return { ...done(cur), passed: true, steps };
    }
    let passed = false;
    for (let k = 1; k <= rounds && !passed; k++) {
      const what = await o.recover(cut, { candidate: c.label, round: k, divergent: verdict.divergent });
      verdict = await guard.check(cut, { divergent: k < rounds });
      cur.verdict = verdict;
      push({
        candidate: c.label,
        stage: `recovery ${k}`,
        macsReduction: cur.red,
        decision: verdict.decision,
        message: `${what}; ${verdict.message}`,
      });
      passed = verdict.decision === 'pass';
    }
    if (passed) {
      best?.model.dispose();
      return { ...done(cur), passed: true, steps };
    }
    keep(cur);
  }
  if (!best) throw new Error('unreachable: no candidate was cut');
  return { ...done(best), passed: false, steps };
}

interface Last {
  model: tfl.LayersModel;
  candidate: SearchCandidate;
  red: number;
  offlineLog?: GuardLog;
  verdict?: ClosedLoopVerdict;
}

function done(l: Last) {
  return {
    model: l.model,
    candidate: l.candidate.label,
    options: l.candidate.options,
    macsReduction: l.red,
    verdict: l.verdict,
    ...(l.offlineLog ? { offlineLog: l.offlineLog } : {}),
  };
}
