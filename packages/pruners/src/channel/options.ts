import {
  type DataSource,
  type DependencyGroup,
  InvalidArgumentError,
  layersNamed,
  type ModelGraph,
  type ScoreContext,
  type Scorer,
  UnknownLayerError,
} from '@prunekit/core';
import type { LayerSpec } from '@prunekit/layers';

/**
 * How channelPruner's ratio applies: to every group alike ('local') or as one ranking over all groups
 * ('global').
 */
export type ChannelScope = 'local' | 'global';

/**
 * Options of channelPruner: scorer, fraction of channels to remove, scope, per-layer ratios, layers to
 * ignore, rounding and steps.
 */
export interface ChannelPrunerOptions {
  /** Scores the channels of a group, e.g. magnitude({ reduction: 'sum', normalizer: 'mean' }). */
  readonly scorer: Scorer;
  /**
   * Fraction of channels to remove, in [0, 1): of every group ('local'), or of all prunable
   * channels together ('global').
   */
  readonly ratio: number;
  /** 'local' (default): every group loses `ratio`; 'global': one ranking across groups. */
  readonly scope?: ChannelScope;
  /** Same as scope: 'global' (the spelling in the design sketch). */
  readonly global?: boolean;
  /** Global scope: the most any one group may lose, in (0, 1]; default 0.9. At least one channel always stays. */
  readonly maxPerLayer?: number;
  /** Per-layer ratios in [0, 1], keyed by a layer that produces a group's channels; those groups are pruned locally. */
  readonly ratios?: Readonly<Record<string, number>>;
  /** Layers whose output channels are kept (model outputs are always kept unless pruneOutputs). */
  readonly ignore?: readonly string[];
  readonly pruneOutputs?: boolean;
  /** Keep channel counts multiples of N where a group is large enough (e.g. 4 or 8 for SIMD). Default 1. */
  readonly roundTo?: number;
  /** Iterative pruning in run(): reach `ratio` in this many plan → surgery rounds. Default 1. */
  readonly steps?: number;
  /** Seed of the rng handed to the scorer. Default 0. */
  readonly seed?: number;
  /** Calibration data for scorers that need it. */
  readonly data?: DataSource;
  /** Extra scorer context (gradients, activations). */
  readonly context?: Partial<Omit<ScoreContext, 'graph' | 'rng'>>;
  /** Layer specs for custom layers (their `structured` rule is used), for this pruner only. */
  readonly specs?: readonly LayerSpec[];
}

export interface ResolvedChannelOptions {
  readonly scorer: Scorer;
  readonly ratio: number;
  readonly scope: ChannelScope;
  readonly maxPerLayer: number;
  readonly ratios: ReadonlyMap<string, number>;
  readonly ignore: readonly string[];
  readonly pruneOutputs: boolean;
  readonly roundTo: number;
  readonly steps: number;
  readonly seed: number;
  readonly context: Partial<ScoreContext>;
  readonly specs: readonly LayerSpec[];
}

function check(field: string, v: unknown, ok: (x: number) => boolean, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
    throw new InvalidArgumentError(`${field} must be ${what}, got ${JSON.stringify(v)}.`, {
      field,
      value: v,
    });
  }
  return v;
}

export function resolveChannelOptions(graph: ModelGraph, opts: ChannelPrunerOptions): ResolvedChannelOptions {
  if (!graph || typeof graph.params !== 'function') {
    throw new InvalidArgumentError('graph must be a ModelGraph (build one with buildGraph(model)).', {
      field: 'graph',
    });
  }
  if (!opts || typeof opts.scorer?.score !== 'function') {
    throw new InvalidArgumentError('scorer must be a Scorer, e.g. magnitude() from @prunekit/scorers.', {
      field: 'scorer',
    });
  }
  const scope = opts.scope ?? (opts.global ? 'global' : 'local');
  if (scope !== 'local' && scope !== 'global') {
    throw new InvalidArgumentError(`scope must be 'local' or 'global', got ${JSON.stringify(scope)}.`, {
      field: 'scope',
    });
  }
  const ratio = check(
    'ratio',
    opts.ratio,
    (x) => x >= 0 && x < 1,
    'a fraction of channels in [0, 1) (e.g. 0.5)',
  );
  const maxPerLayer = check('maxPerLayer', opts.maxPerLayer ?? 0.9, (x) => x > 0 && x <= 1, 'in (0, 1]');
  const roundTo = check('roundTo', opts.roundTo ?? 1, (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1');
  const steps = check('steps', opts.steps ?? 1, (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1');
  const seed = check(
    'seed',
    opts.seed ?? 0,
    (x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff,
    'an integer in [0, 2^32)',
  );
  const names = graph.nodes.map((n) => n.name);
  layersNamed(graph, opts.ignore ?? [], 'ignore');
  const ratios = new Map<string, number>();
  for (const [name, r] of Object.entries(opts.ratios ?? {})) {
    if (!graph.hasNode(name)) throw new UnknownLayerError(name, 'ratios', names);
    check(`ratios.${name}`, r, (x) => x >= 0 && x <= 1, 'a fraction in [0, 1]');
    if (r === 1) {
      throw new InvalidArgumentError(
        `ratios.${name} = 1 would remove every output channel of layer '${name}'; a layer keeps at least one channel — use a ratio below 1.`,
        { field: `ratios.${name}`, layer: name },
      );
    }
    ratios.set(name, r);
  }
  return {
    scorer: opts.scorer,
    ratio,
    scope,
    maxPerLayer,
    ratios,
    ignore: [...(opts.ignore ?? [])],
    pruneOutputs: opts.pruneOutputs ?? false,
    roundTo,
    steps,
    seed,
    context: { ...(opts.context ?? {}), ...(opts.data ? { data: opts.data } : {}) },
    specs: [...(opts.specs ?? [])],
  };
}

/** The explicit ratio for a group: the first of its roots listed in `ratios`. */
export function groupRatio(group: DependencyGroup, ratios: ReadonlyMap<string, number>): number | undefined {
  for (const r of group.roots) if (ratios.has(r)) return ratios.get(r);
  return undefined;
}

/** Checks that every layer named in `ratios` produces channels of some prunable group. */
export function checkRatioLayers(
  groups: readonly DependencyGroup[],
  ratios: ReadonlyMap<string, number>,
  frozen: (layer: string) => string | undefined,
): void {
  for (const name of ratios.keys()) {
    if (groups.some((g) => g.roots.includes(name))) continue;
    const why = frozen(name);
    throw new InvalidArgumentError(
      `ratios: layer '${name}' produces no prunable channels${why ? ` (${why})` : ' (it has no output channels of its own)'}; remove it from ratios.`,
      { field: 'ratios', layer: name },
    );
  }
}
