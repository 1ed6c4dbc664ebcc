/**
 * The two-head network: a shared convolutional backbone (enc1–enc3) feeding a sign classifier
 * (pool → dense → softmax over the sign classes) and a lane decoder (two ×2 upsamplings with skip
 * concatenations from enc2 and enc1, 1×1 convs, a 3×3 per-pixel softmax). Outputs: [sign, lane].
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { IMAGE_SIZE } from './scene.js';

export interface ModelSpec {
  readonly numSigns: number;
  readonly numLaneClasses: number;
  /** Filters of enc1, enc2, enc3. */
  readonly backbone: readonly [number, number, number];
  /** Units of the sign head's hidden dense layer. */
  readonly signHidden: number;
  /** Filters of the lane decoder's two 1×1 convs (16×16, then 32×32). */
  readonly laneHidden: readonly [number, number];
  /** Seed of the weight initialisers. */
  readonly seed: number;
}

/** Names of the backbone's layers (the channels the example prunes). */
export const BACKBONE_LAYERS = ['enc1', 'enc2', 'enc3'] as const;
/** Output layer names, in output order. */
export const OUTPUTS = { sign: 'sign', lane: 'lane' } as const;

type Sym = tfl.SymbolicTensor;

export function createMultitaskModel(spec: ModelSpec): tfl.LayersModel {
  const init = (k: number) => tfl.initializers.heNormal({ seed: spec.seed * 100 + k });
  const conv = (name: string, filters: number, kernelSize: number, k: number, activation = 'relu') =>
    tfl.layers.conv2d({
      name,
      filters,
      kernelSize,
      padding: 'same',
      activation: activation as 'relu',
      kernelInitializer: init(k),
    });
  const input = tfl.input({ shape: [IMAGE_SIZE, IMAGE_SIZE, 3], name: 'image' });
  const e1 = conv('enc1', spec.backbone[0], 3, 1).apply(input) as Sym;
  const p1 = tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(e1) as Sym;
  const e2 = conv('enc2', spec.backbone[1], 3, 2).apply(p1) as Sym;
  const p2 = tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(e2) as Sym;
  const e3 = conv('enc3', spec.backbone[2], 3, 3).apply(p2) as Sym;

  const p3 = tfl.layers.maxPooling2d({ name: 'sign_pool', poolSize: 2 }).apply(e3) as Sym;
  const flat = tfl.layers.flatten({ name: 'sign_flatten' }).apply(p3) as Sym;
  const fc = tfl.layers
    .dense({ name: 'sign_fc', units: spec.signHidden, activation: 'relu', kernelInitializer: init(4) })
    .apply(flat) as Sym;
  const sign = tfl.layers
    .dense({ name: OUTPUTS.sign, units: spec.numSigns, activation: 'softmax', kernelInitializer: init(5) })
    .apply(fc) as Sym;

  const u1 = tfl.layers.upSampling2d({ name: 'lane_up1', size: [2, 2] }).apply(e3) as Sym;
  const c1 = tfl.layers.concatenate({ name: 'lane_cat1' }).apply([u1, e2]) as Sym;
  const d1 = conv('lane_dec1', spec.laneHidden[0], 1, 6).apply(c1) as Sym;
  const u2 = tfl.layers.upSampling2d({ name: 'lane_up2', size: [2, 2] }).apply(d1) as Sym;
  const c2 = tfl.layers.concatenate({ name: 'lane_cat2' }).apply([u2, e1]) as Sym;
  const d2 = conv('lane_dec2', spec.laneHidden[1], 1, 7).apply(c2) as Sym;
  const lane = conv(OUTPUTS.lane, spec.numLaneClasses, 3, 8, 'softmax').apply(d2) as Sym;
  return tfl.model({ name: 'multitask', inputs: input, outputs: [sign, lane] });
}
