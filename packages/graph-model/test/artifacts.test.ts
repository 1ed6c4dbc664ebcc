// A graph model from IOHandler artifacts (the load stage's graph-model strategy) equals the one
// read from its model.json and shards.
import { loadStage } from '@prunekit/recipe/node';
import { randomGraphModel } from '@prunekit/test-utils';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GraphModelSource, graphModelFromArtifacts, graphModelSource } from '../src/index.js';
import { graphModelLoader } from '../src/node.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

const constValues = (s: GraphModelSource) =>
  [...s.consts].map(([name, w]) => [name, w.spec.shape, Array.from(w.values as ArrayLike<number>)]);

describe('graphModelFromArtifacts', () => {
  it('rebuilds the source from artifacts, and the load stage picks it for a graph-model handler', async () => {
    const before = tf.memory().numTensors;
    const r = randomGraphModel(3);
    const fromFile = graphModelSource(r.json, r.weightData, 'random graph #3');
    const again = graphModelFromArtifacts(fromFile.artifacts, 'artifacts of #3');
    expect(again.nodes.map((n) => n.name)).toEqual(fromFile.nodes.map((n) => n.name));
    expect(constValues(again)).toEqual(constValues(fromFile));
    const loaded = await loadStage(tf.io.fromMemory(fromFile.artifacts), { graphModel: graphModelLoader });
    expect(loaded.format).toBe('graph-model');
    if (loaded.format === 'graph-model') expect(constValues(loaded.model)).toEqual(constValues(fromFile));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses artifacts whose topology is not a GraphDef, naming the field', () => {
    expect(() =>
      graphModelFromArtifacts({ format: 'graph-model', modelTopology: { class_name: 'Sequential' } }, 'bad'),
    ).toThrow(/bad: field 'modelTopology.node'/);
  });
});
