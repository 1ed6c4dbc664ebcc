// tfjs-wasm 4.22's convolutions are wrong when 'same' padding meets a stride larger than the
// kernel (an axis needs no padding at all). prunekit's wrapper routes those calls to an explicit
// pad + 'valid' call of tfjs-wasm's own kernel; here on seeded fuzzed shapes of that case, the four
// convolution kernels against cpu, |wasm − cpu| ≤ 1e-4, and a tfjs-layers model through them.
import { createRng } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  originalInferKernel,
  registerInferKernels,
  samePadConvKernels,
  strideOverKernelSamePad,
} from '../src/infer/index.js';
import { randomValues, runOn, useTfBackend } from './train_helpers.js';

const TOL = 1e-4;

interface ConvShape {
  kernel: string;
  h: number;
  w: number;
  cin: number;
  /** Output channels (conv) or channel multiplier (depthwise). */
  cout: number;
  k: [number, number];
  strides: [number, number];
}

/** Seeded shapes of the failing case: random convs with stride ≤ 4, kept when the case applies. */
function fuzzedShapes(seed: number, count: number): ConvShape[] {
  const rng = createRng(seed);
  const out: ConvShape[] = [];
  while (out.length < count) {
    const { name, depthwise } = samePadConvKernels[out.length % samePadConvKernels.length];
    const s: ConvShape = {
      kernel: name,
      h: 1 + rng.int(12),
      w: 1 + rng.int(12),
      cin: 1 + rng.int(5),
      cout: 1 + rng.int(depthwise ? 2 : 6),
      k: [1 + rng.int(3), 1 + rng.int(3)],
      strides: [1 + rng.int(4), 1 + rng.int(4)],
    };
    const filter = [...s.k, s.cin, s.cout];
    if (
      strideOverKernelSamePad(
        [1, s.h, s.w, s.cin],
        filter,
        { strides: s.strides, pad: 'same', dilations: 1 },
        depthwise,
      )
    )
      out.push(s);
  }
  return out;
}

function caseInputs(s: ConvShape, seed: number) {
  const rng = createRng(seed);
  const depthwise = s.kernel.includes('Depthwise');
  const x = [2, s.h, s.w, s.cin];
  const filter = [...s.k, s.cin, s.cout];
  const inputs: Record<string, { values: Float32Array; shape: number[] }> = {
    x: { values: randomValues(rng, x), shape: x },
    filter: { values: randomValues(rng, filter), shape: filter },
  };
  const attrs: Record<string, unknown> = {
    strides: s.strides,
    pad: 'same',
    dilations: [1, 1],
    dataFormat: 'NHWC',
  };
  if (s.kernel.startsWith('Fused')) {
    const c = depthwise ? s.cin * s.cout : s.cout;
    inputs.bias = { values: randomValues(rng, [c]), shape: [c] };
    attrs.activation = 'relu';
  }
  return { inputs, attrs };
}

beforeAll(async () => {
  registerInferKernels();
  await useTfBackend('wasm');
});

describe("wasm convolutions with 'same' padding and a stride larger than the kernel", () => {
  it('detects exactly the case: an axis whose stride leaves no padding', () => {
    const at = (x: number[], f: number[], strides: [number, number], pad: 'same' | 'valid' = 'same') =>
      strideOverKernelSamePad(x, f, { strides, pad, dilations: 1 }, false);
    expect(at([1, 2, 12, 4], [1, 2, 4, 2], [2, 1])).toMatchObject({ top: 0, bottom: 0 }); // 2 rows, k 1, s 2
    expect(at([1, 12, 10, 3], [2, 3, 3, 6], [3, 1])).not.toBeNull();
    expect(at([1, 8, 8, 3], [3, 3, 3, 4], [2, 2])).toBeNull(); // (4−1)·2 + 3 = 9 ≥ 8
    expect(at([1, 8, 8, 3], [1, 1, 3, 4], [1, 1])).toBeNull();
    expect(at([1, 12, 10, 3], [2, 3, 3, 6], [3, 1], 'valid')).toBeNull();
    for (const { name } of samePadConvKernels) {
      expect(originalInferKernel(name)).toBeDefined();
      expect(tf.getKernel(name, 'wasm')?.kernelFunc).not.toBe(originalInferKernel(name)?.kernelFunc);
    }
  });

  it('Conv2D, FusedConv2D, DepthwiseConv2dNative, FusedDepthwiseConv2D match cpu on 48 fuzzed shapes', async () => {
    const worst = new Map<string, number>();
    const shapes = fuzzedShapes(22, 48);
    for (const [i, s] of shapes.entries()) {
      const { inputs, attrs } = caseInputs(s, 100 + i);
      const ref = await runOn('cpu', s.kernel, inputs, attrs);
      const got = await runOn('wasm', s.kernel, inputs, attrs);
      expect(got.length).toBe(ref.length);
      let d = 0;
      for (let j = 0; j < ref.length; j++) d = Math.max(d, Math.abs(got[j] - ref[j]));
      expect(d, JSON.stringify(s)).toBeLessThanOrEqual(TOL);
      worst.set(s.kernel, Math.max(worst.get(s.kernel) ?? 0, d));
    }
    expect([...worst.keys()].sort()).toEqual(samePadConvKernels.map((k) => k.name).sort());
  });

  it('a tfjs-layers model with such layers predicts the same on wasm as on cpu', async () => {
    const L = tfl.layers;
    const m = tfl.sequential({
      layers: [
        L.conv2d({
          inputShape: [9, 10, 3],
          filters: 6,
          kernelSize: [1, 2],
          strides: [3, 3],
          padding: 'same',
          activation: 'relu',
        }),
        L.depthwiseConv2d({ kernelSize: 1, strides: 2, padding: 'same' }),
        L.flatten(),
      ],
    });
    const run = async (backend: 'cpu' | 'wasm') => {
      await useTfBackend(backend);
      const before = tf.memory().numTensors;
      const x = tf.randomNormal([2, 9, 10, 3], 0, 1, 'float32', 5);
      const y = m.predict(x) as tf.Tensor;
      const v = Float32Array.from(y.dataSync());
      tf.dispose([x, y]);
      expect(tf.memory().numTensors).toBe(before);
      return v;
    };
    const ref = await run('cpu');
    const got = await run('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(Math.max(...got.map((v, i) => Math.abs(v - ref[i])))).toBeLessThanOrEqual(TOL);
    m.dispose();
  });
});
