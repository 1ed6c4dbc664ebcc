/**
 * The closed-loop guard: drives the pruned and the dense policy on the same numbered scenarios
 * (paired), counts events per unit of exposure and decides, batch after batch, whether the rate
 * ratio pruned / dense is within `maxRatio`:
 *   pass      — the interval's upper end ≤ maxRatio for every guarded event;
 *   fail      — some event's lower end > maxRatio (shown worse than allowed);
 *   undecided — neither after `maxScenarios` scenarios (never counted as a pass).
 * Each look uses the confidence 1 − (1 − confidence) / looks (Bonferroni over the planned looks),
 * so stopping early does not inflate the error rate. `nominal` figures use all scenarios at the
 * stated confidence without that correction (the fixed-sample interval when there is one look).
 */
import { InvalidArgumentError, PrunekitError } from '@prunekit/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SafetyGuard } from '../guard/options.js';
import type { ClosedLoopSimulator, DivergentStates, ScenarioOutcome } from './simulator.js';
import { type ClosedLoopVerdict, compareOutcomes, type RatioTest } from './compare.js';

/**
 * Options of closedLoopGuard: the simulator, the dense policy, the guarded events with their largest
 * allowed rate ratios, and the test, its confidence and the scenario budget.
 */
export interface ClosedLoopGuardOptions {
  readonly simulator: ClosedLoopSimulator;
  /** The reference (unpruned) policy. Not disposed. */
  readonly dense: tfl.LayersModel;
  /** The primary event, e.g. 'collision'. */
  readonly event: string;
  /** Largest allowed rate ratio pruned / dense of the primary event (e.g. 1.2). */
  readonly maxRatio: number;
  /** Further guarded events and their largest allowed ratio (all must pass). */
  readonly limits?: Readonly<Record<string, number>>;
  /** Two-sided confidence of the intervals (default 0.95). */
  readonly confidence?: number;
  /** 'paired-bootstrap' (default; keeps clustering and pairing) or 'poisson-exact'. */
  readonly test?: RatioTest;
  /** Scenarios driven per look. */
  readonly batch: number;
  /** Cap on scenarios; reaching it undecided gives 'undecided'. */
  readonly maxScenarios: number;
  /** Index of the first scenario (default 0): keep guard and final evaluation on different ones. */
  readonly first?: number;
  /** Rates are reported per this much exposure (e.g. 1000 for per 1,000 km; default 1). */
  readonly per?: number;
  /** Bootstrap draws (default 2000) and their seed (default 0). */
  readonly resamples?: number;
  readonly seed?: number;
}

/** A closed-loop check did not pass (its message carries the statistic). */
export class ClosedLoopSafetyError extends PrunekitError {
  readonly verdict: ClosedLoopVerdict;
  constructor(verdict: ClosedLoopVerdict) {
    super('E_UNSAFE', verdict.message, { decision: verdict.decision, event: verdict.events[0]?.event });
    this.verdict = verdict;
  }
}

/**
 * A safety guard that drives a pruned policy beside the dense one in the simulator and compares event
 * rates (made by closedLoopGuard).
 */
export interface ClosedLoopGuard extends SafetyGuard {
  readonly options: ClosedLoopGuardOptions;
  /** Runs the sequential comparison of `model` against the dense policy. */
  check(model: tfl.LayersModel, opts?: { divergent?: boolean }): Promise<ClosedLoopVerdict>;
  /** check(), throwing ClosedLoopSafetyError unless the decision is 'pass'. */
  assertSafe(model: tfl.LayersModel): Promise<ClosedLoopVerdict>;
  /** Every verdict so far, in order (what the log of a search shows). */
  readonly verdicts: readonly ClosedLoopVerdict[];
}

function validate(o: ClosedLoopGuardOptions): void {
  const bad = (field: string, what: string, v: unknown) =>
    new InvalidArgumentError(`closedLoopGuard: ${field} must be ${what}, got ${JSON.stringify(v)}.`, {
      field,
    });
  if (!o || typeof o !== 'object') throw bad('options', 'an object', o);
  const sim = o.simulator;
  if (!sim || typeof sim.drive !== 'function' || !Array.isArray(sim.events))
    throw bad('simulator', 'a ClosedLoopSimulator { name, unit, events, drive }', typeof sim);
  if (!o.dense || typeof o.dense.predict !== 'function') throw bad('dense', 'a LayersModel', typeof o.dense);
  const limits = { [o.event]: o.maxRatio, ...(o.limits ?? {}) };
  for (const [e, m] of Object.entries(limits)) {
    if (!sim.events.includes(e))
      throw bad('event', `one of the simulator's events ${JSON.stringify(sim.events)}`, e);
    if (!(typeof m === 'number' && m > 0 && Number.isFinite(m)))
      throw bad(`maxRatio of '${e}'`, 'a number > 0', m);
  }
  if (!(Number.isInteger(o.batch) && o.batch > 0)) throw bad('batch', 'a positive integer', o.batch);
  if (!(Number.isInteger(o.maxScenarios) && o.maxScenarios >= o.batch))
    throw bad('maxScenarios', 'an integer ≥ batch', o.maxScenarios);
  if (o.test !== undefined && o.test !== 'paired-bootstrap' && o.test !== 'poisson-exact')
    throw bad('test', "'paired-bootstrap' or 'poisson-exact'", o.test);
}

