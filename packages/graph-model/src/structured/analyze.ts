import { analyzeChannelsWith, type ChannelAnalysis, type ChannelAnalysisOptions } from '@prunekit/core';
import type { GraphModelGraph } from '../graph/build_graph.js';
import { opRules } from '../ops/registry.js';

/** Channel analysis of a graph model: the same dependency groups as for layers, from the op specs. */
export interface GraphChannelAnalysis extends ChannelAnalysis {
  readonly graph: GraphModelGraph;
}

/**
 * Dependency groups of a graph model (residual adds, concats, depthwise chains, squeeze-excite
 * gates, multi-output heads), computed by the same analysis as for Keras layers with one rule per
 * op from the op specs; each frozen group says which op froze it.
 */
export function analyzeGraphChannels(
  graph: GraphModelGraph,
  opts: ChannelAnalysisOptions = {},
): GraphChannelAnalysis {
  const rules = opRules(graph.nodes.map((n) => n.className));
  return analyzeChannelsWith(graph, { rule: (node) => rules.get(node.className) }, opts) as GraphChannelAnalysis;
}
