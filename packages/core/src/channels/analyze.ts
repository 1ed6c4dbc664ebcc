import { UnsupportedLayerError } from '../errors.js';
import { type GraphNode, layersNamed, type ModelGraph } from '../graph.js';
import type { DependencyGroup, GroupMember } from '../groups.js';
import { AtomTable } from './atoms.js';
import { atomLayout, expandLayout, type Layout } from './layout.js';
import type { RuleContext, StructuredRule, WeightSlice } from './rule.js';

/** Options of the channel analysis: layers left out of pruning and whether the model's outputs may be pruned. */
export interface ChannelAnalysisOptions {
  /**
   * Layers whose output channels are kept. A layer of a class without a structured rule may be
   * listed here too: it is then left exactly as it is (its input channels are kept as well).
   */
  readonly ignore?: readonly string[];
  /** Allow removing channels of the model's outputs (default false: outputs are kept). */
  readonly pruneOutputs?: boolean;
}

/** Where the analysis finds each node's rule, and what it says when a node has none. */
export interface RuleSource {
  rule(node: GraphNode): StructuredRule | undefined;
  /** Extra advice for the UnsupportedLayerError thrown for a node without a rule. */
  missing?(node: GraphNode): string;
  /**
   * The axis of a node's output that indexes channels; default the last (channels-last formats).
   * ONNX tensors are channels-first (axis 1).
   */
  channelAxis?(node: GraphNode): number;
}

/** A set of coupled channels that must stay (and why). */
export interface FrozenGroup {
  readonly id: string;
  readonly size: number;
  readonly roots: readonly string[];
  readonly reason: string;
}

/** The dependency groups of a model plus what surgery needs to carry them out. */
export interface ChannelAnalysis {
  readonly graph: ModelGraph;
  /** Groups that can lose channels, in topological order of their first root. */
  readonly groups: readonly DependencyGroup[];
  readonly frozen: readonly FrozenGroup[];
  /** Channel layout of each layer's output. */
  readonly layouts: ReadonlyMap<string, Layout>;
  /** Channel-indexed weight axes of each layer. */
  readonly slices: ReadonlyMap<string, readonly WeightSlice[]>;
  readonly rules: ReadonlyMap<string, StructuredRule | undefined>;
  readonly atoms: AtomTable;
  /** Group id → the atom class representative. */
  readonly groupClass: ReadonlyMap<string, number>;
}

function sameStructure(atoms: AtomTable, a: Layout, b: Layout): boolean {
  if (a.size !== b.size || a.segments.length !== b.segments.length) return false;
  return a.segments.every((s, i) => {
    const t = b.segments[i];
    return (
      s.offset === t.offset &&
      s.scale === t.scale &&
      s.stride === t.stride &&
      s.repeat === t.repeat &&
      atoms.size(s.atom) === atoms.size(t.atom)
    );
  });
}

function channelAxisOf(source: RuleSource, node: GraphNode): number {
  return source.channelAxis?.(node) ?? Math.max(0, node.outputShape.length - 1);
}

function channelCount(source: RuleSource, node: GraphNode): number {
  const d = node.outputShape[channelAxisOf(source, node)];
  return typeof d === 'number' ? d : 0;
}

/**
 * Walks the graph in topological order and finds which channels are coupled: every layer's rule
 * says how channels pass through it, element-wise merges join atoms into groups, and each group
 * lists every (layer, parameter, axis, indices) one of its channels touches.
 */
