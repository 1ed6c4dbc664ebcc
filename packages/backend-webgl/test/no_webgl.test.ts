import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, selectBackend } from '@prunekit/core';
import { kernelNames } from '@prunekit/sparse';
import { describe, expect, it } from 'vitest';
import { registerAllKernels, useBackend, webglAdapter, webglKernels } from '../src/index.js';

const { SparseConv2D, SparseMatMul } = kernelNames;

// Node has no WebGL2: what a user gets there is a typed error, never a quiet run on cpu.
describe('backend-webgl without WebGL2', () => {
  it('useBackend throws a BackendError naming WebGL2 and the backends to use instead', async () => {
    const err = await useBackend().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/WebGL2/);
    expect((err as Error).message).toMatch(/'wasm'.*'cpu'/);
  });

  it('selectBackend skips webgl with the reason and lands on cpu for real', async () => {
    const got = await selectBackend({ prefer: ['webgl', 'cpu'], adapters: [webglAdapter()] });
    expect(got.skipped).toHaveLength(1);
    expect(got.skipped[0].reason).toMatch(/WebGL2 is not available/);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('registers its programs for webgl under the sparse kernel names', () => {
    registerAllKernels();
    expect(webglKernels.map((k) => [k.kernelName, k.backendName])).toEqual([
      [SparseMatMul, 'webgl'],
      [SparseConv2D, 'webgl'],
    ]);
    for (const k of webglKernels) expect(tf.getKernel(k.kernelName, 'webgl')).toBeDefined();
  });
});
