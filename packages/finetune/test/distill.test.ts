import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type MaskSet, ShapeError, UnknownLayerError, createRng } from '@prunekit/core';
import { expectNoLeaks } from '@prunekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { distill, fineTune, modelParams } from '../src/index.js';
import { disposeData, makeData, tinyModel, useCpu } from './helpers.js';

beforeAll(useCpu);

const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

function agreement(a: tfl.LayersModel, b: tfl.LayersModel, x: tf.Tensor): number {
  return tf.tidy(() => {
    const pa = tf.argMax(a.predict(x) as tf.Tensor, 1);
    const pb = tf.argMax(b.predict(x) as tf.Tensor, 1);
    return tf.mean(tf.cast(tf.equal(pa, pb), 'float32')).dataSync()[0];
  });
}

describe('distill', () => {
  it('computes α·T²·KL on softened outputs plus (1−α)·cross-entropy', () => {
    const student = tinyModel(1);
    const teacher = tinyModel(2);
    const T = 3;
    const alpha = 0.7;
    const loss = distill({ teacher, T, alpha });
    const x = tf.tensor2d([[0.5, -1, 2, 0.1, 0, 1]]);
    const y = tf.tensor2d([[0, 1, 0]]);
    const n0 = tf.memory().numTensors;
    const prepared = loss.prepare!(x);
    const pred = student.predict(x) as tf.Tensor;
    const got = tf.tidy(
      () =>
        loss
          .compute({ x, y, pred, probabilities: true, features: new Map(), prepared, step: 0 })
          .dataSync()[0],
    );
    const ps = Array.from(pred.dataSync());
    const pt = Array.from(prepared.get('teacher')!.dataSync());
    const qs = softmax(ps.map((p) => Math.log(p) / T));
    const qt = softmax(pt.map((p) => Math.log(p) / T));
    const kl = qt.reduce((a, q, i) => a + q * (Math.log(q) - Math.log(qs[i])), 0);
    const want = alpha * T * T * kl + (1 - alpha) * -Math.log(ps[1]);
    expect(got).toBeCloseTo(want, 4);
    tf.dispose([pred, ...prepared.values()]);
    expect(tf.memory().numTensors).toBe(n0);
    tf.dispose([x, y]);
    student.dispose();
    teacher.dispose();
  });

  it('fine-tunes a pruned student toward its unpruned teacher without leaking', async () => {
    const train = makeData(1, 96);
    const teacher = tinyModel(3, { hidden: 16 });
    await fineTune(teacher, train, { epochs: 4, batchSize: 16, lr: 0.03, verbose: 0 });
    const student = tinyModel(3, { hidden: 16 });
    for (const [i, w] of teacher.getWeights().entries()) student.weights[i].write(w);
    // Prune 80% of the student's fc1 kernel at random.
    const rng = createRng(4);
    const k = modelParams(student).find((p) => p.id === 'fc1/kernel')!;
    const masks: MaskSet = new Map([
      [
        'fc1/kernel',
        { shape: k.shape, data: Uint8Array.from({ length: 6 * 16 }, () => (rng.next() < 0.8 ? 0 : 1)) },
      ],
    ]);
    const probe = makeData(7, 256);
    await fineTune(student, train, { epochs: 1, batchSize: 16, lr: 0, masks, verbose: 0 }); // apply masks only
    const before = agreement(student, teacher, probe.x);
    const result = await expectNoLeaks(() =>
      fineTune(student, train, {
        epochs: 6,
        batchSize: 16,
        lr: 0.03,
        masks,
        loss: distill({ teacher, T: 4, alpha: 0.8 }),
        validation: probe,
        verbose: 0,
      }),
    );
    const after = agreement(student, teacher, probe.x);
    expect(after).toBeGreaterThan(before);
    expect(result.history.at(-1)!.val_loss).toBeLessThan(result.history[0].val_loss!);
    disposeData(train);
    disposeData(probe);
    student.dispose();
    teacher.dispose();
  });

  it('matches named inner features when asked', async () => {
    const train = makeData(1, 64);
    const teacher = tinyModel(5);
    const student = tinyModel(6);
    const gap = () =>
      tf.tidy(() => {
        const f = (m: tfl.LayersModel) =>
          tfl
            .model({ inputs: m.inputs, outputs: m.getLayer('fc1').output as tfl.SymbolicTensor })
            .predict(train.x) as tf.Tensor;
        return tf.mean(tf.squaredDifference(f(student), f(teacher))).dataSync()[0];
      });
    const before = gap();
    await expectNoLeaks(() =>
      fineTune(student, train, {
        epochs: 5,
        batchSize: 16,
        lr: 0.02,
        loss: distill({ teacher, alpha: 0.5, features: [{ student: 'fc1', weight: 1 }] }),
        verbose: 0,
      }),
    );
    expect(gap()).toBeLessThan(before * 0.7);
    disposeData(train);
    student.dispose();
    teacher.dispose();
  });

  it('refuses a teacher whose output shape differs, and unknown feature layers, with typed errors', async () => {
    const train = makeData(1, 16);
    const student = tinyModel(1);
    const teacher4 = tinyModel(1, { classes: 4 });
    const teacher = tinyModel(2, { hidden: 8 });
    const n0 = tf.memory().numTensors;
    await expect(
      fineTune(student, train, { epochs: 1, loss: distill({ teacher: teacher4 }), verbose: 0 }),
    ).rejects.toBeInstanceOf(ShapeError);
    await expect(
      fineTune(student, train, { epochs: 1, loss: distill({ teacher: teacher4 }), verbose: 0 }),
    ).rejects.toThrow(/\[\?, 4\].*\[\?, 3\]/);
    await expect(
      fineTune(student, train, {
        epochs: 1,
        loss: distill({ teacher, features: [{ student: 'fc1' }] }),
        verbose: 0,
      }),
    ).rejects.toBeInstanceOf(ShapeError);
    await expect(
      fineTune(student, train, {
        epochs: 1,
        loss: distill({ teacher, features: [{ student: 'nope' }] }),
        verbose: 0,
      }),
    ).rejects.toBeInstanceOf(UnknownLayerError);
    expect(tf.memory().numTensors).toBe(n0);
    disposeData(train);
    student.dispose();
    teacher.dispose();
    teacher4.dispose();
  });
});
