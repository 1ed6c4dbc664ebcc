// The load stage: one entry for layers and graph models, by path, URL or IOHandler.
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelFormatError } from '@prunekit/core';
import { saveModel } from '@prunekit/layers/node';
import { cnnModel } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GraphModelLoader, loadLayersModel, loadStage, modelFormatOf } from '../src/node.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

/** A graph model.json (one Placeholder, no weights): enough for the format to be told apart. */
const graphJson = {
  format: 'graph-model',
  modelTopology: { node: [{ name: 'x', op: 'Placeholder' }] },
  weightsManifest: [{ paths: [], weights: [] }],
};

/** A loader strategy that records what it was handed. */
function recordingLoader(): GraphModelLoader<string> & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fromFile: async (path) => {
      calls.push(`file:${path}`);
      return 'graph';
    },
    fromArtifacts: (a, label) => {
      calls.push(`artifacts:${a.format}:${label}`);
      return 'graph';
    },
  };
}

describe('loadStage', () => {
  it('loads a layers model from its folder, its model.json and an IOHandler, leaking nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'load-')), 'm');
    const model = cnnModel();
    await saveModel(model, dir);
    const before = tf.memory().numTensors;
    expect(modelFormatOf(dir)).toBe('layers-model');
    const a = await loadStage(dir);
    const b = await loadStage(join(dir, 'model.json'));
    const artifacts = await new Promise<tf.io.ModelArtifacts>((res) =>
      model.save(tf.io.withSaveHandler(async (m) => (res(m), { modelArtifactsInfo: {} as never }))),
    );
    const c = await loadStage(tf.io.fromMemory(artifacts));
    for (const l of [a, b, c]) {
      expect(l.format).toBe('layers-model');
      if (l.format !== 'layers-model') continue;
      expect(l.model.countParams()).toBe(model.countParams());
      l.model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('hands a graph model to the loader passed in: a file by path, a handler by its artifacts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'load-graph-'));
    mkdirSync(join(dir, 'g'));
    writeFileSync(join(dir, 'g', 'model.json'), JSON.stringify(graphJson));
    expect(modelFormatOf(join(dir, 'g'))).toBe('graph-model');
    const loader = recordingLoader();
    const fromPath = await loadStage(join(dir, 'g'), { graphModel: loader });
    expect(fromPath).toMatchObject({ format: 'graph-model', model: 'graph' });
    const handler = { load: async () => ({ ...graphJson, weightSpecs: [] }) as tf.io.ModelArtifacts };
    const fromHandler = await loadStage(handler, { graphModel: loader });
    expect(fromHandler.format).toBe('graph-model');
    expect(loader.calls).toEqual([
      `file:${join(dir, 'g')}`,
      'artifacts:graph-model:the IOHandler passed to loadStage',
    ]);
  });

  it('refuses a graph model when no graph loader is given, naming the file and what to pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'load-graph-'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify(graphJson));
    const err = await loadLayersModel(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as ModelFormatError).code).toBe('E_MODEL_FORMAT');
    expect((err as Error).message).toContain(dir);
    expect((err as Error).message).toContain('graphModelLoader');
  });

  it('leaves a missing file to the layers loader, which names it', async () => {
    const missing = join(tmpdir(), 'no-such-model-dir', 'model.json');
    expect(modelFormatOf(missing)).toBe('layers-model');
    await expect(loadStage(missing)).rejects.toMatchObject({ code: 'E_MODEL_NOT_FOUND' });
  });
});
