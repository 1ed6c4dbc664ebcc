/** A worker: takes trial jobs of any sweep whose content matches its own, and runs the aggregates. */
import { hostname } from 'node:os';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { ContentIdentity } from './content_hash.js';
import { ContentMismatchError, type MismatchKind, TrialFailedError, encodeFailure } from './errors.js';
import { SWEEPS_QUEUE, TRIALS_QUEUE, type TrialJobData } from './names.js';
import { checkReachable, connect, parseQueueUrl } from './queue_url.js';
import type { TrialHandlers, TrialOutcome } from './trial.js';

/** Options of startWorker: queue URL, the content identity it holds, trial handlers and worker id. */
export interface WorkerOptions {
  /** redis://host:port[/db] */
  readonly queue: string;
  /** Hashes of the model and data this worker holds (and its backend); other trials are refused. */
  readonly identity: ContentIdentity;
  /** Handler per trial kind. */
  readonly handlers: TrialHandlers;
  /** Worker id in outcomes and progress (default host:pid). */
  readonly id?: string;
  /**
   * How long a trial's lock lives without renewal (default 30 s). A worker that dies (SIGKILL,
   * lost machine) stops renewing; after this a live worker's stalled check puts the trial back.
   * Trials that block the event loop longer than this are taken for stalled: raise it for them.
   */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled trials (default 30 s). */
  readonly stalledIntervalMs?: number;
  /** Times a trial may stall (its worker die) before it fails (default 3). */
  readonly maxStalledCount?: number;
  /** Called when a trial starts and ends on this worker (logs, tests). */
  readonly onTrial?: (e: TrialEvent) => void;
}

/**
 * What a worker reports per trial through `onTrial`: started, done, refused (identity mismatch) or
 * failed.
 */
export interface TrialEvent {
  readonly event: 'start' | 'done' | 'refused' | 'failed';
  readonly sweep: string;
  readonly key: string;
  readonly detail?: string;
}

/** A worker started by startWorker, taking trials from the queue until closed. */
export interface RunningWorker {
  readonly id: string;
  /** Stops taking trials; waits for the running one to finish unless `force`. */
  close(force?: boolean): Promise<void>;
}

function check(what: MismatchKind, expected: string, actual: string, worker: string): void {
  if (expected !== actual) throw new ContentMismatchError(what, expected, actual, worker);
}

/** Starts a worker on the queue: throws QueueUrlError / QueueUnavailableError before taking any job. */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const address = parseQueueUrl(opts.queue);
  await checkReachable(address);
  const id = opts.id ?? `${hostname()}:${process.pid}`;
  const connection = connect(address);
  const settings = {
    connection,
    name: id,
    concurrency: 1,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: opts.maxStalledCount ?? 3,
  };
  const trials = new Worker<TrialJobData, TrialOutcome>(
    TRIALS_QUEUE,
    async (job: Job<TrialJobData>) => {
      const { trial, identity, sweep } = job.data;
      const tell = (event: TrialEvent['event'], detail?: string) =>
        opts.onTrial?.({ event, sweep, key: trial.key, detail });
      try {
        check('model', identity.model, opts.identity.model, id);
        check('data', identity.data, opts.identity.data, id);
        check('backend', identity.backend, opts.identity.backend, id);
        const handler = opts.handlers[trial.kind];
        if (!handler) {
          throw new TrialFailedError(
            trial.key,
            `worker ${id} has no handler for trial kind '${trial.kind}' (it has ${Object.keys(opts.handlers).join(', ')}).`,
          );
        }
      } catch (e) {
        tell('refused', (e as Error).message);
        // Retrying on the same kind of worker cannot help: fail the trial at once.
        throw new UnrecoverableError(encodeFailure(e));
      }
      tell('start');
      const t0 = performance.now();
      try {
        const value = await opts.handlers[trial.kind](trial.params, trial);
        const ms = performance.now() - t0;
        tell('done', `${ms.toFixed(1)} ms`);
        return { key: trial.key, value, worker: id, ms };
      } catch (e) {
        tell('failed', (e as Error).message);
        throw new Error(encodeFailure(e));
      }
    },
    settings,
  );
  // The sweep's parent job runs once every trial is in: it gathers the outcomes in one place.
  const sweeps = new Worker(
    SWEEPS_QUEUE,
    async (job: Job) => Object.values(await job.getChildrenValues<TrialOutcome>()),
    settings,
  );
  trials.on('error', () => {}); // connection errors: ioredis reconnects, BullMQ resumes
  sweeps.on('error', () => {});
  await Promise.all([trials.waitUntilReady(), sweeps.waitUntilReady()]);
  return {
    id,
    async close(force = false) {
      await Promise.all([trials.close(force), sweeps.close(force)]);
      connection.disconnect();
    },
  };
}
