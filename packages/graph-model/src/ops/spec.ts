import {
  type ConstSlotBase,
  type EditConst,
  freezeAllInputs,
  type GraphNode,
  type Layout,
  type OpConfigBase,
  type OpFamilyBase,
  type OpSpecBase,
  type RuleContext,
  type SlotParam,
  type TensorSlot,
} from '@prunekit/core';

/** One input slot of a GraphDef node, as the IR node's config records it. */
export type Slot = TensorSlot | (ConstSlotBase & { readonly dtype: string });

/** What an IR node of a graph model carries in its `config`. */
export interface OpConfig extends OpConfigBase<Slot> {
  /** Set when shapes could not be measured (control flow): the node is frozen. */
  readonly unknownShape?: boolean;
}

/** A constant input that is a weight: its slot, role and channel axes (read by scorers and pruners). */
export type OpParam = SlotParam;
export type { EditConst };

/**
 * The spec of one TensorFlow op in core's one spec registry (format 'graph-model'): `params` is
 * keyed by input slot ('1' = a conv's filter Const) for the slots every instance has;
 * `slotParams` gives all of one instance's weights, including those that depend on attributes
 * (a fused op's bias / batch-norm / alpha args, an element-wise op's constant operands);
 * `editConst` rewrites integer constants (shape vectors) after channel removal.
 */
export interface OpSpec extends OpSpecBase<OpConfig, 'graph-model'> {}

/**
 * How the op specs are written here: one value per op family (ops that share weights, MACs and
 * channel rule), expanded into one OpSpec per op name by the registry (`opSpecsOf`).
 */
export interface OpFamily extends OpFamilyBase<OpConfig> {}

export const opConfig = (node: GraphNode): OpConfig => node.config as unknown as OpConfig;

/** The slot's integer values when it is an integer constant. */
export function constInts(node: GraphNode, slot: number): readonly number[] | undefined {
  const s = opConfig(node).slots[slot];
  return s?.kind === 'const' ? s.ints : undefined;
}

/** The layout of the tensor at `slot`, or undefined when the slot is a constant. */
export function slotLayout(ctx: RuleContext, slot: number): Layout | undefined {
  const s = opConfig(ctx.node).slots[slot];
  return s?.kind === 'tensor' ? ctx.inputs[s.input] : undefined;
}

/** Freezes every input and gives a frozen output, with the reason. */
export const freezeAll = freezeAllInputs;

/** Last dimension of a shape (the channel axis, channels-last), 0 for scalars. */
export function lastDim(shape: readonly (number | null)[] | undefined): number {
  const d = shape?.[shape.length - 1];
  return typeof d === 'number' ? d : 0;
}

/** Whether the node's data_format is channels-last (the default). */
export function channelsLast(node: GraphNode): boolean {
  const f = opConfig(node).attrs.data_format;
  return f === undefined || f === 'NHWC' || f === 'NWC' || f === 'NDHWC';
}

/** An axis value normalised to [0, rank). */
export const normAxis = (a: number, rank: number) => (a < 0 ? a + rank : a);

export const product = (xs: readonly (number | null)[]) => xs.reduce<number>((a, d) => a * (d ?? 1), 1);
