/**
 * `prunekit prune` on a nested model (a backbone used as one layer of a classifier, as a
 * converted Keras transfer-learning model arrives): a structured and an unstructured level both
 * run, the structured one removes backbone channels, the unstructured one is exported with the
 * backbone's convs as sparse layers (both flat), and every level reloads.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { loadModel, saveModel } from '@prunekit/layers/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';

let dir: string;
let model: string;
type T = tfl.SymbolicTensor;

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
  dir = mkdtempSync(join(tmpdir(), 'prunekit-cli-nested-'));
  model = join(dir, 'dense');
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const bi = tfl.input({ shape: [8, 8, 3], name: 'backbone_in' });
  const c1 = tfl.layers
    .conv2d({
      name: 'b_c1',
      filters: 16,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(1),
    })
    .apply(bi) as T;
  const c2 = tfl.layers
    .conv2d({
      name: 'b_c2',
      filters: 16,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(2),
    })
    .apply(c1) as T;
  const backbone = tfl.model({ inputs: bi, outputs: c2, name: 'backbone' });
  const x = tfl.input({ shape: [8, 8, 3], name: 'image' });
  const g = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(backbone.apply(x) as T) as T;
  const y = tfl.layers
    .dense({ name: 'out', units: 4, activation: 'softmax', kernelInitializer: init(3) })
    .apply(g) as T;
  const m = tfl.model({ inputs: x, outputs: y, name: 'classifier' });
  await saveModel(m, model);
  m.dispose();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prunekit prune on a nested model', () => {
  it('structured and unstructured levels run; backbone layers lose channels; outputs reload', async () => {
    const before = tf.memory().numTensors;
    const file = join(dir, 'recipe.yaml');
    writeFileSync(
      file,
      [
        'name: nested',
        'seed: 1',
        'backend: cpu',
        'bench: { backends: [cpu], runs: 1 }',
        'structured: { ratio: 0.5, scorer: { name: magnitude } }',
        'unstructured: { ratio: 0.7, scorer: { name: magnitude } }',
        // A fixed threshold: which layers go sparse must not depend on how fast they timed here.
        'export: { minSparsity: 0.2 }',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    const io = captureIO();
    const code = await main(['prune', '--model', model, '--recipe', file, '--out', out, '--json'], io);
    expect(code, io.err).toBe(EXIT.ok);
    const doc = JSON.parse(io.out) as {
      rows: { model: string; paramsBefore: number; paramsAfter: number }[];
    };
    const names = doc.rows.map((r) => r.model);
    expect(names[0]).toBe('dense');
    const structured = doc.rows.find((r) => r.model.startsWith('structured'))!;
    expect(structured.paramsAfter).toBeLessThan(structured.paramsBefore);
    const slim = await loadModel(join(out, structured.model));
    expect(slim.getLayer('b_c1').getWeights()[0].shape[3]).toBe(8); // flat export: backbone layers at top level
    slim.dispose();
    for (const name of names.filter((n) => n !== 'dense' && n !== structured.model)) {
      // The unstructured level is exported as sparse layers, the backbone's included (flat).
      const topo = JSON.parse(readFileSync(join(out, name, 'model.json'), 'utf8')).modelTopology;
      const entries = topo.config.layers as { class_name: string; config: { name: string } }[];
      expect(entries.map((l) => l.class_name)).not.toContain('Model');
      const sparse = entries
        .filter((l) => l.class_name.startsWith('PrunekitSparse'))
        .map((l) => l.config.name);
      expect(sparse).toEqual(expect.arrayContaining(['b_c1', 'b_c2'])); // the backbone's convs
      const m = await loadModel(join(out, name));
      const x = tf.zeros([1, 8, 8, 3]);
      const y = m.predict(x) as tf.Tensor;
      expect(y.shape).toEqual([1, 4]);
      tf.dispose([x, y]);
      m.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
