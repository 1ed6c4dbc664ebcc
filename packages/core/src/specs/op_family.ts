import type { ConfigSizes, RuleContext, RuleResult } from '../channels/rule.js';
import type { GraphNode } from '../graph.js';
import { type NodeSpec, type ParamSpec, paramSpecOf } from './spec.js';

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
  const reason = `'${ctx.node.name}' (${ctx.node.className}) ${why}`;
  for (const l of ctx.inputs) ctx.freeze(l, reason);
  return { output: ctx.fixed(ctx.outChannels, reason) };
}
