/**
 * Compression run (@prunekit/compress): the baseline is pruned to 90% (global magnitude),
 * fine-tuned with the masks kept, then quantized to int8, clustered to 16 shared values per layer
 * (fine-tuned with the weights tied to their clusters), and entropy coded. Every stage is saved,
 * loaded back from its file, and measured: bytes on disk and test accuracy of the loaded model.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ActivationRanges,
  bitsFor,
  calibrateActivations,
  clusterModel,
  type CompressOptions,
  tieToClusters,
} from '@prunekit/compress';
import { loadCompressed, saveCompressed, saveTfjsQuantized } from '@prunekit/compress/node';
import type { Goal } from '@prunekit/core';
import { fineTune } from '@prunekit/finetune/node';
import { buildGraph } from '@prunekit/layers';
import { modelFileBytes } from '@prunekit/layers/node';
import { exportStage, loadLayersModel } from '@prunekit/recipe/node';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { evaluate } from '../evaluate.js';
import type { MarkdownSection } from '../report.js';
import { prunableSparsity } from '../stats.js';
import { loadStock } from '../verify_export.js';
import { prunedCopy } from './unstructured.js';
import type { Run, RunContext, RunOutput } from './types.js';

export interface CompressRunOptions {
  /** Target sparsity of the prunable weights (default 0.9). */
  readonly sparsity?: number;
  /** Clusters per layer (default 16: 4-bit codes). */
  readonly clusters?: number;
  /** Epochs of fine-tuning with tied clusters (default 1). */
  readonly clusterEpochs?: number;
}

/** One stage of the compression pipeline, as written to results-compress.json. */
export interface CompressStage {
  readonly run: 'compress';
  readonly stage: string;
  /** What the stage adds over the one before it. */
  readonly what: string;
  /** Bytes on disk of the stage's file(s). */
  readonly fileBytes: number;
  /** Dense float32 model.json + shards bytes divided by this stage's bytes. */
  readonly sizeRatio: number;
  /** Test accuracy of the model loaded back from the stage's file (0..1). */
  readonly accuracy: number;
  readonly accDropPoints: number;
  readonly sparsity: number;
  /** Largest number of distinct nonzero values in one kernel. */
  readonly maxDistinct: number;
  readonly file: string;
  readonly seconds: number;
}

export interface CompressReport {
  readonly stages: readonly CompressStage[];
  readonly goals: readonly Goal[];
  readonly section: MarkdownSection;
}

/** Largest count of distinct nonzero values over the kernels of a model. */
function maxDistinct(model: tfl.LayersModel): number {
  let most = 0;
  for (const layer of model.layers) {
    for (const w of layer.getWeights()) {
      if (w.rank < 2) continue;
      const set = new Set<number>();
      for (const v of w.dataSync() as Float32Array) if (v !== 0) set.add(v);
      most = Math.max(most, set.size);
    }
  }
  return most;
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

function markdown(stages: readonly CompressStage[], goals: readonly Goal[]): string {
  const lines = [
    '| stage | adds | file bytes | × smaller than dense | test accuracy | drop (pts) | sparsity | max distinct / kernel |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...stages.map(
      (s) =>
        `| ${s.stage} | ${s.what} | ${s.fileBytes.toLocaleString('en-US')} | ${s.sizeRatio.toFixed(1)} | ${pct(s.accuracy)} | ` +
        `${s.accDropPoints.toFixed(2)} | ${pct(s.sparsity)} | ${s.maxDistinct.toLocaleString('en-US')} |`,
    ),
    '',
    "Every accuracy is measured on the test set with the model loaded back from the stage's file ",
    '(`loadCompressed` for `.pkcm` files, which dequantizes to a stock float32 LayersModel; stock ',
    '`tf.loadLayersModel` for the tfjs-converter-style uint8 export). Sizes are bytes on disk: model.json + ',
    'shards for the tfjs layouts, the single file for `.pkcm`.',
    '',
    ...goals.map((g) => `- goal \`${g.name}\`: ${g.value.toFixed(3)} (target ${g.op} ${g.target})`),
  ];
  return lines.join('\n');
}

