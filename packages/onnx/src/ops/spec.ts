import {
  type ConfigSizes,
  type ConstSlotBase,
  type EditConst,
  freezeAllInputs,
  type GraphNode,
  type Layout,
  type OpConfigBase,
  type OpFamilyBase,
  type OpSpecBase,
  type RuleContext,
  ShapeError,
  type SlotParam,
  type TensorSlot,
} from '@prunekit/core';

/** One input of an ONNX node, as the IR node's config records it. */
export type Slot =
  | TensorSlot
  | (ConstSlotBase & {
      /** ONNX element type (TensorProto.DataType). */
      readonly dataType: number;
      /** Values of small float initializers (Resize scales, Clip bounds). */
      readonly floats?: readonly number[];
    })
  | { readonly kind: 'none' };

/** What an IR node of an ONNX model carries in its `config`. */
export interface OnnxOpConfig extends OpConfigBase<Slot> {
  readonly domain: string;
  /** How many outputs the ONNX node has. */
  readonly outputCount: number;
  /** Index of the node in the graph's node list. */
  readonly nodeIndex: number;
  /** The model's opset for the node's domain. */
  readonly opset: number;
}

/** A weight input of an op: its slot, role and channel axes (read by scorers and pruners). */
export type OnnxParam = SlotParam;
export type { EditConst };

/** New integer attribute values after channel removal (a depthwise Conv's `group`); undefined = unchanged. */
export type EditAttrs = (node: GraphNode, sizes: ConfigSizes) => Record<string, number> | undefined;

/** What shape inference sees for one node: its config, each slot's shape (undefined when absent). */
export interface ShapeContext {
  readonly name: string;
  readonly cfg: OnnxOpConfig;
  readonly shapes: readonly (readonly number[] | undefined)[];
}

/**
 * The spec of one ONNX op in core's spec registry (format 'onnx'): `params` is keyed by input slot
 * for the weights every instance has, `slotParams` gives one instance's weights, `editConst`
 * rewrites integer initializers (shapes, sizes, split lengths) after channel removal, and `infer`
 * gives the shapes of the op's outputs (ONNX files seldom carry them all).
 */
export interface OnnxOpSpec extends OpSpecBase<OnnxOpConfig, 'onnx'> {
  readonly editAttrs?: EditAttrs;
  infer?(ctx: ShapeContext): number[][];
}

/** How specs are written here: one value per op family, expanded into one spec per op by the registry. */
export interface OnnxOpFamily extends OpFamilyBase<OnnxOpConfig> {
  readonly editAttrs?: EditAttrs;
  infer?(ctx: ShapeContext): number[][];
}

/** The config of a node that is no ONNX node (a graph input, the no-attribute probe of a spec's params). */
export const bareConfig = (op: string, opset: number): OnnxOpConfig => ({
  op,
  domain: '',
  attrs: {},
  slots: [],
  outputIndex: 0,
  outputCount: 1,
  nodeIndex: -1,
  opset,
});

export const opConfig = (node: GraphNode): OnnxOpConfig => node.config as unknown as OnnxOpConfig;

/** The ONNX channel axis of a tensor of rank `rank`: 1 (NCHW, [N, C]), 0 for vectors. */
export const channelAxis = (rank: number): number => (rank >= 2 ? 1 : 0);

/** Freezes every input and gives a frozen output, with the reason. */
export const freezeAll = freezeAllInputs;

/** The slot's integer values when it is a small integer initializer. */
export function constInts(node: GraphNode | OnnxOpConfig, slot: number): readonly number[] | undefined {
  const cfg = 'slots' in node ? node : opConfig(node);
  const s = cfg.slots[slot];
  return s?.kind === 'const' ? s.ints : undefined;
}

/** The slot's float values when it is a small float initializer. */
export function constFloats(cfg: OnnxOpConfig, slot: number): readonly number[] | undefined {
  const s = cfg.slots[slot];
  return s?.kind === 'const' ? s.floats : undefined;
}

/** The layout of the tensor at `slot`, or undefined when the slot is an initializer or absent. */
export function slotLayout(ctx: RuleContext, slot: number): Layout | undefined {
  const s = opConfig(ctx.node).slots[slot];
  return s?.kind === 'tensor' ? ctx.inputs[s.input] : undefined;
}

/** An int / ints attribute with a default. */
export function intAttr(cfg: OnnxOpConfig, name: string, dflt: number): number {
  const v = cfg.attrs[name];
  return typeof v === 'number' ? v : dflt;
}

export function intsAttr(cfg: OnnxOpConfig, name: string): number[] | undefined {
  const v = cfg.attrs[name];
  return Array.isArray(v) ? v.map(Number) : undefined;
}

export const normAxis = (a: number, rank: number) => (a < 0 ? a + rank : a);

export const product = (xs: readonly number[]) => xs.reduce((a, d) => a * d, 1);

/** A ShapeError naming the node and op, for shapes that do not fit the op. */
export function shapeError(ctx: ShapeContext, what: string): ShapeError {
  return new ShapeError(`ONNX node '${ctx.name}' (${ctx.cfg.op}): ${what}.`, {
    node: ctx.name,
    op: ctx.cfg.op,
  });
}

/** The shape of slot `i`; throws naming the node when it is unknown. */
export function need(ctx: ShapeContext, i: number): readonly number[] {
  const s = ctx.shapes[i];
  if (!s) throw shapeError(ctx, `input ${i} has no known shape`);
  return s;
}

/** Numpy broadcasting of shapes (ONNX multidirectional broadcasting). */
export function broadcast(ctx: ShapeContext, shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const x = s[s.length - rank + i] ?? 1;
      if (x === 1) continue;
      if (d !== 1 && d !== x)
        throw shapeError(ctx, `operands [${shapes.map((s) => `[${s}]`).join(', ')}] do not broadcast`);
      d = x;
    }
    out.push(d);
  }
  return out;
}

/** Same shape as input 0 (element-wise unary ops). */
export const sameAsInput = (ctx: ShapeContext): number[][] => [[...need(ctx, 0)]];
