import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BackendAdapter,
  BackendError,
  InvalidArgumentError,
  cpuAdapter,
  selectBackend,
} from '../src/index.js';

// Fake adapters standing in for real GPU backends, each failing in one of the ways a real one can.
const noWebgpu: BackendAdapter & { whyUnsupported(): string } = {
  name: 'webgpu',
  tfBackend: 'webgpu',
  kernels: [],
  isSupported: async () => false,
  whyUnsupported: () => 'navigator.gpu is missing',
  init: async () => {},
};
const brokenWebgl: BackendAdapter = {
  name: 'webgl',
  tfBackend: 'webgl',
  kernels: [],
  isSupported: async () => true,
  init: async () => {
    throw new BackendError('WebGL2 is not available');
  },
};
// Claims 'wasm' but leaves tfjs on cpu: what tfjs does when a backend fails to initialise.
const silentFallback: BackendAdapter = {
  name: 'wasm',
  tfBackend: 'wasm',
  kernels: [],
  isSupported: async () => true,
  init: async () => {
    await tf.setBackend('cpu');
  },
};

describe('selectBackend', () => {
  afterEach(async () => {
    await tf.setBackend('cpu');
  });

  it('skips each unusable backend with its reason and lands on cpu for real', async () => {
    const before = tf.memory().numTensors;
    const got = await selectBackend({
      prefer: ['webgpu', 'webgl', 'wasm', 'cpu'],
      adapters: [noWebgpu, brokenWebgl, silentFallback],
    });
    expect(got.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(got.adapter).toBe(cpuAdapter);
    expect(got.info.name).toMatch(/cpu/);
    expect(got.skipped.map((s) => s.name)).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(got.skipped[0].reason).toMatch(/navigator\.gpu/);
    expect(got.skipped[1].reason).toMatch(/WebGL2/);
    expect(got.skipped[2].reason).toMatch(/silent fallback refused/);
    const y = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
    expect((await y.data())[0]).toBe(3);
    tf.dispose(y);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports a preferred backend that has no adapter', async () => {
    const got = await selectBackend({ prefer: ['webgl', 'cpu'] });
    expect(got.skipped).toEqual([
      { name: 'webgl', reason: expect.stringMatching(/no adapter named 'webgl'/) },
    ]);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('throws a BackendError naming every failure and what to use instead', async () => {
    const err = await selectBackend({ prefer: ['webgpu', 'webgl'], adapters: [noWebgpu, brokenWebgl] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BackendError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/webgpu: navigator\.gpu is missing/);
    expect(msg).toMatch(/webgl: WebGL2 is not available/);
    expect(msg).toMatch(/add 'cpu'/);
  });

  it('rejects an empty preference list', async () => {
    await expect(selectBackend({ prefer: [] })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
