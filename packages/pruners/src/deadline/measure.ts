import { forwardSamples, InvalidArgumentError, latencyOf, median, roundRobinLatency } from '@prunekit/core';
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

/** The one-layer model of timeOverhead: a linear activation on one value per example. */
function overheadModel(): tfl.LayersModel {
  const x = tfl.input({ shape: [1] });
  return tfl.model({
    inputs: x,
    outputs: tfl.layers.activation({ activation: 'linear' }).apply(x) as tfl.SymbolicTensor,
  });
}

/** The cost of one forward call that computes (almost) nothing: a linear activation on 1 value. */
export function timeOverhead(batch: number, opts: TimingOptions = {}): LatencyEntry {
  const model = overheadModel();
  const t = tf.zeros([batch, 1]);
  try {
    return timeModel(model, t, { ...opts, reps: (opts.reps ?? 30) * 2 });
  } finally {
    t.dispose();
    model.dispose();
  }
}

/**
 * Times many layer signatures and the call overhead (timeOverhead's model) round-robin: every
 * round runs each one-layer model once, so a load that drifts over the pass (a shared machine)
 * slows every entry alike instead of inflating whichever entries were timed during a busy second.
 * Entries timed this way are comparable with each other, which a sum over a model's layers needs;
 * entries timed one by one (timeSignature) each carry the load of their own few milliseconds.
 * Signatures of one input shape share one input tensor; when the inputs of all of them would pass
 * `maxInputBytes` (default 128 MiB) they are timed in several passes, each with the first pass's
 * first few signatures as anchors, and a later pass is scaled by the median anchor ratio onto the
 * first. Returns one entry per signature, in order, and the overhead at `batch`.
 */
export function timeSignatures(
  sigs: readonly LayerSignature[],
  batch: number,
  opts: TimingOptions & { readonly maxInputBytes?: number } = {},
): { entries: LatencyEntry[]; overhead: LatencyEntry } {
  const cap = opts.maxInputBytes ?? 128 * 2 ** 20;
  const bytes = (sig: LayerSignature) =>
    sig.inputShapes.reduce((a, s) => a + 4 * s.reduce((x, d) => x * d, 1), 0);
  // Passes of at most `cap` bytes of distinct inputs (at least one signature each).
  const passes: number[][] = [[]];
  let seen = new Set<string>();
  let used = 0;
  sigs.forEach((sig, i) => {
    const shapeKey = JSON.stringify(sig.inputShapes);
    const add = seen.has(shapeKey) ? 0 : bytes(sig);
    if (used + add > cap && passes[passes.length - 1].length > 0) {
      passes.push([]);
      seen = new Set();
      used = 0;
    }
    if (!seen.has(shapeKey)) {
      seen.add(shapeKey);
      used += bytes(sig);
    }
    passes[passes.length - 1].push(i);
  });
  const anchors = passes[0].slice(0, 4);
  const out: LatencyEntry[] = new Array(sigs.length);
  let overhead: LatencyEntry | undefined;
  let anchorMs: number[] = [];
  for (const [p, pass] of passes.entries()) {
    const members = p === 0 ? pass : [...pass, ...anchors];
    const r = timeOnePass(
      members.map((i) => sigs[i]),
      batch,
      opts,
    );
    let scale = 1;
    if (p === 0) anchorMs = anchors.map((_, k) => r.entries[k].medianMs);
    else {
      const got = r.entries.slice(pass.length);
      scale = median(anchorMs.map((ms, k) => ms / Math.max(1e-9, got[k].medianMs)));
    }
    pass.forEach((i, k) => {
      const e = r.entries[k];
      out[i] = scale === 1 ? e : { ...e, medianMs: e.medianMs * scale, p99Ms: e.p99Ms * scale };
    });
    overhead ??= r.overhead;
  }
  return { entries: out, overhead: overhead! };
}

/** One round-robin pass over `sigs` and the overhead model (see timeSignatures). */
function timeOnePass(
  sigs: readonly LayerSignature[],
  batch: number,
  opts: TimingOptions,
): { entries: LatencyEntry[]; overhead: LatencyEntry } {
  const models: tfl.LayersModel[] = [];
  const shared = new Map<string, tf.Tensor>();
  const inputOf = (shape: readonly number[]) => {
    const k = shape.join('x');
    let t = shared.get(k);
    if (!t) {
      t = tf.randomUniform([...shape], 0, 1, 'float32', 29 + shared.size);
      shared.set(k, t);
    }
    return t;
  };
  try {
    const inputs: tf.Tensor[][] = [];
    for (const sig of sigs) {
      models.push(layerModel(sig));
      inputs.push(sig.inputShapes.map(inputOf));
    }
    models.push(overheadModel());
    inputs.push([inputOf([batch, 1])]);
    const calls = models.map((m, i) => ({
      predict: () => m.predict(inputs[i].length === 1 ? inputs[i][0] : inputs[i]),
    }));
    const s = forwardSamples(calls, inputs[0], {
      reps: opts.reps ?? 30,
      warmup: opts.warmup ?? 5,
      cpu: opts.clock === 'cpu',
    });
    const per = (opts.clock === 'cpu' ? s.cpu! : s.wall).map(latencyOf);
    return { entries: per.slice(0, sigs.length), overhead: per[sigs.length] };
  } finally {
    tf.dispose([...shared.values()]);
    for (const m of models) m.dispose();
  }
}
