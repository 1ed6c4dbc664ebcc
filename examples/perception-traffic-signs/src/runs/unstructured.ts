/**
 * Unstructured run: for each level, prune a copy of the baseline by weight magnitude (one global
 * threshold by default), fine-tune with the masks kept, then measure and save.
 */
import type { Goal, Scorer } from '@prunekit/core';
import { buildGraph, cloneModel } from '@prunekit/layers';
import { unstructuredPruner } from '@prunekit/pruners';
import { magnitude, random } from '@prunekit/scorers';
import { evaluate } from '../evaluate.js';
import type { Recipe } from '../recipe.js';
import type { ResultRow } from '../report.js';
import { tune } from '../tune.js';
import { measureModel } from './evaluate_model.js';
import type { Run, RunContext, RunOutput } from './types.js';

export function makeScorer(cfg: Recipe['unstructured']['scorer']): Scorer {
  return cfg.name === 'random' ? random() : magnitude({ p: cfg.p });
}

export const levelName = (level: number) => `${Math.round(level * 100)}`;

async function runLevel(ctx: RunContext, level: number): Promise<ResultRow> {
  const started = performance.now();
  const { recipe } = ctx;
  const label = `unstructured ${levelName(level)}%`;
  const model = await cloneModel(ctx.baseline);
  try {
    const graph = buildGraph(model);
    let epochs = 0;
    let accuracyPruned = ctx.baselineEval.accuracy;
    if (level > 0) {
      const u = recipe.unstructured;
      const res = await unstructuredPruner(graph, {
        scorer: makeScorer(u.scorer),
        ratio: level,
        scope: u.scope,
        ignore: u.ignore,
        seed: recipe.seed,
      }).step();
      accuracyPruned = evaluate(model, ctx.test).accuracy;
      ctx.log(
        `${label}: pruned to ${(100 * res.sparsity).toFixed(1)}% sparsity, test accuracy ${(100 * accuracyPruned).toFixed(2)}% before fine-tuning`,
      );
      if (recipe.finetune.epochs > 0) {
        const ft = await tune({
          model,
          masks: res.masks,
          graph,
          train: ctx.train,
          val: ctx.val,
          cfg: recipe.finetune,
          seed: recipe.seed,
          log: ctx.log,
          label,
        });
        epochs = ft.history.length;
      }
    }
    const row = await measureModel(ctx, {
      run: 'unstructured',
      level,
      model,
      accuracyPruned,
      finetuneEpochs: epochs,
      folder: `unstructured-${levelName(level)}`,
      started,
    });
    ctx.log(
      `${label}: test accuracy ${(100 * row.accuracy).toFixed(2)}% (drop ${row.accDropPoints.toFixed(2)} points), ${row.seconds.toFixed(1)} s`,
    );
    return row;
  } finally {
    model.dispose();
  }
}

export const unstructuredRun: Run = {
  name: 'unstructured',
  async run(ctx: RunContext): Promise<RunOutput> {
    const rows: ResultRow[] = [];
    for (const level of ctx.recipe.unstructured.levels) rows.push(await runLevel(ctx, level));
    const goals: Goal[] = [];
    const half = rows.find((r) => r.level === 0.5);
    if (half)
      goals.push({ name: 'acc_drop_points_unstructured_50', value: half.accDropPoints, target: 1, op: '<=' });
    return { rows, goals };
  },
};