/** Builds a closed-loop guard; usable alone (check / assertSafe) or in guardedChannelPrune. */
export function closedLoopGuard(opts: ClosedLoopGuardOptions): ClosedLoopGuard {
  validate(opts);
  const sim = opts.simulator;
  const confidence = opts.confidence ?? 0.95;
  const test = opts.test ?? 'paired-bootstrap';
  const per = opts.per ?? 1;
  const first = opts.first ?? 0;
  const looks = Math.ceil(opts.maxScenarios / opts.batch);
  const lookConfidence = 1 - (1 - confidence) / looks;
  const limits: Record<string, number> = { [opts.event]: opts.maxRatio, ...(opts.limits ?? {}) };
  // The dense policy's outcomes are the same for every candidate: drive each scenario once.
  const denseCache: ScenarioOutcome[] = [];
  const statOptions = { simulator: sim, limits, test, per, resamples: opts.resamples, seed: opts.seed };
  const verdicts: ClosedLoopVerdict[] = [];

  const denseUpTo = async (n: number) => {
    while (denseCache.length < n) {
      const count = Math.min(opts.batch, n - denseCache.length);
      const res = await sim.drive(opts.dense, first + denseCache.length, count);
      denseCache.push(...checkOutcomes(res.outcomes, count, 'dense'));
    }
  };
  const checkOutcomes = (out: readonly ScenarioOutcome[], count: number, who: string) => {
    if (!Array.isArray(out) || out.length !== count) {
      throw new InvalidArgumentError(
        `closedLoopGuard: simulator '${sim.name}' returned ${out?.length} outcomes for ${count} scenarios (${who} policy); drive() must return one per scenario.`,
        { field: 'simulator.drive' },
      );
    }
    for (const o of out) {
      if (!(o.exposure > 0) || !Number.isFinite(o.exposure)) {
        throw new InvalidArgumentError(
          `closedLoopGuard: simulator '${sim.name}' reported exposure ${o.exposure}; each scenario's exposure must be a finite number > 0.`,
          { field: 'simulator.drive' },
        );
      }
    }
    return out;
  };

  const check: ClosedLoopGuard['check'] = async (model, o = {}) => {
    const outcomes: ScenarioOutcome[] = [];
    const divergent: DivergentStates[] = [];
    let verdict: ClosedLoopVerdict | undefined;
    let look = 0;
    while (outcomes.length < opts.maxScenarios) {
      look++;
      const count = Math.min(opts.batch, opts.maxScenarios - outcomes.length);
      const res = await sim.drive(
        model,
        first + outcomes.length,
        count,
        o.divergent ? { shadow: opts.dense } : {},
      );
      outcomes.push(...checkOutcomes(res.outcomes, count, 'pruned'));
      if (res.divergent) divergent.push(res.divergent);
      await denseUpTo(outcomes.length);
      verdict = compareOutcomes(outcomes, denseCache.slice(0, outcomes.length), {
        ...statOptions,
        confidence,
        lookConfidence: looks === 1 ? confidence : lookConfidence,
        look,
        looks,
      });
      if (verdict.decision !== 'undecided') break;
    }
    if (!verdict) throw new Error('unreachable: no look');
    if (o.divergent) verdict = { ...verdict, divergent: concatStates(divergent) };
    verdicts.push(verdict);
    return verdict;
  };

  const metric = `${opts.event}_rate_ratio_upper`;
  return {
    options: opts,
    metric,
    maxDrop: opts.maxRatio - 1,
    direction: 'lower',
    reference: 1,
    verdicts,
    check,
    async assertSafe(model) {
      const v = await check(model);
      if (v.decision !== 'pass') throw new ClosedLoopSafetyError(v);
      return v;
    },
    async measure(model) {
      return (await check(model)).events[0].interval.upper;
    },
    async assess(model) {
      const v = await check(model);
      return { value: v.events[0].interval.upper, allowed: v.decision === 'pass', detail: v.message };
    },
    drop: (reference, value) => value - reference,
    allows: (_reference, value) => value <= opts.maxRatio,
  };
}

/** Divergent states of several batches as one set (labels kept only when every batch has them). */
function concatStates(parts: readonly DivergentStates[]): DivergentStates {
  const rows = parts.reduce((a, d) => a + d.rows, 0);
  const x = new Float32Array(parts.reduce((a, d) => a + d.x.length, 0));
  const labelled = parts.length > 0 && parts.every((d) => d.labels);
  const labels = labelled ? new Int32Array(rows) : undefined;
  let at = 0;
  let r = 0;
  for (const d of parts) {
    x.set(d.x, at);
    if (labels && d.labels) labels.set(d.labels, r);
    at += d.x.length;
    r += d.rows;
  }
  return { x, rows, shape: parts[0]?.shape ?? [], ...(labels ? { labels } : {}) };
}
