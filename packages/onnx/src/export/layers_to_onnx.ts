import { type GraphNode, type ModelGraph, PrunekitError } from '@prunekit/core';
import { onnx } from '../proto/onnx.js';
import { OnnxWriter, samePads, transposeValues } from './writer.js';

const T = onnx.TensorProto.DataType;

/** Options of `layersToOnnx`. */
export interface LayersToOnnxOptions {
  /** ONNX opset of the default domain (17 or later; default 17). */
  readonly opset?: number;
  /** Graph name written into the file (default the model's first input name). */
  readonly name?: string;
}

const pair = (v: unknown, d: number): [number, number] =>
  Array.isArray(v)
    ? [Number(v[0]), Number(v[1] ?? v[0])]
    : v === undefined || v === null
      ? [d, d]
      : [Number(v), Number(v)];

/** An NHWC axis of a rank-4 tensor as its NCHW axis (other ranks keep their axes). */
const nchwAxis = (axis: number, rank: number) => {
  const a = axis < 0 ? axis + rank : axis;
  return rank === 4 ? [0, 2, 3, 1][a] : a;
};

interface Ctx {
  readonly w: OnnxWriter;
  readonly graph: ModelGraph;
  readonly node: GraphNode;
  readonly x: readonly string[];
  readonly cfg: Readonly<Record<string, unknown>>;
  /** The ONNX output name this node's value must end up in. */
  readonly out: string;
}

const param = (ctx: Ctx, name: string): { values: Float32Array; shape: number[] } | undefined => {
  const p = ctx.node.params.find((q) => q.name === name);
  return p ? { values: ctx.graph.weights.values(p.id), shape: [...p.shape] } : undefined;
};

/**
 * A layer (or graph-model op) the ONNX exporter cannot write (E_UNSUPPORTED_LAYER), naming it and
 * its class.
 */
export class OnnxExportError extends PrunekitError {
  constructor(layer: string, className: string, why: string, what: 'layer' | 'op' = 'layer') {
    super(
      'E_UNSUPPORTED_LAYER',
      `ONNX export: ${what} '${layer}' (${className}): ${why}. Replace the ${what} in the model, or export the model with tfjs and convert it with another tool.`,
      { [what]: layer, className },
    );
  }
}

function refuse(ctx: Ctx, why: string): never {
  throw new OnnxExportError(ctx.node.name, ctx.node.className, why);
}

/** The activation of a layer config applied to `x`, ending in `out` (or a fresh name). */
function activation(ctx: Ctx, fn: string, x: string, out?: string): string {
  const w = ctx.w;
  const rank = ctx.node.outputShape.length;
  switch (fn) {
    case 'linear':
      return out ? w.node('Identity', [x], {}, out) : x;
    case 'relu':
      return w.node('Relu', [x], {}, out);
    case 'relu6':
      return w.node('Clip', [x, w.float('zero', [], [0]), w.float('six', [], [6])], {}, out);
    case 'sigmoid':
      return w.node('Sigmoid', [x], {}, out);
    case 'hardSigmoid':
      return w.node('HardSigmoid', [x], { alpha: { f: 0.2 }, beta: { f: 0.5 } }, out);
    case 'tanh':
      return w.node('Tanh', [x], {}, out);
    case 'elu':
      return w.node('Elu', [x], { alpha: { f: 1 } }, out);
    case 'selu':
      return w.node('Selu', [x], {}, out);
    case 'softplus':
      return w.node('Softplus', [x], {}, out);
    case 'softsign':
      return w.node('Softsign', [x], {}, out);
    case 'swish':
      return w.node('Mul', [x, w.node('Sigmoid', [x])], {}, out);
    case 'softmax':
      return w.node('Softmax', [x], { axis: rank === 4 ? 1 : -1 }, out);
    default:
      return refuse(ctx, `activation '${fn}' has no ONNX mapping here`);
  }
}

function checkChannelsLast(ctx: Ctx) {
  const f = ctx.cfg.dataFormat;
  if (f !== undefined && f !== 'channelsLast') refuse(ctx, 'channels-first layers are not exported');
}

