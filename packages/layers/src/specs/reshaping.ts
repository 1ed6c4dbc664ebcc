import { flattenLayout, isChannelsFirst, type RuleContext, type RuleResult } from '@prunekit/core';
import { passThrough, weightless } from './kit.js';

function positions(ctx: RuleContext): number | null {
  const shape = ctx.node.inputShapes[0] ?? [];
  let p = 1;
  for (let i = 1; i < shape.length - 1; i++) {
    const d = shape[i];
    if (d === null || d === undefined) return null;
    p *= d;
  }
  return p;
}

/** Channels-last tensor → 1-D features: channel c lands at p·C + c for every position p. */
function flattened(ctx: RuleContext): RuleResult {
  const p = positions(ctx);
  const out = p === null || isChannelsFirst(ctx.node.config) ? null : flattenLayout(ctx.inputs[0], p);
  if (!out || out.size !== ctx.outChannels) {
    const why = `'${ctx.node.name}' flattens in a way channels cannot be followed through`;
    ctx.freeze(ctx.inputs[0], why);
    return { output: ctx.fixed(ctx.outChannels, why) };
  }
  return { output: out };
}

/** Model inputs: their channels are fixed by the data. */
export const inputLayerSpec = weightless('InputLayer', {
  analyze: (ctx) => ({ output: ctx.fixed(ctx.outChannels, 'model input') }),
});

/** Flatten: one channel becomes its spatial positions in the features (and in the next Dense's rows). */
export const flattenSpec = weightless('Flatten', { analyze: flattened });

/**
 * Reshape: supported when the channel axis survives as the last axis (e.g. [C] → [1, 1, C] in a
 * squeeze-excite block) or when the result is a flattening to 1-D; other reshapes freeze the channels.
 */
export const reshapeSpec = weightless('Reshape', {
  analyze(ctx) {
    const inShape = ctx.node.inputShapes[0] ?? [];
    const outShape = ctx.node.outputShape;
    if (inShape[inShape.length - 1] === outShape[outShape.length - 1]) return { output: ctx.inputs[0] };
    if (outShape.length === 2) return flattened(ctx);
    const why = `'${ctx.node.name}' reshapes the channel axis`;
    ctx.freeze(ctx.inputs[0], why);
    return { output: ctx.fixed(ctx.outChannels, why) };
  },
  editConfig(config, sizes) {
    const target = [...((config.target_shape ?? config.targetShape) as number[])];
    if (target[target.length - 1] !== -1) target[target.length - 1] = sizes.out;
    const key = config.target_shape !== undefined ? 'target_shape' : 'targetShape';
    return { ...config, [key]: target };
  },
});

/** Padding, cropping and up-sampling move spatial positions only: channels pass through. */
export const zeroPadding2dSpec = weightless('ZeroPadding2D', passThrough);
export const cropping2dSpec = weightless('Cropping2D', passThrough);
export const upSampling2dSpec = weightless('UpSampling2D', passThrough);
