// Public surface of the training kernels.
export {
  type TrainKernelOptions,
  registerTrainKernels,
  trainKernelConfigs,
  addedTrainKernels,
  originalWasmKernel,
} from './register.js';
export { conv2DBackpropFilterComposed } from './Conv2DBackpropFilter_composed.js';
export { conv2DBackpropFilterSimd } from './Conv2DBackpropFilter_simd.js';
export { conv2DBackpropInputComposed } from './Conv2DBackpropInput_composed.js';
export type { Conv2DBackpropFilterStrategy } from './Conv2DBackpropFilter.js';
