import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@prunekit/core';
import { startBackend } from '@prunekit/example-kit';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../src/pipeline.js';
import { parseRecipe, type Recipe } from '../src/recipe.js';
import { DEFAULT_MAP_PARAMS } from '../src/sim/params.js';
import { trainBaseline } from '../src/train_baseline.js';

const text = readFileSync(new URL('../recipe.yaml', import.meta.url), 'utf8');

/** The committed recipe with every size cut down: the same code path in seconds. */
function tinyRecipe(): Recipe {
  const r = parseRecipe(text);
  return {
    ...r,
    data: { ...r.data, train: 60, finetune: 30, val: 20, test: 20 },
    policy: { filters: [8, 8, 8], dense: 16 },
    baseline: { ...r.baseline, epochs: 1 },
    guard: { ...r.guard, episodes: 20, recovery: { episodes: 10, epochs: 1, lr: 0.001 } },
    finetune: { ...r.finetune, epochs: 1 },
    closedLoop: { batch: 15, episodes: 30, stepLimit: 2 },
    safety: { ...r.safety, guardBatch: 10, guardEpisodes: 20, daggerRounds: 1, daggerEpochs: 1 },
    latency: { reps: 3 },
  };
}

describe('navigation-costmap pipeline (tiny configuration)', () => {
  const out = mkdtempSync(join(tmpdir(), 'nav-'));
  beforeAll(async () => {
    expect(await startBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('trains, prunes under the guard, fine-tunes, rolls out and reports without leaking tensors', async () => {
    const recipe = tinyRecipe();
    const before = tf.memory().numTensors;
    const { model } = await trainBaseline(recipe, DEFAULT_MAP_PARAMS, () => {});
    const res = await runPipeline({ recipe, params: DEFAULT_MAP_PARAMS, baseline: model, outDir: out });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const rows = res.doc.rows as Record<string, number & string>[];
    expect(rows.map((r) => r.model)).toEqual([
      'baseline',
      expect.stringMatching(/^structured-\d+$/),
      'unstructured-50',
      'unstructured-80',
      'baseline-finetuned',
    ]);
    expect(res.doc.goals.map((g) => g.name)).toEqual([
      'macs_reduction_structured',
      'success_drop_points_structured',
      'collision_rate_drop_structured',
      'collision_rate_ratio_upper95',
      'maps_driven',
    ]);
    // On 30 maps there may be no collision at all: the ratio's upper bound is then +∞, never a pass.
    for (const g of res.doc.goals) expect(Number.isNaN(g.value)).toBe(false);
    const search = res.doc.env.closedLoopSearch as { steps: { decision: string; message: string }[] };
    expect(search.steps.length).toBeGreaterThan(0);
    expect(res.markdown).toContain('## Closed-loop search');
    expect(Object.keys(res.doc.env)).toEqual(expect.arrayContaining(['node', 'cpu', 'backend']));
    expect(res.doc.env.backend).toBe('wasm');
    const [base, st] = rows;
    // The structured model is physically smaller unless the guard rolled every group back.
    if (st.guardAccepted > 0) {
      expect(st.params).toBeLessThan(base.params);
      expect(st.macs).toBeLessThan(base.macs);
      expect(st.fileBytes).toBeLessThan(base.fileBytes);
    }
    for (const r of rows.slice(2, 4)) {
      expect(r.macs).toBe(base.macs);
      expect(r.nonzeroParams).toBeLessThanOrEqual(base.nonzeroParams);
    }
    for (const r of rows) {
      expect(r.successRate + r.collisionRate + r.timeoutRate).toBeCloseTo(1, 9);
      expect(r.latencyB1P99Ms).toBeGreaterThanOrEqual(r.latencyB1MedianMs);
      expect(r.latencyB1MedianMs).toBeGreaterThan(0);
    }
    expect(res.doc.env.safetyBefore).toBe(base.collisionRate);
    expect(res.doc.env.expertSuccessRate).toBe(1);
    expect(res.markdown).toContain('## Goals');
    expect(res.markdown).toContain('Guard on `structured-');
  }, 120_000);

  it('a bad recipe field throws a typed error naming it', () => {
    const bad = (from: string, to: string) => () => parseRecipe(text.replace(from, to));
    expect(bad('maxDrop: 0.03', 'maxDrop: -1')).toThrow(InvalidArgumentError);
    expect(bad('maxDrop: 0.03', 'maxDrop: -1')).toThrow(/guard\.maxDrop/);
    expect(bad('levels: [0.5, 0.8]', 'levels: [1.5]')).toThrow(/unstructured\.levels/);
    expect(bad('radius: 4', 'radius: 0')).toThrow(/observation\.radius/);
    expect(bad('alpha: 0.2', 'alpha: 1.5')).toThrow(/finetune\.alpha/);
  });
});
