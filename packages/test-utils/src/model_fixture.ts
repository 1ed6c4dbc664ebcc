import type { DependencyGroup, ModelGraph } from '@prunekit/core';
import { buildGraph } from '@prunekit/layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ScorerFixture } from './scorer_conformance.js';

/**
 * A conformance fixture over a real tfjs-layers model: builds the model, its graph with
 * buildGraph and (optionally) its dependency groups; dispose() releases the model's weights.
 */
export function modelFixture(
  makeModel: () => tfl.LayersModel,
  groups?: (graph: ModelGraph) => readonly DependencyGroup[],
): () => ScorerFixture {
  return () => {
    const model = makeModel();
    const graph = buildGraph(model);
    return { graph, groups: groups?.(graph), dispose: () => model.dispose() };
  };
}
