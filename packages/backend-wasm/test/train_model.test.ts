// A training step of the traffic-sign CNN (createSignModel) runs on 'wasm' with prunekit's
// kernels and moves the weights exactly as the same step on 'cpu' does.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../src/index.js';
import { createSignModel } from '../../../examples/perception-traffic-signs/src/model.js';
import { relError, useTfBackend } from './train_helpers.js';

const BATCH = 4;

function data(seed: number, inShape: number[], classes: number): { x: Float32Array; y: Float32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(BATCH * inShape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  const y = new Float32Array(BATCH * classes);
  for (let i = 0; i < BATCH; i++) y[i * classes + rng.int(classes)] = 1;
  return { x, y };
}

/** Weights before and after one fit epoch (one batch, SGD) on `backend`. */
async function fitOnce(
  backend: 'cpu' | 'wasm',
  build: () => tfl.LayersModel,
  inShape: number[],
  classes: number,
): Promise<{ names: string[]; before: Float32Array[]; after: Float32Array[]; loss: number }> {
  if (backend === 'wasm') await useBackend();
  else await useTfBackend('cpu');
  expect(tf.getBackend()).toBe(backend);
  const start = tf.memory().numTensors;
  const model = build();
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const names = model.weights.map((w) => w.name);
  const before = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  const { x, y } = data(5, inShape, classes);
  const xs = tf.tensor(x, [BATCH, ...inShape]);
  const ys = tf.tensor(y, [BATCH, classes]);
  const h = await model.fit(xs, ys, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0 });
  expect(tf.getBackend()).toBe(backend);
  const after = model.getWeights().map((w) => w.dataSync().slice() as Float32Array);
  tf.dispose([xs, ys]);
  model.dispose();
  // The optimizer's own variables (SGD has none beyond its iteration count) are all that may stay.
  expect(tf.memory().numTensors - start).toBeLessThanOrEqual(1);
  return { names, before, after, loss: h.history.loss[0] as number };
}

function expectSameUpdates(
  cpu: Awaited<ReturnType<typeof fitOnce>>,
  wasm: Awaited<ReturnType<typeof fitOnce>>,
) {
  const names = cpu.names;
  expect(wasm.names.length).toBe(names.length);
  expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(cpu.loss)));
  for (let i = 0; i < cpu.before.length; i++) {
    expect(relError(wasm.before[i], cpu.before[i]), `initial ${names[i]}`).toBe(0);
    const du = (r: { before: Float32Array[]; after: Float32Array[] }) =>
      r.after[i].map((v, j) => v - r.before[i][j]);
    const update = du(cpu);
    // A weight that got no gradient on either backend is fine; any other must move the same way.
    expect(update.some((v) => v !== 0) || du(wasm).every((v) => v === 0), names[i]).toBe(true);
    expect(relError(du(wasm), update), `update of ${names[i]}`).toBeLessThanOrEqual(1e-4);
  }
}

describe('training on wasm', () => {
  it('one fit step of the traffic-sign CNN matches the cpu backend', async () => {
    const build = () => createSignModel(12, 3);
    const cpu = await fitOnce('cpu', build, [32, 32, 3], 12);
    const wasm = await fitOnce('wasm', build, [32, 32, 3], 12);
    expectSameUpdates(cpu, wasm);
  });

  it('one fit step of a depthwise-separable CNN (multiplier 2, stride 2) matches the cpu backend', async () => {
    const build = () => {
      const m = tfl.sequential();
      const init = (s: number) => tfl.initializers.glorotUniform({ seed: s });
      m.add(
        tfl.layers.depthwiseConv2d({
          inputShape: [12, 12, 3],
          kernelSize: 3,
          depthMultiplier: 2,
          strides: 2,
          padding: 'same',
          activation: 'relu',
          depthwiseInitializer: init(1),
        }),
      );
      m.add(tfl.layers.conv2d({ filters: 8, kernelSize: 1, activation: 'relu', kernelInitializer: init(2) }));
      m.add(
        tfl.layers.separableConv2d({
          filters: 8,
          kernelSize: 3,
          padding: 'valid',
          depthwiseInitializer: init(3),
          pointwiseInitializer: init(4),
        }),
      );
      m.add(tfl.layers.averagePooling2d({ poolSize: 2 }));
      m.add(tfl.layers.flatten());
      m.add(tfl.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: init(5) }));
      return m;
    };
    const cpu = await fitOnce('cpu', build, [12, 12, 3], 5);
    const wasm = await fitOnce('wasm', build, [12, 12, 3], 5);
    expectSameUpdates(cpu, wasm);
  });
});
