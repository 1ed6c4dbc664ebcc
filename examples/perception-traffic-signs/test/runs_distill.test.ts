import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.js';
import { trainFromRecipe } from '../src/baseline.js';
import { runPipeline } from '../src/pipeline.js';
import { loadRecipe, type Recipe } from '../src/recipe.js';
import type { ResultRow } from '../src/report.js';
import { distillRun } from '../src/runs/distill.js';
import { NUM_CLASSES } from '../src/signs.js';

const exampleDir = join(import.meta.dirname, '..');

function tinyRecipe(): Recipe {
  const r = loadRecipe(join(exampleDir, 'recipe.yaml'));
  return {
    ...r,
    data: { val: 32, test: 48, finetune: 64 },
    baseline: { ...r.baseline, epochs: 1, trainSize: 64, batchSize: 32 },
    finetune: { ...r.finetune, epochs: 1, batchSize: 32 },
  };
}

describe('distillation run (tiny configuration)', () => {
  let out: string;
  beforeAll(async () => {
    expect(await initBackend()).toBe('wasm');
    out = mkdtempSync(join(tmpdir(), 'signs-distill-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('fine-tunes the 90% model with and without a teacher under one step budget over seeds, keeps the masks, leaks nothing', async () => {
    const recipe = tinyRecipe();
    const before = tf.memory().numTensors;
    const res = await runPipeline({
      recipe,
      outDir: out,
      runs: [
        distillRun({
          steps: 1,
          seeds: [7, 8],
          candidates: [
            { T: 1, alpha: 0.5 },
            { T: 2, alpha: 0.5 },
          ],
        }),
      ],
      baseline: async (val) => (await trainFromRecipe(recipe, NUM_CLASSES, val, () => {})).model,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(res.doc.env.backend).toBe('wasm');
    const rows = res.doc.rows as unknown as ResultRow[];
    expect(rows.map((r) => r.run)).toEqual(['finetune plain', 'finetune+distill']);
    const [plain, kd] = rows;
    // Same budget: the same optimizer steps; both start from the same pruned weights.
    expect(kd.finetuneEpochs).toBe(plain.finetuneEpochs);
    expect(kd.steps).toBe(plain.steps);
    expect(plain.steps).toBe(1); // the first 32 images, batch 32
    expect(kd.accuracyPruned).toBe(plain.accuracyPruned);
    for (const r of rows) {
      expect(r.level).toBe(0.9);
      expect(r.sparsity).toBeGreaterThan(0.89);
      expect(r.exportZerosExact).toBe(true);
    }
    const [goal] = res.doc.goals;
    expect(goal.name).toBe('acc_distill_minus_plain_points_90');
    expect(goal.op).toBe('>=');
    expect(goal.target).toBe(0);
    // The goal is the mean over seeds of distilled minus plain, each a whole number of test images.
    const perImage = 100 / recipe.data.test;
    expect(Math.abs(goal.value * 2 - perImage * Math.round((goal.value * 2) / perImage))).toBeLessThan(1e-9);
    expect(res.markdown).toContain('Distillation at 90% sparsity');
    expect(res.markdown).toMatch(/T = [12], alpha = 0\.5\.$/m);
    expect(res.markdown).toContain('mean over 2 seeds');
  });

  it('rejects an empty seed list with a typed error naming the option', async () => {
    const recipe = tinyRecipe();
    const before = tf.memory().numTensors;
    await expect(
      runPipeline({
        recipe,
        outDir: out,
        runs: [distillRun({ seeds: [] })],
        baseline: async (val) => (await trainFromRecipe(recipe, NUM_CLASSES, val, () => {})).model,
      }),
    ).rejects.toThrow(/seeds is empty/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
