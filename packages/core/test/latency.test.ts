import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Forward, forwardSamples, roundRobinLatency } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

/** A model that logs its calls and answers with one tensor, a list, or named outputs. */
function fake(name: string, log: string[], shape: 'one' | 'list' | 'named'): Forward {
  return {
    predict(x) {
      log.push(name);
      const y = () => tf.add(x as tf.Tensor, 1);
      if (shape === 'one') return y();
      if (shape === 'list') return [y(), y()];
      return { a: y(), b: y() };
    },
  };
}

describe('forwardSamples (the one forward-pass timer)', () => {
  it('runs the models round-robin, rotating the first, and frees every output', () => {
    const x = tf.ones([1, 4]);
    const before = tf.memory().numTensors;
    const log: string[] = [];
    const models = [fake('a', log, 'one'), fake('b', log, 'list'), fake('c', log, 'named')];
    const s = forwardSamples(models, x, { reps: 3, warmup: 1 });
    expect(tf.memory().numTensors).toBe(before);
    // warm-up round in order, then rounds starting at a, b, c
    expect(log.join('')).toBe('abc' + 'abc' + 'bca' + 'cab');
    expect(s.wall.map((w) => w.length)).toEqual([3, 3, 3]);
    expect(s.cpu).toBeUndefined();
    x.dispose();
  });

  it('with warmupMs, keeps warming up in whole rounds until that long has passed', () => {
    const x = tf.ones([1, 4]);
    const before = tf.memory().numTensors;
    const log: number[] = [];
    // Each call takes at least 2 ms; warm-up rounds go on until 40 ms have passed.
    const slow: Forward = {
      predict(input) {
        log.push(performance.now());
        const until = performance.now() + 2;
        while (performance.now() < until) {}
        return tf.add(input as tf.Tensor, 1);
      },
    };
    const t0 = performance.now();
    forwardSamples([slow, slow], x, { reps: 1, warmup: 1, warmupMs: 40 });
    const timedStart = log[log.length - 2];
    expect(timedStart - t0).toBeGreaterThanOrEqual(40);
    const warm = log.length - 2;
    expect(warm % 2).toBe(0); // whole rounds
    // ...and no more than needed: the last warm-up round began before the 40 ms were up.
    if (warm > 2) expect(log[warm - 2] - log[0]).toBeLessThan(40);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('takes CPU time beside wall time when asked, and roundRobinLatency reads either clock', () => {
    const x = tf.ones([64, 64]);
    const before = tf.memory().numTensors;
    const heavy: Forward = { predict: (t) => tf.matMul(t as tf.Tensor2D, t as tf.Tensor2D) };
    const s = forwardSamples([heavy], x, { reps: 5, warmup: 1, cpu: true });
    expect(s.cpu?.[0]).toHaveLength(5);
    for (const c of s.cpu![0]) expect(c).toBeGreaterThanOrEqual(0);
    const [wall] = roundRobinLatency([heavy], x, 7, 1);
    const [cpu] = roundRobinLatency([heavy], x, 7, 1, 'cpu');
    expect(wall.reps).toBe(7);
    expect(cpu.reps).toBe(7);
    expect(wall.p99Ms).toBeGreaterThanOrEqual(wall.medianMs);
    expect(wall.medianMs).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