function conv2d(ctx: Ctx, depthwise: boolean): string {
  checkChannelsLast(ctx);
  const w = ctx.w;
  const inShape = ctx.node.inputShapes[0] as number[];
  const [kh, kw] = pair(ctx.cfg.kernelSize, 1);
  const [sh, sw] = pair(ctx.cfg.strides, 1);
  const [dh, dw] = pair(ctx.cfg.dilationRate, 1);
  const pads =
    ctx.cfg.padding === 'same'
      ? (() => {
          const [hb, he] = samePads(inShape[1], kh, sh, dh);
          const [wb, we] = samePads(inShape[2], kw, sw, dw);
          return [hb, wb, he, we];
        })()
      : [0, 0, 0, 0];
  if (ctx.cfg.padding === 'causal') refuse(ctx, 'causal padding is not exported');
  const attrs = { kernel_shape: [kh, kw], strides: [sh, sw], dilations: [dh, dw], pads };
  const bias = param(ctx, 'bias');
  const kind = ctx.node.className;
  const fn = String(ctx.cfg.activation ?? 'linear');
  if (kind === 'Conv2D') {
    const k = param(ctx, 'kernel')!;
    const t = transposeValues(k.values, k.shape, [3, 2, 0, 1]); // [kh,kw,in,out] → [out,in,kh,kw]
    const inputs = [ctx.x[0], w.float(`${ctx.node.name}/W`, t.shape, t.values)];
    if (bias) inputs.push(w.float(`${ctx.node.name}/B`, bias.shape, bias.values));
    const y = w.node('Conv', inputs, attrs, fn === 'linear' ? ctx.out : undefined, ctx.node.name);
    return fn === 'linear' ? y : activation(ctx, fn, y, ctx.out);
  }
  // Depthwise (DepthwiseConv2D, and the first half of SeparableConv2D): [kh,kw,in,m] → [in·m,1,kh,kw].
  const dk = param(ctx, 'depthwise_kernel')!;
  const [, , cin, m] = dk.shape;
  const t = transposeValues(dk.values, dk.shape, [2, 3, 0, 1]);
  const dwInputs = [ctx.x[0], w.float(`${ctx.node.name}/W`, [cin * m, 1, kh, kw], t.values)];
  const separable = kind === 'SeparableConv2D';
  if (!separable && bias) dwInputs.push(w.float(`${ctx.node.name}/B`, bias.shape, bias.values));
  const last = !separable && fn === 'linear';
  let y = w.node('Conv', dwInputs, { ...attrs, group: cin }, last ? ctx.out : undefined, ctx.node.name);
  if (separable) {
    const pk = param(ctx, 'pointwise_kernel')!;
    const pt = transposeValues(pk.values, pk.shape, [3, 2, 0, 1]);
    const pwInputs = [y, w.float(`${ctx.node.name}/pointwise`, pt.shape, pt.values)];
    if (bias) pwInputs.push(w.float(`${ctx.node.name}/B`, bias.shape, bias.values));
    y = w.node(
      'Conv',
      pwInputs,
      { kernel_shape: [1, 1] },
      fn === 'linear' ? ctx.out : undefined,
      `${ctx.node.name}/pointwise`,
    );
    return fn === 'linear' ? y : activation(ctx, fn, y, ctx.out);
  }
  void depthwise;
  return last ? y : activation(ctx, fn, y, ctx.out);
}

/**
 * Conv2DTranspose (the gradient of a conv, as ONNX's ConvTranspose): kernel [kh, kw, out, in] →
 * W [in, out, kh, kw]; TensorFlow's output size (in·s for 'same', in·s + max(k − s, 0) for
 * 'valid') from pads and output_padding.
 */
