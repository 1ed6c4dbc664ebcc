import { analyzeChannelsWith, type ChannelAnalysis, type ChannelAnalysisOptions } from '@prunekit/core';
import type { OnnxGraph } from '../graph/build_graph.js';
import { onnxSpecOrOpaque } from '../ops/registry.js';
import { channelAxis } from '../ops/spec.js';

/** Channel analysis of an ONNX model: the same dependency groups as for layers and graph models. */
export interface OnnxChannelAnalysis extends ChannelAnalysis {
  readonly graph: OnnxGraph;
}

/**
 * Dependency groups of an ONNX model (residual adds, concats, depthwise chains, squeeze-excite
 * gates), computed by core's format-neutral analysis with each op's rule from the 'onnx' spec
 * registry and the channel axis at 1 (NCHW); each frozen group says which node froze it.
 */
export function analyzeOnnxChannels(
  graph: OnnxGraph,
  opts: ChannelAnalysisOptions = {},
): OnnxChannelAnalysis {
  return analyzeChannelsWith(
    graph,
    {
      rule: (n) => onnxSpecOrOpaque(n.className).structured,
      channelAxis: (n) => channelAxis(n.outputShape.length),
    },
    opts,
  ) as OnnxChannelAnalysis;
}
