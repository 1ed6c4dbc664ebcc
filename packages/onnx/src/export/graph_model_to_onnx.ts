import { float16Array } from '@prunekit/compress';
import type { GraphNode } from '@prunekit/core';
import type { GraphModelGraph, OpConfig, Quantization, Slot } from '@prunekit/graph-model';
import { type AttrValue, onnx } from '../proto/onnx.js';
import { OnnxExportError } from './layers_to_onnx.js';
import { OnnxWriter, samePads, transposeValues } from './writer.js';

const T = onnx.TensorProto.DataType;

/** Options of `graphModelToOnnx`. */
export interface GraphModelToOnnxOptions {
  /** ONNX opset of the default domain (17 or later; default 17). */
  readonly opset?: number;
  /** Graph name written into the file (default the model's first input name). */
  readonly name?: string;
  /**
   * How float weights are stored: as the graph model stored them ('keep', the default: float16
   * weights as FLOAT16 initializers and uint8/uint16-quantized ones as their codes, each decoded to
   * float by a Cast (and Mul/Add) node, so the file stays as small as the input), or all float32.
   */
  readonly weights?: 'keep' | 'float32';
}

/** TensorFlow dtypes (attribute spelling and manifest spelling) → ONNX element types. */
const DTYPES: Readonly<Record<string, number>> = {
  DT_FLOAT: T.FLOAT,
  DT_HALF: T.FLOAT16,
  DT_DOUBLE: T.DOUBLE,
  DT_INT32: T.INT32,
  DT_INT64: T.INT64,
  DT_UINT8: T.UINT8,
  DT_INT8: T.INT8,
  DT_BOOL: T.BOOL,
  float32: T.FLOAT,
  int32: T.INT32,
  bool: T.BOOL,
};

/** Slice bounds that mean "to the end" (ORT clamps them). */
const BIG = 2 ** 53;

interface Ctx {
  readonly w: OnnxWriter;
  readonly graph: GraphModelGraph;
  readonly node: GraphNode;
  readonly cfg: OpConfig;
  readonly attrs: Readonly<Record<string, unknown>>;
  /** The GraphDef node name (the IR node of output 0 carries it; others add ':i'). */
  readonly op: string;
  readonly types: Map<string, number>;
  readonly keep: boolean;
  readonly consts: Map<string, string>;
}

function refuse(ctx: Ctx, why: string): never {
  throw new OnnxExportError(ctx.op, ctx.node.className, why, 'op');
}

const outName = (ctx: Ctx, index = 0) => (index === 0 ? ctx.op : `${ctx.op}:${index}`);

function slot(ctx: Ctx, i: number): Slot {
  const s = ctx.cfg.slots[i];
  if (!s) refuse(ctx, `has no input ${i}`);
  return s;
}

/** The integer values of constant input `i` (axes, shapes, paddings, sizes). */
function ints(ctx: Ctx, i: number): number[] {
  const s = slot(ctx, i);
  if (s.kind !== 'const') refuse(ctx, `input ${i} must be a constant here (it is computed)`);
  if (s.ints) return [...s.ints];
  const v = ctx.graph.source.consts.get(s.name)?.values;
  if (!v) refuse(ctx, `constant '${s.name}' has no values`);
  return Array.from(v);
}

/** The ONNX element type of a value already written. */
function typeOf(ctx: Ctx, name: string): number {
  return ctx.types.get(name) ?? T.FLOAT;
}

/**
 * A float weight as ONNX tensors: float32, or (weights 'keep') in the storage the graph model
 * gave it — FLOAT16 + Cast, or uint8/uint16 codes + Cast·scale + min when the values still sit on
 * the stored grid (channel removal keeps them there; masking with zeros off the grid does not).
 * `perm` moves the values to ONNX's layout; `dims` reshapes after it.
 */
