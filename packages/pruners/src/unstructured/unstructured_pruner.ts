import {
  InvalidArgumentError,
  type Mask,
  type MaskSet,
  type ModelGraph,
  type ParamInfo,
  type PrunePlan,
  type PruneResult,
  type Pruner,
  type ScoreContext,
  ShapeError,
  createMask,
  createRng,
  intersectMasks,
  sizeOf,
} from '@prunekit/core';
import { applyMasks } from '@prunekit/layers';
import { type ResolvedOptions, type UnstructuredPrunerOptions, resolveOptions } from './options.js';
import { type Scored, selectGlobal, selectLocal } from './select.js';

/** A weight-level pruner; besides the Pruner contract it exposes its targets and masks. */
export interface UnstructuredPruner extends Pruner {
  /** Parameters this pruner prunes. */
  readonly targets: readonly ParamInfo[];
  /** Copies of the masks in force (all ones before the first apply). */
  masks(): MaskSet;
  /** plan(step) then apply. */
  step(step?: number): Promise<PruneResult>;
}

function copyMasks(m: ReadonlyMap<string, Mask>): MaskSet {
  return new Map([...m].map(([id, mask]) => [id, { shape: [...mask.shape], data: mask.data.slice() }]));
}

/** Fraction of pruned weights over the given masks. */
export function maskSetSparsity(masks: ReadonlyMap<string, Mask>): number {
  let zeros = 0;
  let total = 0;
  for (const m of masks.values()) {
    total += m.data.length;
    for (let i = 0; i < m.data.length; i++) if (m.data[i] === 0) zeros++;
  }
  return total === 0 ? 0 : zeros / total;
}

async function scoreTargets(o: ResolvedOptions, ctx: ScoreContext, current: MaskSet) {
  const items: Scored[] = [];
  for (const param of o.targets) {
    const s = await o.scorer.score({ kind: 'weight', param }, ctx);
    if (s.kind !== 'weight' || s.param !== param.id || s.values.length !== sizeOf(param.shape)) {
      throw new ShapeError(
        `Scorer '${o.scorer.name}' did not return ${sizeOf(param.shape)} per-weight scores for '${param.id}'.`,
        { param: param.id },
      );
    }
    items.push({ param, scores: s.values, current: current.get(param.id)! });
  }
  return items;
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
      if (r === undefined) return sparsity;
      return o.schedule ? Math.min(r * (sparsity / o.ratio!), 0.999999) : r;
    };

  const pruner: UnstructuredPruner = {
    targets: o.targets,
    masks: () => copyMasks(current),

    async plan(step = 0) {
      if (!Number.isInteger(step) || step < 0) {
        throw new InvalidArgumentError(`step must be a non-negative integer, got ${JSON.stringify(step)}.`, {
          field: 'step',
        });
      }
      const { prune, sparsity } = targetAt(step);
      if (!prune) return { step, sparsity, masks: copyMasks(current) };
      const rng = createRng((Math.imul(o.seed, 0x9e3779b1) + step) >>> 0);
      const ctx: ScoreContext = { ...o.context, graph, rng, masks: copyMasks(current) };
      const items = await scoreTargets(o, ctx, current);
      const ratioOf = layerRatio(sparsity);
      const local = o.scope === 'local' ? items : items.filter((s) => o.ratios.has(s.param.node));
      const masks = selectLocal(local, ratioOf);
      if (o.scope === 'global') {
        for (const [id, m] of selectGlobal(
          items.filter((s) => !o.ratios.has(s.param.node)),
          sparsity,
        )) {
          masks.set(id, m);
        }
      }
      return { step, sparsity, masks } satisfies PrunePlan;
    },

    async apply(plan) {
      if (!plan?.masks) {
        throw new InvalidArgumentError('apply: the plan has no masks (was it made by a channel pruner?).', {
          field: 'plan',
        });
      }
      const next = copyMasks(current);
      for (const [id, m] of plan.masks) {
        const prev = next.get(id);
        next.set(id, prev ? intersectMasks(prev, m) : { shape: [...m.shape], data: m.data.slice() });
      }
      applyMasks(graph, next);
      current = next;
      return { plan, masks: copyMasks(current), sparsity: maskSetSparsity(current) };
    },

    async step(step = 0) {
      return pruner.apply(await pruner.plan(step));
    },
  };
  return pruner;
}