export async function runCompression(
  ctx: RunContext,
  opts: CompressRunOptions = {},
): Promise<CompressReport> {
  const sparsity = opts.sparsity ?? 0.9;
  const k = opts.clusters ?? 16;
  const dir = join(ctx.outDir, 'compress');
  mkdirSync(dir, { recursive: true });
  const stages: CompressStage[] = [];
  const base = ctx.baselineEval.accuracy;
  let denseBytes = 0;
  const add = async (
    stage: string,
    what: string,
    file: string,
    bytes: number,
    load: () => Promise<tfl.LayersModel>,
    t0: number,
  ): Promise<CompressStage> => {
    const model = await load();
    try {
      const accuracy = evaluate(model, ctx.test).accuracy;
      if (stage === 'dense') denseBytes = bytes;
      const row: CompressStage = {
        run: 'compress',
        stage,
        what,
        fileBytes: bytes,
        sizeRatio: denseBytes / bytes,
        accuracy,
        accDropPoints: 100 * (base - accuracy),
        sparsity: prunableSparsity(model),
        maxDistinct: maxDistinct(model),
        file,
        seconds: (performance.now() - t0) / 1000,
      };
      stages.push(row);
      ctx.log(
        `compress ${stage}: ${bytes} bytes (${row.sizeRatio.toFixed(1)}x smaller), test accuracy ${pct(accuracy)} (drop ${row.accDropPoints.toFixed(2)} pts)`,
      );
      return row;
    } finally {
      model.dispose();
    }
  };
  const pkcm = async (
    stage: string,
    what: string,
    model: tfl.LayersModel,
    name: string,
    o: CompressOptions,
  ) => {
    const t0 = performance.now();
    const file = join(dir, name);
    const res = await saveCompressed(model, file, o);
    return add(stage, what, name, res.bytes.length, () => loadCompressed(file), t0);
  };

  // dense: the baseline as tfjs saves it.
  let t0 = performance.now();
  await add(
    'dense',
    'float32 baseline',
    'dense/',
    (await exportStage(ctx.baseline, join(dir, 'dense'))).fileBytes,
    () => loadLayersModel(join(dir, 'dense')),
    t0,
  );

  // prune: global magnitude to `sparsity`, fine-tuned with the masks kept.
  t0 = performance.now();
  const { model, masks } = await prunedCopy(ctx, {
    level: sparsity,
    label: `compress prune ${Math.round(sparsity * 100)}%`,
  });
  try {
    const graph = buildGraph(model, { ignore: ctx.recipe.unstructured.ignore });
    await add(
      'prune',
      `${Math.round(sparsity * 100)}% global magnitude + fine-tune (float32 file)`,
      'pruned/',
      (await exportStage(model, join(dir, 'pruned'))).fileBytes,
      () => loadLayersModel(join(dir, 'pruned')),
      t0,
    );

    // The stock-compatible route: tfjs-converter's uint8 weight quantization, read by stock tfjs.
    t0 = performance.now();
    await saveTfjsQuantized(model, join(dir, 'pruned-uint8'), { dtype: 'uint8', overwrite: true });
    await add(
      'tfjs-uint8',
      'tfjs-converter uint8 weights (stock loader; not sparse, not coded)',
      'pruned-uint8/',
      await modelFileBytes(join(dir, 'pruned-uint8')),
      () => loadStock(join(dir, 'pruned-uint8')),
      t0,
    );

    // Activation ranges over a few validation batches, stored with the int8 weights for
    // full-int8 runtimes (tfjs itself dequantizes and computes in float32).
    const calib = Array.from({ length: Math.min(4, Math.ceil(ctx.val.x.shape[0] / 64)) }, (_, i) =>
      tf.slice(ctx.val.x, [i * 64, 0, 0, 0], [Math.min(64, ctx.val.x.shape[0] - i * 64), -1, -1, -1]),
    );
    let activations: ActivationRanges;
    try {
      activations = calibrateActivations(model, calib, { method: 'percentile', percentile: 99.99 });
    } finally {
      tf.dispose(calib);
    }
    await pkcm(
      '+quantize',
      'int8 per-channel weights (+ calibrated int8 activation ranges), sparse with delta-coded indices, no entropy coding',
      model,
      'int8.pkcm',
      { weights: 'int8', coding: 'none', activations },
    );
    await pkcm('+quantize +coding', 'int8 as above, DEFLATE', model, 'int8-deflate.pkcm', {
      weights: 'int8',
      coding: 'deflate',
      activations,
    });

    // +cluster: k shared values per kernel, fine-tuned with the weights tied to their clusters.
    const clustering = clusterModel(model, { k, seed: ctx.recipe.seed });
    const before = evaluate(model, ctx.test).accuracy;
    ctx.log(
      `compress cluster: ${k} clusters per kernel, test accuracy ${pct(before)} before tied fine-tuning`,
    );
    const cfg = ctx.recipe.finetune;
    await fineTune(
      model,
      { x: ctx.train.x, y: ctx.train.y },
      {
        epochs: opts.clusterEpochs ?? 1,
        batchSize: cfg.batchSize,
        lr: cfg.lr / 2,
        masks,
        graph,
        validation: { x: ctx.val.x, y: ctx.val.y },
        earlyStop: {
          metric: cfg.earlyStopping.monitor,
          patience: cfg.earlyStopping.patience,
          restoreBest: true,
        },
        seed: ctx.recipe.seed + 1,
        verbose: 0,
        onStep: () => tieToClusters(model, clustering),
        onEpoch: (e) =>
          ctx.log(
            `  compress cluster: tied fine-tune epoch ${e.epoch + 1}  loss ${e.loss.toFixed(4)}  val ${pct(e.val_acc ?? Number.NaN)}`,
          ),
      },
    );
    tieToClusters(model, clustering);
    await pkcm(
      '+cluster',
      `${k} shared values per kernel instead of int8 (${bitsFor(k)}-bit codes), tied fine-tune, no entropy coding`,
      model,
      'cluster.pkcm',
      {
        weights: 'cluster',
        coding: 'none',
      },
    );
    await pkcm('+cluster +coding', 'clustered as above, DEFLATE', model, 'cluster-deflate.pkcm', {
      weights: 'cluster',
      coding: 'deflate',
    });
  } finally {
    model.dispose();
  }
  const final = stages[stages.length - 1];
  const goals: Goal[] = [
    { name: 'compressed_size_ratio', value: final.sizeRatio, target: 15, op: '>=' },
    { name: 'acc_drop_points_compressed', value: final.accDropPoints, target: 1, op: '<=' },
  ];
  return {
    stages,
    goals,
    section: { title: 'Compression (prune → quantize → cluster → coding)', body: markdown(stages, goals) },
  };
}

/** The compression run as a pipeline Run: goals and a markdown section (stage rows go to results-compress.json). */
export const compressRun: Run = {
  name: 'compress',
  async run(ctx: RunContext): Promise<RunOutput> {
    const r = await runCompression(ctx);
    return { rows: [], goals: r.goals, sections: [r.section] };
  },
};
