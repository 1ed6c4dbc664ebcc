import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT, main } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';
import { saveTinyModel } from './fixtures/tiny_model.js';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;
let model: string;
let recipe: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prunekit-cli-resume-'));
  model = join(dir, 'dense');
  await saveTinyModel(model);
  recipe = join(dir, 'r.yaml');
  writeFileSync(
    recipe,
    `backend: cpu\nseed: 2\ndata: { generator: ${JSON.stringify(join(here, 'fixtures/tiny_data.ts'))}, val: 16, test: 16, finetune: 32, calibration: 8 }\nfinetune: { epochs: 1, batchSize: 16, lr: 0.001 }\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (out: string, extra: string[]) => {
  const io = captureIO();
  const code = await main(
    ['finetune', '--model', model, '--recipe', recipe, '--out', out, '--json', '--quiet', ...extra],
    io,
  );
  return { code, io, doc: code === EXIT.ok ? JSON.parse(io.out) : undefined };
};

describe('prunekit finetune --checkpoint / --resume', () => {
  it('writes checkpoints; --resume with none yet says so and starts afresh; later resumes from the newest', async () => {
    const before = tf.memory().numTensors;
    const ck = join(dir, 'ck');
    const first = await run(join(dir, 'o1'), ['--checkpoint', ck, '--resume']);
    expect(first.code, first.io.err).toBe(EXIT.ok);
    expect(first.doc.startedAfresh).toMatch(/holds no checkpoint yet/);
    expect(readdirSync(ck).some((f) => /^ckpt-\d+\.pkc$/.test(f))).toBe(true);
    const again = await run(join(dir, 'o2'), ['--checkpoint', ck, '--resume']);
    expect(again.code, again.io.err).toBe(EXIT.ok);
    expect(again.doc.resumedFrom).toMatch(/ckpt-\d+\.pkc$/);
    const bad = await run(join(dir, 'o3'), ['--resume']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.io.err).toMatch(/--resume needs --checkpoint/);
    const inside = await run(join(dir, 'o4'), ['--checkpoint', join(model, 'ck')]);
    expect(inside.code).toBe(EXIT.usage);
    expect(tf.memory().numTensors).toBe(before);
  });
});
