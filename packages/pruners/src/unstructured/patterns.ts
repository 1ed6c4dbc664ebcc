import type { ModelGraph } from '@prunekit/core';
import { blockPattern, nmPattern } from './granularity.js';
import type { UnstructuredPrunerOptions } from './options.js';
import { type UnstructuredPruner, unstructuredPruner } from './unstructured_pruner.js';

/** N:M pruning of every targeted kernel along its input dimension (e.g. n 2, m 4 → 50 %). */
export function nmPruner(
  graph: ModelGraph,
  opts: Omit<UnstructuredPrunerOptions, 'granularity' | 'ratio'> & { readonly n: number; readonly m: number },
): UnstructuredPruner {
  return unstructuredPruner(graph, { ...opts, granularity: nmPattern(opts.n, opts.m) });
}

/** Block pruning with `block: [rows, cols]` tiles of the [out, in] kernel matrix (e.g. [4, 1]). */
export function blockPruner(
  graph: ModelGraph,
  opts: Omit<UnstructuredPrunerOptions, 'granularity'> & { readonly block: readonly [number, number] },
): UnstructuredPruner {
  const [rows, cols] = opts.block ?? [];
  return unstructuredPruner(graph, { ...opts, granularity: blockPattern(rows, cols) });
}
