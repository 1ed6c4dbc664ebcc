// Acceptance: torchvision MobileNetV3-Small and ResNet-18 (reduced width, random weights, exported
// by scripts/export_torchvision.py with torch.onnx.export) lose 30% of every prunable group's
// channels, reload in onnxruntime, and equal their masked original within 1e-4.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@prunekit/core';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeOnnxChannels,
  buildOnnxGraph,
  planChannelRemoval,
  removeOnnxChannels,
  zeroOnnxChannels,
} from '../src/index.js';
import { maxAbs, maxDiff, runOrt } from './ort.js';

const model = (name: string) => readFileSync(join(import.meta.dirname, 'models', name));

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

describe.each([
  [
    'mobilenet_v3_small_w050.onnx',
    ['Conv', 'HardSwish', 'HardSigmoid', 'GlobalAveragePool', 'Mul', 'Gemm', 'Flatten'],
  ],
  ['resnet18_w025.onnx', ['Conv', 'Add', 'MaxPool', 'GlobalAveragePool', 'Flatten', 'Gemm']],
])('%s', (file, ops) => {
  it('prunes 30% of channels; the pruned model reloads in ORT and equals the masked original within 1e-4', async () => {
    const before = tf.memory().numTensors;
    const bytes = model(file);
    const graph = buildOnnxGraph(bytes, { label: file });
    const seen = new Set(graph.nodes.map((n) => n.className));
    for (const op of ops) expect(seen, op).toContain(op);
    const analysis = analyzeOnnxChannels(graph);
    expect(analysis.groups.length).toBeGreaterThan(5);
    const removal = await planChannelRemoval(analysis, { scorer: magnitude(), ratio: 0.3 });
    const total = analysis.groups.reduce((a, g) => a + g.size, 0);
    const removed = [...removal.values()].reduce((a, c) => a + c.length, 0);
    expect(removed / total).toBeGreaterThan(0.28);
    const pruned = removeOnnxChannels(analysis, removal);
    const masked = zeroOnnxChannels(analysis, removal);
    const rng = createRng(7);
    const x = Float32Array.from({ length: 3 * 96 * 96 }, () => rng.normal());
    const [yp, ym, yo] = await Promise.all([pruned, masked, bytes].map((b) => runOrt(b, x, [1, 3, 96, 96])));
    const d = maxDiff(yp, ym);
    expect(d).toBeLessThan(1e-4 * Math.max(1, maxAbs(ym)));
    // The removal changed the model (the masked original is not the original).
    expect(maxDiff(ym, yo)).toBeGreaterThan(1e-3);
    expect(pruned.length).toBeLessThan(bytes.length * 0.75);
    // The input bytes are untouched.
    expect(Buffer.compare(Buffer.from(bytes), model(file))).toBe(0);
    graph.dispose();
    expect(tf.memory().numTensors).toBe(before);
    console.log(
      `${file}: ${analysis.groups.length} groups, ${analysis.frozen.length} frozen, removed ${removed}/${total} channels, ${bytes.length} → ${pruned.length} bytes, max |pruned − masked| ${d.toExponential(2)}`,
    );
  }, 60_000);
});
