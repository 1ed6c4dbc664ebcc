import type { ConfigSizes, RuleContext, RuleResult } from '../channels/rule.js';
import type { GraphNode } from '../graph.js';
import { type NodeSpec, type ParamSpec, paramSpecOf } from './spec.js';

/** An input of an op-graph node fed by another node's output (`ref`, output `input`). */
export interface TensorSlot {
  readonly kind: 'tensor';
  readonly ref: string;
  readonly input: number;
}

/**
 * An input of an op-graph node fed by a constant (a graph-model Const, an ONNX initializer); each
 * format adds its dtype field.
 */
export interface ConstSlotBase {
  readonly kind: 'const';
  /** The constant's name in the file. */
  readonly name: string;
  readonly shape: readonly number[];
  /** Short parameter name when the constant is a float weight of the node. */
  readonly param?: string;
  /** Values of small integer constants (axes, shapes, paddings, split sizes). */
  readonly ints?: readonly number[];
}

/** What every op-graph format's IR node carries in its `config`; `S` is the format's slot type. */
export interface OpConfigBase<S> {
  readonly op: string;
  /** The node's attributes as plain values. */
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly slots: readonly S[];
  /** Which output of the op this IR node is (0 for most ops; Split and the like have more). */
  readonly outputIndex: number;
}

/** An op node as error messages and freeze reasons name it: `'name' (Op)`. */
export function describeNode(node: GraphNode): string {
  return `'${node.name}' (${node.className})`;
}

/**
 * The four per-channel vectors of an inference batch norm at input slots 1 to 4 (scale, offset,
 * mean, variance), cut along their only axis with the channels; `names` are the format's names.
 */
export function batchNormSlotParams(names: readonly [string, string, string, string]): SlotParam[] {
  const roles = ['gamma', 'beta', 'movingMean', 'movingVariance'] as const;
  return names.map((name, i) => ({ slot: i + 1, name, role: roles[i], outAxis: 0 }));
}

/** A weight input of an op (a graph-model Const, an ONNX initializer): its slot, short name, role and channel axes. */
export interface SlotParam extends ParamSpec {
  readonly slot: number;
  readonly name: string;
}

/** New values for integer constant `slot` after channel removal; undefined = unchanged. */
export type EditConst = (
  node: GraphNode,
  slot: number,
  values: readonly number[],
  sizes: ConfigSizes,
) => number[] | undefined;

/**
 * How op specs are written for an op-graph format (graph-model, ONNX): one value per op family
 * (ops that share weights, MACs and channel rule); `Cfg` is the format's per-node config.
 */
export interface OpFamilyBase<Cfg> {
  readonly ops: readonly string[];
  params?(cfg: Cfg): SlotParam[];
  macs?(node: GraphNode): number;
  analyze(ctx: RuleContext): RuleResult;
  readonly editConst?: EditConst;
}

/**
 * The spec of one op of an op-graph format in core's spec registry: `params` is keyed by input
 * slot for the weights every instance has, `slotParams` gives one instance's weights (those that
 * depend on attributes too), `editConst` rewrites integer constants after channel removal.
 */
export interface OpSpecBase<Cfg, F extends string = string> extends NodeSpec<GraphNode> {
  readonly format: F;
  slotParams?(cfg: Cfg): SlotParam[];
  readonly editConst?: EditConst;
}

/**
 * One spec per op name of a family: the fixed params are the family's params for a node with no
 * attributes (`noAttrs`), the rest of the family's fields are copied when present (`extra` names
 * format-specific ones, e.g. ONNX's `editAttrs` and `infer`).
 */
export function opSpecsFromFamily<Cfg, F extends string, Fam extends OpFamilyBase<Cfg>>(
  format: F,
  family: Fam,
  noAttrs: Cfg,
  extra: readonly (keyof Fam & string)[] = [],
): OpSpecBase<Cfg, F>[] {
  const fixed = Object.fromEntries(
    (family.params?.(noAttrs) ?? []).map((p) => [String(p.slot), paramSpecOf(p)]),
  );
  const copied: Record<string, unknown> = {};
  for (const k of ['editConst', ...extra] as const) {
    const v = (family as Record<string, unknown>)[k];
    if (v !== undefined) copied[k] = v;
  }
  return family.ops.map((name) => ({
    format,
    name,
    params: fixed,
    macs: family.macs ?? (() => 0),
    structured: { analyze: family.analyze },
    ...(family.params ? { slotParams: family.params } : {}),
    ...copied,
  }));
}

/** The weights of one op instance: attribute-dependent ones from `slotParams`, else the fixed slots of `params`. */
export function slotParamsOf<Cfg>(spec: OpSpecBase<Cfg>, cfg: Cfg): SlotParam[] {
  if (spec.slotParams) return spec.slotParams(cfg);
  return Object.entries(spec.params).map(([slot, p]) => ({ slot: Number(slot), name: `w${slot}`, ...p }));
}

/** Freezes every input of an op node and gives a frozen output, with the reason ("'name' (Op) why"). */
export function freezeAllInputs(ctx: RuleContext, why: string): RuleResult {
  const reason = `${describeNode(ctx.node)} ${why}`;
  for (const l of ctx.inputs) ctx.freeze(l, reason);
  return { output: ctx.fixed(ctx.outChannels, reason) };
}
