import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@prunekit/core';
import { expectNoLeaks } from '@prunekit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelRow, runPipeline } from '../src/pipeline.js';
import { parseRecipe, type Recipe } from '../src/recipe.js';
import { DEFAULT_PARAMS } from '../src/sim/params.js';
import { trainBaseline } from '../src/train_baseline.js';

const recipeText = readFileSync(new URL('../recipe.yaml', import.meta.url), 'utf8');

/** The committed recipe with every size cut down: the same code path in seconds. */
function tinyRecipe(): Recipe {
  const r = parseRecipe(recipeText);
  return {
    ...r,
    data: { ...r.data, train: 256, finetune: 128, val: 64, test: 64, neighbours: 2 },
    model: { filters: [8, 8], kernelSize: 3, hidden: 16 },
    baseline: { ...r.baseline, epochs: 1, batchSize: 64 },
    finetune: { ...r.finetune, epochs: 1, batchSize: 64 },
    latency: { reps: 3 },
  };
}

describe('prediction-trajectories pipeline (tiny configuration)', () => {
  const out = mkdtempSync(join(tmpdir(), 'pt-'));
  beforeAll(async () => {
    await tf.setBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('trains, prunes, fine-tunes, evaluates and reports without leaking tensors', async () => {
    const recipe = tinyRecipe();
    const res = await expectNoLeaks(async () => {
      const { model } = await trainBaseline(recipe, DEFAULT_PARAMS, () => {});
      try {
        return await runPipeline({ recipe, params: DEFAULT_PARAMS, baseline: model, outDir: out });
      } finally {
        model.dispose();
      }
    });
    const rows = res.doc.rows as unknown as ModelRow[];
    expect(rows.map((r) => r.model)).toEqual([
      'baseline',
      'baseline-finetuned',
      'structured-2x',
      'structured-3x',
      'unstructured-50',
      'unstructured-80',
    ]);
    expect(res.doc.goals.map((g) => g.name)).toEqual([
      'macs_reduction_structured',
      'metric_rel_drop_structured',
      'miss_rate_rise_points_structured',
    ]);
    for (const g of res.doc.goals) expect(Number.isFinite(g.value)).toBe(true);
    const [base, control, st2, st3, un50, un80] = rows;
    expect(control.macs).toBe(base.macs);
    // Structured pruning builds a really smaller model; unstructured keeps the shapes, zeroes weights.
    expect(base.macs / st2.macs).toBeGreaterThanOrEqual(2);
    expect(st3.macs).toBeLessThan(st2.macs);
    expect(st2.params).toBeLessThan(base.params);
    expect(st2.fileBytes).toBeLessThan(base.fileBytes);
    expect(un50.params).toBe(base.params);
    expect(un80.nonzeroParams).toBeLessThan(un50.nonzeroParams);
    for (const r of rows) {
      expect(r.ade).toBeGreaterThan(0);
      expect(r.fde).toBeGreaterThan(0);
      expect(r.missRate).toBeGreaterThanOrEqual(0);
      expect(r.latencyB1MedianMs).toBeGreaterThan(0);
      expect(r.latencyB1P99Ms).toBeGreaterThanOrEqual(r.latencyB1MedianMs);
    }
    expect(res.doc.env.safetyBefore).toBe(base.missRate);
    expect(res.doc.env.backend).toBe('cpu');
    expect(res.markdown).toContain('## Goals');
    expect(res.markdown).toContain('Constant-velocity baseline');
  }, 120_000);

  it('a bad recipe field throws a typed error naming the file and the field', () => {
    const bad = (from: string, to: string) => () => parseRecipe(recipeText.replace(from, to), 'r.yaml');
    expect(bad('distill: 0.5', 'distill: 2')).toThrow(InvalidArgumentError);
    expect(bad('distill: 0.5', 'distill: 2')).toThrow(
      /r\.yaml: finetune\.distill must be a number in \[0, 1\], got 2/,
    );
    expect(bad('levels: [0.5, 0.8]', 'levels: [1.5]')).toThrow(/unstructured\.levels\[0\]/);
    expect(bad('scope: global', 'scope: everywhere')).toThrow(
      /structured\.scope must be one of global, local, got "everywhere"/,
    );
    expect(bad('kernelSize: 3', 'kernelSize: 3\n  extra: 1')).toThrow(
      /unknown key 'extra' in model \(allowed: filters, kernelSize, hidden\)/,
    );
  });
});
