/**
 * Typed calibration statistics: what data-driven scorers read, each field a map of its own
 * (no string-prefixed keys), computed by a runner (calibrate in @prunekit/scorers) and cached by
 * the pruner that asks for them.
 */

/** Per-parameter fields are keyed by parameter id; per-layer fields by layer (node) name. */
export interface CalibrationStats {
  /** Mean gradient of the loss over all calibration samples, by parameter id. */
  readonly gradients?: ReadonlyMap<string, Float32Array>;
  /** Mean over batches of the squared batch gradient (empirical Fisher), by parameter id. */
  readonly squaredGradients?: ReadonlyMap<string, Float32Array>;
  /** Hutchinson estimate of the Hessian diagonal, by parameter id. */
  readonly hessianDiagonal?: ReadonlyMap<string, Float32Array>;
  /** Mean |output| per output channel (last axis), by layer. */
  readonly meanActivation?: ReadonlyMap<string, Float32Array>;
  /** Fraction of output entries ≤ 0 per output channel, by layer. */
  readonly apoz?: ReadonlyMap<string, Float32Array>;
  /** RMS of the layer's input per input channel (Wanda's ‖x‖), by layer. */
  readonly inputNorm?: ReadonlyMap<string, Float32Array>;
}

/** The name of one calibration statistic (a key of CalibrationStats). */
export type StatField = keyof CalibrationStats;

/** Every calibration statistic a scorer can ask for, in a fixed order. */
export const STAT_FIELDS: readonly StatField[] = [
  'gradients',
  'squaredGradients',
  'hessianDiagonal',
  'meanActivation',
  'apoz',
  'inputNorm',
];

/**
 * What a scorer reads: the weights, raw calibration data (it runs the model itself), and/or
 * calibration statistics by field. The one declaration of a scorer's inputs.
 */
export type ScorerNeed = 'weights' | 'data' | StatField;

/** How the Hessian diagonal is estimated (Hutchinson: seeded Rademacher probes). */
export interface HessianProbes {
  readonly probes: number;
  readonly seed: number;
  readonly epsilon: number;
}

/** The statistics fields among a list of needs. */
export function statFields(needs: readonly ScorerNeed[]): StatField[] {
  return STAT_FIELDS.filter((f) => needs.includes(f));
}

/** Whether a scorer needs calibration data (statistics or the data itself). */
export function needsCalibration(scorer: { readonly needs: readonly ScorerNeed[] }): boolean {
  return scorer.needs.some((n) => n !== 'weights');
}

/** The fields of `fields` that `stats` does not hold (per-field presence). */
export function missingStats(stats: CalibrationStats | undefined, fields: readonly StatField[]): StatField[] {
  return fields.filter((f) => stats?.[f] === undefined);
}

/**
 * A cache of computed statistics for ONE graph (one model state), owned by the pruner that scores
 * it: a pruner makes a fresh one for every graph it scores, so a multi-step run recomputes the
 * statistics of each new model instead of reusing the first one's.
 */
export interface StatsCache {
  get(key: string, compute: () => Promise<CalibrationStats>): Promise<CalibrationStats>;
}

/** A new, empty StatsCache; a computation that fails is dropped so the next call retries it. */
export function createStatsCache(): StatsCache {
  const entries = new Map<string, Promise<CalibrationStats>>();
  return {
    get(key, compute) {
      let p = entries.get(key);
      if (!p) {
        p = compute();
        entries.set(key, p);
        // A failed computation is not cached: the next call tries again.
        p.catch(() => entries.delete(key));
      }
      return p;
    },
  };
}
