// The 'wasm' inference kernels against the cpu backend: FusedBatchNorm (per-channel, scalar and
// absent scale/offset, any rank; other parameter shapes go to tfjs-wasm's kernel), |wasm − cpu| ≤ 1e-5.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng, type Rng } from '@prunekit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { originalInferKernel, registerInferKernels } from '../src/infer/index.js';
import { randomValues, runOn } from './train_helpers.js';

const TOL = 1e-5;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function positive(rng: Rng, shape: number[]): Float32Array {
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = 0.3 + 2 * rng.next();
  return v;
}

beforeAll(() => {
  registerInferKernels();
});

describe('FusedBatchNorm (inference)', () => {
  it('replaces the wasm kernel and keeps the original reachable', () => {
    const mine = tf.getKernel('FusedBatchNorm', 'wasm');
    const original = originalInferKernel('FusedBatchNorm');
    expect(original).toBeDefined();
    expect(mine?.kernelFunc).not.toBe(original?.kernelFunc);
  });

  it('matches cpu for per-channel, scalar and missing scale / offset, ranks 1 to 4', async () => {
    const rng = createRng(21);
    // [x shape, parameter shape, with offset, with scale]
    const cases: [number[], number[], boolean, boolean][] = [
      [[2, 9, 7, 16], [16], true, true],
      [[1, 5, 5, 3], [3], false, true],
      [[1, 4, 6, 8], [8], true, false],
      [[3, 4, 5, 6], [6], false, false],
      [[1, 7, 7, 5], [1], true, true],
      [[4, 10], [10], true, true],
      [[11], [11], true, true],
      [[2, 3, 4, 6], [1, 1, 1, 6], true, true],
    ];
    for (const [shape, pShape, withOffset, withScale] of cases) {
      const inputs: Record<string, { values: Float32Array; shape: number[] }> = {
        x: { values: randomValues(rng, shape), shape },
        mean: { values: randomValues(rng, pShape), shape: pShape },
        variance: { values: positive(rng, pShape), shape: pShape },
      };
      if (withOffset) inputs.offset = { values: randomValues(rng, pShape), shape: pShape };
      if (withScale) inputs.scale = { values: randomValues(rng, pShape), shape: pShape };
      const attrs = { varianceEpsilon: 1e-3 };
      const ref = await runOn('cpu', 'FusedBatchNorm', inputs, attrs);
      const got = await runOn('wasm', 'FusedBatchNorm', inputs, attrs);
      expect(
        maxAbsDiff(got, ref),
        JSON.stringify({ shape, pShape, withOffset, withScale }),
      ).toBeLessThanOrEqual(TOL);
    }
  });

  it('sends other parameter shapes to the original kernel, still matching cpu', async () => {
    const rng = createRng(22);
    const shape = [1, 3, 4, 5];
    const pShape = [4, 5]; // varies along W too: not a per-channel vector
    const inputs = {
      x: { values: randomValues(rng, shape), shape },
      mean: { values: randomValues(rng, pShape), shape: pShape },
      variance: { values: positive(rng, pShape), shape: pShape },
    };
    const attrs = { varianceEpsilon: 1e-3 };
    const ref = await runOn('cpu', 'FusedBatchNorm', inputs, attrs);
    const got = await runOn('wasm', 'FusedBatchNorm', inputs, attrs);
    expect(maxAbsDiff(got, ref)).toBeLessThanOrEqual(TOL);
  });

  it('serves tf.batchNorm (the op tfjs-layers calls) with the output shape of x', async () => {
    await tf.setBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const before = tf.memory().numTensors;
    const diff = tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 5);
      const y = tf.batchNorm(x, tf.zeros([4]), tf.ones([4]), tf.zeros([4]), tf.ones([4]), 0);
      expect(y.shape).toEqual([2, 3, 3, 4]);
      return maxAbsDiff(y.dataSync() as Float32Array, x.dataSync() as Float32Array);
    });
    expect(diff).toBeLessThanOrEqual(TOL);
    expect(tf.memory().numTensors).toBe(before);
  });
});
