// The root README's script, as an npm user runs it (`node prune.mjs`): build or load a model,
// train it, prune half its channels, fine-tune with distillation, save a stock tfjs model.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from '@prunekit/backend-wasm';
import { computeMetrics, formatMetricsTable } from '@prunekit/core';
import { distill, fineTune } from '@prunekit/finetune';
import { buildGraph } from '@prunekit/layers';
import { saveModel } from '@prunekit/layers/node';
import { channelPruner } from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';

await useBackend(); // tfjs-wasm (SIMD) + prunekit's sparse and training kernels

// A small CNN on a toy task (which colour channel is brightest). Yours: loadModel('dir/model.json')
// from '@prunekit/layers/node', or tf.loadLayersModel(url) in a browser.
const model = tfl.sequential({
  layers: [
    tfl.layers.conv2d({ inputShape: [16, 16, 3], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tfl.layers.globalAveragePooling2d({}),
    tfl.layers.dense({ units: 3, activation: 'softmax' }),
  ],
});
const x = tf.randomNormal([512, 16, 16, 3], 0, 1, 'float32', 1);
const data = { x, y: tf.argMax(tf.mean(x, [1, 2]), 1) }; // class indices or one-hot
await fineTune(model, data, { epochs: 4, lr: 3e-3, verbose: 0 }); // the dense "pretrained" model

const { model: pruned } = await channelPruner(buildGraph(model), {
  scorer: magnitude({ p: 2 }),
  ratio: 0.5,
  scope: 'global',
  roundTo: 4,
}).run(); // a new, physically smaller LayersModel
const { history } = await fineTune(pruned, data, {
  epochs: 2,
  lr: 1e-3,
  verbose: 0,
  loss: distill({ teacher: model, T: 4, alpha: 0.5 }),
});
await saveModel(pruned, 'out/pruned', { overwrite: true }); // stock tf.loadLayersModel reads it
console.log(formatMetricsTable(computeMetrics(buildGraph(model))));
console.log(formatMetricsTable(computeMetrics(buildGraph(pruned))));
console.log(`fine-tuned accuracy ${history.at(-1).acc.toFixed(3)}`);
