export { buildGraph, type BuildGraphOptions } from './build_graph.js';
export { NestedModelError, SharedLayerError } from './errors.js';
export {
  callsIn,
  flattenNested,
  isNestedModel,
  nestedModelNames,
  nestedScopes,
} from './nested/flatten_nested.js';
export type { LayerContext, Shape } from './layer_context.js';
export { paramId, weightShortName } from './naming.js';
export {
  carry,
  convMacs,
  type LayerSpec,
  mixes,
  noMacs,
  paramsFrom,
  passThrough,
  producer,
  weightless,
} from './specs/kit.js';
export {
  builtinLayerSpecs,
  getLayerSpec,
  layerSpecs,
  registeredLayerClasses,
  registerLayerSpec,
  unregisterLayerSpec,
} from './specs/registry.js';
export { refusedLayerClasses } from './specs/refused.js';
export { modelParamSpecs } from './specs/weight_specs.js';
export { createWeightStore, modelVariables } from './weight_store.js';
export { checkFinite, readMasks } from './masks/apply_masks.js';
export { cloneModel, modelArtifacts } from './masks/clone_model.js';
export { assertFinite } from './masks/finite.js';
export { type MaskedModel, maskedModel, stripMasks } from './masks/masked_model.js';
export { artifactsToFiles, DEFAULT_SHARD_BYTES } from './io/artifacts_files.js';
export { buildWithoutLeaks } from './io/build_guard.js';
export { checkArtifacts } from './io/check_artifacts.js';
export { outputFault } from './io/fs_errors.js';
export type { ManifestGroup, ModelJson, WeightSpec } from './io/manifest.js';
export { modelSource } from './io/sources.js';
export * from './structured/index.js';
export * from './export/index.js';
