/**
 * Structured run: remove whole channels of the baseline (channel pruner over dependency groups,
 * model surgery → a smaller ordinary tfjs model), at the smallest channel ratio that cuts the MACs
 * by the target factor, fine-tune it, and time it against the dense baseline on the same backend.
 */
import type { Goal, Scorer } from '@prunekit/core';
import { join } from 'node:path';
import type { ChannelScope } from '@prunekit/pruners';
import { structuredToMacs } from '@prunekit/recipe';
import { exportStage } from '@prunekit/recipe/node';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import { evaluate } from '../evaluate.js';
import type { ResultRow } from '../report.js';
import { modelStats } from '../stats.js';
import { tune } from '../tune.js';
import { measureModel } from './evaluate_model.js';
import { firstImages, latencyHeader, latencyRow, pairedLatency, type PairedLatency } from './latency.js';
import type { Run, RunContext, RunOutput } from './types.js';

export interface StructuredRunOptions {
  /** MACs reduction (baseline / pruned) to reach at least (default 2). */
  readonly macsReduction?: number;
  /** Bisection bounds of the channel ratio (default [0.05, 0.9]). */
  readonly ratioRange?: readonly [number, number];
  /** Bisection stops when the bracket is this narrow (default 0.01). */
  readonly tolerance?: number;
  /** Channel scorer (default: L2 magnitude, mean over a group's members, mean-normalised per group). */
  readonly scorer?: Scorer;
  /** 'global' (default): one ranking across groups; 'local': every group loses the ratio. */
  readonly scope?: ChannelScope;
  /** Keep channel counts multiples of this (default 4, SIMD width of the wasm kernels). */
  readonly roundTo?: number;
  /** Fine-tuning epochs (default: the recipe's finetune.epochs; early stopping as the recipe says). */
  readonly epochs?: number;
  /** Timed pairs of batch-1 forward passes, dense vs pruned (default 200). */
  readonly latencyReps?: number;
}

function section(
  row: ResultRow,
  base: { macs: number; params: number; fileBytes: number; accuracy: number },
  report: string,
  lat: PairedLatency,
  o: { scope: string; roundTo: number; ratio: number; target: number },
  goals: readonly Goal[],
): string {
  const int = (v: number) => v.toLocaleString('en-US');
  return [
    `Channel pruning (${o.scope} ranking, L2 magnitude per group, counts rounded to multiples of ${o.roundTo}) at channel ratio ` +
      `${o.ratio}, the smallest found (bisection) that cuts the MACs at least ${o.target}×; then fine-tuned (${row.finetuneEpochs} epochs). ` +
      'Surgery writes a smaller ordinary LayersModel: no masks, no special kernels.',
    '',
    '| model | MACs | params | file bytes | test accuracy |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| dense baseline | ${int(base.macs)} | ${int(base.params)} | ${int(base.fileBytes)} | ${(100 * base.accuracy).toFixed(2)}% |`,
    `| channel-pruned + fine-tuned | ${int(row.macs)} | ${int(row.params)} | ${int(row.fileBytes)} | ${(100 * row.accuracy).toFixed(2)}% |`,
    `| ratio (dense / pruned) | ${(base.macs / row.macs).toFixed(2)}× | ${(base.params / row.params).toFixed(2)}× | ${(base.fileBytes / row.fileBytes).toFixed(2)}× | drop ${row.accDropPoints.toFixed(2)} pts |`,
    '',
    'Per layer:',
    '',
    '```',
    report,
    '```',
    '',
    `Latency on the '${tf.getBackend()}' backend, one test image per call (batch 1), dense and pruned timed alternately in the ` +
      `same run (${lat.reps} pairs after warm-up). CPU ms is this process's CPU time per call (what the work costs; the ` +
      'wall time also holds the waits of a shared machine). Speedups are medians of the per-pair ratios.',
    '',
    latencyHeader('dense', 'pruned'),
    latencyRow('dense vs channel-pruned', lat),
    '',
    ...goals.map((g) => `- goal \`${g.name}\`: ${g.value.toFixed(3)} (target ${g.op} ${g.target})`),
  ].join('\n');
}