function convTranspose(ctx: Ctx): string {
  checkChannelsLast(ctx);
  const w = ctx.w;
  const [kh, kw] = pair(ctx.cfg.kernelSize, 1);
  const [sh, sw] = pair(ctx.cfg.strides, 1);
  const [dh, dw] = pair(ctx.cfg.dilationRate, 1);
  if (dh !== 1 || dw !== 1) refuse(ctx, 'dilated transposed convolutions are not exported');
  const same = ctx.cfg.padding === 'same';
  const axis = (k: number, s: number) => {
    const total = same ? Math.max(k - s, 0) : 0;
    return { begin: Math.floor(total / 2), end: total - Math.floor(total / 2), extra: Math.max(s - k, 0) };
  };
  const ah = axis(kh, sh);
  const aw = axis(kw, sw);
  const k = param(ctx, 'kernel')!;
  const t = transposeValues(k.values, k.shape, [3, 2, 0, 1]);
  const bias = param(ctx, 'bias');
  const inputs = [ctx.x[0], w.float(`${ctx.node.name}/W`, t.shape, t.values)];
  if (bias) inputs.push(w.float(`${ctx.node.name}/B`, bias.shape, bias.values));
  const fn = String(ctx.cfg.activation ?? 'linear');
  const y = w.node(
    'ConvTranspose',
    inputs,
    {
      kernel_shape: [kh, kw],
      strides: [sh, sw],
      pads: [ah.begin, aw.begin, ah.end, aw.end],
      output_padding: [ah.extra, aw.extra],
    },
    fn === 'linear' ? ctx.out : undefined,
    ctx.node.name,
  );
  return fn === 'linear' ? y : activation(ctx, fn, y, ctx.out);
}

function pool(ctx: Ctx, op: 'MaxPool' | 'AveragePool'): string {
  checkChannelsLast(ctx);
  const inShape = ctx.node.inputShapes[0] as number[];
  const [kh, kw] = pair(ctx.cfg.poolSize, 2);
  const [sh, sw] = pair(ctx.cfg.strides ?? ctx.cfg.poolSize, 2);
  const pads =
    ctx.cfg.padding === 'same'
      ? (() => {
          const [hb, he] = samePads(inShape[1], kh, sh, 1);
          const [wb, we] = samePads(inShape[2], kw, sw, 1);
          return [hb, wb, he, we];
        })()
      : [0, 0, 0, 0];
  return ctx.w.node(
    op,
    [ctx.x[0]],
    {
      kernel_shape: [kh, kw],
      strides: [sh, sw],
      pads,
      ...(op === 'AveragePool' ? { count_include_pad: 0 } : {}),
    },
    ctx.out,
    ctx.node.name,
  );
}

const MERGE: Record<string, string> = {
  Add: 'Sum',
  Multiply: 'Mul',
  Subtract: 'Sub',
  Maximum: 'Max',
  Minimum: 'Min',
  Average: 'Mean',
};

