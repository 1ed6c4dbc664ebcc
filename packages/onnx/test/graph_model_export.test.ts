// ONNX export of tfjs graph models: seeded random graph models (fused and unfused convs, depthwise,
// batch norm, merges, squeeze-excite, concat, split, pad, pools, resize, dense heads; float32,
// float16 and uint8 weights) exported with graphModelToOnnx run on onnxruntime-node and equal
// tfjs's execute within 1e-4 (relative to the output scale); float16 and uint8 weights stay in
// their dtype in the file; a channel-pruned graph model exports the same way; an op without a
// mapping is refused by name.
import { createRng, PrunekitError } from '@prunekit/core';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  type GraphModelSource,
  graphModelSource,
  planChannelRemoval,
  removeGraphChannels,
  toTfGraphModel,
  writeGraphModel,
} from '@prunekit/graph-model';
import { magnitude } from '@prunekit/scorers';
import { randomGraphModel } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, graphModelToOnnx, onnx } from '../src/index.js';
import { maxAbs, maxDiff, runOrt } from './ort.js';

const SEEDS = 60;
const DTYPES = ['float32', 'float16', 'uint8'] as const;

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

/** tfjs execute vs ORT on the exported file, one seeded input; relative to the outputs' scale. */
async function compare(source: GraphModelSource, shape: readonly number[], seed: number) {
  const graph = await buildGraphModelGraph(source);
  let bytes: Uint8Array;
  try {
    bytes = graphModelToOnnx(graph);
  } finally {
    graph.dispose();
  }
  const rng = createRng(seed + 77);
  const xs = Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => rng.normal());
  const model = await toTfGraphModel(source);
  const ref = tf.tidy(() => {
    const out = model.execute(tf.tensor(xs, [...shape])) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });
  model.dispose();
  const got = await runOrt(bytes, xs, shape);
  return { diff: maxDiff(ref, got), scale: Math.max(1, maxAbs(ref)), bytes };
}

const initializerTypes = (bytes: Uint8Array) =>
  new Set(decodeModel(bytes).graph!.initializer!.map((t) => t.dataType));

describe('graphModelToOnnx', () => {
  it(`${SEEDS} random graph models: ORT outputs equal tfjs within 1e-4; float16 / uint8 weights kept`, async () => {
    const before = tf.memory().numTensors;
    const failures: string[] = [];
    const ops = new Set<string>();
    let worst = 0;
    for (let seed = 0; seed < SEEDS; seed++) {
      const r = randomGraphModel(seed, { fused: seed % 3 === 0 ? true : seed % 3 === 1 ? false : 'mixed' });
      for (const op of r.ops) ops.add(op);
      const dtype = DTYPES[seed % DTYPES.length];
      const float = graphModelSource(r.json, r.weightData, `random graph #${seed}`);
      const source = dtype === 'float32' ? float : writeGraphModel(float, [], { dtype });
      const { diff, scale, bytes } = await compare(source, r.inputShape, seed);
      worst = Math.max(worst, diff / scale);
      if (!(diff <= 1e-4 * scale)) failures.push(`#${seed} (${dtype}, ${r.blocks.join(' ')}): ${diff}`);
      const types = initializerTypes(bytes);
      if (dtype === 'float16' && !types.has(onnx.TensorProto.DataType.FLOAT16))
        failures.push(`#${seed}: no FLOAT16 initializer`);
      if (dtype === 'uint8' && !types.has(onnx.TensorProto.DataType.UINT8))
        failures.push(`#${seed}: no UINT8 initializer`);
    }
    console.log(
      `${SEEDS} graphs, worst |ORT − tfjs| / scale ${worst.toExponential(2)}, ops ${[...ops].sort().join(' ')}`,
    );
    expect(failures).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('float16 weights stay FLOAT16: weights take about half the bytes of the float32 export', async () => {
    const r = randomGraphModel(3, { fused: true });
    const float = graphModelSource(r.json, r.weightData, 'random graph #3');
    const half = writeGraphModel(float, [], { dtype: 'float16' });
    const graph = await buildGraphModelGraph(half);
    const kept = graphModelToOnnx(graph);
    const wide = graphModelToOnnx(graph, { weights: 'float32' });
    graph.dispose();
    expect(initializerTypes(wide).has(onnx.TensorProto.DataType.FLOAT16)).toBe(false);
    // Initializer bytes: the float16 file holds its weights at 2 bytes, the float32 one at 4 (the
    // int constants and the folded batch-norm factors are the same in both).
    const raw = (bytes: Uint8Array) =>
      decodeModel(bytes).graph!.initializer!.reduce((n, t) => n + (t.rawData?.length ?? 0), 0);
    expect(raw(kept)).toBeLessThan(0.6 * raw(wide));
    const a = await compare(half, r.inputShape, 3);
    expect(a.diff).toBeLessThanOrEqual(1e-4 * a.scale);
  });

  it('a channel-pruned graph model exports and equals its tfjs run', async () => {
    const before = tf.memory().numTensors;
    const r = randomGraphModel(11, { fused: 'mixed' });
    const source = graphModelSource(r.json, r.weightData, 'random graph #11');
    const graph = await buildGraphModelGraph(source);
    const analysis = analyzeGraphChannels(graph);
    const pruned = removeGraphChannels(
      analysis,
      await planChannelRemoval(analysis, { scorer: magnitude(), ratio: 0.5 }),
    );
    graph.dispose();
    const full = await compare(source, r.inputShape, 11);
    const small = await compare(pruned, r.inputShape, 11);
    expect(small.diff).toBeLessThanOrEqual(1e-4 * small.scale);
    expect(small.bytes.length).toBeLessThan(full.bytes.length);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an op without a mapping is refused, naming the op', async () => {
    const r = randomGraphModel(0);
    const json = structuredClone(r.json) as {
      modelTopology: { node: { name: string; op: string; input?: string[] }[] };
    };
    const nodes = json.modelTopology.node;
    const last = nodes[nodes.length - 1];
    nodes.push({ name: 'odd', op: 'Erf', input: [last.input![0]] });
    last.input = ['odd'];
    const graph = await buildGraphModelGraph(graphModelSource(json, r.weightData, 'with Erf'));
    try {
      expect(() => graphModelToOnnx(graph)).toThrow(PrunekitError);
      expect(() => graphModelToOnnx(graph)).toThrow(/op 'odd' \(Erf\)/);
    } finally {
      graph.dispose();
    }
  });
});
