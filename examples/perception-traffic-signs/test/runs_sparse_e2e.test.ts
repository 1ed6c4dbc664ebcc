import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '@prunekit/example-kit';
import { sparseE2eRun } from '../src/runs/sparse_e2e.js';
import { unstructuredRun } from '../src/runs/unstructured.js';
import { runTiny, tinyRecipe } from './tiny.js';

describe('sparse end-to-end run (tiny configuration)', () => {
  let out: string;
  beforeAll(async () => {
    expect(await startBackend('wasm')).toBe('wasm');
    out = mkdtempSync(join(tmpdir(), 'signs-sparse-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('converts a 90% model pruned per layer, matches its outputs, is smaller on disk, leaks nothing', async () => {
    const recipe = tinyRecipe([0.9]);
    const before = tf.memory().numTensors;
    const res = await runTiny(recipe, out, [
      unstructuredRun,
      sparseE2eRun({ repsB1: 5, repsB32: 3, compareImages: 16 }),
    ]);
    expect(tf.memory().numTensors).toBe(before);
    expect(res.doc.env.backend).toBe('wasm');
    const goals = Object.fromEntries(res.doc.goals.map((g) => [g.name, g]));
    expect(Object.keys(goals)).toEqual([
      'sparse_e2e_speedup_b1',
      'sparse_e2e_speedup_b32',
      'sparse_e2e_file_ratio',
      'sparse_e2e_max_abs_diff',
    ]);
    expect(goals.sparse_e2e_max_abs_diff.value).toBeLessThanOrEqual(1e-4);
    expect(goals.sparse_e2e_file_ratio.value).toBeGreaterThan(1);
    expect(goals.sparse_e2e_speedup_b1.value).toBeGreaterThan(0);
    expect(goals.sparse_e2e_speedup_b32.value).toBeGreaterThan(0);
    expect(existsSync(join(out, 'sparse-90', 'sparse', 'model.json'))).toBe(true);
    expect(res.markdown).toContain(
      'the baseline pruned to 90% (magnitude, every prunable layer on its own; except conv1 50%, logits 50%)',
    );
    expect(res.markdown).toMatch(/\| Conv2D \| \d+\.\d% \| csr \|/);
  });
});
