import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend } from '@prunekit/example-kit';
import { toTfGraphModel } from '@prunekit/graph-model';
import { loadGraphModelFile } from '@prunekit/graph-model/node';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreement } from '../src/agreement.js';
import { type Detection, detect, STREET_CLASSES } from '../src/detections.js';
import { withInputSize } from '../src/input_size.js';
import {
  centernetPath,
  decodeImage,
  HELD_OUT_FRAMES,
  loadPhotoSets,
  toInput,
  TRAIN_FRAMES,
} from '../src/photos.js';

describe('perception-object-detection (smoke: real photos, dense CenterNet)', () => {
  let cache: string;
  let model: GraphModel;
  beforeAll(async () => {
    expect(await startBackend('wasm')).toBe('wasm');
    cache = mkdtempSync(join(tmpdir(), 'objdet-'));
    model = await toTfGraphModel(await loadGraphModelFile(centernetPath()));
  });
  afterAll(() => {
    model?.dispose();
    rmSync(cache, { recursive: true, force: true });
  });

  it('keeps held-out frames and photos apart from training ones', () => {
    expect(HELD_OUT_FRAMES.length).toBeGreaterThanOrEqual(20);
    expect(Math.min(...HELD_OUT_FRAMES) - Math.max(...TRAIN_FRAMES)).toBeGreaterThan(40);
  });

  it('decodes the photos, finds people in a video frame, agrees with itself and not with an empty model', async () => {
    const before = tf.memory().numTensors;
    const sets = loadPhotoSets(cache, { quick: true });
    const names = new Set(sets.train.map((p) => p.name));
    expect(sets.heldOut.some((p) => names.has(p.name))).toBe(false);
    const frame = sets.heldOut[0];
    expect([frame.width, frame.height]).toEqual([768, 576]);
    expect(frame.rgb.length).toBe(768 * 576 * 3);
    expect(sets.train.some((p) => p.name.endsWith('.png'))).toBe(true); // the PNG path
    const x = toInput(frame);
    const dets = detect(model, x);
    x.dispose();
    const people = dets.filter((d) => d.label === 'person');
    expect(people.length).toBeGreaterThanOrEqual(2); // the plaza has several walkers in every frame
    for (const d of dets) {
      expect(d.score).toBeGreaterThanOrEqual(0.3);
      expect(d.box[2]).toBeGreaterThan(d.box[0]);
    }
    const self = agreement([dets], [dets], STREET_CLASSES);
    expect(self.all.f1).toBe(1);
    const none = agreement([dets], [[] as Detection[]], STREET_CLASSES);
    expect(none.all.f1).toBe(0);
    expect(none.perClass['stop sign'].f1).toBeNull(); // nothing to agree on: not measured
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs the same weights at 256×256 (the distillation crops)', async () => {
    const before = tf.memory().numTensors;
    const small = await toTfGraphModel(withInputSize(await loadGraphModelFile(centernetPath()), 256));
    const x = tf.zeros([1, 256, 256, 3]);
    const y = small.execute(x, ['tower_0/wh', 'tower_0/keypoints']) as tf.Tensor[];
    expect(y.map((t) => t.shape)).toEqual([
      [1, 64, 64, 4],
      [1, 64, 64, 80],
    ]);
    tf.dispose([x, ...y]);
    small.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a file that is neither JPEG nor PNG, naming it', () => {
    expect(() => decodeImage(new Uint8Array(4), 'clip.avi')).toThrow(/clip\.avi.*not a JPEG or PNG/);
  });
});
