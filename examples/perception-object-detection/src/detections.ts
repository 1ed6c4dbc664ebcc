/**
 * CenterNet's detections as boxes. The converted model already decodes its heads: its
 * `tower_0/detections` output is the top 100 heatmap peaks with size and offset applied,
 * `[1, 100, 6]` = x1, y1, x2, y2 (input pixels), score, class index (COCO order). Here: score
 * threshold, non-maximum suppression (tfjs's), boxes scaled to 0..1, as @vladmandic/human does.
 */
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';

/** COCO class names in the model's class-index order (index 0 = person). */
export const COCO_NAMES = [
  'person',
  'bicycle',
  'car',
  'motorcycle',
  'airplane',
  'bus',
  'train',
  'truck',
  'boat',
  'traffic light',
  'fire hydrant',
  'stop sign',
  'parking meter',
  'bench',
  'bird',
  'cat',
  'dog',
  'horse',
  'sheep',
  'cow',
  'elephant',
  'bear',
  'zebra',
  'giraffe',
  'backpack',
  'umbrella',
  'handbag',
  'tie',
  'suitcase',
  'frisbee',
  'skis',
  'snowboard',
  'sports ball',
  'kite',
  'baseball bat',
  'baseball glove',
  'skateboard',
  'surfboard',
  'tennis racket',
  'bottle',
  'wine glass',
  'cup',
  'fork',
  'knife',
  'spoon',
  'bowl',
  'banana',
  'apple',
  'sandwich',
  'orange',
  'broccoli',
  'carrot',
  'hot dog',
  'pizza',
  'donut',
  'cake',
  'chair',
  'couch',
  'potted plant',
  'bed',
  'dining table',
  'toilet',
  'tv',
  'laptop',
  'mouse',
  'remote',
  'keyboard',
  'cell phone',
  'microwave',
  'oven',
  'toaster',
  'sink',
  'refrigerator',
  'book',
  'clock',
  'vase',
  'scissors',
  'teddy bear',
  'hair drier',
  'toothbrush',
] as const;

/** The classes a street camera reports on (the agreement is measured per class over these). */
export const STREET_CLASSES = [
  'person',
  'car',
  'truck',
  'bus',
  'bicycle',
  'motorcycle',
  'traffic light',
  'stop sign',
] as const;

/** One detection: box [x1, y1, x2, y2] in 0..1 of the image, score, class name. */
export interface Detection {
  readonly box: readonly [number, number, number, number];
  readonly score: number;
  readonly label: string;
}

/** Options of decodeDetections. */
export interface DecodeOptions {
  /** Lowest score kept (default 0.3). */
  readonly minScore?: number;
  /** IoU above which NMS drops the lower-scored box (default 0.5). */
  readonly iou?: number;
  /** The model's input side in pixels (default 512). */
  readonly inputSize?: number;
}

/** Boxes from a `[1, N, 6]` detections tensor (not disposed). */
export function decodeDetections(raw: tf.Tensor, opts: DecodeOptions = {}): Detection[] {
  const minScore = opts.minScore ?? 0.3;
  const size = opts.inputSize ?? 512;
  const rows = (raw.arraySync() as number[][][])[0];
  const keep = tf.tidy(() => {
    const boxes = tf.tensor2d(
      rows.map((r) => [r[1], r[0], r[3], r[2]]),
      [rows.length, 4],
    ); // y, x as tfjs wants
    const scores = tf.tensor1d(rows.map((r) => r[4]));
    return tf.image.nonMaxSuppression(boxes, scores, rows.length, opts.iou ?? 0.5, minScore);
  });
  const idx = Array.from(keep.dataSync());
  keep.dispose();
  return idx
    .filter((i) => Number.isInteger(rows[i][5]) && COCO_NAMES[rows[i][5]] !== undefined)
    .map((i) => {
      const [x1, y1, x2, y2, score, cls] = rows[i];
      return {
        box: [x1 / size, y1 / size, x2 / size, y2 / size] as const,
        score,
        label: COCO_NAMES[cls],
      };
    });
}

/** Runs the model on one `[1, size, size, 3]` input and decodes its boxes. */
export function detect(model: GraphModel, input: tf.Tensor4D, opts: DecodeOptions = {}): Detection[] {
  const raw = model.execute(input, 'tower_0/detections') as tf.Tensor;
  try {
    return decodeDetections(raw, { inputSize: input.shape[1], ...opts });
  } finally {
    raw.dispose();
  }
}
