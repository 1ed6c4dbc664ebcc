import type { ChannelAxes, ParamInfo, ParamRole } from '@prunekit/core';
import { InvalidArgumentError } from '@prunekit/core';
import type { KerasLayerHandler, LayerContext, Shape } from '../layer_context.js';
import { layerWeights, paramId } from '../naming.js';

/** How one named weight of a layer class is described. */
export interface WeightRule {
  readonly role: ParamRole;
  readonly outAxis?: number;
  readonly inAxis?: number;
  readonly prunable?: boolean;
}

/** ParamInfo for every weight of the layer; weights the table does not know get role 'other'. */
export function paramsFrom(ctx: LayerContext, rules: Readonly<Record<string, WeightRule>>): ParamInfo[] {
  const out: ParamInfo[] = [];
  for (const [name, v] of layerWeights(ctx.layer)) {
    const rule = rules[name] ?? { role: 'other' as const };
    out.push({
      id: paramId(ctx.name, name),
      node: ctx.name,
      name,
      role: rule.role,
      shape: [...(v.shape as number[])],
      ...(rule.outAxis !== undefined ? { outAxis: rule.outAxis } : {}),
      ...(rule.inAxis !== undefined ? { inAxis: rule.inAxis } : {}),
      prunable: rule.prunable ?? false,
    });
  }
  return out;
}

/** Channel axes of every weight that has one, derived from the ParamInfo. */
export function channelsFrom(params: readonly ParamInfo[]): ChannelAxes {
  const out: Record<string, number> = {};
  const inn: Record<string, number> = {};
  for (const p of params) {
    if (p.outAxis !== undefined) out[p.name] = p.outAxis;
    if (p.inAxis !== undefined) inn[p.name] = p.inAxis;
  }
  return { out, in: inn };
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

/**
 * MACs of a convolution with `spatialRank` spatial axes: every output position applies the whole
 * kernel once (output positions × product of the kernel shape), channels first or last.
 */
export function convMacs(ctx: LayerContext, spatialRank: number, kernel: string): number {
  const from = channelsLast(ctx) ? 1 : 2;
  const positions = prodDims(ctx.outputShape, from, from + spatialRank, `${ctx.className} '${ctx.name}'`);
  return positions * product(weightShape(ctx, kernel));
}

/** A handler for a layer without weights whose MACs are counted as 0 (see README: weight MACs only). */
export function weightless(className: string): KerasLayerHandler {
  return {
    className,
    params: (ctx) => paramsFrom(ctx, {}),
    macs: () => 0,
    channels: () => ({}),
  };
}

/** Handler for a layer of a class prunekit does not know, kept as an opaque node. */
export function opaqueHandler(className: string): KerasLayerHandler {
  return {
    className,
    params: (ctx) => paramsFrom(ctx, {}),
    macs: () => 0,
  };
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
