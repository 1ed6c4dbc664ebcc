import type { RuleContext, RuleResult } from '@prunekit/core';
import {
  broadcast,
  freezeAll,
  intAttr,
  need,
  type OnnxOpFamily,
  type OnnxParam,
  opConfig,
  shapeError,
} from './spec.js';

/** Gemm: Y = A·B + C with A [M, K] (transA), B [K, N] or [N, K] (transB), C broadcast to [M, N]. */
export const gemmSpec: OnnxOpFamily = {
  ops: ['Gemm'],
  params(cfg) {
    const tb = intAttr(cfg, 'transB', 0) === 1;
    const out: OnnxParam[] = [];
    if (cfg.slots[1]?.kind === 'const')
      out.push({
        slot: 1,
        name: 'B',
        role: 'kernel',
        inAxis: tb ? 1 : 0,
        outAxis: tb ? 0 : 1,
        prunable: true,
      });
    const c = cfg.slots[2];
    if (c?.kind === 'const') {
      const rank = c.shape.length;
      const last = c.shape[rank - 1] ?? 1;
      out.push({ slot: 2, name: 'C', role: 'bias', ...(rank > 0 && last > 1 ? { outAxis: rank - 1 } : {}) });
    }
    return out;
  },
  macs(node) {
    const b = opConfig(node).slots[1];
    const [k, n] = b?.kind === 'const' ? b.shape : [0, 0];
    return (node.outputShape[0] ?? 1) * k * n;
  },
  analyze(ctx: RuleContext): RuleResult {
    const cfg = opConfig(ctx.node);
    if (cfg.slots[1]?.kind !== 'const')
      return freezeAll(ctx, 'multiplies by a computed tensor, not an initializer');
    if (cfg.slots[0]?.kind !== 'tensor') return freezeAll(ctx, 'multiplies an initializer');
    if (intAttr(cfg, 'transA', 0) === 1)
      return freezeAll(ctx, 'transposes its input (transA), moving the channel axis');
    const tb = intAttr(cfg, 'transB', 0) === 1;
    const c = cfg.slots[2];
    const cRank = c?.kind === 'const' ? c.shape.length : 0;
    const cLast = c?.kind === 'const' ? (c.shape[cRank - 1] ?? 1) : 1;
    if (c?.kind === 'const' && cRank === 2 && c.shape[0] > 1)
      return freezeAll(ctx, 'adds a bias that varies along the batch axis');
    return {
      output: ctx.produce(ctx.outChannels),
      slices: [
        { weight: 'B', axis: tb ? 1 : 0, side: 'in' },
        { weight: 'B', axis: tb ? 0 : 1, side: 'out' },
        ...(c?.kind === 'const' && cLast > 1 ? [{ weight: 'C', axis: cRank - 1, side: 'out' as const }] : []),
      ],
    };
  },
  infer(ctx) {
    const a = need(ctx, 0);
    const b = need(ctx, 1);
    const m = intAttr(ctx.cfg, 'transA', 0) === 1 ? a[1] : a[0];
    const n = intAttr(ctx.cfg, 'transB', 0) === 1 ? b[0] : b[1];
    return [[m, n]];
  },
};

/** MatMul: prunable when a rank-2 computed tensor [N, K] meets a rank-2 initializer [K, M]. */
export const matMulSpec: OnnxOpFamily = {
  ops: ['MatMul'],
  params(cfg) {
    const b = cfg.slots[1];
    return b?.kind === 'const' && b.shape.length === 2
      ? [{ slot: 1, name: 'B', role: 'kernel', inAxis: 0, outAxis: 1, prunable: true }]
      : [];
  },
  macs(node) {
    const b = opConfig(node).slots[1];
    const [k, n] = b?.kind === 'const' && b.shape.length === 2 ? b.shape : [0, 0];
    return (node.outputShape[0] ?? 1) * k * n;
  },
  analyze(ctx) {
    const cfg = opConfig(ctx.node);
    const b = cfg.slots[1];
    if (b?.kind !== 'const') return freezeAll(ctx, 'multiplies two computed tensors');
    if (
      cfg.slots[0]?.kind !== 'tensor' ||
      (ctx.node.inputShapes[0] ?? []).length !== 2 ||
      b.shape.length !== 2
    )
      return freezeAll(
        ctx,
        'is not a rank-2 tensor times a rank-2 initializer (batched MatMul moves the channel axis)',
      );
    return {
      output: ctx.produce(ctx.outChannels),
      slices: [
        { weight: 'B', axis: 0, side: 'in' },
        { weight: 'B', axis: 1, side: 'out' },
      ],
    };
  },
  infer(ctx) {
    const a = need(ctx, 0);
    const b = need(ctx, 1);
    if (a.length < 1 || b.length < 1) throw shapeError(ctx, 'MatMul of a scalar');
    const a2 = a.length === 1 ? [1, a[0]] : a;
    const b2 = b.length === 1 ? [b[0], 1] : b;
    if (a2[a2.length - 1] !== b2[b2.length - 2])
      throw shapeError(ctx, `inner sizes ${a2[a2.length - 1]} and ${b2[b2.length - 2]} differ`);
    const batch = broadcast(ctx, [a2.slice(0, -2), b2.slice(0, -2)]);
    const out = [...batch, a2[a2.length - 2], b2[b2.length - 1]];
    if (a.length === 1) out.splice(out.length - 2, 1);
    if (b.length === 1) out.pop();
    return [out];
  },
};
