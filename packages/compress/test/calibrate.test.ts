import { InvalidArgumentError } from '@prunekit/core';
import { cnnModel, expectNoLeaks } from '@prunekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrateActivations, compressModel, decodeCompressed } from '../src/index.js';
import { inputs, tf, useCpu } from './helpers.js';

beforeAll(useCpu);

describe('calibrateActivations', () => {
  it('min/max per layer output, percentile inside it, stored in the compressed format', async () => {
    const model = cnnModel({ seed: 31 });
    const batches = [inputs([4, 8, 8, 3], 1), inputs([4, 8, 8, 3], 2)];
    const ranges = await expectNoLeaks(() => calibrateActivations(model, batches), 'minmax');
    expect(Object.keys(ranges)).toEqual(model.layers.map((l) => l.name));
    // Ground truth for the first conv (relu): its output's extremes over both batches.
    const conv = tf.tidy(() => {
      const probe = tf.concat(batches.map((b) => model.getLayer('conv1').apply(b) as tf.Tensor));
      return [tf.min(probe).dataSync()[0], tf.max(probe).dataSync()[0]];
    });
    expect(ranges.conv1.min).toBeCloseTo(conv[0], 5);
    expect(ranges.conv1.max).toBeCloseTo(conv[1], 5);
    expect(ranges.conv1.min).toBeGreaterThanOrEqual(0); // relu
    const p = await expectNoLeaks(
      () => calibrateActivations(model, batches, { method: 'percentile', percentile: 99 }),
      'percentile',
    );
    for (const name of Object.keys(ranges)) {
      expect(p[name].max).toBeLessThanOrEqual(ranges[name].max);
      expect(p[name].min).toBeGreaterThanOrEqual(ranges[name].min);
    }
    const { bytes } = await compressModel(model, { activations: p });
    expect(decodeCompressed(bytes).activations).toEqual(p);
    expect(() => calibrateActivations(model, [])).toThrow(InvalidArgumentError);
    expect(() => calibrateActivations(model, batches, { percentile: 20 })).toThrow(InvalidArgumentError);
    tf.dispose(batches);
    model.dispose();
  });
});
