/**
 * The measurements every run takes of a finished model: the recipe's export stage (save, size
 * figures), then this example's reload check and accuracy.
 */
import { join } from 'node:path';
import { exportStage } from '@prunekit/recipe/node';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { evaluate } from '../evaluate.js';
import type { ResultRow } from '../report.js';
import { prunableSparsity } from '../stats.js';
import { type ExportCheck, checkExport } from '../verify_export.js';
import type { RunContext } from './types.js';

export interface MeasureInput {
  readonly run: string;
  readonly level: number;
  readonly model: tfl.LayersModel;
  readonly accuracyPruned: number;
  readonly finetuneEpochs: number;
  /** Subfolder of ctx.outDir to save into. */
  readonly folder: string;
  readonly started: number;
}

export async function measureModel(ctx: RunContext, m: MeasureInput): Promise<ResultRow> {
  const dir = join(ctx.outDir, m.folder);
  const size = await exportStage(m.model, dir);
  const probe = tf.slice(ctx.test.x, [0, 0, 0, 0], [Math.min(64, ctx.test.x.shape[0]), -1, -1, -1]);
  let check: ExportCheck;
  try {
    check = await checkExport(m.model, dir, probe);
  } finally {
    probe.dispose();
  }
  const ev = evaluate(m.model, ctx.test);
  const recall: Record<string, number> = {};
  ctx.test.data.classNames.forEach((c, i) => {
    recall[c] = ev.recall[i];
  });
  return {
    run: m.run,
    level: m.level,
    sparsity: prunableSparsity(m.model),
    params: size.params,
    nonzero: size.nonzeroParams,
    macs: size.macs,
    sparseMacs: size.effectiveMacs,
    fileBytes: size.fileBytes,
    accuracyPruned: m.accuracyPruned,
    accuracy: ev.accuracy,
    accDropPoints: 100 * (ctx.baselineEval.accuracy - ev.accuracy),
    finetuneEpochs: m.finetuneEpochs,
    exportMaxAbsDiff: check.maxAbsDiff,
    exportZerosExact: check.zerosExact,
    recall,
    seconds: (performance.now() - m.started) / 1000,
  };
}
