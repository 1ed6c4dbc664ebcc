/**
 * Sparse end to end: the fine-tuned 90% unstructured model, converted with toSparseModel (CSR
 * SparseConv2D / SparseDense layers), saved and loaded back, against the same model kept dense —
 * both on the current backend ('wasm' with prunekit's sparse kernels in the demo). Measures
 * per-image latency at batch 1 and 32, output agreement, test accuracy and file bytes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Goal } from '@prunekit/core';
import { buildGraph, cloneModel, loadModel, modelFileBytes, saveModel } from '@prunekit/layers';
import { unstructuredPruner } from '@prunekit/pruners';
import { type SparseLayerDecision, sparsePlan, toSparseModel } from '@prunekit/sparse';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { evaluate } from '../evaluate.js';
import { modelStats, prunableSparsity } from '../stats.js';
import { tune } from '../tune.js';
import { firstImages, latencyHeader, latencyRow, type PairedLatency, pairedLatency } from './latency.js';
import { levelName, makeScorer } from './unstructured.js';
import type { Run, RunContext, RunOutput } from './types.js';

export interface SparseE2eOptions {
  /** Sparsity of the model to convert (default 0.9). */
  readonly sparsity?: number;
  /** Layers with at least this fraction of zeros become sparse layers (default 0.5). */
  readonly minSparsity?: number;
  /** Timed pairs at batch 1 (default 200) and at batch 32 (default 30). */
  readonly repsB1?: number;
  readonly repsB32?: number;
  /** Test images whose outputs are compared (default 512). */
  readonly compareImages?: number;
}

/**
 * The unstructured run's fine-tuned model at `sparsity` when the recipe has that level (it runs
 * first and saves into outDir); otherwise the baseline is pruned and fine-tuned here, the same way.
 */
async function sourceModel(
  ctx: RunContext,
  sparsity: number,
): Promise<{ model: tfl.LayersModel; from: string }> {
  const folder = join(ctx.outDir, `unstructured-${levelName(sparsity)}`);
  if (ctx.recipe.unstructured.levels.includes(sparsity) && existsSync(join(folder, 'model.json'))) {
    return {
      model: await loadModel(folder),
      from: `the unstructured run's ${levelName(sparsity)}% model (${folder})`,
    };
  }
  const model = await cloneModel(ctx.baseline);
  const graph = buildGraph(model);
  const u = ctx.recipe.unstructured;
  const res = await unstructuredPruner(graph, {
    scorer: makeScorer(u.scorer),
    ratio: sparsity,
    scope: u.scope,
    ignore: u.ignore,
    seed: ctx.recipe.seed,
  }).step();
  await tune({
    model,
    masks: res.masks,
    graph,
    train: ctx.train,
    val: ctx.val,
    cfg: ctx.recipe.finetune,
    seed: ctx.recipe.seed,
    log: ctx.log,
    label: `sparse ${levelName(sparsity)}%`,
  });
  return { model, from: `the baseline pruned to ${levelName(sparsity)}% and fine-tuned in this run` };
}

/** Largest |dense − sparse| over the first `n` test images' outputs. */
function maxAbsDiff(a: tfl.LayersModel, b: tfl.LayersModel, x: tf.Tensor4D, n: number): number {
  const xs = firstImages(x, n);
  try {
    return tf.tidy(() => {
      const d = tf.abs(tf.sub(a.predict(xs) as tf.Tensor, b.predict(xs) as tf.Tensor));
      return tf.max(d).dataSync()[0];
    });
  } finally {
    xs.dispose();
  }
}

function timeBatch(
  dense: tfl.LayersModel,
  sparse: tfl.LayersModel,
  x: tf.Tensor4D,
  batch: number,
  reps: number,
) {
  const xb = firstImages(x, batch);
  try {
    return pairedLatency(dense, sparse, xb, { reps });
  } finally {
    xb.dispose();
  }
}

interface Figures {
  readonly from: string;
  readonly sparsity: number;
  readonly layers: readonly SparseLayerDecision[];
  readonly denseBytes: number;
  readonly sparseBytes: number;
  readonly diff: number;
  readonly compared: number;
  readonly denseAcc: number;
  readonly sparseAcc: number;
  readonly b1: PairedLatency;
  readonly b32: PairedLatency;
  /** All MACs / MACs that touch a nonzero weight: the speedup if zeros cost nothing at all. */
  readonly idealSpeedup: number;
}

