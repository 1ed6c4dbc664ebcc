import { InvalidArgumentError, roundRobinLatency } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LatencyEntry } from './latency_table.js';
import type { LayerSignature } from './signature.js';

/** How a forward call is timed: timed and warm-up repetitions, and wall or CPU time. */
export interface TimingOptions {
  /** Timed forward calls (median and p99 over them). Default 30. */
  readonly reps?: number;
  /** Untimed calls first (kernel compilation, caches). Default 5. */
  readonly warmup?: number;
  /**
   * 'wall' (default): elapsed time, what a frame budget means. 'cpu': this process's CPU time
   * (Node only), which a busy shared machine disturbs far less; for single-threaded backends
   * (wasm without threads, cpu) it equals the wall time of a quiet machine.
   */
  readonly clock?: 'wall' | 'cpu';
}

/** Forward calls of `model` on `inputs`, waiting for every output (core's one timer). */
export function timeModel(
  model: tfl.LayersModel,
  inputs: tf.Tensor | tf.Tensor[],
  opts: TimingOptions = {},
): LatencyEntry {
  return roundRobinLatency([model], inputs, opts.reps ?? 30, opts.warmup ?? 5, opts.clock)[0];
}

/** Random inputs for a model at batch size `batch` (seeded; values do not change dense timings). */
export function modelInputs(model: tfl.LayersModel, batch: number): tf.Tensor[] {
  return model.inputs.map((x, i) =>
    tf.randomUniform([batch, ...x.shape.slice(1).map((d) => d ?? 1)], 0, 1, 'float32', 17 + i),
  );
}

/** A model of just the layer a signature describes, built from its class and config. */
export function layerModel(sig: LayerSignature): tfl.LayersModel {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[sig.className];
  if (!entry) {
    throw new InvalidArgumentError(
      `Cannot time layer class '${sig.className}': it is not registered with tfjs (import the package that defines it).`,
      { className: sig.className },
    );
  }
  const [cls, fromConfig] = entry;
  const layer = fromConfig(cls, {
    ...sig.config,
  } as tf.serialization.ConfigDict) as unknown as tfl.layers.Layer;
  const inputs = sig.inputShapes.map((s) => tfl.input({ shape: s.slice(1) }));
  const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tfl.SymbolicTensor;
  return tfl.model({ inputs, outputs: out });
}

/** Measures one layer signature in isolation on the current backend. */
export function timeSignature(sig: LayerSignature, opts: TimingOptions = {}): LatencyEntry {
  const model = layerModel(sig);
  const xs = sig.inputShapes.map((s, i) => tf.randomUniform([...s], 0, 1, 'float32', 29 + i));
  try {
    return timeModel(model, xs.length === 1 ? xs[0] : xs, opts);
  } finally {
    tf.dispose(xs);
    model.dispose();
  }
}

/** The cost of one forward call that computes (almost) nothing: a linear activation on 1 value. */
export function timeOverhead(batch: number, opts: TimingOptions = {}): LatencyEntry {
  const x = tfl.input({ shape: [1] });
  const model = tfl.model({
    inputs: x,
    outputs: tfl.layers.activation({ activation: 'linear' }).apply(x) as tfl.SymbolicTensor,
  });
  const t = tf.zeros([batch, 1]);
  try {
    return timeModel(model, t, { ...opts, reps: (opts.reps ?? 30) * 2 });
  } finally {
    t.dispose();
    model.dispose();
  }
}
