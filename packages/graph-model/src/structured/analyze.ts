import { analyzeChannelsWith, type ChannelAnalysis, type ChannelAnalysisOptions } from '@prunekit/core';
import type { GraphModelGraph } from '../graph/build_graph.js';
import { ruleFor } from '../ops/registry.js';
import { opConfig } from '../ops/spec.js';

/** Channel analysis of a graph model: the same dependency groups as for layers, from the op specs. */
export interface GraphChannelAnalysis extends ChannelAnalysis {
  readonly graph: GraphModelGraph;
}

/**
 * Dependency groups of a graph model (residual adds, concats, depthwise chains, squeeze-excite
 * gates, multi-output heads), computed by core's format-neutral analysis with each op's rule from
 * the 'graph-model' spec registry; each frozen group says which op froze it.
 */
export function analyzeGraphChannels(
  graph: GraphModelGraph,
  opts: ChannelAnalysisOptions = {},
): GraphChannelAnalysis {
  const rule = (n: GraphModelGraph['nodes'][number]) =>
    ruleFor(n.className, opConfig(n).unknownShape === true);
  return analyzeChannelsWith(graph, { rule }, opts) as GraphChannelAnalysis;
}
