import type { StructuredRule } from '../channels/rule.js';
import { InvalidArgumentError, UnsupportedLayerError } from '../errors.js';
import type { ParamRole } from '../graph.js';

/**
 * How one named weight of a node class is described: what it is for and which of its axes index
 * channels. This is the one place a channel axis is stated; ParamInfo (graph), the structured
 * rules (`paramSlices`), compression and sparse conversion read it from here.
 */
export interface ParamSpec {
  readonly role: ParamRole;
  /** Axis that indexes the node's output channels. */
  readonly outAxis?: number;
  /** Axis that indexes the node's input channels. */
  readonly inAxis?: number;
  /** Whether weight-level pruners consider it by default (Dense/Conv kernels). */
  readonly prunable?: boolean;
}

/** The channel axes a param declares, as fields to spread into a ParamSpec or ParamInfo (absent ones left out). */
export function channelAxes(p: { readonly outAxis?: number; readonly inAxis?: number }): {
  outAxis?: number;
  inAxis?: number;
} {
  return {
    ...(p.outAxis !== undefined ? { outAxis: p.outAxis } : {}),
    ...(p.inAxis !== undefined ? { inAxis: p.inAxis } : {}),
  };
}

/** A ParamSpec from a declaration that may carry more fields (an op family's slot param, say). */
export function paramSpecOf(p: ParamSpec): ParamSpec {
  return { role: p.role, ...channelAxes(p), ...(p.prunable ? { prunable: true } : {}) };
}

/** Param specs by weight name ('kernel', 'bias', … for layers; an input slot for graph ops). */
export type ParamTable = Readonly<Record<string, ParamSpec>>;

/**
 * Everything prunekit knows about one class of node in one model format, in one value: its
 * weights (roles, channel axes), its MACs, and how structured pruning treats it. `Ctx` is what the
 * format's graph builder hands over for one node (a tfjs layer call for 'layers', an op node for
 * 'graph-model').
 */
export interface NodeSpec<Ctx = unknown> {
  /** The model format the spec belongs to ('layers', 'graph-model', …). */
  readonly format: string;
  /** The class / op name it describes ('Conv2D', '_FusedConv2D', …). */
  readonly name: string;
  readonly params: ParamTable;
  /** Multiply–accumulates for one sample (batch 1), dense. */
  macs(ctx: Ctx): number;
  /** How channels flow through the node (analyze), and how its config changes (editConfig, repairConfig). */
  readonly structured: StructuredRule;
}

/** A class a format knows and deliberately does not support, with the reason shown to users. */
export interface Refusal {
  readonly name: string;
  readonly reason: string;
}

/**
 * The specs of one model format, keyed by class / op name. Every format builds its registry with
 * `createSpecRegistry`, so layer specs, graph-model op specs and later ONNX op specs live beside
 * each other in one mechanism.
 */
export interface SpecRegistry<S extends NodeSpec<never>> {
  readonly format: string;
  /** The spec for a name, or undefined. */
  get(name: string): S | undefined;
  /** The spec for a name; throws UnsupportedLayerError naming the node (and the refusal reason, if any). */
  require(name: string, node: string, hint?: string): S;
  /** Registers (or replaces) a spec; checks it is complete. */
  register(spec: S): void;
  /** Removes a registered spec; a built-in one comes back. */
  unregister(name: string): void;
  /** Registered names, sorted. */
  names(): string[];
  /** Why a known name is refused, or undefined. */
  refused(name: string): string | undefined;
  /** All refusals, sorted by name. */
  refusals(): Refusal[];
}

/** Problems that make a spec incomplete (empty when it is complete). */
export function specProblems(spec: unknown, format: string): string[] {
  const s = spec as Partial<NodeSpec<unknown>> | undefined;
  if (!s || typeof s !== 'object') return ['a spec must be an object'];
  const out: string[] = [];
  if (s.format !== format) out.push(`format must be '${format}' (got ${JSON.stringify(s.format)})`);
  if (typeof s.name !== 'string' || s.name === '') out.push('name must be a non-empty string');
  if (!s.params || typeof s.params !== 'object')
    out.push('params must be a table of weight name → ParamSpec');
  else {
    for (const [w, p] of Object.entries(s.params)) {
      if (!p || typeof p.role !== 'string') out.push(`params.${w} needs a role`);
      for (const k of ['outAxis', 'inAxis'] as const) {
        const a = p?.[k];
        if (a !== undefined && !(Number.isInteger(a) && a >= 0))
          out.push(`params.${w}.${k} must be an axis ≥ 0`);
      }
    }
  }
  if (typeof s.macs !== 'function') out.push('macs(ctx) must be a function');
  if (!s.structured || typeof s.structured.analyze !== 'function') {
    out.push('structured.analyze(ctx) must be a function (a rule that freezes its channels is fine)');
  }
  return out;
}

/**
 * One registry per format, kept on a global so that two copies of a package in one process share
 * custom specs (the same reason tfjs keeps its kernel registry on a global).
 */
export function createSpecRegistry<S extends NodeSpec<never>>(
  format: string,
  builtins: readonly S[],
  refusals: readonly Refusal[] = [],
): SpecRegistry<S> {
  for (const b of builtins) {
    const problems = specProblems(b, format);
    if (problems.length > 0) {
      throw new InvalidArgumentError(
        `Built-in ${format} spec '${b.name}' is incomplete: ${problems.join('; ')}.`,
      );
    }
  }
  const key = Symbol.for(`@prunekit/specs/${format}`);
  const g = globalThis as unknown as Record<symbol, Map<string, S> | undefined>;
  const table = (): Map<string, S> => {
    let r = g[key];
    if (!r) {
      r = new Map(builtins.map((s) => [s.name, s]));
      g[key] = r;
    }
    return r;
  };
  const refused = new Map(refusals.map((r) => [r.name, r.reason]));
  const registerName = format === 'layers' ? 'registerLayerSpec' : `the ${format} spec registry`;
  return {
    format,
    get: (name) => table().get(name),
    require(name, node, hint = '') {
      const s = table().get(name);
      if (s) return s;
      const why = refused.get(name);
      throw new UnsupportedLayerError(
        node,
        name,
        [why ? `prunekit does not support it: ${why}.` : '', hint].filter(Boolean).join(' '),
        registerName,
      );
    },
    register(spec) {
      const problems = specProblems(spec, format);
      if (problems.length > 0) {
        const name = (spec as { name?: unknown })?.name;
        throw new InvalidArgumentError(
          `${registerName}(${JSON.stringify(name)}): the spec is incomplete: ${problems.join('; ')}.`,
          { format, name },
        );
      }
      table().set(spec.name, spec);
    },
    unregister(name) {
      const r = table();
      r.delete(name);
      const builtin = builtins.find((s) => s.name === name);
      if (builtin) r.set(name, builtin);
    },
    names: () => [...table().keys()].sort(),
    refused: (name) => (table().has(name) ? undefined : refused.get(name)),
    refusals: () =>
      [...refused].map(([name, reason]) => ({ name, reason })).sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}
