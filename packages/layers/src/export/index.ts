export { foldBatchNorm, planBatchNormFolds } from './fold_batch_norm.js';
export type { BatchNormFold } from './fold_plan.js';
