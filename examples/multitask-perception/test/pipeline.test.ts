import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@prunekit/core';
import { startBackend } from '@prunekit/example-kit';
import * as tf from '@tensorflow/tfjs-core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../src/pipeline.js';
import { loadRecipe, parseRecipe, type Recipe } from '../src/recipe.js';
import { trainBaseline } from '../src/train_baseline.js';

const recipeFile = join(import.meta.dirname, '..', 'recipe.yaml');

/** The shipped recipe with every size cut down: the same code path in seconds. */
function tinyRecipe(): Recipe {
  const r = loadRecipe(recipeFile);
  return {
    ...r,
    data: { train: 48, finetune: 32, val: 16, test: 32 },
    model: { backbone: [8, 8, 12], signHidden: 8, laneHidden: [4, 4] },
    baseline: { ...r.baseline, epochs: 1, batchSize: 16 },
    finetune: {
      batchSize: 16,
      structured: { epochs: 1, lr: 0.003 },
      unstructured: { epochs: 1, lr: 0.001 },
      laneWeight: 2,
    },
    latency: { reps: 3 },
  };
}

describe('multitask pipeline (tiny configuration)', () => {
  const out = mkdtempSync(join(tmpdir(), 'mt-'));
  beforeAll(async () => {
    expect(await startBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('trains, prunes both ways, fine-tunes both heads and reports without leaking tensors', async () => {
    const recipe = tinyRecipe();
    const before = tf.memory().numTensors;
    const { model } = await trainBaseline(recipe, () => {});
    const res = await runPipeline({ recipe, baseline: model, outDir: out });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const { doc, rows } = res;
    expect(doc.env.backend).toBe('wasm');
    expect(rows.map((r) => r.model)).toEqual([
      'baseline',
      'structured-2x',
      'structured-3x',
      'unstructured-50',
      'unstructured-80',
    ]);
    expect(doc.goals.map((g) => g.name)).toEqual([
      'macs_reduction_structured',
      'metric_rel_drop_structured',
      'sign_acc_drop_points_structured',
      'lane_miou_rel_drop_structured',
    ]);
    for (const g of doc.goals) expect(Number.isFinite(g.value)).toBe(true);
    const [base, s2, s3, u50, u80] = rows;
    // Surgery made real, smaller models; unstructured ones keep their shapes with zeros.
    expect(s2.macs).toBeLessThan(base.macs);
    expect(s2.params).toBeLessThan(base.params);
    expect(s2.fileBytes).toBeLessThan(base.fileBytes);
    expect(s3.macs).toBeLessThanOrEqual(s2.macs);
    expect(doc.goals[0].value).toBeCloseTo(base.macs / s2.macs, 10);
    expect(u50.params).toBe(base.params);
    expect(u50.nonzeroParams).toBeLessThan(base.nonzeroParams);
    expect(u80.nonzeroParams).toBeLessThan(u50.nonzeroParams);
    for (const r of rows) {
      for (const v of [r.signAccuracy, r.laneMIoU]) expect(v).toBeGreaterThanOrEqual(0);
      expect(r.laneIoU).toHaveLength(3);
      expect(r.latencyB1MedianMs).toBeGreaterThan(0);
      expect(existsSync(join(out, r.model, 'model.json'))).toBe(true);
    }
    expect(res.markdown).toContain('## Goals');
    expect(res.markdown).toContain('metric_rel_drop_structured');
  });

  it('rejects a bad recipe field with a typed error naming it', () => {
    const doc = parse(readFileSync(recipeFile, 'utf8'));
    doc.structured.macsReductions = [0.5];
    expect(() => parseRecipe(doc, 'r.yaml')).toThrow(InvalidArgumentError);
    expect(() => parseRecipe(doc, 'r.yaml')).toThrow(/r\.yaml: structured\.macsReductions\[0\]/);
    const lane = parse(readFileSync(recipeFile, 'utf8'));
    lane.finetune.laneWeight = -1;
    expect(() => parseRecipe(lane, 'r.yaml')).toThrow(/r\.yaml: finetune\.laneWeight/);
  });
});
