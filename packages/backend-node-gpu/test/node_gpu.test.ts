import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend as useWasm } from '@prunekit/backend-wasm';
import { BackendError, activate, selectBackend } from '@prunekit/core';
import { kernelNames, registerCpuSparseKernels } from '@prunekit/sparse';
import { describe, expect, it } from 'vitest';
import { runKernelConformance } from '../../backend-webgl/test/kernel_cases.js';
import { runSparseModel } from '../../backend-webgl/test/model_case.js';
import {
  type AdapterStrategy,
  currentAdapter,
  nodeGpuAdapter,
  useBackend,
  webgpuKernels,
} from '../src/index.js';

const { SparseConv2D, SparseMatMul } = kernelNames;

// A strategy that cannot give an adapter on Linux (Direct3D 12 exists only on Windows).
const nowhere: AdapterStrategy = {
  name: 'd3d12-only',
  dawnOptions: ['backend=d3d12'],
  request: {},
  reject: () => undefined,
};

describe('backend-node-gpu (WebGPU through Dawn)', () => {
  it('names every strategy that failed and what to use instead', async () => {
    const err = await useBackend({ strategies: [nowhere] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/d3d12-only/);
    expect((err as Error).message).toMatch(/'wasm'/);
  });

  it('selectBackend starts webgpu on a Dawn adapter and reports its name', async () => {
    const got = await selectBackend({ prefer: ['webgpu', 'cpu'], adapters: [nodeGpuAdapter()] });
    expect(got.skipped).toEqual([]);
    expect(got.backend).toBe('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    expect(got.info.name.length).toBeGreaterThan(3);
    expect(currentAdapter()?.name).toBe(got.info.name);
    expect(got.adapter.kernels.map((k) => k.kernelName)).toEqual([SparseMatMul, SparseConv2D]);
    expect(webgpuKernels.every((k) => tf.getKernel(k.kernelName, 'webgpu') != null)).toBe(true);
  });

  it('passes the sparse kernel conformance cases within 1e-4 of the dense reference, leaking nothing', async () => {
    await useBackend();
    expect(tf.getBackend()).toBe('webgpu');
    const run = await runKernelConformance({ tolerance: 1e-4 });
    expect(run.backend).toBe('webgpu');
    expect(run.results.filter((r) => !r.ok)).toEqual([]);
    expect(run.passed).toBeGreaterThanOrEqual(20);
    expect(run.leaked).toBe(0);
  });
});

describe('a pruned sign-shaped CNN as a sparse model', () => {
  it('gives the cpu outputs within 1e-3 on wasm and webgpu (Dawn), leaking nothing', async () => {
    const start = async (b: string) => {
      if (b === 'cpu') {
        registerCpuSparseKernels();
        await activate('cpu');
      } else if (b === 'wasm') await useWasm();
      else await useBackend();
    };
    await start('cpu');
    const before = tf.memory().numTensors;
    const runs = await runSparseModel(['wasm', 'webgpu'], start);
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.memory().numTensors).toBe(before);
    expect(runs.map((r) => r.backend)).toEqual(['wasm', 'webgpu']);
    for (const r of runs) {
      expect(r.error).toBeUndefined();
      expect(r.sparseLayers).toBe(5);
      expect(r.maxAbsDiff).toBeLessThan(1e-3);
    }
  });
});
