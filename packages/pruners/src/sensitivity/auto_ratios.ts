import { InvalidArgumentError } from '@prunekit/core';
import type { SensitivityResult } from './analyze.js';

/**
 * Options of autoRatios: the MACs or params budget to remove and an optional measure of what ratios
 * actually remove.
 */
export interface AutoRatiosOptions {
  /** Fraction of the model's total MACs or params to remove, in (0, 1): e.g. { macs: 0.5 }. */
  readonly budget: { readonly macs: number } | { readonly params: number };
  /**
   * Measures the fraction actually removed by a set of ratios (e.g. by planning them). Per-layer
   * savings do not add up exactly (pruning a layer's outputs also shrinks its consumers' inputs),
   * so with `measure` the internal target is raised by bisection until the measured fraction
   * meets the budget.
   */
  readonly measure?: (ratios: Readonly<Record<string, number>>) => number | Promise<number>;
}

/** What autoRatios returns: a ratio per layer and the predicted (and measured) drop and fraction removed. */
export interface AutoRatiosResult {
  /** Layer → ratio (layers left at 0 are omitted). */
  readonly ratios: Record<string, number>;
  /** Σ of the curves' metric drops at the chosen ratios (additive prediction). */
  readonly predictedDrop: number;
  /** Fraction removed as the curves add it up. */
  readonly predictedRemoved: number;
  /** Fraction removed as `measure` says (when given). */
  readonly measuredRemoved?: number;
  /** Whether the budget could be met with the ratios on the curves. */
  readonly met: boolean;
}

interface Option {
  readonly ratio: number;
  readonly drop: number;
  readonly saved: number;
}

/**
 * Greedy choice over the sensitivity curves: start with nothing pruned and repeatedly take the
 * move (one layer to a higher ratio on its curve) that costs the least predicted metric drop per
 * unit saved, until the savings reach `target` (a fraction of the total).
 */
function choose(result: SensitivityResult, key: 'macs' | 'params', target: number) {
  const total = key === 'macs' ? result.totalMacs : result.totalParams;
  const options: Option[][] = result.curves.map((c) => [
    { ratio: 0, drop: 0, saved: 0 },
    ...c.points.map((p) => ({ ratio: p.ratio, drop: result.baseline - p.metric, saved: p[key] / total })),
  ]);
  const at = options.map(() => 0);
  let saved = 0;
  let drop = 0;
  while (saved < target - 1e-12) {
    let best: { l: number; j: number; cost: number; gain: number } | undefined;
    options.forEach((opt, l) => {
      const cur = opt[at[l]];
      for (let j = at[l] + 1; j < opt.length; j++) {
        const gain = opt[j].saved - cur.saved;
        if (gain <= 0) continue;
        const cost = (opt[j].drop - cur.drop) / gain;
        if (!best || cost < best.cost - 1e-12 || (Math.abs(cost - best.cost) <= 1e-12 && gain > best.gain)) {
          best = { l, j, cost, gain };
        }
      }
    });
    if (!best) break;
    const { l, j } = best;
    saved += options[l][j].saved - options[l][at[l]].saved;
    drop += options[l][j].drop - options[l][at[l]].drop;
    at[l] = j;
  }
  const ratios: Record<string, number> = {};
  result.curves.forEach((c, l) => {
    if (at[l] > 0) ratios[c.layer] = options[l][at[l]].ratio;
  });
  return { ratios, predictedDrop: drop, predictedRemoved: saved, met: saved >= target - 1e-12 };
}

/**
 * Per-layer ratios that remove `budget` of the model's MACs or params with the least predicted
 * loss of the metric, read off sensitivity curves (each layer's drop assumed independent).
 */
export async function autoRatios(
  result: SensitivityResult,
  opts: AutoRatiosOptions,
): Promise<AutoRatiosResult> {
  const key = opts?.budget && 'macs' in opts.budget ? 'macs' : 'params';
  const target = (opts?.budget as Record<string, number> | undefined)?.[key];
  if (typeof target !== 'number' || !(target > 0 && target < 1)) {
    throw new InvalidArgumentError(
      `budget must be { macs: f } or { params: f } with f the fraction to remove in (0, 1), got ${JSON.stringify(opts?.budget)}.`,
      { field: 'budget' },
    );
  }
  if (!result?.curves?.length) {
    throw new InvalidArgumentError(
      'autoRatios needs the result of sensitivityAnalysis with at least one curve.',
      {
        field: 'curves',
      },
    );
  }
  const first = choose(result, key, target);
  if (!opts.measure) return first;
  let measured = await opts.measure(first.ratios);
  if (measured >= target || !first.met) return { ...first, measuredRemoved: measured };
  // Raise the internal target until the measured savings meet the budget.
  let lo = target;
  let hi = 1;
  let best: AutoRatiosResult | undefined;
  for (let it = 0; it < 12; it++) {
    const mid = (lo + hi) / 2;
    const c = choose(result, key, mid);
    const m = await opts.measure(c.ratios);
    if (m >= target) {
      best = { ...c, measuredRemoved: m, met: true };
      hi = mid;
    } else {
      lo = mid;
      measured = m;
    }
  }
  return best ?? { ...choose(result, key, 1), measuredRemoved: measured, met: false };
}
