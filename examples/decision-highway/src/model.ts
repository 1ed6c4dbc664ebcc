/** The policy: a small MLP (Dense stack) from the feature vector to logits over the five actions. */
import * as tfl from '@tensorflow/tfjs-layers';

export interface PolicyShape {
  readonly features: number;
  /** Hidden widths, e.g. [128, 128, 64]. */
  readonly hidden: readonly number[];
  readonly actions?: number;
  readonly seed: number;
}

export function createPolicy(s: PolicyShape): tfl.LayersModel {
  const layers = s.hidden.map((units, i) =>
    tfl.layers.dense({
      name: `fc${i + 1}`,
      units,
      activation: 'relu',
      kernelInitializer: tfl.initializers.heNormal({ seed: s.seed + i }),
      ...(i === 0 ? { inputShape: [s.features] } : {}),
    }),
  );
  layers.push(
    tfl.layers.dense({
      name: 'logits',
      units: s.actions ?? 5,
      activation: 'softmax',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: s.seed + 100 }),
    }),
  );
  return tfl.sequential({ layers });
}
