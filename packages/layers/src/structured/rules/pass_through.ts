import type { RuleContext, RuleResult, StructuredRule, WeightSlice } from '../rule.js';
import { cfg, isChannelsFirst } from '../rule.js';

/** Output channels = input channels, one to one; `slices` are per-channel weights carried along. */
function carry(ctx: RuleContext, slices: WeightSlice[] = []): RuleResult {
  const input = ctx.inputs[0];
  if (input.size !== ctx.outChannels || isChannelsFirst(ctx.node.config)) {
    const why = `'${ctx.node.name}' changes or moves the channel axis`;
    ctx.freeze(input, why);
    return { output: ctx.fixed(ctx.outChannels, why) };
  }
  return { output: input, slices };
}

/** Input channels leave as they came but are mixed (normalised together): nothing may be removed. */
function mixes(ctx: RuleContext, why: string): RuleResult {
  ctx.freeze(ctx.inputs[0], `'${ctx.node.name}' ${why}`);
  return { output: ctx.inputs[0].size === ctx.outChannels ? ctx.inputs[0] : ctx.fixed(ctx.outChannels, why) };
}

function passThrough(className: string): StructuredRule {
  return { className, analyze: (ctx) => carry(ctx) };
}

/** Layers that act on each channel alone and have no per-channel weights. */
export const passThroughRules: readonly StructuredRule[] = [
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'ReLU',
  'ELU',
  'LeakyReLU',
  'ThresholdedReLU',
  'MaxPooling1D',
  'MaxPooling2D',
  'AveragePooling1D',
  'AveragePooling2D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'UpSampling2D',
  'ZeroPadding2D',
  'Cropping2D',
].map(passThrough);

/** Activation: per channel, except softmax which normalises across the channel axis. */
export const activationRule: StructuredRule = {
  className: 'Activation',
  analyze: (ctx) =>
    cfg(ctx.node.config, 'activation') === 'softmax'
      ? mixes(ctx, 'applies softmax across channels')
      : carry(ctx),
};

function lastAxis(ctx: RuleContext, axis: unknown): boolean {
  const rank = ctx.node.outputShape.length;
  const list = Array.isArray(axis) ? axis : [axis ?? -1];
  return list.some((a) => a === -1 || a === rank - 1);
}

/** Softmax layer: mixes the channels when it normalises the last axis. */
export const softmaxRule: StructuredRule = {
  className: 'Softmax',
  analyze: (ctx) =>
    lastAxis(ctx, cfg(ctx.node.config, 'axis')) ? mixes(ctx, 'applies softmax across channels') : carry(ctx),
};

/** BatchNormalization over the channel axis: four per-channel vectors carried along. */
export const batchNormalizationRule: StructuredRule = {
  className: 'BatchNormalization',
  analyze(ctx) {
    const rank = ctx.node.outputShape.length;
    const axis = cfg<number>(ctx.node.config, 'axis') ?? -1;
    if (axis !== -1 && axis !== rank - 1) return mixes(ctx, 'normalises a non-channel axis');
    const w = (weight: string): WeightSlice => ({ weight, axis: 0, side: 'in', role: 'through' });
    return carry(ctx, [w('gamma'), w('beta'), w('moving_mean'), w('moving_variance')]);
  },
};

/**
 * LayerNormalization: when it normalises the channel axis, every channel's output depends on all
 * the others (mean and variance), so removing one is not exact — its group is frozen. Over other
 * axes it carries the channels untouched.
 */
export const layerNormalizationRule: StructuredRule = {
  className: 'LayerNormalization',
  analyze: (ctx) =>
    lastAxis(ctx, cfg(ctx.node.config, 'axis'))
      ? mixes(ctx, 'normalises across channels (LayerNormalization)')
      : carry(ctx),
};

/** PReLU: alpha [..., C] per channel unless the channel axis is shared (alpha last dim 1). */
export const preluRule: StructuredRule = {
  className: 'PReLU',
  analyze(ctx) {
    const alpha = ctx.node.params.find((p) => p.name === 'alpha');
    const perChannel =
      alpha && alpha.shape[alpha.shape.length - 1] === ctx.outChannels && ctx.outChannels > 1;
    if (!alpha) return carry(ctx);
    return carry(
      ctx,
      perChannel ? [{ weight: 'alpha', axis: alpha.shape.length - 1, side: 'in', role: 'through' }] : [],
    );
  },
};
