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

const rules: Record<string, WeightRule> = {
  kernel: { role: 'kernel', inAxis: 1, outAxis: 2, prunable: true },
  bias: { role: 'bias', outAxis: 0 },
};

/** Conv1D: kernel [k, in, out]. MACs = outLen · out · k · in. */
export const conv1dHandler: KerasLayerHandler = {
  className: 'Conv1D',
  params: (ctx) => paramsFrom(ctx, rules),
  macs(ctx) {
    const out = ctx.outputShape;
    const len = channelsLast(ctx)
      ? prodDims(out, 1, 2, `Conv1D '${ctx.name}'`)
      : prodDims(out, 2, 3, `Conv1D '${ctx.name}'`);
    return len * product(weightShape(ctx, 'kernel'));
  },
  channels: (ctx) => channelsFrom(paramsFrom(ctx, rules)),
  pruneOut: (config, keep) => ({ ...config, filters: keep.length }),
  pruneIn: (config) => ({ ...config }),
};
