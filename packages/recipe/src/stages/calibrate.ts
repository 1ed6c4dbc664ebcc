/** The score stage's inputs: calibration statistics for a data-driven scorer, computed on the graph given. */
import {
  type Batch,
  type ModelGraph,
  needsCalibration,
  type ScoreContext,
  type Scorer,
} from '@prunekit/core';
import { calibrate } from '@prunekit/scorers';
import { RecipeError } from '../validate.js';

/** Whether the scorer reads calibration statistics or data (then it needs calibration batches). */
export const needsData = (scorer: Scorer): boolean => needsCalibration(scorer);

/** Scorer context for `graph`: calibration statistics (and the data) when the scorer needs them. */
export async function scorerContext(
  graph: ModelGraph,
  scorer: Scorer,
  calibration: readonly Batch[] | undefined,
  field = 'scorer',
): Promise<Partial<Omit<ScoreContext, 'graph' | 'rng'>>> {
  if (!needsData(scorer)) return {};
  if (!calibration) {
    throw new RecipeError(
      `scorer '${scorer.name}' needs calibration data (it reads ${scorer.needs.join(', ')}); give the recipe a data module (data.generator) or pass --data.`,
      { field },
    );
  }
  const stats = await calibrate(graph, [scorer], calibration as Batch[]);
  return { stats, data: calibration as Batch[] };
}
