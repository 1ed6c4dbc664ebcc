// Structured pruning of CenterNet (@vladmandic/human 3.3.6, MobileNetV3 backbone, 512×512) and its
// wasm latency at batch 1: dense and each pruned model timed in the same run, interleaved, medians
// and p99 over --runs (default 15) after warm-up. No fine-tuning: this is the speed side only.
// Writes results/centernet-latency.json. Run: pnpm --filter @prunekit/graph-model bench:centernet
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { magnitude } from '@prunekit/scorers';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  graphModelBytes,
  planChannelRemoval,
  removeGraphChannels,
  toTfGraphModel,
} from '../src/index.js';
import { loadGraphModelFile } from '../src/node.js';
import { humanModel, useWasm } from '../test/helpers.js';

tf.env().set('PROD', true);
await useWasm();
const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 15);
const ratios = [0.3, 0.5];
const source = await loadGraphModelFile(humanModel('centernet'));
const graph = await buildGraphModelGraph(source);
const analysis = analyzeGraphChannels(graph);
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
  const pruned = removeGraphChannels(
    analysis,
    await planChannelRemoval(analysis, { scorer: magnitude(), ratio }),
  );
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
const time = (m: GraphModel) => {
  const t0 = performance.now();
  const y = m.execute(x, outputs) as tf.Tensor[];
  for (const t of y) t.dataSync();
  tf.dispose(y);
  return performance.now() - t0;
};
for (const m of models) for (let i = 0; i < 3; i++) time(m.model);
const ms = models.map(() => [] as number[]);
for (let r = 0; r < runs; r++) for (const [i, m] of models.entries()) ms[i].push(time(m.model));
const q = (v: number[], p: number) =>
  [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(p * v.length))];
const rows = models.map((m, i) => ({
  model: m.name,
  medianMs: q(ms[i], 0.5),
  p99Ms: q(ms[i], 0.99),
  macs: m.macs,
  fileBytes: m.bytes,
  speedup: q(ms[0], 0.5) / q(ms[i], 0.5),
}));
tf.dispose(x);
for (const m of models) m.model.dispose();
const best = rows[rows.length - 1];
const result = {
  name: 'graph-model-centernet-latency',
  env: {
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    backend: tf.getBackend(),
    load: loadavg()[0],
  },
  rows,
  goals: [
    { name: 'latency_speedup_wasm', value: best.speedup, target: 1.5, op: '>=' },
    { name: 'file_ratio', value: best.fileBytes / rows[0].fileBytes, target: 1, op: '<=' },
  ],
};
const out = join(import.meta.dirname, '..', 'results', 'centernet-latency.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result));
