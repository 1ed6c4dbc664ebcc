// The README's by-hand script as a function, so a test can run it on a tiny configuration.
import { startBackend } from '@prunekit/backend-wasm';
import { computeMetrics, formatMetricsTable } from '@prunekit/core';
import { makeSplit } from '@prunekit/example-perception-traffic-signs/data';
import { distill } from '@prunekit/finetune';
import { fineTune } from '@prunekit/finetune/node';
import { buildGraph } from '@prunekit/layers';
import { loadModel, saveModel } from '@prunekit/layers/node';
import { channelPruner } from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';

export interface QuickstartOptions {
  model: string;
  out: string;
  trainCount: number;
  epochs: number;
}

export async function quickstart(o: QuickstartOptions) {
  await startBackend('wasm'); // tfjs-wasm (SIMD) + prunekit's kernels; throws if another backend ends up active
  const model = await loadModel(o.model);
  const train = makeSplit('train', o.trainCount, 7);
  const val = makeSplit('val', Math.ceil(o.trainCount / 4), 8);
  const pruner = channelPruner(buildGraph(model), {
    scorer: magnitude({ p: 2 }),
    ratio: 0.5,
    scope: 'global',
    roundTo: 4,
  });
  const { model: pruned } = await pruner.run(); // a new, physically smaller LayersModel
  const run = await fineTune(pruned, train, {
    epochs: o.epochs,
    lr: 1e-3,
    validation: val,
    loss: distill({ teacher: model, T: 4, alpha: 0.5 }),
    earlyStop: { metric: 'val_acc', patience: 2, restoreBest: true },
  });
  await saveModel(pruned, o.out, { overwrite: true }); // loads with stock tf.loadLayersModel
  const before = computeMetrics(buildGraph(model));
  const after = computeMetrics(buildGraph(pruned));
  for (const t of [train.x, train.y, val.x, val.y]) t.dispose();
  const result = { before, after, history: run.history, backend: tf.getBackend() };
  model.dispose();
  pruned.dispose();
  return result;
}

export { formatMetricsTable };
