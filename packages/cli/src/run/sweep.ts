/**
 * Recipe sweeps: every (method level × scorer × fine-tune epochs) of a recipe as one trial that
 * prunes a copy of the dense model (the recipe's prune stage), fine-tunes it and measures test
 * accuracy, params and MACs (and, asked to, its forward latency: a latency-table row). The same trial function runs here (default) or on queue workers.
 */
import { cpus } from 'node:os';
import { computeMetrics } from '@prunekit/core';
import {
  ContentMismatchError,
  type ContentIdentity,
  type SweepPlan,
  type TrialHandlers,
  tensorsHash,
} from '@prunekit/distributed';
import { buildGraph } from '@prunekit/layers';
import {
  type BackendLatencyOptions,
  latencyPerBackend,
  type PruneMethod,
  pruneStage,
} from '@prunekit/recipe';
import { recipeModuleImporter } from '../data/module.js';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createProgress } from '../progress.js';
import type { Recipe, ScorerConfig } from '../recipe/schema.js';
import { accuracy } from './evaluate.js';
import { tuneModel } from './finetune.js';
import { pruneJobs } from './prune.js';
import { asUsage } from './scorer.js';
import type { Session } from './setup.js';

export const RECIPE_POINT = 'recipe-point';

interface PointParams {
  readonly method: PruneMethod;
  readonly level: number;
  readonly section: NonNullable<Recipe['unstructured'] | Recipe['structured']>;
  readonly finetune?: Recipe['finetune'];
  readonly epochs: number;
  readonly seed: number;
  /** Hash of the fine-tuning split the coordinator planned on (trials that fine-tune). */
  readonly finetuneData?: string;
  /** Also time the pruned model's forward pass on the worker (a latency-table row). */
  readonly bench?: BackendLatencyOptions;
}

/** One row of a sweep's results.json. */
export interface SweepRow {
  readonly trial: string;
  readonly method: PruneMethod;
  readonly level: number;
  readonly scorer: string;
  readonly finetuneEpochs: number;
  readonly achieved: number;
  readonly accuracyBeforeFinetune: number | null;
  readonly accuracy: number | null;
  readonly params: number;
  readonly nonzero: number;
  readonly macs: number;
  readonly sparseMacs: number;
  /** With latency: median forward ms per backend, on the CPU that ran the trial. */
  readonly latencyMs?: Record<string, number>;
  readonly latencyCpu?: string;
}

/** The grid: the recipe's prune levels × `scorers` (default: each section's own) × `epochs`. */
export function recipeSweepPlan(
  recipe: Recipe,
  identity: ContentIdentity,
  grid: {
    scorers?: readonly string[];
    epochs?: readonly number[];
    finetuneData?: string;
    bench?: BackendLatencyOptions;
  },
): SweepPlan {
  const epochsList = grid.epochs ?? [recipe.finetune?.epochs ?? 0];
  const trials = pruneJobs(recipe).flatMap((job) => {
    const section = recipe[job.method]!;
    const scorers: ScorerConfig[] = grid.scorers
      ? grid.scorers.map((name) => ({ name }) as ScorerConfig)
      : [section.scorer as ScorerConfig];
    return scorers.flatMap((scorer) =>
      epochsList.map((epochs) => {
        const params: PointParams = {
          method: job.method,
          level: job.level,
          section: { ...section, scorer } as PointParams['section'],
          ...(recipe.finetune ? { finetune: recipe.finetune } : {}),
          epochs,
          seed: recipe.seed,
          ...(epochs > 0 && grid.finetuneData ? { finetuneData: grid.finetuneData } : {}),
          ...(grid.bench ? { bench: grid.bench } : {}),
        };
        return { key: `${job.folder}/${scorer.name}/ft${epochs}`, kind: RECIPE_POINT, params };
      }),
    );
  });
  return { name: `${recipe.name}-sweep`, identity, trials };
}

/** The handler of a recipe trial on this session's model and data. */
export function recipeSweepHandlers(session: Session, workerId = 'local'): TrialHandlers {
  const quiet = createProgress({ stdout: () => {}, stderr: () => {}, tty: false }, true);
  return {
    [RECIPE_POINT]: async (raw, trial): Promise<SweepRow> => {
      const p = raw as PointParams;
      const data = session.data;
      if (!data)
        throw new Error('a recipe sweep needs data: set data.generator in the recipe or pass --data.');
      const train = data.finetune;
      if (p.epochs > 0) {
        if (!train || !p.finetune) {
          throw new Error(
            `trial ${trial.key} fine-tunes, but this session has no fine-tuning data or finetune section.`,
          );
        }
        const mine = tensorsHash([train.x, train.y]);
        if (p.finetuneData && p.finetuneData !== mine) {
          throw new ContentMismatchError('data', p.finetuneData, mine, workerId);
        }
      }
      let before: number | null = null;
      const { model, achieved } = await asUsage(() =>
        pruneStage({
          dense: session.model,
          method: p.method,
          section: p.section,
          level: p.level,
          seed: p.seed,
          baseDir: session.baseDir,
          importModule: recipeModuleImporter,
          calibration: () => session.calibrationBatches(),
          tune: async (m: tfl.LayersModel, _round, masks, graph) => {
            before = accuracy(m, data.test);
            if (p.epochs === 0 || !train || !p.finetune) return;
            await tuneModel({
              model: m,
              teacher: session.model,
              masks,
              graph,
              train,
              val: data.val,
              cfg: { ...p.finetune, epochs: p.epochs },
              seed: p.seed,
              label: trial.key,
              progress: quiet,
            });
          },
        }),
      );
      try {
        const metrics = computeMetrics(buildGraph(model, { ignore: p.section.ignore }));
        return {
          trial: trial.key,
          method: p.method,
          level: p.level,
          scorer: (p.section.scorer as ScorerConfig).name,
          finetuneEpochs: p.epochs,
          achieved,
          accuracyBeforeFinetune: before,
          accuracy: accuracy(model, data.test),
          params: metrics.params,
          nonzero: metrics.nonzero,
          macs: metrics.macs,
          sparseMacs: metrics.sparseMacs,
          // Timings are the one part of a trial that is not bit-reproducible: they depend on the
          // machine and its load, so the CPU is recorded beside them.
          ...(p.bench
            ? {
                latencyMs: await latencyPerBackend(model, p.bench),
                latencyCpu: cpus()[0]?.model ?? 'unknown',
              }
            : {}),
        };
      } finally {
        model.dispose();
      }
    },
  };
}
