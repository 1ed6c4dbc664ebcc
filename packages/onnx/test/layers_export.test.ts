// ONNX export of LayersModels: seeded random architectures (residual merges, concat, depthwise,
// separable, squeeze-excite with Reshape, pooling, padding, up-sampling, activations, dense heads)
// exported with layersToOnnx run on onnxruntime-node and equal tfjs's predict within 1e-4; a
// pruned model exports the same way; the first 12 run on onnxruntime-web (wasm) too; a layer
// without a mapping is refused naming it.
import { createRng, PrunekitError } from '@prunekit/core';
import { analyzeChannels, buildGraph, removeChannels } from '@prunekit/layers';
import { randomArch } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { layersToOnnx } from '../src/index.js';
import { type OrtRuntime, runOrt } from './ort.js';

const SEEDS = 40;
const WEB_SEEDS = 12;

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

/** NHWC values → NCHW (what the exported file takes). */
function toNchw(x: Float32Array, [n, h, w, c]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let k = 0; k < c; k++) out[((b * c + k) * h + i) * w + j] = x[((b * h + i) * w + j) * c + k];
  return out;
}

/** Largest |tfjs − ORT| over outputs (4-D outputs compared after NHWC → NCHW), relative to the output scale. */
async function compare(
  model: tfl.LayersModel,
  seed: number,
  runtime: OrtRuntime = 'node',
): Promise<{ diff: number; scale: number }> {
  const shape = [1, ...(model.inputs[0].shape.slice(1) as number[])];
  const rng = createRng(seed + 99);
  const xs = Float32Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => rng.normal());
  const bytes = layersToOnnx(buildGraph(model));
  const y = tf.tidy(() => {
    const out = model.predict(tf.tensor(xs, shape)) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out : [out]).map((t) => ({ v: t.dataSync() as Float32Array, s: t.shape }));
  });
  const ort = await runOrt(bytes, toNchw(xs, shape), [shape[0], shape[3], shape[1], shape[2]], runtime);
  let diff = 0;
  let scale = 1;
  y.forEach((t, i) => {
    const ref = t.s.length === 4 ? toNchw(t.v, t.s) : t.v;
    expect(ort[i].length).toBe(ref.length);
    for (let j = 0; j < ref.length; j++) {
      diff = Math.max(diff, Math.abs(ref[j] - ort[i][j]));
      scale = Math.max(scale, Math.abs(ref[j]));
    }
  });
  return { diff, scale };
}

describe('layersToOnnx', () => {
  it(`${SEEDS} random architectures: ORT outputs equal tfjs within 1e-4, or the layer is refused by name`, async () => {
    const before = tf.memory().numTensors;
    const refused = new Map<string, number>();
    const failures: string[] = [];
    let exported = 0;
    const seen = new Set<string>();
    for (let seed = 0; seed < SEEDS; seed++) {
      const { model } = randomArch(seed);
      try {
        const { diff, scale } = await compare(model, seed);
        exported++;
        for (const l of model.layers) seen.add(l.getClassName());
        if (!(diff <= 1e-4 * scale)) failures.push(`seed ${seed}: max |tfjs − ORT| ${diff}`);
      } catch (e) {
        if (!(e instanceof PrunekitError) || e.code !== 'E_UNSUPPORTED_LAYER') throw e;
        const cls = String(e.details.className);
        refused.set(cls, (refused.get(cls) ?? 0) + 1);
        expect(e.message).toContain(String(e.details.layer));
      } finally {
        model.dispose();
      }
    }
    console.log(`exported ${exported}/${SEEDS}; refused: ${JSON.stringify(Object.fromEntries(refused))}`);
    expect(failures).toEqual([]);
    expect(exported).toBeGreaterThanOrEqual(SEEDS * 0.9);
    for (const cls of [
      'Conv2D',
      'DepthwiseConv2D',
      'BatchNormalization',
      'Dense',
      'Add',
      'Concatenate',
      'GlobalAveragePooling2D',
    ])
      expect(seen, cls).toContain(cls);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it(`the first ${WEB_SEEDS} exportable architectures equal tfjs on onnxruntime-web (wasm) too`, async () => {
    const before = tf.memory().numTensors;
    const failures: string[] = [];
    let checked = 0;
    for (let seed = 0; checked < WEB_SEEDS && seed < SEEDS; seed++) {
      const { model } = randomArch(seed);
      try {
        const { diff, scale } = await compare(model, seed, 'web');
        checked++;
        if (!(diff <= 1e-4 * scale)) failures.push(`seed ${seed}: max |tfjs − ORT-web| ${diff}`);
      } catch (e) {
        if (!(e instanceof PrunekitError) || e.code !== 'E_UNSUPPORTED_LAYER') throw e;
      } finally {
        model.dispose();
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(WEB_SEEDS);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('a channel-pruned model exports and runs on ORT like its tfjs self', async () => {
    const before = tf.memory().numTensors;
    const { model } = randomArch(3);
    const analysis = analyzeChannels(buildGraph(model));
    const removal = new Map(analysis.groups.filter((g) => g.size > 1).map((g) => [g.id, [0]]));
    const pruned = await removeChannels(analysis, removal);
    const { diff, scale } = await compare(pruned, 3);
    expect(diff).toBeLessThan(1e-4 * scale);
    pruned.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
