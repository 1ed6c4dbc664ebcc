/**
 * Distillation run: the baseline pruned to 90% (the unstructured run's pruner and scorer) is
 * fine-tuned under one short budget — a fixed number of optimizer steps over the first
 * steps × batch fine-tuning images, same learning rate, no early stopping — once on the labels
 * alone and once with knowledge distillation from the dense baseline as teacher.
 *
 * Protocol (fixed before any test accuracy was looked at): the budget is short enough that the plain
 * model has not yet recovered from pruning; the teacher settings (T, alpha) are picked among a few
 * candidates by validation accuracy at the recipe's seed (validation loss breaks ties); both arms
 * are then repeated over several data-order seeds and compared on the test set, mean and spread.
 */
import { type Goal, InvalidArgumentError } from '@prunekit/core';
import { distill, type FineTuneResult, type Loss } from '@prunekit/finetune';
import { fineTune } from '@prunekit/finetune/node';
import { buildGraph, cloneModel } from '@prunekit/layers';
import { unstructuredPruner } from '@prunekit/pruners';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data.js';
import { evaluate } from '../evaluate.js';
import type { ResultRow } from '../report.js';
import { measureModel } from './evaluate_model.js';
import { makeScorer } from './unstructured.js';
import type { Run, RunContext, RunOutput } from './types.js';

/** One distillation setting tried on the validation set. */
export interface DistillCandidate {
  readonly T: number;
  readonly alpha: number;
}

export interface DistillRunOptions {
  /** Target sparsity of the prunable weights (default 0.9). */
  readonly sparsity?: number;
  /**
   * Optimizer steps of each fine-tuning (default 16: one pass over the first 16 × batch images; the
   * plain arm is still below the baseline there, so a teacher has room to help).
   */
  readonly steps?: number;
  /** Data-order seeds each arm is fine-tuned with (default: the recipe's seed and the next two). */
  readonly seeds?: readonly number[];
  /** Settings compared on the validation set at the first seed (default: T 1, 2, 4 with alpha 0.5; T 4 with alpha 0.9). */
  readonly candidates?: readonly DistillCandidate[];
}

const DEFAULT_CANDIDATES: readonly DistillCandidate[] = [
  { T: 1, alpha: 0.5 },
  { T: 2, alpha: 0.5 },
  { T: 4, alpha: 0.5 },
  { T: 4, alpha: 0.9 },
];

interface Resolved {
  readonly sparsity: number;
  readonly steps: number;
  readonly seeds: readonly number[];
  readonly candidates: readonly DistillCandidate[];
}

interface Trained {
  readonly model: tfl.LayersModel;
  readonly ft: FineTuneResult;
  readonly accuracyPruned: number;
  readonly valAcc: number;
  readonly valLoss: number;
  readonly started: number;
}

/** The first `count` fine-tuning images (the caller disposes the tensors). */
function budgetSlice(train: Split, count: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return {
    x: tf.slice(train.x, [0, 0, 0, 0], [count, -1, -1, -1]),
    y: tf.slice(train.y, [0, 0], [count, -1]),
  };
}

