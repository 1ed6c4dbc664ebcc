/**
 * Deadline-aware runs for the CLI: the latency table file (read, extended, written atomically)
 * and a budget prune. Used by `prunekit latency-table` and `prunekit prune --budget-ms`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { writeFileAtomic } from '@prunekit/layers/node';
import {
  createLatencyTable,
  type DeadlineResult,
  deadlinePrune,
  type LatencyTable,
  latencyModel,
  measureLatency,
  parseLatencyTable,
} from '@prunekit/pruners';
import { magnitude } from '@prunekit/scorers';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import type { Progress } from '../progress.js';

export interface DeadlineFlags {
  budgetMs?: string;
  batch?: string;
  percentile?: string;
  table?: string;
  reps?: string;
  calibrate?: string;
}

function positive(flag: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x))) {
    throw new UsageError(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got '${v}'.`, {
      flag,
    });
  }
  return x;
}

export function parseDeadlineFlags(f: DeadlineFlags): {
  budgetMs?: number;
  batch: number;
  percentile: 'p50' | 'p99';
  reps: number;
  tablePath?: string;
  calibrate?: number;
} {
  const percentile = (f.percentile ?? 'p50') as 'p50' | 'p99';
  if (percentile !== 'p50' && percentile !== 'p99') {
    throw new UsageError(`--percentile must be p50 or p99, got '${f.percentile}'.`, { flag: '--percentile' });
  }
  return {
    budgetMs: positive('--budget-ms', f.budgetMs, false),
    batch: positive('--batch', f.batch, true) ?? 1,
    percentile,
    reps: positive('--reps', f.reps, true) ?? 30,
    tablePath: f.table ? resolve(f.table) : undefined,
    calibrate:
      f.calibrate === undefined
        ? undefined
        : f.calibrate === '0'
          ? 0
          : positive('--calibrate', f.calibrate, true),
  };
}

/** The table in `path` (when it exists and matches backend + batch), else a new one. */
export function openTable(path: string | undefined, batch: number): LatencyTable {
  const backend = tf.getBackend();
  if (path && existsSync(path)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new UsageError(
        `--table '${path}' is not JSON (${(e as Error).message}); delete it or name another file.`,
        {
          flag: '--table',
        },
      );
    }
    const t = parseLatencyTable(json, path);
    if (t.backend !== backend || t.batch !== batch) {
      throw new UsageError(
        `--table '${path}' was measured on ${t.backend} at batch ${t.batch}, this run is ${backend} at batch ${batch}; name another file.`,
        { flag: '--table' },
      );
    }
    return t;
  }
  return createLatencyTable(backend, cpus()[0]?.model ?? 'unknown', batch);
}

export async function saveTable(path: string | undefined, table: LatencyTable): Promise<void> {
  if (path) await writeFileAtomic(path, `${JSON.stringify(table, null, 2)}\n`);
}

/**
 * Times every layer of `model` into the table (one by one with a progress bar, then all re-timed
 * round-robin); predicted vs measured whole-model latency.
 */
export function fillTable(model: tfl.LayersModel, table: LatencyTable, reps: number, progress: Progress) {
  const lm = latencyModel(table, {
    timing: { reps },
    onMeasure: (n) => progress.tick('timing layers', n, model.layers.length),
  });
  lm.predict(model);
  progress.done();
  // Each layer above was timed under its own moment's load; one round-robin pass over all of them
  // puts every entry under the same load, so their sum can be compared with the whole model.
  progress.log(`re-timing ${lm.retime()} layer signatures round-robin`);
  const predicted = lm.predict(model);
  const measured = measureLatency(model, table.batch, { reps: reps * 2 });
  return { predicted, measured };
}

export async function budgetPrune(
  model: tfl.LayersModel,
  table: LatencyTable,
  o: {
    budgetMs: number;
    percentile: 'p50' | 'p99';
    reps: number;
    calibrate?: number;
    ignore?: readonly string[];
  },
  progress: Progress,
): Promise<DeadlineResult> {
  return deadlinePrune(model, {
    // Weights only: a budget prune needs no data; a recipe's data-driven scorer is for `prune`.
    scorer: magnitude({ p: 2, reduction: 'sum', normalizer: 'mean' }),
    budget: { ms: o.budgetMs, percentile: o.percentile, batch: table.batch, backend: tf.getBackend() },
    table,
    timing: { reps: o.reps },
    verifyReps: o.reps * 2,
    ...(o.calibrate !== undefined ? { calibrate: o.calibrate } : {}),
    ...(o.ignore ? { ignore: o.ignore } : {}),
    onProgress: (p) =>
      progress.log(`deadline: ${p.phase} (round ${p.round + 1}, ${p.measured} layer timings so far)`),
  });
}
