/** Registers the sparse kernels for 'wasm'. */
export function registerSparseKernels(): void {}
