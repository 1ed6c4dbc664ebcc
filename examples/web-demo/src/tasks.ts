/**
 * The three things the page can prune: the traffic-sign CNN and the lane segmenter (data from their
 * examples' seeded generators, run here in the worker), or a model the user drops (no labels: the
 * dense model's own predictions on random inputs are the targets, and the metric is agreement).
 */
import { InvalidArgumentError } from '@prunekit/core';
import { crossEntropy, type Loss, type TensorData } from '@prunekit/finetune';
import { toTensors as laneTensors } from '@prunekit/example-perception-lane-segmentation/data';
import { generateLanes, LANE_CLASS_NAMES } from '@prunekit/example-perception-lane-segmentation/generator';
import { pixelCrossEntropy } from '@prunekit/example-perception-lane-segmentation/loss';
import { toTensors as signTensors } from '@prunekit/example-perception-traffic-signs/data';
import { generateDataset } from '@prunekit/example-perception-traffic-signs/generator';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelChoice, TaskInfo } from './protocol.js';

/** Inputs, one-hot targets and the true class of every output position (pixels for maps). */
export interface LabeledSet extends TensorData {
  readonly truth: ArrayLike<number>;
}

export interface Task {
  readonly info: TaskInfo;
  readonly train: TensorData;
  /** Scored after every epoch (the chart's validation line); never used to pick anything. */
  readonly val: LabeledSet;
  /** Every figure the page reports is measured on this set. */
  readonly test: LabeledSet;
  readonly gallery?: { readonly x: tf.Tensor; readonly images: Uint8Array; readonly labels: number[] };
  /** Hard-label loss (distillation adds the teacher's soft targets to it). */
  readonly hard: Loss;
  /** The task metric from arg-max predictions and the truth (0..1). */
  score(pred: ArrayLike<number>, truth: ArrayLike<number>): number;
  dispose(): void;
}

/** Seeds of the generated splits: far apart from each other, so no sample repeats across them. */
export const SEEDS = { train: 7100, val: 7001, test: 7002, gallery: 424242 } as const;
const VAL_SIZE = 256;
/** Validation signs: 256, or as many as the fine-tuning signs when there are fewer (a short run). */
const valSize = (train: number) => Math.min(VAL_SIZE, Math.max(64, train));

function accuracy(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  let ok = 0;
  for (let i = 0; i < truth.length; i++) if (pred[i] === truth[i]) ok++;
  return truth.length === 0 ? 0 : ok / truth.length;
}

/** Mean IoU over `k` classes (a class absent from both counts as 1, as the lane example does). */
export function meanIou(pred: ArrayLike<number>, truth: ArrayLike<number>, k: number): number {
  const inter = new Float64Array(k);
  const p = new Float64Array(k);
  const t = new Float64Array(k);
  for (let i = 0; i < truth.length; i++) {
    p[pred[i]]++;
    t[truth[i]]++;
    if (pred[i] === truth[i]) inter[truth[i]]++;
  }
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const union = p[c] + t[c] - inter[c];
    sum += union > 0 ? inter[c] / union : 1;
  }
  return sum / k;
}

/**
 * Arg-max over the last axis of `model`'s output for every sample of `x`, flattened. Read back
 * asynchronously: a synchronous read while GPU work is pending lost the WebGPU device in a worker
 * (Chromium 156, SwiftShader adapter).
 */
