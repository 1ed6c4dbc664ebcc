// pnpm bench:distributed [--quick] — one sensitivity sweep (the committed traffic-sign model on
// tfjs-wasm, channels of every conv/dense layer × a ratio grid, accuracy on seeded validation
// images) run over BullMQ on a local redis-server with 1 worker process and with 2, alternately
// in one run (full: 3 pairs, quick: 1). workers2_speedup = median over pairs of wall(1 worker) /
// wall(2 workers), enqueue to result; queue_overhead_ms = (wall − Σ time inside the trial
// handlers) / trials with 1 worker: what BullMQ, Redis and the polling add per trial. Every run's
// scores must equal a local in-process sensitivityAnalysis bit for bit.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from '@prunekit/core';
import {
  assembleSensitivity,
  runSweep,
  sensitivityPlan,
  startLocalRedis,
  type TrialOutcome,
} from '@prunekit/distributed';
import { sensitivityAnalysis, type SensitivityResult } from '@prunekit/pruners';
import { SCORER, openSweep } from './distributed/sweep_setup.js';
import { envInfo, quick, writeResult } from './util.js';

const VAL = 500;
const RATIOS = quick ? [0.2, 0.4, 0.6, 0.8] : [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875];
const REPS = quick ? 1 : 3;
const loadAtStart = loadavg();

const loader = pathToFileURL(
  join(import.meta.dirname, '..', 'node_modules', 'tsx', 'dist', 'loader.mjs'),
).href;
function startWorkerProcess(url: string, id: string) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      loader,
      '--conditions=source',
      join(import.meta.dirname, 'distributed', 'worker.ts'),
      url,
      id,
      String(VAL),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker ${id} exited (${code}) before it was ready`)));
  });
  const stop = () =>
    new Promise<void>((r) => {
      child.once('exit', () => r());
      child.kill('SIGTERM');
    });
  return { ready, stop };
}

const sweep = await openSweep(VAL);
const grid = { scorer: SCORER, ratios: RATIOS, granularity: 'channels' as const, identity: sweep.identity };
const { scorer } = await sweep.worker.scorer(SCORER);
const tLocal = performance.now();
const local = await sensitivityAnalysis(sweep.graph, {
  ...sweep.worker,
  scorer,
  ratios: RATIOS,
  granularity: 'channels',
});
const localMs = performance.now() - tLocal;

const sameBits = (a: SensitivityResult, b: SensitivityResult) =>
  Object.is(a.baseline, b.baseline) &&
  a.curves.every((c, i) => c.points.every((p, j) => Object.is(p.metric, b.curves[i].points[j].metric)));

const redis = await startLocalRedis();
const rows: Record<string, unknown>[] = [];
try {
  const a = startWorkerProcess(redis.url, 'worker-a');
  await a.ready;
  let b: ReturnType<typeof startWorkerProcess> | undefined;
  // 1,2 | 2,1 | 1,2: worker b starts or stops only between pairs.
  const order = Array.from({ length: REPS }, (_, r) => (r % 2 === 0 ? [1, 2] : [2, 1])).flat();
  for (const [i, workers] of order.entries()) {
    if (workers === 2 && !b) {
      b = startWorkerProcess(redis.url, 'worker-b');
      await b.ready;
    } else if (workers === 1 && b) {
      await b.stop();
      b = undefined;
    }
    const plan = sensitivityPlan(sweep.graph, { ...grid, name: `bench-${Date.now()}-${i}` });
    const t0 = performance.now();
    const outcomes: TrialOutcome[] = await runSweep(plan, { queue: redis.url, pollMs: 100 });
    const wall = performance.now() - t0;
    const inHandlers = outcomes.reduce((s, o) => s + o.ms, 0);
    const perWorker: Record<string, number> = {};
    for (const o of outcomes) perWorker[o.worker] = (perWorker[o.worker] ?? 0) + 1;
    rows.push({
      run: i,
      workers,
      trials: outcomes.length,
      wall_ms: Math.round(wall),
      handler_ms_sum: Math.round(inHandlers),
      overhead_ms_per_trial: Number(((wall - inHandlers) / outcomes.length).toFixed(2)),
      per_worker: perWorker,
      scores_equal_local_bitwise: sameBits(local, assembleSensitivity(sweep.graph, plan, outcomes)),
      loadavg_1m: Number(loadavg()[0].toFixed(2)),
    });
  }
  await b?.stop();
  await a.stop();
} finally {
  await redis.stop();
  sweep.dispose();
}

// Runs come in pairs (1,2 | 2,1 | …) timed back to back: the ratio within a pair cancels most of
// the load drift between pairs, and the goal is the median of the pairs' ratios.
const pairRatios = Array.from({ length: REPS }, (_, k) => {
  const [x, y] = rows.slice(2 * k, 2 * k + 2);
  const [one, two] = x.workers === 1 ? [x, y] : [y, x];
  return Number(((one.wall_ms as number) / (two.wall_ms as number)).toFixed(3));
});
const overhead = median(rows.filter((r) => r.workers === 1).map((r) => r.overhead_ms_per_trial as number));
if (!rows.every((r) => r.scores_equal_local_bitwise))
  throw new Error('a queued run did not reproduce the local scores');
await writeResult({
  name: 'distributed',
  env: envInfo('wasm', {
    queue: 'BullMQ 6.7.0 on a local redis-server (127.0.0.1, AOF on)',
    sweep: `sensitivity, channels, ${local.curves.length} layers × ${RATIOS.length} ratios + baseline = ${local.curves.length * RATIOS.length + 1} trials; ${VAL} validation images per evaluation`,
    local_in_process_ms: Math.round(localMs),
    workers2_speedup_per_pair: pairRatios,
    loadavg_at_start: loadAtStart.map((x) => Number(x.toFixed(2))),
    loadavg_at_end: loadavg().map((x) => Number(x.toFixed(2))),
    note: 'the machine is shared: speedups are only as good as the free cores during the run (see loadavg per row)',
  }),
  rows,
  goals: [
    { name: 'workers2_speedup', value: median(pairRatios), target: 1.6, op: '>=' },
    { name: 'queue_overhead_ms', value: overhead, target: 20, op: '<=' },
  ],
});
process.exit(0);
