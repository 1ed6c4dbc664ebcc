import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerCpuSparseKernels } from '@prunekit/sparse';
import { cnnModel } from '@prunekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCompressed, saveCompressed } from '../src/node.js';
import { inputs, pruneKernels, tf, useCpu } from './helpers.js';

let root: string;
beforeAll(async () => {
  await useCpu();
  registerCpuSparseKernels();
  root = mkdtempSync(join(tmpdir(), 'prunekit-compress-sparse-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('loadCompressed({ sparse })', () => {
  it('returns sparse layers for the sparse kernels, with the outputs of the dense load', async () => {
    const model = cnnModel({ seed: 41, filters: [8, 16], hidden: 32 });
    pruneKernels(model, 0.9);
    const file = join(root, 'm.pkcm');
    await saveCompressed(model, file);
    model.dispose();
    const before = tf.memory().numTensors;
    const dense = await loadCompressed(file);
    const sparse = await loadCompressed(file, { sparse: true });
    const classes = sparse.layers.map((l) => l.getClassName());
    expect(classes).toContain('PrunekitSparseConv2D');
    expect(classes).toContain('PrunekitSparseDense');
    const x = inputs([3, 8, 8, 3], 2);
    const diff = tf.tidy(
      () =>
        tf.max(tf.abs(tf.sub(dense.predict(x) as tf.Tensor, sparse.predict(x) as tf.Tensor))).dataSync()[0],
    );
    expect(diff).toBeLessThan(1e-5);
    tf.dispose(x);
    dense.dispose();
    sparse.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
