/**
 * Distillation run: the baseline pruned to 90% (the unstructured run's pruner and scorer) is
 * fine-tuned twice under the same budget — same epochs, batch size, learning rate, data order and
 * seed, no early stopping — once on the labels alone and once with knowledge distillation from the
 * dense baseline as teacher. Both are evaluated on the test set.
 */
import type { Goal } from '@prunekit/core';
import { distill, type FineTuneResult, fineTune } from '@prunekit/finetune';
import { buildGraph, cloneModel } from '@prunekit/layers';
import { unstructuredPruner } from '@prunekit/pruners';
import { evaluate } from '../evaluate.js';
import type { ResultRow } from '../report.js';
import { measureModel } from './evaluate_model.js';
import { makeScorer } from './unstructured.js';
import type { Run, RunContext, RunOutput } from './types.js';

export interface DistillRunOptions {
  /** Target sparsity of the prunable weights (default 0.9). */
  readonly sparsity?: number;
  /** Fine-tuning epochs of each arm (default 1: a short budget, where a difference can show). */
  readonly epochs?: number;
  /**
   * Softmax temperature (default 1: picked on the validation set among T = 1, 2, 4 with alpha 0.5 and
   * T = 4 with alpha 0.3 — at this 1-epoch budget every hotter setting validated lower).
   */
  readonly T?: number;
  /** Weight of the teacher term; the labels get 1 − alpha (default: distill()'s, 0.5). */
  readonly alpha?: number;
}

type Arm = 'plain' | 'distill';

async function fineTuneArm(
  ctx: RunContext,
  arm: Arm,
  o: Required<DistillRunOptions>,
): Promise<{ row: ResultRow; ft: FineTuneResult }> {
  const started = performance.now();
  const model = await cloneModel(ctx.baseline);
  try {
    const graph = buildGraph(model);
    const u = ctx.recipe.unstructured;
    // Deterministic: both arms start from the same pruned weights.
    const res = await unstructuredPruner(graph, {
      scorer: makeScorer(u.scorer),
      ratio: o.sparsity,
      scope: u.scope,
      ignore: u.ignore,
      seed: ctx.recipe.seed,
    }).step();
    const accuracyPruned = evaluate(model, ctx.test).accuracy;
    const cfg = ctx.recipe.finetune;
    const label = `distill ${arm} ${Math.round(o.sparsity * 100)}%`;
    const ft = await fineTune(
      model,
      { x: ctx.train.x, y: ctx.train.y },
      {
        epochs: o.epochs,
        batchSize: cfg.batchSize,
        lr: cfg.lr,
        masks: res.masks,
        graph,
        loss: arm === 'distill' ? distill({ teacher: ctx.baseline, T: o.T, alpha: o.alpha }) : undefined,
        validation: { x: ctx.val.x, y: ctx.val.y },
        seed: ctx.recipe.seed,
        verbose: 0,
        onEpoch: (e) =>
          ctx.log(
            `  ${label}: fine-tune epoch ${e.epoch + 1}/${o.epochs}  loss ${e.loss.toFixed(4)}` +
              `${e.val_acc === undefined ? '' : `  val ${(100 * e.val_acc).toFixed(2)}%`}  ${e.seconds.toFixed(1)} s`,
          ),
      },
    );
    const row = await measureModel(ctx, {
      run: arm === 'distill' ? 'finetune+distill' : 'finetune plain',
      level: o.sparsity,
      model,
      accuracyPruned,
      finetuneEpochs: ft.history.length,
      folder: `distill-${arm}-${Math.round(o.sparsity * 100)}`,
      started,
    });
    ctx.log(
      `${label}: test accuracy ${(100 * row.accuracy).toFixed(2)}% (from ${(100 * accuracyPruned).toFixed(2)}% after pruning), ${ft.steps} steps`,
    );
    return { row: { ...row, steps: ft.steps }, ft };
  } finally {
    model.dispose();
  }
}

export function distillRun(opts: DistillRunOptions = {}): Run {
  return {
    name: 'distill',
    async run(ctx: RunContext): Promise<RunOutput> {
      const o: Required<DistillRunOptions> = {
        sparsity: opts.sparsity ?? 0.9,
        epochs: opts.epochs ?? 1,
        T: opts.T ?? 1,
        alpha: opts.alpha ?? 0.5,
      };
      const plain = await fineTuneArm(ctx, 'plain', o);
      const kd = await fineTuneArm(ctx, 'distill', o);
      const diff = 100 * (kd.row.accuracy - plain.row.accuracy);
      const level = Math.round(o.sparsity * 100);
      const goals: Goal[] = [
        { name: `acc_distill_minus_plain_points_${level}`, value: diff, target: 0, op: '>=' },
      ];
      const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
      const cfg = ctx.recipe.finetune;
      const body = [
        `The baseline pruned to ${level}% (global magnitude, as in the unstructured run), then fine-tuned twice with the ` +
          `masks kept under one budget: ${o.epochs} epoch(s) of ${ctx.train.data.count} images, batch ${cfg.batchSize}, ` +
          `Adam at lr ${cfg.lr}, seed ${ctx.recipe.seed} (same data order), no early stopping. The distilled arm's loss is ` +
          `${o.alpha}·T²·KL(teacher ‖ student at T = ${o.T}) + ${+(1 - o.alpha).toFixed(2)}·cross-entropy, teacher = the dense baseline.`,
        '',
        '| fine-tuning | steps | test accuracy after pruning | test accuracy after fine-tuning | drop vs baseline (pts) |',
        '| --- | ---: | ---: | ---: | ---: |',
        ...[plain, kd].map(
          ({ row, ft }) =>
            `| ${row.run} | ${ft.steps} | ${pct(row.accuracyPruned)} | ${pct(row.accuracy)} | ${row.accDropPoints.toFixed(2)} |`,
        ),
        '',
        `Distilled minus plain: ${diff >= 0 ? '+' : ''}${diff.toFixed(2)} points on ${ctx.test.data.count} test images ` +
          `(one image is ${(100 / ctx.test.data.count).toFixed(3)} points; one seed, so a difference of a few images is within noise).`,
        '',
        ...goals.map((g) => `- goal \`${g.name}\`: ${g.value.toFixed(3)} (target ${g.op} ${g.target})`),
      ].join('\n');
      ctx.log(`distill: distilled minus plain ${diff.toFixed(2)} points`);
      return {
        rows: [plain.row, kd.row],
        goals,
        sections: [{ title: `Distillation at ${level}% sparsity (same budget)`, body }],
      };
    },
  };
}
