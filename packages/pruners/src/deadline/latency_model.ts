import { InvalidArgumentError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { entryMs, type LatencyEntry, type LatencyPercentile, type LatencyTable } from './latency_table.js';
import { type TimingOptions, timeOverhead, timeSignature, timeSignatures } from './measure.js';
import { type LayerSignature, modelSignatures } from './signature.js';

/** One layer's predicted latency in ms (from its latency-table entry). */
export interface LayerPrediction {
  readonly layer: string;
  readonly className: string;
  readonly ms: number;
}

/** A layer of a model as the table knows it: its name, class and signature key (nothing timed). */
export interface LayerRef {
  readonly layer: string;
  readonly className: string;
  readonly key: string;
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
  /** A model's layers as table keys (no timing); the latency model remembers their signatures. */
  layers(model: tfl.LayersModel): LayerRef[];
  /** predict from `layers(model)` refs: the table's entries now (missing ones timed first). */
  predictLayers(refs: readonly LayerRef[]): ModelPrediction;
  /**
   * Times every signature of `models` the table lacks in one round-robin pass (timeSignatures)
   * rather than one by one; returns how many were timed.
   */
  prepare(models: readonly tfl.LayersModel[]): number;
  /**
   * Re-times every signature this latency model has seen, and the call overhead, in one
   * round-robin pass, replacing their entries: afterwards they all share one load, whatever the
   * load was when each was first timed. Returns how many entries were re-timed.
   */
  retime(): number;
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
  const sigs = new Map<string, LayerSignature>();
  const timeMany = (list: readonly LayerSignature[]) => {
    if (opts.measure) {
      for (const sig of list) table.entries[sig.key] = opts.measure(sig);
    } else {
      ensureBackend(`${list.length} layer signatures`);
      const r = timeSignatures(list, table.batch, opts.timing);
      list.forEach((sig, i) => {
        table.entries[sig.key] = r.entries[i];
      });
      table.overheadMs = r.overhead;
    }
    measured += list.length;
    opts.onMeasure?.(measured);
  };
  const layersOf = (model: tfl.LayersModel): LayerRef[] => {
    const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
    return modelSignatures(model, table.batch).map((sig, i) => {
      sigs.set(sig.key, sig);
      return { layer: layers[i].name, className: sig.className, key: sig.key };
    });
  };
  const predictLayers = (refs: readonly LayerRef[]): ModelPrediction => {
    const perLayer: LayerPrediction[] = refs.map((r) => {
      let e = table.entries[r.key];
      if (!e) {
        const sig = sigs.get(r.key);
        if (!sig) {
          throw new InvalidArgumentError(
            `Layer '${r.layer}' has no latency-table entry and this latency model has not seen its signature; pass its model to predict or layers first.`,
            { layer: r.layer, field: 'key' },
          );
        }
        if (opts.measure) e = opts.measure(sig);
        else {
          ensureBackend(`layer '${r.layer}'`);
          e = timeSignature(sig, opts.timing);
        }
        table.entries[r.key] = e;
        measured++;
        opts.onMeasure?.(measured);
      }
      return { layer: r.layer, className: r.className, ms: entryMs(e, percentile) };
    });
    const o = overhead();
    // Each isolated entry carries one call's overhead; the whole model pays it once.
    const netPerLayer = perLayer.map((p) => ({ ...p, ms: Math.max(0, p.ms - o) }));
    const total = netPerLayer.reduce((a, p) => a + p.ms, 0) + o;
    return { totalMs: total, perLayer: netPerLayer };
  };
  return {
    table,
    percentile,
    get measured() {
      return measured;
    },
    layers: layersOf,
    predictLayers,
    predict: (model) => predictLayers(layersOf(model)),
    prepare(models) {
      const missing = new Map<string, LayerSignature>();
      for (const m of models)
        for (const r of layersOf(m)) if (!table.entries[r.key]) missing.set(r.key, sigs.get(r.key)!);
      if (missing.size > 0) timeMany([...missing.values()]);
      return missing.size;
    },
    retime() {
      if (sigs.size > 0) timeMany([...sigs.values()]);
      return sigs.size;
    },
  };
}
