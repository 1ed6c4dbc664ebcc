import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` and fails if it leaves tensors behind (numTensors before == after).
 * Returns what `fn` returned; tensors in the result must be disposed by the caller before the
 * check, so pass `keep` to exclude a result's tensor count when needed.
 */
export async function expectNoLeaks<T>(fn: () => T | Promise<T>, label = 'test'): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(`${label} leaked ${after - before} tensor(s): numTensors ${before} → ${after}`);
  }
  return out;
}
