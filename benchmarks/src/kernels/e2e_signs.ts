// End to end: the traffic-sign CNN pruned to 90% by magnitude, dense vs toSparseModel, both on wasm.
// The goals time both models the same way, through compileSparse (each layer's op run directly in
// one tf.tidy — the documented way to run a converted model; it runs the dense model the same way).
// Rows also give both models through tfjs-layers' model.predict, and the conversion without pool
// folding (fusePooling: false), so the shares of execution overhead and of the kernels show.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, modelFileBytes, saveModel } from '@prunekit/layers/node';
import { compileSparse, sparsePlan, toSparseModel } from '@prunekit/sparse';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createSignModel } from '../../../examples/perception-traffic-signs/src/model.js';
import { type PairedTiming, timePaired } from './paired.js';
import { magnitudePrune } from './weights.js';

export interface E2eResult {
  rows: Record<string, unknown>[];
  speedupB1: number;
  speedupB32: number;
  fileRatio: number;
  maxAbsDiff: number;
}

/** Calls each function in turn until `ms` of this process's CPU time have passed. */
function warmUp(fns: readonly (() => void)[], ms: number): void {
  const c0 = process.cpuUsage();
  const spent = () => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  while (spent() < ms) for (const f of fns) f();
}

/** Warms `dense` and `sparse` up for `warmMs` of CPU time, then times them in alternating pairs. */
async function warmAndTime(
  dense: () => void,
  sparse: () => void,
  warmMs: number,
  reps: number,
): Promise<PairedTiming> {
  warmUp([dense, sparse], warmMs);
  return timePaired(dense, sparse, reps, 2);
}

/** A pair's figures per image at `batch`: wall ms, CPU ms and both speedups (dense over sparse). */
function perImage(t: PairedTiming, batch: number) {
  return {
    denseMsPerImage: t.aMs / batch,
    sparseMsPerImage: t.bMs / batch,
    speedupWall: t.ratio,
    denseCpuMsPerImage: t.aCpuMs / batch,
    sparseCpuMsPerImage: t.bCpuMs / batch,
    speedup: t.cpuRatio,
  };
}

/** Zeros the smallest 90% (by magnitude) of every Dense/Conv2D kernel, in place. */
function pruneKernels(model: tfl.LayersModel, sparsity: number): void {
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls !== 'Dense' && cls !== 'Conv2D') continue;
    const ws = layer.getWeights();
    const kernel = tf.tensor(magnitudePrune(ws[0].dataSync() as Float32Array, sparsity), ws[0].shape);
    layer.setWeights([kernel, ...ws.slice(1)]);
    kernel.dispose();
  }
}

export async function runSignsE2e(reps: number, sparsity = 0.9): Promise<E2eResult> {
  const dense = createSignModel(12, 1);
  pruneKernels(dense, sparsity);
  const plan = sparsePlan(dense, { minSparsity: 0.5 });
  const sparseBuilt = await toSparseModel(dense, { minSparsity: 0.5 });
  // Round-trip through the file system, as a user would ship it; the loaded model is what we time.
  const dir = mkdtempSync(join(tmpdir(), 'prunekit-bench-signs-'));
  let sparse: tfl.LayersModel;
  let fileRatio: number;
  let bytes: { dense: number; sparse: number };
  try {
    await saveModel(dense, join(dir, 'dense'));
    await saveModel(sparseBuilt, join(dir, 'sparse'));
    bytes = {
      dense: await modelFileBytes(join(dir, 'dense')),
      sparse: await modelFileBytes(join(dir, 'sparse')),
    };
    fileRatio = bytes.dense / bytes.sparse;
    sparse = await loadModel(join(dir, 'sparse'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  sparseBuilt.dispose();
  // The default conversion (pools kept as layers): the sparse kernels' share alone.
  const unfused = await toSparseModel(dense, { minSparsity: 0.5, fusePooling: false });
  const rows: Record<string, unknown>[] = [];
  const speedups: Record<number, number> = {};
  let maxAbsDiff = 0;
  const denseRun = compileSparse(dense);
  const sparseRun = compileSparse(sparse);
  for (const batch of [1, 32]) {
    const x = tf.randomUniform([batch, 32, 32, 3], 0, 1, 'float32', 42 + batch);
    // Warm-up per side before timing: V8 tiers tfjs-wasm's and our wasm functions (and the JS
    // around them) up on background threads, which process CPU time counts. A fixed call count
    // (300 at batch 1) left the first timed section still paying for it on a loaded machine, so
    // both sides now alternate for a fixed CPU time first.
    const warmMs = batch === 1 ? 1500 : 500;
    const t = await warmAndTime(
      () => denseRun.predict(x).dispose(),
      () => sparseRun.predict(x).dispose(),
      warmMs,
      reps,
    );
    const a = dense.predict(x) as tf.Tensor;
    const b = sparseRun.predict(x);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
    maxAbsDiff = Math.max(maxAbsDiff, diff);
    tf.dispose([a, b]);
    speedups[batch] = t.cpuRatio;
    rows.push({
      shape: `signs e2e batch ${batch}`,
      format: 'toSparseModel csr (pools folded)',
      execution: 'both models through compileSparse (layer ops in one tf.tidy)',
      sparsity,
      ...perImage(t, batch),
      maxAbsDiffVsDensePredict: diff,
      layers: sparse.layers.length,
    });
    const densePredict = () => (dense.predict(x) as tf.Tensor).dispose();
    const p = await warmAndTime(
      densePredict,
      () => (sparse.predict(x) as tf.Tensor).dispose(),
      warmMs / 3,
      reps,
    );
    rows.push({
      shape: `signs e2e batch ${batch}`,
      format: 'toSparseModel csr (pools folded)',
      execution: 'both models through tfjs-layers model.predict',
      sparsity,
      ...perImage(p, batch),
    });
    const u = await warmAndTime(
      densePredict,
      () => (unfused.predict(x) as tf.Tensor).dispose(),
      warmMs / 3,
      reps,
    );
    rows.push({
      shape: `signs e2e batch ${batch}`,
      format: 'toSparseModel csr, fusePooling: false',
      execution: 'both models through tfjs-layers model.predict',
      sparsity,
      ...perImage(u, batch),
      layers: unfused.layers.length,
    });
    x.dispose();
  }
  rows.push({
    shape: 'signs model files',
    denseBytes: bytes.dense,
    sparseBytes: bytes.sparse,
    fileRatio,
    layers: plan,
  });
  dense.dispose();
  sparse.dispose();
  unfused.dispose();
  return { rows, speedupB1: speedups[1], speedupB32: speedups[32], fileRatio, maxAbsDiff };
}
