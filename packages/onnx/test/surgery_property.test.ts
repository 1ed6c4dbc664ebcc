// Property: on 120 seeded random ONNX graphs, removing random channels of every prunable group
// gives a model whose onnxruntime-node outputs equal the masked original's within 1e-4.
// More graphs: `pnpm --filter @prunekit/onnx check:random 1000`.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { RANDOM_ONNX_OPS } from './op_lists.js';
import { propertyCase } from './property.js';

const GRAPHS = 120;

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

describe('ONNX surgery == masked original on random graphs (onnxruntime-node)', () => {
  it(`${GRAPHS} random graphs, every op of the list covered`, async () => {
    const before = tf.memory().numTensors;
    const seen = new Set<string>();
    const failures: string[] = [];
    let pruned = 0;
    let changed = 0;
    for (let seed = 0; seed < GRAPHS; seed++) {
      const c = await propertyCase(seed);
      for (const op of c.ops) seen.add(op);
      if (c.removed > 0) pruned++;
      if (c.changed) changed++;
      if (!c.ok) failures.push(`seed ${seed}: max |pruned − masked| ${c.diff} (scale ${c.scale})`);
    }
    expect(failures).toEqual([]);
    for (const op of RANDOM_ONNX_OPS) expect(seen, op).toContain(op);
    // Most graphs lose channels, and the removal changes their outputs (the test is not vacuous).
    expect(pruned).toBeGreaterThan(GRAPHS * 0.8);
    expect(changed).toBeGreaterThan(GRAPHS * 0.7);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
