// Distillation losses: the peak-weighted heatmap loss is 0 at the teacher, 1 for an all-zero
// student, weighs a missed peak far more than the element-wise binary KL does, and has a gradient
// that pulls the student's peak up.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { outputLoss } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

describe('outputLoss', () => {
  it("'peak' scores a missed detection peak as a total miss; 'bkl' barely sees it", () => {
    const before = tf.memory().numTensors;
    const teacher = tf.tidy(() => {
      const v = new Float32Array(48 * 48 * 4).fill(0.001);
      v[(20 * 48 + 30) * 4 + 1] = 0.8;
      return tf.tensor4d(v, [1, 48, 48, 4]);
    });
    const zero = tf.fill([1, 48, 48, 4], 0.001);
    const read = (t: tf.Scalar) => {
      const v = t.dataSync()[0];
      t.dispose();
      return v;
    };
    expect(read(outputLoss('peak', teacher, teacher))).toBeCloseTo(0, 6);
    expect(read(outputLoss('peak', zero, teacher))).toBeCloseTo(1, 2);
    expect(read(outputLoss('bkl', zero, teacher))).toBeLessThan(0.01);
    const g = tf.grad((s: tf.Tensor) => outputLoss('peak', s, teacher))(zero);
    const gv = g.dataSync();
    expect(gv[(20 * 48 + 30) * 4 + 1]).toBeLessThan(0); // descent raises the peak
    expect(Math.abs(gv[0])).toBeLessThan(Math.abs(gv[(20 * 48 + 30) * 4 + 1]) / 100);
    tf.dispose([teacher, zero, g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
