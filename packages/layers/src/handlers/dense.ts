import type { KerasLayerHandler } from '../layer_context.js';
import { channelsFrom, paramsFrom, prodDims, type WeightRule } from './common.js';

const rules: Record<string, WeightRule> = {
  kernel: { role: 'kernel', inAxis: 0, outAxis: 1, prunable: true },
  bias: { role: 'bias', outAxis: 0 },
};

/**
 * Dense: kernel [in, units]. MACs = in · units per position; a Dense on a rank-3+ input applies
 * to every position, so the inner dims multiply in.
 */
export const denseHandler: KerasLayerHandler = {
  className: 'Dense',
  params: (ctx) => paramsFrom(ctx, rules),
  macs(ctx) {
    const inShape = ctx.inputShapes[0];
    const units = ctx.config.units as number;
    const positions = prodDims(inShape, 1, inShape.length - 1, `Dense '${ctx.name}'`);
    const fanIn = prodDims(inShape, inShape.length - 1, inShape.length, `Dense '${ctx.name}'`);
    return positions * fanIn * units;
  },
  channels: (ctx) => channelsFrom(paramsFrom(ctx, rules)),
  pruneOut: (config, keep) => ({ ...config, units: keep.length }),
  pruneIn: (config) => ({ ...config }),
};
