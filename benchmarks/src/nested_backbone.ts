// A MobileNetV2 backbone (Keras include_top=False shape, seeded weights) nested as one layer of a
// classifier — the transfer-learning shape — saved to disk and loaded back as a user would load a
// converted model, then pruned through: 30% of channels, surgery checked against the nested
// original with the same channels zeroed, the pruned (flat) files read by stock
// tf.loadLayersModel, and dense vs pruned latency on wasm in one run (as trained, and with
// BatchNorm folded through the backbone).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBackend } from '@prunekit/backend-wasm';
import { computeMetrics, type Goal, median } from '@prunekit/core';
import {
  analyzeChannels,
  buildGraph,
  cloneModel,
  foldBatchNorm,
  modelVariables,
  zeroChannels,
} from '@prunekit/layers';
import { loadModel, saveModel } from '@prunekit/layers/node';
import { channelPruner } from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import { seedWeights } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mobilenetV2 } from './models.js';
import { envInfo, quick, writeResult } from './util.js';

tf.env().set('PROD', true);
const SIZE = quick ? 96 : 224;
const REPS = quick ? 7 : 25;
const RATIO = 0.3;

/** input → MobileNetV2 features (nested model) → GAP → Dense(10). */
function classifier(): tfl.LayersModel {
  const backbone = mobilenetV2(SIZE, 1000, { top: false });
  const x = tfl.input({ shape: [SIZE, SIZE, 3], name: 'image' });
  const f = tfl.layers
    .globalAveragePooling2d({ name: 'features' })
    .apply(backbone.apply(x)) as tfl.SymbolicTensor;
  const y = tfl.layers.dense({ units: 10, name: 'logits' }).apply(f) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: x, outputs: y, name: 'transfer' });
  seedWeights(m, 3);
  return m;
}

const maxAbs = (a: Float32Array, b: Float32Array) =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const predict = (m: tfl.LayersModel, x: tf.Tensor) =>
  tf.tidy(() => Float32Array.from((m.predict(x) as tf.Tensor).dataSync()));

/** Interleaved rounds (dense, pruned, dense): median of per-round ratios and of each wall time. */
function latency(dense: tfl.LayersModel, pruned: tfl.LayersModel, x: tf.Tensor) {
  const once = (m: tfl.LayersModel) => {
    const t0 = performance.now();
    tf.tidy(() => (m.predict(x) as tf.Tensor).dataSync());
    return performance.now() - t0;
  };
  for (let i = 0; i < 3; i++) [dense, pruned].forEach(once);
  const d: number[] = [];
  const p: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const a = once(dense);
    const b = once(pruned);
    const c = once(dense);
    d.push((a + c) / 2);
    p.push(b);
    r.push((a + c) / 2 / b);
  }
  return { denseMs: median(d), prunedMs: median(p), speedup: median(r) };
}

