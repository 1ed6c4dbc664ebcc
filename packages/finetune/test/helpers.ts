import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@prunekit/core';

/** Selects the cpu backend and checks it is really in use. */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error(`wanted cpu, got ${tf.getBackend()}`);
}

/** A tiny dense classifier with weights drawn from createRng(seed) (tfjs initializers are unseeded). */
export function tinyModel(
  seed = 1,
  opts: { inputs?: number; hidden?: number; classes?: number; bn?: boolean } = {},
): tfl.LayersModel {
  const inputs = opts.inputs ?? 6;
  const hidden = opts.hidden ?? 12;
  const classes = opts.classes ?? 3;
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: hidden, activation: 'relu', inputShape: [inputs], name: 'fc1' }));
  if (opts.bn) m.add(tfl.layers.batchNormalization({ name: 'bn1' }));
  m.add(tfl.layers.dense({ units: classes, activation: 'softmax', name: 'logits' }));
  setSeededWeights(m, seed);
  return m;
}

export function setSeededWeights(m: tfl.LayersModel, seed: number): void {
  const rng = createRng(seed);
  for (const w of m.weights) {
    if (!w.trainable || w.originalName.includes('gamma') || w.originalName.includes('beta')) continue;
    const n = w.shape.reduce((a, b) => (a as number) * (b as number), 1) as number;
    const fanIn = w.shape.length > 1 ? (w.shape.slice(0, -1) as number[]).reduce((a, b) => a * b, 1) : 1;
    const vals = Float32Array.from(
      { length: n },
      () => rng.normal() * Math.sqrt(2 / fanIn) * (w.shape.length > 1 ? 1 : 0.1),
    );
    tf.tidy(() => w.write(tf.tensor(vals, w.shape as number[])));
  }
}

/** Separable synthetic data: class = arg-max of a random projection of x fixed by `task`. */
export function makeData(
  seed: number,
  n: number,
  inputs = 6,
  classes = 3,
  task = 0,
): { x: tf.Tensor; y: tf.Tensor } {
  const rng = createRng(seed);
  const taskRng = createRng(1000 + task);
  const proj = Array.from({ length: inputs * classes }, () => taskRng.normal());
  const xs = new Float32Array(n * inputs);
  const ys = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    const scores = new Array(classes).fill(0);
    for (let j = 0; j < inputs; j++) {
      const v = rng.normal();
      xs[i * inputs + j] = v;
      for (let c = 0; c < classes; c++) scores[c] += v * proj[j * classes + c];
    }
    ys[i * classes + scores.indexOf(Math.max(...scores))] = 1;
  }
  return { x: tf.tensor2d(xs, [n, inputs]), y: tf.tensor2d(ys, [n, classes]) };
}

export function disposeData(d: { x: tf.Tensor; y: tf.Tensor }): void {
  d.x.dispose();
  d.y.dispose();
}

/** A copy of every weight value, by variable name. */
export function weightValues(m: tfl.LayersModel): Map<string, Float32Array> {
  return new Map(
    m.weights.map((w) => [w.originalName, Float32Array.from(w.read().dataSync() as Float32Array)]),
  );
}

/** A stream that records what is written to it. */
export function recorder(isTTY: boolean): { write(s: string): boolean; isTTY: boolean; text: () => string } {
  const chunks: string[] = [];
  return {
    isTTY,
    write: (s: string) => {
      chunks.push(s);
      return true;
    },
    text: () => chunks.join(''),
  };
}
