/**
 * A small U-Net-style encoder–decoder: two 2× max-pool stages down, two nearest-neighbour
 * UpSampling2D stages back up, each followed by a Concatenate with the encoder features of the same
 * resolution (skip connections keep the thin lane markings sharp), then a 1×1 softmax head.
 */
import * as tfl from '@tensorflow/tfjs-layers';

export interface SegNetShape {
  readonly height: number;
  readonly width: number;
  readonly classes: number;
  /** Channels of the encoder stages, full → quarter resolution, e.g. [12, 24, 40]. */
  readonly widths: readonly [number, number, number];
  readonly seed: number;
}

export function createSegNet(s: SegNetShape): tfl.LayersModel {
  let seed = s.seed;
  const conv = (name: string, filters: number, x: tfl.SymbolicTensor) =>
    tfl.layers
      .conv2d({
        name,
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tfl.initializers.heNormal({ seed: seed++ }),
      })
      .apply(x) as tfl.SymbolicTensor;
  const pool = (name: string, x: tfl.SymbolicTensor) =>
    tfl.layers.maxPooling2d({ name, poolSize: 2 }).apply(x) as tfl.SymbolicTensor;
  const up = (name: string, x: tfl.SymbolicTensor, skip: tfl.SymbolicTensor) =>
    tfl.layers
      .concatenate({ name: `${name}_cat` })
      .apply([
        tfl.layers.upSampling2d({ name, size: [2, 2] }).apply(x) as tfl.SymbolicTensor,
        skip,
      ]) as tfl.SymbolicTensor;
  const [w1, w2, w3] = s.widths;
  const input = tfl.input({ shape: [s.height, s.width, 3], name: 'image' });
  const e1 = conv('enc1', w1, input);
  const e2 = conv('enc2', w2, pool('pool1', e1));
  const b1 = conv('mid1', w3, pool('pool2', e2));
  const b2 = conv('mid2', w3, b1);
  const d2 = conv('dec2', w2, up('up2', b2, e2));
  const d1 = conv('dec1', w1, up('up1', d2, e1));
  const out = tfl.layers
    .conv2d({
      name: 'logits',
      filters: s.classes,
      kernelSize: 1,
      activation: 'softmax',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }),
    })
    .apply(d1) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: 'lane_segnet' });
}
