// startBackend: the one start-up of the CLI, examples and benchmarks; it checks the active backend.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { startBackend } from '../src/index.js';

describe('startBackend', () => {
  it("starts 'wasm' and 'cpu', each with prunekit's sparse kernels, and says which is active", async () => {
    expect(await startBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('PrunekitSparseMatMul', 'wasm')).toBeDefined();
    expect(await startBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.getKernel('PrunekitSparseMatMul', 'cpu')).toBeDefined();
    const before = tf.memory().numTensors;
    await startBackend('wasm');
    expect(tf.memory().numTensors).toBe(before);
  });
});
