/** Typed errors of the job layer: each names the queue, trial or hash and says what to do. */
import { PrunekitError } from '@prunekit/core';

/** `--queue` is not a redis:// or rediss:// URL with a host. */
export class QueueUrlError extends PrunekitError {
  constructor(url: string, why: string) {
    super(
      'E_QUEUE_URL',
      `queue URL ${JSON.stringify(url)} ${why}: give redis://host:port[/db] (or rediss:// for TLS), e.g. redis://127.0.0.1:6379.`,
      { field: 'queue', url },
    );
  }
}

/** Redis did not answer at the queue URL (not running, wrong port, firewalled). */
export class QueueUnavailableError extends PrunekitError {
  constructor(where: string, cause: string) {
    super(
      'E_QUEUE_UNAVAILABLE',
      `cannot reach Redis at ${where} (${cause}): start it (e.g. \`redis-server --port <port> --appendonly yes\`) or fix --queue.`,
      { field: 'queue', where, cause },
    );
  }
}

/** Which content hash of a worker differs from the sweep's: its model, its data or its backend. */
export type MismatchKind = 'model' | 'data' | 'backend';
const FIX: Record<MismatchKind, string> = {
  model: '--model',
  data: 'recipe data (--recipe / --data)',
  backend: 'backend (recipe: backend)',
};
const short = (h: string) => (/^[0-9a-f]{64}$/.test(h) ? `${h.slice(0, 16)}…` : `'${h}'`);

/** A trial was sent to a worker that holds a different model or data than the sweep's. */
export class ContentMismatchError extends PrunekitError {
  constructor(what: MismatchKind, expected: string, actual: string, worker: string) {
    super(
      'E_CONTENT_MISMATCH',
      `worker ${worker} refused the trial: its ${what} is ${short(actual)}, the sweep's is ${short(expected)}. ` +
        `Start the worker with the same ${FIX[what]} as the coordinator.`,
      { what, expected, actual, worker },
    );
  }
}

/** A trial failed on a worker for another reason (its message is kept). */
export class TrialFailedError extends PrunekitError {
  constructor(trial: string, reason: string) {
    super('E_TRIAL', `trial ${trial} failed on a worker: ${reason}`, { trial, reason });
  }
}

/**
 * Failed jobs keep only a message in Redis; workers prefix it with the error's code so the
 * coordinator can rebuild the typed error.
 */
export function encodeFailure(e: unknown): string {
  if (e instanceof PrunekitError) return `${e.code} ${JSON.stringify(e.details)} ${e.message}`;
  return (e as Error)?.message ?? String(e);
}

export function decodeFailure(trial: string, reason: string): PrunekitError {
  const m = /^E_CONTENT_MISMATCH (\{.*?\}) /.exec(reason);
  if (m) {
    try {
      const d = JSON.parse(m[1]) as { what: MismatchKind; expected: string; actual: string; worker: string };
      return new ContentMismatchError(d.what, d.expected, d.actual, d.worker);
    } catch {
      // fall through: keep the raw message
    }
  }
  return new TrialFailedError(trial, reason);
}
