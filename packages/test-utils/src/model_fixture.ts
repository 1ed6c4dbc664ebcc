import type { DependencyGroup, ModelGraph } from '@prunekit/core';
import { analyzeChannels, buildGraph } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ScorerFixture } from '@prunekit/testing';

/**
 * A conformance fixture over a real tfjs-layers model: builds the model and its graph with
 * buildGraph; `groups: true` adds the dependency groups analyzeChannels finds (or pass your own
 * function). dispose() releases the model's weights.
 */
export function modelFixture(
  makeModel: () => tfl.LayersModel,
  groups?: boolean | ((graph: ModelGraph) => readonly DependencyGroup[]),
): () => ScorerFixture {
  return () => {
    const model = makeModel();
    const graph = buildGraph(model);
    const found =
      groups === true
        ? analyzeChannels(graph).groups
        : typeof groups === 'function'
          ? groups(graph)
          : undefined;
    return { graph, groups: found, dispose: () => model.dispose() };
  };
}
