export { foldBatchNorm, planBatchNormFolds } from './fold_batch_norm.js';
export { foldActivations, planActivationFolds } from './fold_activations.js';
export type { ActivationFold, BatchNormFold } from './fold_plan.js';
