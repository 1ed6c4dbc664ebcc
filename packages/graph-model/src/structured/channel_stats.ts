import { InvalidArgumentError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModelGraph } from '../graph/build_graph.js';
import { toTfGraphModel } from '../graph/build_graph.js';
import type { GraphModelSource } from '../io/source.js';

/** Per-channel statistics of one tensor over a set of inputs (every batch and spatial position). */
export interface ChannelStats {
  /** E[x] per channel (last axis). */
  readonly mean: Float32Array;
  /** E[x²] per channel. */
  readonly meanSquare: Float32Array;
}

/** The conv ops whose filter contracts its input's channels (a removed input channel can be folded into the bias). */
const CONTRACTING = new Set(['Conv2D', '_FusedConv2D']);

/** Whether a node is a conv whose filter contracts its data input's channels. */
export function isContractingConv(node: GraphModelGraph['nodes'][number]): boolean {
  return CONTRACTING.has(node.className);
}

/**
 * The tensors the graph's convolutions contract over (their data inputs): where a removed channel's
 * output stops counting, so where its statistics are needed for mean compensation and
 * data-driven scoring.
 */
export function contractedTensors(graph: GraphModelGraph): string[] {
  const out = new Set<string>();
  for (const n of graph.nodes) if (isContractingConv(n) && n.inputs[0]) out.add(n.inputs[0]);
  return [...out];
}

/**
 * Runs a graph model on `inputs` one example at a time (converted graphs often fix the batch at 1)
 * and returns each named tensor's per-channel mean and mean square over every example and position.
 * Unlabeled inputs suffice; nothing is trained. Tensors it makes are freed.
 */
export async function channelStats(
  source: GraphModelSource,
  inputs: tf.Tensor,
  tensors: readonly string[],
): Promise<Map<string, ChannelStats>> {
  if (inputs.shape[0] === 0 || tensors.length === 0) {
    throw new InvalidArgumentError(
      `channelStats: need at least one input and one tensor name (got ${inputs.shape[0]} inputs, ${tensors.length} tensors) for '${source.label}'.`,
      { field: inputs.shape[0] === 0 ? 'inputs' : 'tensors' },
    );
  }
  const model = await toTfGraphModel(source);
  const sums = tensors.map(() => ({ s: null as Float64Array | null, q: null as Float64Array | null, n: 0 }));
  try {
    for (let i = 0; i < inputs.shape[0]; i++) {
      const parts = tf.tidy(() => {
        const x = tf.slice(inputs, [i], [1]);
        const outs = model.execute(x, [...tensors]) as tf.Tensor | tf.Tensor[];
        const list = Array.isArray(outs) ? outs : [outs];
        return list.map((t) => {
          const axes = t.shape.slice(0, -1).map((_, k) => k);
          return [tf.mean(t, axes), tf.mean(tf.square(t), axes), tf.scalar(t.size / t.shape[t.rank - 1])];
        });
      });
      parts.forEach(([m, q, count], k) => {
        const n = count.dataSync()[0];
        const mv = m.dataSync();
        const qv = q.dataSync();
        const acc = sums[k];
        acc.s ??= new Float64Array(mv.length);
        acc.q ??= new Float64Array(mv.length);
        for (let c = 0; c < mv.length; c++) {
          acc.s[c] += mv[c] * n;
          acc.q[c] += qv[c] * n;
        }
        acc.n += n;
      });
      tf.dispose(parts.flat());
    }
  } finally {
    model.dispose();
  }
  return new Map(
    tensors.map((name, k) => {
      const { s, q, n } = sums[k];
      return [
        name,
        { mean: Float32Array.from(s!, (v) => v / n), meanSquare: Float32Array.from(q!, (v) => v / n) },
      ];
    }),
  );
}
