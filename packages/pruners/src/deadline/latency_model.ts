import { InvalidArgumentError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { entryMs, type LatencyEntry, type LatencyPercentile, type LatencyTable } from './latency_table.js';
import { type TimingOptions, timeOverhead, timeSignature } from './measure.js';
import { type LayerSignature, modelSignatures } from './signature.js';

/** One layer's predicted latency in ms (from its latency-table entry). */
export interface LayerPrediction {
  readonly layer: string;
  readonly className: string;
  readonly ms: number;
}

/** A model's predicted forward latency in ms, in total and per layer. */
export interface ModelPrediction {
  /** Σ layer entries − (layers − 1) · overhead: one call's overhead, not one per layer. */
  readonly totalMs: number;
  readonly perLayer: readonly LayerPrediction[];
}

/**
 * Options of latencyModel: the percentile predicted, timing settings and how a missing table entry is
 * measured.
 */
export interface LatencyModelOptions {
  readonly percentile?: LatencyPercentile;
  readonly timing?: TimingOptions;
  /**
   * How a missing entry is obtained. Default: time the layer alone on the active backend
   * (timeSignature). Pass another strategy to fill a table from elsewhere, e.g. a device's
   * recorded measurements or a cost formula in tests.
   */
  readonly measure?: (sig: LayerSignature) => LatencyEntry;
  readonly onMeasure?: (n: number) => void;
}

/**
 * Predicts model latency from a LatencyTable, timing missing layer signatures on demand (made by
 * latencyModel).
 */
export interface LatencyModel {
  readonly table: LatencyTable;
  readonly percentile: LatencyPercentile;
  /** Predicts a model's forward latency from the table, timing missing layer signatures first. */
  predict(model: tfl.LayersModel): ModelPrediction;
  /** Entries timed by this latency model so far (the rest came from the table). */
  readonly measured: number;
}

/**
 * A latency model over a table: per-layer entries summed. Signatures the table lacks are timed
 * on the current backend, which must be the table's (a table measured on wasm says nothing of
 * webgl), and added to it, so the table grows into a cache of every width the search visited.
 */
export function latencyModel(table: LatencyTable, opts: LatencyModelOptions = {}): LatencyModel {
  const percentile = opts.percentile ?? 'p50';
  let measured = 0;
  const ensureBackend = (what: string) => {
    if (tf.getBackend() !== table.backend) {
      throw new InvalidArgumentError(
        `The latency table was measured on '${table.backend}' but the active backend is '${tf.getBackend()}'; ${what} needs a measurement on '${table.backend}'. Select that backend, or use a table measured on '${tf.getBackend()}'.`,
        { field: 'backend', backend: table.backend },
      );
    }
  };
  const overhead = () => {
    if (!table.overheadMs) {
      if (opts.measure) return 0; // a supplied strategy states whole costs: no call overhead to remove
      ensureBackend('the call overhead');
      table.overheadMs = timeOverhead(table.batch, opts.timing);
      measured++;
    }
    return entryMs(table.overheadMs, percentile);
  };
  return {
    table,
    percentile,
    get measured() {
      return measured;
    },
    predict(model) {
      const sigs = modelSignatures(model, table.batch);
      const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
      const perLayer: LayerPrediction[] = [];
      sigs.forEach((sig, i) => {
        let e = table.entries[sig.key];
        if (!e) {
          if (opts.measure) e = opts.measure(sig);
          else {
            ensureBackend(`layer '${layers[i].name}'`);
            e = timeSignature(sig, opts.timing);
          }
          table.entries[sig.key] = e;
          measured++;
          opts.onMeasure?.(measured);
        }
        const ms = entryMs(e, percentile);
        perLayer.push({ layer: layers[i].name, className: sig.className, ms });
      });
      const o = overhead();
      // Each isolated entry carries one call's overhead; the whole model pays it once.
      const netPerLayer = perLayer.map((p) => ({ ...p, ms: Math.max(0, p.ms - o) }));
      const total = netPerLayer.reduce((a, p) => a + p.ms, 0) + o;
      return { totalMs: total, perLayer: netPerLayer };
    },
  };
}
