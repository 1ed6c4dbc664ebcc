import { expectNoLeaks } from '@prunekit/test-utils';
import { kernelNames, sparseConv2d, sparseFromDense, toSparseTensors } from '@prunekit/sparse';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../src/index.js';
import { useThreads } from '../src/threads/index.js';
import { threadCases } from './threads_cases.js';

function maxRelDiff(got: Float32Array, want: Float32Array): number {
  let scale = 1;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
  }
  return diff / scale;
}

describe('sparse kernels on worker threads (wasm)', () => {
  beforeAll(async () => {
    await useBackend();
  });
  afterAll(() => {
    expect(tf.getBackend()).toBe('wasm');
  });

  // mainThreadWorks false: every chunk runs on a worker (with it on, the main thread may take them all).
  it.each([
    { mainThreadWorks: false, seed: 7 },
    { mainThreadWorks: true, seed: 17 },
  ])(
    'equals the single-threaded kernels on seeded random shapes, every format, without leaks (%o)',
    async ({ mainThreadWorks, seed }) => {
      expect(tf.getBackend()).toBe('wasm');
      await expectNoLeaks(async () => {
        const cases = threadCases(seed, 2);
        const want = cases.map((c) => c.run());
        const threads = await useThreads({ workers: 2, minWork: 0, mainThreadWorks });
        try {
          cases.forEach((c, i) => {
            const got = c.run();
            expect(got.length, c.label).toBe(want[i].length);
            expect(maxRelDiff(got, want[i]), c.label).toBeLessThanOrEqual(1e-6);
            // A second call reuses the weights the workers already hold.
            expect(maxRelDiff(c.run(), want[i]), c.label).toBeLessThanOrEqual(1e-6);
          });
          expect(threads.weightSets).toBeGreaterThan(0);
          for (const c of cases) c.dispose();
          // Disposed operands are dropped from the workers on the next threaded call.
          const fresh = threadCases(8, 1);
          fresh[0].run();
          expect(threads.weightSets).toBe(1);
          for (const c of fresh) c.dispose();
        } finally {
          await threads.dispose();
        }
      }, 'threaded sparse kernels');
      expect(tf.getBackend()).toBe('wasm');
    },
  );

  it('keeps one operand right across input sizes (offsets kept per geometry on every thread)', async () => {
    await expectNoLeaks(async () => {
      const w = Float32Array.from({ length: 24 * 9 * 8 }, (_, i) => (i % 3 === 0 ? Math.sin(i) : 0));
      const s = toSparseTensors(sparseFromDense(w, [24, 9 * 8], { format: 'csr' }));
      const xs = [
        tf.randomUniform([1, 10, 10, 8], -1, 1, 'float32', 1),
        tf.randomUniform([2, 14, 12, 8], -1, 1, 'float32', 2),
      ];
      const run = () =>
        xs.map((x) => {
          const y = sparseConv2d(x as tf.Tensor4D, s, { filterSize: [3, 3], padding: 'same' });
          const v = y.dataSync() as Float32Array;
          y.dispose();
          return v;
        });
      const want = run();
      const threads = await useThreads({ workers: 1, minWork: 0, mainThreadWorks: false });
      try {
        for (let rep = 0; rep < 2; rep++) {
          run().forEach((got, i) => expect(maxRelDiff(got, want[i])).toBeLessThanOrEqual(1e-6));
        }
      } finally {
        await threads.dispose();
        s.dispose();
        tf.dispose(xs);
      }
    }, 'conv at two sizes');
  });

  it('is opt-in, restores the single-threaded kernels on dispose, and keeps small calls single-threaded', async () => {
    const before = tf.getKernel(kernelNames.SparseMatMul, 'wasm');
    const threads = await useThreads({ workers: 1 });
    expect(tf.getKernel(kernelNames.SparseMatMul, 'wasm')).not.toBe(before);
    await expect(useThreads()).rejects.toThrow(/already running/);
    const small = threadCases(9, 1);
    await expectNoLeaks(() => small.map((c) => c.run()), 'small calls');
    expect(threads.weightSets).toBe(0); // below minWork: the workers were never given weights
    for (const c of small) c.dispose();
    await threads.dispose();
    expect(tf.getKernel(kernelNames.SparseMatMul, 'wasm')).toBe(before);
    expect(tf.getKernel(kernelNames.SparseConv2D, 'wasm')?.kernelFunc).toBe(
      before && tf.getKernel(kernelNames.SparseConv2D, 'wasm')?.kernelFunc,
    );
  });

  it('rejects bad options with a typed error naming the field', async () => {
    await expect(useThreads({ workers: 0 })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(useThreads({ workers: 1.5 })).rejects.toThrow(/workers/);
    await expect(useThreads({ minWork: Number.NaN })).rejects.toThrow(/minWork/);
    await expect(useThreads({ spinMs: -1 })).rejects.toThrow(/spinMs/);
  });
});
