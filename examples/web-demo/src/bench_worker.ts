/// <reference lib="webworker" />
/**
 * Times forward passes on one backend, in its own worker: the model arrives as its stock tfjs files,
 * so no weights move between backends in the training worker and one backend never disturbs another.
 */
import { median } from '@prunekit/core';
import { toSparseModel } from '@prunekit/sparse';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { startBackend } from './backends.js';
import type { BenchRequest, BenchTiming, ExportFile, Reply } from './protocol.js';

tf.env().set('PROD', true);
const scope = self as unknown as DedicatedWorkerGlobalScope;
/** Untimed first calls (shader compilation, first-touch allocations) before the timed ones. */
const WARMUP = 3;

async function timeForward(model: tfl.LayersModel, shape: readonly number[], runs: number): Promise<number> {
  const x = tf.zeros([1, ...shape]);
  const times: number[] = [];
  try {
    for (let i = 0; i < runs + WARMUP; i++) {
      const t0 = performance.now();
      const y = model.predict(x) as tf.Tensor;
      await y.data();
      y.dispose();
      if (i >= WARMUP) times.push(performance.now() - t0);
    }
  } finally {
    x.dispose();
  }
  return median(times);
}

function fromFiles(files: readonly ExportFile[]): Promise<tfl.LayersModel> {
  const json = JSON.parse(new TextDecoder().decode(files.find((f) => f.name === 'model.json')?.bytes));
  const shards = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths) as string[];
  const parts = shards.map((p) => files.find((f) => f.name === p)?.bytes ?? new Uint8Array(0));
  const weightData = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    weightData.set(p, at);
    at += p.byteLength;
  }
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights),
      weightData: weightData.buffer,
    }),
  );
}

async function handle(req: BenchRequest): Promise<unknown> {
  if (req.type === 'start') return startBackend(req.backend);
  const model = await fromFiles(req.files);
  try {
    const out: { ms: number; sparseMs?: number } = { ms: await timeForward(model, req.inputShape, req.runs) };
    if (req.sparse) {
      const sparse = await toSparseModel(model, { minSparsity: 0.5 });
      if (sparse !== model) {
        out.sparseMs = await timeForward(sparse, req.inputShape, req.runs);
        sparse.dispose();
      }
    }
    return out satisfies BenchTiming;
  } finally {
    model.dispose();
  }
}

scope.onmessage = async (e: MessageEvent<{ id: number; req: BenchRequest }>) => {
  const { id, req } = e.data;
  let reply: Reply;
  try {
    reply = { id, ok: true, value: await handle(req) };
  } catch (err) {
    reply = { id, ok: false, error: (err as Error)?.message ?? String(err) };
  }
  scope.postMessage(reply);
};
