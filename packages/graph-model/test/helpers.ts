import { join } from 'node:path';
import { magnitude } from '@prunekit/scorers';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import {
  analyzeGraphChannels,
  buildGraphModelGraph,
  type InputShapes,
  planChannelRemoval,
  removeGraphChannels,
  toTfGraphModel,
  zeroGraphChannels,
} from '../src/index.js';
import { loadGraphModelFile } from '../src/node.js';

/** model.json of a graph model shipped in @vladmandic/human (a devDependency, through the lockfile). */
export const humanModel = (name: string) =>
  join(import.meta.dirname, '..', 'node_modules', '@vladmandic', 'human', 'models', `${name}.json`);

export async function useWasm(): Promise<void> {
  await tf.setBackend('wasm');
  if (tf.getBackend() !== 'wasm') throw new Error(`backend is ${tf.getBackend()}, wanted wasm`);
}

/** Every output of a model on `x` (execute, or executeAsync for dynamic graphs). */
export async function runAll(model: GraphModel, x: tf.Tensor | tf.NamedTensorMap): Promise<tf.Tensor[]> {
  let out: tf.Tensor | tf.Tensor[];
  try {
    out = model.execute(x) as tf.Tensor | tf.Tensor[];
  } catch {
    out = (await model.executeAsync(x)) as tf.Tensor | tf.Tensor[];
  }
  return Array.isArray(out) ? out : [out];
}

/** Largest |a − b| over outputs (shapes must match); disposes nothing it was given. */
export function maxDiff(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  if (a.length !== b.length) throw new Error(`${a.length} vs ${b.length} outputs`);
  let m = 0;
  a.forEach((t, i) => {
    if (t.shape.join() !== b[i].shape.join()) throw new Error(`output ${i}: [${t.shape}] vs [${b[i].shape}]`);
    const x = t.dataSync();
    const y = b[i].dataSync();
    for (let k = 0; k < x.length; k++) m = Math.max(m, Math.abs(x[k] - y[k]));
  });
  return m;
}

/** A seeded input for a model (float in [0, 1), int in [0, 255]). */
export function inputFor(model: GraphModel, shape?: number[], seed = 1): tf.Tensor {
  const info = model.inputs[0];
  const s = shape ?? (info.shape ?? []).map((d) => (d < 0 ? 1 : d));
  return info.dtype === 'int32'
    ? tf.randomUniform(s, 0, 255, 'int32', seed)
    : tf.randomUniform(s, 0, 1, 'float32', seed);
}

/**
 * Load → graph → analyse → prune `ratio` of every group → reload the pruned file and the masked
 * original (float32) in stock tfjs → compare on one seeded input. `leaked`: tensors left behind.
 */
export async function pruneAndCompare(
  file: string,
  opts: { ratio?: number; inputShapes?: InputShapes } = {},
) {
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  const source = await loadGraphModelFile(file);
  const graph = await buildGraphModelGraph(source, { inputShapes: opts.inputShapes });
  const analysis = analyzeGraphChannels(graph);
  const removal = await planChannelRemoval(analysis, { scorer: magnitude(), ratio: opts.ratio ?? 0.3 });
  const pruned = removeGraphChannels(analysis, removal);
  const masked = zeroGraphChannels(analysis, removal, { dtype: 'float32' });
  // The store's tensors (made on demand for tfjs code that reads weights) go with dispose().
  for (const p of graph.params().slice(0, 3)) graph.weights.tensor(p.id);
  graph.dispose();
  const ms = performance.now() - t0;
  const [mp, mm, md] = await Promise.all([
    toTfGraphModel(pruned),
    toTfGraphModel(masked),
    toTfGraphModel(source),
  ]);
  const shape = Object.values(opts.inputShapes ?? {})[0];
  const x = inputFor(mp, shape ? [...shape] : undefined);
  const [yp, ym, yd] = [await runAll(mp, x), await runAll(mm, x), await runAll(md, x)];
  const diff = maxDiff(yp, ym);
  const dense = maxDiff(yd, ym);
  tf.dispose([x, ...yp, ...ym, ...yd]);
  for (const m of [mp, mm, md]) m.dispose();
  const leaked = tf.memory().numTensors - before;
  return { source, analysis, removal, pruned, diff, dense, leaked, ms };
}
