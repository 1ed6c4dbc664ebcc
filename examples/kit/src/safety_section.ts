/**
 * The `safety` section of the closed-loop examples (decision-highway, navigation-costmap): how the
 * closed-loop guard judges a pruned policy and how the backoff search recovers it. Each example
 * adds the size of its guard sample (`guardWorlds`, `guardEpisodes`).
 */
import { int, openFraction, positive } from '@prunekit/recipe';
import { z } from 'zod';

export const safetySection = z.strictObject({
  /** Largest accepted ratio of the pruned policy's event rate to the baseline's. */
  maxRatio: positive(),
  confidence: openFraction,
  test: z.enum(['paired-bootstrap', 'poisson-exact']),
  /** Scenarios per sequential look of the guard. */
  guardBatch: int(1, 1e9),
  daggerRounds: int(0, 1e9),
  daggerEpochs: int(1, 1e9),
  daggerLr: positive(),
});
