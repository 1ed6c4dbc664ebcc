// Real converted graph models (@vladmandic/human 3.3.6's models/, through the lockfile) exported
// with graphModelToOnnx, dense and with 30% of every prunable group's channels removed: the file
// runs on onnxruntime-node and onnxruntime-web (wasm, in Node) and equals tfjs (wasm backend)
// within 1e-4 of the output scale; float16 weights stay float16, so the initializers hold no more
// bytes than the model's weight shards. CenterNet (512×512) runs in bench:ort.
import { join } from 'node:path';
import { createRng } from '@prunekit/core';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  type GraphModelGraph,
  type GraphModelSource,
  planChannelRemoval,
  removeGraphChannels,
  toTfGraphModel,
} from '@prunekit/graph-model';
import { loadGraphModelFile } from '@prunekit/graph-model/node';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, graphModelToOnnx, onnx } from '../src/index.js';
import { maxAbs, maxDiff, runOrt } from './ort.js';

const humanModel = (name: string) =>
  join(import.meta.dirname, '..', 'node_modules', '@vladmandic', 'human', 'models', `${name}.json`);

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('wasm');
  expect(tf.getBackend()).toBe('wasm');
});

async function check(source: GraphModelSource, label: string, built?: GraphModelGraph) {
  const graph = built ?? (await buildGraphModelGraph(source));
  const bytes = graphModelToOnnx(graph);
  if (!built) graph.dispose();
  const model = await toTfGraphModel(source);
  const shape = (model.inputs[0].shape ?? []).map((d) => (d < 0 ? 1 : d));
  const rng = createRng(7);
  const size = shape.reduce((a, d) => a * d, 1);
  // An int32 input is an image (movenet): pixel values 0..255.
  const int = model.inputs[0].dtype === 'int32';
  const x = int
    ? Int32Array.from({ length: size }, () => Math.floor(rng.next() * 256))
    : Float32Array.from({ length: size }, () => rng.next());
  const ref = tf.tidy(() => {
    const out = model.execute(tf.tensor(x, shape, int ? 'int32' : 'float32')) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });
  model.dispose();
  const scale = Math.max(1, maxAbs(ref));
  for (const runtime of ['node', 'web'] as const) {
    const diff = maxDiff(ref, await runOrt(bytes, x, shape, runtime));
    console.log(
      `${label} on ORT-${runtime}: max |ORT − tfjs| ${diff.toExponential(2)} (output scale ${scale.toFixed(1)})`,
    );
    expect(diff).toBeLessThanOrEqual(1e-4 * scale);
  }
  return bytes;
}

const shardBytes = (s: GraphModelSource) => (s.artifacts.weightData as ArrayBuffer).byteLength;

const initializerBytes = (bytes: Uint8Array) =>
  decodeModel(bytes).graph!.initializer!.reduce((n, t) => n + (t.rawData?.length ?? 0), 0);

describe('graphModelToOnnx on @vladmandic/human models, ORT-node and ORT-web', () => {
  it.each(['iris', 'antispoof'])(
    '%s: the dense and the pruned export equal tfjs within 1e-4',
    async (name) => {
      const before = tf.memory().numTensors;
      const source = await loadGraphModelFile(humanModel(name));
      const graph = await buildGraphModelGraph(source);
      try {
        const dense = await check(source, name, graph);
        const half = source.json.weightsManifest.some((g) =>
          g.weights.some((w) => w.quantization?.dtype === 'float16'),
        );
        const types = new Set(decodeModel(dense).graph!.initializer!.map((t) => t.dataType));
        expect(types.has(onnx.TensorProto.DataType.FLOAT16)).toBe(half);
        // Weights at their stored width (float16 ones too): the initializers hold no more bytes
        // than the weight shards, plus a few int64 shape vectors.
        expect(initializerBytes(dense)).toBeLessThan(1.01 * shardBytes(source));
        const analysis = analyzeGraphChannels(graph);
        const removal = await planChannelRemoval(analysis, { scorer: magnitude(), ratio: 0.3 });
        const small = await check(removeGraphChannels(analysis, removal), `${name} pruned 30%`);
        expect(small.length).toBeLessThan(dense.length);
      } finally {
        graph.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    },
    60_000,
  );

  it('movenet-lightning (Unpack, Pack, ArgMax, GatherNd in its keypoint decode; int32 image input) equals tfjs within 1e-4', async () => {
    const before = tf.memory().numTensors;
    const source = await loadGraphModelFile(humanModel('movenet-lightning'));
    const ops = new Set(source.json.modelTopology.node.map((n) => n.op));
    for (const op of ['Unpack', 'Pack', 'ArgMax', 'GatherNd']) expect(ops.has(op)).toBe(true);
    const bytes = await check(source, 'movenet-lightning');
    const written = new Set(decodeModel(bytes).graph!.node!.map((n) => n.opType));
    for (const op of ['ArgMax', 'GatherND', 'Squeeze', 'Unsqueeze']) expect(written.has(op)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
