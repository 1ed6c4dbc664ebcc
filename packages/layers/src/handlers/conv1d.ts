import type { KerasLayerHandler } from '../layer_context.js';
import { channelsFrom, convMacs, paramsFrom, type WeightRule } from './common.js';

const rules: Record<string, WeightRule> = {
  kernel: { role: 'kernel', inAxis: 1, outAxis: 2, prunable: true },
  bias: { role: 'bias', outAxis: 0 },
};

/** Conv1D: kernel [k, in, out]. MACs = outLen · out · k · in. */
export const conv1dHandler: KerasLayerHandler = {
  className: 'Conv1D',
  params: (ctx) => paramsFrom(ctx, rules),
  macs: (ctx) => convMacs(ctx, 1, 'kernel'),
  channels: (ctx) => channelsFrom(paramsFrom(ctx, rules)),
  pruneOut: (config, keep) => ({ ...config, filters: keep.length }),
  pruneIn: (config) => ({ ...config }),
};
