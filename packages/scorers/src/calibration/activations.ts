import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Batch, CalibrationStats, ModelGraph } from '@prunekit/core';
import { callsIn } from '@prunekit/layers';
import { type ForwardModel, batchInput } from './forward.js';

interface Tap {
  readonly key: string;
  readonly kind: 'out' | 'in';
  readonly tensor: tfl.SymbolicTensor;
}

/** The symbolic tensors to record: every layer's output, and the input of every layer with weights. */
function taps(graph: ModelGraph, model: ForwardModel): Tap[] {
  const m = model as unknown as tfl.LayersModel;
  const out: Tap[] = [];
  for (const node of graph.nodes) {
    if (node.className === 'InputLayer') continue;
    let layer: tfl.layers.Layer;
    try {
      layer = m.getLayer(node.name);
    } catch {
      continue;
    }
    // The layer's call in this model: a layer of a flattened nested model has a second call,
    // inside the nested model, so layer.output alone would be ambiguous there.
    const calls = callsIn(m, layer);
    if (calls.length !== 1) continue; // shared layers: no single output to describe
    const o = calls[0].outputTensors as tfl.SymbolicTensor[];
    if (o.length === 1) out.push({ key: node.name, kind: 'out', tensor: o[0] });
    const i = calls[0].inputTensors as tfl.SymbolicTensor[];
    if (node.params.length > 0 && i.length === 1) out.push({ key: node.name, kind: 'in', tensor: i[0] });
  }
  return out;
}

/**
 * Per-channel activation statistics over the calibration batches, for the last (channel) axis of
 * each recorded tensor: mean |x| and the fraction x ≤ 0 of every layer output, and the RMS of the
 * input of every layer with weights. One forward pass per batch records all layers at once.
 */
export function activationStats(
  graph: ModelGraph,
  model: ForwardModel,
  data: readonly Batch[],
): Required<Pick<CalibrationStats, 'meanActivation' | 'apoz' | 'inputNorm'>> {
  const list = taps(graph, model);
  const meanActivation = new Map<string, Float32Array>();
  const apoz = new Map<string, Float32Array>();
  const inputNorm = new Map<string, Float32Array>();
  const result = { meanActivation, apoz, inputNorm };
  if (list.length === 0) return result;
  const m = model as unknown as tfl.LayersModel;
  // Model inputs cannot be outputs of the tap model: read those straight from the batch.
  // A tensor tapped twice (one layer's output is the next one's input) is an output once.
  const inputIndex = list.map((t) => m.inputs.indexOf(t.tensor));
  const unique: tfl.SymbolicTensor[] = [];
  const slot = list.map((t, k) => {
    if (inputIndex[k] >= 0) return -1;
    let at = unique.indexOf(t.tensor);
    if (at < 0) at = unique.push(t.tensor) - 1;
    return at;
  });
  const tapModel = unique.length > 0 ? tfl.model({ inputs: m.inputs, outputs: unique }) : undefined;
  const sums = list.map(() => ({
    abs: new Float64Array(0),
    zero: new Float64Array(0),
    sq: new Float64Array(0),
    n: 0,
  }));
  for (const b of data) {
    const outs = tf.tidy(() => {
      const x = batchInput(b);
      const xs = Array.isArray(x) ? x : [x];
      const ys = tapModel ? (tapModel.predict(x) as tf.Tensor | tf.Tensor[]) : [];
      const tapped = Array.isArray(ys) ? ys : [ys];
      const arr = inputIndex.map((i, k) => (i >= 0 ? xs[i] : tapped[slot[k]]));
      return arr.map((y) => {
        const c = y.shape[y.shape.length - 1];
        const flat = tf.reshape(y, [-1, c]);
        return [
          tf.sum(tf.abs(flat), 0),
          tf.sum(tf.cast(tf.lessEqual(flat, 0), 'float32'), 0),
          tf.sum(tf.square(flat), 0),
        ];
      });
    });
    outs.forEach((triple, k) => {
      const [a, z, q] = triple.map((t) => t.dataSync());
      const s = sums[k];
      if (s.abs.length === 0) {
        s.abs = new Float64Array(a.length);
        s.zero = new Float64Array(a.length);
        s.sq = new Float64Array(a.length);
      }
      for (let i = 0; i < a.length; i++) {
        s.abs[i] += a[i];
        s.zero[i] += z[i];
        s.sq[i] += q[i];
      }
      const y = list[k].tensor.shape;
      const perSample = y.slice(1, -1).reduce<number>((acc, d) => acc * (d ?? 1), 1);
      s.n += (Array.isArray(b.x) ? b.x[0] : b.x).shape[0] * perSample;
      tf.dispose(triple);
    });
  }
  list.forEach((t, k) => {
    const s = sums[k];
    const n = Math.max(1, s.n);
    if (t.kind === 'out') {
      meanActivation.set(
        t.key,
        Float32Array.from(s.abs, (v) => v / n),
      );
      apoz.set(
        t.key,
        Float32Array.from(s.zero, (v) => v / n),
      );
    } else {
      inputNorm.set(
        t.key,
        Float32Array.from(s.sq, (v) => Math.sqrt(v / n)),
      );
    }
  });
  return result;
}
