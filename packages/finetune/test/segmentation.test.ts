// fineTune on a per-position classifier (a tiny segmentation net): the loss accepts per-pixel
// one-hot or index labels, and the validation pass reports pixel accuracy instead of failing on
// the output's rank.
import { createRng } from '@prunekit/core';
import { expectNoLeaks } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { countCorrect, crossEntropy, fineTune } from '../src/index.js';
import { useCpu } from './helpers.js';

beforeAll(useCpu);

/** Images whose label per pixel is 1 where the pixel is brighter than 0.5 (learnable by a 1×1 conv). */
function pixelData(seed: number, n: number): { x: tf.Tensor4D; y: tf.Tensor4D; idx: tf.Tensor3D } {
  const rng = createRng(seed);
  const px = Float32Array.from({ length: n * 6 * 6 }, () => rng.next());
  const labels = Int32Array.from(px, (v) => (v > 0.5 ? 1 : 0));
  const x = tf.tensor4d(px, [n, 6, 6, 1]);
  const idx = tf.tensor3d(labels, [n, 6, 6], 'int32');
  const y = tf.tidy(() => tf.reshape(tf.cast(tf.oneHot(tf.reshape(idx, [-1]), 2), 'float32'), [n, 6, 6, 2]));
  return { x, y: y as tf.Tensor4D, idx };
}

function pixelModel(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        filters: 4,
        kernelSize: 1,
        activation: 'relu',
        inputShape: [6, 6, 1],
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
      }),
      tfl.layers.conv2d({
        filters: 2,
        kernelSize: 1,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }),
      }),
    ],
  });
}

describe('fineTune on per-pixel outputs', () => {
  it('countCorrect averages positions per sample, for one-hot and index labels alike', () => {
    const pred = tf.tensor4d([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7], [1, 2, 2, 2]);
    const idx = tf.tensor3d([0, 1, 1, 1], [1, 2, 2], 'int32');
    const oneHot = tf.tensor4d([1, 0, 0, 1, 0, 1, 0, 1], [1, 2, 2, 2]);
    const a = countCorrect(pred, idx);
    const b = countCorrect(pred, oneHot);
    // guesses 0, 1, 0, 1 against 0, 1, 1, 1: three of four positions.
    expect(a.dataSync()[0]).toBeCloseTo(0.75, 6);
    expect(b.dataSync()[0]).toBeCloseTo(0.75, 6);
    tf.dispose([pred, idx, oneHot, a, b]);
  });

  it('trains and validates a 1×1-conv pixel classifier; validation reports pixel accuracy', async () => {
    const model = pixelModel();
    const train = pixelData(1, 64);
    const val = pixelData(2, 32);
    const result = await expectNoLeaks(() =>
      fineTune(
        model,
        { x: train.x, y: train.y },
        {
          epochs: 8,
          batchSize: 16,
          lr: 0.05,
          loss: crossEntropy(),
          validation: { x: val.x, y: val.idx },
          verbose: 0,
        },
      ),
    );
    const last = result.history[result.history.length - 1];
    expect(Number.isFinite(last.val_loss)).toBe(true);
    expect(last.val_acc).toBeGreaterThan(0.8);
    expect(last.val_acc).toBeLessThanOrEqual(1);
    expect(last.acc).toBeGreaterThan(0.5);
    tf.dispose([train.x, train.y, train.idx, val.x, val.y, val.idx]);
    model.dispose();
  });
});
