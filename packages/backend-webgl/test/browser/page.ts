/**
 * The browser side of the tests: bundled by harness.ts into one script for a page in Chromium.
 * It exposes `window.prunekit.run(backend)` (and `bench`), which starts one backend through selectBackend (so a
 * silent tfjs fallback fails), runs the kernel conformance cases and returns plain JSON.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { activate, selectBackend } from '@prunekit/core';
import { browserWebgpuAdapter, useBrowserWebgpu } from '@prunekit/backend-node-gpu/browser';
import { registerCpuSparseKernels } from '@prunekit/sparse';
import { useBackend as useWebgl, webglAdapter } from '../../src/index.js';
import { benchMatMul } from '../bench_matmul.js';
import { runKernelConformance } from '../kernel_cases.js';
import { runSparseModel } from '../model_case.js';

tf.env().set('PROD', true);
registerCpuSparseKernels();

async function run(backend: string) {
  try {
    const got = await selectBackend({
      prefer: [backend],
      adapters: [webglAdapter(), browserWebgpuAdapter()],
    });
    const conformance = await runKernelConformance({ tolerance: 1e-4 });
    return { asked: backend, active: tf.getBackend(), info: got.info, conformance };
  } catch (e) {
    return { asked: backend, active: tf.getBackend(), error: String((e as Error).message ?? e) };
  }
}

/** Starts `backend` (if not active) and times dense vs sparse matMul on it. */
async function bench(backend: string, opts: { reps: number }) {
  try {
    if (tf.getBackend() !== backend) {
      await selectBackend({ prefer: [backend], adapters: [webglAdapter(), browserWebgpuAdapter()] });
    }
    return { active: tf.getBackend(), rows: await benchMatMul(opts) };
  } catch (e) {
    return { active: tf.getBackend(), error: String((e as Error).message ?? e) };
  }
}

/** The pruned sparse CNN on cpu, then on each backend; see model_case.ts. */
async function model(backends: string[]) {
  const before = tf.memory().numTensors;
  const runs = await runSparseModel(backends, async (b) => {
    if (b === 'cpu') await activate('cpu');
    else if (b === 'webgl') await useWebgl();
    else await useBrowserWebgpu();
  });
  return { runs, leaked: tf.memory().numTensors - before, active: tf.getBackend() };
}

(globalThis as { prunekit?: unknown }).prunekit = { run, bench, model };