function weight(
  ctx: Ctx,
  label: string,
  values: Float32Array,
  shape: readonly number[],
  storage: Quantization | undefined,
  perm?: readonly number[],
  dims?: readonly number[],
): string {
  const w = ctx.w;
  const place = <A extends Float32Array | Uint16Array>(v: A) => {
    const t = perm ? transposeValues(v, shape, perm) : { values: v, shape: [...shape] };
    return { values: t.values, dims: dims ? [...dims] : t.shape };
  };
  if (ctx.keep && storage?.dtype === 'float16') {
    const t = place(float16Array(values));
    const h = w.tensor(`${label}/f16`, T.FLOAT16, t.dims, t.values);
    return w.node('Cast', [h], { to: T.FLOAT }, undefined, `${label}/f16_to_f32`);
  }
  if (ctx.keep && (storage?.dtype === 'uint8' || storage?.dtype === 'uint16')) {
    const scale = storage.scale ?? 1;
    const min = storage.min ?? 0;
    const levels = storage.dtype === 'uint8' ? 255 : 65535;
    const codes = new Uint16Array(values.length);
    const f = new Float32Array(1);
    let onGrid = scale > 0;
    for (let i = 0; onGrid && i < values.length; i++) {
      const q = Math.round((values[i] - min) / scale);
      f[0] = q * scale + min;
      onGrid = q >= 0 && q <= levels && f[0] === values[i];
      codes[i] = q;
    }
    if (onGrid) {
      const t = place(codes);
      const type = storage.dtype === 'uint8' ? T.UINT8 : T.UINT16;
      const q = w.tensor(`${label}/${storage.dtype}`, type, t.dims, t.values);
      const c = w.node('Cast', [q], { to: T.FLOAT });
      const m = w.node('Mul', [c, w.float(`${label}/scale`, [], [scale])]);
      return w.node('Add', [m, w.float(`${label}/min`, [], [min])], {}, undefined, `${label}/dequantize`);
    }
  }
  const t = place(values);
  return w.float(label, t.dims, t.values);
}

/** Values, shape and stored quantization of a float weight input (a prunekit parameter). */
function param(ctx: Ctx, i: number): { values: Float32Array; shape: number[]; storage?: Quantization } {
  const s = slot(ctx, i);
  if (s.kind !== 'const' || !s.param) refuse(ctx, `input ${i} must be a float constant (a weight)`);
  const id = `${ctx.op}/${s.param}`;
  const b = ctx.graph.bindings.get(id);
  const storage = b ? ctx.graph.source.consts.get(b.constName)?.spec.quantization : undefined;
  return { values: ctx.graph.weights.values(id), shape: [...ctx.graph.param(id).shape], storage };
}

/** Input `i` as an ONNX value: the tensor it reads, or an initializer for a constant. */
function input(ctx: Ctx, i: number): string {
  const s = slot(ctx, i);
  if (s.kind === 'tensor') return s.ref;
  if (s.param) {
    const p = param(ctx, i);
    return weight(ctx, `${ctx.op}/${s.param}`, p.values, p.shape, p.storage);
  }
  const type = DTYPES[s.dtype];
  if (type === undefined) refuse(ctx, `constant '${s.name}' has dtype ${s.dtype}, which is not exported`);
  const known = ctx.consts.get(s.name);
  if (known) return known;
  const v = ctx.graph.source.consts.get(s.name)?.values ?? s.ints;
  if (!v) refuse(ctx, `constant '${s.name}' has no values`);
  const name = ctx.w.tensor(s.name, type, s.shape, v);
  ctx.types.set(name, type);
  ctx.consts.set(s.name, name);
  return name;
}

/** Type of input `i` (a tensor's, or a constant's dtype). */
function inputType(ctx: Ctx, i: number): number {
  const s = slot(ctx, i);
  return s.kind === 'tensor' ? typeOf(ctx, s.ref) : (DTYPES[s.dtype] ?? T.FLOAT);
}

const NCHW = [0, 3, 1, 2];
const NHWC = [0, 2, 3, 1];

function checkNhwc(ctx: Ctx) {
  const f = ctx.attrs.data_format;
  if (f !== undefined && f !== 'NHWC') refuse(ctx, `data_format ${String(f)} is not exported (NHWC only)`);
}