export function analyzeChannelsWith(
  graph: ModelGraph,
  source: RuleSource,
  opts: ChannelAnalysisOptions = {},
): ChannelAnalysis {
  const ignore = layersNamed(graph, opts.ignore ?? [], 'ignore');
  const atoms = new AtomTable();
  const layouts = new Map<string, Layout>();
  const slices = new Map<string, readonly WeightSlice[]>();
  const rules = new Map<string, StructuredRule | undefined>();

  const freeze = (l: Layout, why: string) => {
    for (const s of l.segments) atoms.freeze(s.atom, why);
  };

  for (const node of graph.nodes) {
    const inputs = node.inputs.map((i) => layouts.get(i)!);
    const outChannels = channelCount(source, node);
    const rule = source.rule(node);
    rules.set(node.name, rule);
    if (!rule) {
      if (!ignore.has(node.name)) {
        throw new UnsupportedLayerError(node.name, node.className, source.missing?.(node) ?? '');
      }
      const why = `'${node.name}' (${node.className}) is ignored and has no structured rule`;
      for (const l of inputs) freeze(l, why);
      layouts.set(node.name, atomLayout(atoms.create(outChannels), outChannels));
      freeze(layouts.get(node.name)!, why);
      continue;
    }
    const ctx: RuleContext = {
      node,
      inputs,
      outChannels,
      produce: (size) => atomLayout(atoms.create(size, node.name), size),
      fixed: (size, why) => {
        const l = atomLayout(atoms.create(size), size);
        freeze(l, why);
        return l;
      },
      unify(a, b) {
        if (sameStructure(atoms, a, b)) {
          a.segments.forEach((s, i) => {
            atoms.union(s.atom, b.segments[i].atom);
          });
        } else {
          const why = `'${node.name}' couples channel sets of different structure`;
          freeze(a, why);
          freeze(b, why);
        }
      },
      freeze,
    };
    const result = rule.analyze(ctx);
    layouts.set(node.name, result.output);
    const kept: WeightSlice[] = [];
    for (const s of result.slices ?? []) {
      const param = node.params.find((p) => p.name === s.weight);
      if (!param) continue;
      const base = s.side === 'out' ? result.output : inputs[s.input ?? 0];
      const layout = expandLayout(base, s.expand ?? 1);
      kept.push(s);
      const role = s.role ?? (s.side === 'out' ? 'out' : 'in');
      for (const seg of layout.segments) {
        const member: GroupMember = {
          node: node.name,
          param: param.id,
          axis: s.axis,
          offset: seg.offset,
          scale: seg.scale,
          stride: seg.stride,
          repeat: seg.repeat,
          role,
        };
        atoms.addMember(seg.atom, member);
      }
    }
    slices.set(node.name, kept);
    // The activation itself, for scorers that read activations.
    const axis = channelAxisOf(source, node);
    for (const seg of result.output.segments) {
      const role = atoms.root(seg.atom) === node.name ? 'out' : 'through';
      atoms.addMember(seg.atom, { node: node.name, axis, ...seg, role });
    }
    if (ignore.has(node.name)) freeze(result.output, `'${node.name}' is ignored`);
  }
  if (!opts.pruneOutputs) {
    for (const o of graph.outputs) freeze(layouts.get(o)!, `'${o}' is a model output`);
  }
  return collectGroups(graph, atoms, { layouts, slices, rules });
}

function collectGroups(
  graph: ModelGraph,
  atoms: AtomTable,
  parts: Pick<ChannelAnalysis, 'layouts' | 'slices' | 'rules'>,
): ChannelAnalysis {
  const classes = new Map<number, number[]>();
  for (let a = 0; a < atoms.count; a++) {
    const r = atoms.find(a);
    classes.set(r, [...(classes.get(r) ?? []), a]);
  }
  const order = new Map(graph.nodes.map((n, i) => [n.name, i]));
  const groups: { g: DependencyGroup; at: number }[] = [];
  const frozen: FrozenGroup[] = [];
  const groupClass = new Map<string, number>();
  for (const [rep, members] of classes) {
    const roots = members.map((a) => atoms.root(a)).filter((r): r is string => r !== undefined);
    roots.sort((a, b) => order.get(a)! - order.get(b)!);
    const size = atoms.size(rep);
    const id =
      roots.length === 0 ? `#${rep}` : roots.length === 1 ? roots[0] : `${roots[0]}+${roots.length - 1}`;
    const reason =
      atoms.frozenReason(rep) ?? (roots.length === 0 ? 'no layer produces these channels' : undefined);
    if (reason !== undefined) {
      frozen.push({ id, size, roots, reason });
      continue;
    }
    const list = members.flatMap((a) => atoms.membersOf(a));
    groups.push({ g: { id, size, roots, members: list }, at: order.get(roots[0])! });
    groupClass.set(id, rep);
  }
  groups.sort((a, b) => a.at - b.at);
  return { graph, groups: groups.map((x) => x.g), frozen, atoms, groupClass, ...parts };
}
