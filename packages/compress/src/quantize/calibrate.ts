import { checkRange, InvalidArgumentError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type ActivationRanges, int8Params } from './activation_ranges.js';

/** How activation ranges are taken from calibration data: min/max or a percentile of a histogram. */
export interface CalibrationOptions {
  /** 'minmax' (default): the extremes seen; 'percentile': clip the tails (outliers waste int8 levels). */
  readonly method?: 'minmax' | 'percentile';
  /** Upper percentile for 'percentile' (default 99.99); the lower one is 100 − it. */
  readonly percentile?: number;
  /** Histogram bins for 'percentile' (default 2048). */
  readonly bins?: number;
}

/** The layers whose output is one tensor, and a model that returns all of those outputs. */
function probe(model: tfl.LayersModel): { names: string[]; run(x: tf.Tensor): tf.Tensor[] } {
  const names: string[] = [];
  const outputs: tfl.SymbolicTensor[] = [];
  for (const layer of model.layers) {
    let out: tfl.SymbolicTensor | tfl.SymbolicTensor[];
    try {
      out = layer.output;
    } catch {
      continue; // a layer called more than once has no single output
    }
    if (Array.isArray(out)) continue;
    names.push(layer.name);
    outputs.push(out);
  }
  const m = tfl.model({ inputs: model.inputs, outputs });
  return {
    names,
    run: (x) => {
      const y = m.predict(x);
      return Array.isArray(y) ? y : [y];
    },
  };
}

/**
 * Activation ranges per layer output over calibration batches, with int8 affine parameters
 * (scale, zeroPoint) for backends that run full-integer inference. tfjs backends today compute in
 * float32, so these ranges are recorded in the compressed format for such runtimes, not used by
 * the loader.
 */
export function calibrateActivations(
  model: tfl.LayersModel,
  batches: readonly tf.Tensor[],
  opts: CalibrationOptions = {},
): ActivationRanges {
  if (batches.length === 0) throw new InvalidArgumentError('calibrateActivations needs at least one batch.');
  const method = opts.method ?? 'minmax';
  if (method !== 'minmax' && method !== 'percentile') {
    throw new InvalidArgumentError(`method must be 'minmax' or 'percentile', got ${JSON.stringify(method)}.`);
  }
  const pct = checkRange('percentile', opts.percentile ?? 99.99, 50, 100, { maxInclusive: true });
  const bins = checkRange('bins', opts.bins ?? 2048, 2, 1 << 20, { integer: true });
  const p = probe(model);
  const lo = new Float64Array(p.names.length).fill(Infinity);
  const hi = new Float64Array(p.names.length).fill(-Infinity);
  for (const x of batches) {
    const outs = tf.tidy(() => p.run(x).map((y) => tf.stack([tf.min(y), tf.max(y)])));
    outs.forEach((t, i) => {
      const [a, b] = t.dataSync();
      lo[i] = Math.min(lo[i], a);
      hi[i] = Math.max(hi[i], b);
    });
    tf.dispose(outs);
  }
  const ranges: ActivationRanges = {};
  if (method === 'minmax') {
    p.names.forEach((name, i) => {
      ranges[name] = int8Params(lo[i], hi[i]);
    });
    return ranges;
  }
  // Second pass: a histogram per layer over [lo, hi], read at the two percentiles.
  const hist = p.names.map(() => new Float64Array(bins));
  for (const x of batches) {
    const outs = tf.tidy(() => p.run(x));
    outs.forEach((t, i) => {
      const v = t.dataSync();
      const width = (hi[i] - lo[i]) / bins || 1;
      for (let j = 0; j < v.length; j++) hist[i][Math.min(bins - 1, Math.floor((v[j] - lo[i]) / width))]++;
    });
    tf.dispose(outs);
  }
  p.names.forEach((name, i) => {
    const h = hist[i];
    const total = h.reduce((a, b) => a + b, 0);
    const width = (hi[i] - lo[i]) / bins;
    const at = (q: number): number => {
      let acc = 0;
      for (let b = 0; b < bins; b++) {
        acc += h[b];
        if (acc >= q * total) return lo[i] + (b + 1) * width;
      }
      return hi[i];
    };
    const min = Math.max(lo[i], at((100 - pct) / 100) - width);
    const max = Math.min(hi[i], at(pct / 100));
    ranges[name] = int8Params(min, max);
  });
  return ranges;
}
