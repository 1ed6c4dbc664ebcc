// Public surface of the inference kernels.
export { inferKernelConfigs, originalInferKernel, registerInferKernels } from './register.js';