/** The ONNX nodes of one Keras layer call; returns the name holding its output (`ctx.out`). */
function layer(ctx: Ctx): string {
  const w = ctx.w;
  const rank = ctx.node.outputShape.length;
  const name = ctx.node.name;
  switch (ctx.node.className) {
    case 'Conv2D':
      return conv2d(ctx, false);
    case 'DepthwiseConv2D':
    case 'SeparableConv2D':
      return conv2d(ctx, true);
    case 'Dense': {
      if ((ctx.node.inputShapes[0] ?? []).length !== 2)
        refuse(ctx, 'a Dense layer on a tensor of rank other than 2 is not exported');
      const k = param(ctx, 'kernel')!;
      const b = param(ctx, 'bias');
      const fn = String(ctx.cfg.activation ?? 'linear');
      const inputs = [ctx.x[0], w.float(`${name}/B`, k.shape, k.values)];
      if (b) inputs.push(w.float(`${name}/C`, b.shape, b.values));
      const y = w.node('Gemm', inputs, {}, fn === 'linear' ? ctx.out : undefined, name);
      return fn === 'linear' ? y : activation(ctx, fn, y, ctx.out);
    }
    case 'BatchNormalization': {
      const axis = Number(ctx.cfg.axis ?? -1);
      if (axis !== -1 && axis !== rank - 1)
        refuse(ctx, 'batch norm over an axis other than the channel axis is not exported');
      const c = ctx.node.outputShape[rank - 1] as number;
      const ones = new Float32Array(c).fill(1);
      const zeros = new Float32Array(c);
      const gamma = param(ctx, 'gamma')?.values ?? ones;
      const beta = param(ctx, 'beta')?.values ?? zeros;
      const mean = param(ctx, 'moving_mean')!.values;
      const variance = param(ctx, 'moving_variance')!.values;
      return w.node(
        'BatchNormalization',
        [
          ctx.x[0],
          w.float(`${name}/scale`, [c], gamma),
          w.float(`${name}/B`, [c], beta),
          w.float(`${name}/mean`, [c], mean),
          w.float(`${name}/var`, [c], variance),
        ],
        { epsilon: { f: Number(ctx.cfg.epsilon ?? 1e-3) } },
        ctx.out,
        name,
      );
    }
    case 'Activation':
      return activation(ctx, String(ctx.cfg.activation), ctx.x[0], ctx.out);
    case 'ReLU': {
      const max = ctx.cfg.maxValue;
      if (max === null || max === undefined) return w.node('Relu', [ctx.x[0]], {}, ctx.out, name);
      return w.node(
        'Clip',
        [ctx.x[0], w.float('zero', [], [0]), w.float('max', [], [Number(max)])],
        {},
        ctx.out,
        name,
      );
    }
    case 'LeakyReLU':
      return w.node('LeakyRelu', [ctx.x[0]], { alpha: { f: Number(ctx.cfg.alpha ?? 0.3) } }, ctx.out, name);
    case 'ELU':
      return w.node('Elu', [ctx.x[0]], { alpha: { f: Number(ctx.cfg.alpha ?? 1) } }, ctx.out, name);
    case 'PReLU': {
      const a = param(ctx, 'alpha')!;
      // alpha is [H, W, C] (or with shared axes of size 1): NCHW wants [C, H, W].
      const t = a.shape.length === 3 ? transposeValues(a.values, a.shape, [2, 0, 1]) : a;
      return w.node('PRelu', [ctx.x[0], w.float(`${name}/slope`, t.shape, t.values)], {}, ctx.out, name);
    }
    case 'Dropout':
    case 'SpatialDropout2D':
    case 'GaussianNoise':
    case 'GaussianDropout':
    case 'AlphaDropout':
      return w.node('Identity', [ctx.x[0]], {}, ctx.out, name);
    case 'Add':
    case 'Multiply':
    case 'Subtract':
    case 'Maximum':
    case 'Minimum':
    case 'Average':
      return w.node(MERGE[ctx.node.className], [...ctx.x], {}, ctx.out, name);
    case 'Concatenate':
      return w.node(
        'Concat',
        [...ctx.x],
        { axis: nchwAxis(Number(ctx.cfg.axis ?? -1), rank) },
        ctx.out,
        name,
      );
    case 'Conv2DTranspose':
      return convTranspose(ctx);
    case 'Cropping2D': {
      const [[t, b], [l, r]] = ctx.cfg.cropping as number[][];
      const [, h, wd] = ctx.node.inputShapes[0] as number[];
      return w.node(
        'Slice',
        [
          ctx.x[0],
          w.ints(`${name}/starts`, [t, l]),
          w.ints(`${name}/ends`, [h - b, wd - r]),
          w.ints(`${name}/axes`, [2, 3]),
        ],
        {},
        ctx.out,
        name,
      );
    }
    case 'MaxPooling2D':
      return pool(ctx, 'MaxPool');
    case 'AveragePooling2D':
      return pool(ctx, 'AveragePool');
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      checkChannelsLast(ctx);
      const op = ctx.node.className === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool';
      const g = w.node(op, [ctx.x[0]], {}, ctx.cfg.keepDims ? ctx.out : undefined, name);
      return ctx.cfg.keepDims ? g : w.node('Flatten', [g], { axis: 1 }, ctx.out);
    }
    case 'Flatten': {
      const inRank = (ctx.node.inputShapes[0] ?? []).length;
      // Keras flattens in H, W, C order: back to NHWC first.
      const x = inRank === 4 ? w.node('Transpose', [ctx.x[0]], { perm: [0, 2, 3, 1] }) : ctx.x[0];
      return w.node('Flatten', [x], { axis: 1 }, ctx.out, name);
    }
    case 'Reshape': {
      const inRank = (ctx.node.inputShapes[0] ?? []).length;
      const x = inRank === 4 ? w.node('Transpose', [ctx.x[0]], { perm: [0, 2, 3, 1] }) : ctx.x[0];
      const target = [0, ...(ctx.node.outputShape.slice(1) as number[])];
      if (rank !== 4) return w.node('Reshape', [x, w.ints(`${name}/shape`, target)], {}, ctx.out, name);
      const r = w.node('Reshape', [x, w.ints(`${name}/shape`, target)], {}, undefined, name);
      return w.node('Transpose', [r], { perm: [0, 3, 1, 2] }, ctx.out);
    }
    case 'ZeroPadding2D': {
      const p = ctx.cfg.padding as number[][];
      const [[t, b], [l, r]] = p;
      return w.node(
        'Pad',
        [ctx.x[0], w.ints(`${name}/pads`, [0, 0, t, l, 0, 0, b, r])],
        { mode: 'constant' },
        ctx.out,
        name,
      );
    }
    case 'UpSampling2D': {
      const [sh, sw] = pair(ctx.cfg.size, 2);
      if ((ctx.cfg.interpolation ?? 'nearest') !== 'nearest')
        refuse(ctx, 'bilinear up-sampling is not exported yet');
      return w.node(
        'Resize',
        [ctx.x[0], '', w.float(`${name}/scales`, [4], [1, 1, sh, sw])],
        { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' },
        ctx.out,
        name,
      );
    }
    default:
      return refuse(ctx, 'prunekit has no ONNX mapping for this layer class');
  }
}

