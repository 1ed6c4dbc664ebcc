import { computeMetrics, memberIndices } from '@prunekit/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGraph } from '../src/index.js';
import { analyze, expectEquivalent, seed } from './structured_helpers.js';

type T = tfl.SymbolicTensor;
const L = tfl.layers;
const ap = (l: tfl.layers.Layer, x: T | T[]) => l.apply(x) as T;
const conv = (name: string, filters: number, x: T, kernelSize = 3) =>
  ap(L.conv2d({ name, filters, kernelSize, padding: 'same', activation: 'relu' }), x);

/** A two-level U-Net: pool down, UpSampling2D back up, skip Concatenate at each level, 1×1 head. */
function unet(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 12, 3], name: 'image' });
  const e1 = conv('enc1', 4, input);
  const e2 = conv('enc2', 6, ap(L.maxPooling2d({ name: 'pool1', poolSize: 2 }), e1));
  const mid = conv('mid', 8, ap(L.maxPooling2d({ name: 'pool2', poolSize: 2 }), e2));
  const up2 = ap(L.upSampling2d({ name: 'up2', size: [2, 2] }), mid);
  const d2 = conv('dec2', 6, ap(L.concatenate({ name: 'cat2' }), [up2, e2]));
  const up1 = ap(L.upSampling2d({ name: 'up1', size: [2, 2] }), d2);
  const d1 = conv('dec1', 4, ap(L.concatenate({ name: 'cat1' }), [up1, e1]));
  const out = ap(L.conv2d({ name: 'logits', filters: 3, kernelSize: 1, activation: 'softmax' }), d1);
  const m = tfl.model({ inputs: input, outputs: out });
  seed(m, 3);
  return m;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(tf.getBackend()).toBe('cpu');
});

describe('UpSampling2D in an encoder–decoder with skip concatenations', () => {
  it('has no weights and no MACs in the graph; the up-sampled tensor keeps its channels', () => {
    const m = unet();
    const g = buildGraph(m);
    const up = computeMetrics(g).layers.find((l) => l.name === 'up2')!;
    expect([up.params, up.macs]).toEqual([0, 0]);
    m.dispose();
  });

  it('channels of a decoder stage travel through UpSampling2D to the next Concatenate (offset 0), skip channels after them', () => {
    const m = unet();
    const groups = analyze(m).groups;
    const mid = groups.find((x) => x.id === 'mid')!;
    expect(mid.members.some((x) => x.node === 'up2' && x.role === 'through')).toBe(true);
    const intoDec2 = mid.members.find((x) => x.param === 'dec2/kernel' && x.axis === 2)!;
    expect(memberIndices(intoDec2, [0, 7])).toEqual([0, 7]);
    const skip = groups.find((x) => x.id === 'enc2')!;
    const skipIntoDec2 = skip.members.find((x) => x.param === 'dec2/kernel' && x.axis === 2)!;
    expect(memberIndices(skipIntoDec2, [0, 5])).toEqual([8, 13]);
    m.dispose();
  });

  it('surgery equals the zeroed original and shrinks every decoder kernel', async () => {
    const m = unet();
    const shapes = await expectEquivalent(m);
    // every other channel removed: mid 8→4, enc2 6→3 so dec2 reads 4 + 3; dec2 6→3, enc1 4→2 so dec1 reads 3 + 2
    expect(shapes.get('dec2')![0]).toEqual([3, 3, 7, 3]);
    expect(shapes.get('dec1')![0]).toEqual([3, 3, 5, 2]);
    expect(shapes.get('logits')![0]).toEqual([1, 1, 2, 3]);
    m.dispose();
  });
});
