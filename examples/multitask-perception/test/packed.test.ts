import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { iouPerClass } from '../src/evaluate.js';
import { createMultitaskModel } from '../src/model.js';
import { multitaskLoss, packedView } from '../src/packed.js';

describe('packed two-head training view and loss', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('packs both heads of the same weights and computes the weighted sum of both cross-entropies', () => {
    const model = createMultitaskModel({
      numSigns: 4,
      numLaneClasses: 3,
      backbone: [4, 4, 4],
      signHidden: 4,
      laneHidden: [4, 4],
      seed: 3,
    });
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const view = packedView(model);
      expect(view.trainableWeights.length).toBe(model.trainableWeights.length);
      const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 5);
      const [sign, lane] = model.predict(x) as tf.Tensor[];
      const packed = view.predict(x) as tf.Tensor;
      expect(packed.shape).toEqual([2, 4 + 32 * 32 * 3, 1]);
      const expected = tf.concat([sign, tf.reshape(lane, [2, -1])], 1);
      expect(tf.max(tf.abs(tf.sub(tf.reshape(packed, [2, -1]), expected))).dataSync()[0]).toBe(0);

      // Targets: sign class, then a lane class per pixel.
      const ids = new Float32Array(2 * 1025);
      ids[0] = 1;
      ids[1025] = 3;
      for (let p = 0; p < 1024; p++) ids[1025 + 1 + p] = p % 3;
      const y = tf.tensor2d(ids, [2, 1025]);
      const weights = [1, 2, 4];
      const loss = multitaskLoss(4, 3, { signWeight: 0.5, laneWeight: 2, laneClassWeights: weights });
      const got = loss.compute({
        x,
        y,
        pred: packed,
        probabilities: true,
        features: new Map(),
        prepared: new Map(),
        step: 0,
      });
      // The same sums by hand.
      const s = sign.arraySync() as number[][];
      const l = tf.reshape(lane, [2, 1024, 3]).arraySync() as number[][][];
      const signCe = -(Math.log(s[0][1]) + Math.log(s[1][3])) / 2;
      let num = 0;
      let den = 0;
      for (let n = 0; n < 2; n++)
        for (let p = 0; p < 1024; p++) {
          const c = ids[n * 1025 + 1 + p];
          num -= weights[c] * Math.log(l[n][p][c]);
          den += weights[c];
        }
      const hard = 0.5 * signCe + (2 * num) / den;
      expect(got.dataSync()[0]).toBeCloseTo(hard, 4);
      // Distilling from itself adds nothing: only the hard part, weighted 1 − alpha, remains.
      const kd = multitaskLoss(4, 3, {
        signWeight: 0.5,
        laneWeight: 2,
        laneClassWeights: weights,
        distill: { teacher: view, alpha: 0.25, T: 2 },
      });
      const prepared = kd.prepare!(x);
      const ctx = { x, y, pred: packed, probabilities: true, features: new Map(), step: 0 };
      expect(kd.compute({ ...ctx, prepared }).dataSync()[0]).toBeCloseTo(0.75 * hard, 4);
      tf.dispose([...prepared.values()]);
    });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('measures IoU per class over all pixels', () => {
    const iou = iouPerClass([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 4);
    expect(iou.slice(0, 3)).toEqual([1 / 3, 2 / 3, 0]);
    expect(Number.isNaN(iou[3])).toBe(true);
  });
});