/** Conv / pool attributes from TF's NHWC strides, dilations and padding. */
function windowAttrs(ctx: Ctx, kh: number, kw: number): Record<string, AttrValue> {
  const strides = (ctx.attrs.strides as number[] | undefined) ?? [1, 1, 1, 1];
  const dil = (ctx.attrs.dilations as number[] | undefined) ?? [1, 1, 1, 1];
  const pad = ctx.attrs.padding;
  const [, h, wd] = ctx.node.inputShapes[0] as number[];
  let pads = [0, 0, 0, 0];
  if (pad === 'SAME') {
    const [hb, he] = samePads(h, kh, strides[1], dil[1]);
    const [wb, we] = samePads(wd, kw, strides[2], dil[2]);
    pads = [hb, wb, he, we];
  } else if (pad === 'EXPLICIT') {
    const e = ctx.attrs.explicit_paddings as number[];
    pads = [e[2], e[4], e[3], e[5]];
  } else if (pad !== 'VALID') refuse(ctx, `padding ${String(pad)} is not exported`);
  return { kernel_shape: [kh, kw], strides: [strides[1], strides[2]], dilations: [dil[1], dil[2]], pads };
}

/** A fused op's tail after the conv / matmul (already biased): batch norm, then the activation. */
function fusedTail(ctx: Ctx, x: string, argsFrom: number, out: string): string {
  const ops = ((ctx.attrs.fused_ops as string[] | undefined) ?? []).map((s) => s.toLowerCase());
  const w = ctx.w;
  let next = argsFrom + (ops.includes('biasadd') ? 1 : 0);
  let y = x;
  if (ops.includes('fusedbatchnorm')) {
    const [scale, offset, mean, variance] = [0, 1, 2, 3].map((k) => param(ctx, next + k).values);
    const eps = Number(ctx.attrs.epsilon ?? 1e-3);
    const c = scale.length;
    const mul = Float32Array.from({ length: c }, (_, k) => scale[k] / Math.sqrt(variance[k] + eps));
    const add = Float32Array.from({ length: c }, (_, k) => offset[k] - mean[k] * mul[k]);
    y = w.node('Add', [
      w.node('Mul', [y, w.float(`${ctx.op}/bn_scale`, [c], mul)]),
      w.float(`${ctx.op}/bn_shift`, [c], add),
    ]);
    next += 4;
  }
  const act = ops.find((o) => o !== 'biasadd' && o !== 'fusedbatchnorm');
  const prelu = act === 'prelu' ? input(ctx, next) : undefined;
  return activation(ctx, act, y, out, prelu);
}

function activation(ctx: Ctx, act: string | undefined, x: string, out: string, alpha?: string): string {
  const w = ctx.w;
  switch (act) {
    case undefined:
      return w.node('Identity', [x], {}, out);
    case 'relu':
      return w.node('Relu', [x], {}, out);
    case 'relu6':
      return w.node('Clip', [x, w.float('zero', [], [0]), w.float('six', [], [6])], {}, out);
    case 'elu':
      return w.node('Elu', [x], { alpha: { f: 1 } }, out);
    case 'leakyrelu':
      return w.node('LeakyRelu', [x], { alpha: { f: Number(ctx.attrs.leakyrelu_alpha ?? 0.2) } }, out);
    case 'prelu':
      return w.node('PRelu', [x, alpha!], {}, out);
    case 'sigmoid':
      return w.node('Sigmoid', [x], {}, out);
    case 'tanh':
      return w.node('Tanh', [x], {}, out);
    default:
      return refuse(ctx, `fused activation '${act}' has no ONNX mapping here`);
  }
}

/** Conv2D / _FusedConv2D / (Fused)DepthwiseConv2dNative: NCHW Conv between two transposes. */
function conv(ctx: Ctx, depthwise: boolean, fused: boolean): string {
  checkNhwc(ctx);
  const w = ctx.w;
  const f = param(ctx, 1);
  const [kh, kw, cin, m] = f.shape;
  const W = depthwise
    ? weight(ctx, `${ctx.op}/filter`, f.values, f.shape, f.storage, [2, 3, 0, 1], [cin * m, 1, kh, kw])
    : weight(ctx, `${ctx.op}/filter`, f.values, f.shape, f.storage, [3, 2, 0, 1]);
  const ops = ((ctx.attrs.fused_ops as string[] | undefined) ?? []).map((s) => s.toLowerCase());
  const inputs = [w.node('Transpose', [input(ctx, 0)], { perm: NCHW }), W];
  if (fused && ops.includes('biasadd')) inputs.push(input(ctx, 2));
  const attrs = { ...windowAttrs(ctx, kh, kw), ...(depthwise ? { group: cin } : {}) };
  const y = w.node('Conv', inputs, attrs, undefined, ctx.op);
  const back = w.node('Transpose', [y], { perm: NHWC });
  return fused ? fusedTail(ctx, back, 2, outName(ctx)) : w.node('Identity', [back], {}, outName(ctx));
}

