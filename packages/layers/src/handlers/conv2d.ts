import type { KerasLayerHandler } from '../layer_context.js';
import { channelsFrom, convMacs, paramsFrom, type WeightRule } from './common.js';

const rules: Record<string, WeightRule> = {
  kernel: { role: 'kernel', inAxis: 2, outAxis: 3, prunable: true },
  bias: { role: 'bias', outAxis: 0 },
};

/**
 * Conv2D: kernel [kh, kw, in/groups, out] (tfjs keeps this layout for either dataFormat).
 * MACs = outH · outW · out · kh · kw · in/groups — read from the kernel shape, so groups are covered.
 */
export const conv2dHandler: KerasLayerHandler = {
  className: 'Conv2D',
  params: (ctx) => paramsFrom(ctx, rules),
  macs: (ctx) => convMacs(ctx, 2, 'kernel'),
  channels: (ctx) => channelsFrom(paramsFrom(ctx, rules)),
  pruneOut: (config, keep) => ({ ...config, filters: keep.length }),
  pruneIn: (config) => ({ ...config }),
};
