import { checkRange, forwardSamples, median } from '@prunekit/core';
import { callsIn, flattenNested } from '@prunekit/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { FormatSpec } from '../formats/from_kernel.js';
import { fusablePool, sparsePlan, toSparseModel } from './to_sparse_model.js';

/** Options of timeSparseLayers: which layers are candidates, the batch and the repetitions. */
export interface TimeSparseOptions {
  /** Layers with fewer zeros are not timed (kept dense). Default 0.2. */
  readonly minSparsity?: number;
  /** Sparse format tried (default CSR), as toSparseModel's `format`. */
  readonly format?: FormatSpec;
  /** Batch of the timed calls (default 1). */
  readonly batch?: number;
  /** Interleaved timed calls per form (default 15; medians compared). */
  readonly reps?: number;
  /** As toSparseModel's `fusePooling` (default true): the dense form is then conv + pool. */
  readonly fusePooling?: boolean;
  /**
   * 'wall' (default) or 'cpu': this process's CPU time (Node only), which a busy machine's
   * scheduler pauses do not inflate (they land more often on the longer of two calls).
   */
  readonly clock?: 'wall' | 'cpu';
}

/** One layer timed alone, dense and sparse, on the current backend. */
export interface TimedSparseLayer {
  readonly layer: string;
  readonly sparsity: number;
  /** The MaxPooling2D timed with it (folded into the sparse form), if any. */
  readonly pool?: string;
  readonly denseMs: number;
  readonly sparseMs: number;
  /** Whether the sparse form was faster: the layers to pass as toSparseModel's `only`. */
  readonly faster: boolean;
}

type LayerJson = { class_name: string; config: Record<string, unknown> };

/**
 * Times every Dense/Conv2D layer that toSparseModel could convert, alone on the current backend:
 * a one-layer model (with the MaxPooling2D the sparse form would fold in, in a Sequential model)
 * against its sparse form, on inputs of the layer's shape, interleaved, medians. A sparse kernel
 * has a fixed cost per call that a small or not very sparse layer does not win back, and folding
 * a pool saves a whole layer call; which one wins depends on the layer and the backend, so it is
 * measured. Pass the faster layers as toSparseModel's `only`.
 */
export async function timeSparseLayers(
  model: tfl.LayersModel,
  opts: TimeSparseOptions = {},
): Promise<TimedSparseLayer[]> {
  const minSparsity = checkRange('minSparsity', opts.minSparsity ?? 0.2, 0, 1, { maxInclusive: true });
  const batch = checkRange('batch', opts.batch ?? 1, 1, Infinity, { integer: true });
  const reps = checkRange('reps', opts.reps ?? 15, 1, Infinity, { integer: true });
  // As toSparseModel does: nested models flattened, each layer's input shape from its one call.
  const flat = flattenNested(model);
  const topology = flat.toJSON(null, false) as unknown as {
    class_name?: string;
    config: { layers: LayerJson[] };
  };
  const entries = topology.config.layers;
  const sequential = topology.class_name === 'Sequential';
  const out: TimedSparseLayer[] = [];
  for (const d of sparsePlan(flat, { minSparsity, format: opts.format })) {
    if (!d.converted) continue;
    const layer = flat.getLayer(d.layer);
    const i = entries.findIndex((e) => e.config.name === d.layer);
    const next = sequential && opts.fusePooling !== false ? entries[i + 1] : undefined;
    const pool = next && fusablePool(entries[i], next) ? next : undefined;
    const shapes = callsIn(flat, layer)[0].inputShapes as unknown[];
    const shape = (Array.isArray(shapes[0]) ? (shapes[0] as number[]) : (shapes as number[])).slice(1);
    const first = {
      class_name: entries[i].class_name,
      config: { ...entries[i].config, batch_input_shape: [null, ...shape] },
    };
    const dense = await tfl.models.modelFromJSON({
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: `time-${d.layer}`,
          layers: [first, ...(pool ? [{ class_name: pool.class_name, config: pool.config }] : [])],
        },
      },
    } as never);
    let sparse: tfl.LayersModel | undefined;
    const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 1);
    try {
      dense.getLayer(d.layer).setWeights(layer.getWeights());
      sparse = await toSparseModel(dense, {
        minSparsity: 0,
        format: opts.format,
        fusePooling: opts.fusePooling,
      });
      // Interleaved, with a warm-up of at least 100 ms (the first calls run slower).
      const cpu = opts.clock === 'cpu';
      const s = forwardSamples([dense, sparse], x, { reps, warmup: 5, warmupMs: 100, cpu });
      const samples = cpu ? s.cpu! : s.wall;
      const denseMs = median(samples[0]);
      const sparseMs = median(samples[1]);
      out.push({
        layer: d.layer,
        sparsity: d.sparsity,
        ...(pool ? { pool: pool.config.name as string } : {}),
        denseMs,
        sparseMs,
        faster: sparseMs < denseMs,
      });
    } finally {
      x.dispose();
      dense.dispose();
      sparse?.dispose();
    }
  }
  return out;
}
