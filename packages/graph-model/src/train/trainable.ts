import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { toTfGraphModel } from '../graph/build_graph.js';
import { parseInput } from '../json/attrs.js';
import type { GraphModelSource } from '../io/source.js';

/** Where a Const is read: consumer node and tensor-input slot. */
export interface ConstReader {
  readonly consumer: string;
  readonly slot: number;
}

/** Every op input that reads each Const (slots count tensor inputs, not control inputs). */
export function constReaders(source: GraphModelSource): Map<string, ConstReader[]> {
  const out = new Map<string, ConstReader[]>();
  for (const n of source.nodes) {
    let slot = 0;
    for (const ref of n.input ?? []) {
      const p = parseInput(ref);
      if (p.control) continue;
      if (source.byName.get(p.node)?.op === 'Const') {
        out.set(p.node, [...(out.get(p.node) ?? []), { consumer: n.name, slot }]);
      }
      slot++;
    }
  }
  return out;
}

const BN = /^FusedBatchNorm/;

/** A stock tfjs GraphModel whose float weights are tf.Variables, so tf.variableGrads reaches them. */
export interface TrainableGraphModel {
  readonly model: GraphModel;
  /** Const name → its variable (float weights of ≥ 2 elements; batch-norm statistics stay constant). */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  dispose(): void;
}

/**
 * Loads the source with tf.loadGraphModel and swaps each trainable Const in the executor's weight
 * map (GraphModel.weights is that map) for a variable: the graph executor then runs under a
 * gradient tape like any tfjs code.
 */
export async function trainableGraphModel(source: GraphModelSource): Promise<TrainableGraphModel> {
  const model = await toTfGraphModel(source);
  const readers = constReaders(source);
  const weights = model.weights as Record<string, tf.Tensor[]>;
  const variables = new Map<string, tf.Variable>();
  for (const [name, w] of source.consts) {
    if (w.spec.dtype !== 'float32' || w.values.length < 2 || !weights[name]) continue;
    const stats = (readers.get(name) ?? []).some(
      (r) => BN.test(source.byName.get(r.consumer)!.op) && r.slot >= 3,
    );
    if (stats) continue;
    const [t] = weights[name];
    const v = tf.variable(t, true);
    t.dispose();
    weights[name] = [v];
    variables.set(name, v);
  }
  return {
    model,
    variables,
    dispose: () => model.dispose(),
  };
}
