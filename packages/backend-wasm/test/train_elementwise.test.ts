// Conformance of the 'wasm' replacements a training step runs outside the convolutions: Sum over
// leading axes (bias gradients, a SIMD column sum), the bias Add, the fused Relu gradient, and
// Identity / same-dtype Cast (which share the buffer). Against the cpu backend over seeded random shapes:
// max |wasm − cpu| / max |cpu| ≤ 1e-4, nothing left behind.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers tfjs's gradients, which registerTrainKernels wraps
import { createRng } from '@prunekit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerTrainKernels } from '../src/train/register.js';
import { pick, randomValues, relError, runOn, useTfBackend } from './train_helpers.js';

const TOL = 1e-4;

beforeAll(async () => {
  registerTrainKernels();
  await useTfBackend('wasm');
});

describe('Sum', () => {
  it('matches cpu over leading axes (the column sum) and other axes (the original kernel)', async () => {
    const rng = createRng(15);
    const cases: [number[], number | number[], boolean][] = [
      [[4, 5, 6, 7], [0, 1, 2], false],
      [[4, 5, 6, 7], [2, 1, 0], true],
      [[4, 5, 6, 7], [-4, -3], false],
      [[9, 3], 0, false],
      [[4, 5, 6, 7], [1, 2], false],
      [[4, 5, 6, 7], [0, 1, 2, 3], false],
      [[4, 5, 6, 7], 3, true],
      // A bias gradient of the traffic-sign CNN's first layer: 32k rows, several row blocks.
      [[32, 32, 32, 16], [0, 1, 2], false],
    ];
    // Seeded shapes: column counts around the kernel's 16- and 4-column steps, row counts around
    // its 256-row blocks.
    for (let i = 0; i < 10; i++) {
      const cols = pick(rng, [1, 3, 4, 5, 15, 16, 17, 20, 33, 64]);
      const shape = [1 + rng.int(4), 1 + rng.int(80), 1 + rng.int(9), cols];
      cases.push([shape, [0, 1, 2], rng.int(2) === 1]);
    }
    for (const [shape, axis, keepDims] of cases) {
      const inputs = { x: { values: randomValues(rng, shape), shape } };
      const attrs = { axis, keepDims };
      const ref = await runOn('cpu', 'Sum', inputs, attrs);
      const got = await runOn('wasm', 'Sum', inputs, attrs);
      expect(relError(got, ref), JSON.stringify({ shape, axis, keepDims })).toBeLessThanOrEqual(TOL);
      // The output shape too (runOn compares values only).
      await useTfBackend('wasm');
      const before = tf.memory().numTensors;
      const x = tf.tensor(inputs.x.values, shape);
      const y = tf.sum(x, axis, keepDims);
      const reduced = new Set(
        (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + shape.length : a)),
      );
      const want = keepDims
        ? shape.map((d, i) => (reduced.has(i) ? 1 : d))
        : shape.filter((_, i) => !reduced.has(i));
      expect(y.shape).toEqual(want);
      tf.dispose([x, y]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('Add', () => {
  it('matches cpu for bias rows (either side) and leaves other adds to the original kernel', async () => {
    const rng = createRng(19);
    const cases: [number[], number[]][] = [
      [
        [3, 4],
        [3, 4],
      ],
      [[2, 1, 5], [5]],
      [
        [1, 5],
        [4, 1],
      ],
      [[7], [7]],
    ];
    for (let i = 0; i < 8; i++) {
      const c = pick(rng, [1, 3, 4, 5, 16, 19]);
      const x = [1 + rng.int(3), 1 + rng.int(6), c];
      cases.push(i % 2 === 0 ? [x, [c]] : [[c], x]);
    }
    for (const [aShape, bShape] of cases) {
      const inputs = {
        a: { values: randomValues(rng, aShape), shape: aShape },
        b: { values: randomValues(rng, bShape), shape: bShape },
      };
      const ref = await runOn('cpu', 'Add', inputs, {});
      const got = await runOn('wasm', 'Add', inputs, {});
      expect(relError(got, ref), JSON.stringify({ aShape, bShape })).toBeLessThanOrEqual(TOL);
    }
    await useTfBackend('wasm');
    const before = tf.memory().numTensors;
    const xi = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    const bi = tf.tensor1d([10, 20], 'int32');
    const yi = tf.add(xi, bi);
    expect(yi.dtype).toBe('int32');
    expect([...yi.dataSync()]).toEqual([11, 22, 13, 24]);
    tf.dispose([xi, bi, yi]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Relu gradient', () => {
  it('runs PrunekitReluGrad on wasm and matches the cpu gradient, NaN and infinities included', async () => {
    const rng = createRng(20);
    for (let i = 0; i < 6; i++) {
      const shape = [1 + rng.int(3), 1 + rng.int(9), pick(rng, [1, 3, 4, 7, 16])];
      const x = randomValues(rng, shape);
      const dy = randomValues(rng, shape);
      for (let j = 0; j < x.length; j++) {
        if (rng.int(4) === 0) x[j] = 0;
        else if (rng.int(25) === 0) x[j] = Number.NaN;
        if (rng.int(30) === 0) dy[j] = pick(rng, [Number.POSITIVE_INFINITY, Number.NaN]);
      }
      const grads: Float32Array[] = [];
      for (const backend of ['cpu', 'wasm'] as const) {
        await useTfBackend(backend);
        const before = tf.memory().numTensors;
        const xt = tf.tensor(x, shape);
        const dyt = tf.tensor(dy, shape);
        const profile = await tf.profile(() => tf.grad((t: tf.Tensor) => tf.relu(t))(xt, dyt));
        const g = profile.result as tf.Tensor;
        const names = profile.kernels.map((k) => k.name);
        if (backend === 'wasm') expect(names).toContain('PrunekitReluGrad');
        else expect(names).not.toContain('PrunekitReluGrad');
        grads.push(g.dataSync() as Float32Array);
        tf.dispose([xt, dyt, g]);
        expect(tf.memory().numTensors).toBe(before);
      }
      const label = JSON.stringify({ shape });
      const nan = (v: Float32Array) => [...v].map((e) => Number.isNaN(e));
      expect(nan(grads[1]), label).toEqual(nan(grads[0]));
      const finite = (v: Float32Array) => v.map((e) => (Number.isFinite(e) ? e : 0));
      const inf = (v: Float32Array) => [...v].map((e) => e === Number.POSITIVE_INFINITY);
      expect(inf(grads[1]), label).toEqual(inf(grads[0]));
      expect(relError(finite(grads[1]), finite(grads[0])), label).toBeLessThanOrEqual(TOL);
    }
  });
});

describe('Identity and Cast', () => {
  it('share the buffer when nothing changes and still convert between dtypes', async () => {
    await useTfBackend('wasm');
    const before = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    const values = randomValues(createRng(18), [3, 5]);
    const x = tf.tensor(values, [3, 5]);
    const copy = tf.clone(x); // Identity
    const same = tf.cast(x, 'float32'); // Cast, same dtype
    // Shared: three tensors, one backend buffer.
    expect(tf.engine().backend.numDataIds()).toBe(buffers + 1);
    x.dispose();
    expect(copy.dataSync()).toEqual(values);
    expect(same.dataSync()).toEqual(values);
    const ints = tf.cast(copy, 'int32');
    expect(ints.dtype).toBe('int32');
    expect([...ints.dataSync()]).toEqual([...values].map((v) => Math.trunc(v) || 0));
    const b = tf.tensor1d([1, 0, 1], 'bool');
    const b2 = tf.clone(b);
    expect([...b2.dataSync()]).toEqual([1, 0, 1]);
    tf.dispose([copy, same, ints, b, b2]);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
  });
});
