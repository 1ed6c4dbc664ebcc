import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
    expect(first.doc.startedAfresh).toMatch(
      /does not exist \(no run has checkpointed there yet\); started afresh/,
    );
    expect(readdirSync(ck).some((f) => /^ckpt-\d+\.pkc$/.test(f))).toBe(true);
    const again = await run(join(dir, 'o2'), ['--checkpoint', ck, '--resume']);
    expect(again.code, again.io.err).toBe(EXIT.ok);
    expect(again.doc.resumedFrom).toMatch(/ckpt-\d+\.pkc$/);
    const bad = await run(join(dir, 'o3'), ['--resume']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.io.err).toMatch(/--resume needs --checkpoint/);
    const inside = await run(join(dir, 'o4'), ['--checkpoint', join(model, 'ck')]);
    expect(inside.code).toBe(EXIT.usage);
    const inOut = await run(join(dir, 'o5'), ['--checkpoint', join(dir, 'o5', 'ck')]);
    expect(inOut.code).toBe(EXIT.usage);
    expect(inOut.io.err).toMatch(/--checkpoint .* overlaps --out/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('--out <input folder> --overwrite is refused before any data is made or any epoch starts', async () => {
    const g = globalThis as { __prunekitDataCalls?: number };
    const counting = join(dir, 'counting.yaml');
    writeFileSync(counting, readFileSync(recipe, 'utf8').replace('tiny_data.ts', 'counting_data.ts'));
    const argv = (out: string, extra: string[] = []) => [
      'finetune',
      '--model',
      model,
      '--recipe',
      counting,
      '--out',
      out,
      ...extra,
    ];
    const before = tf.memory().numTensors;
    const inputBefore = readdirSync(model).sort();
    g.__prunekitDataCalls = 0;
    const refused = captureIO();
    expect(await main(argv(model, ['--overwrite']), refused)).toBe(EXIT.usage);
    expect(refused.err).toMatch(/input model/);
    expect(g.__prunekitDataCalls).toBe(0);
    expect(refused.err).not.toMatch(/epoch|fine-tune/);
    expect(readdirSync(model).sort()).toEqual(inputBefore);
    // The control: the same command with another --out makes data and trains an epoch, so the
    // hooks above would have seen it.
    const ok = captureIO();
    expect(await main(argv(join(dir, 'o6')), ok), ok.err).toBe(EXIT.ok);
    expect(g.__prunekitDataCalls).toBeGreaterThan(0);
    expect(ok.err).toMatch(/finetune: epoch 1\/1/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('prunekit prune --checkpoint / --resume', () => {
  const pruneRecipe = () => {
    const p = join(dir, 'prune.yaml');
    writeFileSync(
      p,
      `${readFileSync(recipe, 'utf8')}unstructured: { levels: [0.5] }\nbench: { backends: [cpu], runs: 1 }\n# stock: the default export times layers to choose sparse ones, so its files vary run to run\nexport: { format: stock }\n`,
    );
    return p;
  };
  const prune = async (out: string, extra: string[]) => {
    const io = captureIO();
    const code = await main(
      ['prune', '--model', model, '--recipe', pruneRecipe(), '--out', out, ...extra],
      io,
    );
    return { code, io };
  };
  const shards = (out: string) =>
    readdirSync(join(out, 'unstructured-50'))
      .filter((f) => f.endsWith('.bin'))
      .map((f) => readFileSync(join(out, 'unstructured-50', f)));

  it('checkpoints each level and round in its own folder; --resume continues each from its own, ending where the first run ended', async () => {
    const before = tf.memory().numTensors;
    const ck = join(dir, 'prune-ck');
    const first = await prune(join(dir, 'p1'), ['--checkpoint', ck, '--resume']);
    expect(first.code, first.io.err).toBe(EXIT.ok);
    expect(first.io.err).toMatch(/unstructured-50: resume: '.*round-1' does not exist .*started afresh/);
    const round = join(ck, 'unstructured-50', 'round-1');
    expect(readdirSync(round).some((f) => /^ckpt-\d+\.pkc$/.test(f))).toBe(true);
    const again = await prune(join(dir, 'p2'), ['--checkpoint', ck, '--resume']);
    expect(again.code, again.io.err).toBe(EXIT.ok);
    expect(again.io.err).toMatch(/unstructured-50: resumed from .*round-1\/ckpt-\d+\.pkc/);
    // Resumed from the checkpoint of the finished fine-tune: the saved weights are the first run's.
    expect(shards(join(dir, 'p1')).length).toBeGreaterThan(0);
    expect(shards(join(dir, 'p2'))).toEqual(shards(join(dir, 'p1')));
    const bad = await prune(join(dir, 'p3'), ['--resume']);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.io.err).toMatch(/--resume needs --checkpoint/);
    const inside = await prune(join(dir, 'p4'), ['--checkpoint', join(model, 'ck')]);
    expect(inside.code).toBe(EXIT.usage);
    expect(tf.memory().numTensors).toBe(before);
  });
});