function section(f: Figures, goals: readonly Goal[]): string {
  const int = (v: number) => v.toLocaleString('en-US');
  const perImage = (p: PairedLatency): PairedLatency => ({
    ...p,
    a: {
      medianMs: p.a.medianMs / p.batch,
      p99Ms: p.a.p99Ms / p.batch,
      cpuMedianMs: p.a.cpuMedianMs / p.batch,
    },
    b: {
      medianMs: p.b.medianMs / p.batch,
      p99Ms: p.b.p99Ms / p.batch,
      cpuMedianMs: p.b.cpuMedianMs / p.batch,
    },
  });
  return [
    `Model: ${f.from}, ${(100 * f.sparsity).toFixed(1)}% zeros in its prunable kernels. \`toSparseModel\` turns the layers ` +
      `with enough zeros into CSR sparse layers; the sparse model is saved with \`saveModel\`, loaded back with \`loadModel\`, ` +
      `and that loaded model is what is timed and evaluated. Both models run on the '${tf.getBackend()}' backend ` +
      '(prunekit registers its SIMD sparse kernels there).',
    '',
    '| layer | class | zeros | sparse? |',
    '| --- | --- | ---: | --- |',
    ...f.layers.map(
      (l) =>
        `| ${l.layer} | ${l.className} | ${(100 * l.sparsity).toFixed(1)}% | ${l.converted ? l.format : l.reason} |`,
    ),
    '',
    'Per-image latency (ms per image = per call ÷ batch), dense and sparse timed alternately in the same run; CPU ms is ' +
      "this process's CPU time (both sides single-threaded), which the waits of a shared machine do not inflate. Speedups " +
      'are medians of per-pair ratios; the goals use the CPU ratios.',
    '',
    `Ceiling: the model's MACs divided by the MACs that touch a nonzero weight is ${f.idealSpeedup.toFixed(2)}× — ` +
      `the speedup if a skipped zero cost nothing (against 1 / (1 − ${f.sparsity.toFixed(2)}) = ${(1 / (1 - f.sparsity)).toFixed(1)}× ` +
      'if the zeros were spread evenly over the MACs). The zeros column above shows why: one global magnitude ' +
      'threshold prunes each layer by a different amount, and the layers holding most MACs decide the speed.',
    '',
    latencyHeader('dense', 'sparse'),
    latencyRow('dense vs sparse', perImage(f.b1)),
    latencyRow('dense vs sparse', perImage(f.b32)),
    '',
    '| | dense | sparse | ratio |',
    '| --- | ---: | ---: | ---: |',
    `| file bytes (model.json + shards) | ${int(f.denseBytes)} | ${int(f.sparseBytes)} | ${(f.denseBytes / f.sparseBytes).toFixed(2)}× smaller |`,
    `| test accuracy | ${(100 * f.denseAcc).toFixed(2)}% | ${(100 * f.sparseAcc).toFixed(2)}% | |`,
    '',
    `Outputs: max |dense − sparse| over the softmax outputs of ${f.compared} test images = ${f.diff.toExponential(2)}` +
      (f.diff === 0 ? ' (bit-identical on these images).' : '.'),
    '',
    ...goals.map((g) => `- goal \`${g.name}\`: ${g.value.toPrecision(4)} (target ${g.op} ${g.target})`),
  ].join('\n');
}

export function sparseE2eRun(opts: SparseE2eOptions = {}): Run {
  return {
    name: 'sparse-e2e',
    async run(ctx: RunContext): Promise<RunOutput> {
      const sparsity = opts.sparsity ?? 0.9;
      const minSparsity = opts.minSparsity ?? 0.5;
      const { model: dense, from } = await sourceModel(ctx, sparsity);
      let sparse: tfl.LayersModel | undefined;
      try {
        const dir = join(ctx.outDir, `sparse-${levelName(sparsity)}`);
        const layers = sparsePlan(dense, { minSparsity });
        const built = await toSparseModel(dense, { minSparsity });
        try {
          await saveModel(built, join(dir, 'sparse'), { overwrite: true });
        } finally {
          built.dispose();
        }
        await saveModel(dense, join(dir, 'dense'), { overwrite: true });
        const denseBytes = await modelFileBytes(join(dir, 'dense'));
        const sparseBytes = await modelFileBytes(join(dir, 'sparse'));
        sparse = await loadModel(join(dir, 'sparse'));
        const compared = Math.min(opts.compareImages ?? 512, ctx.test.x.shape[0]);
        const diff = maxAbsDiff(dense, sparse, ctx.test.x, compared);
        const denseAcc = evaluate(dense, ctx.test).accuracy;
        const sparseAcc = evaluate(sparse, ctx.test).accuracy;
        const b1 = timeBatch(dense, sparse, ctx.test.x, 1, opts.repsB1 ?? 200);
        const b32 = timeBatch(dense, sparse, ctx.test.x, 32, opts.repsB32 ?? 30);
        const f: Figures = {
          from,
          sparsity: prunableSparsity(dense),
          layers,
          denseBytes,
          sparseBytes,
          diff,
          compared,
          denseAcc,
          sparseAcc,
          b1,
          b32,
          idealSpeedup: modelStats(dense).macs / modelStats(dense).sparseMacs,
        };
        ctx.log(
          `sparse-e2e: ${(denseBytes / sparseBytes).toFixed(2)}x smaller file; per image batch 1 dense ${(b1.a.cpuMedianMs).toFixed(3)} / ` +
            `sparse ${b1.b.cpuMedianMs.toFixed(3)} CPU ms (${b1.cpuRatio.toFixed(2)}x), batch 32 ${b32.cpuRatio.toFixed(2)}x; ` +
            `max |diff| ${diff.toExponential(2)}`,
        );
        const goals: Goal[] = [
          { name: 'e2e_signs_speedup_b1', value: b1.cpuRatio, target: 3, op: '>=' },
          { name: 'e2e_signs_speedup_b32', value: b32.cpuRatio, target: 3, op: '>=' },
          { name: 'e2e_signs_file_ratio', value: denseBytes / sparseBytes, target: 3, op: '>=' },
          { name: 'e2e_signs_max_abs_diff', value: diff, target: 1e-4, op: '<=' },
        ];
        return {
          rows: [],
          goals,
          sections: [
            {
              title: `Sparse execution end to end (${levelName(sparsity)}% model, toSparseModel)`,
              body: section(f, goals),
            },
          ],
        };
      } finally {
        dense.dispose();
        sparse?.dispose();
      }
    },
  };
}
