/**
 * `@prunekit/recipe/node`: the parts that need Node — recipe files on disk, `module:` names resolved
 * from the recipe's folder, the export stage (files on disk), and the run environment for results.json. The main entry is browser-safe.
 */
export { loadRecipeFile, readRecipeFile, recipeFiles } from './node/files.js';
export { moduleUrl, nodeImporter } from './node/modules.js';
export { baseEnv, type RunEnv } from './node/env.js';
export { exportStage } from './stages/export.js';
export {
  artifactsFormat,
  type GraphModelLoader,
  type LoadedModel,
  loadLayersModel,
  loadStage,
  type ModelFormat,
  modelFormatOf,
} from './stages/load.js';
