import { sensitivityAnalysis, type SensitivityResult } from '@prunekit/pruners';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assembleSensitivity,
  ContentMismatchError,
  distributedSensitivity,
  findRedisServer,
  type LocalRedis,
  QueueUnavailableError,
  QueueUrlError,
  runSweep,
  sensitivityPlan,
  startLocalRedis,
  startWorker,
  type SweepProgress,
  sweepId,
} from '../src/index.js';
import { RATIOS, SCORER, type Sim, makeSim } from './fixtures/sim.js';
import { type Proc, runScript } from './processes.js';

let redis: LocalRedis;
let sim: Sim;
let local: SensitivityResult;
const workers: Proc[] = [];

/** Every score, params and MACs figure as exact bits (Object.is on each number). */
function expectSameBits(a: SensitivityResult, b: SensitivityResult): void {
  expect(b.curves.map((c) => c.layer)).toEqual(a.curves.map((c) => c.layer));
  expect(Object.is(a.baseline, b.baseline)).toBe(true);
  a.curves.forEach((c, i) =>
    c.points.forEach((p, j) => {
      const q = b.curves[i].points[j];
      expect([q.ratio, q.metric, q.params, q.macs].every((v, k) => Object.is(v, [p.ratio, p.metric, p.params, p.macs][k]))).toBe(true);
    }),
  );
  expect(b).toEqual(a);
}

const plan = { scorer: SCORER, ratios: RATIOS, granularity: 'channels' as const };
const idOf = (name: string, ratios = RATIOS) =>
  sweepId(sensitivityPlan(sim.graph, { ...plan, ratios, identity: sim.identity, name }));
/** `done` lines of one sweep over the given workers: the trial keys they finished. */
const finished = (ws: Proc[], name: string, ratios = RATIOS) =>
  ws
    .flatMap((w) => w.lines)
    .filter((l) => l.startsWith(`done ${idOf(name, ratios)} `))
    .map((l) => l.split(' ')[2]);

beforeAll(async () => {
  redis = await startLocalRedis();
  // Workers start while the local reference runs.
  for (const id of ['w1', 'w2', 'w3']) workers.push(runScript('worker_main.ts', [redis.url, id, '150']));
  sim = await makeSim();
  const before = tf.memory().numTensors;
  const { scorer } = await sim.worker.scorer(SCORER);
  local = await sensitivityAnalysis(sim.graph, {
    evaluate: sim.worker.evaluate,
    scorer,
    ratios: RATIOS,
    granularity: 'channels',
  });
  expect(tf.memory().numTensors).toBe(before);
  await Promise.all(workers.map((w) => w.waitFor((l) => l === 'ready', 100_000)));
});

afterAll(async () => {
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited()));
  sim?.dispose();
  await redis?.stop();
});

