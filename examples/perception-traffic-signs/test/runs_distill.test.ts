import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '@prunekit/example-kit';
import type { ResultRow } from '../src/report.js';
import { distillRun } from '../src/runs/distill.js';
import { runTiny, tinyRecipe } from './tiny.js';

describe('distillation run (tiny configuration)', () => {
  let out: string;
  beforeAll(async () => {
    expect(await startBackend('wasm')).toBe('wasm');
    out = mkdtempSync(join(tmpdir(), 'signs-distill-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('fine-tunes the 90% model with and without a teacher under one step budget over seeds, keeps the masks, leaks nothing', async () => {
    const recipe = tinyRecipe();
    const before = tf.memory().numTensors;
    const res = await runTiny(recipe, out, [
      distillRun({
        steps: 1,
        seeds: [7, 8],
        candidates: [
          { T: 1, alpha: 0.5 },
          { T: 2, alpha: 0.5 },
        ],
      }),
    ]);
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
    await expect(runTiny(recipe, out, [distillRun({ seeds: [] })])).rejects.toThrow(/seeds is empty/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
