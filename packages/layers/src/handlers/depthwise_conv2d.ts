import type { KerasLayerHandler } from '../layer_context.js';
import { channelsFrom, convMacs, paramsFrom, type WeightRule } from './common.js';

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
  macs: (ctx) => convMacs(ctx, 2, 'depthwise_kernel'),
  channels: (ctx) => channelsFrom(paramsFrom(ctx, rules)),
  // The config holds no channel count: the input decides it.
  pruneOut: (config) => ({ ...config }),
  pruneIn: (config) => ({ ...config }),
};
