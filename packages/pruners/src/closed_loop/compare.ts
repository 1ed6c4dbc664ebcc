/**
 * The statistics of one paired comparison: per event, counts, rates and the interval of the rate
 * ratio pruned / dense, and the decision against each guarded event's largest allowed ratio. The
 * guard calls it at every look; a caller that drove both policies itself (a fixed-sample final
 * evaluation) calls it once.
 */
import type { ClosedLoopSimulator, DivergentStates, ScenarioOutcome } from './simulator.js';
import {
  type PairedCounts,
  pairedBootstrapRatio,
  pairTotals,
  poissonRateRatio,
  type RatioInterval,
} from './stats.js';

/**
 * How the rate-ratio interval is computed: paired bootstrap over scenarios, or the exact conditional
 * Poisson test.
 */
export type RatioTest = 'paired-bootstrap' | 'poisson-exact';
/**
 * Outcome of a look: 'pass' (interval's upper end within the limit), 'fail' (lower end above it) or
 * 'undecided'.
 */
export type Decision = 'pass' | 'fail' | 'undecided';

/**
 * One event's comparison: counts, rates per `per` units of exposure and the interval of the ratio pruned
 * / dense.
 */
export interface EventComparison {
  readonly event: string;
  readonly maxRatio: number;
  readonly pruned: number;
  readonly dense: number;
  /** Events per `per` units of exposure. */
  readonly ratePruned: number;
  readonly rateDense: number;
  /** The interval the decision used (confidence corrected for the looks). */
  readonly interval: RatioInterval;
  /** All scenarios at the stated confidence (no correction for looks). */
  readonly nominal: RatioInterval;
  /** The exact Poisson interval at the stated confidence, beside a bootstrap decision. */
  readonly poisson: RatioInterval;
  readonly decision: Decision;
}

/** The decision of one comparison of a pruned policy against the dense one, with the figures per event. */
export interface ClosedLoopVerdict {
  readonly decision: Decision;
  readonly simulator: string;
  readonly unit: string;
  readonly per: number;
  readonly test: RatioTest;
  readonly confidence: number;
  /** Confidence each look used. */
  readonly lookConfidence: number;
  readonly looks: number;
  readonly scenarios: number;
  readonly exposurePruned: number;
  readonly exposureDense: number;
  /** Guarded events (primary first), then the simulator's other events (decision 'undecided' never matters for those). */
  readonly events: readonly EventComparison[];
  readonly message: string;
  /** States where the two policies chose differently while the pruned one drove (when asked). */
  readonly divergent?: DivergentStates;
}

/**
 * Options of compareOutcomes: the simulator's events, the allowed ratio per event, the test and
 * confidences.
 */
export interface CompareOptions {
  readonly simulator: Pick<ClosedLoopSimulator, 'name' | 'unit' | 'events'>;
  /** Guarded events → largest allowed ratio (the first is the primary). */
  readonly limits: Readonly<Record<string, number>>;
  readonly test?: RatioTest;
  /** Stated two-sided confidence (default 0.95). */
  readonly confidence?: number;
  /** Confidence of this look (default: `confidence`, i.e. one look). */
  readonly lookConfidence?: number;
  readonly look?: number;
  readonly looks?: number;
  readonly per?: number;
  readonly resamples?: number;
  readonly seed?: number;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : String(v));

function decide(iv: RatioInterval, max: number): Decision {
  if (iv.upper <= max) return 'pass';
  if (iv.lower > max) return 'fail';
  return 'undecided';
}

/** Compares outcomes of the same scenarios, `pruned[i]` and `dense[i]` driven in scenario i. */
export function compareOutcomes(
  pruned: readonly ScenarioOutcome[],
  dense: readonly ScenarioOutcome[],
  o: CompareOptions,
): ClosedLoopVerdict {
  const { simulator: sim, limits } = o;
  const test = o.test ?? 'paired-bootstrap';
  const confidence = o.confidence ?? 0.95;
  const conf = o.lookConfidence ?? confidence;
  const per = o.per ?? 1;
  const looks = o.looks ?? 1;
  const look = o.look ?? 1;
  const n = Math.min(pruned.length, dense.length);
  const guarded = Object.keys(limits);
  const reported = [...guarded, ...sim.events.filter((e) => !guarded.includes(e))];
  const events: EventComparison[] = reported.map((event) => {
    const pairs: PairedCounts[] = [];
    for (let i = 0; i < n; i++) {
      pairs.push({
        eP: pruned[i].exposure,
        kP: pruned[i].events[event] ?? 0,
        eD: dense[i].exposure,
        kD: dense[i].events[event] ?? 0,
      });
    }
    const { kP, eP, kD, eD } = pairTotals(pairs);
    const interval = (c: number) =>
      test === 'poisson-exact'
        ? poissonRateRatio(kP, eP, kD, eD, c)
        : pairedBootstrapRatio(pairs, c, { resamples: o.resamples, seed: o.seed });
    const at = interval(conf);
    const max = limits[event] ?? Number.NaN;
    return {
      event,
      maxRatio: max,
      pruned: kP,
      dense: kD,
      ratePruned: (per * kP) / eP,
      rateDense: (per * kD) / eD,
      interval: at,
      nominal: conf === confidence ? at : interval(confidence),
      poisson: poissonRateRatio(kP, eP, kD, eD, confidence),
      decision: event in limits ? decide(at, max) : 'undecided',
    };
  });
  const g = events.filter((e) => e.event in limits);
  const decision: Decision = g.some((e) => e.decision === 'fail')
    ? 'fail'
    : g.every((e) => e.decision === 'pass')
      ? 'pass'
      : 'undecided';
  let eP = 0;
  let eD = 0;
  for (let i = 0; i < n; i++) {
    eP += pruned[i].exposure;
    eD += dense[i].exposure;
  }
  const what = test === 'poisson-exact' ? 'exact conditional Poisson test' : 'paired bootstrap';
  const parts = g.map(
    (e) =>
      `${e.event}: rate ratio pruned/dense ${fmt(e.interval.ratio)} (${+(100 * conf).toFixed(2)}% CI ${fmt(e.interval.lower)}–${fmt(e.interval.upper)}, ${what}) vs max ${e.maxRatio} → ${e.decision}; ` +
      `${e.pruned} vs ${e.dense} events (${e.ratePruned.toFixed(2)} vs ${e.rateDense.toFixed(2)} per ${per} ${sim.unit})`,
  );
  const capped = decision === 'undecided' && look === looks;
  const message =
    `closed-loop guard on ${sim.name}: ${decision.toUpperCase()} after ${n} paired scenarios ` +
    `(${eP.toFixed(1)} vs ${eD.toFixed(1)} ${sim.unit}, look ${look} of ${looks}${capped ? ', cap reached' : ''}) — ${parts.join('; ')}`;
  return {
    decision,
    simulator: sim.name,
    unit: sim.unit,
    per,
    test,
    confidence,
    lookConfidence: conf,
    looks,
    scenarios: n,
    exposurePruned: eP,
    exposureDense: eD,
    events,
    message,
  };
}
