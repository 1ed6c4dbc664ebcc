import { cfg } from '@prunekit/core';
import { carry, isLastAxis, type LayerSpec, mixes, noMacs, passThrough, weightless } from './kit.js';

/** Activation: per channel, except softmax which normalises across the channel axis. */
export const activationSpec = weightless('Activation', {
  analyze: (ctx) =>
    cfg(ctx.node.config, 'activation') === 'softmax'
      ? mixes(ctx, 'applies softmax across channels')
      : carry(ctx),
});

/** Softmax layer: mixes the channels when it normalises the last axis. */
export const softmaxSpec = weightless('Softmax', {
  analyze: (ctx) =>
    isLastAxis(ctx, cfg(ctx.node.config, 'axis'))
      ? mixes(ctx, 'applies softmax across channels')
      : carry(ctx),
});

export const reluSpec = weightless('ReLU', passThrough);
export const eluSpec = weightless('ELU', passThrough);
export const leakyReluSpec = weightless('LeakyReLU', passThrough);
export const thresholdedReluSpec = weightless('ThresholdedReLU', passThrough);

/**
 * PReLU: alpha [..., C] per channel unless the channel axis is shared (alpha last dim 1), so its
 * channel axis depends on the weight's shape and is cut only when it is per channel.
 */
export const preluSpec: LayerSpec = {
  format: 'layers',
  name: 'PReLU',
  params: { alpha: { role: 'alpha' } },
  macs: noMacs,
  structured: {
    analyze(ctx) {
      const alpha = ctx.node.params.find((p) => p.name === 'alpha');
      if (!alpha) return carry(ctx);
      const perChannel = alpha.shape[alpha.shape.length - 1] === ctx.outChannels && ctx.outChannels > 1;
      return carry(
        ctx,
        perChannel ? [{ weight: 'alpha', axis: alpha.shape.length - 1, side: 'in', role: 'through' }] : [],
      );
    },
  },
};
