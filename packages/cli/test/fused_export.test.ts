// The CLI's default export of a structured level on tfjs-wasm: conv → BN → ReLU6 and
// depthwise → BN → ReLU6 blocks are written as prunekit's fused conv layers (one kernel each),
// and the written model computes what the stock export of the same run computes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '@prunekit/core';
import { loadModel, saveModel } from '@prunekit/layers/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';

type T = tfl.SymbolicTensor;
let dir: string;
let input: string;

/** Two inverted-residual blocks (conv → BN → ReLU6, depthwise → BN → ReLU6, conv → BN, Add), then a head. */
function mobileBlocks(): tfl.LayersModel {
  const bn = (x: T) => tfl.layers.batchNormalization().apply(x) as T;
  const r6 = (x: T) => tfl.layers.reLU({ maxValue: 6 }).apply(x) as T;
  const conv = (x: T, filters: number, strides = 1) =>
    tfl.layers.conv2d({ filters, kernelSize: 1, strides, padding: 'same', useBias: false }).apply(x) as T;
  const dw = (x: T, strides = 1) =>
    tfl.layers.depthwiseConv2d({ kernelSize: 3, strides, padding: 'same', useBias: false }).apply(x) as T;
  const inp = tfl.input({ shape: [12, 12, 3] });
  let x = r6(bn(conv(inp, 8, 2)));
  for (let i = 0; i < 2; i++) {
    const y = bn(conv(r6(bn(dw(r6(bn(conv(x, 24)))))), 8));
    x = tfl.layers.add().apply([x, y]) as T;
  }
  const g = tfl.layers.globalAveragePooling2d({}).apply(x) as T;
  const m = tfl.model({ inputs: inp, outputs: tfl.layers.dense({ units: 4 }).apply(g) as T });
  const rng = createRng(5);
  for (const layer of m.layers) {
    const ws = layer.weights.map((w) => {
      const v = new Float32Array(w.shape.reduce((a: number, b) => a * (b as number), 1));
      const variance = w.originalName.endsWith('moving_variance');
      for (let i = 0; i < v.length; i++) v[i] = variance ? 0.3 + rng.next() : rng.normal();
      return tf.tensor(v, [...w.shape] as number[]);
    });
    layer.setWeights(ws);
    tf.dispose(ws);
  }
  return m;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'prunekit-cli-fused-'));
  input = join(dir, 'in');
  const m = mobileBlocks();
  await saveModel(m, input);
  m.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function prune(format: string): Promise<{ folder: string; row: { export: string } }> {
  const recipe = join(dir, `${format}.yaml`);
  writeFileSync(
    recipe,
    `backend: wasm\nseed: 1\nbench: { backends: [wasm], runs: 1 }\nstructured: { levels: [0.25] }\nexport: { format: ${format} }\n`,
  );
  const out = join(dir, `out-${format}`);
  const io = captureIO();
  const code = await main(
    ['prune', '--model', input, '--recipe', recipe, '--out', out, '--json', '--quiet'],
    io,
  );
  expect(code, io.err).toBe(EXIT.ok);
  const row = JSON.parse(io.out).rows.find((r: { model: string }) => r.model === 'structured-25');
  return { folder: join(out, 'structured-25'), row };
}

const classes = (folder: string) =>
  (
    JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).modelTopology.config.layers as {
      class_name: string;
    }[]
  ).map((l) => l.class_name);

/** The two saved models' outputs on one seeded batch agree within 1e-4·scale (scale: `want`'s largest |output|). */
async function expectSameOutputs(got: string, want: string, seed: number): Promise<void> {
  const a = await loadModel(got);
  const b = await loadModel(want);
  const x = tf.tidy(() => tf.mul(tf.randomNormal([2, 12, 12, 3], 0, 1, 'float32', seed), 2));
  const ya = a.predict(x) as tf.Tensor;
  const yb = b.predict(x) as tf.Tensor;
  const scale = tf.tidy(() => tf.max(tf.abs(yb)).dataSync()[0]);
  expect(scale).toBeGreaterThan(0.1);
  expect(tf.tidy(() => tf.max(tf.abs(tf.sub(ya, yb))).dataSync()[0])).toBeLessThan(1e-4 * Math.max(1, scale));
  tf.dispose([x, ya, yb]);
  a.dispose();
  b.dispose();
}

describe('prunekit prune on wasm: structured levels with fused conv layers', () => {
  it('writes ReLU6 and depthwise biases into fused kernels; the outputs equal the stock export', async () => {
    const before = tf.memory().numTensors;
    const fused = await prune('auto');
    const stock = await prune('stock');
    expect(tf.getBackend()).toBe('wasm');
    expect(fused.row.export).toMatch(/^fused conv layers/);
    const written = classes(fused.folder);
    expect(written).toContain('PrunekitFusedConv2D');
    expect(written).toContain('PrunekitFusedDepthwiseConv2D');
    for (const gone of ['ReLU', 'BatchNormalization', 'DepthwiseConv2D']) expect(written).not.toContain(gone);
    expect(classes(stock.folder)).toContain('ReLU');
    await expectSameOutputs(fused.folder, stock.folder, 8);
    const ins = captureIO();
    expect(await main(['inspect', '--model', fused.folder, '--json'], ins), ins.err).toBe(EXIT.ok);
    expect(JSON.parse(ins.out).layers.length).toBe(written.length);
    // convert --to stock un-fuses them: stock classes only, the same outputs.
    const conv = captureIO();
    const to = join(dir, 'to-stock');
    expect(
      await main(['convert', '--model', fused.folder, '--to', 'stock', '--out', to], conv),
      conv.err,
    ).toBe(EXIT.ok);
    expect(conv.out).toMatch(/fused conv layers un-fused: /);
    const back = classes(to);
    expect(back.filter((c) => c.startsWith('Prunekit'))).toEqual([]);
    expect(back).toContain('DepthwiseConv2D');
    expect(back).toContain('ReLU');
    await expectSameOutputs(to, fused.folder, 9);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
