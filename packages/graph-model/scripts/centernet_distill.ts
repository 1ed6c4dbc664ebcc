// Label-free recovery of a structured-pruned CenterNet (@vladmandic/human 3.3.6) by distillation
// from the dense model, on tfjs-wasm with prunekit's training kernels. Images: 256×256 crops of
// the one photograph collage the package ships (assets/samples.jpg, people; package MIT-licensed,
// the photos' own provenance is not stated), resized to 512×512: training crops from the top rows,
// held-out crops from the bottom rows (no pixel shared), each also mirrored. This is NOT the
// issue's driving-photo evaluation (no vehicles, one source image): it shows that distillation on
// a real converted model moves the pruned student back towards the dense one, measured by
// detection agreement (same class, IoU ≥ 0.5, score ≥ 0.3) on the held-out crops.
// Run: pnpm --filter @prunekit/graph-model bench:centernet-distill [--ratio=0.5] [--epochs=3]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startBackend } from '@prunekit/backend-wasm';
import { adam } from '@prunekit/finetune';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // tfjs's gradients
import jpeg from 'jpeg-js';
import { distillGraphModel, type GraphModelSource, toTfGraphModel } from '../src/index.js';
import { humanModel } from '../test/helpers.js';
import { openCenternet, prunedAt, scriptEnv, writeResult } from './setup.js';

tf.env().set('PROD', true);
await startBackend('wasm');
const arg = (k: string, d: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d);
const ratio = arg('ratio', 0.5);
const epochs = arg('epochs', 3);
const started = performance.now();

const photo = jpeg.decode(readFileSync(join(dirname(humanModel('x')), '..', 'assets', 'samples.jpg')), {
  useTArray: true,
});
const crops = (ys: number[]) =>
  tf.tidy(() => {
    const rgba = tf.tensor3d(photo.data, [photo.height, photo.width, 4], 'int32');
    // Raw 0..255 pixels: the converted CenterNet normalizes inside (as @vladmandic/human feeds it).
    const img = tf.cast(tf.slice(rgba, [0, 0, 0], [-1, -1, 3]), 'float32');
    const out: tf.Tensor[] = [];
    for (const y of ys) {
      for (let x = 0; x + 256 <= photo.width; x += 128) {
        const c = tf.image.resizeBilinear(tf.slice(img, [y, x, 0], [256, 256, 3]) as tf.Tensor3D, [512, 512]);
        out.push(c, tf.reverse(c, 1));
      }
    }
    return tf.stack(out);
  });
const train = crops([0, 128, 256]);
const held = crops([photo.height - 512, photo.height - 384, photo.height - 256]);

interface Box {
  box: number[];
  score: number;
  cls: number;
}
async function detections(model: GraphModel, x: tf.Tensor): Promise<Box[][]> {
  const out: Box[][] = [];
  for (let i = 0; i < x.shape[0]; i++) {
    const one = tf.slice(x, i, 1);
    const d = model.execute(one, 'tower_0/detections') as tf.Tensor;
    const v = d.arraySync() as number[][][];
    tf.dispose([one, d]);
    out.push(v[0].filter((r) => r[4] >= 0.3).map((r) => ({ box: r.slice(0, 4), score: r[4], cls: r[5] })));
  }
  return out;
}
const iou = (a: number[], b: number[]) => {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  const area = (r: number[]) => Math.max(0, r[2] - r[0]) * Math.max(0, r[3] - r[1]);
  return inter / (area(a) + area(b) - inter || 1);
};
/** Greedy one-to-one matching of student boxes to dense boxes: F1 of agreement with the dense model. */
function f1(dense: Box[][], student: Box[][]) {
  let tp = 0;
  let nd = 0;
  let ns = 0;
  dense.forEach((ref, i) => {
    const used = new Set<number>();
    nd += ref.length;
    ns += student[i].length;
    for (const s of [...student[i]].sort((a, b) => b.score - a.score)) {
      const j = ref.findIndex((r, k) => !used.has(k) && r.cls === s.cls && iou(r.box, s.box) >= 0.5);
      if (j >= 0) {
        used.add(j);
        tp++;
      }
    }
  });
  // With no dense boxes there is nothing to agree on: F1 is not measured (null), never 1.
  if (nd === 0) return { f1: null, precision: null, recall: null, denseBoxes: nd, studentBoxes: ns };
  const p = ns ? tp / ns : 0;
  const r = tp / nd;
  return { f1: p + r ? (2 * p * r) / (p + r) : 0, precision: p, recall: r, denseBoxes: nd, studentBoxes: ns };
}

const { source, graph, analysis } = await openCenternet();
const pruned = await prunedAt(analysis, ratio);
graph.dispose();
const evaluate = async (s: GraphModelSource) => {
  const m = await toTfGraphModel(s);
  const d = await detections(m, held);
  m.dispose();
  return d;
};
const dense = await evaluate(source);
const before = f1(dense, await evaluate(pruned));
const history: unknown[] = [];
const tuned = await distillGraphModel(pruned, {
  teacher: source,
  inputs: train,
  validation: held,
  outputs: ['tower_0/wh', 'tower_0/keypoints'],
  epochs,
  batchSize: 1, // the converted graph fixes its batch at 1
  optimizer: adam({ lr: 5e-4 }),
  earlyStop: { patience: 2, restoreBest: true },
  onEpoch: (log) => {
    history.push(log);
    console.error(JSON.stringify(log));
  },
});
const after = f1(dense, await evaluate(tuned.model));
tf.dispose([train, held]);
const result = {
  name: 'graph-model-centernet-distill',
  env: scriptEnv(),
  rows: [
    { stage: 'pruned, before distillation', ratio, heldOutDistillLoss: tuned.initialValLoss, ...before },
    {
      stage: 'pruned, after label-free distillation',
      ratio,
      epochs: history.length,
      losses: tuned.losses,
      ...after,
    },
  ],
  history,
  trainCrops: 54,
  heldOutCrops: 54,
  seconds: (performance.now() - started) / 1000,
  // F1 is a goal only when the dense model found boxes to agree on.
  goals:
    after.f1 === null
      ? []
      : [{ name: 'detection_f1_vs_dense_heldout_crops', value: after.f1, target: 0.9, op: '>=' }],
};
await writeResult('centernet-distill.json', result);
