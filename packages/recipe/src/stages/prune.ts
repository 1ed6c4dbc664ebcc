/**
 * The score → prune stage of one level: a pruned copy of the dense model as the recipe's
 * `unstructured` or `structured` section says (scorer, granularity, scope, rounds, schedule, or a
 * pruner from another package). Between rounds and after the last the caller's `tune` runs (the
 * fine-tune stage), so iterative prune → fine-tune is one call. The dense model is never changed.
 */
import {
  type Batch,
  InvalidArgumentError,
  type MaskSet,
  type ModelGraph,
  maskSparsity,
  type Pruner,
  type Scorer,
  writeMasks,
} from '@prunekit/core';
import { buildGraph, cloneModel } from '@prunekit/layers';
import { channelPruner, rewindWeights, snapshotWeights, unstructuredPruner } from '@prunekit/pruners';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModuleImporter } from '../modules.js';
import type { StructuredConfig, UnstructuredConfig } from '../pruning.js';
import { granularityOf, resolvePrunerFactory, resolveScorer, scheduleFor } from '../resolve.js';
import { needsData, scorerContext } from './calibrate.js';

/** Which pruning section a prune stage runs. */
export type PruneMethod = 'unstructured' | 'structured';

/** Options of pruneStage: the dense model, the method, its section and level, seed and the fine-tune hook. */
export interface PruneStageOptions {
  readonly dense: tfl.LayersModel;
  readonly method: PruneMethod;
  readonly section: UnstructuredConfig | StructuredConfig;
  readonly level: number;
  readonly seed: number;
  /**
   * Per-layer sparsity for the named layers (unstructured; pruned locally whatever the scope), as
   * the unstructured pruner's `ratios`.
   */
  readonly ratios?: Readonly<Record<string, number>>;
  /** Folder the recipe's relative module paths resolve against. */
  readonly baseDir: string;
  /** How `module:` scorers and pruners are loaded (default `import()`). */
  readonly importModule?: ModuleImporter;
  /** Fresh calibration batches for one round (the stage disposes them); undefined when there is no data. */
  readonly calibration?: () => Batch[] | undefined;
  /** The fine-tune stage, run after every round (masks kept at zero for unstructured pruning). */
  readonly tune?: (
    model: tfl.LayersModel,
    round: number,
    masks?: MaskSet,
    graph?: ModelGraph,
  ) => Promise<void>;
  readonly onRound?: (round: number, rounds: number, sparsity: number) => void;
}

/**
 * What pruneStage returns: the pruned copy, its masks (unstructured), the sparsity achieved and the
 * rounds run.
 */
export interface PrunedCopy {
  /** The pruned model, the caller's to dispose. */
  readonly model: tfl.LayersModel;
  /** Masks in force (unstructured). */
  readonly masks?: MaskSet;
  /** Achieved sparsity of the last round. */
  readonly achieved: number;
  readonly rounds: number;
}

const disposeBatches = (b: Batch[] | undefined) => {
  for (const x of b ?? []) tf.dispose([x.x, x.y ?? []].flat());
};

/** Masks that only grow: a weight pruned in an earlier round stays pruned. */
function keepPruned(prev: MaskSet | undefined, next: MaskSet): MaskSet {
  if (!prev) return next;
  const out: MaskSet = new Map();
  for (const [id, m] of next) {
    const p = prev.get(id);
    const data = m.data.slice();
    if (p) for (let i = 0; i < data.length; i++) data[i] &= p.data[i];
    out.set(id, { shape: [...m.shape], data });
  }
  return out;
}

async function scored<T>(
  opts: PruneStageOptions,
  graph: ModelGraph,
  scorer: Scorer,
  run: (context: Awaited<ReturnType<typeof scorerContext>>) => Promise<T>,
): Promise<T> {
  const batches = needsData(scorer) ? opts.calibration?.() : undefined;
  try {
    return await run(await scorerContext(graph, scorer, batches, `${opts.method}.scorer`));
  } finally {
    disposeBatches(batches);
  }
}