function matmul(ctx: Ctx, fused: boolean): string {
  const w = ctx.w;
  const ta = ctx.attrs.transpose_a === true;
  const tb = ctx.attrs.transpose_b === true;
  const ops = ((ctx.attrs.fused_ops as string[] | undefined) ?? []).map((s) => s.toLowerCase());
  const rank = ctx.node.inputShapes[0]?.length ?? 0;
  const a = input(ctx, 0);
  const b = input(ctx, 1);
  let y: string;
  if (rank === 2) {
    const inputs = [a, b];
    if (fused && ops.includes('biasadd')) inputs.push(input(ctx, 2));
    y = w.node('Gemm', inputs, { transA: ta ? 1 : 0, transB: tb ? 1 : 0 }, undefined, ctx.op);
  } else {
    if (ta || tb) refuse(ctx, 'a transposed MatMul of rank other than 2 is not exported');
    y = w.node('MatMul', [a, b], {}, undefined, ctx.op);
    if (fused && ops.includes('biasadd')) y = w.node('Add', [y, input(ctx, 2)]);
  }
  return fused ? fusedTail(ctx, y, 2, outName(ctx)) : w.node('Identity', [y], {}, outName(ctx));
}

function pool(ctx: Ctx, op: 'MaxPool' | 'AveragePool'): string {
  checkNhwc(ctx);
  const k = ctx.attrs.ksize as number[];
  const w = ctx.w;
  const x = w.node('Transpose', [input(ctx, 0)], { perm: NCHW });
  const { dilations: _, ...attrs } = windowAttrs(ctx, k[1], k[2]);
  const y = w.node(
    op,
    [x],
    { ...attrs, ...(op === 'AveragePool' ? { count_include_pad: 0 } : {}) },
    undefined,
    ctx.op,
  );
  return w.node('Transpose', [y], { perm: NHWC }, outName(ctx));
}

/** ResizeBilinear / ResizeNearestNeighbor on NHWC: sizes [N, h, w, C] built from the input's shape. */
function resize(ctx: Ctx, mode: 'linear' | 'nearest'): string {
  const w = ctx.w;
  const [h, wd] = ints(ctx, 1);
  const x = input(ctx, 0);
  const shape = w.node('Shape', [x]);
  const n = w.node('Slice', [shape, w.ints('zero', [0]), w.ints('one', [1])]);
  const c = w.node('Slice', [shape, w.ints('three', [3]), w.ints('four', [4])]);
  const sizes = w.node('Concat', [n, w.ints(`${ctx.op}/hw`, [h, wd]), c], { axis: 0 });
  const align = ctx.attrs.align_corners === true;
  const half = ctx.attrs.half_pixel_centers === true;
  const ct = align
    ? 'align_corners'
    : half
      ? mode === 'linear'
        ? 'half_pixel'
        : 'tf_half_pixel_for_nn'
      : 'asymmetric';
  const attrs: Record<string, AttrValue> = { mode, coordinate_transformation_mode: ct };
  if (mode === 'nearest') attrs.nearest_mode = align ? 'round_prefer_ceil' : 'floor';
  return w.node('Resize', [x, '', '', sizes], attrs, outName(ctx), ctx.op);
}

function reduce(ctx: Ctx, op: string): string {
  const rank = ctx.node.inputShapes[0]?.length ?? 0;
  const axes = ints(ctx, 1).map((a) => (a < 0 ? a + rank : a));
  const keepdims = ctx.attrs.keep_dims === true ? 1 : 0;
  // Opset 17: ReduceSum takes its axes as an input, the other reductions as an attribute.
  return op === 'ReduceSum'
    ? ctx.w.node(op, [input(ctx, 0), ctx.w.ints(`${ctx.op}/axes`, axes)], { keepdims }, outName(ctx), ctx.op)
    : ctx.w.node(op, [input(ctx, 0)], { axes, keepdims }, outName(ctx), ctx.op);
}

