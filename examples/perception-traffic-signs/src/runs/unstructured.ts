/**
 * Unstructured run: for each level, prune a copy of the baseline by weight magnitude (one global
 * threshold by default), fine-tune with the masks kept, then measure and save.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Goal, MaskSet, Scorer } from '@prunekit/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cloneModel } from '@prunekit/layers';
import { pruneStage, resolveScorer } from '@prunekit/recipe';
import { evaluate } from '../evaluate.js';
import type { Recipe } from '../recipe.js';
import type { ResultRow } from '../report.js';
import { tune } from '../tune.js';
import { measureModel } from './evaluate_model.js';
import type { Run, RunContext, RunOutput } from './types.js';

const exampleDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The recipe's scorer: a registered one, or one from a module (paths relative to the example). */
export function makeScorer(cfg: Recipe['unstructured']['scorer']): Promise<Scorer> {
  return resolveScorer(cfg, exampleDir, 'unstructured.scorer');
}

export const levelName = (level: number) => `${Math.round(level * 100)}`;

/** Options of prunedCopy: the level, a progress label, and the scope and per-layer overrides of a run. */
export interface PrunedCopyOptions {
  readonly level: number;
  readonly label: string;
  /** Overrides the recipe's unstructured scope. */
  readonly scope?: 'global' | 'local';
  /** Per-layer sparsity for the named layers (pruned locally). */
  readonly ratios?: Readonly<Record<string, number>>;
  /** Called on the pruned model before fine-tuning, with the sparsity reached. */
  readonly beforeTune?: (model: tfl.LayersModel, sparsity: number) => void;
}

/**
 * A pruned, fine-tuned copy of the baseline: the recipe's score → prune → fine-tune stages (the ones
 * the prunekit command runs, @prunekit/recipe) with this example's fine-tuning. Every run that prunes
 * by weights (unstructured levels, sparse execution, compression) starts here.
 */
export async function prunedCopy(
  ctx: RunContext,
  o: PrunedCopyOptions,
): Promise<{ model: tfl.LayersModel; masks?: MaskSet; sparsity: number; epochs: number }> {
  const { recipe } = ctx;
  let sparsity = 0;
  let epochs = 0;
  const { model, masks } = await pruneStage({
    dense: ctx.baseline,
    method: 'unstructured',
    section: o.scope ? { ...recipe.unstructured, scope: o.scope } : recipe.unstructured,
    level: o.level,
    ratios: o.ratios,
    seed: recipe.seed,
    baseDir: exampleDir,
    onRound: (_round, _rounds, s) => {
      sparsity = s;
    },
    tune: async (m, _round, masks, graph) => {
      o.beforeTune?.(m, sparsity);
      if (recipe.finetune.epochs === 0) return;
      const ft = await tune({
        model: m,
        masks,
        graph,
        train: ctx.train,
        val: ctx.val,
        cfg: recipe.finetune,
        seed: recipe.seed,
        log: ctx.log,
        label: o.label,
      });
      epochs += ft.history.length;
    },
  });
  return { model, masks, sparsity, epochs };
}

async function runLevel(ctx: RunContext, level: number): Promise<ResultRow> {
  const started = performance.now();
  const label = `unstructured ${levelName(level)}%`;
  let accuracyPruned = ctx.baselineEval.accuracy;
  const { model, epochs } =
    level > 0
      ? await prunedCopy(ctx, {
          level,
          label,
          beforeTune: (m, sparsity) => {
            accuracyPruned = evaluate(m, ctx.test).accuracy;
            ctx.log(
              `${label}: pruned to ${(100 * sparsity).toFixed(1)}% sparsity, test accuracy ${(100 * accuracyPruned).toFixed(2)}% before fine-tuning`,
            );
          },
        })
      : { model: await cloneModel(ctx.baseline), epochs: 0 };
  try {
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
