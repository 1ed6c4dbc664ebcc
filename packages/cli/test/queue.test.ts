import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LocalRedis, startLocalRedis } from '@prunekit/distributed';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerCommand } from '../src/commands/worker.js';
import { EXIT, main } from '../src/index.js';
import { captureIO } from './fixtures/capture.js';
import { saveTinyModel } from './fixtures/tiny_model.js';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;
let model: string;
let recipe: string;
let redis: LocalRedis;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'prunekit-cli-queue-'));
  model = join(dir, 'dense');
  await saveTinyModel(model);
  recipe = join(dir, 'recipe.yaml');
  writeFileSync(
    recipe,
    [
      'name: tiny',
      'seed: 3',
      'backend: cpu',
      `data: { generator: ${JSON.stringify(join(here, 'fixtures/tiny_data.ts'))}, val: 32, test: 32, finetune: 32, calibration: 16 }`,
      'sensitivity: { ratios: [0.25, 0.5], granularity: channels, scorer: { name: magnitude, p: 1 } }',
      'unstructured: { scorer: { name: magnitude, p: 1 }, levels: [0.5] }',
      'finetune: { epochs: 1, batchSize: 16, lr: 0.001 }',
    ].join('\n'),
  );
  redis = await startLocalRedis();
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('prunekit sensitivity --queue and prunekit worker', () => {
  it('a queued run writes the same JSON and sensitivity.json as a local run, with per-worker progress', async () => {
    const local = captureIO();
    expect(await main(['sensitivity', '--model', model, '--recipe', recipe, '--json'], local)).toBe(EXIT.ok);
    const sweepArgs = [
      'sweep',
      '--model',
      model,
      '--recipe',
      recipe,
      '--scorers',
      'magnitude,random',
      '--epochs',
      '0,1',
      '--json',
    ];
    const localSweep = captureIO();
    expect(await main(sweepArgs, localSweep)).toBe(EXIT.ok);

    const before = tf.memory().numTensors;
    let stop!: () => void;
    const wio = captureIO();
    const worker = workerCommand(
      { queue: redis.url, model, recipe },
      wio,
      new Promise<void>((r) => {
        stop = r;
      }),
    );
    const queued = captureIO();
    const out = join(dir, 'out');
    const code = await main(
      ['sensitivity', '--model', model, '--recipe', recipe, '--queue', redis.url, '--json', '--out', out],
      queued,
    );
    expect(queued.err).not.toMatch(/internal error/);
    expect(code).toBe(EXIT.ok);
    const queuedSweep = captureIO();
    const sweepOut = join(dir, 'sweep');
    expect(await main([...sweepArgs, '--queue', redis.url, '--out', sweepOut], queuedSweep)).toBe(EXIT.ok);
    stop();
    expect(await worker).toBe(EXIT.ok);
    expect(tf.memory().numTensors).toBe(before);

    expect(JSON.parse(queued.out)).toEqual(JSON.parse(local.out));
    expect(JSON.parse(readFileSync(join(out, 'sensitivity.json'), 'utf8'))).toEqual(JSON.parse(local.out));
    const trials = JSON.parse(local.out).curves.length * 2 + 1;
    expect(queued.err).toMatch(
      new RegExp(`trials on ${redis.url}: \\S+:\\d+ ${trials}: ${trials}/${trials}`),
    );
    // The recipe sweep: 1 level × 2 scorers × 2 epoch settings, the same rows here and on the queue.
    const rows = JSON.parse(localSweep.out).rows;
    expect(rows.map((r: { trial: string }) => r.trial)).toEqual([
      'unstructured-50/magnitude/ft0',
      'unstructured-50/magnitude/ft1',
      'unstructured-50/random/ft0',
      'unstructured-50/random/ft1',
    ]);
    expect(rows[0].accuracyBeforeFinetune).toBe(rows[0].accuracy);
    expect(rows[1].accuracyBeforeFinetune).toBe(rows[0].accuracy); // the same pruned model, then tuned
    expect(JSON.parse(queuedSweep.out).rows).toEqual(rows);
    expect(JSON.parse(readFileSync(join(sweepOut, 'results.json'), 'utf8')).rows).toEqual(rows);
    // A latency-table row per trial with --latency (timed on the machine that ran the trial).
    const timed = captureIO();
    expect(
      await main(
        [
          'sweep',
          '--model',
          model,
          '--recipe',
          recipe,
          '--scorers',
          'magnitude',
          '--epochs',
          '0',
          '--latency',
          '--json',
        ],
        timed,
      ),
    ).toBe(EXIT.ok);
    const [row] = JSON.parse(timed.out).rows;
    expect(row.latencyMs.cpu).toBeGreaterThan(0);
    expect(typeof row.latencyCpu).toBe('string');
    expect(row.accuracy).toBe(rows[0].accuracy);
    expect(wio.err).toMatch(/worker \S+ on redis:\/\/127\.0\.0\.1:\d+: model [0-9a-f]{12}/);
  });

  it('a bad queue URL and an unreachable Redis exit with a typed error', async () => {
    const bad = captureIO();
    expect(
      await main(['sensitivity', '--model', model, '--recipe', recipe, '--queue', 'ftp://127.0.0.1:1'], bad),
    ).toBe(EXIT.input);
    expect(bad.err).toMatch(
      /queue URL "ftp:\/\/127.0.0.1:1" has scheme 'ftp', not redis or rediss: give redis:\/\/host:port/,
    );
    const down = captureIO();
    expect(
      await main(['worker', '--queue', 'redis://127.0.0.1:1', '--model', model, '--recipe', recipe], down),
    ).toBe(EXIT.input);
    expect(down.err).toMatch(/cannot reach Redis at 127.0.0.1:1\/0 \(ECONNREFUSED\): start it/);
  });
});
