/** The recipe's scorer as a Scorer (from `@prunekit/scorers`' registry or a module), and its calibration context. */
import type { Batch, ModelGraph, ScoreContext, Scorer } from '@prunekit/core';
import { RecipeError, resolveScorer, scorerContext as contextOf } from '@prunekit/recipe';
import { recipeModuleImporter } from '../data/module.js';
import { UsageError } from '../errors.js';
import type { ScorerConfig } from '../recipe/schema.js';

/** Recipe problems found at run time (a module that does not load, missing data) are usage errors. */
async function asUsage<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof RecipeError) throw new UsageError(e.message, e.details);
    throw e;
  }
}

/**
 * Resolves a recipe's scorer config (a built-in name or a module path, relative to `baseDir`); a bad one
 * is a usage error naming `field`.
 */
export function makeScorer(cfg: ScorerConfig, baseDir = process.cwd(), field = 'scorer'): Promise<Scorer> {
  return asUsage(() => resolveScorer(cfg, baseDir, field, recipeModuleImporter));
}

/** Scorer context for `graph`: calibration statistics when the scorer needs them. */
export function scorerContext(
  graph: ModelGraph,
  scorer: Scorer,
  calibration: Batch[] | undefined,
): Promise<Partial<Omit<ScoreContext, 'graph' | 'rng'>>> {
  return asUsage(() => contextOf(graph, scorer, calibration));
}

export { asUsage };
