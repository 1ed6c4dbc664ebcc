/** Scorers by recipe name, and the calibration statistics the data-driven ones need. */
import type { DataSource, ModelGraph, ScoreContext, Scorer } from '@prunekit/core';
import * as s from '@prunekit/scorers';
import { UsageError } from '../errors.js';
import type { ScorerConfig, ScorerName } from '../recipe/schema.js';

const FACTORIES: Record<ScorerName, (c: ScorerConfig) => Scorer> = {
  magnitude: (c) => s.magnitude({ p: c.p, reduction: c.reduction, normalizer: c.normalizer }),
  random: () => s.random(),
  taylor: (c) => s.taylor({ reduction: c.reduction, normalizer: c.normalizer }),
  snip: (c) => s.snip({ reduction: c.reduction, normalizer: c.normalizer }),
  gradientMagnitude: (c) => s.gradientMagnitude({ reduction: c.reduction, normalizer: c.normalizer }),
  fisher: (c) => s.fisher({ reduction: c.reduction, normalizer: c.normalizer }),
  fpgm: (c) => s.fpgm({ reduction: c.reduction, normalizer: c.normalizer }),
  lamp: (c) => s.lamp({ reduction: c.reduction }),
  bnScale: (c) => s.bnScale({ reduction: c.reduction, normalizer: c.normalizer }),
  wanda: (c) => s.wanda({ reduction: c.reduction, normalizer: c.normalizer }),
  apoz: (c) => s.apoz({ reduction: c.reduction, normalizer: c.normalizer }),
  meanActivation: (c) => s.meanActivation({ reduction: c.reduction, normalizer: c.normalizer }),
};

export function makeScorer(cfg: ScorerConfig): Scorer {
  return FACTORIES[cfg.name](cfg);
}

/** Whether the scorer reads gradients, activations or data (then it needs calibration batches). */
export function needsData(scorer: Scorer): boolean {
  return scorer.needs.some((n) => n !== 'weights');
}

/** Scorer context for `graph`: calibration statistics when the scorer needs them. */
export async function scorerContext(
  graph: ModelGraph,
  scorer: Scorer,
  calibration: DataSource | undefined,
): Promise<Partial<Omit<ScoreContext, 'graph' | 'rng'>>> {
  if (!needsData(scorer)) return {};
  if (!calibration) {
    throw new UsageError(
      `scorer '${scorer.name}' needs calibration data (it reads ${scorer.needs.join(', ')}); give the recipe a data module (data.generator) or pass --data.`,
      { field: 'scorer' },
    );
  }
  const stats = await s.calibrate(graph, [scorer], calibration);
  return { ...stats, data: calibration };
}
