/**
 * The browser side of the tests: bundled by harness.ts into one script for a page in Chromium.
 * It exposes `window.prunekit.run(backend)` (and `bench`), which starts one backend through selectBackend (so a
 * silent tfjs fallback fails), runs the kernel conformance cases and returns plain JSON.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { activate, selectBackend } from '@prunekit/core';
import { browserWebgpuAdapter, useBrowserWebgpu } from '@prunekit/backend-node-gpu/browser';
import { createLatencyTable, deadlinePrune, measureLatency } from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import { registerCpuSparseKernels } from '@prunekit/sparse';
import { DEADLINE_SEARCH, deadlineNet, recordScores } from '@prunekit/test-utils/fixtures';
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

/**
 * Records a latency table of the deadline test CNN on `backend` (see record_latency_tables.ts):
 * a deadline prune at `fraction` of the dense latency, measured and verified on that backend.
 */
async function record(backend: string, opts: { fraction: number; reps: number }) {
  try {
    const got = await selectBackend({
      prefer: [backend],
      adapters: [webglAdapter(), browserWebgpuAdapter()],
    });
    if (tf.getBackend() !== backend) throw new Error(`asked ${backend}, active ${tf.getBackend()}`);
    const m = deadlineNet();
    const timing = { reps: opts.reps, warmup: 10 };
    measureLatency(m, 1, timing); // the first calls compile every shader: not what a frame costs
    // The least of three medians: a busy machine only ever adds time.
    const dense = [0, 1, 2]
      .map(() => measureLatency(m, 1, { ...timing, reps: opts.reps * 2 }))
      .reduce((a, b) => (b.medianMs < a.medianMs ? b : a));
    const table = createLatencyTable(backend, got.info.name, 1);
    const scoring = recordScores(magnitude({ p: 2, reduction: 'sum', normalizer: 'mean' }));
    const r = await deadlinePrune(m, {
      scorer: scoring.scorer,
      budget: { ms: dense.medianMs * opts.fraction, backend },
      table,
      calibrate: 0, // the replay plans from the table alone: keep the walk the table's
      search: DEADLINE_SEARCH,
      timing,
      verifyReps: opts.reps * 2,
    });
    const out = {
      backend,
      device: got.info.name,
      userAgent: navigator.userAgent,
      denseMs: dense.medianMs,
      budgetMs: dense.medianMs * opts.fraction,
      rounds: r.rounds,
      widths: Object.fromEntries(r.widths.map((w) => [w.group, w.kept])),
      measuredMs: r.measuredMs,
      met: r.met,
      scores: scoring.recorded,
      table: r.table,
    };
    r.model.dispose();
    m.dispose();
    return out;
  } catch (e) {
    return { backend, error: String((e as Error).message ?? e) };
  }
}

(globalThis as { prunekit?: unknown }).prunekit = { run, bench, model, record };
