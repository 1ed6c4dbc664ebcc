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

/**
 * The committed recipe with every size cut down: the same code path in a few seconds. The search's
 * guard asks for a ratio these barely trained models cannot meet (they collide on most maps), so
 * the search goes through every stage of every cut (cut, fine-tune, divergent-state round) and keeps
 * the closest: the same path on any draw of the few maps.
 */
function tinyRecipe(): Recipe {
  const r = parseRecipe(text);
  return {
    ...r,
    observation: { radius: 2 },
    data: { ...r.data, train: 20, finetune: 8, val: 5, test: 10 },
    policy: { filters: [8, 8, 8], dense: 16 },
    baseline: { ...r.baseline, epochs: 1 },
    guard: { ...r.guard, episodes: 5, recovery: { episodes: 4, epochs: 1, lr: 0.001 } },
    unstructured: { levels: [0.5] },
    finetune: { ...r.finetune, epochs: 1, daggerRounds: 1 },
    closedLoop: { batch: 5, episodes: 10, stepLimit: 1.5 },
    safety: {
      ...r.safety,
      maxRatio: 0.01,
      guardBatch: 5,
      guardEpisodes: 10,
      daggerRounds: 1,
      daggerEpochs: 1,
    },
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
      'baseline-finetuned',
    ]);
    expect(res.doc.goals.map((g) => g.name)).toEqual([
      'macs_reduction_structured',
      'success_drop_points_structured',
      'collision_rate_drop_structured',
      'collision_rate_ratio_upper95',
      'maps_driven',
    ]);
    // On 10 maps there may be no collision at all: the ratio's upper bound is then +∞, never a pass.
    for (const g of res.doc.goals) expect(Number.isNaN(g.value)).toBe(false);
    const search = res.doc.env.closedLoopSearch as {
      passed: boolean;
      steps: { candidate: string; stage: string; decision: string; message: string }[];
    };
    // Nothing passes 0.01: each cut that keeps the MACs target is fine-tuned (DAgger), then trained
    // on the states where it and the baseline chose differently, each stage judged with its statistic.
    expect(search.passed).toBe(false);
    expect(search.steps.some((x) => x.decision === 'pass')).toBe(false);
    const tried = search.steps.find((x) => x.stage === 'cut' && x.decision !== 'rejected');
    expect(tried).toBeDefined();
    const first = search.steps.filter((x) => x.candidate === tried?.candidate);
    expect(first.map((x) => x.stage)).toEqual(['cut', 'recovery 1', 'recovery 2']);
    expect(first[1].message).toMatch(
      /^fine-tuned \(distillation \+ DAgger, \d+ epochs, \d+ visited states\)/,
    );
    expect(first[2].message).toMatch(
      /states where pruned and unpruned chose differently|no divergent states/,
    );
    for (const x of first) expect(x.message).toMatch(/rate ratio pruned\/dense .* vs max 0\.01/);
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
    for (const r of rows.slice(2, 3)) {
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
    // Near misses are counted and reported beside collisions (rows, results.md, the HTML report's data).
    for (const r of rows) expect(r.nearMissesPer100).toBeGreaterThanOrEqual(0);
    expect(res.markdown).toContain('near-miss ratio (95% CI)');
    expect(res.report?.closedLoop?.also?.[0].event).toBe('near_miss');
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
