import { cfg, paramSlices } from '@prunekit/core';
import { carry, isLastAxis, type LayerSpec, mixes, noMacs } from './kit.js';

const perChannel = { outAxis: 0, inAxis: 0 } as const;

/** BatchNormalization: four per-channel vectors carried along; 0 MACs (it folds into the preceding conv). */
export const batchNormalizationSpec: LayerSpec = {
  format: 'layers',
  name: 'BatchNormalization',
  params: {
    gamma: { role: 'gamma', ...perChannel },
    beta: { role: 'beta', ...perChannel },
    moving_mean: { role: 'movingMean', ...perChannel },
    moving_variance: { role: 'movingVariance', ...perChannel },
  },
  macs: noMacs,
  structured: {
    analyze(ctx) {
      const rank = ctx.node.outputShape.length;
      const axis = cfg<number>(ctx.node.config, 'axis') ?? -1;
      if (axis !== -1 && axis !== rank - 1) return mixes(ctx, 'normalises a non-channel axis');
      return carry(ctx, paramSlices(ctx, { through: true }));
    },
  },
};

/**
 * LayerNormalization: when it normalises the channel axis, every channel's output depends on all
 * the others (mean and variance), so removing one is not exact — its group is frozen. Over other
 * axes it carries the channels untouched.
 */
export const layerNormalizationSpec: LayerSpec = {
  format: 'layers',
  name: 'LayerNormalization',
  params: { gamma: { role: 'gamma' }, beta: { role: 'beta' } },
  macs: noMacs,
  structured: {
    analyze: (ctx) =>
      isLastAxis(ctx, cfg(ctx.node.config, 'axis'))
        ? mixes(ctx, 'normalises across channels (LayerNormalization)')
        : carry(ctx),
  },
};
