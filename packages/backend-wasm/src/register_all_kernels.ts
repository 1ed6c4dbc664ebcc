import { registerInferKernels } from './infer/register.js';
import { registerSparseKernels } from './sparse/register.js';
import { registerTrainKernels } from './train/register.js';

let done = false;
/** Registers every prunekit kernel for 'wasm' (idempotent). */
export function registerAllKernels(): void {
  if (done) return;
  done = true;
  registerTrainKernels();
  registerSparseKernels();
  registerInferKernels();
}
