/**
 * The coordinator: enqueues a sweep as one BullMQ flow (parent "aggregate" job with one child per
 * trial) or re-attaches to it, follows its progress and returns the outcomes in plan order.
 * Without a queue the same trials run here, in order (the default).
 */
import { FlowProducer, type Job, Queue } from 'bullmq';
import { InvalidArgumentError } from '@prunekit/core';
import { decodeFailure } from './errors.js';
import { SWEEPS_QUEUE, TRIALS_QUEUE, type TrialJobData, parentJobId, sweepId, trialJobId } from './names.js';
import { checkReachable, connect, parseQueueUrl } from './queue_url.js';
import type { SweepPlan, SweepProgress, TrialHandlers, TrialOutcome } from './trial.js';

/** Options of runSweep: the queue URL (or local handlers), progress callback, polling and retry limits. */
export interface SweepOptions {
  /** redis://host:port[/db]; without it the trials run in this process through `handlers`. */
  readonly queue?: string;
  /** Handlers for running without a queue (the local default). */
  readonly handlers?: TrialHandlers;
  readonly onProgress?: (p: SweepProgress) => void;
  /** How often the coordinator reads the sweep's state (default 100 ms). */
  readonly pollMs?: number;
  /** Tries per trial on errors a retry may cure (default 3); stalls (dead workers) are counted apart. */
  readonly attempts?: number;
  /** Stops following (the sweep goes on in Redis; run again to re-attach). */
  readonly signal?: AbortSignal;
}

function checkPlan(plan: SweepPlan): void {
  const keys = new Set<string>();
  for (const t of plan.trials) {
    if (keys.has(t.key)) {
      throw new InvalidArgumentError(`trial key '${t.key}' appears twice in sweep '${plan.name}'.`, {
        field: 'trials',
      });
    }
    keys.add(t.key);
  }
}

function count(outcomes: Iterable<TrialOutcome>, total: number): SweepProgress {
  const byWorker: Record<string, number> = {};
  let done = 0;
  for (const o of outcomes) {
    byWorker[o.worker] = (byWorker[o.worker] ?? 0) + 1;
    done++;
  }
  return { done, total, byWorker };
}

function ordered(plan: SweepPlan, outcomes: Iterable<TrialOutcome>): TrialOutcome[] {
  const byKey = new Map([...outcomes].map((o) => [o.key, o]));
  return plan.trials.map((t) => byKey.get(t.key)!);
}

async function runHere(plan: SweepPlan, opts: SweepOptions): Promise<TrialOutcome[]> {
  const handlers = opts.handlers;
  if (!handlers) {
    throw new InvalidArgumentError('runSweep needs `queue` (redis://host:port) or local `handlers`.', {
      field: 'queue',
    });
  }
  const out: TrialOutcome[] = [];
  for (const trial of plan.trials) {
    const handler = handlers[trial.kind];
    if (!handler) {
      throw new InvalidArgumentError(`no handler for trial kind '${trial.kind}'.`, { field: 'handlers' });
    }
    const t0 = performance.now();
    const value = await handler(trial.params, trial);
    out.push({ key: trial.key, value, worker: 'local', ms: performance.now() - t0 });
    opts.onProgress?.(count(out, plan.trials.length));
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a sweep and returns its outcomes in plan order. With `queue`, the same plan always maps
 * to the same jobs, so a coordinator killed and started again re-attaches and finished trials
 * are not run again; trials that had failed are retried on re-attach.
 */
export async function runSweep(plan: SweepPlan, opts: SweepOptions = {}): Promise<TrialOutcome[]> {
  checkPlan(plan);
  if (!opts.queue) return runHere(plan, opts);
  const address = parseQueueUrl(opts.queue);
  await checkReachable(address);
  const connection = connect(address);
  const sweeps = new Queue(SWEEPS_QUEUE, { connection });
  const trials = new Queue<TrialJobData>(TRIALS_QUEUE, { connection });
  const flows = new FlowProducer({ connection });
  // Connection errors while Redis is away: ioredis reconnects and the polls below wait for it.
  sweeps.on('error', () => {});
  trials.on('error', () => {});
  flows.on('error', () => {});
  try {
    const sweep = sweepId(plan);
    const id = parentJobId(sweep);
    let parent: Job | undefined = await sweeps.getJob(id);
    if (!parent) {
      const node = await flows.add({
        name: plan.name,
        queueName: SWEEPS_QUEUE,
        data: { sweep, name: plan.name, total: plan.trials.length },
        opts: { jobId: id },
        children: plan.trials.map((trial) => ({
          name: trial.kind,
          queueName: TRIALS_QUEUE,
          data: { sweep, trial, identity: plan.identity } satisfies TrialJobData,
          opts: {
            jobId: trialJobId(sweep, trial),
            attempts: opts.attempts ?? 3,
            backoff: { type: 'fixed', delay: 200 },
          },
        })),
      });
      parent = node.job;
    } else {
      for (const j of await failedTrials(trials, sweep)) await j.retry('failed');
      if ((await parent.getState()) === 'failed') await parent.retry('failed');
    }
    const total = plan.trials.length;
    // Polls stay cheap (a state and two counters); values and failed jobs are read only when a
    // counter moved.
    let last = -1;
    let failedSeen = -1;
    for (;;) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
      const state = await parent.getState();
      if (state === 'completed') {
        const done = (await sweeps.getJob(id))!.returnvalue as TrialOutcome[];
        opts.onProgress?.(count(done, total));
        return ordered(plan, done);
      }
      const { processed = 0 } = await parent.getDependenciesCount({ processed: true });
      if (processed !== last) {
        last = processed;
        if (opts.onProgress) {
          opts.onProgress(count(Object.values(await parent.getChildrenValues<TrialOutcome>()), total));
        }
      }
      const { failed: failedCount = 0 } = await trials.getJobCounts('failed');
      if (failedCount !== failedSeen) {
        failedSeen = failedCount;
        const failed = await failedTrials(trials, sweep);
        if (failed.length > 0) throw decodeFailure(failed[0].data.trial.key, failed[0].failedReason);
      }
      await sleep(opts.pollMs ?? 100);
    }
  } finally {
    await Promise.all([sweeps.close(), trials.close(), flows.close()]);
    connection.disconnect();
  }
}

async function failedTrials(trials: Queue<TrialJobData>, sweep: string): Promise<Job<TrialJobData>[]> {
  const failed = await trials.getJobs(['failed']);
  return failed.filter((j) => j?.data?.sweep === sweep);
}