/** Prune a copy of the baseline to the target sparsity and fine-tune it; the caller disposes the model. */
async function pruneAndTune(
  ctx: RunContext,
  o: Resolved,
  data: { x: tf.Tensor4D; y: tf.Tensor2D },
  seed: number,
  loss: Loss | undefined,
  label: string,
): Promise<Trained> {
  const started = performance.now();
  const model = await cloneModel(ctx.baseline);
  try {
    const graph = buildGraph(model);
    const u = ctx.recipe.unstructured;
    // Deterministic: every fine-tuning starts from the same pruned weights.
    const res = await unstructuredPruner(graph, {
      scorer: await makeScorer(u.scorer),
      ratio: o.sparsity,
      scope: u.scope,
      ignore: u.ignore,
      seed: ctx.recipe.seed,
    }).step();
    const accuracyPruned = evaluate(model, ctx.test).accuracy;
    const ft = await fineTune(model, data, {
      epochs: 1,
      batchSize: ctx.recipe.finetune.batchSize,
      lr: ctx.recipe.finetune.lr,
      masks: res.masks,
      graph,
      loss,
      validation: { x: ctx.val.x, y: ctx.val.y },
      seed,
      verbose: 0,
    });
    const last = ft.history[ft.history.length - 1];
    const valAcc = last?.val_acc ?? Number.NaN;
    const valLoss = last?.val_loss ?? Number.NaN;
    ctx.log(
      `  ${label}: ${ft.steps} steps, loss ${last?.loss.toFixed(4)}, val ${(100 * valAcc).toFixed(2)}%` +
        ` (val loss ${valLoss.toFixed(4)}), ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return { model, ft, accuracyPruned, valAcc, valLoss, started };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Higher validation accuracy wins; lower validation loss breaks ties. */
const betterOnVal = (a: Trained, b: Trained) =>
  a.valAcc > b.valAcc || (a.valAcc === b.valAcc && a.valLoss < b.valLoss);

const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
/** Sample standard deviation (0 for a single value). */
const stdev = (v: readonly number[]) =>
  v.length < 2 ? 0 : Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1));

function resolve(ctx: RunContext, opts: DistillRunOptions): Resolved {
  const seed = ctx.recipe.seed;
  const o: Resolved = {
    sparsity: opts.sparsity ?? 0.9,
    steps: opts.steps ?? 16,
    seeds: opts.seeds ?? [seed, seed + 1, seed + 2],
    candidates: opts.candidates ?? DEFAULT_CANDIDATES,
  };
  if (!Number.isInteger(o.steps) || o.steps < 1)
    throw new InvalidArgumentError(`distillRun: steps must be a positive integer (got ${o.steps}).`, {
      steps: o.steps,
    });
  if (o.seeds.length === 0)
    throw new InvalidArgumentError('distillRun: seeds is empty; give at least one seed.');
  if (o.candidates.length === 0)
    throw new InvalidArgumentError('distillRun: candidates is empty; give at least one { T, alpha }.');
  return o;
}

export function distillRun(opts: DistillRunOptions = {}): Run {
  return {
    name: 'distill',
    async run(ctx: RunContext): Promise<RunOutput> {
      const o = resolve(ctx, opts);
      const level = Math.round(o.sparsity * 100);
      const batch = ctx.recipe.finetune.batchSize;
      const images = Math.min(ctx.train.x.shape[0], o.steps * batch);
      const data = budgetSlice(ctx.train, images);
      const plainAcc: number[] = [];
      const kdAcc: number[] = [];
      const rows: ResultRow[] = [];
      const valLines: string[] = [];
      let chosen: DistillCandidate = o.candidates[0];
      let plainSteps = 0;
      let kdSteps = 0;
      try {
        const measure = async (t: Trained, run: string, arm: string) => {
          const row = await measureModel(ctx, {
            run,
            level: o.sparsity,
            model: t.model,
            accuracyPruned: t.accuracyPruned,
            finetuneEpochs: t.ft.history.length,
            folder: `distill-${arm}-${level}`,
            started: t.started,
          });
          rows.push({ ...row, steps: t.ft.steps });
          return row.accuracy;
        };
        // Plain arm, every seed; the first seed's model is saved and measured in full.
        for (const [i, seed] of o.seeds.entries()) {
          const t = await pruneAndTune(ctx, o, data, seed, undefined, `distill plain seed ${seed}`);
          try {
            plainSteps = t.ft.steps;
            if (i === 0)
              valLines.push(
                `| plain (labels only) | ${(100 * t.valAcc).toFixed(2)}% | ${t.valLoss.toFixed(4)} |`,
              );
            plainAcc.push(
              i === 0 ? await measure(t, 'finetune plain', 'plain') : evaluate(t.model, ctx.test).accuracy,
            );
          } finally {
            t.model.dispose();
          }
        }
        // Teacher settings: chosen on the validation set at the first seed only.
        let best: Trained | undefined;
        try {
          for (const c of o.candidates) {
            const loss = distill({ teacher: ctx.baseline, T: c.T, alpha: c.alpha });
            const t = await pruneAndTune(
              ctx,
              o,
              data,
              o.seeds[0],
              loss,
              `distill T ${c.T} alpha ${c.alpha} seed ${o.seeds[0]}`,
            );
            valLines.push(
              `| distill T = ${c.T}, alpha = ${c.alpha} | ${(100 * t.valAcc).toFixed(2)}% | ${t.valLoss.toFixed(4)} |`,
            );
            if (!best || betterOnVal(t, best)) {
              best?.model.dispose();
              best = t;
              chosen = c;
            } else {
              t.model.dispose();
            }
          }
          if (!best)
            throw new InvalidArgumentError(
              'distillRun: candidates is empty; give at least one { T, alpha }.',
            );
          kdSteps = best.ft.steps;
          kdAcc.push(await measure(best, 'finetune+distill', 'distill'));
        } finally {
          best?.model.dispose();
        }
        ctx.log(`distill: chose T ${chosen.T}, alpha ${chosen.alpha} on the validation set`);
        for (const seed of o.seeds.slice(1)) {
          const loss = distill({ teacher: ctx.baseline, T: chosen.T, alpha: chosen.alpha });
          const t = await pruneAndTune(
            ctx,
            o,
            data,
            seed,
            loss,
            `distill T ${chosen.T} alpha ${chosen.alpha} seed ${seed}`,
          );
          try {
            kdAcc.push(evaluate(t.model, ctx.test).accuracy);
          } finally {
            t.model.dispose();
          }
        }
      } finally {
        data.x.dispose();
        data.y.dispose();
      }

      const diffs = kdAcc.map((a, i) => 100 * (a - plainAcc[i]));
      const diff = mean(diffs);
      const goals: Goal[] = [
        { name: `acc_distill_minus_plain_points_${level}`, value: diff, target: 0, op: '>=' },
      ];
      const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
      const pts = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
      const cfg = ctx.recipe.finetune;
      const [plainRow, kdRow] = rows;
      const body = [
        `The baseline pruned to ${level}% (global magnitude, as in the unstructured run), then fine-tuned with the masks kept ` +
          `under one short budget: ${plainSteps} optimizer steps (one pass over the first ${images} of the ${ctx.train.data.count} ` +
          `fine-tuning images, batch ${cfg.batchSize}), Adam at lr ${cfg.lr}, no early stopping, data order seeds ` +
          `${o.seeds.join(', ')}. The distilled arm's loss is alpha·T²·KL(teacher ‖ student at T) + (1 − alpha)·cross-entropy, ` +
          `teacher = the dense baseline; T and alpha were chosen by validation accuracy (${ctx.val.data.count} images) at seed ` +
          `${o.seeds[0]}, before the test set was read: T = ${chosen.T}, alpha = ${chosen.alpha}.`,
        '',
        `| validation at seed ${o.seeds[0]} | val accuracy | val cross-entropy |`,
        '| --- | ---: | ---: |',
        ...valLines,
        '',
        `| fine-tuning | steps | test accuracy after pruning | test accuracy after fine-tuning, seed ${o.seeds[0]} | ` +
          `mean over ${o.seeds.length} seeds | spread (min – max) |`,
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        ...[
          [plainRow, plainSteps, plainAcc],
          [kdRow, kdSteps, kdAcc],
        ].map(
          ([row, steps, acc]) =>
            `| ${(row as ResultRow).run} | ${steps} | ${pct((row as ResultRow).accuracyPruned)} | ${pct((row as ResultRow).accuracy)} | ` +
            `${pct(mean(acc as number[]))} | ${pct(Math.min(...(acc as number[])))} – ${pct(Math.max(...(acc as number[])))} |`,
        ),
        '',
        `Distilled minus plain, per seed: ${diffs.map(pts).join(', ')} points; mean ${pts(diff)}, sample standard deviation ` +
          `${stdev(diffs).toFixed(2)} (${ctx.test.data.count} test images, one image is ${(100 / ctx.test.data.count).toFixed(3)} points).`,
        '',
        ...goals.map(
          (g) => `- goal \`${g.name}\` (mean over seeds): ${g.value.toFixed(3)} (target ${g.op} ${g.target})`,
        ),
      ].join('\n');
      ctx.log(`distill: distilled minus plain ${diffs.map(pts).join(', ')} points (mean ${pts(diff)})`);
      return {
        rows,
        goals,
        sections: [{ title: `Distillation at ${level}% sparsity (same short budget)`, body }],
      };
    },
  };
}
