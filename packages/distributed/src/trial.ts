/** What a sweep is made of: trials (one unit of work each) and what comes back from them. */
import type { ContentIdentity } from './content_hash.js';

/** One unit of work: `kind` picks the worker's handler, `params` is JSON. */
export interface Trial<P = unknown> {
  /** Unique within its sweep and stable across runs (it names the BullMQ job). */
  readonly key: string;
  readonly kind: string;
  readonly params: P;
}

/** A sweep: trials over one model and data, named by their content hashes. */
export interface SweepPlan {
  readonly name: string;
  readonly identity: ContentIdentity;
  readonly trials: readonly Trial[];
}

/** What a trial returned, and where and how long it ran. */
export interface TrialOutcome<R = unknown> {
  readonly key: string;
  readonly value: R;
  /** The worker id (host:pid by default) that ran it. */
  readonly worker: string;
  /** Time spent in the handler (ms). */
  readonly ms: number;
}

/**
 * Runs one trial on a worker. Must be idempotent: the same trial on the same model and data gives
 * the same value (a trial whose worker died is run again elsewhere).
 */
export type TrialHandler = (params: unknown, trial: Trial) => unknown | Promise<unknown>;

/** The handler for each trial kind, keyed by `Trial.kind`. */
export type TrialHandlers = Readonly<Record<string, TrialHandler>>;

/** Progress of a sweep: trials done, and how many each worker ran. */
export interface SweepProgress {
  readonly done: number;
  readonly total: number;
  readonly byWorker: Readonly<Record<string, number>>;
}
