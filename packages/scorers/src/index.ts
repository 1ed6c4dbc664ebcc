export { magnitude, type MagnitudeOptions } from './magnitude.js';
export { random, type RandomOptions } from './random.js';
export { scoreParams, checkWeightScores } from './run.js';
export {
  GROUP_NORMALIZERS,
  GROUP_REDUCTIONS,
  type GroupNormalizer,
  type GroupReduction,
  memberChannelScores,
  normalize,
  reduceMembers,
  sumAlongAxis,
} from './group_scores.js';