function stridedSlice(ctx: Ctx): string {
  const w = ctx.w;
  const bits = (k: string) => Number(ctx.attrs[k] ?? 0);
  if (bits('ellipsis_mask') || bits('new_axis_mask'))
    refuse(ctx, 'ellipsis and new-axis masks are not exported');
  const begin = ints(ctx, 1);
  const end = ints(ctx, 2);
  const steps = ints(ctx, 3);
  const shrink = bits('shrink_axis_mask');
  const starts: number[] = [];
  const ends: number[] = [];
  const squeeze: number[] = [];
  begin.forEach((b, i) => {
    const step = steps[i];
    const bit = 1 << i;
    if (shrink & bit) {
      starts.push(b);
      ends.push(b === -1 ? BIG : b + 1);
      squeeze.push(i);
      return;
    }
    starts.push(bits('begin_mask') & bit ? (step > 0 ? 0 : BIG) : b);
    ends.push(bits('end_mask') & bit ? (step > 0 ? BIG : -BIG) : end[i]);
  });
  const axes = begin.map((_, i) => i);
  const s = w.node(
    'Slice',
    [
      input(ctx, 0),
      w.ints('starts', starts),
      w.ints('ends', ends),
      w.ints('axes', axes),
      w.ints('steps', steps),
    ],
    {},
    squeeze.length ? undefined : outName(ctx),
    ctx.op,
  );
  return squeeze.length ? w.node('Squeeze', [s, w.ints('axes', squeeze)], {}, outName(ctx)) : s;
}

const BINARY: Readonly<Record<string, string>> = {
  Add: 'Add',
  AddV2: 'Add',
  BiasAdd: 'Add',
  Sub: 'Sub',
  Mul: 'Mul',
  RealDiv: 'Div',
  Maximum: 'Max',
  Minimum: 'Min',
  Equal: 'Equal',
  Greater: 'Greater',
  Less: 'Less',
};

const UNARY: Readonly<Record<string, string>> = {
  Relu: 'Relu',
  Sigmoid: 'Sigmoid',
  Tanh: 'Tanh',
  Elu: 'Elu',
  Identity: 'Identity',
  Exp: 'Exp',
  Sqrt: 'Sqrt',
  Neg: 'Neg',
  Abs: 'Abs',
  Floor: 'Floor',
};

const REDUCE: Readonly<Record<string, string>> = {
  Mean: 'ReduceMean',
  Max: 'ReduceMax',
  Min: 'ReduceMin',
  Sum: 'ReduceSum',
};

const BOOL_OUT = new Set(['Equal', 'Greater', 'Less']);

