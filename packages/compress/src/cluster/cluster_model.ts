import { checkRange, createRng, InvalidArgumentError, UnknownLayerError } from '@prunekit/core';
import { modelParamSpecs, modelVariables } from '@prunekit/layers';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { kernelsOnly, type WeightSelector } from '../select.js';
import { kmeans1d } from './kmeans.js';

/** One clustered weight: value[i] = codes[i] === 0 ? 0 : centroids[codes[i] - 1]. */
export interface ClusteredWeight {
  readonly id: string;
  readonly shape: readonly number[];
  /** At most k values; updated in place by tieToClusters. */
  readonly centroids: Float32Array;
  /** 0 marks an exact zero (a pruned weight, never assigned a centroid); c ≥ 1 is centroid c - 1. */
  readonly codes: Uint32Array;
}

/** Clustered weights by parameter id (`${layer}/${weight}`). */
export type Clustering = Map<string, ClusteredWeight>;

/** Options of clusterModel: clusters per weight, seed, which weights, iteration cap. */
export interface ClusterOptions {
  /** Clusters per weight (1..65536), or per parameter id / layer name with a default. */
  readonly k: number | { readonly default: number; readonly [id: string]: number };
  /** Seed of the k-means++ initialisation (createRng). */
  readonly seed?: number;
  /** Weights to cluster (default: Dense/Conv kernels). */
  readonly select?: WeightSelector;
  /** Lloyd iterations at most (default 30). */
  readonly maxIter?: number;
}

function kFor(opts: ClusterOptions, id: string): number {
  const spec = opts.k;
  if (typeof spec === 'number') return checkRange('k', spec, 1, 65536, { integer: true, maxInclusive: true });
  if (typeof spec !== 'object' || spec === null) {
    throw new InvalidArgumentError(
      `k must be a number or { default, [id]: k }, got ${JSON.stringify(spec)}.`,
    );
  }
  const layer = id.slice(0, id.lastIndexOf('/'));
  const k = spec[id] ?? spec[layer] ?? spec.default;
  return checkRange(
    `k['${spec[id] !== undefined ? id : spec[layer] !== undefined ? layer : 'default'}']`,
    k,
    1,
    65536,
    {
      integer: true,
      maxInclusive: true,
    },
  );
}

/** Clusters of one weight's values; exact zeros stay out of the clustering (code 0). */
export function clusterValues(
  id: string,
  values: Float32Array,
  shape: readonly number[],
  k: number,
  seed = 0,
  maxIter = 30,
): ClusteredWeight {
  checkRange('k', k, 1, 65536, { integer: true, maxInclusive: true });
  let nnz = 0;
  for (const v of values) if (v !== 0) nnz++;
  const nonzero = new Float32Array(nnz);
  let at = 0;
  for (const v of values) if (v !== 0) nonzero[at++] = v;
  const km = kmeans1d(nonzero, k, createRng(seed), maxIter);
  const codes = new Uint32Array(values.length);
  at = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) codes[i] = km.codes[at++] + 1;
  return { id, shape: [...shape], centroids: km.centroids, codes };
}

/** Dense values of a clustered weight. */
export function clusteredValues(w: ClusteredWeight): Float32Array {
  const out = new Float32Array(w.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = w.codes[i] === 0 ? 0 : w.centroids[w.codes[i] - 1];
  return out;
}

/**
 * Weight clustering (parameter sharing): per weight, k-means over its nonzero values, each weight
 * replaced by its centroid, in place. Pruned (exactly zero) weights stay zero. Each weight's
 * k-means++ seed is derived from `seed` and the weight's position, so one seed fixes the result.
 */
export function clusterModel(model: tfl.LayersModel, opts: ClusterOptions): Clustering {
  const vars = modelVariables(model);
  const specs = modelParamSpecs(model);
  const select = opts.select ?? kernelsOnly;
  if (typeof opts.k === 'object' && opts.k !== null) {
    const layers = new Set([...vars.keys()].map((id) => id.slice(0, id.lastIndexOf('/'))));
    for (const key of Object.keys(opts.k)) {
      if (key !== 'default' && !vars.has(key) && !layers.has(key))
        throw new UnknownLayerError(key, 'k', [...vars.keys()]);
    }
  }
  // Compute every clustering before writing any weight: a bad k leaves the model untouched.
  const planned: ClusteredWeight[] = [];
  let index = 0;
  for (const [id, v] of vars) {
    if (v.dtype !== 'float32' || !select(id, v.shape as number[], specs.get(id))) continue;
    const k = kFor(opts, id);
    const values = v.read().dataSync() as Float32Array;
    planned.push(
      clusterValues(id, values, v.shape as number[], k, (opts.seed ?? 0) * 7919 + index++, opts.maxIter),
    );
  }
  const out: Clustering = new Map();
  for (const w of planned) {
    const t = tf.tensor(clusteredValues(w), [...w.shape], 'float32');
    vars.get(w.id)?.write(t);
    t.dispose();
    out.set(w.id, w);
  }
  return out;
}
