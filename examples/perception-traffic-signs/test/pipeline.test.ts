import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goalMet } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '@prunekit/example-kit';
import { runPipeline } from '../src/pipeline.js';
import { loadRecipe, parseRecipe, type Recipe } from '../src/recipe.js';
import { formatTable, type ResultRow } from '../src/report.js';
import { NUM_CLASSES } from '../src/signs.js';
import { trainFromRecipe } from '../src/baseline.js';

const exampleDir = join(import.meta.dirname, '..');

/** The shipped recipe shrunk to seconds: few images, one level, one epoch. */
function tinyRecipe(): Recipe {
  const r = loadRecipe(join(exampleDir, 'recipe.yaml'));
  return {
    ...r,
    data: { val: 32, test: 48, finetune: 64 },
    baseline: { ...r.baseline, epochs: 1, trainSize: 64, batchSize: 32 },
    unstructured: { ...r.unstructured, levels: [0, 0.5] },
    finetune: { ...r.finetune, epochs: 1, batchSize: 32 },
  };
}

describe('traffic-sign demo pipeline (tiny configuration)', () => {
  let out: string;
  beforeAll(async () => {
    expect(await startBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    out = mkdtempSync(join(tmpdir(), 'signs-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('prunes, fine-tunes, saves, verifies and reports in the results-document shape, leaking nothing', async () => {
    const recipe = tinyRecipe();
    const before = tf.memory().numTensors;
    const res = await runPipeline({
      recipe,
      outDir: out,
      baseline: async (val) => (await trainFromRecipe(recipe, NUM_CLASSES, val, () => {})).model,
    });
    expect(tf.memory().numTensors).toBe(before);

    const { doc } = res;
    expect(doc.name).toBe('perception-traffic-signs');
    expect(doc.env.backend).toBe('wasm');
    expect(typeof doc.env.node).toBe('string');
    expect(typeof doc.env.cpu).toBe('string');
    expect(doc.rows).toHaveLength(2);
    const [base, half] = doc.rows as unknown as ResultRow[];
    expect(base.level).toBe(0);
    expect(half.level).toBe(0.5);
    expect(half.sparsity).toBeGreaterThan(0.49);
    expect(half.sparsity).toBeLessThan(0.51);
    expect(half.nonzero).toBeLessThan(base.nonzero);
    expect(half.params).toBe(base.params);
    expect(half.finetuneEpochs).toBe(1);
    expect(half.exportMaxAbsDiff).toBeLessThanOrEqual(1e-6);
    expect(half.exportZerosExact).toBe(true);
    expect(Object.keys(half.recall)).toHaveLength(NUM_CLASSES);
    for (const r of [base, half]) {
      expect(r.fileBytes).toBeGreaterThan(r.params * 4);
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(1);
      expect(existsSync(join(out, `unstructured-${Math.round(r.level * 100)}`, 'model.json'))).toBe(true);
    }
    expect(base.accDropPoints).toBe(0);

    const goal = doc.goals.find((g) => g.name === 'acc_drop_points_unstructured_50');
    expect(goal).toBeDefined();
    expect(goal!.op).toBe('<=');
    expect(goal!.target).toBe(1);
    expect(goal!.value).toBeCloseTo(half.accDropPoints, 10);
    expect(typeof goalMet(goal!)).toBe('boolean');

    expect(res.markdown).toContain('| class |');
    expect(res.markdown).toContain('acc_drop_points_unstructured_50');
    expect(formatTable(doc.rows as unknown as ResultRow[]).split('\n')).toHaveLength(3);
  });

  it('refuses a malformed recipe with a typed error naming the field', () => {
    const good = loadRecipe(join(exampleDir, 'recipe.yaml'));
    expect(() =>
      parseRecipe({ ...good, unstructured: { ...good.unstructured, levels: [0.5, 1.2] } }, 'r.yaml'),
    ).toThrow(/r\.yaml: unstructured\.levels\[1\] must be a number in \[0, 1\)/);
    expect(() => parseRecipe({ ...good, finetune: { ...good.finetune, lr: 'fast' } }, 'r.yaml')).toThrow(
      /finetune\.lr/,
    );
    expect(() => loadRecipe(join(exampleDir, 'missing.yaml'))).toThrow(/missing\.yaml/);
  });
});
