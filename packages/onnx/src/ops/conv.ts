import { expandLayout, type GraphNode, type RuleContext, type RuleResult } from '@prunekit/core';
import {
  freezeAll,
  intAttr,
  intsAttr,
  need,
  type OnnxOpConfig,
  type OnnxOpFamily,
  type OnnxParam,
  opConfig,
  product,
  type ShapeContext,
  shapeError,
  slotLayout,
} from './spec.js';

const weightShape = (node: GraphNode): readonly number[] => {
  const s = opConfig(node).slots[1];
  return s?.kind === 'const' ? s.shape : [];
};

/** 'regular' (group 1), 'depthwise' (group = input channels, output = input · multiplier) or 'grouped'. */
export function convKind(cfg: OnnxOpConfig, inChannels: number): 'regular' | 'depthwise' | 'grouped' {
  const g = intAttr(cfg, 'group', 1);
  if (g === 1) return 'regular';
  return g === inChannels ? 'depthwise' : 'grouped';
}

/** Output spatial sizes of a windowed op (Conv, MaxPool, AveragePool) from ONNX's attributes. */
export function windowShape(ctx: ShapeContext, kernel: readonly number[], outChannels: number): number[] {
  const x = need(ctx, 0);
  const n = x.length - 2;
  const cfg = ctx.cfg;
  const strides = intsAttr(cfg, 'strides') ?? Array(n).fill(1);
  const dil = intsAttr(cfg, 'dilations') ?? Array(n).fill(1);
  const pads = intsAttr(cfg, 'pads') ?? Array(2 * n).fill(0);
  const auto = String(cfg.attrs.auto_pad ?? 'NOTSET');
  const ceil = intAttr(cfg, 'ceil_mode', 0) === 1;
  const out = [x[0], outChannels];
  for (let i = 0; i < n; i++) {
    const size = x[2 + i];
    const k = (kernel[i] - 1) * dil[i] + 1;
    let o: number;
    if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') o = Math.ceil(size / strides[i]);
    else if (auto === 'VALID') o = Math.ceil((size - k + 1) / strides[i]);
    else {
      const span = size + pads[i] + pads[n + i] - k;
      o = (ceil ? Math.ceil(span / strides[i]) : Math.floor(span / strides[i])) + 1;
      // ceil_mode drops a last window that would start inside the end padding.
      if (ceil && (o - 1) * strides[i] >= size + pads[i]) o--;
    }
    if (!(o > 0)) throw shapeError(ctx, `window ${k} does not fit input size ${size}`);
    out.push(o);
  }
  return out;
}

function conv(ctx: RuleContext): RuleResult {
  const cfg = opConfig(ctx.node);
  if (cfg.slots[1]?.kind !== 'const')
    return freezeAll(ctx, 'takes its weights from a computed tensor, not an initializer');
  const input = slotLayout(ctx, 0);
  if (!input) return freezeAll(ctx, 'convolves an initializer');
  const hasBias = cfg.slots[2]?.kind === 'const';
  const kind = convKind(cfg, input.size);
  if (kind === 'grouped')
    return freezeAll(
      ctx,
      `is a grouped convolution (group ${intAttr(cfg, 'group', 1)}): its channels are coupled per group`,
    );
  if (kind === 'regular') {
    return {
      output: ctx.produce(ctx.outChannels),
      slices: [
        { weight: 'W', axis: 1, side: 'in' },
        { weight: 'W', axis: 0, side: 'out' },
        ...(hasBias ? [{ weight: 'B', axis: 0, side: 'out' as const }] : []),
      ],
    };
  }
  // Depthwise: output channel c·m + j reads input channel c; W [C·m, 1, kh, kw].
  const m = ctx.outChannels / input.size;
  if (!Number.isInteger(m))
    return freezeAll(ctx, 'has an output channel count that is not a multiple of its groups');
  const output = expandLayout(input, m);
  return {
    output,
    slices: [
      { weight: 'W', axis: 0, side: 'out', role: 'through' },
      ...(hasBias ? [{ weight: 'B', axis: 0, side: 'out' as const, role: 'through' as const }] : []),
    ],
  };
}

/** Conv: W [M, C/group, k…], optional B [M]; group 1 (regular) and group = C (depthwise) are prunable. */
export const convSpec: OnnxOpFamily = {
  ops: ['Conv'],
  params(cfg) {
    const depthwise = intAttr(cfg, 'group', 1) > 1;
    const w: OnnxParam = depthwise
      ? { slot: 1, name: 'W', role: 'depthwiseKernel', outAxis: 0, prunable: true }
      : { slot: 1, name: 'W', role: 'kernel', inAxis: 1, outAxis: 0, prunable: true };
    return cfg.slots[2]?.kind === 'const' ? [w, { slot: 2, name: 'B', role: 'bias', outAxis: 0 }] : [w];
  },
  macs(node) {
    const w = weightShape(node);
    return product(node.outputShape.slice(1).map((d) => d ?? 1)) * product(w.slice(1));
  },
  analyze: conv,
  editAttrs(node, sizes) {
    const g = intAttr(opConfig(node), 'group', 1);
    return g > 1 && sizes.in[0] !== g ? { group: sizes.in[0] } : undefined;
  },
  infer(ctx) {
    const w = need(ctx, 1);
    const kernel = intsAttr(ctx.cfg, 'kernel_shape') ?? w.slice(2);
    return [windowShape(ctx, kernel, w[0])];
  },
};
