/**
 * A model with a layer class prunekit has no spec for (Embedding): the refusal suggests
 * `ignore: ['<layer>']`, and that suggestion, put in the recipe, lets score and prune run, pruning
 * the layers after it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'prunekit-cli-embedding-'));
  model = join(dir, 'dense');
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const m = tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 6, name: 'emb' }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ units: 32, activation: 'relu', name: 'hidden', kernelInitializer: init(1) }),
      tfl.layers.dense({ units: 4, activation: 'softmax', name: 'out', kernelInitializer: init(2) }),
    ],
  });
  await saveModel(m, model);
  m.dispose();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const recipe = (name: string, lines: string[]) => {
  const file = join(dir, name);
  writeFileSync(
    file,
    ['name: emb', 'seed: 1', 'backend: cpu', 'bench: { backends: [cpu], runs: 1 }', ...lines].join('\n'),
  );
  return file;
};

describe('Embedding layer and the ignore suggestion', () => {
  it('without ignore: refused with a message naming the layer and the ignore fix', async () => {
    const io = captureIO();
    const code = await main(['score', '--model', model, '--recipe', recipe('plain.yaml', [])], io);
    expect(code).not.toBe(EXIT.ok);
    expect(io.err).toMatch(/emb/);
    expect(io.err).toMatch(/ignore: \['emb'\]/);
    expect(io.err).not.toMatch(/internal error|\n\s+at /);
  });

  it("with the suggested ignore: score and a structured prune run, and 'hidden' loses channels", async () => {
    const before = tf.memory().numTensors;
    const file = recipe('ignore.yaml', [
      "structured: { ratio: 0.5, ignore: ['emb'], scorer: { name: magnitude } }",
    ]);
    const scoreIO = captureIO();
    expect(
      await main(['score', '--model', model, '--recipe', file, '--channels'], scoreIO),
      scoreIO.err,
    ).toBe(EXIT.ok);
    expect(scoreIO.out).toMatch(/hidden/);

    const out = join(dir, 'out');
    const io = captureIO();
    const code = await main(['prune', '--model', model, '--recipe', file, '--out', out, '--json'], io);
    expect(code, io.err).toBe(EXIT.ok);
    const doc = JSON.parse(io.out) as {
      rows: { model: string; paramsBefore: number; paramsAfter: number }[];
    };
    expect(doc.rows.map((r) => r.model)).toEqual(['dense', 'structured-50']);
    const slim = doc.rows[1];
    expect(slim.paramsAfter).toBeLessThan(slim.paramsBefore);
    // The embedding table is untouched; 'hidden' lost units (its kernel and 'out''s inputs shrank).
    const pruned = await loadModel(join(out, 'structured-50'));
    expect(pruned.getLayer('emb').getWeights()[0].shape).toEqual([50, 8]);
    expect(pruned.getLayer('hidden').getWeights()[0].shape[1]).toBeLessThan(32);
    pruned.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