/** The ONNX nodes of one GraphDef op (all its outputs); records the output types. */
function op(ctx: Ctx): string | undefined {
  const w = ctx.w;
  const out = outName(ctx);
  const c = ctx.node.className;
  ctx.types.set(out, inputType(ctx, 0));
  switch (c) {
    case 'Conv2D':
      return conv(ctx, false, false);
    case '_FusedConv2D':
      return conv(ctx, false, true);
    case 'DepthwiseConv2dNative':
      return conv(ctx, true, false);
    case 'FusedDepthwiseConv2dNative':
      return conv(ctx, true, true);
    case 'MatMul':
      return matmul(ctx, false);
    case '_FusedMatMul':
      return matmul(ctx, true);
    case 'FusedBatchNorm':
    case 'FusedBatchNormV3': {
      checkNhwc(ctx);
      if (ctx.attrs.is_training === true) refuse(ctx, 'batch norm in training mode is not exported');
      const [scale, offset, mean, variance] = [1, 2, 3, 4].map((k) => param(ctx, k).values);
      const eps = Number(ctx.attrs.epsilon ?? 1e-3);
      const n = scale.length;
      const mul = Float32Array.from({ length: n }, (_, k) => scale[k] / Math.sqrt(variance[k] + eps));
      const add = Float32Array.from({ length: n }, (_, k) => offset[k] - mean[k] * mul[k]);
      const y = w.node('Mul', [input(ctx, 0), w.float(`${ctx.op}/scale`, [n], mul)], {}, undefined, ctx.op);
      w.node('Add', [y, w.float(`${ctx.op}/shift`, [n], add)], {}, out);
      return;
    }
    case 'AddN':
      w.node(
        'Sum',
        ctx.cfg.slots.map((_, i) => input(ctx, i)),
        {},
        out,
        ctx.op,
      );
      return;
    case 'SquaredDifference': {
      const d = w.node('Sub', [input(ctx, 0), input(ctx, 1)], {}, undefined, ctx.op);
      w.node('Mul', [d, d], {}, out);
      return;
    }
    case 'FloorDiv': {
      const type = inputType(ctx, 0);
      const [a, b] = [input(ctx, 0), input(ctx, 1)];
      if (type === T.FLOAT) {
        w.node('Floor', [w.node('Div', [a, b], {}, undefined, ctx.op)], {}, out);
        return;
      }
      // Integers: ONNX's Div truncates toward zero; TF's FloorDiv rounds down. Exact in double.
      const da = w.node('Cast', [a], { to: T.DOUBLE });
      const db = w.node('Cast', [b], { to: T.DOUBLE });
      w.node('Cast', [w.node('Floor', [w.node('Div', [da, db], {}, undefined, ctx.op)])], { to: type }, out);
      return;
    }
    case 'FloorMod': {
      const [a, b] = [input(ctx, 0), input(ctx, 1)];
      if (inputType(ctx, 0) !== T.FLOAT) {
        w.node('Mod', [a, b], { fmod: 0 }, out, ctx.op); // integer Mod takes the divisor's sign, as TF
        return;
      }
      const q = w.node('Floor', [w.node('Div', [a, b], {}, undefined, ctx.op)]);
      w.node('Sub', [a, w.node('Mul', [q, b])], {}, out);
      return;
    }
    case 'Relu6':
      w.node('Clip', [input(ctx, 0), w.float('zero', [], [0]), w.float('six', [], [6])], {}, out, ctx.op);
      return;
    case 'LeakyRelu':
      w.node('LeakyRelu', [input(ctx, 0)], { alpha: { f: Number(ctx.attrs.alpha ?? 0.2) } }, out, ctx.op);
      return;
    case 'Prelu':
      w.node('PRelu', [input(ctx, 0), input(ctx, 1)], {}, out, ctx.op);
      return;
    case 'Cast': {
      const to = DTYPES[String(ctx.attrs.DstT)];
      if (to === undefined) refuse(ctx, `cast to ${String(ctx.attrs.DstT)} is not exported`);
      ctx.types.set(out, to);
      if (to === inputType(ctx, 0)) w.node('Identity', [input(ctx, 0)], {}, out, ctx.op);
      else w.node('Cast', [input(ctx, 0)], { to }, out, ctx.op);
      return;
    }
    case 'ConcatV2': {
      const n = ctx.cfg.slots.length - 1;
      const rank = ctx.node.outputShape.length;
      const [axis] = ints(ctx, n);
      const xs = Array.from({ length: n }, (_, i) => input(ctx, i));
      w.node('Concat', xs, { axis: axis < 0 ? axis + rank : axis }, out, ctx.op);
      return;
    }
    case 'Split':
    case 'SplitV': {
      const v = c === 'SplitV';
      const x = input(ctx, v ? 0 : 1);
      ctx.types.set(out, inputType(ctx, v ? 0 : 1));
      const [axis] = ints(ctx, v ? 2 : 0);
      const k = Number(ctx.attrs.num_split);
      const outs = Array.from({ length: k }, (_, i) => outName(ctx, i));
      for (const o of outs) ctx.types.set(o, typeOf(ctx, out));
      const sizes = v ? [w.ints(`${ctx.op}/split`, ints(ctx, 1))] : [];
      if (v && ints(ctx, 1).includes(-1)) refuse(ctx, 'a SplitV size of -1 is not exported');
      w.multi('Split', [x, ...sizes], outs, { axis }, ctx.op);
      return;
    }
    case 'Pad':
    case 'PadV2':
    case 'MirrorPad': {
      const p = ints(ctx, 1);
      const rank = p.length / 2;
      const pads = [
        ...Array.from({ length: rank }, (_, i) => p[2 * i]),
        ...Array.from({ length: rank }, (_, i) => p[2 * i + 1]),
      ];
      const inputs = [input(ctx, 0), w.ints(`${ctx.op}/pads`, pads)];
      let mode = 'constant';
      if (c === 'PadV2') inputs.push(input(ctx, 2));
      if (c === 'MirrorPad') {
        if (ctx.attrs.mode !== 'REFLECT')
          refuse(ctx, `mirror pad mode ${String(ctx.attrs.mode)} has no ONNX mode`);
        mode = 'reflect';
      }
      w.node('Pad', inputs, { mode }, out, ctx.op);
      return;
    }
    case 'MaxPool':
    case 'AvgPool':
      return pool(ctx, c === 'MaxPool' ? 'MaxPool' : 'AveragePool');
    case 'ResizeBilinear':
    case 'ResizeNearestNeighbor':
      return resize(ctx, c === 'ResizeBilinear' ? 'linear' : 'nearest');
    case 'Reshape': {
      const s = slot(ctx, 1);
      const shape =
        s.kind === 'const'
          ? w.ints(`${ctx.op}/shape`, ints(ctx, 1))
          : w.node('Cast', [input(ctx, 1)], { to: T.INT64 });
      if (s.kind === 'const' && ints(ctx, 1).includes(0))
        refuse(ctx, 'a reshape to a zero-size dimension is not exported');
      w.node('Reshape', [input(ctx, 0), shape], {}, out, ctx.op);
      return;
    }
    case 'Transpose':
      w.node('Transpose', [input(ctx, 0)], { perm: ints(ctx, 1) }, out, ctx.op);
      return;
    case 'ExpandDims':
      w.node('Unsqueeze', [input(ctx, 0), w.ints(`${ctx.op}/axes`, ints(ctx, 1))], {}, out, ctx.op);
      return;
    case 'Squeeze': {
      const dims = (ctx.attrs.squeeze_dims as number[] | undefined) ?? [];
      const inputs = [input(ctx, 0), ...(dims.length ? [w.ints(`${ctx.op}/axes`, dims)] : [])];
      w.node('Squeeze', inputs, {}, out, ctx.op);
      return;
    }
    case 'StridedSlice':
      return stridedSlice(ctx);
    case 'GatherV2': {
      if (Number(ctx.attrs.batch_dims ?? 0) !== 0) refuse(ctx, 'batch_dims other than 0 is not exported');
      const [axis] = ints(ctx, 2);
      w.node('Gather', [input(ctx, 0), input(ctx, 1)], { axis }, out, ctx.op);
      return;
    }
    case 'TopKV2': {
      const [k] = ints(ctx, 1);
      const idx = w.fresh(`${ctx.op}/indices`);
      w.multi(
        'TopK',
        [input(ctx, 0), w.ints(`${ctx.op}/k`, [k])],
        [out, idx],
        { axis: -1, largest: 1, sorted: ctx.attrs.sorted === false ? 0 : 1 },
        ctx.op,
      );
      w.node('Cast', [idx], { to: T.INT32 }, outName(ctx, 1));
      ctx.types.set(outName(ctx, 1), T.INT32);
      return;
    }
    case 'Unpack': {
      // Split into `num` pieces of size 1 along the axis, then drop that axis from each.
      const x = input(ctx, 0);
      const type = inputType(ctx, 0);
      const rank = ctx.node.inputShapes[0]?.length ?? 0;
      const a = Number(ctx.attrs.axis ?? 0);
      const axis = a < 0 ? a + rank : a;
      const k = Number(ctx.attrs.num);
      const parts = Array.from({ length: k }, (_, i) => w.fresh(`${ctx.op}/part${i}`));
      w.multi('Split', [x], parts, { axis }, ctx.op);
      parts.forEach((p, i) => {
        w.node('Squeeze', [p, w.ints(`${ctx.op}/axes`, [axis])], {}, outName(ctx, i));
        ctx.types.set(outName(ctx, i), type);
      });
      return;
    }
    case 'Pack': {
      const n = ctx.cfg.slots.length;
      const rank = ctx.node.outputShape.length;
      const a = Number(ctx.attrs.axis ?? 0);
      const axis = a < 0 ? a + rank : a;
      const xs = Array.from({ length: n }, (_, i) =>
        w.node('Unsqueeze', [input(ctx, i), w.ints(`${ctx.op}/axes`, [axis])]),
      );
      w.node('Concat', xs, { axis }, out, ctx.op);
      return;
    }
    case 'ArgMax':
    case 'ArgMin': {
      const rank = ctx.node.inputShapes[0]?.length ?? 0;
      const [a] = ints(ctx, 1);
      const to = DTYPES[String(ctx.attrs.output_type ?? 'DT_INT64')];
      if (to !== T.INT32 && to !== T.INT64) refuse(ctx, `output_type ${String(ctx.attrs.output_type)} is not exported`);
      // Both pick the first index among ties, as TF does; ONNX gives int64.
      const i = w.node(c, [input(ctx, 0)], { axis: a < 0 ? a + rank : a, keepdims: 0 }, undefined, ctx.op);
      w.node(to === T.INT64 ? 'Identity' : 'Cast', [i], to === T.INT64 ? {} : { to }, out);
      ctx.types.set(out, to);
      return;
    }
    case 'GatherNd': {
      const idx = inputType(ctx, 1) === T.INT64 ? input(ctx, 1) : w.node('Cast', [input(ctx, 1)], { to: T.INT64 });
      w.node('GatherND', [input(ctx, 0), idx], {}, out, ctx.op);
      return;
    }
    case 'Softmax':
      w.node('Softmax', [input(ctx, 0)], { axis: -1 }, out, ctx.op);
      return;
  }
  if (REDUCE[c]) return reduce(ctx, REDUCE[c]);
  if (BINARY[c]) {
    if (c === 'BiasAdd') checkNhwc(ctx);
    w.node(BINARY[c], [input(ctx, 0), input(ctx, 1)], {}, out, ctx.op);
    if (BOOL_OUT.has(c)) ctx.types.set(out, T.BOOL);
    return;
  }
  if (UNARY[c]) {
    w.node(UNARY[c], [input(ctx, 0)], c === 'Elu' ? { alpha: { f: 1 } } : {}, out, ctx.op);
    return;
  }
  refuse(ctx, 'prunekit has no ONNX mapping for this op');
}

