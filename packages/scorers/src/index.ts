export { magnitude, type MagnitudeOptions } from './magnitude.js';
export { random, type RandomOptions } from './random.js';
export {
  fisher,
  gradientMagnitude,
  hessianDiagonal,
  obd,
  snip,
  taylor,
  type FisherOptions,
  type HessianOptions,
  type TaylorOptions,
} from './gradient_scorers.js';
export { bnScale } from './bn_scale.js';
export { filterDistances, fpgm } from './fpgm.js';
export { lamp } from './lamp.js';
export { apoz, meanActivation } from './activation.js';
export { wanda } from './wanda.js';
export { ablation, type AblationOptions } from './attribution.js';
export { regularized, type RegularizedOptions } from './regularized.js';
export { scoreParams } from './run.js';
export {
  GROUP_NORMALIZERS,
  GROUP_REDUCTIONS,
  type GroupNormalizer,
  type GroupReduction,
  lampNormalize,
  memberChannelScores,
  normalize,
  reduceMembers,
  sumAlongAxis,
} from './group_scores.js';
export {
  type GroupOptions,
  broadcastChannels,
  elementwiseScorer,
  type ElementwiseSpec,
} from './scorer_kit.js';
export { channelScorer, type ChannelSpec } from './channel_kit.js';
export { calibrate, CalibrationDataError, statsFor, type CalibrateOptions } from './calibration/calibrate.js';
export { mergeNeeds, type CalibrationRequest } from './calibration/needs.js';
export { defaultLoss, type ForwardModel, type LossFn } from './calibration/forward.js';
export { lossGradients, trainableVariables } from './calibration/gradients.js';
export { exactHessianDiagonal, hutchinsonDiagonal, type HutchinsonOptions } from './calibration/hessian.js';
export { activationStats } from './calibration/activations.js';
export {
  BUILTIN_SCORERS,
  createScorer,
  defineScorer,
  groupOptionsSchema,
  registerScorer,
  type ScorerEntry,
  scorerEntries,
  scorerEntry,
  scorerOptions,
} from './registry/index.js';
