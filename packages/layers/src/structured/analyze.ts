import {
  analyzeChannelsWith,
  type ChannelAnalysis,
  type ChannelAnalysisOptions,
  type GraphNode,
  type ModelGraph,
} from '@prunekit/core';
import type { LayerSpec } from '../specs/kit.js';
import { layerSpecs } from '../specs/registry.js';

/** Options of analyzeChannels() on a layers graph: core's options plus the layer specs to use. */
export interface LayerChannelAnalysisOptions extends ChannelAnalysisOptions {
  /** Specs used before the registry, for this call only. */
  readonly specs?: readonly LayerSpec[];
}

function missing(node: GraphNode): string {
  const why = layerSpecs.refused(node.className);
  return why ? `prunekit does not support it for structured pruning: ${why}.` : '';
}

/**
 * The dependency groups of a LayersModel graph: the channel analysis of @prunekit/core with each
 * layer's structured rule taken from its LayerSpec (the `specs` option first, then the registry).
 */
export function analyzeChannels(graph: ModelGraph, opts: LayerChannelAnalysisOptions = {}): ChannelAnalysis {
  const local = new Map((opts.specs ?? []).map((s) => [s.name, s]));
  return analyzeChannelsWith(
    graph,
    { rule: (node) => (local.get(node.className) ?? layerSpecs.get(node.className))?.structured, missing },
    opts,
  );
}
