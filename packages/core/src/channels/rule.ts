import type { GraphNode, ParamInfo } from '../graph.js';
import type { Layout } from './layout.js';

/**
 * One weight axis that indexes channels. `side: 'in'` follows the layout of input `input`
 * (default 0), each channel repeated `expand` times (a depthwise multiplier feeding a pointwise
 * kernel); `side: 'out'` follows the layer's output layout.
 */
export interface WeightSlice {
  /** Short weight name ('kernel', 'bias', 'gamma', 'depthwise_kernel', …). */
  readonly weight: string;
  readonly axis: number;
  readonly side: 'in' | 'out';
  readonly input?: number;
  readonly expand?: number;
  /** How the layer relates to these channels; defaults to 'in' for side 'in' and 'out' for 'out'. */
  readonly role?: 'in' | 'out' | 'through';
}

/** What a rule may do while the channel analysis walks the graph. */
export interface RuleContext {
  readonly node: GraphNode;
  /** Channel layouts of the node's inputs, in call order. */
  readonly inputs: readonly Layout[];
  /** Length of the output's channel axis (last dim of the output shape). */
  readonly outChannels: number;
  /** A layout of fresh channels this layer creates from its weights (a new atom). */
  produce(size: number): Layout;
  /** A layout of fresh channels nobody may remove (with the reason shown in reports). */
  fixed(size: number, reason: string): Layout;
  /** Couples two layouts channel by channel; freezes both when their structures differ. */
  unify(a: Layout, b: Layout): void;
  /** Marks every atom of a layout as not removable. */
  freeze(layout: Layout, reason: string): void;
}

/** What a structured rule gives for one node: the layout of its output channels and the weight slices that follow them. */
export interface RuleResult {
  readonly output: Layout;
  readonly slices?: readonly WeightSlice[];
}

/** Sizes a rule sees when it edits a layer's serialised config after channels were removed. */
export interface ConfigSizes {
  /** New channel count of each input. */
  readonly in: readonly number[];
  /** New channel count of the output. */
  readonly out: number;
  /** Old channel count of the output. */
  readonly oldOut: number;
}

/**
 * Structured-pruning knowledge for one node class (a Keras layer class, a graph op): how channels
 * flow through it, which weight axes they index, and how its config changes when channels go.
 * It is the `structured` field of the class's NodeSpec (see specs/spec.ts).
 */
export interface StructuredRule {
  analyze(ctx: RuleContext): RuleResult;
  /** Edits the layer's serialised (snake_case, model.toJSON) config; omit when no field changes. */
  editConfig?(config: Record<string, unknown>, sizes: ConfigSizes): Record<string, unknown>;
  /** Restores config fields tfjs leaves out when it serialises the layer (applied to every rebuild). */
  repairConfig?(config: Record<string, unknown>, node: GraphNode): Record<string, unknown>;
}

/** A config field read from either the camelCase (getConfig) or snake_case (toJSON) spelling. */
export function cfg<T = unknown>(
  config: Readonly<Record<string, unknown>>,
  camel: string,
  snake?: string,
): T | undefined {
  if (config[camel] !== undefined) return config[camel] as T;
  if (snake && config[snake] !== undefined) return config[snake] as T;
  return undefined;
}

/** Whether a layer config says channels-first (not handled by structured pruning). */
export function isChannelsFirst(config: Readonly<Record<string, unknown>>): boolean {
  const f = cfg<string>(config, 'dataFormat', 'data_format');
  return f === 'channelsFirst' || f === 'channels_first';
}

/**
 * The weight slices a node's parameters imply, read from the axes its spec states (ParamInfo
 * inAxis / outAxis): an input-channel axis follows input `input`'s layout, repeated
 * `shape[axis] / layout.size` times (a depthwise multiplier feeding a pointwise kernel); an output
 * axis follows the output layout. `through`: the node carries its input's channels (BatchNorm,
 * depthwise conv) rather than producing or consuming them. `only` limits the parameters.
 */
export function paramSlices(
  ctx: RuleContext,
  opts: {
    readonly through?: boolean;
    readonly input?: number;
    readonly only?: (p: ParamInfo) => boolean;
  } = {},
): WeightSlice[] {
  const input = opts.input ?? 0;
  const inSize = ctx.inputs[input]?.size ?? 0;
  const out: WeightSlice[] = [];
  for (const p of ctx.node.params) {
    if (opts.only && !opts.only(p)) continue;
    if (p.inAxis !== undefined && inSize > 0) {
      const expand = p.shape[p.inAxis] / inSize;
      out.push({
        weight: p.name,
        axis: p.inAxis,
        side: 'in',
        ...(input !== 0 ? { input } : {}),
        ...(Number.isInteger(expand) && expand > 1 ? { expand } : {}),
        ...(opts.through ? { role: 'through' as const } : {}),
      });
    }
    if (p.outAxis !== undefined && p.outAxis !== p.inAxis) {
      out.push({
        weight: p.name,
        axis: p.outAxis,
        side: 'out',
        ...(opts.through ? { role: 'through' as const } : {}),
      });
    }
  }
  return out;
}