/**
 * A LayersModel (through its prunekit ModelGraph, so pruned and masked models export alike) as an
 * ONNX model: one or a few ONNX nodes per Keras layer, weights as float32 initializers moved to
 * ONNX's layouts (Conv W [out, in, kh, kw], depthwise [in·m, 1, kh, kw], PReLU slopes [C, H, W]).
 * Activations run NCHW inside: 4-D inputs and outputs of the file are NCHW ([N, C, H, W]),
 * Flatten and Reshape go through NHWC so their element order is Keras's. A layer without a
 * mapping throws UnsupportedLayerError naming it.
 */
export function layersToOnnx(graph: ModelGraph, opts: LayersToOnnxOptions = {}): Uint8Array {
  const w = new OnnxWriter();
  const opset = opts.opset ?? 17;
  const names = new Map<string, string>();
  const inputs: ReturnType<typeof onnx.ValueInfoProto.create>[] = [];
  const dims = (shape: readonly (number | null)[]) => {
    const s = shape.length === 4 ? [shape[0], shape[3], shape[1], shape[2]] : shape;
    return s.map((d, i) =>
      d === null || d === undefined ? (i === 0 ? { dimParam: 'N' } : { dimParam: `d${i}` }) : { dimValue: d },
    );
  };
  const outputs = new Set(graph.outputs);
  for (const node of graph.nodes) {
    if (node.className === 'InputLayer') {
      names.set(node.name, node.name);
      inputs.push(
        onnx.ValueInfoProto.create({
          name: node.name,
          type: { tensorType: { elemType: T.FLOAT, shape: { dim: dims(node.outputShape) } } },
        }),
      );
      continue;
    }
    const out = outputs.has(node.name) ? node.name : w.fresh(node.name);
    const ctx: Ctx = { w, graph, node, x: node.inputs.map((i) => names.get(i)!), cfg: node.config, out };
    const y = layer(ctx);
    names.set(node.name, y === out ? out : w.node('Identity', [y], {}, out));
  }
  return w.encode({
    name: opts.name ?? graph.inputs[0] ?? 'prunekit',
    opset,
    inputs,
    outputs: graph.outputs.map((o) => ({
      name: o,
      type: { tensorType: { elemType: T.FLOAT, shape: { dim: dims(graph.node(o).outputShape) } } },
    })),
  });
}