async function main() {
  await useBackend();
  if (tf.getBackend() !== 'wasm') throw new Error(`expected the wasm backend, got ${tf.getBackend()}`);
  const load0 = loadavg()[0];
  const dir = await mkdtemp(join(tmpdir(), 'prunekit-nested-'));
  try {
    const built = classifier();
    await saveModel(built, join(dir, 'dense'));
    built.dispose();
    const model = await loadModel(join(dir, 'dense', 'model.json'));
    const nestedClasses = model.layers.map((l) => l.getClassName());

    const t0 = performance.now();
    const graph = buildGraph(model);
    const analysis = analyzeChannels(graph);
    const buildMs = performance.now() - t0;
    const before = computeMetrics(graph);
    const t1 = performance.now();
    const pruner = channelPruner(graph, { scorer: magnitude(), ratio: RATIO, scope: 'local', roundTo: 8 });
    const plan = await pruner.plan();
    const { model: pruned } = await pruner.apply(plan);
    const pruneMs = performance.now() - t1;
    const after = computeMetrics(buildGraph(pruned));

    // The reference: a copy of the nested original with the removed channels zeroed in place.
    const removal = new Map(plan.channels ?? []);
    const zeroed = await zeroChannels(analysis, removal);
    const masked = await cloneModel(model);
    const maskedGraph = buildGraph(masked);
    const zv = modelVariables(zeroed);
    for (const p of maskedGraph.params()) maskedGraph.weights.assign(p.id, zv.get(p.id)!.read());
    const x = tf.randomNormal([2, SIZE, SIZE, 3], 0, 1, 'float32', 9);
    const prunedOut = predict(pruned, x);
    const surgeryDiff = maxAbs(prunedOut, predict(masked, x));
    // How far pruning moved the logits (so the check above is not vacuous), and their scale.
    const movedBy = maxAbs(prunedOut, predict(model, x));
    const logitScale = prunedOut.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const flatDiff = maxAbs(predict(graph.source as tfl.LayersModel, x), predict(model, x));

    // Stock tfjs reads the pruned files (plain JSON + weights, no prunekit code on the load path).
    await saveModel(pruned, join(dir, 'pruned'));
    const json = JSON.parse(await readFile(join(dir, 'pruned', 'model.json'), 'utf8'));
    const bins = await Promise.all(
      json.weightsManifest
        .flatMap((g: { paths: string[] }) => g.paths)
        .map((p: string) => readFile(join(dir, 'pruned', p))),
    );
    const weightData = Buffer.concat(bins);
    const stock = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
        weightData: weightData.buffer.slice(
          weightData.byteOffset,
          weightData.byteOffset + weightData.byteLength,
        ),
      }),
    );
    const stockDiff = maxAbs(predict(stock, x), predict(pruned, x));
    const nestedAfterSave = stock.layers.some(
      (l) => l.getClassName() === 'Model' || l.getClassName() === 'Sequential',
    );

    // BatchNorm folded (the CLI's default export): through the nested backbone as well.
    const foldedDense = await foldBatchNorm(model);
    const foldedPruned = await foldBatchNorm(pruned);
    const foldDiff = maxAbs(predict(foldedPruned, x), prunedOut);

    const x1 = tf.randomNormal([1, SIZE, SIZE, 3], 0, 1, 'float32', 10);
    const t = latency(model, pruned, x1);
    const tf2 = latency(foldedDense, foldedPruned, x1);
    const tv = latency(model, foldedPruned, x1);
    const load1 = loadavg()[0];
    const goals: Goal[] = [
      { name: 'surgery_vs_zeroed_nested_original_max_abs', value: surgeryDiff, target: 1e-4, op: '<=' },
      { name: 'stock_loadLayersModel_vs_pruned_max_abs', value: stockDiff, target: 1e-6, op: '<=' },
    ];
    await writeResult({
      name: 'nested-backbone',
      env: envInfo(tf.getBackend(), { load: [load0, load1], quick }),
      rows: [
        {
          model: `MobileNetV2 features (seeded) nested in a classifier, ${SIZE}x${SIZE}`,
          outerLayers: nestedClasses,
          graphNodes: graph.nodes.length,
          groups: analysis.groups.length,
          frozen: analysis.frozen.length,
          buildAndAnalyzeMs: Math.round(buildMs),
          pruneMs: Math.round(pruneMs),
          ratio: RATIO,
          paramsBefore: before.params,
          paramsAfter: after.params,
          macsBefore: before.macs,
          macsAfter: after.macs,
          flatViewVsNestedMaxAbs: flatDiff,
          surgeryVsZeroedMaxAbs: surgeryDiff,
          prunedVsDenseMaxAbs: movedBy,
          logitMaxAbs: logitScale,
          stockReloadMaxAbs: stockDiff,
          exportIsNested: nestedAfterSave,
          denseMs: t.denseMs,
          prunedMs: t.prunedMs,
          speedup: t.speedup,
          foldedPrunedVsPrunedMaxAbs: foldDiff,
          foldedDenseMs: tf2.denseMs,
          foldedPrunedMs: tf2.prunedMs,
          speedupBothFolded: tf2.speedup,
          speedupFoldedPrunedVsInput: tv.speedup,
        },
      ],
      goals,
    });
    tf.dispose([x, x1]);
    for (const m of [foldedDense, foldedPruned, stock, masked, zeroed, pruned, model]) m.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