export async function predictClasses(model: tfl.LayersModel, x: tf.Tensor, batch = 64): Promise<Int32Array> {
  const n = x.shape[0];
  const parts: Int32Array[] = [];
  for (let s = 0; s < n; s += batch) {
    const size = Math.min(batch, n - s);
    const p = tf.tidy(() => tf.argMax(model.predict(tf.slice(x, s, size)) as tf.Tensor, -1));
    parts.push((await p.data()) as Int32Array);
    p.dispose();
  }
  const out = new Int32Array(parts.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function signSet(count: number, seed: number) {
  const data = generateDataset(count, seed);
  return { ...signTensors(data), truth: data.labels, images: data.images, classNames: data.classNames };
}

function signTask(sizes: { train: number; test: number }): Task {
  const train = signSet(sizes.train, SEEDS.train);
  const val = signSet(valSize(sizes.train), SEEDS.val);
  const test = signSet(sizes.test, SEEDS.test);
  const gallery = signSet(12, SEEDS.gallery);
  return {
    info: {
      model: 'signs',
      title: 'traffic-sign CNN (16 classes, 32×32 RGB)',
      metric: 'accuracy',
      classNames: test.classNames,
      inputShape: [32, 32, 3],
      trainSize: sizes.train,
      testSize: sizes.test,
      testSeed: SEEDS.test,
      probeCount: Math.min(32, sizes.test),
    },
    train,
    val,
    test,
    gallery: { x: gallery.x, images: gallery.images, labels: Array.from(gallery.truth) },
    hard: crossEntropy(),
    score: accuracy,
    dispose: () => tf.dispose([train.x, train.y, val.x, val.y, test.x, test.y, gallery.x, gallery.y]),
  };
}

/** The lane example's image size and class weights (its recipe.yaml). */
const LANE_SIZE = { height: 32, width: 48 };
const LANE_CLASS_WEIGHTS = [1, 1, 3];

function laneSet(count: number, seed: number): LabeledSet {
  const data = generateLanes(seed, count, LANE_SIZE);
  return { ...laneTensors(data), truth: data.masks };
}

function laneTask(sizes: { train: number; test: number }): Task {
  // Scenes are 12x the pixels of a sign and the segmenter costs 4x the MACs: a quarter of the samples.
  const trainSize = Math.max(64, Math.round(sizes.train / 4));
  const testSize = Math.max(32, Math.round(sizes.test / 4));
  const train = laneSet(trainSize, SEEDS.train);
  const val = laneSet(VAL_SIZE / 4, SEEDS.val);
  const test = laneSet(testSize, SEEDS.test);
  const k = LANE_CLASS_NAMES.length;
  return {
    info: {
      model: 'lanes',
      title: 'lane segmenter (background / drivable / marking per pixel, 32×48 RGB)',
      metric: 'mIoU',
      classNames: LANE_CLASS_NAMES,
      inputShape: [LANE_SIZE.height, LANE_SIZE.width, 3],
      trainSize,
      testSize,
      testSeed: SEEDS.test,
      probeCount: Math.min(2, testSize),
    },
    train,
    val,
    test,
    hard: pixelCrossEntropy(LANE_CLASS_WEIGHTS),
    score: (p, t) => meanIou(p, t, k),
    dispose: () => tf.dispose([train.x, train.y, val.x, val.y, test.x, test.y]),
  };
}

/** Uniform random inputs labelled by the dense model (label-free distillation targets). */
async function pseudoSet(
  model: tfl.LayersModel,
  shape: number[],
  count: number,
  seed: number,
): Promise<LabeledSet> {
  const x = tf.randomUniform([count, ...shape], 0, 1, 'float32', seed);
  const truth = await predictClasses(model, x);
  const out = model.outputs[0].shape;
  const classes = out[out.length - 1] as number;
  const y = tf.tidy(() =>
    tf.oneHot(tf.tensor(truth, [count, ...(out.slice(1, -1) as number[])], 'int32'), classes),
  );
  return { x, y: tf.cast(y, 'float32'), truth };
}

async function droppedTask(model: tfl.LayersModel, sizes: { train: number; test: number }): Promise<Task> {
  const shape = model.inputs[0].shape.slice(1);
  if (shape.some((d) => typeof d !== 'number') || model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new InvalidArgumentError(
      `The dropped model needs one input with a fixed shape and one output (input shape [${model.inputs[0].shape}]); ` +
        'export it with a fixed input size, e.g. batch_input_shape [null, 224, 224, 3].',
    );
  }
  const dims = shape as number[];
  const train = await pseudoSet(model, dims, Math.min(sizes.train, 512), SEEDS.train);
  const val = await pseudoSet(model, dims, 64, SEEDS.val);
  const test = await pseudoSet(model, dims, Math.min(sizes.test, 256), SEEDS.test);
  const out = model.outputs[0].shape;
  const classes = out[out.length - 1] as number;
  return {
    info: {
      model: 'dropped',
      title: `your model (${model.name}, input [${dims}], ${classes} outputs)`,
      metric: 'agreement with dense',
      classNames: Array.from({ length: classes }, (_, i) => `class ${i}`),
      inputShape: dims,
      trainSize: train.x.shape[0],
      testSize: test.x.shape[0],
      testSeed: SEEDS.test,
      probeCount: Math.min(8, test.x.shape[0]),
    },
    train,
    val,
    test,
    hard: crossEntropy(),
    score: accuracy,
    dispose: () => tf.dispose([train.x, train.y, val.x, val.y, test.x, test.y]),
  };
}

export async function makeTask(
  choice: ModelChoice,
  model: tfl.LayersModel,
  sizes: { train: number; test: number },
): Promise<Task> {
  if (choice === 'signs') return signTask(sizes);
  if (choice === 'lanes') return laneTask(sizes);
  return droppedTask(model, sizes);
}
