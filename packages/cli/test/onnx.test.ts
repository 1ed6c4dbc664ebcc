// The CLI detects ONNX files and runs inspect and the structured section of prune on them through
// @prunekit/onnx; each pruned level is a new .onnx file that onnxruntime loads and runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toFusedModel } from '@prunekit/layers';
import { saveModel } from '@prunekit/layers/node';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';
import { firstOrtOutput } from './fixtures/ort.js';
import { pruneStructuredLevels } from './fixtures/structured_levels.js';

// torchvision ResNet-18 at quarter width, random weights (packages/onnx/scripts/export_torchvision.py).
const model = join(import.meta.dirname, '..', '..', 'onnx', 'test', 'models', 'resnet18_w025.onnx');
const dir = mkdtempSync(join(tmpdir(), 'prunekit-cli-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('prunekit on an ONNX model', () => {
  it('inspect lists nodes, groups, and the frozen groups with their reason', async () => {
    const io = captureIO();
    expect(await main(['inspect', '--model', model, '--json'], io)).toBe(EXIT.ok);
    const info = JSON.parse(io.out);
    expect(info.layers.some((l: { className: string }) => l.className === 'Conv')).toBe(true);
    expect(info.groups.length).toBe(12);
    expect(info.frozen.some((f: { reason: string }) => /is a model output/.test(f.reason))).toBe(true);
  });

  it('prune --model x.onnx writes smaller .onnx files that onnxruntime runs', async () => {
    const before = tf.memory().numTensors;
    const { rows, out } = await pruneStructuredLevels(model, dir, 'onnx');
    expect(rows[2].fileBytes).toBeLessThan(rows[0].fileBytes / 2);
    const session = await ort.InferenceSession.create(join(out, 'structured-50', 'model.onnx'));
    const y = await session.run({
      input: new ort.Tensor('float32', new Float32Array(3 * 96 * 96).fill(0.5), [1, 3, 96, 96]),
    });
    expect(y.logits.dims).toEqual([1, 10]);
    expect([...(y.logits.data as Float32Array)].every(Number.isFinite)).toBe(true);
    await session.release();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('convert --to onnx writes model.onnx whose ORT outputs equal the LayersModel on NCHW input', async () => {
    const before = tf.memory().numTensors;
    const input = tfl.input({ shape: [6, 6, 2] });
    const c = tfl.layers
      .conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' })
      .apply(input) as tfl.SymbolicTensor;
    const d = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }).apply(c) as tfl.SymbolicTensor;
    const a = tfl.layers.add().apply([c, d]) as tfl.SymbolicTensor;
    const g = tfl.layers.globalAveragePooling2d({}).apply(a) as tfl.SymbolicTensor;
    const y = tfl.layers.dense({ units: 3, activation: 'softmax' }).apply(g) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: input, outputs: y });
    const src = join(dir, 'layers');
    await saveModel(m, src);
    const out = join(dir, 'as-onnx');
    const io = captureIO();
    expect(await main(['convert', '--model', src, '--to', 'onnx', '--out', out, '--json'], io)).toBe(EXIT.ok);
    expect(JSON.parse(io.out).layout).toBe('NCHW');
    const x = Float32Array.from({ length: 72 }, (_, i) => Math.sin(i));
    const want = tf.tidy(
      () => (m.predict(tf.tensor(x, [1, 6, 6, 2])) as tf.Tensor).dataSync() as Float32Array,
    );
    const nchw = new Float32Array(72);
    for (let h = 0; h < 6; h++)
      for (let w = 0; w < 6; w++)
        for (let k = 0; k < 2; k++) nchw[(k * 6 + h) * 6 + w] = x[(h * 6 + w) * 2 + k];
    const got = await firstOrtOutput(join(out, 'model.onnx'), nchw, [1, 2, 6, 6]);
    expect(got.length).toBe(3);
    for (let i = 0; i < 3; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('convert --to onnx takes prunekit fused conv layers (un-fused first); ORT outputs equal the fused model', async () => {
    await tf.setBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const before = tf.memory().numTensors;
    const input = tfl.input({ shape: [6, 6, 2] });
    const c = tfl.layers
      .conv2d({ filters: 4, kernelSize: 3, padding: 'same' })
      .apply(input) as tfl.SymbolicTensor;
    const r = tfl.layers.reLU({ maxValue: 6 }).apply(c) as tfl.SymbolicTensor;
    const d = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }).apply(r) as tfl.SymbolicTensor;
    const r2 = tfl.layers.reLU({ maxValue: 6 }).apply(d) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: input, outputs: r2 });
    // Weights large enough that both ReLU6s clip at 6 somewhere.
    for (const l of m.layers) {
      const scaled = l.getWeights().map((w) => tf.mul(w, 6));
      l.setWeights(scaled);
      tf.dispose(scaled);
    }
    const fused = (await toFusedModel(m))!;
    expect(fused.layers.map((l) => l.getClassName())).toContain('PrunekitFusedDepthwiseConv2D');
    const src = join(dir, 'fused');
    await saveModel(fused, src);
    const out = join(dir, 'fused-onnx');
    const io = captureIO();
    expect(await main(['convert', '--model', src, '--to', 'onnx', '--out', out], io), io.err).toBe(EXIT.ok);
    const x = Float32Array.from({ length: 72 }, (_, i) => 2 * Math.sin(i));
    const want = tf.tidy(
      () => (fused.predict(tf.tensor(x, [1, 6, 6, 2])) as tf.Tensor).dataSync() as Float32Array,
    );
    expect(want.some((v) => v === 6)).toBe(true);
    const nchw = new Float32Array(72);
    for (let h = 0; h < 6; h++)
      for (let w = 0; w < 6; w++)
        for (let k = 0; k < 2; k++) nchw[(k * 6 + h) * 6 + w] = x[(h * 6 + w) * 2 + k];
    const got = await firstOrtOutput(join(out, 'model.onnx'), nchw, [1, 2, 6, 6]);
    expect(got.length).toBe(want.length);
    // ORT's output is NCHW, the model's NHWC.
    let diff = 0;
    for (let h = 0; h < 6; h++)
      for (let w = 0; w < 6; w++)
        for (let k = 0; k < 4; k++)
          diff = Math.max(diff, Math.abs(got[(k * 6 + h) * 6 + w] - want[(h * 6 + w) * 4 + k]));
    expect(diff).toBeLessThan(1e-4 * 6);
    m.dispose();
    fused.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
