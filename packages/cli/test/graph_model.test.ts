// The CLI detects graph models (converted TF / TF-Hub) from model.json and runs inspect and the
// structured section of prune on them through @prunekit/graph-model.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadGraphModelFile } from '@prunekit/graph-model/node';
import { toTfGraphModel } from '@prunekit/graph-model';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';
import { firstOrtOutput } from './fixtures/ort.js';
import { pruneStructuredLevels } from './fixtures/structured_levels.js';

// emotion.json from @vladmandic/human 3.3.6 (a devDependency of @prunekit/graph-model).
const model = join(
  import.meta.dirname,
  '..',
  '..',
  'graph-model',
  'node_modules',
  '@vladmandic',
  'human',
  'models',
  'emotion.json',
);
const dir = mkdtempSync(join(tmpdir(), 'prunekit-cli-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prunekit on a tfjs graph model', () => {
  it('inspect lists ops, groups, and frozen groups with the op that froze them', async () => {
    const io = captureIO();
    expect(await main(['inspect', '--model', model, '--json'], io)).toBe(EXIT.ok);
    const info = JSON.parse(io.out);
    expect(info.layers.some((l: { className: string }) => l.className === '_FusedConv2D')).toBe(true);
    expect(info.groups.length).toBeGreaterThan(0);
    expect(info.frozen.some((f: { reason: string }) => /\(Softmax\)/.test(f.reason))).toBe(true);
  });

  it('prune --recipe (structured levels) writes stock graph models that load and shrink', async () => {
    const before = tf.memory().numTensors;
    const { out } = await pruneStructuredLevels(model, dir, 'graph-model');
    const pruned = await toTfGraphModel(await loadGraphModelFile(join(out, 'structured-50', 'model.json')));
    const x = tf.zeros([1, 64, 64, 1]);
    const y = pruned.execute(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 7]);
    tf.dispose([x, y]);
    pruned.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('convert --to uint8 re-encodes every float weight; the file shrinks and still loads', async () => {
    const out = join(dir, 'uint8');
    const io = captureIO();
    expect(await main(['convert', '--model', model, '--to', 'uint8', '--out', out, '--json'], io)).toBe(
      EXIT.ok,
    );
    const r = JSON.parse(io.out);
    expect(r.after).toBeLessThan(r.before / 3);
    const src = await loadGraphModelFile(join(out, 'model.json'));
    const floats = src.json.weightsManifest.flatMap((g) => g.weights).filter((w) => w.dtype === 'float32');
    expect(floats.every((w) => w.quantization?.dtype === 'uint8')).toBe(true);
    const err = captureIO();
    await expect(
      main(['convert', '--model', model, '--to', 'sparse', '--out', join(dir, 'sp')], err),
    ).resolves.not.toBe(EXIT.ok);
  });

  it('convert --to onnx writes model.onnx whose ORT outputs equal the graph model on the same NHWC input', async () => {
    const before = tf.memory().numTensors;
    const out = join(dir, 'as-onnx');
    const io = captureIO();
    expect(await main(['convert', '--model', model, '--to', 'onnx', '--out', out, '--json'], io)).toBe(
      EXIT.ok,
    );
    expect(JSON.parse(io.out).layout).toBe('NHWC');
    const x = Float32Array.from({ length: 64 * 64 }, (_, i) => (Math.sin(i) + 1) / 2);
    const tfModel = await toTfGraphModel(await loadGraphModelFile(model));
    const want = tf.tidy(() => (tfModel.execute(tf.tensor(x, [1, 64, 64, 1])) as tf.Tensor).dataSync());
    tfModel.dispose();
    const got = await firstOrtOutput(join(out, 'model.onnx'), x, [1, 64, 64, 1]);
    expect(got.length).toBe(7);
    for (let i = 0; i < 7; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });
});
