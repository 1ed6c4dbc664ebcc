import type { KerasLayerHandler } from '../layer_context.js';
import { channelsFrom, paramsFrom, type WeightRule } from './common.js';

const perChannel = { outAxis: 0, inAxis: 0 } as const;
const rules: Record<string, WeightRule> = {
  gamma: { role: 'gamma', ...perChannel },
  beta: { role: 'beta', ...perChannel },
  moving_mean: { role: 'movingMean', ...perChannel },
  moving_variance: { role: 'movingVariance', ...perChannel },
};

/** BatchNormalization: per-channel vectors; 0 MACs (it folds into the preceding conv at inference). */
export const batchNormalizationHandler: KerasLayerHandler = {
  className: 'BatchNormalization',
  params: (ctx) => paramsFrom(ctx, rules),
  macs: () => 0,
  channels: (ctx) => channelsFrom(paramsFrom(ctx, rules)),
  pruneOut: (config) => ({ ...config }),
  pruneIn: (config) => ({ ...config }),
};
