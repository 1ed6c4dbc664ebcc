/**
 * A user's browser program, bundled by browser_bundles.test.ts with esbuild --platform=browser and
 * nothing stubbed: build a small CNN, prune half its channels, fine-tune it, on 'webgl' or on
 * 'wasm' with prunekit's kernels fetched by URL (setKernelPaths through wasmAdapter).
 * `window.prunekit.run(backend)` returns plain JSON for the test to check.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { wasmAdapter } from '@prunekit/backend-wasm';
import { webglAdapter } from '@prunekit/backend-webgl';
import { computeMetrics, selectBackend } from '@prunekit/core';
import { fineTune } from '@prunekit/finetune';
import { buildGraph } from '@prunekit/layers';
import { channelPruner } from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';

tf.env().set('PROD', true);

/** Three classes: which input channel has the largest mean (learnable through conv + GAP). */
function data(n: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, 8, 8, 3], 0, 1, 'float32', seed);
    const label = tf.argMax(tf.mean(x, [1, 2]), 1);
    return { x, y: tf.cast(tf.oneHot(label, 3), 'float32') };
  });
}

function model(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(
    tfl.layers.conv2d({
      inputShape: [8, 8, 3],
      filters: 16,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
    }),
  );
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tfl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tfl.layers.globalAveragePooling2d({}));
  m.add(tfl.layers.dense({ units: 3, activation: 'softmax' }));
  return m;
}

async function run(backend: 'webgl' | 'wasm') {
  try {
    const got = await selectBackend({
      prefer: [backend],
      adapters: [
        webglAdapter(),
        wasmAdapter({ kernelPaths: '/prunekit-wasm/', tfjsWasmPaths: '/tfjs-wasm/' }),
      ],
    });
    const before = tf.memory().numTensors;
    const dense = model();
    const { model: pruned } = await channelPruner(buildGraph(dense), {
      scorer: magnitude({ p: 2 }),
      ratio: 0.5,
      scope: 'global',
    }).run();
    const train = data(256, 1);
    const result = await fineTune(pruned, train, { epochs: 4, lr: 1e-2, batchSize: 32, verbose: 0, seed: 3 });
    train.x.dispose();
    train.y.dispose();
    const params = {
      dense: computeMetrics(buildGraph(dense)).params,
      pruned: computeMetrics(buildGraph(pruned)).params,
    };
    dense.dispose();
    pruned.dispose();
    return {
      asked: backend,
      active: tf.getBackend(),
      info: got.info,
      params,
      losses: result.history.map((h) => h.loss),
      steps: result.steps,
      // tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter: prunekit's kernel is what trains here.
      conv2dBackpropFilterOnWasm: tf.getKernel('Conv2DBackpropFilter', 'wasm') != null,
      leaked: tf.memory().numTensors - before,
    };
  } catch (e) {
    return { asked: backend, active: tf.getBackend(), error: String((e as Error).stack ?? e) };
  }
}

(globalThis as { prunekit?: unknown }).prunekit = { run };