/**
 * A tfjs graph model (through its prunekit ModelGraph, so pruned, masked or fine-tuned models export
 * alike) as an ONNX model, opset 17. Tensors stay NHWC as in the graph model, so the file's inputs
 * and outputs have the graph model's shapes and every axis attribute keeps its value; convolutions
 * and pools run NCHW between two Transposes, which ONNX Runtime's transpose optimizer removes when
 * it loads the model. Weights keep their stored dtype by default (see `weights`). An op without a
 * mapping throws OnnxExportError naming it.
 */
export function graphModelToOnnx(graph: GraphModelGraph, opts: GraphModelToOnnxOptions = {}): Uint8Array {
  const w = new OnnxWriter();
  const types = new Map<string, number>();
  const consts = new Map<string, string>();
  const keep = (opts.weights ?? 'keep') === 'keep';
  const inputs: ReturnType<typeof onnx.ValueInfoProto.create>[] = [];
  for (const node of graph.nodes) {
    const cfg = node.config as unknown as OpConfig;
    const opName = cfg.outputIndex === 0 ? node.name : node.name.replace(/:\d+$/, '');
    if (cfg.outputIndex !== 0) continue; // written with output 0 (Split, TopKV2 …)
    const attrs = cfg.attrs;
    if (node.className === 'Placeholder') {
      const type = DTYPES[String(attrs.dtype)] ?? T.FLOAT;
      types.set(node.name, type);
      const shape = node.outputShape.length
        ? node.outputShape
        : ((attrs.shape as number[] | undefined) ?? []);
      const declared = (attrs.shape as number[] | undefined) ?? [];
      inputs.push(
        onnx.ValueInfoProto.create({
          name: node.name,
          type: {
            tensorType: {
              elemType: type,
              shape: {
                dim: shape.map((d, i) =>
                  (declared[i] ?? -1) < 0 || d === null
                    ? { dimParam: i === 0 ? 'N' : `d${i}` }
                    : { dimValue: d },
                ),
              },
            },
          },
        }),
      );
      continue;
    }
    op({ w, graph, node, cfg, attrs, op: opName, types, keep, consts });
  }
  return w.encode({
    name: opts.name ?? graph.inputs[0] ?? 'prunekit',
    opset: opts.opset ?? 17,
    inputs,
    outputs: graph.outputs.map((o) => ({
      name: o,
      type: { tensorType: { elemType: types.get(o) ?? T.FLOAT } },
    })),
  });
}
