import { InvalidArgumentError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { foldActivations, foldBatchNorm, planActivationFolds, planBatchNormFolds } from '../src/index.js';
import { disposedAfterEach, onCpu, seedLayerWeights } from './fixtures.js';

type T = tfl.SymbolicTensor;
const keep = disposedAfterEach();
onCpu();

/** Every weight drawn from createRng(seed); BN statistics far from identity so folding shows. */
function seed(model: tfl.LayersModel, s: number): void {
  seedLayerWeights(model, s, (name, rng) =>
    name === 'moving_variance'
      ? 0.2 + 2 * rng.next()
      : name === 'gamma'
        ? 0.5 + rng.next()
        : 0.5 * rng.normal(),
  );
}

function bn(x: T, name: string): T {
  return tfl.layers.batchNormalization({ name, epsilon: 1e-3 }).apply(x) as T;
}

/** Conv2D (no bias) → BN → ReLU6, depthwise (bias) → BN, a conv read twice, a BN after an Add, Dense → BN output. */
function functionalNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 3], name: 'input' });
  let x = tfl.layers
    .conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false, name: 'c1' })
    .apply(input) as T;
  x = tfl.layers.reLU({ maxValue: 6, name: 'r1' }).apply(bn(x, 'bn1')) as T;
  const d = tfl.layers
    .depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', name: 'dw' })
    .apply(x) as T;
  const y = bn(d, 'bn2');
  const twice = tfl.layers.conv2d({ filters: 16, kernelSize: 1, name: 'twice' }).apply(y) as T;
  const sum = tfl.layers.add({ name: 'add' }).apply([bn(twice, 'bn3'), twice]) as T;
  const z = bn(sum, 'bn4');
  const act = tfl.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu', name: 'act' }).apply(z) as T;
  const g = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(bn(act, 'bn5')) as T;
  const out = bn(tfl.layers.dense({ units: 5, name: 'fc' }).apply(g) as T, 'bn6');
  return keep(tfl.model({ inputs: input, outputs: [out, z], name: 'functional' }));
}

function sequentialNet(): tfl.LayersModel {
  return keep(
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [5, 5, 2], filters: 6, kernelSize: 3, useBias: false, name: 's_c' }),
        tfl.layers.batchNormalization({ name: 's_bn1' }),
        tfl.layers.flatten({ name: 's_flat' }),
        tfl.layers.dense({ units: 3, name: 's_fc' }),
        tfl.layers.batchNormalization({ name: 's_bn2' }),
      ],
    }),
  );
}

function maxDiff(a: tf.Tensor | tf.Tensor[], b: tf.Tensor | tf.Tensor[]): number {
  const as = Array.isArray(a) ? a : [a];
  const bs = Array.isArray(b) ? b : [b];
  let m = 0;
  as.forEach((t, i) => {
    expect(t.shape).toEqual(bs[i].shape);
    const x = t.dataSync();
    const y = bs[i].dataSync();
    for (let k = 0; k < x.length; k++) m = Math.max(m, Math.abs(x[k] - y[k]));
  });
  return m;
}

async function checkFolded(model: tfl.LayersModel, inputShape: number[], foldedBns: string[]): Promise<void> {
  seed(model, 11);
  const before = model.getWeights().map((w) => Array.from(w.dataSync()));
  const layerNames = model.layers.map((l) => l.name);
  expect(
    planBatchNormFolds(model)
      .map((f) => f.bn)
      .sort(),
  ).toEqual([...foldedBns].sort());
  const n0 = tf.memory().numTensors;
  const folded = await foldBatchNorm(model);
  const names = folded.layers.map((l) => l.name);
  for (const b of foldedBns) expect(names).not.toContain(b);
  expect(names.length).toBe(layerNames.length - foldedBns.length);
  for (let trial = 0; trial < 3; trial++) {
    const x = tf.randomNormal([2, ...inputShape], 0, 2, 'float32', 100 + trial);
    const want = model.predict(x) as tf.Tensor | tf.Tensor[];
    const got = folded.predict(x) as tf.Tensor | tf.Tensor[];
    expect(maxDiff(want, got)).toBeLessThan(1e-4);
    tf.dispose([x, want, got]);
  }
  // The source model is only read.
  expect(model.layers.map((l) => l.name)).toEqual(layerNames);
  expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
  const extra = folded.weights.length;
  folded.dispose();
  expect(tf.memory().numTensors).toBe(n0);
  expect(extra).toBeGreaterThan(0);
}

