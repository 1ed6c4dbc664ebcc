import {
  channelsFrom,
  channelsLast,
  paramsFrom,
  prodDims,
  product,
  weightless,
  weightShape,
  type WeightRule,
} from '../handlers/common.js';
import type { KerasLayerHandler, LayerContext } from '../layer_context.js';
import { getLayerHandler, registerLayerHandler } from '../registry.js';

// Graph handlers (params, MACs) for classes structured pruning supports that the base registry
// may not list. They are registered only where no handler exists, so the base package wins.

function spatialOf(ctx: LayerContext, shape: readonly (number | null)[]): number {
  return channelsLast(ctx)
    ? prodDims(shape, 1, shape.length - 1, `${ctx.className} '${ctx.name}'`)
    : prodDims(shape, 2, shape.length, `${ctx.className} '${ctx.name}'`);
}

function withRules(
  className: string,
  rules: Record<string, WeightRule>,
  macs: (ctx: LayerContext) => number,
): KerasLayerHandler {
  return {
    className,
    params: (ctx) => paramsFrom(ctx, rules),
    macs,
    channels: (ctx) => channelsFrom(paramsFrom(ctx, rules)),
  };
}

/** SeparableConv2D: depthwise [kh, kw, in, m] at the output resolution, then pointwise [1, 1, in·m, out]. */
const separableConv2d = withRules(
  'SeparableConv2D',
  {
    depthwise_kernel: { role: 'depthwiseKernel', inAxis: 2, prunable: true },
    pointwise_kernel: { role: 'pointwiseKernel', inAxis: 2, outAxis: 3, prunable: true },
    bias: { role: 'bias', outAxis: 0 },
  },
  (ctx) =>
    spatialOf(ctx, ctx.outputShape) *
    (product(weightShape(ctx, 'depthwise_kernel')) + product(weightShape(ctx, 'pointwise_kernel'))),
);

/** Conv2DTranspose: kernel [kh, kw, out, in]; every input position scatters one kernel. */
const conv2dTranspose = withRules(
  'Conv2DTranspose',
  { kernel: { role: 'kernel', inAxis: 3, outAxis: 2, prunable: true }, bias: { role: 'bias', outAxis: 0 } },
  (ctx) => spatialOf(ctx, ctx.inputShapes[0]) * product(weightShape(ctx, 'kernel')),
);

const layerNormalization = withRules(
  'LayerNormalization',
  { gamma: { role: 'gamma' }, beta: { role: 'beta' } },
  () => 0,
);
const prelu = withRules('PReLU', { alpha: { role: 'alpha' } }, () => 0);

export const structuredExtraHandlers: readonly KerasLayerHandler[] = [
  separableConv2d,
  conv2dTranspose,
  layerNormalization,
  prelu,
  ...[
    'UpSampling2D',
    'Cropping2D',
    'Subtract',
    'Maximum',
    'Minimum',
    'ELU',
    'ThresholdedReLU',
    'SpatialDropout2D',
    'GaussianNoise',
    'GaussianDropout',
  ].map(weightless),
];

/** Registers the handlers above for every class that has none yet. */
export function registerStructuredExtraHandlers(): void {
  for (const h of structuredExtraHandlers) if (!getLayerHandler(h.className)) registerLayerHandler(h);
}