/** A pruned copy of `dense` at `level` (see the module comment). */
export async function pruneStage(opts: PruneStageOptions): Promise<PrunedCopy> {
  const { section, level, method } = opts;
  const scorer = await resolveScorer(section.scorer, opts.baseDir, `${method}.scorer`, opts.importModule);
  const factory = section.pruner
    ? await resolvePrunerFactory(section.pruner, opts.baseDir, method, opts.importModule)
    : undefined;
  if (method === 'structured') {
    const s = section as StructuredConfig;
    const graph = buildGraph(opts.dense, { ignore: s.ignore });
    const res = await scored(opts, graph, scorer, async (context) => {
      if (factory) {
        const p = factory(graph, {
          scorer,
          ratio: level,
          scope: s.scope,
          ignore: s.ignore,
          seed: opts.seed,
          context,
          options: section.pruner!.options,
        });
        return applyOnce(p, method);
      }
      return channelPruner(graph, {
        scorer,
        ratio: level,
        scope: s.scope,
        ignore: s.ignore,
        roundTo: s.roundTo,
        maxPerLayer: s.maxPerLayer,
        steps: s.steps,
        seed: opts.seed,
        context,
      }).run();
    });
    const model = res.kind === 'channels' ? (res.model as tfl.LayersModel | undefined) : undefined;
    if (!model || typeof (model as { predict?: unknown }).predict !== 'function') {
      throw new InvalidArgumentError(
        `structured.pruner: '${section.pruner?.export}' of '${section.pruner?.module}' returned no model from apply(); a structured pruner returns { kind: 'channels', model, sparsity }.`,
        { field: 'structured.pruner' },
      );
    }
    opts.onRound?.(0, 1, res.sparsity);
    await opts.tune?.(model, 0);
    return { model, achieved: res.sparsity, rounds: 1 };
  }
  const u = section as UnstructuredConfig;
  const rounds = u.steps;
  const schedule = scheduleFor(u.schedule, level, rounds);
  const model = await cloneModel(opts.dense);
  try {
    let masks: MaskSet | undefined;
    let achieved = 0;
    let graph = buildGraph(model, { ignore: u.ignore });
    // lotteryTicket: the surviving weights go back to the dense ones after every pruning.
    const rewindTo = u.schedule?.type === 'lotteryTicket' ? snapshotWeights(graph) : undefined;
    for (let round = 0; round < rounds; round++) {
      const { prune, sparsity } = schedule.at(round);
      if (prune || round === rounds - 1) {
        graph = buildGraph(model, { ignore: u.ignore });
        const next = await scored(opts, graph, scorer, async (context) => {
          const pruner: Pruner = factory
            ? factory(graph, {
                scorer,
                ratio: sparsity,
                scope: u.scope,
                ignore: u.ignore,
                seed: opts.seed + round,
                context,
                options: u.pruner!.options,
              })
            : unstructuredPruner(graph, {
                scorer,
                ratio: sparsity,
                scope: u.scope,
                ignore: u.ignore,
                granularity: granularityOf(u.granularity),
                ...(opts.ratios ? { ratios: opts.ratios } : {}),
                seed: opts.seed + round,
                context,
              });
          const res = await applyOnce(pruner, method);
          if (res.kind !== 'masks' || !res.masks) {
            throw new InvalidArgumentError(
              `unstructured.pruner: '${u.pruner?.export}' of '${u.pruner?.module}' returned no masks from apply(); an unstructured pruner returns { kind: 'masks', masks, sparsity }.`,
              { field: 'unstructured.pruner' },
            );
          }
          return res.masks;
        });
        masks = keepPruned(masks, next);
        if (rewindTo) rewindWeights(graph, rewindTo, masks);
        else writeMasks(graph.weights, masks);
        achieved = maskSparsity(masks);
      }
      opts.onRound?.(round, rounds, achieved);
      await opts.tune?.(model, round, masks, graph);
    }
    return { model, masks, achieved, rounds };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

async function applyOnce(p: Pruner, method: PruneMethod) {
  if (!p || typeof p.plan !== 'function' || typeof p.apply !== 'function') {
    throw new InvalidArgumentError(
      `${method}.pruner: the factory returned no Pruner (an object with plan() and apply()).`,
      {
        field: `${method}.pruner`,
      },
    );
  }
  return p.apply(await p.plan(0));
}
