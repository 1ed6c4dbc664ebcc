import type { GraphNode } from '@prunekit/core';
import {
  cfg,
  isChannelsFirst,
  type RuleContext,
  type RuleResult,
  type StructuredRule,
  type WeightSlice,
} from '../rule.js';

/**
 * Layers that make new channels from weights: their output channels are a fresh atom (removable),
 * their input channels are consumed along one kernel axis.
 */
function producer(
  className: string,
  countField: 'filters' | 'units',
  slices: (ctx: RuleContext) => WeightSlice[],
  spatial: boolean,
  extra: Partial<StructuredRule> = {},
): StructuredRule {
  return {
    ...extra,
    className,
    analyze(ctx: RuleContext): RuleResult {
      if (spatial && isChannelsFirst(ctx.node.config)) {
        ctx.freeze(ctx.inputs[0], `'${ctx.node.name}' is channels-first`);
        return { output: ctx.fixed(ctx.outChannels, `'${ctx.node.name}' is channels-first`) };
      }
      const output = ctx.produce(ctx.outChannels);
      // Softmax mixes the channels it normalises: removing one changes the others.
      if (cfg(ctx.node.config, 'activation') === 'softmax')
        ctx.freeze(output, `'${ctx.node.name}' ends in softmax`);
      return { output, slices: slices(ctx) };
    },
    editConfig: (config, sizes) => ({ ...config, [countField]: sizes.out }),
  };
}

const kernelBias = (inAxis: number, outAxis: number) => (): WeightSlice[] => [
  { weight: 'kernel', axis: inAxis, side: 'in' },
  { weight: 'kernel', axis: outAxis, side: 'out' },
  { weight: 'bias', axis: 0, side: 'out' },
];

/** Conv2D: kernel [kh, kw, in, out]. */
export const conv2dRule = producer('Conv2D', 'filters', kernelBias(2, 3), true);
/** Conv1D: kernel [k, in, out]. */
export const conv1dRule = producer('Conv1D', 'filters', kernelBias(1, 2), true);
/** Conv2DTranspose: kernel [kh, kw, out, in] — the axes are swapped relative to Conv2D. */
export const conv2dTransposeRule = producer('Conv2DTranspose', 'filters', kernelBias(3, 2), true);
/** Dense: kernel [in, units] on the last axis of any rank. */
export const denseRule = producer('Dense', 'units', kernelBias(0, 1), false);

/** Depth multiplier from the depthwise kernel [kh, kw, in, m] (the config may not hold it). */
function multiplier(node: GraphNode): number {
  const k = node.params.find((p) => p.name === 'depthwise_kernel');
  return k ? k.shape[3] : ((cfg<number>(node.config, 'depthMultiplier', 'depth_multiplier') ?? 1) as number);
}

/**
 * SeparableConv2D: depthwise kernel [kh, kw, in, m] then pointwise kernel [1, 1, in·m, out]; input
 * channel c feeds pointwise rows c·m … c·m+m−1.
 */
export const separableConv2dRule = producer(
  'SeparableConv2D',
  'filters',
  (ctx) => {
    const m = multiplier(ctx.node);
    return [
      { weight: 'depthwise_kernel', axis: 2, side: 'in' },
      { weight: 'pointwise_kernel', axis: 2, side: 'in', expand: m },
      { weight: 'pointwise_kernel', axis: 3, side: 'out' },
      { weight: 'bias', axis: 0, side: 'out' },
    ];
  },
  true,
  {
    // tfjs 4.22's SeparableConv2D.getConfig() drops depthMultiplier, so a model with multiplier > 1
    // would reload with multiplier 1; put it back from the kernel shape.
    repairConfig: (config, node) => ({ ...config, depth_multiplier: multiplier(node) }),
  },
);
