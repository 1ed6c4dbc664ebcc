import type { KerasLayerHandler } from '../layer_context.js';
import {
  channelsFrom,
  channelsLast,
  paramsFrom,
  prodDims,
  product,
  weightShape,
  type WeightRule,
} from './common.js';

// The depthwise kernel [kh, kw, in, multiplier] has no single output axis: output channel
// c·multiplier + m comes from input channel c, so channels are indexed by axis 2.
const rules: Record<string, WeightRule> = {
  depthwise_kernel: { role: 'depthwiseKernel', inAxis: 2, prunable: true },
  bias: { role: 'bias', outAxis: 0 },
};

/** DepthwiseConv2D: MACs = outH · outW · (in · multiplier) · kh · kw (one input channel per output). */
export const depthwiseConv2dHandler: KerasLayerHandler = {
  className: 'DepthwiseConv2D',
  params: (ctx) => paramsFrom(ctx, rules),
  macs(ctx) {
    const out = ctx.outputShape;
    const spatial = channelsLast(ctx)
      ? prodDims(out, 1, 3, `DepthwiseConv2D '${ctx.name}'`)
      : prodDims(out, 2, 4, `DepthwiseConv2D '${ctx.name}'`);
    return spatial * product(weightShape(ctx, 'depthwise_kernel'));
  },
  channels: (ctx) => channelsFrom(paramsFrom(ctx, rules)),
  // The config holds no channel count: the input decides it.
  pruneOut: (config) => ({ ...config }),
  pruneIn: (config) => ({ ...config }),
};
