import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { ShapeError } from '@prunekit/core';
import { describe, expect, it } from 'vitest';
import { createTestGraph, denseTestGraph, expectNoLeaks } from '../src/index.js';

describe('createTestGraph', () => {
  it('builds a chained graph with readable, assignable weights and releases them', async () => {
    const before = tf.memory().numTensors;
    const g = createTestGraph([
      { name: 'input' },
      {
        name: 'fc',
        params: [
          { name: 'kernel', shape: [2, 3], values: [1, 2, 3, 4, 5, 6] },
          { name: 'bias', shape: [3] },
        ],
      },
    ]);
    expect(g.node('fc').inputs).toEqual(['input']);
    expect(g.params((p) => p.prunable).map((p) => p.id)).toEqual(['fc/kernel']);
    expect(g.param('fc/kernel')).toMatchObject({ outAxis: 1, inAxis: 0, role: 'kernel' });
    expect(Array.from(g.weights.values('fc/kernel'))).toEqual([1, 2, 3, 4, 5, 6]);
    await expectNoLeaks(() => {
      const t = tf.zeros([2, 3]);
      g.weights.assign('fc/kernel', t);
      t.dispose();
    });
    expect(Array.from(g.weights.values('fc/kernel'))).toEqual([0, 0, 0, 0, 0, 0]);
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses values that do not fit the shape', () => {
    expect(() =>
      createTestGraph([{ name: 'x', params: [{ name: 'kernel', shape: [2], values: [1] }] }]),
    ).toThrow(ShapeError);
  });

  it('denseTestGraph scales layers as asked', () => {
    const g = denseTestGraph({ scales: [1, 100, 1] });
    const meanAbs = (id: string) => {
      const v = g.weights.values(id);
      return v.reduce((a, x) => a + Math.abs(x), 0) / v.length;
    };
    expect(meanAbs('fc2/kernel')).toBeGreaterThan(20 * meanAbs('fc1/kernel'));
    g.dispose();
  });
});
