import { type LayerSpec, prodDims, producer } from './kit.js';

/**
 * Dense: kernel [in, units] on the last axis of any rank. MACs = in · units per position; a Dense
 * on a rank-3+ input applies to every position, so the inner dims multiply in.
 */
export const denseSpec: LayerSpec = {
  format: 'layers',
  name: 'Dense',
  params: {
    kernel: { role: 'kernel', inAxis: 0, outAxis: 1, prunable: true },
    bias: { role: 'bias', outAxis: 0 },
  },
  macs(ctx) {
    const inShape = ctx.inputShapes[0];
    const units = ctx.config.units as number;
    const positions = prodDims(inShape, 1, inShape.length - 1, `Dense '${ctx.name}'`);
    const fanIn = prodDims(inShape, inShape.length - 1, inShape.length, `Dense '${ctx.name}'`);
    return positions * fanIn * units;
  },
  structured: producer('units', false),
};
