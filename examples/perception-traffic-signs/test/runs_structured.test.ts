import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrunekitError } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '@prunekit/example-kit';
import { trainFromRecipe } from '../src/baseline.js';
import { runPipeline } from '../src/pipeline.js';
import type { ResultRow } from '../src/report.js';
import { structuredRun } from '../src/runs/structured.js';
import { NUM_CLASSES } from '../src/signs.js';
import { runTiny, tinyRecipe } from './tiny.js';

describe('structured run (tiny configuration)', () => {
  let out: string;
  beforeAll(async () => {
    expect(await startBackend('wasm')).toBe('wasm');
    out = mkdtempSync(join(tmpdir(), 'signs-structured-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('removes channels to at least 2x fewer MACs, fine-tunes, times dense vs pruned, leaks nothing', async () => {
    const recipe = tinyRecipe();
    const before = tf.memory().numTensors;
    const res = await runTiny(recipe, out, [structuredRun({ epochs: 1, latencyReps: 5 })]);
    expect(tf.memory().numTensors).toBe(before);
    expect(res.doc.env.backend).toBe('wasm');
    const [row] = res.doc.rows as unknown as ResultRow[];
    expect(row.run).toBe('structured');
    expect(row.finetuneEpochs).toBe(1);
    expect(row.params).toBeLessThan(90_224);
    expect(row.exportMaxAbsDiff).toBeLessThanOrEqual(1e-6);
    expect(existsSync(join(out, `structured-${Math.round(row.level * 100)}`, 'model.json'))).toBe(true);
    for (const k of [
      'latencyB1DenseMedianMs',
      'latencyB1PrunedMedianMs',
      'latencyB1PrunedP99Ms',
      'latencySpeedupCpu',
    ]) {
      expect(row[k]).toBeGreaterThan(0);
    }
    expect(row.latencyB1PrunedP99Ms as number).toBeGreaterThanOrEqual(row.latencyB1PrunedMedianMs as number);
    const [macs, drop] = res.doc.goals;
    expect(macs.name).toBe('macs_reduction_structured');
    expect(macs.value).toBeGreaterThanOrEqual(2);
    expect(macs.value).toBeCloseTo(row.macsReduction as number, 10);
    expect(drop.name).toBe('acc_drop_points_structured');
    expect(drop.value).toBeCloseTo(row.accDropPoints, 10);
    expect(res.markdown).toContain('Structured pruning');
    expect(res.markdown).toContain('| dense vs channel-pruned | 1 |');
  });

  it('refuses an inverted ratio range with a typed error naming the field', async () => {
    const run = structuredRun({ ratioRange: [0.6, 0.2] });
    const recipe = tinyRecipe();
    await expect(
      runPipeline({
        recipe: { ...recipe, data: { val: 8, test: 8, finetune: 8 } },
        outDir: out,
        runs: [run],
        baseline: async (val) => (await trainFromRecipe(recipe, NUM_CLASSES, val, () => {})).model,
      }),
    ).rejects.toSatisfy(
      (e) =>
        e instanceof PrunekitError && /ratio range \[lo, hi\].*got \[0\.6, 0\.2\]/.test((e as Error).message),
    );
  });
});
