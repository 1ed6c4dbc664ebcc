import * as tf from '@tensorflow/tfjs-core';
import type { Forward } from './forward.js';
import { countCorrect } from './losses/cross_entropy.js';
import type { Loss } from './losses/loss.js';
import type { TensorData } from './types.js';

/** Mean loss and accuracy of the model (inference mode) over `data`, in batches. */
export function evaluate(
  forward: Forward,
  data: TensorData,
  loss: Loss,
  probabilities: boolean,
  batchSize: number,
  step: number,
): { loss: number; acc: number } {
  const n = data.x.shape[0];
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    let prepared = new Map<string, tf.Tensor>();
    const [l, c] = tf.tidy(() => {
      const x = tf.slice(data.x, start, size);
      const y = tf.slice(data.y, start, size);
      // Losses keep what prepare returns (tf.keep), so it is disposed below, not by the tidy.
      prepared = loss.prepare?.(x) ?? prepared;
      const { pred, features } = forward(x, false);
      const value = loss.compute({ x, y, pred, probabilities, features, prepared, step });
      return [value.dataSync()[0], countCorrect(pred, y).dataSync()[0]];
    });
    tf.dispose([...prepared.values()]);
    lossSum += l * size;
    correct += c;
  }
  return { loss: lossSum / n, acc: correct / n };
}
