import type { GraphNode } from '@prunekit/core';
import { expandLayout, type RuleContext, type RuleResult } from '@prunekit/core';
import {
  channelsLast,
  freezeAll,
  lastDim,
  type OpConfig,
  type OpParam,
  type OpFamily,
  opConfig,
  slotLayout,
} from './spec.js';

/** The fused ops of _FusedConv2D / FusedDepthwiseConv2dNative / _FusedMatMul, lower-cased. */
export function fusedOps(cfg: OpConfig): string[] {
  const f = cfg.attrs.fused_ops;
  return Array.isArray(f) ? f.map((s) => String(s).toLowerCase()) : [];
}

/**
 * The extra arguments after the first two inputs, in the order the converter writes them:
 * BiasAdd → bias; FusedBatchNorm → scale, offset, mean, variance; then Prelu → alpha. Each is
 * indexed by output channel along its last axis.
 */
export function fusedArgs(cfg: OpConfig, first: number): OpParam[] {
  const ops = fusedOps(cfg);
  const names: [string, OpParam['role']][] = [];
  if (ops.includes('biasadd')) names.push(['bias', 'bias']);
  if (ops.includes('fusedbatchnorm')) {
    names.push(
      ['scale', 'gamma'],
      ['offset', 'beta'],
      ['mean', 'movingMean'],
      ['variance', 'movingVariance'],
    );
  }
  if (ops.includes('prelu')) names.push(['alpha', 'alpha']);
  return names.map(([name, role], i) => {
    const s = cfg.slots[first + i];
    const rank = s?.kind === 'const' ? s.shape.length : 1;
    return { slot: first + i, name, role, outAxis: Math.max(0, rank - 1) };
  });
}

/** Slices of the fused extra arguments (all along the output channels). */
function argSlices(cfg: OpConfig, first: number, role: 'out' | 'through') {
  return fusedArgs(cfg, first)
    .filter((p) => {
      const s = cfg.slots[p.slot];
      return s?.kind === 'const' && s.shape.length > 0 && s.shape[s.shape.length - 1] > 1;
    })
    .map((p) => ({ weight: p.name, axis: p.outAxis ?? 0, side: 'out' as const, role }));
}

function filterConst(ctx: RuleContext): boolean {
  return opConfig(ctx.node).slots[1]?.kind === 'const';
}

function spatialOut(node: GraphNode): number {
  const s = node.outputShape;
  let p = 1;
  for (let i = 1; i < s.length - 1; i++) p *= s[i] ?? 1;
  return p;
}

function filterShape(node: GraphNode): readonly number[] {
  const s = opConfig(node).slots[1];
  return s?.kind === 'const' ? s.shape : [];
}

function convAnalyze(ctx: RuleContext): RuleResult {
  if (!channelsLast(ctx.node)) return freezeAll(ctx, 'is channels-first');
  if (!filterConst(ctx)) return freezeAll(ctx, 'takes its filter from a computed tensor, not a constant');
  const cfg = opConfig(ctx.node);
  const output = ctx.produce(ctx.outChannels);
  return {
    output,
    slices: [
      { weight: 'filter', axis: 2, side: 'in' },
      { weight: 'filter', axis: 3, side: 'out' },
      ...argSlices(cfg, 2, 'out'),
    ],
  };
}

function depthwiseAnalyze(ctx: RuleContext): RuleResult {
  if (!channelsLast(ctx.node)) return freezeAll(ctx, 'is channels-first');
  if (!filterConst(ctx)) return freezeAll(ctx, 'takes its filter from a computed tensor, not a constant');
  const m = filterShape(ctx.node)[3] ?? 1;
  const input = slotLayout(ctx, 0)!;
  const output = expandLayout(input, m);
  if (output.size !== ctx.outChannels)
    return freezeAll(ctx, 'has an output channel count that does not match in × multiplier');
  return {
    output,
    slices: [
      { weight: 'filter', axis: 2, side: 'in', role: 'through' },
      ...argSlices(opConfig(ctx.node), 2, 'through'),
    ],
  };
}

const filterParam = (depthwise: boolean): OpParam =>
  depthwise
    ? { slot: 1, name: 'filter', role: 'depthwiseKernel', inAxis: 2, prunable: true }
    : { slot: 1, name: 'filter', role: 'kernel', inAxis: 2, outAxis: 3, prunable: true };

/** Conv2D: filter [kh, kw, in, out]; _FusedConv2D adds bias / batch-norm args / prelu alpha. */
export const conv2dSpec: OpFamily = {
  ops: ['Conv2D', '_FusedConv2D'],
  params: (cfg) => [filterParam(false), ...fusedArgs(cfg, 2)],
  macs(node) {
    const [kh, kw, cin, cout] = filterShape(node);
    return spatialOut(node) * (kh ?? 0) * (kw ?? 0) * (cin ?? 0) * (cout ?? lastDim(node.outputShape));
  },
  analyze: convAnalyze,
};

/** DepthwiseConv2dNative: filter [kh, kw, in, m]; output channel c·m + j comes from input channel c. */
export const depthwiseSpec: OpFamily = {
  ops: ['DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative'],
  params: (cfg) => [filterParam(true), ...fusedArgs(cfg, 2)],
  macs(node) {
    const [kh, kw] = filterShape(node);
    return spatialOut(node) * (kh ?? 0) * (kw ?? 0) * lastDim(node.outputShape);
  },
  analyze: depthwiseAnalyze,
};
