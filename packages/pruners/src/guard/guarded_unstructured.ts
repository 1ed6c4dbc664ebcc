/**
 * Unstructured pruning under a safety guard, one layer at a time: prune the layer's weights (in
 * place, on the live model), measure the safety metric, and if it worsened by more than maxDrop
 * against the unpruned model, write the layer's weights back and keep it out of later rounds.
 */
import { InvalidArgumentError, layersNamed, type MaskSet, type ModelGraph } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { UnstructuredPrunerOptions } from '../unstructured/options.js';
import { unstructuredPruner } from '../unstructured/unstructured_pruner.js';
import type { GuardLog, GuardStep } from './log.js';
import { createJudge, type Guards, toGuardList } from './judge.js';

/**
 * Options of guardedUnstructuredPrune: the unstructured pruner's options with one ratio reached in
 * `steps` rounds.
 */
export interface GuardedUnstructuredOptions
  extends Omit<UnstructuredPrunerOptions, 'schedule' | 'scope' | 'ratios' | 'ratio'> {
  /** Fraction of each layer's targeted weights to remove, in [0, 1). */
  readonly ratio: number;
  /** Reach `ratio` in this many rounds (k/steps · ratio at round k); default 1. */
  readonly steps?: number;
}

/** What guardedUnstructuredPrune returns: the masks in force and the guards' log. */
export interface GuardedUnstructuredResult {
  /** Masks in force (accepted layers only), e.g. for fineTune({ masks }). */
  readonly masks: MaskSet;
  readonly log: GuardLog;
}

/** Writes saved values back into the graph's parameters. */
function restore(graph: ModelGraph, saved: ReadonlyMap<string, Float32Array>): void {
  for (const [id, v] of saved) {
    const t = tf.tensor(v, [...graph.param(id).shape]);
    graph.weights.assign(id, t);
    t.dispose();
  }
}

/**
 * Prunes `graph`'s model in place, layer by layer, keeping each layer's step only if the guard
 * allows it. Layers are tried in graph order.
 */
export async function guardedUnstructuredPrune(
  graph: ModelGraph,
  opts: GuardedUnstructuredOptions,
  guards: Guards,
): Promise<GuardedUnstructuredResult> {
  toGuardList(guards);
  const steps = opts.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 1) {
    throw new InvalidArgumentError(`steps must be an integer ≥ 1, got ${JSON.stringify(steps)}.`, {
      field: 'steps',
    });
  }
  const ignore = layersNamed(graph, opts.ignore ?? [], 'ignore');
  const select = opts.params ?? ((p) => p.prunable);
  const targets = graph.params((p) => select(p) && !ignore.has(p.node));
  const layers = [...new Set(targets.map((p) => p.node))];
  if (layers.length === 0) {
    throw new InvalidArgumentError(
      'guardedUnstructuredPrune: no parameter to prune (check params / ignore).',
      {
        field: 'params',
      },
    );
  }
  // Validates scorer, ratio, granularity with the pruner's own typed errors.
  unstructuredPruner(graph, { ...opts, params: (p) => select(p) && !ignore.has(p.node), ignore: undefined });
  const judge = await createJudge(guards, graph.source as tfl.LayersModel);
  const safety = judge.primary;
  const reference = judge.references[0].value;
  const excluded = new Set<string>();
  const masks: MaskSet = new Map();
  const log: GuardStep[] = [];
  let final = reference;
  for (let round = 0; round < steps; round++) {
    const ratio = (opts.ratio * (round + 1)) / steps;
    for (const layer of layers) {
      if (excluded.has(layer)) continue;
      const mine = (p: { node: string; id: string }) =>
        p.node === layer && targets.some((t) => t.id === p.id);
      const saved = new Map(graph.params(mine).map((p) => [p.id, graph.weights.values(p.id)]));
      const pruner = unstructuredPruner(graph, {
        ...opts,
        ratio,
        scope: 'local',
        ignore: undefined,
        params: mine,
      });
      await pruner.step(0);
      const layerMasks = pruner.masks();
      let removed = 0;
      for (const m of layerMasks.values()) for (const b of m.data) removed += b === 0 ? 1 : 0;
      const verdict = await judge.judge(graph.source as tfl.LayersModel);
      const ok = verdict.allowed;
      const value = verdict.checks[0].value;
      if (ok) {
        for (const [id, m] of layerMasks) masks.set(id, m);
        final = value;
      } else {
        restore(graph, saved);
        excluded.add(layer);
      }
      log.push({
        kind: 'layer',
        id: layer,
        layers: [layer],
        round,
        removed,
        value,
        drop: safety.drop(reference, value),
        accepted: ok,
        checks: verdict.checks,
      });
    }
  }
  return {
    masks,
    log: {
      metric: safety.metric,
      maxDrop: safety.maxDrop,
      reference,
      final,
      references: judge.references,
      steps: log,
      excluded: [...excluded],
    },
  };
}
