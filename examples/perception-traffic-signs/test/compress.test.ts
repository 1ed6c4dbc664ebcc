import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCompressed } from '@prunekit/compress/node';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend } from '@prunekit/example-kit';
import { compressRun } from '../src/runs/compress.js';
import { runTiny, tinyRecipe } from './tiny.js';

describe('compression run (tiny configuration)', () => {
  let out: string;
  beforeAll(async () => {
    expect(await startBackend('wasm')).toBe('wasm');
    out = mkdtempSync(join(tmpdir(), 'signs-compress-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes every stage, measures it from its file, reports both goals, leaks nothing', async () => {
    const recipe = tinyRecipe();
    const before = tf.memory().numTensors;
    const res = await runTiny(recipe, out, [compressRun]);
    expect(tf.memory().numTensors).toBe(before);
    const names = res.doc.goals.map((g) => g.name);
    expect(names).toEqual(['compressed_size_ratio', 'acc_drop_points_compressed']);
    const ratio = res.doc.goals[0];
    expect(ratio.op).toBe('>=');
    expect(ratio.target).toBe(15);
    expect(ratio.value).toBeGreaterThan(5); // 90% sparse, 4-bit codes, DEFLATE: far smaller than float32
    expect(Number.isFinite(res.doc.goals[1].value)).toBe(true);
    for (const stage of ['| dense |', '| prune |', '| +quantize |', '| +cluster |', '| +cluster +coding |']) {
      expect(res.markdown).toContain(stage);
    }
    for (const f of ['int8.pkcm', 'int8-deflate.pkcm', 'cluster.pkcm', 'cluster-deflate.pkcm']) {
      expect(existsSync(join(out, 'compress', f))).toBe(true);
    }
    const int8 = await readCompressed(join(out, 'compress', 'int8-deflate.pkcm'));
    expect(Object.keys(int8.activations ?? {})).toContain('conv1');
    expect(int8.activations?.conv1.min).toBeGreaterThanOrEqual(0); // relu output
    const clustered = await readCompressed(join(out, 'compress', 'cluster-deflate.pkcm'));
    const kernels = clustered.entries.filter((e) => /kernel$/.test(e.name));
    expect(kernels.length).toBe(5);
    for (const e of kernels) {
      expect(e.encoding).toBe('cluster');
      expect(e.k).toBeLessThanOrEqual(16);
    }
  });
});
