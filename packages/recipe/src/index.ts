export { extendRecipe, type Recipe, type RecipeInput, recipeSchema, recipeSections } from './schema.js';
export {
  granularitySchema,
  type GranularityConfig,
  prunerRefSchema,
  type PrunerRef,
  pruningSections,
  scheduleSchema,
  type ScheduleConfig,
  type StructuredConfig,
  structuredSection,
  type UnstructuredConfig,
  unstructuredSection,
} from './pruning.js';
export {
  BACKENDS,
  baselineSection,
  benchSection,
  budgetSection,
  dataSection,
  exportSection,
  finetuneSection,
  guardSection,
  latencySection,
  outputSection,
  reportSection,
  runSections,
  sensitivitySection,
} from './sections.js';
export {
  type ModuleScorer,
  type NamedScorer,
  type ScorerConfig,
  scorerField,
  scorerSchema,
} from './scorer.js';
export {
  folder,
  fraction,
  int,
  levels,
  names,
  nonNegative,
  openFraction,
  positive,
  ratio,
} from './fields.js';
export {
  checkRecipe,
  fieldPath,
  formatIssue,
  parseRecipe,
  parseRecipeText,
  RecipeError,
} from './validate.js';
export {
  importExport,
  type ModuleImporter,
  type SpecifierLoader,
  urlImporter,
  urlModuleSpecifier,
} from './modules.js';
export {
  granularityOf,
  type PrunerFactory,
  type PrunerFactoryOptions,
  resolvePrunerFactory,
  resolveScorer,
  scheduleFor,
} from './resolve.js';
export { needsData, scorerContext } from './stages/calibrate.js';
export { type PrunedCopy, type PruneMethod, pruneStage, type PruneStageOptions } from './stages/prune.js';
export type { SizeFigures } from './stages/export.js';
export {
  type BackendLatencyOptions,
  batch1Latency,
  type Latency,
  latencyPerBackend,
  modelFigures,
  roundRobinLatency,
} from './stages/measure.js';
export { type MacsTargetOptions, type MacsTargetResult, structuredToMacs } from './stages/macs_target.js';
export {
  type ClosedLoopSafety,
  type ClosedLoopSearchStageOptions,
  type ClosedLoopTarget,
  closedLoopSearchStage,
  compareWithDense,
  type RecoveryStep,
  safetyGuard,
  type SequentialTestOptions,
  sequentialTest,
} from './stages/closed_loop.js';
