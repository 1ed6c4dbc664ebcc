/**
 * Metrics of one model variant: the recipe's measure stage (params/MACs from the IR, latency per
 * backend), accuracy and channels.
 */
import type { ModelMetrics } from '@prunekit/core';
import { latencyPerBackend, modelFigures } from '@prunekit/recipe';
import type { ReportRun } from '@prunekit/report';
import { channelsOf, runFromMetrics } from '@prunekit/report';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/tensors.js';
import { accuracy } from './evaluate.js';

export interface Measured {
  readonly metrics: ModelMetrics;
  readonly run: ReportRun;
}

export async function measureVariant(opts: {
  name: string;
  level: number;
  /** The model whose weights define params/MACs (masked or surgically smaller). */
  model: tfl.LayersModel;
  /** The model as exported (sparse or stock); latency is measured on it. Default: model. */
  exported?: tfl.LayersModel;
  test?: Split;
  bench?: { backends: readonly string[]; runs: number; batch: number };
  fileBytes?: number;
  path?: string;
  /** Layers the recipe leaves out of pruning (unsupported classes among them stay opaque). */
  ignore?: readonly string[];
}): Promise<Measured> {
  const { graph, metrics } = modelFigures(opts.model, { ignore: opts.ignore });
  const acc = opts.test ? accuracy(opts.model, opts.test) : undefined;
  const latencyMs = opts.bench ? await latencyPerBackend(opts.exported ?? opts.model, opts.bench) : undefined;
  return {
    metrics,
    run: runFromMetrics(opts.name, opts.level, metrics, {
      accuracy: acc,
      latencyMs,
      fileBytes: opts.fileBytes,
      path: opts.path,
      channels: channelsOf(graph),
    }),
  };
}
