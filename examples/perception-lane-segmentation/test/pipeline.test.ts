import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@prunekit/core';
import { startBackend } from '@prunekit/example-kit';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoresFrom } from '../src/evaluate.js';
import { runPipeline } from '../src/pipeline.js';
import { parseRecipe, type Recipe } from '../src/recipe.js';
import { trainBaseline } from '../src/train_baseline.js';

const recipeText = () => readFileSync(new URL('../recipe.yaml', import.meta.url), 'utf8');

/** The committed recipe with every size cut down: the same code path in seconds. */
function tinyRecipe(): Recipe {
  const r = parseRecipe(recipeText());
  return {
    ...r,
    data: { height: 16, width: 24, train: 24, finetune: 16, val: 8, test: 8 },
    model: { widths: [8, 8, 8] },
    baseline: { ...r.baseline, epochs: 1, batchSize: 8 },
    finetune: { batchSize: 8, structured: { epochs: 2, lr: 0.003 }, unstructured: { epochs: 1, lr: 0.002 } },
    latency: { reps: 3 },
  };
}

describe('lane-segmentation pipeline (tiny configuration)', () => {
  const out = mkdtempSync(join(tmpdir(), 'lanes-'));
  beforeAll(async () => {
    await startBackend('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('trains, prunes (surgery and masks), fine-tunes, evaluates and reports without leaking tensors', async () => {
    const recipe = tinyRecipe();
    const before = tf.memory().numTensors;
    const { model } = await trainBaseline(recipe, () => {});
    const res = await runPipeline({ recipe, baseline: model, outDir: out });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const rows = res.rows;
    expect(rows.map((r) => r.model)).toEqual([
      'baseline',
      expect.stringMatching(/^structured-\d+$/),
      'unstructured-50',
      'unstructured-80',
    ]);
    expect(res.doc.goals.map((g) => g.name)).toEqual([
      'macs_reduction_structured',
      'miou_drop_points_structured',
      'road_false_positive_increase_points_structured',
    ]);
    for (const g of res.doc.goals) expect(Number.isFinite(g.value)).toBe(true);
    expect(Object.keys(res.doc.env)).toEqual(expect.arrayContaining(['node', 'cpu', 'backend']));
    expect(res.doc.env.backend).toBe('wasm');
    // surgery made a really smaller model; unstructured kept the shapes and zeroed weights
    const [base, st, u50, u80] = rows;
    expect(st.params).toBeLessThan(base.params);
    expect(st.macs * recipe.structured.macsReduction).toBeLessThanOrEqual(base.macs);
    expect(st.fileBytes).toBeLessThan(base.fileBytes);
    expect(u50.params).toBe(base.params);
    expect(u80.nonzeroParams).toBeLessThan(u50.nonzeroParams);
    expect([st.finetuneEpochs, u50.finetuneEpochs]).toEqual([2, 1]);
    expect(st.finetuneKeptEpoch).toBeGreaterThanOrEqual(1);
    expect(st.finetuneKeptEpoch).toBeLessThanOrEqual(2);
    for (const r of rows) {
      expect(r.latencyB1MedianMs).toBeGreaterThan(0);
      expect(r.latencyB1P99Ms).toBeGreaterThanOrEqual(r.latencyB1MedianMs);
      for (const v of [r.miou, r.iouBackground, r.iouDrivable, r.iouMarking, r.roadFalsePositiveRate]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    expect(res.doc.env.safetyBefore).toBe(base.roadFalsePositiveRate);
    expect(res.markdown).toContain('## Goals');
    expect(res.markdown).toContain('Structured pruning per layer');
  }, 120_000);

  it('IoU, mIoU and road false positives from a confusion matrix', () => {
    // rows: truth background, drivable, marking; columns: predicted
    const m = Float64Array.from([8, 2, 0, 1, 6, 1, 0, 1, 1]);
    const s = scoresFrom(m, 3);
    expect(s.iou[0]).toBeCloseTo(8 / 11, 12);
    expect(s.iou[1]).toBeCloseTo(6 / 11, 12);
    expect(s.iou[2]).toBeCloseTo(1 / 3, 12);
    expect(s.miou).toBeCloseTo((8 / 11 + 6 / 11 + 1 / 3) / 3, 12);
    expect(s.pixelAccuracy).toBeCloseTo(15 / 20, 12);
    expect(s.roadFalsePositiveRate).toBeCloseTo(2 / 10, 12);
  });

  it('a bad recipe field throws a typed error naming it', () => {
    const text = recipeText();
    expect(() => parseRecipe(text.replace('macsReduction: 2', 'macsReduction: 0.5'))).toThrow(
      InvalidArgumentError,
    );
    expect(() => parseRecipe(text.replace('macsReduction: 2', 'macsReduction: 0.5'))).toThrow(
      /structured.macsReduction/,
    );
    expect(() => parseRecipe(text.replace('levels: [0.5, 0.8]', 'levels: [1.5]'))).toThrow(
      /unstructured.levels/,
    );
    expect(() => parseRecipe(`${text}\nextra: 1\n`)).toThrow(InvalidArgumentError);
  });
});
