/** Examples run on tfjs's 'wasm' backend; `startBackend` (@prunekit/backend-wasm) adds prunekit's kernels. */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';

export { startBackend } from '@prunekit/backend-wasm';
