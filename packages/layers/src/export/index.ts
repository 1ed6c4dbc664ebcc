export { foldBatchNorm, planBatchNormFolds } from './fold_batch_norm.js';
export { foldActivations, planActivationFolds } from './fold_activations.js';
export type { ActivationFold, BatchNormFold } from './fold_plan.js';
export { toFusedModel, planFusedLayers, toStockModel } from './fused_model.js';
export {
  FusedConv2D,
  type FusedConv2DArgs,
  type FusedConvActivation,
  FusedDepthwiseConv2D,
  type FusedDepthwiseConv2DArgs,
} from './fused_conv_layers.js';
export {
  biasActivationConfig,
  convOutputShape,
  convSettingsConfig,
  firstInputShape,
  inferenceLayerArgs,
  pair,
  readBiasActivation,
  readConvSettings,
  type BiasActivation,
  type BiasActivationArgs,
  type ConvSettings,
  type ConvSettingsArgs,
  type InferenceLayerArgs,
} from './conv_settings.js';
export type { KernelFusion } from './fold_plan.js';
