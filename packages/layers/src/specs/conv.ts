import { cfg, expandLayout, type GraphNode, isChannelsFirst, paramSlices } from '@prunekit/core';
import { convMacs, type LayerSpec, producer, product, spatialOf, weightShape } from './kit.js';

const bias = { role: 'bias', outAxis: 0 } as const;

/** Conv1D: kernel [k, in, out]. MACs = outLen · out · k · in. */
export const conv1dSpec: LayerSpec = {
  format: 'layers',
  name: 'Conv1D',
  params: { kernel: { role: 'kernel', inAxis: 1, outAxis: 2, prunable: true }, bias },
  macs: (ctx) => convMacs(ctx, 1, 'kernel'),
  structured: producer('filters', true),
};

/**
 * Conv2D: kernel [kh, kw, in/groups, out] (tfjs keeps this layout for either dataFormat).
 * MACs = outH · outW · out · kh · kw · in/groups — read from the kernel shape, so groups are covered.
 */
export const conv2dSpec: LayerSpec = {
  format: 'layers',
  name: 'Conv2D',
  params: { kernel: { role: 'kernel', inAxis: 2, outAxis: 3, prunable: true }, bias },
  macs: (ctx) => convMacs(ctx, 2, 'kernel'),
  structured: producer('filters', true),
};

/** Conv2DTranspose: kernel [kh, kw, out, in] — the axes are swapped; every input position scatters one kernel. */
export const conv2dTransposeSpec: LayerSpec = {
  format: 'layers',
  name: 'Conv2DTranspose',
  params: { kernel: { role: 'kernel', inAxis: 3, outAxis: 2, prunable: true }, bias },
  macs: (ctx) => spatialOf(ctx, ctx.inputShapes[0]) * product(weightShape(ctx, 'kernel')),
  structured: producer('filters', true),
};

/** Depth multiplier from the depthwise kernel [kh, kw, in, m] (the config may not hold it). */
function multiplier(node: GraphNode): number {
  const k = node.params.find((p) => p.name === 'depthwise_kernel');
  return k ? k.shape[3] : ((cfg<number>(node.config, 'depthMultiplier', 'depth_multiplier') ?? 1) as number);
}

/**
 * SeparableConv2D: depthwise [kh, kw, in, m] at the output resolution, then pointwise
 * [1, 1, in·m, out]; input channel c feeds pointwise rows c·m … c·m+m−1.
 */
export const separableConv2dSpec: LayerSpec = {
  format: 'layers',
  name: 'SeparableConv2D',
  params: {
    depthwise_kernel: { role: 'depthwiseKernel', inAxis: 2, prunable: true },
    pointwise_kernel: { role: 'pointwiseKernel', inAxis: 2, outAxis: 3, prunable: true },
    bias,
  },
  macs: (ctx) =>
    spatialOf(ctx, ctx.outputShape) *
    (product(weightShape(ctx, 'depthwise_kernel')) + product(weightShape(ctx, 'pointwise_kernel'))),
  // tfjs 4.22's SeparableConv2D.getConfig() drops depthMultiplier, so a model with multiplier > 1
  // would reload with multiplier 1; put it back from the kernel shape.
  structured: producer('filters', true, {
    repairConfig: (config, node) => ({ ...config, depth_multiplier: multiplier(node) }),
  }),
};

/**
 * DepthwiseConv2D: kernel [kh, kw, in, m] has no single output axis — output channel c·m + j comes
 * from input channel c, so channels are indexed by axis 2 and the layer carries its input's
 * channels (multiplier 1) or repeats each m times. MACs = outH · outW · (in · m) · kh · kw.
 */
export const depthwiseConv2dSpec: LayerSpec = {
  format: 'layers',
  name: 'DepthwiseConv2D',
  params: { depthwise_kernel: { role: 'depthwiseKernel', inAxis: 2, prunable: true }, bias },
  macs: (ctx) => convMacs(ctx, 2, 'depthwise_kernel'),
  structured: {
    analyze(ctx) {
      const input = ctx.inputs[0];
      const output = isChannelsFirst(ctx.node.config) ? null : expandLayout(input, multiplier(ctx.node));
      if (!output || output.size !== ctx.outChannels) {
        const why = `'${ctx.node.name}' cannot carry its input channels (channels-first)`;
        ctx.freeze(input, why);
        return { output: ctx.fixed(ctx.outChannels, why) };
      }
      return { output, slices: paramSlices(ctx, { through: true }) };
    },
  },
};

/**
 * prunekit's fused conv layers (export/fused_conv_layers.ts) hold the stock layers' weights under
 * the same names and keep their config keys, so inspect, analysis and surgery treat them alike.
 */
export const fusedConv2dSpec: LayerSpec = { ...conv2dSpec, name: 'PrunekitFusedConv2D' };
/** As fusedConv2dSpec, for PrunekitFusedDepthwiseConv2D. */
export const fusedDepthwiseConv2dSpec: LayerSpec = {
  ...depthwiseConv2dSpec,
  name: 'PrunekitFusedDepthwiseConv2D',
};
