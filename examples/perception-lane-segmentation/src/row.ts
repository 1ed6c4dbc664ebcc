/** One row of results.json: a model's size, its segmentation figures, its latency and fine-tuning cost. */
import { join } from 'node:path';
import type { Latency } from '@prunekit/example-kit';
import type { SizeFigures } from '@prunekit/recipe';
import { exportStage } from '@prunekit/recipe/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SegEval } from './evaluate.js';

export interface ModelRow extends SizeFigures {
  readonly model: string;
  readonly method: 'none' | 'structured' | 'unstructured';
  /** Channel ratio (structured) or weight sparsity per layer (unstructured). */
  readonly level: number;
  /** Test mIoU right after pruning, before fine-tuning. */
  readonly miouPruned: number;
  readonly miou: number;
  readonly iouBackground: number;
  readonly iouDrivable: number;
  readonly iouMarking: number;
  readonly pixelAccuracy: number;
  readonly roadFalsePositiveRate: number;
  readonly latencyB1MedianMs: number;
  readonly latencyB1P99Ms: number;
  readonly finetuneEpochs: number;
  /** Epoch (1-based) whose weights were kept by validation mIoU; 0 when not fine-tuned. */
  readonly finetuneKeptEpoch: number;
  readonly finetuneSeconds: number;
}

/** What the pipeline knows about one candidate model once it has been pruned and fine-tuned. */
export interface Candidate {
  readonly name: string;
  readonly method: ModelRow['method'];
  readonly level: number;
  readonly model: tfl.LayersModel;
  /** Test figures right after pruning. */
  readonly pruned: SegEval;
  epochs: number;
  keptEpoch: number;
  seconds: number;
}

export async function rowOf(c: Candidate, ev: SegEval, lat: Latency, outDir: string): Promise<ModelRow> {
  const [bg, road, mark] = ev.iou;
  return {
    model: c.name,
    method: c.method,
    level: c.level,
    ...(await exportStage(c.model, join(outDir, c.name))),
    miouPruned: c.pruned.miou,
    miou: ev.miou,
    iouBackground: bg,
    iouDrivable: road,
    iouMarking: mark,
    pixelAccuracy: ev.pixelAccuracy,
    roadFalsePositiveRate: ev.roadFalsePositiveRate,
    latencyB1MedianMs: lat.medianMs,
    latencyB1P99Ms: lat.p99Ms,
    finetuneEpochs: c.epochs,
    finetuneKeptEpoch: c.keptEpoch,
    finetuneSeconds: c.seconds,
  };
}