describe('foldBatchNorm', () => {
  it('folds BN after linear Conv2D / DepthwiseConv2D / Dense and keeps the others (functional)', async () => {
    // bn3: its conv is read twice; bn4: after an Add; bn5: the conv has a ReLU — these stay.
    await checkFolded(functionalNet(), [6, 6, 3], ['bn1', 'bn2', 'bn6']);
  });

  it('folds BN in a Sequential model (conv → BN → flatten → dense → BN)', async () => {
    await checkFolded(sequentialNet(), [5, 5, 2], ['s_bn1', 's_bn2']);
  });

  it('a folded model saves and reloads with stock tfjs', async () => {
    const m = sequentialNet();
    seed(m, 3);
    const folded = keep(await foldBatchNorm(m));
    let saved: tf.io.ModelArtifacts | undefined;
    await folded.save(
      tf.io.withSaveHandler(async (a) => {
        saved = a;
        return { modelArtifactsInfo: {} as tf.io.ModelArtifactsInfo };
      }),
    );
    const again = keep(await tfl.loadLayersModel(tf.io.fromMemory(saved!)));
    const x = tf.randomNormal([1, 5, 5, 2], 0, 1, 'float32', 4);
    const a = m.predict(x) as tf.Tensor;
    const b = again.predict(x) as tf.Tensor;
    expect(maxDiff(a, b)).toBeLessThan(1e-4);
    tf.dispose([x, a, b]);
  });

  it('refuses what is not a LayersModel with a typed error', async () => {
    await expect(foldBatchNorm({} as tfl.LayersModel)).rejects.toThrow(InvalidArgumentError);
    expect(() => planBatchNormFolds(null as unknown as tfl.LayersModel)).toThrow(/LayersModel/);
  });
});

describe('foldActivations', () => {
  /** conv → Activation(relu) → conv (read twice: its ReLU stays) → ReLU + add → flatten → dense → Activation(softmax); a leaky ReLU after a conv stays. */
  function actNet(): tfl.LayersModel {
    const input = tfl.input({ shape: [5, 5, 2], name: 'a_in' });
    let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'a_c1' }).apply(input) as T;
    x = tfl.layers.activation({ activation: 'relu', name: 'a_act1' }).apply(x) as T;
    const c2 = tfl.layers.conv2d({ filters: 4, kernelSize: 1, name: 'a_c2' }).apply(x) as T;
    const r2 = tfl.layers.reLU({ name: 'a_r2' }).apply(c2) as T;
    x = tfl.layers.add({ name: 'a_add' }).apply([r2, c2]) as T;
    const c3 = tfl.layers.conv2d({ filters: 4, kernelSize: 1, name: 'a_c3' }).apply(x) as T;
    x = tfl.layers.leakyReLU({ alpha: 0.1, name: 'a_leaky' }).apply(c3) as T;
    x = tfl.layers.flatten({ name: 'a_flat' }).apply(x) as T;
    x = tfl.layers.dense({ units: 3, name: 'a_fc' }).apply(x) as T;
    const out = tfl.layers.activation({ activation: 'softmax', name: 'a_soft' }).apply(x) as T;
    return keep(tfl.model({ inputs: input, outputs: out }));
  }

  it('makes ReLU / Activation layers after a linear conv or dense that layer’s activation; outputs unchanged, no leaks', async () => {
    for (const [model, shape, want] of [
      [actNet(), [5, 5, 2], { a_act1: 'a_c1', a_soft: 'a_fc' }],
      // After foldBatchNorm c1 → bn1 → r1 is c1 → r1, but r1 is a ReLU(6): it stays (see fold_plan).
      [keep(await foldBatchNorm(functionalNet())), [6, 6, 3], {}],
    ] as const) {
      seed(model, 5);
      const plan = planActivationFolds(model);
      expect(Object.fromEntries(plan.map((f) => [f.layer, f.into]))).toEqual(want);
      const n0 = tf.memory().numTensors;
      const folded = await foldActivations(model);
      const names = folded.layers.map((l) => l.name);
      for (const f of plan) {
        expect(names).not.toContain(f.layer);
        expect(folded.getLayer(f.into).getConfig().activation).toBe(f.activation);
      }
      expect(names.length).toBe(model.layers.length - plan.length);
      const x = tf.randomNormal([2, ...shape], 0, 2, 'float32', 9);
      const a = model.predict(x) as tf.Tensor | tf.Tensor[];
      const b = folded.predict(x) as tf.Tensor | tf.Tensor[];
      expect(maxDiff(a, b)).toBeLessThan(1e-5);
      tf.dispose([x, a, b].flat());
      folded.dispose();
      expect(tf.memory().numTensors).toBe(n0);
    }
    expect(planBatchNormFolds(functionalNet()).some((f) => f.into === 'c1')).toBe(true);
  });
});
