/** The demo runs on tfjs's 'wasm' backend with prunekit's training kernels (fast CNN training). */
export { initWasmBackend as initBackend } from '@prunekit/example-kit';