export function structuredRun(opts: StructuredRunOptions = {}): Run {
  return {
    name: 'structured',
    async run(ctx: RunContext): Promise<RunOutput> {
      const started = performance.now();
      const o = {
        macsReduction: opts.macsReduction ?? 2,
        ratioRange: opts.ratioRange ?? ([0.05, 0.9] as const),
        tolerance: opts.tolerance ?? 0.01,
        scorer: opts.scorer ?? magnitude({ p: 2, reduction: 'mean', normalizer: 'mean' }),
        scope: opts.scope ?? ('global' as const),
        roundTo: opts.roundTo ?? 4,
      };
      const base = modelStats(ctx.baseline);
      // The smallest channel ratio that cuts the MACs by the target (the recipe's structured-to-MACs stage).
      const {
        result: res,
        model,
        ratio,
        reduction,
      } = await structuredToMacs(ctx.baseline, {
        target: o.macsReduction,
        pruner: { scorer: o.scorer, scope: o.scope, roundTo: o.roundTo, seed: ctx.recipe.seed },
        lo: o.ratioRange[0],
        hi: o.ratioRange[1],
        tolerance: o.tolerance,
      });
      try {
        const accuracyPruned = evaluate(model, ctx.test).accuracy;
        ctx.log(
          `structured: channel ratio ${ratio} (${o.scope}, roundTo ${o.roundTo}): ${reduction.toFixed(2)}x fewer MACs, ` +
            `test accuracy ${(100 * accuracyPruned).toFixed(2)}% before fine-tuning`,
        );
        const cfg = ctx.recipe.finetune;
        const epochs = opts.epochs ?? cfg.epochs;
        let done = 0;
        if (epochs > 0) {
          const ft = await tune({
            model,
            train: ctx.train,
            val: ctx.val,
            cfg: { ...cfg, epochs },
            seed: ctx.recipe.seed,
            log: ctx.log,
            label: `structured ${ratio}`,
          });
          done = ft.history.length;
        }
        const row = await measureModel(ctx, {
          run: 'structured',
          level: ratio,
          model,
          accuracyPruned,
          finetuneEpochs: done,
          folder: `structured-${Math.round(ratio * 100)}`,
          started,
        });
        // The dense baseline's file, saved the same way, for the bytes ratio.
        const denseBytes = (await exportStage(ctx.baseline, join(ctx.outDir, 'structured-dense'))).fileBytes;
        const x = firstImages(ctx.test.x, 1);
        let lat: PairedLatency;
        try {
          lat = pairedLatency(ctx.baseline, model, x, { reps: opts.latencyReps ?? 200 });
        } finally {
          x.dispose();
        }
        ctx.log(
          `structured: test accuracy ${(100 * row.accuracy).toFixed(2)}% (drop ${row.accDropPoints.toFixed(2)} points); ` +
            `batch-1 latency dense ${lat.a.medianMs.toFixed(3)} ms, pruned ${lat.b.medianMs.toFixed(3)} ms ` +
            `(wall ${lat.wallRatio.toFixed(2)}x, CPU ${lat.cpuRatio.toFixed(2)}x)`,
        );
        const goals: Goal[] = [
          { name: 'macs_reduction_structured', value: base.macs / row.macs, target: 2, op: '>=' },
          { name: 'acc_drop_points_structured', value: row.accDropPoints, target: 0.5, op: '<=' },
        ];
        const withLatency: ResultRow = {
          ...row,
          macsReduction: base.macs / row.macs,
          paramsReduction: base.params / row.params,
          fileRatio: denseBytes / row.fileBytes,
          latencyB1DenseMedianMs: lat.a.medianMs,
          latencyB1DenseP99Ms: lat.a.p99Ms,
          latencyB1PrunedMedianMs: lat.b.medianMs,
          latencyB1PrunedP99Ms: lat.b.p99Ms,
          cpuB1DenseMedianMs: lat.a.cpuMedianMs,
          cpuB1PrunedMedianMs: lat.b.cpuMedianMs,
          latencySpeedupWall: lat.wallRatio,
          latencySpeedupCpu: lat.cpuRatio,
          latencyReps: lat.reps,
        };
        return {
          rows: [withLatency],
          goals,
          sections: [
            {
              title: 'Structured pruning (channels removed by surgery)',
              body: section(
                row,
                {
                  macs: base.macs,
                  params: base.params,
                  fileBytes: denseBytes,
                  accuracy: ctx.baselineEval.accuracy,
                },
                res.report().table,
                lat,
                { scope: o.scope, roundTo: o.roundTo, ratio, target: o.macsReduction },
                goals,
              ),
            },
          ],
        };
      } finally {
        model.dispose();
      }
    },
  };
}
