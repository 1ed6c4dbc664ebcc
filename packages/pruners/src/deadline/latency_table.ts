import { InvalidArgumentError, type Latency } from '@prunekit/core';

/** One measured entry: the time of one layer signature on one backend (core's `Latency`). */
export type LatencyEntry = Latency;

/** Which latency a table entry gives: the median ('p50') or the 99th percentile ('p99'). */
export type LatencyPercentile = 'p50' | 'p99';

/**
 * Measured per-layer latencies on one backend/device at one batch size, keyed by layer signature
 * (see layerSignature). `overheadMs` is the cost of one forward call of a one-layer model that
 * does (almost) nothing: every isolated measurement carries it once, a whole model once in all,
 * so a model's prediction is Σ entries − (layers − 1) · overhead. Plain JSON: cache it in a file
 * (`prunekit latency-table`) and pass it back in; entries not in it are measured on demand.
 */
export interface LatencyTable {
  readonly version: 1;
  readonly backend: string;
  readonly device: string;
  readonly batch: number;
  overheadMs: LatencyEntry | null;
  readonly entries: Record<string, LatencyEntry>;
}

/** An empty LatencyTable for a backend, device name and batch size (an integer ≥ 1). */
export function createLatencyTable(backend: string, device: string, batch: number): LatencyTable {
  if (!Number.isInteger(batch) || batch < 1) {
    throw new InvalidArgumentError(`batch must be an integer ≥ 1, got ${JSON.stringify(batch)}.`, {
      field: 'batch',
    });
  }
  return { version: 1, backend, device, batch, overheadMs: null, entries: {} };
}

/** Checks a table read from JSON (a file written by an earlier run); names the bad field. */
export function parseLatencyTable(json: unknown, source = 'latency table'): LatencyTable {
  const t = json as Partial<LatencyTable> | null;
  const bad = (field: string, what: string) =>
    new InvalidArgumentError(
      `${source}: field '${field}' ${what}; rebuild it with 'prunekit latency-table'.`,
      {
        field,
        file: source,
      },
    );
  if (!t || typeof t !== 'object') throw bad('(root)', 'is not an object');
  if (t.version !== 1) throw bad('version', `is ${JSON.stringify(t.version)}, expected 1`);
  if (typeof t.backend !== 'string') throw bad('backend', 'is missing');
  if (typeof t.device !== 'string') throw bad('device', 'is missing');
  if (!Number.isInteger(t.batch) || (t.batch as number) < 1) throw bad('batch', 'is not an integer ≥ 1');
  if (!t.entries || typeof t.entries !== 'object') throw bad('entries', 'is missing');
  for (const [k, e] of Object.entries(t.entries)) {
    if (!(e && Number.isFinite(e.medianMs) && Number.isFinite(e.p99Ms)))
      throw bad(`entries.${k}`, 'is not a measured entry');
  }
  return {
    version: 1,
    backend: t.backend,
    device: t.device,
    batch: t.batch as number,
    overheadMs: t.overheadMs ?? null,
    entries: { ...t.entries },
  };
}

/** An entry's latency in ms at `percentile` (its median for 'p50', its p99 for 'p99'). */
export function entryMs(e: LatencyEntry, percentile: LatencyPercentile): number {
  return percentile === 'p99' ? e.p99Ms : e.medianMs;
}
