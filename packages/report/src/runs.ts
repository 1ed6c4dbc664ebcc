/** Turns core metrics into report rows. */
import type { ModelGraph, ModelMetrics } from '@prunekit/core';
import type { ReportLayer, ReportRun } from './types.js';

/** What runFromMetrics adds to the metrics of a run: accuracy, latencies, file size, path and channels. */
export interface RunExtras {
  readonly accuracy?: number;
  readonly latencyMs?: Readonly<Record<string, number>>;
  readonly fileBytes?: number;
  readonly path?: string;
  /** Output channels per layer name. */
  readonly channels?: Readonly<Record<string, number>>;
}

/** Output channels (last axis of the output) of every layer with prunable weights: `RunExtras.channels`. */
export function channelsOf(graph: ModelGraph): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of graph.nodes) {
    if (!n.params.some((p) => p.prunable)) continue;
    const last = n.outputShape[n.outputShape.length - 1];
    if (typeof last === 'number') out[n.name] = last;
  }
  return out;
}

/** A report row for one model from core's computeMetrics plus the measured extras. */
export function runFromMetrics(
  name: string,
  level: number,
  m: ModelMetrics,
  extras: RunExtras = {},
): ReportRun {
  const layers: ReportLayer[] = m.layers
    .filter((l) => l.params > 0 || l.macs > 0)
    .map((l) => ({
      name: l.name,
      className: l.className,
      params: l.params,
      nonzero: l.nonzero,
      macs: l.macs,
      ...(extras.channels?.[l.name] !== undefined ? { channels: extras.channels[l.name] } : {}),
    }));
  return {
    name,
    level,
    params: m.params,
    nonzero: m.nonzero,
    macs: m.macs,
    sparseMacs: m.sparseMacs,
    bytes: m.bytes,
    ...(extras.fileBytes !== undefined ? { fileBytes: extras.fileBytes } : {}),
    ...(extras.accuracy !== undefined ? { accuracy: extras.accuracy } : {}),
    ...(extras.latencyMs ? { latencyMs: extras.latencyMs } : {}),
    ...(extras.path ? { path: extras.path } : {}),
    layers,
  };
}
