export { buildGraph, type BuildGraphOptions } from './build_graph.js';
export { SharedLayerError } from './errors.js';
export { channelsFrom, paramsFrom, weightless, type WeightRule } from './handlers/common.js';
export type { KerasLayerHandler, LayerContext, Shape } from './layer_context.js';
export { paramId, weightShortName } from './naming.js';
export {
  builtinHandlers,
  getLayerHandler,
  registeredLayerClasses,
  registerLayerHandler,
  unregisterLayerHandler,
} from './registry.js';
export { createWeightStore, modelVariables } from './weight_store.js';
export { applyMasks, checkFinite, readMasks } from './masks/apply_masks.js';
export { cloneModel, modelArtifacts } from './masks/clone_model.js';
export { assertFinite } from './masks/finite.js';
export { type MaskedModel, maskedModel, stripMasks } from './masks/masked_model.js';
export { artifactsToFiles, DEFAULT_SHARD_BYTES } from './io/artifacts_files.js';
export { checkArtifacts } from './io/check_artifacts.js';
export { outputFault } from './io/fs_errors.js';
export type { ManifestGroup, ModelJson, WeightSpec } from './io/manifest.js';
export { modelSource } from './io/sources.js';
export * from './structured/index.js';
export * from './export/index.js';
