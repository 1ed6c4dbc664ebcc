// Small models shared by the layers tests. Every fixture is seeded so the weights are stable.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export { tf, tfl };

const init = (seed: number) => tfl.initializers.glorotUniform({ seed });

/** conv(3x3, 4) → BN → depthwise(3x3, ×2) → flatten → dense(2), on 8x8x3. */
export function sequentialFixture(): tfl.Sequential {
  return tfl.sequential({
    name: 'seq',
    layers: [
      tfl.layers.conv2d({
        inputShape: [8, 8, 3],
        filters: 4,
        kernelSize: 3,
        name: 'c1',
        kernelInitializer: init(1),
      }),
      tfl.layers.batchNormalization({ name: 'bn' }),
      tfl.layers.depthwiseConv2d({
        kernelSize: 3,
        depthMultiplier: 2,
        name: 'dw',
        depthwiseInitializer: init(2),
      }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dropout({ rate: 0.5, name: 'drop' }),
      tfl.layers.dense({ units: 2, name: 'logits', kernelInitializer: init(3) }),
    ],
  });
}

/**
 * x[8,8,3] → a: conv 3x3 same (4) → relu → b: conv 3x3 same (4) → add(a, b) → c: conv 1x1 (2)
 * → cat(add, c) → gap → out: dense(3).
 */
export function functionalFixture(): tfl.LayersModel {
  const x = tfl.input({ shape: [8, 8, 3], name: 'x' });
  const a = tfl.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'a', kernelInitializer: init(4) })
    .apply(x) as tfl.SymbolicTensor;
  const r = tfl.layers.reLU({ name: 'r' }).apply(a) as tfl.SymbolicTensor;
  const b = tfl.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'b', kernelInitializer: init(5) })
    .apply(r) as tfl.SymbolicTensor;
  const add = tfl.layers.add({ name: 'add' }).apply([a, b]) as tfl.SymbolicTensor;
  const c = tfl.layers
    .conv2d({ filters: 2, kernelSize: 1, name: 'c', kernelInitializer: init(6) })
    .apply(add) as tfl.SymbolicTensor;
  const cat = tfl.layers.concatenate({ name: 'cat' }).apply([add, c]) as tfl.SymbolicTensor;
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(cat) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 3, name: 'out', kernelInitializer: init(7) })
    .apply(gap) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out, name: 'residual' });
}

/** Fails the test if `fn` changes tf.memory().numTensors. */
export async function noLeaks<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`leaked ${after - before} tensor(s): ${before} → ${after}`);
  return out;
}

/** A custom layer class no handler knows: y = x · scale + shift, per channel. */
export class TestScale extends tfl.layers.Layer {
  static className = 'PrunekitTestScale';
  private scale?: tfl.LayerVariable;
  private shift?: tfl.LayerVariable;
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const c = (inputShape as tfl.Shape)[(inputShape as tfl.Shape).length - 1] as number;
    this.scale = this.addWeight('scale', [c], 'float32', tfl.initializers.ones());
    this.shift = this.addWeight('shift', [c], 'float32', tfl.initializers.zeros());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => tf.add(tf.mul(x, this.scale!.read()), this.shift!.read()));
  }
}

/** dense(4) on [5] → custom scale layer → dense(2). */
export function customLayerFixture(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [5], units: 4, name: 'd0' }),
      new TestScale({ name: 'scale' }),
      tfl.layers.dense({ units: 2, name: 'd' }),
    ],
  });
}
