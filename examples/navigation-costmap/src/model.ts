/**
 * The policy: a small CNN from the egocentric window (side 2R+1, 3 channels) to a softmax over the
 * eight headings. Conv 3×3 → conv 3×3 → max-pool 2 → conv 3×3 → flatten → dense → logits.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { CHANNELS, windowSide } from './sim/observe.js';

export interface PolicyShape {
  readonly radius: number;
  /** Filters of the three conv layers, e.g. [16, 32, 32]. */
  readonly filters: readonly [number, number, number];
  /** Width of the dense layer before the logits. */
  readonly dense: number;
  readonly seed: number;
}

export function createPolicy(s: PolicyShape): tfl.LayersModel {
  const w = windowSide(s.radius);
  const he = (k: number) => tfl.initializers.heNormal({ seed: s.seed + k });
  const conv = (name: string, filters: number, k: number) =>
    tfl.layers.conv2d({
      name,
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: he(k),
    });
  return tfl.sequential({
    layers: [
      tfl.layers.inputLayer({ name: 'window', inputShape: [w, w, CHANNELS] }),
      conv('conv1', s.filters[0], 1),
      conv('conv2', s.filters[1], 2),
      tfl.layers.maxPooling2d({ name: 'pool', poolSize: 2 }),
      conv('conv3', s.filters[2], 3),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dense({ name: 'fc', units: s.dense, activation: 'relu', kernelInitializer: he(4) }),
      tfl.layers.dense({
        name: 'logits',
        units: 8,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: s.seed + 100 }),
      }),
    ],
  });
}
