import * as tf from '@tensorflow/tfjs-core';
import type { Batch, ModelGraph } from '@prunekit/core';
import { type ForwardModel, type LossFn, batchLoss, batchSize } from './forward.js';

/** The graph's trainable variables by parameter id (what the loss is differentiated against). */
export function trainableVariables(graph: ModelGraph): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const p of graph.params()) {
    const t = graph.weights.tensor(p.id);
    if (t instanceof tf.Variable && t.trainable) out.set(p.id, t);
  }
  return out;
}

export interface GradientSums {
  /** Σ_b n_b·g_b / N: the gradient of the mean loss over all samples. */
  readonly mean: Map<string, Float64Array>;
  /** Σ_b n_b·g_b² / N (only when asked). */
  readonly squared?: Map<string, Float64Array>;
}

/** Gradients of the loss over all batches, weighted by batch size; non-trainable params get zeros. */
export function lossGradients(
  graph: ModelGraph,
  model: ForwardModel,
  data: readonly Batch[],
  loss: LossFn,
  squared = false,
): GradientSums {
  const vars = trainableVariables(graph);
  const ids = [...vars.keys()];
  const list = ids.map((id) => vars.get(id)!);
  const mean = new Map<string, Float64Array>();
  const sq = squared ? new Map<string, Float64Array>() : undefined;
  for (const p of graph.params()) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    mean.set(p.id, new Float64Array(n));
    sq?.set(p.id, new Float64Array(n));
  }
  let total = 0;
  for (const b of data) {
    const n = batchSize(b);
    total += n;
    const { value, grads } = tf.variableGrads(() => batchLoss(model, loss, b), list);
    value.dispose();
    ids.forEach((id, k) => {
      const g = grads[list[k].name];
      if (!g) return;
      const v = g.dataSync();
      const m = mean.get(id)!;
      const s = sq?.get(id);
      for (let i = 0; i < v.length; i++) {
        m[i] += n * v[i];
        if (s) s[i] += n * v[i] * v[i];
      }
    });
    for (const g of Object.values(grads)) g?.dispose();
  }
  for (const m of mean.values()) for (let i = 0; i < m.length; i++) m[i] /= total;
  if (sq) for (const m of sq.values()) for (let i = 0; i < m.length; i++) m[i] /= total;
  return { mean, squared: sq };
}
