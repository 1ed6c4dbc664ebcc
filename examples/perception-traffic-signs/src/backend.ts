/** The demo runs on tfjs's 'wasm' backend with prunekit's training kernels (fast CNN training). */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@prunekit/backend-wasm';

export async function initBackend(): Promise<string> {
  tf.env().set('PROD', true);
  await useBackend();
  return tf.getBackend();
}
