import {
  copyMasks,
  createMask,
  createRng,
  createStatsCache,
  type InPlacePruneResult,
  type InPlacePruner,
  InvalidArgumentError,
  intersectMasks,
  type MaskPlan,
  type MaskSet,
  type ModelGraph,
  maskSparsity,
  type ParamInfo,
  type ScoreContext,
  scoreTarget,
  writeMasks,
} from '@prunekit/core';
import { type ResolvedOptions, type UnstructuredPrunerOptions, resolveOptions } from './options.js';
import { selectGlobalBounded } from './bounded.js';
import { blockIndex, blockScores, expandBlocks, nmMask } from './granularity.js';
import { type Scored, selectGlobal, selectLocal } from './select.js';

/**
 * A weight-level pruner: apply() masks the weights of the graph's model IN PLACE (ownership
 * 'in-place'); besides the Pruner contract it exposes its targets and masks.
 */
export interface UnstructuredPruner extends InPlacePruner {
  /** Parameters this pruner prunes. */
  readonly targets: readonly ParamInfo[];
  /** Copies of the masks in force (all ones before the first apply). */
  masks(): MaskSet;
  /** plan(step) then apply. */
  step(step?: number): Promise<InPlacePruneResult>;
}

async function scoreTargets(o: ResolvedOptions, ctx: ScoreContext, current: MaskSet) {
  const items: Scored[] = [];
  for (const param of o.targets) {
    const scores = await scoreTarget(o.scorer, { kind: 'weight', param }, ctx);
    items.push({ param, scores, current: current.get(param.id)! });
  }
  return items;
}

/** Scores with already-pruned weights at −∞ (so they stay pruned whatever the granularity). */
function forceAll(items: Scored[]): Scored[] {
  return items.map((s) => {
    const scores = Float32Array.from(s.scores);
    for (let i = 0; i < scores.length; i++) if (s.current.data[i] === 0) scores[i] = -Infinity;
    return { ...s, scores };
  });
}

/** The block view of a scored kernel: one score per block, a block counted pruned if any weight is. */
function toBlocks(s: Scored, index: ReturnType<typeof blockIndex>): Scored {
  const scores = blockScores(s.scores, index);
  const current = { shape: [index.count], data: new Uint8Array(index.count) };
  for (let b = 0; b < index.count; b++) current.data[b] = scores[b] === -Infinity ? 0 : 1;
  return { param: { ...s.param, shape: [index.count] }, scores, current };
}

/**
 * Unstructured (weight-level) pruning. plan(step) scores the targeted weights and picks the
 * lowest — per layer ('local') or with one threshold over all layers ('global'); apply(plan)
 * zeros them in the model. Masks only grow: a weight pruned at one step stays pruned.
 */
export function unstructuredPruner(graph: ModelGraph, opts: UnstructuredPrunerOptions): UnstructuredPruner {
  const o = resolveOptions(graph, opts);
  let current: MaskSet = new Map(o.targets.map((p) => [p.id, createMask(p.shape, 1)]));

  const targetAt = (step: number): { prune: boolean; sparsity: number } =>
    o.schedule ? o.schedule.at(step) : { prune: true, sparsity: o.ratio! };
  const layerRatio =
    (sparsity: number) =>
    (p: ParamInfo): number => {
      const r = o.ratios.get(p.node);
      if (r === undefined) return Math.min(o.maxPerLayer, Math.max(o.minPerLayer, sparsity));
      return o.schedule ? Math.min(r * (sparsity / o.ratio!), 0.999999) : r;
    };

  const plan = (step: number, sparsity: number, masks: MaskSet): MaskPlan => ({
    kind: 'masks',
    step,
    sparsity,
    masks,
  });
  const pruner: UnstructuredPruner = {
    ownership: 'in-place',
    targets: o.targets,
    masks: () => copyMasks(current),

    async plan(step = 0) {
      if (!Number.isInteger(step) || step < 0) {
        throw new InvalidArgumentError(`step must be a non-negative integer, got ${JSON.stringify(step)}.`, {
          field: 'step',
        });
      }
      const { prune, sparsity } = targetAt(step);
      if (!prune) return plan(step, sparsity, copyMasks(current));
      const rng = createRng((Math.imul(o.seed, 0x9e3779b1) + step) >>> 0);
      // A fresh statistics cache per step: the weights (masks, training) change between steps.
      const ctx: ScoreContext = {
        ...o.context,
        graph,
        rng,
        masks: copyMasks(current),
        statsCache: createStatsCache(),
      };
      const items = forceAll(await scoreTargets(o, ctx, current));
      const g = o.granularity;
      if (g.kind === 'nm') {
        const masks: MaskSet = new Map(items.map((s) => [s.param.id, nmMask(s.param, s.scores, g.n, g.m)]));
        return plan(step, 1 - g.n / g.m, masks);
      }
      const blocks = g.kind === 'block' ? items.map((s) => blockIndex(s.param, g.rows, g.cols)) : undefined;
      const units: Scored[] = blocks ? items.map((s, k) => toBlocks(s, blocks[k])) : items;
      const ratioOf = layerRatio(sparsity);
      const local = o.scope === 'local' ? units : units.filter((s) => o.ratios.has(s.param.node));
      const picked = selectLocal(local, ratioOf);
      if (o.scope === 'global') {
        const pool = units.filter((s) => !o.ratios.has(s.param.node));
        const bounded = o.minPerLayer > 0 || o.maxPerLayer < 1;
        const chosen = bounded
          ? selectGlobalBounded(pool, sparsity, o.minPerLayer, o.maxPerLayer)
          : selectGlobal(pool, sparsity);
        for (const [id, m] of chosen) picked.set(id, m);
      }
      const masks: MaskSet = blocks
        ? new Map(
            items.map((s, k) => [
              s.param.id,
              expandBlocks(s.param.shape, picked.get(s.param.id)!.data, blocks[k]),
            ]),
          )
        : picked;
      return plan(step, sparsity, masks);
    },

    async apply(p) {
      if (p?.kind !== 'masks' || !p.masks) {
        throw new InvalidArgumentError(
          `apply: an unstructured pruner applies a { kind: 'masks' } plan, got ${JSON.stringify(p?.kind)} (was it made by a channel pruner?).`,
          { field: 'plan' },
        );
      }
      const next = copyMasks(current);
      for (const [id, m] of p.masks) {
        const prev = next.get(id);
        next.set(id, prev ? intersectMasks(prev, m) : { shape: [...m.shape], data: m.data.slice() });
      }
      writeMasks(graph.weights, next);
      current = next;
      return { kind: 'masks', plan: p, masks: copyMasks(current), sparsity: maskSparsity(current) };
    },

    async step(step = 0) {
      return pruner.apply(await pruner.plan(step));
    },
  };
  return pruner;
}
