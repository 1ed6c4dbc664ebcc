import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type MaskSet, UnknownLayerError, createRng } from '@prunekit/core';
import { expectNoLeaks } from '@prunekit/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { fineTune as fineTuneMain, keepMasksCallback, modelParams } from '../src/index.js';
import { fineTune } from '../src/node.js';
import { disposeData, makeData, recorder, tinyModel, useCpu, weightValues } from './helpers.js';

beforeAll(useCpu);

function randomMasks(model: ReturnType<typeof tinyModel>, sparsity: number, seed: number): MaskSet {
  const rng = createRng(seed);
  const masks: MaskSet = new Map();
  for (const p of modelParams(model)) {
    if (!p.id.endsWith('/kernel')) continue;
    const n = p.shape.reduce((a, b) => a * b, 1);
    masks.set(p.id, {
      shape: p.shape,
      data: Uint8Array.from({ length: n }, () => (rng.next() < sparsity ? 0 : 1)),
    });
  }
  return masks;
}

describe('fineTune', () => {
  it('keeps masked weights at exactly +0 while the others train, without leaking tensors', async () => {
    const model = tinyModel(3);
    const train = makeData(1, 96);
    const val = makeData(2, 48);
    const masks = randomMasks(model, 0.6, 7);
    const before = weightValues(model);
    const result = await expectNoLeaks(() =>
      fineTune(model, train, { epochs: 3, batchSize: 16, lr: 0.05, masks, validation: val, verbose: 0 }),
    );
    expect(result.history).toHaveLength(3);
    expect(result.history[2].sparsity).toBeGreaterThan(0.4);
    let masked = 0;
    let changed = 0;
    let kept = 0;
    for (const p of modelParams(model)) {
      const now = p.variable.dataSync();
      const was = before.get(
        model.getLayer(p.layer).weights.find((w) => w.read() === p.variable)!.originalName,
      )!;
      const mask = masks.get(p.id);
      for (let i = 0; i < now.length; i++) {
        if (mask && mask.data[i] === 0) {
          expect(Object.is(now[i], 0)).toBe(true);
          masked++;
        } else {
          kept++;
          if (now[i] !== was[i]) changed++;
        }
      }
    }
    expect(masked).toBeGreaterThan(0);
    // Some ReLU units die under 60% masking; most kept weights still move.
    expect(changed / kept).toBeGreaterThan(0.5);
    expect(result.history[2].val_acc).toBeGreaterThan(result.history[0].val_acc! - 1e-9);
    disposeData(train);
    disposeData(val);
    model.dispose();
  });

  it('restores the weights of the best epoch', async () => {
    const model = tinyModel(4);
    const train = makeData(1, 64);
    // Validation labels from another projection: val_loss rises while training fits `train`.
    const val = makeData(99, 64, 6, 3, 1);
    const snaps: Map<string, Float32Array>[] = [];
    const result = await expectNoLeaks(() =>
      fineTune(model, train, {
        epochs: 8,
        batchSize: 16,
        lr: 0.05,
        validation: val,
        earlyStop: { metric: 'val_loss', patience: 20, restoreBest: true },
        onEpoch: () => void snaps.push(weightValues(model)),
        verbose: 0,
      }),
    );
    const losses = result.history.map((h) => h.val_loss!);
    const best = losses.indexOf(Math.min(...losses));
    expect(best).toBeLessThan(losses.length - 1); // otherwise the test would prove nothing
    expect(result.restoredEpoch).toBe(best);
    const now = weightValues(model);
    for (const [name, v] of snaps[best]) expect(Array.from(now.get(name)!)).toEqual(Array.from(v));
    for (const [name, v] of snaps.at(-1)!)
      if (name.endsWith('kernel')) expect(Array.from(now.get(name)!)).not.toEqual(Array.from(v));
    disposeData(train);
    disposeData(val);
    model.dispose();
  });

  it('stops once the metric has not improved for `patience` epochs', async () => {
    const model = tinyModel(4);
    const train = makeData(1, 64);
    const val = makeData(99, 64, 6, 3, 1);
    const result = await fineTune(model, train, {
      epochs: 30,
      batchSize: 16,
      lr: 0.05,
      validation: val,
      earlyStop: { metric: 'val_loss', patience: 1, restoreBest: true },
      verbose: 0,
    });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBeLessThan(30);
    expect(result.history.length).toBe(result.restoredEpoch! + 3);
    disposeData(train);
    disposeData(val);
    model.dispose();
  });

  it('prints one JSON line per epoch off a TTY and a redrawn bar on a TTY', async () => {
    const model = tinyModel(5);
    const train = makeData(1, 32);
    const plain = recorder(false);
    await fineTune(model, train, { epochs: 2, batchSize: 8, progress: plain });
    const lines = plain.text().trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1])).toMatchObject({ event: 'epoch', epoch: 2, step: 8 });
    const tty = recorder(true);
    await fineTune(model, train, { epochs: 1, batchSize: 8, progress: tty });
    expect(tty.text()).toContain('\repoch 1/1');
    expect(tty.text()).toContain('4/4');
    disposeData(train);
    model.dispose();
  });

  it('accepts class-index labels as well as one-hot labels', async () => {
    const model = tinyModel(7);
    const train = makeData(1, 64);
    const idx = tf.argMax(train.y, 1);
    const r = await expectNoLeaks(() =>
      fineTune(
        model,
        { x: train.x, y: idx },
        { epochs: 4, batchSize: 16, lr: 0.05, validation: { x: train.x, y: idx }, verbose: 0 },
      ),
    );
    expect(r.history[3].val_acc).toBeGreaterThan(r.history[0].val_acc!);
    expect(r.history[3].loss).toBeLessThan(r.history[0].loss);
    idx.dispose();
    disposeData(train);
    model.dispose();
  });

  it('refuses mismatched data and masks for unknown weights with typed errors', async () => {
    const model = tinyModel(5);
    const x = tf.zeros([8, 6]);
    const y = tf.zeros([7, 3]);
    await expect(fineTune(model, { x, y }, { epochs: 1, verbose: 0 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    const y8 = tf.zeros([8, 3]);
    await expect(
      fineTune(model, { x, y: y8 }, { epochs: 1, checkpoint: { dir: 'x', every: 0 }, verbose: 0 }),
    ).rejects.toThrow(/checkpoint.every/);
    await expect(fineTune(model, { x, y: y8 }, { epochs: 0, verbose: 0 })).rejects.toThrow(/epochs/);
    const masks: MaskSet = new Map([['nope/kernel', { shape: [1], data: new Uint8Array(1) }]]);
    const n0 = tf.memory().numTensors;
    await expect(fineTune(model, { x, y: y8 }, { epochs: 1, masks, verbose: 0 })).rejects.toBeInstanceOf(
      UnknownLayerError,
    );
    expect(tf.memory().numTensors).toBe(n0);
    tf.dispose([x, y, y8]);
    model.dispose();
  });

  it('main entry (no file system): trains, and refuses checkpoint/resume/logDir naming the /node entry', async () => {
    const model = tinyModel(6);
    const { x, y } = makeData(4, 32);
    const n0 = tf.memory().numTensors;
    const r = await fineTuneMain(model, { x, y }, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(r.steps).toBe(8);
    expect(tf.memory().numTensors).toBe(n0);
    for (const extra of [{ checkpoint: { dir: 'ck', every: 1 } }, { resume: 'ck' }, { logDir: 'logs' }]) {
      const field = Object.keys(extra)[0];
      const run = fineTuneMain(model, { x, y }, { epochs: 1, verbose: 0, ...extra });
      await expect(run).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(run).rejects.toThrow(new RegExp(`'${field}'.*@prunekit/finetune/node`));
    }
    expect(tf.memory().numTensors).toBe(n0);
    disposeData({ x, y });
    model.dispose();
  });
});

describe('keepMasksCallback', () => {
  it('keeps masks through tfjs model.fit', async () => {
    const model = tinyModel(6);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const train = makeData(1, 64);
    const masks = randomMasks(model, 0.5, 3);
    const n0 = tf.memory().numTensors;
    const cb = keepMasksCallback(model, masks);
    await model.fit(train.x, train.y, { epochs: 2, batchSize: 16, callbacks: [cb], verbose: 0 });
    cb.dispose();
    const kernel = modelParams(model).find((p) => p.id === 'fc1/kernel')!;
    const v = kernel.variable.dataSync();
    const m = masks.get('fc1/kernel')!;
    for (let i = 0; i < v.length; i++) if (m.data[i] === 0) expect(v[i]).toBe(0);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(n0 + 2); // model.fit keeps optimizer slots
    disposeData(train);
    model.dispose();
  });
});
