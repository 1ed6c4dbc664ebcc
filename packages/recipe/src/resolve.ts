/** From recipe values to library values: scorers, pruner factories, granularities, schedules. */
import type { ModelGraph, Pruner, Schedule, Scorer } from '@prunekit/core';
import {
  blockPattern,
  constantSparsity,
  type Granularity,
  linearIterative,
  lotteryTicket,
  nmPattern,
  oneShot,
  polynomialDecay,
} from '@prunekit/pruners';
import { createScorer } from '@prunekit/scorers';
import { importExport, type ModuleImporter } from './modules.js';
import type { GranularityConfig, PrunerRef, ScheduleConfig } from './pruning.js';
import type { ScorerConfig } from './scorer.js';
import { RecipeError } from './validate.js';

/** The scorer a recipe names: a registered one, or a factory `(options) => Scorer` from a module. */
export async function resolveScorer(
  cfg: ScorerConfig,
  baseDir: string,
  field = 'scorer',
  importer?: ModuleImporter,
): Promise<Scorer> {
  if (!('module' in cfg)) return createScorer({ name: cfg.name, ...cfg.options });
  const factory = await importExport(cfg, baseDir, field, importer);
  if (typeof factory !== 'function') {
    throw new RecipeError(
      `${field}.export: '${cfg.export}' of '${cfg.module}' is not a function (options) => Scorer.`,
      {
        field: `${field}.export`,
      },
    );
  }
  const scorer = (factory as (o: Record<string, unknown>) => Scorer)(cfg.options);
  if (!scorer || typeof scorer.score !== 'function' || !Array.isArray(scorer.needs)) {
    throw new RecipeError(
      `${field}: '${cfg.export}' of '${cfg.module}' returned no Scorer (an object with name, needs and score()).`,
      { field },
    );
  }
  return scorer;
}

/** What a pruner factory from another package receives besides the graph. */
export interface PrunerFactoryOptions {
  readonly scorer: Scorer;
  readonly ratio: number;
  readonly scope: 'global' | 'local';
  readonly ignore: readonly string[];
  readonly seed: number;
  readonly context: Record<string, unknown>;
  /** The recipe's `pruner.options`. */
  readonly options: Record<string, unknown>;
}

/**
 * Builds a Pruner over `graph` from a recipe section's settings: what a `pruner: { module, export }` must
 * export.
 */
export type PrunerFactory = (graph: ModelGraph, opts: PrunerFactoryOptions) => Pruner;

/** A pruner factory named by `pruner: { module, export }`. */
export async function resolvePrunerFactory(
  ref: PrunerRef,
  baseDir: string,
  field: string,
  importer?: ModuleImporter,
): Promise<PrunerFactory> {
  const factory = await importExport(ref, baseDir, `${field}.pruner`, importer);
  if (typeof factory !== 'function') {
    throw new RecipeError(
      `${field}.pruner.export: '${ref.export}' of '${ref.module}' is not a function (graph, options) => Pruner.`,
      { field: `${field}.pruner.export` },
    );
  }
  return factory as PrunerFactory;
}

/** The pruners' Granularity of a recipe value. */
export function granularityOf(g: GranularityConfig): Granularity {
  if (g.kind === 'nm') return nmPattern(g.n, g.m);
  if (g.kind === 'block') return blockPattern(g.rows, g.cols);
  return { kind: 'element' };
}

/**
 * The schedule of one level over `steps` rounds (steps 0 … steps − 1): the recipe's schedule with
 * `level` as its final sparsity, else one shot (1 round) or equal increments (linearIterative).
 */
export function scheduleFor(cfg: ScheduleConfig | undefined, level: number, steps: number): Schedule {
  const last = steps - 1;
  if (!cfg)
    return steps === 1
      ? oneShot(level)
      : linearIterative({ final: level, begin: 0, end: last, iterations: steps });
  switch (cfg.type) {
    case 'oneShot':
      return oneShot(level, { step: cfg.step });
    case 'constantSparsity':
      return constantSparsity({
        sparsity: level,
        begin: cfg.begin,
        end: cfg.end ?? last,
        frequency: cfg.frequency,
      });
    case 'polynomialDecay':
      return polynomialDecay({
        initial: Math.min(cfg.initial, level),
        final: level,
        begin: cfg.begin,
        end: cfg.end,
        frequency: cfg.frequency,
        power: cfg.power,
      });
    case 'linearIterative':
      return cfg.steps
        ? linearIterative({ final: level, steps: cfg.steps })
        : linearIterative({ final: level, begin: 0, end: last, iterations: steps });
    case 'lotteryTicket': {
      // Rewind step 0 (the dense weights), one step a round: recipe round r ends lottery round r + 1.
      const lt = lotteryTicket({ final: level, rounds: steps, roundSteps: 1 });
      return { at: (round) => lt.at(round + 1), toJSON: () => lt.toJSON() };
    }
  }
}
