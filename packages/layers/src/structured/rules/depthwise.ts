import { expandLayout } from '../layout.js';
import { cfg, isChannelsFirst, type StructuredRule } from '../rule.js';

/**
 * DepthwiseConv2D: kernel [kh, kw, in, m]; output channel c·m + j comes from input channel c, so
 * the layer carries its input's channels (multiplier 1) or repeats each m times (multiplier m).
 */
export const depthwiseConv2dRule: StructuredRule = {
  className: 'DepthwiseConv2D',
  analyze(ctx) {
    const k = ctx.node.params.find((p) => p.name === 'depthwise_kernel');
    const m = k
      ? k.shape[3]
      : ((cfg<number>(ctx.node.config, 'depthMultiplier', 'depth_multiplier') ?? 1) as number);
    const input = ctx.inputs[0];
    const output = isChannelsFirst(ctx.node.config) ? null : expandLayout(input, m);
    if (!output || output.size !== ctx.outChannels) {
      const why = `'${ctx.node.name}' cannot carry its input channels (channels-first)`;
      ctx.freeze(input, why);
      return { output: ctx.fixed(ctx.outChannels, why) };
    }
    return {
      output,
      slices: [
        { weight: 'depthwise_kernel', axis: 2, side: 'in', role: 'through' },
        { weight: 'bias', axis: 0, side: 'out', role: 'through' },
      ],
    };
  },
};
