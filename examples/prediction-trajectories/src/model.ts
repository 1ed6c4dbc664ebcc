/**
 * The predictor: a temporal-conv encoder over the history channels (Conv1D, 'same' padding, relu;
 * every layer after the first halves the time axis with stride 2), flattened, one hidden Dense
 * layer and a linear Dense head with FUTURE · 2 outputs (x, y residuals of every future step).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { FUTURE, HISTORY } from './sim/samples.js';

export interface PredictorShape {
  readonly channels: number;
  /** Filters of each Conv1D layer, e.g. [32, 48, 64]. */
  readonly filters: readonly number[];
  readonly kernelSize: number;
  readonly hidden: number;
  readonly seed: number;
}

export function createPredictor(s: PredictorShape): tfl.LayersModel {
  const layers: tfl.layers.Layer[] = s.filters.map((filters, i) =>
    tfl.layers.conv1d({
      name: `conv${i + 1}`,
      filters,
      kernelSize: s.kernelSize,
      strides: i === 0 ? 1 : 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tfl.initializers.heNormal({ seed: s.seed + i }),
      ...(i === 0 ? { inputShape: [HISTORY, s.channels] } : {}),
    }),
  );
  layers.push(
    tfl.layers.flatten({ name: 'flatten' }),
    tfl.layers.dense({
      name: 'fc',
      units: s.hidden,
      activation: 'relu',
      kernelInitializer: tfl.initializers.heNormal({ seed: s.seed + 50 }),
    }),
    tfl.layers.dense({
      name: 'head',
      units: FUTURE * 2,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: s.seed + 100 }),
    }),
  );
  return tfl.sequential({ layers });
}
