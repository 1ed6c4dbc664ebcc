// Public surface of the inference kernels.
export { inferKernelConfigs, originalInferKernel, registerInferKernels } from './register.js';
export { samePadConvKernels, strideOverKernelSamePad } from './same_pad_conv.js';
