import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../src/pipeline.js';
import { parseRecipe } from '../src/recipe.js';
import { DEFAULT_PARAMS } from '../src/sim/params.js';
import { trainBaseline } from '../src/train_baseline.js';

/** The committed recipe with every size cut down: the same code path in seconds. */
function tinyRecipe() {
  const text = readFileSync(new URL('../recipe.yaml', import.meta.url), 'utf8');
  const r = parseRecipe(text);
  return {
    ...r,
    data: { ...r.data, train: 1500, finetune: 600, val: 600, test: 600 },
    policy: { hidden: [16, 16] },
    baseline: { ...r.baseline, epochs: 2, batchSize: 128 },
    guard: { ...r.guard, recovery: { rows: 300, epochs: 1, lr: 0.001 } },
    unstructured: { levels: [0.5, 0.8] },
    finetune: { ...r.finetune, epochs: 1 },
    closedLoop: { ...r.closedLoop, worlds: 4, maxWorlds: 8, steps: 40, egos: 4 },
    safety: { ...r.safety, guardBatch: 2, guardWorlds: 4, daggerRounds: 1, daggerEpochs: 1 },
    latency: { reps: 5 },
  };
}

describe('decision-highway pipeline (tiny configuration)', () => {
  const out = mkdtempSync(join(tmpdir(), 'dh-'));
  beforeAll(async () => {
    await tf.setBackend('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('trains, prunes under the guard, fine-tunes, evaluates and reports without leaking tensors', async () => {
    const recipe = tinyRecipe();
    const before = tf.memory().numTensors;
    const { model } = await trainBaseline(recipe, DEFAULT_PARAMS, () => {});
    const res = await runPipeline({ recipe, params: DEFAULT_PARAMS, baseline: model, outDir: out });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const rows = res.doc.rows as Record<string, number & string>[];
    expect(rows.map((r) => r.model)).toEqual([
      'baseline',
      expect.stringMatching(/^structured-/),
      'unstructured-50',
      'unstructured-80',
    ]);
    expect(res.doc.goals.map((g) => g.name)).toEqual([
      'macs_reduction_structured',
      'metric_rel_drop_structured',
      'brake_recall_drop_structured',
      'collision_rate_ratio_upper95',
      'km_driven',
    ]);
    // With a handful of km there may be no collision at all: the ratio's upper bound is then +∞, never a pass.
    for (const g of res.doc.goals) expect(Number.isNaN(g.value)).toBe(false);
    const search = res.doc.env.closedLoopSearch as { steps: { decision: string; message: string }[] };
    expect(search.steps.length).toBeGreaterThan(0);
    for (const s of search.steps) expect(s.message.length).toBeGreaterThan(10);
    expect(rows[0].collisionRatioUpper95 === 1 || rows[0].collisionRatioUpper95 === Infinity).toBe(true);
    expect(res.markdown).toContain('## Closed-loop search');
    // The reported test is sequential: 4 worlds a look, at most 8 (2 looks); undecided is said, not passed.
    const seq = (
      res.doc.env.closedLoopTest as {
        sequential: { decision: string; scenarios: number; looks: number; message: string };
      }
    ).sequential;
    expect(seq.looks).toBe(2);
    expect([4, 8]).toContain(seq.scenarios);
    if (seq.decision === 'undecided') {
      expect(seq.scenarios).toBe(8);
      expect(seq.message).toMatch(/UNDECIDED .* look 2 of 2, cap reached/);
      expect(res.doc.goals.find((g) => g.name === 'collision_rate_ratio_upper95')?.value).toBeGreaterThan(
        1.2,
      );
    }
    expect(rows[0].worlds).toBe(seq.scenarios);
    expect(rows[1].worlds).toBe(seq.scenarios);
    expect(rows[2].worlds).toBe(4);
    // Hard braking is counted and reported beside collisions (results.json rows, results.md, the HTML report's data).
    for (const r of rows) {
      expect(r.hardBrakes).toBeGreaterThanOrEqual(0);
      expect(Number.isNaN(r.hardBrakeRatioUpper95)).toBe(false);
    }
    expect(res.markdown).toContain('hard-brake ratio (95% CI)');
    expect(res.report?.closedLoop?.also?.[0].event).toBe('hard_brake');
    expect(res.report?.closedLoop?.also?.[0].rows.length).toBe(rows.length);
    expect(res.report?.closedLoop?.rows.at(-1)?.model).toMatch(
      /sequential test \((pass|fail|undecided), look [12] of 2/,
    );
    // Structured pruning removed neurons (fewer MACs) unless the guard rolled every group back.
    const st = rows[1];
    if (st.guardAccepted > 0) expect(st.macs).toBeLessThan(rows[0].macs);
    for (const r of rows) {
      expect(r.latencyB1MedianMs).toBeGreaterThan(0);
      expect(r.latencyB1P99Ms).toBeGreaterThanOrEqual(r.latencyB1MedianMs);
      expect(r.testAgreement).toBeGreaterThanOrEqual(0);
      expect(r.fileBytes).toBeGreaterThan(0);
    }
    expect(res.doc.env.safetyBefore).toBe(rows[0].testBrakeRecall);
    expect(res.markdown).toContain('## Goals');
    expect(res.markdown).toContain('Guard on `structured-');
  }, 120_000);

  it('a bad recipe field throws a typed error naming it', () => {
    const text = readFileSync(new URL('../recipe.yaml', import.meta.url), 'utf8');
    expect(() => parseRecipe(text.replace('maxDrop: 0.02', 'maxDrop: -1'))).toThrow(InvalidArgumentError);
    expect(() => parseRecipe(text.replace('maxDrop: 0.02', 'maxDrop: -1'))).toThrow(/guard.maxDrop/);
    expect(() => parseRecipe(text.replace('levels: [0.5, 0.8]', 'levels: [1.5]'))).toThrow(
      /unstructured.levels/,
    );
  });
});
