/**
 * What `--queue` adds to a model command: the session's content identity, the sensitivity
 * trials a worker runs, and a sensitivity analysis that runs them on the queue instead of here.
 */
import type { ModelGraph } from '@prunekit/core';
import {
  type ContentIdentity,
  type ScorerSpec,
  distributedSensitivity,
  modelHash,
  sensitivityHandlers,
  tensorsHash,
} from '@prunekit/distributed';
import type { SensitivityOptions, SensitivityResult } from '@prunekit/pruners';
import { UsageError } from '../errors.js';
import type { Progress } from '../progress.js';
import type { ScorerConfig } from '../recipe/schema.js';
import { accuracy } from './evaluate.js';
import { makeScorer, scorerContext } from './scorer.js';
import type { Session } from './setup.js';

/**
 * The model's hash, the evaluation data's (validation, test and calibration splits) and the
 * backend: coordinator and workers compare them.
 */
export function sessionIdentity(session: Session): ContentIdentity {
  const d = session.data;
  if (!d) {
    throw new UsageError(
      'trials need evaluation data: set data.generator in the recipe or pass --data <module>.',
      { field: 'data' },
    );
  }
  const splits = [d.val, d.test, d.calibration].flatMap((s) => [s.x, s.y]);
  return { model: modelHash(session.model), data: tensorsHash(splits), backend: session.backend };
}

/** A worker's trial handlers for the session: accuracy on its validation split, scorers by recipe name. */
export function sessionHandlers(session: Session, graph: ModelGraph, baseDir: string) {
  const val = session.data!.val;
  const batches = session.calibrationBatches();
  return {
    handlers: sensitivityHandlers(graph, {
      evaluate: (m) => accuracy(m, val),
      scorer: async (spec) => {
        const scorer = await makeScorer(spec as unknown as ScorerConfig, baseDir, 'sensitivity.scorer');
        return { scorer, context: await scorerContext(graph, scorer, batches) };
      },
    }),
    batches,
  };
}

const perWorker = (byWorker: Readonly<Record<string, number>>) =>
  Object.entries(byWorker)
    .map(([w, n]) => `${w} ${n}`)
    .join(' · ');

/**
 * Same signature as sensitivityAnalysis, run over the queue: the options' grid and the recipe's
 * scorer spec become trials; evaluation and scoring happen on the workers.
 */
export function queuedSensitivity(opts: {
  queue: string;
  session: Session;
  scorer: ScorerConfig;
  progress: Progress;
}): (graph: ModelGraph, o: SensitivityOptions) => Promise<SensitivityResult> {
  const identity = sessionIdentity(opts.session);
  return (graph, o) =>
    distributedSensitivity(graph, {
      queue: opts.queue,
      identity,
      scorer: opts.scorer as unknown as ScorerSpec,
      granularity: o.granularity,
      ratios: o.ratios,
      layers: o.layers,
      ignore: o.ignore,
      onProgress: (p) =>
        opts.progress.tick(`trials on ${opts.queue}: ${perWorker(p.byWorker)}`, p.done, p.total),
    });
}
