import type { GraphNode, ParamInfo } from '../graph.js';
import type { ConstSlotBase, EditConst, TensorSlot } from '../specs/op_family.js';
import type { ChannelAnalysis } from './analyze.js';
import { droppedIndices, gatherInto, keptShape, weightKeeps, zeroAlong } from './gather.js';
import type { ConfigSizes } from './rule.js';

/**
 * The format-neutral half of surgery on op-graph files (graph models, ONNX): what each weight and
 * each integer constant of a node becomes under a channel removal. The formats write the results
 * into their own files (Const overrides, initializer overrides).
 */

/** How surgery treats the weights: cut them (`remove`) or zero the removed slices in place (`zero`, the masked reference). */
export type SurgeryMode = 'remove' | 'zero';

/**
 * One weight of `node` under a channel removal: `remove` gives the cut copy and its shape; `zero`
 * zeroes `values` in place and gives them back. Null for an element-wise operand (role `other`)
 * in `zero` mode: it stays as it is, because the channels it touches are dropped downstream anyway
 * and a zeroed divisor would put Inf/NaN into the masked original.
 */
export function cutWeight(
  analysis: ChannelAnalysis,
  kept: ReadonlyMap<string, readonly number[]>,
  node: GraphNode,
  param: ParamInfo,
  values: Float32Array,
  mode: SurgeryMode,
): { values: Float32Array; shape: number[] } | null {
  const shape = [...param.shape];
  if (mode === 'zero' && param.role === 'other') return null;
  const slices = analysis.slices.get(node.name) ?? [];
  const keeps = weightKeeps(node, param, slices, kept, (n) => analysis.layouts.get(n)!.size);
  if (mode === 'zero') {
    zeroAlong(values, shape, droppedIndices(shape, keeps));
    return { values, shape };
  }
  const newShape = keptShape(shape, keeps);
  const dst = new Float32Array(newShape.reduce((a, d) => a * d, 1));
  gatherInto(values, shape, keeps, dst);
  return { values: dst, shape: newShape };
}

/** A node's channel counts after the removal (what an op spec's `editConst` / `editAttrs` read). */
export function keptSizes(
  analysis: ChannelAnalysis,
  kept: ReadonlyMap<string, readonly number[]>,
  node: GraphNode,
): ConfigSizes {
  return {
    in: node.inputs.map((i) => kept.get(i)!.length),
    out: kept.get(node.name)!.length,
    oldOut: analysis.layouts.get(node.name)!.size,
  };
}

/** One integer constant of a node rewritten after channel removal (a shape vector, split sizes). */
export interface EditedConst {
  readonly slot: number;
  /** The constant's name in the file. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: number[];
}

/** The integer constants of `node` that its spec's `editConst` rewrites for the new channel counts. */
export function editedConsts(
  node: GraphNode,
  slots: readonly (TensorSlot | ConstSlotBase | { readonly kind: string })[],
  editConst: EditConst | undefined,
  sizes: ConfigSizes,
): EditedConst[] {
  if (!editConst) return [];
  const out: EditedConst[] = [];
  slots.forEach((s, slot) => {
    if (s.kind !== 'const') return;
    const c = s as ConstSlotBase;
    if (!c.ints) return;
    const values = editConst(node, slot, c.ints, sizes);
    if (values) out.push({ slot, name: c.name, shape: c.shape, values });
  });
  return out;
}
