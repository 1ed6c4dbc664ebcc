// Small models shared by the layers tests. Every fixture is seeded so the weights are stable.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@prunekit/core';
import { afterEach, beforeAll, expect } from 'vitest';

export { tf, tfl };

/** Models a test made: `keep(m)` returns `m`; `keep.disposeAll()` disposes them now (before a leak check). */
export interface Kept {
  <M extends tfl.LayersModel | undefined>(m: M): M;
  disposeAll(): void;
}

/**
 * Call once at a test file's top level: every model passed to the returned `keep` is disposed
 * after the test that made it, if the test did not call `keep.disposeAll()` first.
 */
export function disposedAfterEach(): Kept {
  const open: tfl.LayersModel[] = [];
  const keep = <M extends tfl.LayersModel | undefined>(m: M): M => {
    if (m) open.push(m);
    return m;
  };
  const disposeAll = () => {
    for (const m of open.splice(0)) m.dispose();
  };
  afterEach(disposeAll);
  return Object.assign(keep, { disposeAll });
}

/** Call once at a test file's top level: the file runs on the cpu backend, asserted. */
export function onCpu(): void {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
}

/**
 * Every layer's weights drawn from createRng(seed): `draw(name, rng)` gives one value of the weight
 * whose last name part is `name` (kernel, bias, gamma, moving_variance, …).
 */
export function seedLayerWeights(
  model: tfl.LayersModel,
  seed: number,
  draw: (name: string, rng: ReturnType<typeof createRng>) => number,
): void {
  const rng = createRng(seed);
  for (const layer of model.layers) {
    const values = layer.weights.map((w) => {
      const name = w.originalName.split('/').pop()!;
      const v = new Float32Array(w.shape.reduce((a: number, b) => a * (b as number), 1));
      for (let i = 0; i < v.length; i++) v[i] = draw(name, rng);
      return tf.tensor(v, [...w.shape] as number[]);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

const init = (seed: number) => tfl.initializers.glorotUniform({ seed });

/** conv(3x3, 4) → BN → depthwise(3x3, ×2) → flatten → dense(2), on 8x8x3. */
export function sequentialFixture(): tfl.Sequential {
  return tfl.sequential({
    name: 'seq',
    layers: [
      tfl.layers.conv2d({
        inputShape: [8, 8, 3],
        filters: 4,
        kernelSize: 3,
        name: 'c1',
        kernelInitializer: init(1),
      }),
      tfl.layers.batchNormalization({ name: 'bn' }),
      tfl.layers.depthwiseConv2d({
        kernelSize: 3,
        depthMultiplier: 2,
        name: 'dw',
        depthwiseInitializer: init(2),
      }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dropout({ rate: 0.5, name: 'drop' }),
      tfl.layers.dense({ units: 2, name: 'logits', kernelInitializer: init(3) }),
    ],
  });
}

/**
 * x[8,8,3] → a: conv 3x3 same (4) → relu → b: conv 3x3 same (4) → add(a, b) → c: conv 1x1 (2)
 * → cat(add, c) → gap → out: dense(3).
 */
export function functionalFixture(): tfl.LayersModel {
  const x = tfl.input({ shape: [8, 8, 3], name: 'x' });
  const a = tfl.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'a', kernelInitializer: init(4) })
    .apply(x) as tfl.SymbolicTensor;
  const r = tfl.layers.reLU({ name: 'r' }).apply(a) as tfl.SymbolicTensor;
  const b = tfl.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'b', kernelInitializer: init(5) })
    .apply(r) as tfl.SymbolicTensor;
  const add = tfl.layers.add({ name: 'add' }).apply([a, b]) as tfl.SymbolicTensor;
  const c = tfl.layers
    .conv2d({ filters: 2, kernelSize: 1, name: 'c', kernelInitializer: init(6) })
    .apply(add) as tfl.SymbolicTensor;
  const cat = tfl.layers.concatenate({ name: 'cat' }).apply([add, c]) as tfl.SymbolicTensor;
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(cat) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 3, name: 'out', kernelInitializer: init(7) })
    .apply(gap) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out, name: 'residual' });
}

/** Fails the test if `fn` changes tf.memory().numTensors. */
export async function noLeaks<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`leaked ${after - before} tensor(s): ${before} → ${after}`);
  return out;
}

/** A custom layer class no handler knows: y = x · scale + shift, per channel. */
export class TestScale extends tfl.layers.Layer {
  static className = 'PrunekitTestScale';
  private scale?: tfl.LayerVariable;
  private shift?: tfl.LayerVariable;
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const c = (inputShape as tfl.Shape)[(inputShape as tfl.Shape).length - 1] as number;
    this.scale = this.addWeight('scale', [c], 'float32', tfl.initializers.ones());
    this.shift = this.addWeight('shift', [c], 'float32', tfl.initializers.zeros());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.add(tf.mul(x, this.scale!.read()), this.shift!.read()));
  }
}

/** dense(4) on [5] → custom scale layer → dense(2). */
export function customLayerFixture(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [5], units: 4, name: 'd0' }),
      new TestScale({ name: 'scale' }),
      tfl.layers.dense({ units: 2, name: 'd' }),
    ],
  });
}
