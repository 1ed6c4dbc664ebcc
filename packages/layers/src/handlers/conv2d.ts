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
  macs(ctx) {
    const out = ctx.outputShape;
    const spatial = channelsLast(ctx)
      ? prodDims(out, 1, 3, `Conv2D '${ctx.name}'`)
      : prodDims(out, 2, 4, `Conv2D '${ctx.name}'`);
    return spatial * product(weightShape(ctx, 'kernel'));
  },
  channels: (ctx) => channelsFrom(paramsFrom(ctx, rules)),
  pruneOut: (config, keep) => ({ ...config, filters: keep.length }),
  pruneIn: (config) => ({ ...config }),
};
