import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@prunekit/backend-wasm';
import { beforeAll, expect, it } from 'vitest';
import { quickstart } from '../src/quickstart.js';

beforeAll(async () => {
  await useBackend();
});

it('the README by-hand script prunes, fine-tunes and saves a smaller model on wasm', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'quickstart-')), 'pruned');
  const before = tf.memory().numTensors;
  try {
    const r = await quickstart({
      model: fileURLToPath(new URL('../../perception-traffic-signs/model/model.json', import.meta.url)),
      out,
      trainCount: 64,
      epochs: 1,
    });
    expect(r.backend).toBe('wasm');
    expect(r.after.macs).toBeLessThan(r.before.macs / 2);
    expect(r.after.params).toBeLessThan(r.before.params);
    expect(r.history.length).toBe(1);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(tf.memory().numTensors).toBe(before);
  } finally {
    rmSync(join(out, '..'), { recursive: true, force: true });
  }
});
