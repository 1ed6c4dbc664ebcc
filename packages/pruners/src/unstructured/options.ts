import {
  type DataSource,
  InvalidArgumentError,
  layersNamed,
  type ModelGraph,
  type ParamInfo,
  type Schedule,
  type ScoreContext,
  type Scorer,
  UnknownLayerError,
} from '@prunekit/core';
import { type Granularity, checkFits, checkGranularity } from './granularity.js';

/**
 * How unstructuredPruner's ratio applies: per layer ('local') or as one threshold over all layers
 * ('global').
 */
export type PruneScope = 'local' | 'global';

/**
 * Options of unstructuredPruner: scorer, ratio or schedule, scope, per-layer ratios, granularity and
 * layers to ignore.
 */
export interface UnstructuredPrunerOptions {
  readonly scorer: Scorer;
  /**
   * Fraction of the targeted weights to prune, in [0, 1). With a schedule, the schedule's sparsity
   * replaces it at each step and `ratio` is only the reference for `ratios` (see there).
   */
  readonly ratio?: number;
  /** 'local': every layer loses the same fraction; 'global': one threshold over all layers. */
  readonly scope?: PruneScope;
  /** Layer names left out of pruning. */
  readonly ignore?: readonly string[];
  /**
   * Per-layer ratios, pruned locally even when scope is 'global'. With a schedule they scale with
   * it: a layer's target at a step is ratios[layer] · sparsity(step) / ratio.
   */
  readonly ratios?: Readonly<Record<string, number>>;
  /** Which parameters to prune (default: the prunable ones, i.e. Dense/Conv kernels). */
  readonly params?: (p: ParamInfo) => boolean;
  readonly schedule?: Schedule;
  /** Seed of the rng handed to the scorer. Default 0. */
  readonly seed?: number;
  /** Calibration data for scorers that need it. */
  readonly data?: DataSource;
  /** Extra context for the scorer (gradients, activations). */
  readonly context?: Partial<Omit<ScoreContext, 'graph' | 'rng' | 'masks'>>;
  /**
   * What one decision removes: single weights (default), an N:M pattern (`nmPattern(2, 4)`: the
   * ratio is then 1 − N/M and `ratio` may be left out) or blocks (`blockPattern(4, 1)`).
   */
  readonly granularity?: Granularity;
  /** Every layer loses at least this fraction (global scope; local ratios are clamped too). Default 0. */
  readonly minPerLayer?: number;
  /** No layer loses more than this fraction (global scope; local ratios are clamped too). Default 1. */
  readonly maxPerLayer?: number;
}

/** Validated options with the targeted parameters resolved. */
export interface ResolvedOptions {
  readonly scorer: Scorer;
  readonly ratio: number | undefined;
  readonly scope: PruneScope;
  readonly ratios: ReadonlyMap<string, number>;
  readonly targets: readonly ParamInfo[];
  readonly schedule: Schedule | undefined;
  readonly seed: number;
  readonly context: Partial<ScoreContext>;
  readonly granularity: Granularity;
  readonly minPerLayer: number;
  readonly maxPerLayer: number;
}

function checkRatio(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) {
    throw new InvalidArgumentError(
      `${field} must be in [0, 1), got ${JSON.stringify(v)}: it is the fraction of weights to prune (e.g. 0.5).`,
      { field, value: v },
    );
  }
  return v;
}

export function resolveOptions(graph: ModelGraph, opts: UnstructuredPrunerOptions): ResolvedOptions {
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
  const scope = opts.scope ?? 'local';
  if (scope !== 'local' && scope !== 'global') {
    throw new InvalidArgumentError(`scope must be 'local' or 'global', got ${JSON.stringify(scope)}.`, {
      field: 'scope',
      value: scope,
    });
  }
  if (opts.schedule !== undefined && typeof opts.schedule?.at !== 'function') {
    throw new InvalidArgumentError('schedule must be a Schedule, e.g. polynomialDecay({...}).', {
      field: 'schedule',
    });
  }
  const granularity = checkGranularity(opts.granularity);
  if (opts.schedule === undefined && opts.ratio === undefined && granularity.kind !== 'nm') {
    throw new InvalidArgumentError('ratio must be in [0, 1), got undefined: give a ratio or a schedule.', {
      field: 'ratio',
    });
  }
  const ratio = opts.ratio === undefined ? undefined : checkRatio('ratio', opts.ratio);
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new InvalidArgumentError(`seed must be an integer in [0, 2^32), got ${JSON.stringify(seed)}.`, {
      field: 'seed',
    });
  }
  if (opts.params !== undefined && typeof opts.params !== 'function') {
    throw new InvalidArgumentError('params must be a function (p: ParamInfo) => boolean.', {
      field: 'params',
    });
  }

  const layerNames = graph.nodes.map((n) => n.name);
  const ignore = layersNamed(graph, opts.ignore ?? [], 'ignore');
  const filter = opts.params ?? ((p: ParamInfo) => p.prunable);
  const targets = graph.params((p) => !ignore.has(p.node) && filter(p));
  if (targets.length === 0) {
    throw new InvalidArgumentError(
      'No parameters left to prune: every prunable parameter is ignored or filtered out by params.',
      { field: 'ignore' },
    );
  }

  const ratios = new Map<string, number>();
  for (const [name, r] of Object.entries(opts.ratios ?? {})) {
    if (!graph.hasNode(name)) throw new UnknownLayerError(name, 'ratios', layerNames);
    if (!targets.some((p) => p.node === name)) {
      throw new InvalidArgumentError(
        `ratios: layer '${name}' has no parameter being pruned (ignored, or no prunable weights); remove it from ratios.`,
        { field: 'ratios', layer: name },
      );
    }
    ratios.set(name, checkRatio(`ratios.${name}`, r));
  }
  if (opts.schedule && ratios.size > 0 && !(ratio !== undefined && ratio > 0)) {
    throw new InvalidArgumentError(
      'ratio must be in (0, 1) when ratios are used with a schedule: ratios scale by sparsity(step) / ratio.',
      { field: 'ratio' },
    );
  }
  for (const p of targets) checkFits(p, granularity);
  const bound = (field: string, v: number | undefined, dflt: number) => {
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      throw new InvalidArgumentError(`${field} must be a fraction in [0, 1], got ${JSON.stringify(v)}.`, {
        field,
        value: v,
      });
    }
    return v;
  };
  const minPerLayer = bound('minPerLayer', opts.minPerLayer, 0);
  const maxPerLayer = bound('maxPerLayer', opts.maxPerLayer, 1);
  if (minPerLayer > maxPerLayer) {
    throw new InvalidArgumentError(`minPerLayer (${minPerLayer}) is above maxPerLayer (${maxPerLayer}).`, {
      field: 'minPerLayer',
    });
  }
  return {
    granularity,
    minPerLayer,
    maxPerLayer,
    scorer: opts.scorer,
    ratio,
    scope,
    ratios,
    targets,
    schedule: opts.schedule,
    seed,
    context: { ...(opts.context ?? {}), ...(opts.data ? { data: opts.data } : {}) },
  };
}
