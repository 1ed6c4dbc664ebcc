import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@prunekit/core';
import { loadModel } from '@prunekit/layers/node';
import { cnnModel } from '@prunekit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelsOnly } from '../src/index.js';
import { saveTfjsQuantized } from '../src/node.js';
import { inputs, pruneKernels, tf, tfl, useCpu, weightValues } from './helpers.js';

let root: string;
beforeAll(async () => {
  await useCpu();
  root = mkdtempSync(join(tmpdir(), 'prunekit-tfjsq-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Stock tfjs: the http IO handler, with a fetch that serves files from `dir`. */
function stockLoad(dir: string): Promise<tfl.LayersModel> {
  const fetchFunc = async (url: string) => {
    const name = new URL(url).pathname.split('/').pop() as string;
    return new Response(readFileSync(join(dir, name)));
  };
  return tfl.loadLayersModel('http://models.test/m/model.json', { fetchFunc });
}

describe('tfjs-converter style quantized export', () => {
  for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
    it(`${dtype}: stock tf.loadLayersModel reads it; weights within the quantization step, zeros exact`, async () => {
      const model = cnnModel({ seed: 21, filters: [6, 8], hidden: 16 });
      pruneKernels(model, 0.7);
      const dir = join(root, dtype);
      const before = tf.memory().numTensors;
      const { files } = await saveTfjsQuantized(model, dir, { dtype });
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const specs = json.weightsManifest[0].weights;
      expect(specs.every((s: { quantization?: { dtype: string } }) => s.quantization?.dtype === dtype)).toBe(
        true,
      );
      if (dtype !== 'float16') expect(typeof specs[0].quantization.scale).toBe('number');
      const stock = await stockLoad(dir);
      const original = weightValues(model);
      const loaded = weightValues(stock);
      for (const spec of specs) {
        const o = original.get(spec.name) as Float32Array;
        const l = loaded.get(spec.name) as Float32Array;
        const range = Math.max(...o, 0) - Math.min(...o, 0);
        const step = dtype === 'uint8' ? range / 254 : dtype === 'uint16' ? range / 65534 : 0;
        for (let i = 0; i < o.length; i++) {
          const tol = dtype === 'float16' ? Math.abs(o[i]) * 2 ** -11 + 2 ** -25 : step / 2 + 1e-6;
          expect(Math.abs(l[i] - o[i])).toBeLessThanOrEqual(tol);
          if (o[i] === 0) expect(l[i]).toBe(0);
        }
      }
      const x = inputs([2, 8, 8, 3], 1);
      const diff = tf.tidy(
        () =>
          tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, stock.predict(x) as tf.Tensor))).dataSync()[0],
      );
      expect(diff).toBeLessThan(dtype === 'uint8' ? 0.05 : 0.002);
      // prunekit's own checked loader reads it as well.
      const checked = await loadModel(dir);
      checked.dispose();
      stock.dispose();
      tf.dispose(x);
      expect(tf.memory().numTensors).toBe(before);
      expect(files).toContain('model.json');
      model.dispose();
    });
  }

  it('select keeps the other weights float32; bad dtype is refused', async () => {
    const model = cnnModel({ seed: 22 });
    const dir = join(root, 'kernels');
    await saveTfjsQuantized(model, dir, { dtype: 'uint8', select: kernelsOnly });
    const specs = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).weightsManifest[0].weights;
    for (const s of specs) expect(s.quantization !== undefined).toBe(/kernel$/.test(s.name));
    const bytes = readFileSync(join(dir, 'group1-shard1of1.bin')).length;
    expect(bytes).toBeLessThan(model.countParams() * 4);
    (await stockLoad(dir)).dispose();
    await expect(saveTfjsQuantized(model, join(root, 'x'), { dtype: 'int8' as never })).rejects.toThrow(
      InvalidArgumentError,
    );
    model.dispose();
  });
});
