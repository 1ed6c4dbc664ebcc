import {
  cfg,
  channelAxes,
  InvalidArgumentError,
  isChannelsFirst,
  type NodeSpec,
  type ParamInfo,
  type ParamTable,
  paramSlices,
  type RuleContext,
  type RuleResult,
  type StructuredRule,
  type WeightSlice,
} from '@prunekit/core';
import type { LayerContext, Shape } from '../layer_context.js';
import { layerWeights, paramId } from '../naming.js';

/** Everything prunekit knows about one Keras layer class (see NodeSpec in @prunekit/core). */
export interface LayerSpec extends NodeSpec<LayerContext> {
  readonly format: 'layers';
}

/** ParamInfo for every weight of the layer; weights the table does not know get role 'other'. */
export function paramsFrom(ctx: LayerContext, table: ParamTable): ParamInfo[] {
  const out: ParamInfo[] = [];
  for (const [name, v] of layerWeights(ctx.layer)) {
    const spec = table[name] ?? { role: 'other' as const };
    out.push({
      id: paramId(ctx.name, name),
      node: ctx.name,
      name,
      role: spec.role,
      shape: [...(v.shape as number[])],
      ...channelAxes(spec),
      prunable: spec.prunable ?? false,
    });
  }
  return out;
}

/** Product of the known dims of a shape from `from` to `to` (exclusive); null dims are refused. */
export function prodDims(shape: Shape, from: number, to: number, where: string): number {
  let n = 1;
  for (let i = from; i < to; i++) {
    const d = shape[i];
    if (d === null || d === undefined) {
      throw new InvalidArgumentError(
        `${where}: dimension ${i} of shape [${shape.map(String)}] is unknown; MACs need a fixed input size. ` +
          `Build the model with a full inputShape.`,
        { shape: [...shape], where },
      );
    }
    n *= d;
  }
  return n;
}

/** Whether a conv layer keeps channels last (the Keras default). */
export function channelsLast(ctx: LayerContext): boolean {
  return ctx.config.dataFormat !== 'channelsFirst';
}

/** Spatial positions of a shape (all axes but batch and channels). */
export function spatialOf(ctx: LayerContext, shape: Shape): number {
  return channelsLast(ctx)
    ? prodDims(shape, 1, shape.length - 1, `${ctx.className} '${ctx.name}'`)
    : prodDims(shape, 2, shape.length, `${ctx.className} '${ctx.name}'`);
}

/** Shape of the layer's weight `name` ('kernel', 'depthwise_kernel', …), or [] when it has none. */
export function weightShape(ctx: LayerContext, name: string): number[] {
  const v = layerWeights(ctx.layer).get(name);
  return v ? [...(v.shape as number[])] : [];
}

/** Product of the entries of a fully known shape. */
export function product(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}

/**
 * MACs of a convolution with `spatialRank` spatial axes: every output position applies the whole
 * kernel once (output positions × product of the kernel shape), channels first or last.
 */
export function convMacs(ctx: LayerContext, spatialRank: number, kernel: string): number {
  const from = channelsLast(ctx) ? 1 : 2;
  const positions = prodDims(ctx.outputShape, from, from + spatialRank, `${ctx.className} '${ctx.name}'`);
  return positions * product(weightShape(ctx, kernel));
}

/** Element operations are not counted as MACs (see README: weight MACs only). */
export const noMacs = (): number => 0;

/** A spec for a layer without weights and 0 MACs. */
export function weightless(name: string, structured: StructuredRule): LayerSpec {
  return { format: 'layers', name, params: {}, macs: noMacs, structured };
}

// ---- structured rules shared by several families ----

/** Output channels = input channels, one to one; `slices` are per-channel weights carried along. */
export function carry(ctx: RuleContext, slices: readonly WeightSlice[] = []): RuleResult {
  const input = ctx.inputs[0];
  if (input.size !== ctx.outChannels || isChannelsFirst(ctx.node.config)) {
    const why = `'${ctx.node.name}' changes or moves the channel axis`;
    ctx.freeze(input, why);
    return { output: ctx.fixed(ctx.outChannels, why) };
  }
  return { output: input, slices };
}

/** Input channels leave as they came but are mixed (normalised together): nothing may be removed. */
export function mixes(ctx: RuleContext, why: string): RuleResult {
  ctx.freeze(ctx.inputs[0], `'${ctx.node.name}' ${why}`);
  return { output: ctx.inputs[0].size === ctx.outChannels ? ctx.inputs[0] : ctx.fixed(ctx.outChannels, why) };
}

/** A layer that acts on each channel alone and has no per-channel weights. */
export const passThrough: StructuredRule = { analyze: (ctx) => carry(ctx) };

/** Whether `axis` (a number, a list, or undefined = -1) names the last axis of the node's output. */
export function isLastAxis(ctx: RuleContext, axis: unknown): boolean {
  const rank = ctx.node.outputShape.length;
  const list = Array.isArray(axis) ? axis : [axis ?? -1];
  return list.some((a) => a === -1 || a === rank - 1);
}

/**
 * Layers that make new channels from weights: their output channels are a fresh atom (removable),
 * their input channels are consumed along the kernel's inAxis (both read from the spec's params).
 * `countField` is the config field holding the output channel count.
 */
export function producer(
  countField: 'filters' | 'units',
  spatial: boolean,
  extra: Pick<StructuredRule, 'repairConfig'> = {},
): StructuredRule {
  return {
    ...extra,
    analyze(ctx: RuleContext): RuleResult {
      if (spatial && isChannelsFirst(ctx.node.config)) {
        ctx.freeze(ctx.inputs[0], `'${ctx.node.name}' is channels-first`);
        return { output: ctx.fixed(ctx.outChannels, `'${ctx.node.name}' is channels-first`) };
      }
      const output = ctx.produce(ctx.outChannels);
      // Softmax mixes the channels it normalises: removing one changes the others.
      if (cfg(ctx.node.config, 'activation') === 'softmax')
        ctx.freeze(output, `'${ctx.node.name}' ends in softmax`);
      return { output, slices: paramSlices(ctx) };
    },
    editConfig: (config, sizes) => ({ ...config, [countField]: sizes.out }),
  };
}
