// Structured pruning of CenterNet (@vladmandic/human 3.3.6, MobileNetV3 backbone, 512×512) and its
// wasm latency at batch 1: dense and each pruned model timed in the same run, interleaved, medians
// and p99 over --runs (default 15) after warm-up. No fine-tuning: this is the speed side only.
// Writes results/centernet-latency.json. Run: pnpm --filter @prunekit/graph-model bench:centernet
import { type Forward, roundRobinLatency } from '@prunekit/core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { buildGraphModelGraph, graphModelBytes, toTfGraphModel } from '../src/index.js';
import { useWasm } from '../test/helpers.js';
import { openCenternet, prunedAt, scriptEnv, writeResult } from './setup.js';

tf.env().set('PROD', true);
await useWasm();
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 15);
const ratios = [0.3, 0.5];
const { source, graph, analysis } = await openCenternet();
// The heads (wh, keypoints) run on 128×128 maps; 'detections' is decoding (TopK, gathers).
const outputs = ['tower_0/wh', 'tower_0/keypoints'];
const models: { name: string; model: GraphModel; bytes: number; macs: number }[] = [
  {
    name: 'dense',
    model: await toTfGraphModel(source),
    bytes: graphModelBytes(source),
    macs: graph.nodes.reduce((a, n) => a + n.macs, 0),
  },
];
for (const ratio of ratios) {
  const pruned = await prunedAt(analysis, ratio);
  const g = await buildGraphModelGraph(pruned);
  models.push({
    name: `structured-${ratio * 100}`,
    model: await toTfGraphModel(pruned),
    bytes: graphModelBytes(pruned),
    macs: g.nodes.reduce((a, n) => a + n.macs, 0),
  });
  g.dispose();
}
graph.dispose();
const x = tf.randomUniform([1, 512, 512, 3], 0, 1, 'float32', 1);
// Core's one timer: every model once per round, the first rotating, after 3 warm-up rounds.
const heads = (m: GraphModel): Forward => ({ predict: (t) => m.execute(t, outputs) });
const lat = roundRobinLatency(
  models.map((m) => heads(m.model)),
  x,
  runs,
  3,
);
const rows = models.map((m, i) => ({
  model: m.name,
  medianMs: lat[i].medianMs,
  p99Ms: lat[i].p99Ms,
  macs: m.macs,
  fileBytes: m.bytes,
  speedup: lat[0].medianMs / lat[i].medianMs,
}));
tf.dispose(x);
for (const m of models) m.model.dispose();
const best = rows[rows.length - 1];
const result = {
  name: 'graph-model-centernet-latency',
  env: scriptEnv(),
  rows,
  goals: [
    { name: 'latency_speedup_wasm', value: best.speedup, target: 1.5, op: '>=' },
    { name: 'file_ratio', value: best.fileBytes / rows[0].fileBytes, target: 1, op: '<=' },
  ],
};
await writeResult('centernet-latency.json', result);
