/** Registers the training (gradient) kernels tfjs-backend-wasm lacks. */
export function registerTrainKernels(): void {}
