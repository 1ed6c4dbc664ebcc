import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnModel, expectNoLeaks, mlpModel, residualModel } from '../src/index.js';

const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('fixture models', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
  const cases: [string, (seed: number) => tfl.LayersModel, number[]][] = [
    ['mlp', (seed) => mlpModel({ seed }), [2, 8]],
    ['cnn', (seed) => cnnModel({ seed }), [2, 8, 8, 3]],
    ['residual', (seed) => residualModel({ seed }), [2, 8, 8, 3]],
  ];
  for (const [name, make, inShape] of cases) {
    it(`${name}: same seed → same weights, other seed → other weights; predicts; no leaks`, async () => {
      await expectNoLeaks(() => {
        const a = make(1);
        const b = make(1);
        const c = make(2);
        expect(weightsOf(b)).toEqual(weightsOf(a));
        expect(weightsOf(c)).not.toEqual(weightsOf(a));
        const y = tf.tidy(() => a.predict(tf.ones(inShape)) as tf.Tensor);
        expect(y.shape[0]).toBe(2);
        const v = y.dataSync();
        for (const x of v) expect(Number.isFinite(x)).toBe(true);
        y.dispose();
        for (const m of [a, b, c]) m.dispose();
      }, name);
    });
  }

  it('residual model has the couplings it promises', () => {
    const m = residualModel();
    const names = m.layers.map((l) => l.getClassName());
    for (const cls of ['Add', 'Concatenate', 'BatchNormalization', 'Conv2D', 'Dense'])
      expect(names).toContain(cls);
    m.dispose();
  });

  it('scales multiply the named kernels', () => {
    const a = mlpModel({ seed: 4 });
    const b = mlpModel({ seed: 4, scales: { dense2: 10 } });
    const k = (m: tfl.LayersModel, l: string) => Array.from(m.getLayer(l).getWeights()[0].dataSync());
    expect(k(b, 'dense1')).toEqual(k(a, 'dense1'));
    const [ka, kb] = [k(a, 'dense2'), k(b, 'dense2')];
    for (let i = 0; i < ka.length; i++) expect(kb[i]).toBeCloseTo(10 * ka[i], 4);
    a.dispose();
    b.dispose();
  });
});
