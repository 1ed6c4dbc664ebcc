/** Backend start-up: 'wasm' with prunekit's kernels (fast training) or the pure-JS 'cpu'. */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { startBackend } from '@prunekit/backend-wasm';

export const initBackend = (name: 'wasm' | 'cpu'): Promise<string> => startBackend(name);
