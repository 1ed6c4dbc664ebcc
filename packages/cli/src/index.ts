export { main } from './main.js';
export { EXIT, type ExitCode } from './exit_codes.js';
export type { CliIO } from './io.js';
export { UsageError } from './errors.js';
export {
  loadRecipe,
  foreignSections,
  readRecipeFile,
  validateRecipe,
  type LoadedRecipe,
  type Override,
} from './recipe/load.js';
export {
  recipeSchema,
  scorerNames,
  type Recipe,
  type RecipeInput,
  type ScorerConfig,
} from './recipe/schema.js';
export { createProgress, type Progress } from './progress.js';
export { pruneJobs, runPrune, type PruneJob, type PruneOutcome } from './run/prune.js';
export { inspectGraph, formatInspection, type Inspection } from './run/inspect.js';
export { makeScorer } from './run/scorer.js';