describe('sensitivity sweeps on BullMQ', () => {
  it('without a queue runs in this process and equals sensitivityAnalysis', async () => {
    const before = tf.memory().numTensors;
    const res = await distributedSensitivity(sim.graph, { ...plan, identity: sim.identity, worker: sim.worker });
    expectSameBits(local, res);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('over 3 worker processes with one SIGKILLed mid-trial gives the local result bit for bit', async () => {
    const [victim] = workers;
    const killed = victim
      .waitFor((l) => l.startsWith('start '))
      .then((line) => {
        victim.child.kill('SIGKILL');
        return line.split(' ')[2];
      });
    const seen: SweepProgress[] = [];
    const before = tf.memory().numTensors;
    const res = await distributedSensitivity(sim.graph, {
      ...plan,
      identity: sim.identity,
      name: 'kill-one',
      queue: redis.url,
      onProgress: (p) => seen.push(p),
    });
    expect(tf.memory().numTensors).toBe(before);
    expectSameBits(local, res);
    const key = await killed;
    expect(await victim.exited()).toBe(null); // killed by the signal
    expect(finished([victim], 'kill-one')).not.toContain(key);
    // The trial it held was run again by another worker; each trial finished once.
    const done = finished(workers, 'kill-one');
    expect(done.filter((k) => k === key)).toEqual([key]);
    expect(new Set(done).size).toBe(done.length);
    expect(done.length).toBe(local.curves.length * RATIOS.length + 1);
    const last = seen.at(-1)!;
    expect(last.done).toBe(last.total);
    expect(Object.keys(last.byWorker).filter((w) => w !== 'w1').length).toBe(2);
  });

  it('a coordinator killed and restarted resumes without rerunning finished trials', async () => {
    // A finer grid (28 trials) so the first coordinator is surely killed mid-sweep.
    const ratios = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    const reference = await sensitivityAnalysis(sim.graph, {
      evaluate: sim.worker.evaluate,
      scorer: (await sim.worker.scorer(SCORER)).scorer,
      ratios,
      granularity: 'channels',
    });
    const sweepPlan = sensitivityPlan(sim.graph, { ...plan, ratios, identity: sim.identity, name: 'resume' });
    const file = join(redis.dir, 'resume-plan.json');
    writeFileSync(file, JSON.stringify(sweepPlan));
    const first = runScript('coordinator_main.ts', [redis.url, file]);
    await first.waitFor((l) => l.startsWith('progress ') && Number(l.split(' ')[1]) >= 3, 60_000);
    first.child.kill('SIGKILL');
    expect(await first.exited()).toBe(null);
    const second = runScript('coordinator_main.ts', [redis.url, file]);
    const line = await second.waitFor((l) => l.startsWith('result '), 30_000);
    expectSameBits(reference, assembleSensitivity(sim.graph, sweepPlan, JSON.parse(line.slice('result '.length))));
    // Each trial of this sweep finished exactly once over all workers.
    const keys = finished(workers, 'resume', ratios);
    expect(keys.length).toBe(sweepPlan.trials.length);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('finishes a sweep when Redis restarts in the middle (AOF)', async () => {
    let restarted: Promise<void> | undefined;
    const res = await distributedSensitivity(sim.graph, {
      ...plan,
      identity: sim.identity,
      name: 'redis-restart',
      queue: redis.url,
      onProgress: (p) => {
        if (p.done >= 2 && !restarted) restarted = redis.restart();
      },
    });
    expect(restarted).toBeDefined();
    await restarted;
    expectSameBits(local, res);
  });

  it('says how to install redis-server when it is missing', () => {
    expect(() => findRedisServer([redis.dir])).toThrow(
      /redis-server not found .*apt-get update && apt-get install -y redis-server.*\.ci\/apt-packages/,
    );
    expect(findRedisServer()).toMatch(/redis-server$/);
  });

  it('bad input gives typed errors: queue URL, Redis down, content mismatch', async () => {
    const base = { name: 't', identity: sim.identity, trials: [{ key: 'a', kind: 'x', params: {} }] };
    for (const url of ['http://127.0.0.1:6379', 'not a url', 'redis://127.0.0.1:6379/x']) {
      await expect(runSweep(base, { queue: url })).rejects.toBeInstanceOf(QueueUrlError);
    }
    const closed = `redis://127.0.0.1:${redis.port === 1 ? 2 : 1}`;
    await expect(runSweep(base, { queue: closed })).rejects.toBeInstanceOf(QueueUnavailableError);
    await expect(runSweep(base, { queue: closed })).rejects.toThrow(/cannot reach Redis at 127.0.0.1:[12]\/0 \(ECONNREFUSED\)/);
    await expect(
      startWorker({ queue: closed, identity: sim.identity, handlers: {} }),
    ).rejects.toMatchObject({ code: 'E_QUEUE_UNAVAILABLE' });
    const wrong = { ...sim.identity, model: 'f'.repeat(64) };
    const err = await distributedSensitivity(sim.graph, { ...plan, identity: wrong, name: 'mismatch', queue: redis.url }).catch((e) => e);
    expect(err).toBeInstanceOf(ContentMismatchError);
    expect(err.message).toMatch(/refused the trial: its model is [0-9a-f]{16}…, the sweep's is ffffffffffffffff…/);
    expect(err.code).toBe('E_CONTENT_MISMATCH');
  });
});
